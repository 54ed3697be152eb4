from __future__ import annotations

from typing import Any

import pytest

from pilothouse.azure.network_plan import NetworkPlan, NetworkPlugin, NetworkPolicy
from pilothouse.errors import InvalidValueError

GOOD: dict[str, Any] = {"vnet_cidr": "10.10.0.0/16", "node_subnet_cidr": "10.10.0.0/20"}


def test_defaults_are_overlay_with_cilium() -> None:
    plan = NetworkPlan(**GOOD)
    assert plan.plugin is NetworkPlugin.AZURE_OVERLAY
    assert plan.policy is NetworkPolicy.CILIUM


def test_azure_cni_with_pod_subnet_is_accepted() -> None:
    NetworkPlan(**GOOD, plugin=NetworkPlugin.AZURE, pod_cidr=None, pod_subnet_cidr="10.10.32.0/19")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"vnet_cidr": "10.10.0.1/16"},
         "vnet_cidr: got '10.10.0.1/16'; expected an IPv4 network address in CIDR notation such as '10.0.0.0/16'"),
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
