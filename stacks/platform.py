"""The Azure platform of one environment: resource group, network, registry, monitoring, AKS."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from pilothouse.addons.ingress_controller import PublicEndpoint
from pilothouse.azure.cluster import AksCluster, AksClusterArgs
from pilothouse.azure.ingress_ip import IngressPublicIp, IngressPublicIpArgs
from pilothouse.azure.monitoring import LogAnalyticsWorkspace, LogAnalyticsWorkspaceArgs
from pilothouse.azure.network import Network, NetworkArgs
from pilothouse.azure.registry import ContainerRegistry, ContainerRegistryArgs
from pilothouse.azure.registry_token import RegistryPushToken, RegistryPushTokenArgs
from pilothouse.azure.resource_group import ResourceGroup, ResourceGroupArgs
from pilothouse.images import BuiltImage, BuiltImageArgs
from stacks.addons import Addons
from stacks.config import AzureConfig
from stacks.images import APP_CONTEXT, APP_REPOSITORY, PLATFORM


@dataclass(frozen=True)
class Platform:
    """What the platform hands to the apps stack and to stack outputs (:meth:`contract`)."""

    resource_group: ResourceGroup
    registry: ContainerRegistry
    cluster: AksCluster
    #: The reference web app, built from ``app/`` and pushed to the registry (pinned by digest).
    web_image: pulumi.Output[str]
    #: The static public IP the ingress controller takes (when ``ingress.dnsLabel`` asks for one).
    ingress_endpoint: PublicEndpoint | None = None

    def contract(self, addons: Addons) -> dict[str, pulumi.Input[str]]:
        """The values of the platform contract (:mod:`pilothouse.contract`), with the add-ons installed on it."""
        ingress, scraping = addons.ingress_class, addons.scraping
        return {"kubeconfig": self.cluster.kubeconfig, "clusterName": self.cluster.name,
                "resourceGroupName": self.resource_group.name, "registryLoginServer": self.registry.login_server,
                "oidcIssuerUrl": self.cluster.oidc_issuer_url.apply(lambda url: url or ""),
                "ingressClass": ingress.name if ingress else "",
                "ingressNamespace": (ingress.namespace if ingress else None) or "",
                "monitoringNamespace": (scraping.namespace if scraping else None) or ""}


def build_app_image(registry: ContainerRegistry, resource_group_name: pulumi.Input[str]) -> BuiltImage:
    """Build ``app/`` and push it with a token scoped to its repository (the ACR admin user stays off)."""
    push = RegistryPushToken("web", RegistryPushTokenArgs(
        registry_name=registry.name, registry_id=registry.id, login_server=registry.login_server,
        resource_group_name=resource_group_name, repository=APP_REPOSITORY))
    return BuiltImage("web", BuiltImageArgs(context=APP_CONTEXT, repository=APP_REPOSITORY,
                                            registry=push.credentials, platform=PLATFORM))


def build_platform(azure: AzureConfig, *, kubernetes_version: str, protect: bool,
                   ingress_dns_label: str | None = None) -> Platform:
    naming = azure.naming
    group = ResourceGroup("platform", ResourceGroupArgs(
        naming=naming, existing_name=azure.existing_resource_group, protect=protect))
    network = Network("network", NetworkArgs(naming=naming, resource_group_name=group.name, plan=azure.network))
    registry = ContainerRegistry("registry", ContainerRegistryArgs(
        naming=naming, resource_group_name=group.name, spec=azure.registry, protect=protect))
    workspace = LogAnalyticsWorkspace("logs", LogAnalyticsWorkspaceArgs(
        naming=naming, resource_group_name=group.name, protect=protect))
    cluster = AksCluster("cluster", AksClusterArgs(
        naming=naming, resource_group_name=group.name, kubernetes_version=kubernetes_version, spec=azure.cluster,
        network=network, workspace=workspace, registries=(registry,), protect=protect))
    pulumi.export("location", group.location)
    pulumi.export("posture", cluster.posture)
    web = build_app_image(registry, group.name)
    pulumi.export("webImage", web.image_ref)
    endpoint = None
    if ingress_dns_label is not None:
        address = IngressPublicIp("ingress-ip", IngressPublicIpArgs(
            naming=naming, resource_group_name=group.name, cluster=cluster, dns_label=ingress_dns_label,
            zones=azure.cluster.system_pool.zones, protect=protect))
        pulumi.export("ingressAddress", address.address)
        pulumi.export("ingressFqdn", address.fqdn)
        endpoint = PublicEndpoint(ip_name=address.name, resource_group=address.resource_group_name,
                                  dns_label=address.dns_label, after=(address.attach_role,))
    return Platform(resource_group=group, registry=registry, cluster=cluster, web_image=web.image_ref,
                    ingress_endpoint=endpoint)
