"""Typed image references: ``[registry/][namespace/]name[:tag][@digest]``.

Defaults are Docker's, as the course explains them: no registry means Docker Hub
(``docker.io``), a Docker Hub image with no namespace is in ``library/``, and no tag means
``latest``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pilothouse.errors import InvalidValueError
from pilothouse.typed import Checked, checked_arguments

DOCKER_HUB = "docker.io"
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REFERENCE = re.compile(
    rf"^(?P<path>{_COMPONENT}(?:/{_COMPONENT})*)(?::(?P<tag>[\w][\w.-]{{0,127}}))?(?:@(?P<digest>sha256:[a-f0-9]{{64}}))?$"
)
_ALLOWED = ("an image reference '[registry/][namespace/]name[:tag][@sha256:digest]' with a lowercase "
            "repository, such as 'nginx:1.27' or 'myacr.azurecr.io/shop/api:1.4.2'")


@dataclass(frozen=True)
class ImageRef(Checked, prefix="image"):
    """A parsed image reference ``[registry/][namespace/]name[:tag][@digest]`` with Docker's defaults applied.

    Fields:
        registry: the registry host, with an optional port; ``docker.io`` when the reference names none (the first
            component is a host only if it has a ``.`` or ``:`` or is ``localhost``).
        repository: the lowercase repository path; a Docker Hub image without a namespace is under ``library/``.
        tag: the tag as written, or ``None`` (``str()`` then writes ``latest``).
        digest: ``sha256:`` and 64 hex digits when the reference is pinned by digest, else ``None``.

    Build it with :meth:`parse`, which raises ``InvalidValueError`` naming its ``field`` argument (default
    ``"image"``) for a malformed reference.
    """

    registry: str
    repository: str
    tag: str | None = None
    digest: str | None = None

    @classmethod
    @checked_arguments("image")
    def parse(cls, text: str, field: str = "image") -> ImageRef:
        first, slash, rest = text.partition("/")
        # Like Docker: the first component is a registry only if it looks like a host.
        if slash and ("." in first or ":" in first or first == "localhost"):
            registry, remainder = first, rest
        else:
            registry, remainder = DOCKER_HUB, text
        match = _REFERENCE.fullmatch(remainder)
        if match is None or not re.fullmatch(r"[a-zA-Z0-9.-]+(:\d{1,5})?", registry):
            raise InvalidValueError(field, text, _ALLOWED)
        repository = match["path"]
        if registry == DOCKER_HUB and "/" not in repository:
            repository = f"library/{repository}"
        return cls(registry, repository, match["tag"], match["digest"])

    @property
    def pinned(self) -> bool:
        """Pinned to content (a digest) or at least to an explicit tag other than ``latest``."""
        return self.digest is not None or self.tag not in (None, "latest")

    def __str__(self) -> str:
        """The fully qualified reference, defaults made explicit."""
        text = f"{self.registry}/{self.repository}:{self.tag or 'latest'}"
        return f"{text}@{self.digest}" if self.digest else text
