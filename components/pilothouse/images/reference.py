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
# The grammar of github.com/distribution/reference v0.6.0 (regexp.go, normalize.go), with which the kubelet parses
# an image name before pulling it: a name it cannot parse fails the pod (InvalidImageName), although the API server
# takes any text without surrounding whitespace. Go's \w is ASCII, hence re.ASCII.
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_REGISTRY = re.compile(rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?", re.ASCII)
_REFERENCE = re.compile(
    rf"(?P<path>{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*)(?::(?P<tag>\w[\w.-]{{0,127}}))?"
    r"(?:@(?P<digest>sha256:[a-f0-9]{64}))?", re.ASCII)
#: The longest repository name, registry included (``NameTotalLengthMax``).
NAME_MAX = 255
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
        # Like Docker (splitDockerDomain): the first component is a registry only if it looks like a host.
        if slash and ("." in first or ":" in first or first == "localhost" or first.lower() != first):
            registry, remainder = first, rest
        else:
            registry, remainder = DOCKER_HUB, text
        match = _REFERENCE.fullmatch(remainder)
        if match is None or not _REGISTRY.fullmatch(registry):
            raise InvalidValueError(field, text, _ALLOWED)
        repository = match["path"]
        if registry == DOCKER_HUB and "/" not in repository:
            repository = f"library/{repository}"
        if len(f"{registry}/{repository}") > NAME_MAX:
            raise InvalidValueError(field, text, f"a repository name of at most {NAME_MAX} characters, the "
                                                 f"registry included ('{DOCKER_HUB}/library/' when none is named)")
        return cls(registry, repository, match["tag"], match["digest"])

    @property
    def pinned(self) -> bool:
        """Pinned to content (a digest) or at least to an explicit tag other than ``latest``."""
        return self.digest is not None or self.tag not in (None, "latest")

    def __str__(self) -> str:
        """The fully qualified reference, defaults made explicit."""
        text = f"{self.registry}/{self.repository}:{self.tag or 'latest'}"
        return f"{text}@{self.digest}" if self.digest else text
