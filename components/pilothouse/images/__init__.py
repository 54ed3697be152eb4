"""Container images: typed references, content-tagged builds pushed with registry credentials."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pilothouse.images.context import content_tag, context_digest, included_files
from pilothouse.images.reference import ImageRef

if TYPE_CHECKING:
    from pilothouse.images.built_image import BuiltImage, BuiltImageArgs, RegistryCredentials

#: Loaded on first use: every container names an ImageRef, few programs build images, and the build
#: brings in pulumi-docker (half a second of imports).
_BUILD = frozenset({"BuiltImage", "BuiltImageArgs", "RegistryCredentials"})


def __getattr__(name: str) -> Any:
    if name in _BUILD:
        return getattr(importlib.import_module("pilothouse.images.built_image"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["BuiltImage", "BuiltImageArgs", "ImageRef", "RegistryCredentials", "content_tag", "context_digest",
           "included_files"]
