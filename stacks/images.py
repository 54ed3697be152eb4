"""The reference web app's image, built from ``app/``: pushed to the platform's ACR on AKS, named by
its content tag for any other cluster."""

from __future__ import annotations

from pathlib import Path

import pulumi

from components.azure.registry import ContainerRegistry
from components.azure.registry_token import RegistryPushToken, RegistryPushTokenArgs
from components.images import BuiltImage, BuiltImageArgs, ImageRef, context_digest
from components.images.built_image import content_tag

APP_CONTEXT = "app"
APP_REPOSITORY = "shop/web"
PLATFORM = "linux/amd64"
#: Where a local cluster pulls the app from: a registry on the developer's machine (`docker build -t
#: localhost:5000/shop/web:<tag> app && docker push ...`); the local control plane's kwok nodes pull nothing.
LOCAL_REGISTRY = "localhost:5000"


def build_app_image(registry: ContainerRegistry, resource_group_name: pulumi.Input[str]) -> BuiltImage:
    """Build ``app/`` and push it with a token scoped to its repository (the ACR admin user stays off)."""
    push = RegistryPushToken("web", RegistryPushTokenArgs(
        registry_name=registry.name, registry_id=registry.id, login_server=registry.login_server,
        resource_group_name=resource_group_name, repository=APP_REPOSITORY))
    return BuiltImage("web", BuiltImageArgs(context=APP_CONTEXT, repository=APP_REPOSITORY,
                                            registry=push.credentials, platform=PLATFORM))


def local_app_image() -> str:
    """The reference the same build would produce, tagged by the context's content, on the local registry."""
    context = Path(APP_CONTEXT)
    tag = content_tag(context_digest(context, context / "Dockerfile", platform=PLATFORM))
    return str(ImageRef(LOCAL_REGISTRY, APP_REPOSITORY, tag))
