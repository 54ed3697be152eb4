"""Container images: typed references, content-tagged builds pushed with registry credentials."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pilothouse.images.reference import ImageRef

if TYPE_CHECKING:
    from pilothouse.images.built_image import BuiltImage, BuiltImageArgs, RegistryCredentials
    from pilothouse.images.context import content_tag, context_digest, included_files

#: Loaded on first use: every container names an ImageRef (core), few programs build images, and the
#: build needs the ``images`` extra (pulumi-docker, half a second of imports; pathspec).
_BUILD = {"BuiltImage": "built_image", "BuiltImageArgs": "built_image", "RegistryCredentials": "built_image",
          "content_tag": "context", "context_digest": "context", "included_files": "context"}


def __getattr__(name: str) -> Any:
    if name in _BUILD:
        return getattr(importlib.import_module(f"pilothouse.images.{_BUILD[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["BuiltImage", "BuiltImageArgs", "ImageRef", "RegistryCredentials", "content_tag", "context_digest",
           "included_files"]
