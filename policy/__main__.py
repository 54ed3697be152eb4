"""This repository's policy pack folder (`pulumi preview --policy-pack policy`): Pilothouse's rules."""

from pilothouse.policy.pack import serve

serve()
