from __future__ import annotations

import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.images.reference import ImageRef

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(("text", "registry", "repository", "tag", "digest", "full"), [
    ("nginx", "docker.io", "library/nginx", None, None, "docker.io/library/nginx:latest"),
    ("nginx:1.7.9", "docker.io", "library/nginx", "1.7.9", None, "docker.io/library/nginx:1.7.9"),
    ("bitnami/redis:7", "docker.io", "bitnami/redis", "7", None, "docker.io/bitnami/redis:7"),
    ("myacr.azurecr.io/shop/api:1.4.2", "myacr.azurecr.io", "shop/api", "1.4.2", None,
     "myacr.azurecr.io/shop/api:1.4.2"),
    ("localhost:5000/app", "localhost:5000", "app", None, None, "localhost:5000/app:latest"),
    (f"mcr.microsoft.com/dotnet/aspnet@{DIGEST}", "mcr.microsoft.com", "dotnet/aspnet", None, DIGEST,
     f"mcr.microsoft.com/dotnet/aspnet:latest@{DIGEST}"),
])
def test_references_parse_with_dockers_defaults(text: str, registry: str, repository: str, tag: str | None,
                                                digest: str | None, full: str) -> None:
    ref = ImageRef.parse(text)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (registry, repository, tag, digest)
    assert str(ref) == full


def test_pinned_means_a_digest_or_an_explicit_tag() -> None:
    assert not ImageRef.parse("nginx").pinned
    assert not ImageRef.parse("nginx:latest").pinned
    assert ImageRef.parse("nginx:1.27").pinned
    assert ImageRef.parse(f"nginx@{DIGEST}").pinned


@pytest.mark.parametrize("text", ["", "Nginx", "nginx:", "nginx:-bad", "nginx@sha256:abc", "my acr/app", "a//b"])
def test_malformed_references_are_rejected(text: str) -> None:
    with pytest.raises(InvalidValueError, match=r"^image: got .*; expected an image reference"):
        ImageRef.parse(text)
