"""The Azure platform of one environment: resource group, network, registry, monitoring, AKS."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from pilothouse.addons.ingress_controller import PublicEndpoint
from pilothouse.azure.cluster import AksCluster, AksClusterArgs
from pilothouse.azure.ingress_ip import IngressPublicIp, IngressPublicIpArgs
from pilothouse.azure.key_vault import KeyVault, KeyVaultArgs, VaultPrivateEndpoint
from pilothouse.azure.monitoring import LogAnalyticsWorkspace, LogAnalyticsWorkspaceArgs
from pilothouse.azure.naming import Naming
from pilothouse.azure.network import Network, NetworkArgs
from pilothouse.azure.registry import ContainerRegistry, ContainerRegistryArgs
from pilothouse.azure.registry_token import RegistryPushToken, RegistryPushTokenArgs
from pilothouse.azure.resource_group import ResourceGroup, ResourceGroupArgs
from pilothouse.azure.roles import KEY_VAULT_SECRETS_USER
from pilothouse.azure.secret_provider_class import SecretProviderClass, SecretProviderClassArgs
from pilothouse.azure.workload_identity import RoleGrant, WorkloadIdentity, WorkloadIdentityArgs
from pilothouse.images import BuiltImage, BuiltImageArgs
from pilothouse.kubernetes.namespace import Namespace
from pilothouse.kubernetes.service_account import ServiceAccount
from stacks.addons import Addons
from stacks.config import AzureConfig
from stacks.images import APP_CONTEXT, APP_REPOSITORY, PLATFORM
from stacks.reference import NAMESPACE, VAULT_PASSWORD, VAULT_SYNCED, WEB_ACCOUNT
from stacks.workloads import WebAccess, WebAccessFactory


@dataclass(frozen=True)
class Platform:
    """What the platform hands to the apps stack and to stack outputs (:meth:`contract`)."""

    naming: Naming
    resource_group: ResourceGroup
    registry: ContainerRegistry
    cluster: AksCluster
    #: The platform's Key Vault (RBAC; reachable from the node subnet, through its firewall or a private endpoint
    #: there, and from the stack's ``keyVault.allowedIpRanges``); apps read it as workload identities.
    vault: KeyVault
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
                "gatewayName": addons.gateway.name if addons.gateway else "",
                "gatewayNamespace": addons.gateway.namespace if addons.gateway else "",
                "monitoringNamespace": (scraping.namespace if scraping else None) or "",
                "keyVaultUri": self.vault.uri, "keyVaultName": self.vault.name, "keyVaultId": self.vault.resource_id,
                "tenantId": self.vault.tenant_id}


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
    settings = azure.key_vault
    # The nodes reach the vault through its private endpoint in their subnet, or else through its firewall.
    private = VaultPrivateEndpoint(subnet_id=network.node_subnet_id,
                                   virtual_network_id=network.vnet_id) if settings.private_endpoint else None
    vault = KeyVault("vault", KeyVaultArgs(
        naming=naming, resource_group_name=group.name,
        allowed_subnet_ids=() if private else (network.node_subnet_id,),
        allowed_ip_ranges=settings.allowed_ip_ranges, private_endpoint=private,
        purge_protection=settings.purge_protection, protect=protect))
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
    return Platform(naming=naming, resource_group=group, registry=registry, cluster=cluster, vault=vault,
                    web_image=web.image_ref, ingress_endpoint=endpoint)


def vault_access(platform: Platform) -> WebAccessFactory:
    """The reference web app reads its database password from the platform's Key Vault, as its own workload
    identity ("Key Vault Secrets User" on that vault only), through the Secrets Store CSI driver."""

    def access(shop: Namespace, password: pulumi.Input[str], opts: pulumi.ResourceOptions) -> WebAccess:
        platform.vault.secret(VAULT_PASSWORD, password)
        identity = WorkloadIdentity("web", WorkloadIdentityArgs(
            naming=platform.naming, resource_group_name=platform.resource_group.name, cluster=platform.cluster,
            namespace=NAMESPACE, service_account=WEB_ACCOUNT,
            roles=(RoleGrant(label="vault", role=KEY_VAULT_SECRETS_USER, scope=platform.vault.resource_id),)), opts)
        account = ServiceAccount(WEB_ACCOUNT, identity.service_account(shop), opts)
        secrets = SecretProviderClass(VAULT_SYNCED, SecretProviderClassArgs(
            name=VAULT_SYNCED, namespace=shop, vault=platform.vault, identity=identity, secrets=(VAULT_PASSWORD,),
            sync_to=VAULT_SYNCED), opts)
        return WebAccess(account, secrets.env(VAULT_PASSWORD), (secrets.volume(),))

    return access
