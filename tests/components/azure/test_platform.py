"""Network, registry, workspace and AKS components under the mock engine."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pilothouse.azure.cluster import AksCluster, AksClusterArgs
from pilothouse.azure.cluster_spec import ClusterSpec, ClusterTier, UpgradeChannel
from pilothouse.azure.monitoring import LogAnalyticsWorkspace, LogAnalyticsWorkspaceArgs
from pilothouse.azure.naming import Naming
from pilothouse.azure.network import Network, NetworkArgs
from pilothouse.azure.network_plan import NetworkPlan, NetworkPlugin, NetworkPolicy, OutboundType
from pilothouse.azure.node_pool import NodePoolSpec, OsType, PoolMode
from pilothouse.azure.registry import ContainerRegistry, ContainerRegistryArgs
from pilothouse.azure.registry_spec import RegistrySku, RegistrySpec
from pilothouse.azure.roles import ACR_PULL, NETWORK_CONTRIBUTOR
from pilothouse.errors import InvalidValueError
from pilothouse.offline import engine
from pilothouse.offline.engine import SECRET, Render
from tests.conftest import RunProgram

NAMING = Naming(workload="shop", environment="dev", location="koreacentral")
PLAN = NetworkPlan(vnet_cidr="10.10.0.0/16", node_subnet_cidr="10.10.0.0/20", api_server_subnet_cidr="10.10.16.0/28")
SYSTEM = NodePoolSpec(name="system", mode=PoolMode.SYSTEM, min_count=1, max_count=3)
APPS = NodePoolSpec(name="apps", vm_size="Standard_D4ds_v5", min_count=0, max_count=5, labels={"disktype": "ssd"})


def aks(spec: ClusterSpec, plan: NetworkPlan = PLAN, *, protect: bool = False,
             monitored: bool = True) -> dict[str, Any]:
    built: dict[str, Any] = {}

    def program() -> None:
        net = Network("network", NetworkArgs(naming=NAMING, resource_group_name="rg", plan=plan))
        acr = ContainerRegistry("registry", ContainerRegistryArgs(naming=NAMING, resource_group_name="rg",
                                                                  spec=RegistrySpec()))
        logs = LogAnalyticsWorkspace("logs", LogAnalyticsWorkspaceArgs(naming=NAMING, resource_group_name="rg"))
        built["cluster"] = AksCluster("cluster", AksClusterArgs(
            naming=NAMING, resource_group_name="rg", kubernetes_version="1.34", spec=spec, network=net,
            workspace=logs if monitored else None, registries=(acr,), protect=protect))

    built["render"] = run(program)
    return built


def run(program: Any) -> Render:
    return engine.run(program, stack="dev")


def test_network_subnets_delegation_and_nat(run_program: RunProgram) -> None:
    plan = NetworkPlan(vnet_cidr="10.10.0.0/16", node_subnet_cidr="10.10.0.0/20", pod_subnet_cidr="10.10.32.0/19",
                       api_server_subnet_cidr="10.10.16.0/28", plugin=NetworkPlugin.AZURE, pod_cidr=None,
                       outbound_type=OutboundType.NAT_GATEWAY)
    render = run_program(lambda: Network("network", NetworkArgs(naming=NAMING, resource_group_name="rg", plan=plan)))
    vnet = render.one("azure-native:network:VirtualNetwork")
    assert vnet.inputs["addressSpace"] == {"addressPrefixes": ["10.10.0.0/16"]}
    assert vnet.options["ignoreChanges"] == ["subnets"]
    subnets = {r.name: r.inputs for r in render.of_type("azure-native:network:Subnet")}
    assert subnets["network-nodes"]["subnetName"] == "snet-shop-dev-krc-nodes"
    assert "natGateway" in subnets["network-nodes"]
    assert subnets["network-pods"]["delegations"] == [
        {"name": "aks", "serviceName": "Microsoft.ContainerService/managedClusters"}]
    assert subnets["network-apiserver"]["addressPrefix"] == "10.10.16.0/28"
    assert render.one("azure-native:network:PublicIPAddress").inputs["sku"] == {"name": "Standard"}


def test_virtual_nodes_get_their_subnet_and_the_aci_connector() -> None:
    plan = NetworkPlan(vnet_cidr="10.10.0.0/16", node_subnet_cidr="10.10.0.0/20", plugin=NetworkPlugin.AZURE,
                       pod_cidr=None, policy=NetworkPolicy.AZURE, virtual_node_subnet_cidr="10.10.64.0/20")
    render: Render = aks(ClusterSpec(system_pool=SYSTEM), plan)["render"]
    addons = render.one("azure-native:containerservice:ManagedCluster").inputs["addonProfiles"]
    assert addons["aciConnectorLinux"] == {"config": {"SubnetName": "snet-shop-dev-krc-virtualnodes"}, "enabled": True}
    roles = {r.name for r in render.of_type("azure-native:authorization:RoleAssignment")}
    assert "cluster-network-virtualnodes" in roles


def test_registry_admin_off_and_premium_options(run_program: RunProgram) -> None:
    spec = RegistrySpec(sku=RegistrySku.PREMIUM, retention_days=7, replica_locations=("koreasouth",))
    render = run_program(lambda: ContainerRegistry("registry", ContainerRegistryArgs(
        naming=NAMING, resource_group_name="rg", spec=spec, protect=True)))
    registry = render.one("azure-native:containerregistry:Registry")
    assert registry.inputs["adminUserEnabled"] is False
    assert registry.inputs["registryName"] == "crshopdevkrc"
    assert registry.inputs["policies"] == {"retentionPolicy": {"days": 7, "status": "enabled"}}
    assert registry.options["protect"] is True
    assert render.one("azure-native:containerregistry:Replication").inputs["location"] == "koreasouth"


def test_cluster_posture_identity_and_pools() -> None:
    built = aks(ClusterSpec(system_pool=SYSTEM, user_pools=(APPS,)))
    render: Render = built["render"]
    cluster = render.one("azure-native:containerservice:ManagedCluster")
    inputs = cluster.inputs
    assert inputs["enableRBAC"] is True
    assert inputs["aadProfile"] == {"enableAzureRBAC": True, "managed": True}
    assert inputs["disableLocalAccounts"] is True
    assert inputs["identity"]["type"] == "UserAssigned"
    assert inputs["oidcIssuerProfile"] == {"enabled": True}
    assert inputs["addonProfiles"]["omsagent"]["enabled"] is True
    assert [p["name"] for p in inputs["agentPoolProfiles"]] == ["system"]  # user pools are never inline
    assert sorted(cluster.options["ignoreChanges"]) == [
        "agentPoolProfiles[0].count", "agentPoolProfiles[0].orchestratorVersion", "kubernetesVersion"]
    pool = render.one("azure-native:containerservice:AgentPool")
    assert pool.inputs["agentPoolName"] == APPS.azure_name
    assert pool.inputs["nodeLabels"] == {"disktype": "ssd"}
    assert (pool.inputs["minCount"], pool.inputs["maxCount"], pool.inputs["enableAutoScaling"]) == (0, 5, True)
    assert pool.options["ignoreChanges"] == ["count", "orchestratorVersion"]


def test_maintenance_window_schedules_both_upgrade_channels() -> None:
    render: Render = aks(ClusterSpec(system_pool=SYSTEM))["render"]
    configs = {r.inputs["configName"]: r.inputs["maintenanceWindow"]
               for r in render.of_type("azure-native:containerservice:MaintenanceConfiguration")}
    assert set(configs) == {"aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"}
    assert configs["aksManagedAutoUpgradeSchedule"] == {
        "durationHours": 4, "schedule": {"weekly": {"dayOfWeek": "Sunday", "intervalWeeks": 1}},
        "startTime": "02:00", "utcOffset": "+00:00"}


def test_fixed_size_pools_without_channel_are_fully_managed() -> None:
    fixed = NodePoolSpec(name="system", mode=PoolMode.SYSTEM, min_count=2, max_count=2)
    built = aks(ClusterSpec(system_pool=fixed, upgrade_channel=UpgradeChannel.NONE))
    cluster = built["render"].one("azure-native:containerservice:ManagedCluster")
    assert cluster.options["ignoreChanges"] == []
    assert cluster.inputs["agentPoolProfiles"][0]["count"] == 2
    assert "enableAutoScaling" not in cluster.inputs["agentPoolProfiles"][0]


def test_pool_names_change_only_with_immutable_fields() -> None:
    assert APPS.azure_name == NodePoolSpec(name="apps", vm_size="Standard_D4ds_v5", max_count=9).azure_name
    assert APPS.azure_name != NodePoolSpec(name="apps", vm_size="Standard_D8ds_v5").azure_name
    assert len(NodePoolSpec(name="userpool1234").azure_name) == 12
    assert len(NodePoolSpec(name="win1", os=OsType.WINDOWS).azure_name) == 6


def test_roles_are_scoped_and_wired() -> None:
    render: Render = aks(ClusterSpec(system_pool=SYSTEM))["render"]
    roles = {r.name: r.inputs for r in render.of_type("azure-native:authorization:RoleAssignment")}
    assert set(roles) == {"cluster-network-nodes", "cluster-network-apiserver", "cluster-acrpull-0"}
    assert roles["cluster-network-nodes"]["scope"].endswith("/snet-shop-dev-krc-nodes")  # the subnet, not the group
    assert roles["cluster-network-nodes"]["roleDefinitionId"].endswith(NETWORK_CONTRIBUTOR)
    pull = roles["cluster-acrpull-0"]
    assert pull["roleDefinitionId"] == ("/subscriptions/00000000-0000-0000-0000-000000000000/providers/"
                                        f"Microsoft.Authorization/roleDefinitions/{ACR_PULL}")
    assert pull["scope"].endswith("/registries/crshopdevkrc")
    assert pull["principalType"] == "ServicePrincipal"
    assert pull["principalId"] == "22222222-2222-2222-2222-222222222222"  # the kubelet identity
    provider = render.one("pulumi:providers:kubernetes")
    assert provider.inputs["kubeconfig"] == SECRET
    pull_urn = render.one("azure-native:authorization:RoleAssignment", "cluster-acrpull-0").urn
    assert pull_urn in provider.options["dependencies"]


def test_assignment_names_are_deterministic() -> None:
    first = aks(ClusterSpec(system_pool=SYSTEM))["render"]
    second = aks(ClusterSpec(system_pool=SYSTEM))["render"]
    names = [[r.inputs["roleAssignmentName"] for r in render.of_type("azure-native:authorization:RoleAssignment")]
             for render in (first, second)]
    assert names[0] == names[1]


def test_kubeconfig_is_decoded_and_secret() -> None:
    seen: list[str] = []

    def program() -> None:
        net = Network("network", NetworkArgs(naming=NAMING, resource_group_name="rg", plan=PLAN))
        cluster = AksCluster("cluster", AksClusterArgs(naming=NAMING, resource_group_name="rg",
                                                       kubernetes_version="1.34", spec=ClusterSpec(system_pool=SYSTEM),
                                                       network=net, workspace=None))
        cluster.kubeconfig.apply(seen.append)
        pulumi.export("kubeconfig", cluster.kubeconfig)

    render = run(program)
    assert seen[0].startswith("apiVersion: v1\nkind: Config")
    assert render.outputs["kubeconfig"] == SECRET


def test_dev_and_prod_presets_differ_in_posture() -> None:
    dev = aks(ClusterSpec(system_pool=SYSTEM))["cluster"].posture
    prod_pool = NodePoolSpec(name="system", mode=PoolMode.SYSTEM, min_count=3, max_count=5, zones=("1", "2", "3"))
    prod = aks(ClusterSpec(system_pool=prod_pool, tier=ClusterTier.STANDARD, private=True),
                    protect=True)["cluster"].posture
    changed = {key for key in dev if dev[key] != prod[key]}
    assert changed == {"apiServerRestricted", "zoneRedundantPools", "standardTier", "protectedFromDestroy"}
    assert all(prod.values())


def test_network_policy_none_is_a_posture_finding() -> None:
    plan = NetworkPlan(vnet_cidr="10.10.0.0/16", node_subnet_cidr="10.10.0.0/20", policy=NetworkPolicy.NONE)
    assert aks(ClusterSpec(system_pool=SYSTEM), plan, monitored=False)["cluster"].posture["networkPolicy"] is False


def test_a_subnet_too_small_for_the_pools_fails_first() -> None:
    plan = NetworkPlan(vnet_cidr="10.10.0.0/16", node_subnet_cidr="10.10.0.0/24", plugin=NetworkPlugin.AZURE,
                       pod_cidr=None, policy=NetworkPolicy.AZURE)
    with pytest.raises(InvalidValueError) as error:
        plan.check_capacity([SYSTEM, APPS])
    assert str(error.value) == ("node_subnet_cidr: got '10.10.0.0/24'; expected a subnet with at least 1110 usable "
                                "addresses for 10 nodes (max counts plus upgrade surge) and their pods; it has 251")
    overlay = NetworkPlan(vnet_cidr="10.10.0.0/16", node_subnet_cidr="10.10.0.0/28")
    with pytest.raises(InvalidValueError) as error:
        overlay.check_capacity([SYSTEM, NodePoolSpec(name="apps", max_count=20)])
    assert str(error.value) == ("node_subnet_cidr: got '10.10.0.0/28'; expected a subnet with at least 26 usable "
                                "addresses for 26 nodes (max counts plus upgrade surge); it has 11")


def test_workspace_retention_is_checked() -> None:
    with pytest.raises(InvalidValueError) as error:
        LogAnalyticsWorkspaceArgs(naming=NAMING, resource_group_name="rg", retention_days=7)
    assert str(error.value) == "retention_days: got 7; expected an integer from 30 to 730"
