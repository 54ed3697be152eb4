"""This repository's policy pack folder (not shipped): Pilothouse's rules served by ``pilothouse.policy.pack``."""
