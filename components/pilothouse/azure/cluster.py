"""The AKS cluster: identity, system pool, user pools, monitoring, registry access, kubeconfig.

Shaped so a second ``pulumi preview`` shows no diff: under autoscaling a pool's node count is
sent once and then left to the autoscaler, and with an upgrade channel the Kubernetes version
is left to AKS. User pools are separate ``AgentPool`` resources, never inline, and their Azure
name carries a digest of the fields Azure cannot change in place, so changing the VM size
creates the new pool before the old one is deleted and never touches the cluster.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
from pulumi_azure_native import containerservice, managedidentity

from pilothouse.azure.cluster_spec import ClusterSpec, MaintenanceWindow, UpgradeChannel
from pilothouse.azure.monitoring import LogAnalyticsWorkspace
from pilothouse.azure.naming import Naming, ResourceKind
from pilothouse.azure.network import Network
from pilothouse.azure.network_plan import NetworkPlan, NetworkPlugin, NetworkPolicy, OutboundType
from pilothouse.azure.node_pool import NodePoolSpec
from pilothouse.azure.registry import ContainerRegistry
from pilothouse.azure.roles import ACR_PULL, NETWORK_CONTRIBUTOR, assign_role
from pilothouse.typed import Checked

CRITICAL_ADDONS_ONLY = "CriticalAddonsOnly=true:NoSchedule"


@dataclass(frozen=True, kw_only=True)
class AksClusterArgs(Checked, prefix=""):
    """What an :class:`AksCluster` needs; its network plan is checked against its node pools when declared.

    Fields:
        naming: the environment's naming convention: the cluster is ``aks-<workload>-<environment>-<region code>``,
            in ``naming.location``, tagged with ``naming.tags``; its DNS prefix is ``<workload>-<environment>``.
        resource_group_name: the resource group of the cluster, its identity and its maintenance configurations.
        kubernetes_version: the Kubernetes version to create the cluster with, passed to AKS unchecked; with an
            upgrade channel other than ``none``, later changes to it are ignored (left to AKS).
        spec: the cluster's shape and security posture (:class:`ClusterSpec`).
        network: the VNet and subnets the nodes (and, by its plan, pods and API server) use (:class:`Network`).
        workspace, registries: see their comments.
        protect: Pulumi ``protect`` on the managed cluster (default ``False``); user node pools and maintenance
            configurations are never protected.

    Raises:
        InvalidValueError: naming ``node_subnet_cidr`` or ``pod_subnet_cidr`` when that subnet of the network plan
            has fewer usable addresses (Azure keeps 5 of every subnet) than the nodes of every pool at
            ``max_count`` plus upgrade surge (and, where pods take subnet addresses, their ``max_pods`` pods) need.
    """

    naming: Naming
    resource_group_name: pulumi.Input[str]
    kubernetes_version: str
    spec: ClusterSpec
    network: Network
    #: Where Container Insights sends logs and metrics; ``None`` turns it off (a posture finding).
    workspace: LogAnalyticsWorkspace | None
    #: Registries the kubelet may pull from (AcrPull), as ``az aks update --attach-acr`` does.
    registries: tuple[ContainerRegistry, ...] = ()
    protect: bool = False

    def __post_init__(self) -> None:
        self.network.plan.check_capacity(self.spec.all_pools)
        self.network.plan.check_api_server(self.spec.authorized_ip_ranges)


class AksCluster(pulumi.ComponentResource):
    """An AKS cluster and a ready Kubernetes provider for the workloads."""

    kubeconfig: pulumi.Output[str]
    provider: k8s.Provider

    def __init__(self, resource_name: str, args: AksClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        naming, spec = args.naming, args.spec
        cluster_name = naming.name(ResourceKind.MANAGED_CLUSTER)
        identity_name = naming.name(ResourceKind.USER_ASSIGNED_IDENTITY, "aks")
        super().__init__("pilothouse:azure:AksCluster", resource_name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        identity = managedidentity.UserAssignedIdentity(
            f"{resource_name}-identity", resource_name_=identity_name, resource_group_name=args.resource_group_name,
            location=naming.location, tags=naming.tags, opts=child)
        subnets = [("nodes", args.network.node_subnet_id), ("pods", args.network.pod_subnet_id),
                   ("apiserver", args.network.api_server_subnet_id),
                   ("virtualnodes", args.network.virtual_node_subnet_id)]
        network_roles = [assign_role(f"{resource_name}-network-{role}", scope=subnet_id, role=NETWORK_CONTRIBUTOR,
                                     principal_id=identity.principal_id, parent=self)
                         for role, subnet_id in subnets if subnet_id is not None]
        ignored = ["agentPoolProfiles[0].count"] if spec.system_pool.min_count != spec.system_pool.max_count else []
        if spec.upgrade_channel is not UpgradeChannel.NONE:
            ignored += ["kubernetesVersion", "agentPoolProfiles[0].orchestratorVersion"]
        cluster = containerservice.ManagedCluster(
            resource_name, resource_name_=cluster_name, resource_group_name=args.resource_group_name,
            location=naming.location, tags=naming.tags, dns_prefix=naming.dns_prefix,
            kubernetes_version=args.kubernetes_version, enable_rbac=True,
            identity=containerservice.ManagedClusterIdentityArgs(type=containerservice.ResourceIdentityType.USER_ASSIGNED,
                                                                 user_assigned_identities=[identity.id]),
            aad_profile=containerservice.ManagedClusterAADProfileArgs(
                managed=True, enable_azure_rbac=True, admin_group_object_ids=list(spec.admin_group_ids) or None),
            disable_local_accounts=spec.local_accounts_disabled,
            oidc_issuer_profile=containerservice.ManagedClusterOIDCIssuerProfileArgs(enabled=spec.workload_identity),
            security_profile=containerservice.ManagedClusterSecurityProfileArgs(
                workload_identity=containerservice.ManagedClusterSecurityProfileWorkloadIdentityArgs(
                    enabled=spec.workload_identity)),
            auto_upgrade_profile=containerservice.ManagedClusterAutoUpgradeProfileArgs(
                upgrade_channel=str(spec.upgrade_channel), node_os_upgrade_channel=str(spec.node_os_upgrade_channel)),
            sku=containerservice.ManagedClusterSKUArgs(name="Base", tier=str(spec.tier)),
            api_server_access_profile=self._api_server(spec, args.network),
            network_profile=network_profile(args.network.plan),
            addon_profiles=self._addons(spec, args.workspace, args.network),
            agent_pool_profiles=[self._system_pool(spec, args.network)],
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, ignore_changes=ignored,
                                        depends_on=network_roles))
        for pool in spec.user_pools:
            self._user_pool(resource_name, pool, cluster, args)
        if spec.maintenance is not None:
            self._maintenance(resource_name, spec.maintenance, cluster, args)
        kubelet = cluster.identity_profile.apply(lambda profile: str((profile or {})["kubeletidentity"].object_id))
        pull_roles = [assign_role(f"{resource_name}-acrpull-{index}", scope=registry.id, role=ACR_PULL,
                                  principal_id=kubelet, parent=self)
                      for index, registry in enumerate(args.registries)]
        credentials = containerservice.list_managed_cluster_user_credentials_output(
            resource_group_name=args.resource_group_name, resource_name=cluster.name,
            opts=pulumi.InvokeOutputOptions(parent=self))
        self.kubeconfig = pulumi.Output.secret(credentials.kubeconfigs.apply(
            lambda configs: base64.b64decode(configs[0].value).decode()))
        # Workloads pulling from the registries must not race their AcrPull assignments.
        self.provider = k8s.Provider(f"{resource_name}-kubernetes", kubeconfig=self.kubeconfig,
                                     opts=pulumi.ResourceOptions(parent=self, depends_on=[cluster, *pull_roles]))
        self.name = cluster.name
        #: The cluster's Azure resource id: the scope of Azure RBAC on its Kubernetes API.
        self.resource_id = cluster.id
        self.oidc_issuer_url = cluster.oidc_issuer_profile.apply(lambda p: p.issuer_url if p else None)
        #: Whether pods may exchange ServiceAccount tokens for Entra ID tokens (:class:`WorkloadIdentity`).
        self.workload_identity = spec.workload_identity
        self.kubelet_object_id = kubelet
        self.identity_principal_id = identity.principal_id
        self.posture = posture(spec, args.network.plan, monitored=args.workspace is not None, protected=args.protect)
        self.register_outputs({"name": self.name, "kubeconfig": self.kubeconfig, "posture": self.posture})

    @staticmethod
    def _api_server(spec: ClusterSpec, net: Network) -> containerservice.ManagedClusterAPIServerAccessProfileArgs:
        return containerservice.ManagedClusterAPIServerAccessProfileArgs(
            enable_private_cluster=spec.private or None,
            authorized_ip_ranges=list(spec.authorized_ip_ranges) or None,
            enable_vnet_integration=True if net.api_server_subnet_id is not None else None,
            subnet_id=net.api_server_subnet_id)

    @staticmethod
    def _addons(spec: ClusterSpec, workspace: LogAnalyticsWorkspace | None, net: Network) -> dict[str, Any]:
        addons: dict[str, Any] = {}
        if workspace is not None:  # Container Insights
            addons["omsagent"] = containerservice.ManagedClusterAddonProfileArgs(
                enabled=True, config={"logAnalyticsWorkspaceResourceID": workspace.id})
        if spec.key_vault_secrets_provider:
            addons["azureKeyvaultSecretsProvider"] = containerservice.ManagedClusterAddonProfileArgs(
                enabled=True, config={"enableSecretRotation": "true"})
        if spec.azure_policy:
            addons["azurepolicy"] = containerservice.ManagedClusterAddonProfileArgs(enabled=True)
        if net.virtual_node_subnet_name is not None:  # the course's virtual nodes (ACI connector)
            addons["aciConnectorLinux"] = containerservice.ManagedClusterAddonProfileArgs(
                enabled=True, config={"SubnetName": net.virtual_node_subnet_name})
        return addons

    @staticmethod
    def _system_pool(spec: ClusterSpec, net: Network) -> containerservice.ManagedClusterAgentPoolProfileArgs:
        pool = spec.system_pool
        taints = [*pool.taints, CRITICAL_ADDONS_ONLY] if spec.dedicated_system_pool else list(pool.taints)
        return containerservice.ManagedClusterAgentPoolProfileArgs(
            name=pool.name, mode="System", type="VirtualMachineScaleSets", os_type="Linux", **pool_shape(pool, net),
            node_taints=taints or None)

    @staticmethod
    def _maintenance(resource_name: str, window: MaintenanceWindow, cluster: containerservice.ManagedCluster,
                     args: AksClusterArgs) -> None:
        """When AKS may apply the upgrade channel's upgrades and the node OS channel's images."""
        schedule = containerservice.MaintenanceWindowArgs(
            schedule=containerservice.ScheduleArgs(weekly=containerservice.WeeklyScheduleArgs(
                day_of_week=str(window.day), interval_weeks=1)),
            start_time=f"{window.start_hour:02d}:00", utc_offset="+00:00", duration_hours=window.duration_hours)
        for config in ("aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"):
            containerservice.MaintenanceConfiguration(
                f"{resource_name}-{config}", config_name=config, resource_name_=cluster.name,
                resource_group_name=args.resource_group_name, maintenance_window=schedule,
                opts=pulumi.ResourceOptions(parent=cluster, protect=False))

    @staticmethod
    def _user_pool(resource_name: str, pool: NodePoolSpec, cluster: containerservice.ManagedCluster,
                   args: AksClusterArgs) -> containerservice.AgentPool:
        ignored = ["count"] if pool.min_count != pool.max_count else []
        if args.spec.upgrade_channel is not UpgradeChannel.NONE:
            ignored.append("orchestratorVersion")
        spot: dict[str, Any] = {}
        if pool.spot:
            spot = {"scale_set_priority": "Spot", "scale_set_eviction_policy": "Delete", "spot_max_price": -1}
        return containerservice.AgentPool(
            f"{resource_name}-{pool.name}", agent_pool_name=pool.azure_name, resource_name_=cluster.name,
            resource_group_name=args.resource_group_name, mode="User", type="VirtualMachineScaleSets",
            os_type=str(pool.os), node_taints=list(pool.taints) or None, **pool_shape(pool, args.network), **spot,
            # Never protected: a pool whose VM size changes is replaced, and the old one must go.
            opts=pulumi.ResourceOptions(parent=cluster, ignore_changes=ignored, protect=False))


def pool_shape(pool: NodePoolSpec, net: Network) -> dict[str, Any]:
    """What a system (inline) and a user (AgentPool) pool share."""
    autoscale = pool.min_count != pool.max_count
    return {"vm_size": pool.vm_size, "count": pool.min_count or (1 if autoscale else 0),
            "enable_auto_scaling": autoscale or None, "min_count": pool.min_count if autoscale else None,
            "max_count": pool.max_count if autoscale else None, "max_pods": pool.max_pods,
            "availability_zones": list(pool.zones) or None, "node_labels": pool.labels or None,
            "vnet_subnet_id": net.node_subnet_id, "pod_subnet_id": net.pod_subnet_id,
            "upgrade_settings": {"max_surge": str(pool.max_surge)}}


def network_profile(plan: NetworkPlan) -> containerservice.ContainerServiceNetworkProfileArgs:
    cilium = plan.policy is NetworkPolicy.CILIUM
    return containerservice.ContainerServiceNetworkProfileArgs(
        network_plugin="kubenet" if plan.plugin is NetworkPlugin.KUBENET else "azure",
        network_plugin_mode="overlay" if plan.plugin is NetworkPlugin.AZURE_OVERLAY else None,
        network_policy=None if plan.policy is NetworkPolicy.NONE else str(plan.policy),
        network_dataplane="cilium" if cilium else None,
        service_cidr=plan.service_cidr, dns_service_ip=plan.dns_service_ip, pod_cidr=plan.pod_cidr,
        outbound_type="userAssignedNATGateway" if plan.outbound_type is OutboundType.NAT_GATEWAY else "loadBalancer",
        load_balancer_sku=str(plan.load_balancer_sku))


def posture(spec: ClusterSpec, plan: NetworkPlan, *, monitored: bool, protected: bool) -> dict[str, bool]:
    """Each security control of the cluster and whether it is on: the ``posture`` stack output."""
    pools_zonal = all(len(pool.zones) >= 2 for pool in spec.all_pools)
    return {
        "azureRbac": True,
        "localAccountsDisabled": spec.local_accounts_disabled,
        "workloadIdentity": spec.workload_identity,
        "networkPolicy": plan.policy is not NetworkPolicy.NONE,
        "apiServerRestricted": spec.private or bool(spec.authorized_ip_ranges),
        "containerInsights": monitored,
        "autoUpgrade": spec.upgrade_channel is not UpgradeChannel.NONE,
        "zoneRedundantPools": pools_zonal,
        "standardTier": str(spec.tier) != "Free",
        "protectedFromDestroy": protected,
    }
