"""Container images: typed references."""

from components.images.reference import ImageRef

__all__ = ["ImageRef"]
