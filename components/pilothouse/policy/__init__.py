"""Pilothouse's policy pack: the secure defaults as rules, for `pulumi preview --policy-pack` and offline renders."""
