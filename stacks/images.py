"""The reference web app's image, built from ``app/``: pushed to the platform's ACR on AKS
(``stacks.platform``), named by its content tag for any other cluster (here, without pulumi-docker)."""

from __future__ import annotations

from pathlib import Path

from pilothouse.images import ImageRef, content_tag, context_digest

APP_CONTEXT = "app"
APP_REPOSITORY = "shop/web"
PLATFORM = "linux/amd64"
#: Where a local cluster pulls the app from: a registry on the developer's machine (`docker build -t
#: localhost:5000/shop/web:<tag> app && docker push ...`); the local control plane's kwok nodes pull nothing.
LOCAL_REGISTRY = "localhost:5000"


def local_app_image() -> str:
    """The reference the same build would produce, tagged by the context's content, on the local registry."""
    context = Path(APP_CONTEXT)
    tag = content_tag(context_digest(context, context / "Dockerfile", platform=PLATFORM))
    return str(ImageRef(LOCAL_REGISTRY, APP_REPOSITORY, tag))
