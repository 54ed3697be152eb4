"""Node pool, registry and cluster specs: the shapes checked before the platform registers."""

from __future__ import annotations

from typing import Any

import pytest

from pilothouse.azure.cluster_spec import ClusterSpec, MaintenanceWindow, NodeOsUpgradeChannel, UpgradeChannel
from pilothouse.azure.node_pool import NodePoolSpec, OsType, PoolMode
from pilothouse.azure.registry_spec import RegistrySku, RegistrySpec
from pilothouse.errors import InvalidValueError
from tests.messages import LABEL_KEY_NAME_PART, LABEL_VALUE


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "Apps"}, "name: got 'Apps'; expected a valid Linux node pool name: "
                           "1-12 lowercase letters and digits, starting with a letter"),
        ({"name": "windows", "os": OsType.WINDOWS}, "name: got 'windows'; expected a valid Windows node pool name: "
                                                    "1-6 lowercase letters and digits, starting with a letter"),
        ({"vm_size": "D4ds_v5"}, "vm_size: got 'D4ds_v5'; expected an Azure VM size such as 'Standard_D4ds_v5'"),
        ({"min_count": 0, "mode": PoolMode.SYSTEM},
         "min_count: got 0; expected an integer from 1 to 1000 for a System pool"),
        ({"min_count": 4, "max_count": 3}, "max_count: got 3; expected an integer from min_count (4) to 1000"),
        ({"zones": ("1", "4")}, "zones: got ['1', '4']; expected distinct availability zones among '1', '2', '3'"),
        ({"taints": ("gpu:Never",)}, "taints: got 'gpu:Never'; expected 'key=value:Effect' with Effect "
                                     "NoSchedule, PreferNoSchedule or NoExecute"),
        ({"spot": True, "mode": PoolMode.SYSTEM},
         "spot: got True; expected false for a System pool (spot nodes can be evicted)"),
        ({"labels": {"tier": "front end"}}, f"labels['tier']: got 'front end'; expected {LABEL_VALUE}"),
        ({"labels": {"node-role.kubernetes.io/apps": "x"}},
         "labels['node-role.kubernetes.io/apps']: got 'x'; expected a label outside the kubernetes.io and k8s.io "
         "namespaces, or in kubelet.kubernetes.io or node.kubernetes.io (the kubelet refuses other kubernetes.io "
         "labels)"),
        *(({"labels": {key: "x"}}, f"labels[{key!r}]: got 'x'; expected a label AKS does not reserve: not under "
                                   "kubernetes.azure.com/ or kubernetes.io/, none of node.kubernetes.io/instance-type, "
                                   "topology.kubernetes.io/region, topology.kubernetes.io/zone (AKS sets those itself)")
          for key in ("kubernetes.io/os", "kubernetes.azure.com/mode", "team.kubernetes.azure.com/x",
                      "topology.kubernetes.io/zone", "node.kubernetes.io/instance-type")),
        ({"max_surge": 0}, "max_surge: got 0; expected a node count or percentage above 0 (with maxUnavailable at 0, "
                           "AKS needs a surge to upgrade)"),
        ({"max_surge": "0%"}, "max_surge: got '0%'; expected a node count or percentage above 0 (with maxUnavailable "
                              "at 0, AKS needs a surge to upgrade)"),
        ({"taints": ("!!!=x:NoSchedule",)}, f"taints: got '!!!'; expected a taint key (a label key): "
                                            f"{LABEL_KEY_NAME_PART}"),
        ({"taints": ("a=@@@:NoSchedule",)}, f"taints: got '@@@'; expected {LABEL_VALUE}"),
    ],
)
def test_bad_node_pools_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        NodePoolSpec(**{"name": "apps", **kwargs})
    assert str(error.value) == message


@pytest.mark.parametrize("labels", [{"node.kubernetes.io/pool": "apps"}, {"example.com/tier": "front"},
                                    {"team.kubelet.kubernetes.io/x": "y"}, {"azure.com/team": "a"}])
def test_node_labels_the_kubelet_sets_are_accepted(labels: dict[str, str]) -> None:
    assert NodePoolSpec(name="apps", labels=labels).labels == labels


def test_a_spot_user_pool_with_taint_is_accepted() -> None:
    pool = NodePoolSpec(name="spot", min_count=0, spot=True, zones=("1", "2"),
                        taints=("kubernetes.azure.com/scalesetpriority=spot:NoSchedule",))
    assert pool.mode is PoolMode.USER


def test_registry_admin_user_is_off_by_default() -> None:
    assert RegistrySpec().admin_user_enabled is False


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"retention_days": 7}, "retention_days: got 7; expected to be unset unless sku is 'Premium'"),
        ({"replica_locations": ("koreasouth",)},
         "replica_locations: got ('koreasouth',); expected to be unset unless sku is 'Premium'"),
        ({"sku": RegistrySku.PREMIUM, "retention_days": 400},
         "retention_days: got 400; expected an integer from 0 to 365"),
    ],
)
def test_bad_registries_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        RegistrySpec(**kwargs)
    assert str(error.value) == message


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"start_hour": 24}, "maintenance.start_hour: got 24; expected an hour from 0 to 23 (UTC)"),
    ({"duration_hours": 2}, "maintenance.duration_hours: got 2; expected 4 to 24 hours"),
])
def test_bad_maintenance_windows_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        MaintenanceWindow(**kwargs)
    assert str(error.value) == message


def test_cluster_secure_posture_is_the_default() -> None:
    cluster = ClusterSpec(system_pool=NodePoolSpec(name="system", mode=PoolMode.SYSTEM))
    assert cluster.local_accounts_disabled
    assert cluster.workload_identity


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"system_pool": NodePoolSpec(name="system")}, "system_pool.mode: got 'User'; expected 'System'"),
        ({"user_pools": (NodePoolSpec(name="system"),)},
         "user_pools[0].name: got 'system'; expected node pool names that are unique in the cluster"),
        ({"authorized_ip_ranges": ("1.2.3.4/24",)},
         "authorized_ip_ranges: got '1.2.3.4/24'; expected a CIDR such as '203.0.113.0/24'"),
        ({"admin_group_ids": ("admins",)},
         "admin_group_ids: got 'admins'; expected an Entra ID group object id: a GUID written 8-4-4-4-12 hexadecimal "
         "digits"),
        ({"admin_group_ids": ("{00000000-0000-0000-0000-000000000000}",)},
         "admin_group_ids: got '{00000000-0000-0000-0000-000000000000}'; expected an Entra ID group object id: a GUID "
         "written 8-4-4-4-12 hexadecimal digits"),
        ({"user_pools": (NodePoolSpec(name="frontend01"), NodePoolSpec(name="frontend02"))},
         "user_pools[1].name: got 'frontend02'; expected a name whose Azure pool name differs from that of "
         "pool 'frontend01': both become 'frontend43fb' (the first 8 characters and a digest of the VM size, "
         "OS, zones, max pods and spot); make them differ in those characters"),
        ({"user_pools": (NodePoolSpec(name="win1", os=OsType.WINDOWS), NodePoolSpec(name="win1b", os=OsType.WINDOWS))},
         "user_pools[1].name: got 'win1b'; expected a name whose Azure pool name differs from that of "
         "pool 'win1': both become 'win116' (the first 4 characters and a digest of the VM size, OS, zones, "
         "max pods and spot); make them differ in those characters"),
        ({"upgrade_channel": UpgradeChannel.NODE_IMAGE, "node_os_upgrade_channel": NodeOsUpgradeChannel.SECURITY_PATCH},
         "node_os_upgrade_channel: got 'SecurityPatch'; expected 'NodeImage' with upgrade_channel 'node-image' (AKS "
         "sets it and it cannot change)"),
        ({"user_pools": (NodePoolSpec(name="win", os=OsType.WINDOWS),),
          "node_os_upgrade_channel": NodeOsUpgradeChannel.SECURITY_PATCH},
         "node_os_upgrade_channel: got 'SecurityPatch'; expected not 'SecurityPatch' with Windows pools "
         "(user_pools[0]): AKS supports it on Linux pools only"),
        ({"authorized_ip_ranges": ("2001:db8::/32",)},
         "authorized_ip_ranges: got '2001:db8::/32'; expected an IPv4 range (AKS authorizes no IPv6 range)"),
        ({"authorized_ip_ranges": ("1.2.3.0/24", "1.2.3.0/24")},
         "authorized_ip_ranges: got '1.2.3.0/24'; expected each range once"),
        ({"authorized_ip_ranges": ("0.0.0.0/32", "1.2.3.0/24")},
         "authorized_ip_ranges: got ['0.0.0.0/32', '1.2.3.0/24']; expected '0.0.0.0/32' alone (it allows only the "
         "cluster's outbound IP)"),
        ({"private": True, "authorized_ip_ranges": ("1.2.3.0/24",)},
         "authorized_ip_ranges: got ['1.2.3.0/24']; expected no ranges on a private cluster "
         "(its API server has no public endpoint)"),
    ],
)
def test_bad_clusters_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        ClusterSpec(**{"system_pool": NodePoolSpec(name="system", mode=PoolMode.SYSTEM), **kwargs})
    assert str(error.value) == message
