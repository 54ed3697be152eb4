from __future__ import annotations

from typing import Any

import pytest

from pilothouse.azure.network_plan import NetworkPlan, NetworkPlugin, NetworkPolicy
from pilothouse.azure.node_pool import NodePoolSpec, OsType, PoolMode
from pilothouse.errors import InvalidValueError

GOOD: dict[str, Any] = {"vnet_cidr": "10.10.0.0/16", "node_subnet_cidr": "10.10.0.0/20"}


def test_defaults_are_overlay_with_cilium() -> None:
    plan = NetworkPlan(**GOOD)
    assert plan.plugin is NetworkPlugin.AZURE_OVERLAY
    assert plan.policy is NetworkPolicy.CILIUM


def test_azure_cni_with_pod_subnet_is_accepted() -> None:
    NetworkPlan(**GOOD, plugin=NetworkPlugin.AZURE, pod_cidr=None, pod_subnet_cidr="10.10.32.0/19")


CIDR = ("an IPv4 network address in CIDR notation such as '10.0.0.0/16' (no host bits, a prefix length 0-32, no "
        "leading zeros)")


@pytest.mark.parametrize("text", ["10.10.0.0/255.255.0.0", "10.10.0.0/0.0.255.255", "10.10.0.0/016", "10.10.0.0",
                                  "010.10.0.0/16", " 10.10.0.0/16", "10.10.0.0/16 ", "10.10.0.0/ 16", "10.10.0.0/+16",
                                  "١٠.10.0.0/16", "10.10.0.0/16\n", True, 168427520])
def test_networks_are_written_only_as_azure_reads_them(text: str) -> None:
    """Each form is text Python's ipaddress would read some other way; a number or a bool it takes as an address."""
    with pytest.raises(InvalidValueError) as error:
        NetworkPlan(**{**GOOD, "vnet_cidr": text})
    assert str(error.value) == str(InvalidValueError("vnet_cidr", text, CIDR))


@pytest.mark.parametrize(("changes", "message"), [
    # Virtual Network FAQ: ranges a virtual network cannot use; AKS: ranges it reserves.
    ({"vnet_cidr": "127.0.0.0/16", "node_subnet_cidr": "127.0.0.0/20"},
     "vnet_cidr: got '127.0.0.0/16'; expected a range not overlapping 127.0.0.0/8, which Azure reserves"),
    ({"vnet_cidr": "169.254.0.0/16", "node_subnet_cidr": "169.254.0.0/20"},
     "vnet_cidr: got '169.254.0.0/16'; expected a range not overlapping 169.254.0.0/16, which Azure reserves"),
    ({"vnet_cidr": "224.0.0.0/16", "node_subnet_cidr": "224.0.0.0/20"},
     "vnet_cidr: got '224.0.0.0/16'; expected a range not overlapping 224.0.0.0/4, which Azure reserves"),
    ({"vnet_cidr": "168.63.0.0/16", "node_subnet_cidr": "168.63.0.0/20"},
     "vnet_cidr: got '168.63.0.0/16'; expected a range not overlapping 168.63.129.16/32, which Azure reserves"),
    ({"vnet_cidr": "10.0.0.0/7", "node_subnet_cidr": "10.0.0.0/20"},
     "vnet_cidr: got '10.0.0.0/7'; expected an address space of /8 or smaller (the largest an AKS virtual network "
     "may be)"),
    ({"api_server_subnet_cidr": "10.10.16.0/29"},
     "api_server_subnet_cidr: got '10.10.16.0/29'; expected a subnet of /28 or larger"),
    ({"node_subnet_cidr": "10.10.0.0/30"}, "node_subnet_cidr: got '10.10.0.0/30'; expected a subnet of /29 or larger"),
    ({"service_cidr": "10.0.0.0/11"}, "service_cidr: got '10.0.0.0/11'; expected a range of /12 or smaller"),
    ({"service_cidr": "172.30.0.0/16", "dns_service_ip": "172.30.0.10"},
     "service_cidr: got '172.30.0.0/16'; expected a range not overlapping 172.30.0.0/16, which Azure reserves"),
    ({"pod_cidr": "172.16.0.0/12"},
     "pod_cidr: got '172.16.0.0/12'; expected a range not overlapping 172.30.0.0/16, which Azure reserves"),
    ({"pod_cidr": "192.0.0.0/16"},
     "pod_cidr: got '192.0.0.0/16'; expected a range not overlapping 192.0.2.0/24, which Azure reserves"),
    ({"load_balancer_sku": "basic"},
     "load_balancer_sku: got 'basic'; expected 'standard': AKS no longer supports the Basic load balancer (retired 30 "
     "September 2025)"),
])
def test_ranges_and_sizes_azure_refuses(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        NetworkPlan(**{**GOOD, **changes})
    assert str(error.value) == message


def test_the_largest_ranges_azure_takes_are_accepted() -> None:
    NetworkPlan(**{**GOOD, "service_cidr": "100.64.0.0/12", "dns_service_ip": "100.64.0.10",
                   "api_server_subnet_cidr": "10.10.16.0/28", "vnet_cidr": "10.0.0.0/8",
                   "node_subnet_cidr": "10.10.0.0/29", "pod_cidr": "192.168.0.0/16"})


def test_the_pod_cidr_has_a_block_for_every_node() -> None:
    """A /24 per node (overlay and kubenet): 15 nodes at full scale plus surge need a /20; a /23 holds 2."""
    pools = (NodePoolSpec(name="system", mode=PoolMode.SYSTEM, max_count=3, max_surge=1),
             NodePoolSpec(name="apps", max_count=10, max_surge=1))
    NetworkPlan(**{**GOOD, "pod_cidr": "192.168.0.0/20"}).check_capacity(pools)
    with pytest.raises(InvalidValueError) as error:
        NetworkPlan(**{**GOOD, "pod_cidr": "192.168.0.0/23"}).check_capacity(pools)
    assert str(error.value) == (
        "pod_cidr: got '192.168.0.0/23'; expected a range with a /24 for each of 15 nodes (max counts plus upgrade "
        "surge; plugin 'azure-overlay' gives every node a /24): /20 or larger")


@pytest.mark.parametrize(("changes", "message"), [
    ({"plugin": NetworkPlugin.KUBENET, "policy": NetworkPolicy.CALICO},
     "pools[1].os: got 'Windows'; expected 'Linux' with plugin 'kubenet' and policy 'calico': AKS runs Windows nodes "
     "neither with kubenet nor with Azure CNI powered by Cilium"),
    ({}, "pools[1].os: got 'Windows'; expected 'Linux' with plugin 'azure-overlay' and policy 'cilium': AKS runs "
         "Windows nodes neither with kubenet nor with Azure CNI powered by Cilium"),
])
def test_windows_pools_only_where_aks_runs_them(changes: dict[str, Any], message: str) -> None:
    pools = (NodePoolSpec(name="system", mode=PoolMode.SYSTEM), NodePoolSpec(name="win", os=OsType.WINDOWS))
    with pytest.raises(InvalidValueError) as error:
        NetworkPlan(**{**GOOD, **changes}).check_capacity(pools)
    assert str(error.value) == message
    NetworkPlan(**{**GOOD, "policy": NetworkPolicy.AZURE}).check_capacity(pools)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"vnet_cidr": "10.10.0.1/16"},
         "vnet_cidr: got '10.10.0.1/16'; expected an IPv4 network address in CIDR notation such as '10.0.0.0/16' "
         "(no host bits, a prefix length 0-32, no leading zeros)"),
        ({"node_subnet_cidr": "10.11.0.0/20"},
         "node_subnet_cidr: got '10.11.0.0/20'; expected a subnet inside vnet_cidr 10.10.0.0/16"),
        ({"api_server_subnet_cidr": "10.10.8.0/28"},
         "api_server_subnet_cidr: got '10.10.8.0/28'; expected a range not overlapping node_subnet_cidr 10.10.0.0/20"),
        ({"service_cidr": "10.10.128.0/20", "dns_service_ip": "10.10.128.10"},
         "service_cidr: got '10.10.128.0/20'; expected a range not overlapping vnet_cidr 10.10.0.0/16"),
        ({"dns_service_ip": "10.0.0.1"},
         "dns_service_ip: got '10.0.0.1'; expected an address inside service_cidr 10.0.0.0/16, "
         "not its first two or its last address"),
        ({"dns_service_ip": "10.1.0.10"},
         "dns_service_ip: got '10.1.0.10'; expected an address inside service_cidr 10.0.0.0/16, "
         "not its first two or its last address"),
        ({"dns_service_ip": "ten"}, "dns_service_ip: got 'ten'; expected an IPv4 address such as '10.0.0.10'"),
        ({"pod_cidr": "10.0.0.0/14"},
         "pod_cidr: got '10.0.0.0/14'; expected a range not overlapping service_cidr 10.0.0.0/16"),
        ({"pod_cidr": None}, "pod_cidr: got None; expected a pod CIDR: plugin 'azure-overlay' needs one"),
        ({"plugin": NetworkPlugin.AZURE},
         "pod_cidr: got '192.168.0.0/16'; expected no pod CIDR with plugin 'azure' (pods take VNet addresses); "
         "use pod_subnet_cidr"),
        ({"virtual_node_subnet_cidr": "10.10.64.0/20"},
         "virtual_node_subnet_cidr: got '10.10.64.0/20'; expected no virtual node subnet unless plugin is 'azure' "
         "(virtual nodes need Azure CNI)"),
        ({"plugin": NetworkPlugin.KUBENET},
         "policy: got 'cilium'; expected 'none' or 'calico' with plugin 'kubenet'"),
        ({"plugin": NetworkPlugin.AZURE, "pod_cidr": None},
         "policy: got 'cilium'; expected 'cilium' only with plugin 'azure-overlay' or 'azure' with a pod subnet"),
    ],
)
def test_inconsistent_plans_are_rejected(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        NetworkPlan(**{**GOOD, **changes})
    assert str(error.value) == message


def test_a_kubenet_cluster_holds_at_most_400_nodes() -> None:
    """configure-kubenet: "you can't have an AKS cluster larger than 400 nodes" (400 routes in a route table)."""
    kubenet = NetworkPlan(plugin=NetworkPlugin.KUBENET, policy=NetworkPolicy.CALICO, vnet_cidr="10.8.0.0/13",
                          node_subnet_cidr="10.8.0.0/16", pod_cidr="10.244.0.0/14")
    pools = (NodePoolSpec(name="system", mode=PoolMode.SYSTEM, max_count=100), NodePoolSpec(name="apps", max_count=300))
    kubenet.check_capacity(pools)
    bigger = (*pools, NodePoolSpec(name="batch", min_count=0, max_count=1))
    with pytest.raises(InvalidValueError) as error:
        kubenet.check_capacity(bigger)
    assert str(error.value) == ("plugin: got 'kubenet'; expected 'azure-overlay' or 'azure' for pools whose max counts "
                                "add up to 401 nodes (a kubenet cluster holds at most 400)")


def test_authorized_ranges_are_at_most_200_or_2000_with_an_api_server_subnet() -> None:
    ranges = tuple(f"203.0.{index // 256}.{index % 256}/32" for index in range(201))
    plan = NetworkPlan(**{**GOOD, "api_server_subnet_cidr": None})
    plan.check_api_server(ranges[:200])
    with pytest.raises(InvalidValueError) as error:
        plan.check_api_server(ranges)
    assert str(error.value) == ("authorized_ip_ranges: got '201 ranges'; expected at most 200 ranges (2,000 with an "
                                "API-server subnet)")
    NetworkPlan(**{**GOOD, "api_server_subnet_cidr": "10.10.16.0/28"}).check_api_server(ranges)
