"""Pilothouse: typed Pulumi components for Kubernetes on Azure.

Import the area you need (``pilothouse.azure``, ``pilothouse.kubernetes``); this package
itself only carries what every area shares, so importing it stays cheap.
"""

from pilothouse.errors import InvalidValueError

__all__ = ["InvalidValueError"]
