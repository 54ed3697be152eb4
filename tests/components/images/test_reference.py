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
    # distribution/reference v0.6.0: an IPv6 registry, and a first component with upper case is a host.
    ("[fd00::1]:5000/app:1", "[fd00::1]:5000", "app", "1", None, "[fd00::1]:5000/app:1"),
    ("Registry/app:1", "Registry", "app", "1", None, "Registry/app:1"),
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


@pytest.mark.parametrize("text", [
    "", "Nginx", "nginx:", "nginx:-bad", "nginx@sha256:abc", "my acr/app", "a//b",
    # Go's \w is ASCII; a registry's labels neither start nor end with '-'.
    "nginx:1.2\u00e9", "nginx:\u0663", "-registry.io/app:1", "registry-.io/app:1", "registry..io/app", "[fd00::g]/app",
])
def test_malformed_references_are_rejected(text: str) -> None:
    with pytest.raises(InvalidValueError, match=r"^image: got .*; expected an image reference"):
        ImageRef.parse(text)


def test_a_name_is_at_most_255_characters_with_its_registry() -> None:
    longest = "a" * (255 - len("docker.io/library/"))
    assert ImageRef.parse(longest).repository == f"library/{longest}"
    with pytest.raises(InvalidValueError) as error:
        ImageRef.parse(longest + "a:1.0", "container.image")
    assert str(error.value).startswith("container.image: got 'aaaa")  # shortened: a long value is not echoed whole
    assert str(error.value).endswith("; expected a repository name of at most 255 characters, the registry included "
                                     "('docker.io/library/' when none is named)")
