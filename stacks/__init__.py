"""Stacks: components composed into one environment, driven by typed config."""

from __future__ import annotations

import pulumi

from pilothouse.contract import export_contract
from stacks.apps import build_apps, kubeconfig_provider, platform_stack_provider
from stacks.config import StackConfig
from stacks.images import local_app_image


def build(config: StackConfig) -> None:
    """Register every resource of the environment described by ``config``."""
    pulumi.export("environment", config.environment)
    pulumi.export("kubernetesVersion", config.kubernetes_version)
    if config.azure is not None:
        # Only stacks that build Azure load its SDK modules (the network one alone takes a second).
        from stacks.platform import build_platform, vault_access  # noqa: PLC0415

        ingress = config.addons.ingress
        platform = build_platform(config.azure, kubernetes_version=config.kubernetes_version,
                                  protect=config.protect, ingress_dns_label=ingress.dns_label if ingress else None)
        addons = build_apps(config, platform.cluster.provider, web_image=platform.web_image,
                            public_endpoint=platform.ingress_endpoint, web_access=vault_access(platform))
        export_contract(platform.contract(addons))
    elif config.kubeconfig is not None:
        build_apps(config, kubeconfig_provider(config.kubeconfig), web_image=local_app_image())
    elif config.platform_stack is not None:
        provider, web_image = platform_stack_provider(config.platform_stack)
        build_apps(config, provider, web_image=web_image)
