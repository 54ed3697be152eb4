"""Pilothouse: typed Pulumi components for Kubernetes on Azure.

Import the area you need (``components.azure``, ``components.kubernetes``); this package
itself only carries what every area shares, so importing it stays cheap.
"""

from components.errors import InvalidValueError

__all__ = ["InvalidValueError"]
