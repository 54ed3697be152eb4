"""Container images: typed references, content-tagged builds pushed with registry credentials."""

from components.images.built_image import BuiltImage, BuiltImageArgs, RegistryCredentials
from components.images.context import context_digest, included_files
from components.images.reference import ImageRef

__all__ = ["BuiltImage", "BuiltImageArgs", "ImageRef", "RegistryCredentials", "context_digest", "included_files"]
