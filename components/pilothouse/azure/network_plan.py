"""The address plan of an AKS cluster, checked as a whole before anything is registered."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations

from pilothouse.azure.node_pool import NodePoolSpec
from pilothouse.errors import InvalidValueError
from pilothouse.typed import Checked

IPv4Network = ipaddress.IPv4Network
#: Azure keeps five addresses of every subnet (network, gateway, two DNS, broadcast).
AZURE_RESERVED_ADDRESSES = 5


class NetworkPlugin(StrEnum):
    """Where pods get their IP addresses."""

    KUBENET = "kubenet"  # pods on an overlay pod CIDR, routed through the node
    AZURE = "azure"  # pods on a VNet subnet (the node subnet or a dedicated pod subnet)
    AZURE_OVERLAY = "azure-overlay"  # Azure CNI with pods on a private overlay CIDR


class NetworkPolicy(StrEnum):
    """The network policy engine enforcing Kubernetes NetworkPolicy objects."""

    NONE = "none"
    CALICO = "calico"
    AZURE = "azure"
    CILIUM = "cilium"


class OutboundType(StrEnum):
    """How nodes reach the internet."""

    LOAD_BALANCER = "loadBalancer"
    NAT_GATEWAY = "natGateway"


class LoadBalancerSku(StrEnum):
    """SKU of the cluster's load balancer (Basic is retired for new clusters)."""

    STANDARD = "standard"
    BASIC = "basic"


def parse_cidr(field: str, value: str) -> IPv4Network:
    """An IPv4 network such as ``10.0.0.0/16``; host bits set is an error, not a guess."""
    try:
        return ipaddress.IPv4Network(value, strict=True)
    except ValueError:
        raise InvalidValueError(
            field, value, "an IPv4 network address in CIDR notation such as '10.0.0.0/16'"
        ) from None


@dataclass(frozen=True, kw_only=True)
class NetworkPlan(Checked, prefix=""):
    """VNet, subnets and the cluster's internal ranges, consistent with the chosen plugin."""

    vnet_cidr: str
    node_subnet_cidr: str
    pod_subnet_cidr: str | None = None
    api_server_subnet_cidr: str | None = None
    #: Subnet of the virtual nodes (ACI connector) the course enables; Azure CNI only.
    virtual_node_subnet_cidr: str | None = None
    plugin: NetworkPlugin = NetworkPlugin.AZURE_OVERLAY
    policy: NetworkPolicy = NetworkPolicy.CILIUM
    service_cidr: str = "10.0.0.0/16"
    dns_service_ip: str = "10.0.0.10"
    pod_cidr: str | None = "192.168.0.0/16"
    outbound_type: OutboundType = OutboundType.LOAD_BALANCER
    load_balancer_sku: LoadBalancerSku = LoadBalancerSku.STANDARD

    def __post_init__(self) -> None:
        vnet = parse_cidr("vnet_cidr", self.vnet_cidr)
        subnets = {"node_subnet_cidr": parse_cidr("node_subnet_cidr", self.node_subnet_cidr)}
        for field in ("pod_subnet_cidr", "api_server_subnet_cidr", "virtual_node_subnet_cidr"):
            value = getattr(self, field)
            if value is not None:
                subnets[field] = parse_cidr(field, value)
        for field, subnet in subnets.items():
            if not subnet.subnet_of(vnet):
                raise InvalidValueError(field, str(subnet), f"a subnet inside vnet_cidr {vnet}")
        for (field_a, a), (field_b, b) in combinations(subnets.items(), 2):
            if a.overlaps(b):
                raise InvalidValueError(field_b, str(b), f"a range not overlapping {field_a} {a}")
        self._check_cluster_ranges(vnet)
        self._check_plugin()

    @property
    def pods_on_node_subnet(self) -> bool:
        """Azure CNI without a pod subnet gives every pod an address of the node subnet."""
        return self.plugin is NetworkPlugin.AZURE and self.pod_subnet_cidr is None

    def check_capacity(self, pools: Sequence[NodePoolSpec]) -> None:
        """The subnets hold every node the pools may reach, upgrade surge included, and their pods."""
        nodes = sum(pool.max_count + pool.surge_nodes for pool in pools)
        pods = sum((pool.max_count + pool.surge_nodes) * pool.max_pods for pool in pools)
        needs = {"node_subnet_cidr": nodes + (pods if self.pods_on_node_subnet else 0)}
        if self.pod_subnet_cidr is not None:
            needs["pod_subnet_cidr"] = pods
        for field, needed in needs.items():
            subnet = parse_cidr(field, getattr(self, field))
            usable = subnet.num_addresses - AZURE_RESERVED_ADDRESSES
            if usable < needed:
                raise InvalidValueError(
                    field, str(subnet),
                    f"a subnet with at least {needed} usable addresses for {nodes} nodes (max counts plus upgrade "
                    f"surge){' and their pods' if field != 'node_subnet_cidr' or self.pods_on_node_subnet else ''}; "
                    f"it has {usable}")

    def _check_cluster_ranges(self, vnet: IPv4Network) -> None:
        service = parse_cidr("service_cidr", self.service_cidr)
        if service.overlaps(vnet):
            raise InvalidValueError(
                "service_cidr", self.service_cidr, f"a range not overlapping vnet_cidr {vnet}")
        try:
            dns_ip = ipaddress.IPv4Address(self.dns_service_ip)
        except ValueError:
            raise InvalidValueError(
                "dns_service_ip", self.dns_service_ip, "an IPv4 address such as '10.0.0.10'") from None
        reserved = {service.network_address, service.network_address + 1, service.broadcast_address}
        if dns_ip not in service or dns_ip in reserved:
            raise InvalidValueError(
                "dns_service_ip", self.dns_service_ip,
                f"an address inside service_cidr {service}, not its first two or its last address")
        if self.pod_cidr is not None:
            pods = parse_cidr("pod_cidr", self.pod_cidr)
            for field, other in (("vnet_cidr", vnet), ("service_cidr", service)):
                if pods.overlaps(other):
                    raise InvalidValueError("pod_cidr", self.pod_cidr,
                                            f"a range not overlapping {field} {other}")

    def _check_plugin(self) -> None:
        overlay = self.plugin in (NetworkPlugin.KUBENET, NetworkPlugin.AZURE_OVERLAY)
        if overlay and self.pod_cidr is None:
            raise InvalidValueError("pod_cidr", None, f"a pod CIDR: plugin '{self.plugin}' needs one")
        if not overlay and self.pod_cidr is not None:
            raise InvalidValueError(
                "pod_cidr", self.pod_cidr,
                "no pod CIDR with plugin 'azure' (pods take VNet addresses); use pod_subnet_cidr")
        if self.virtual_node_subnet_cidr is not None and self.plugin is not NetworkPlugin.AZURE:
            raise InvalidValueError("virtual_node_subnet_cidr", self.virtual_node_subnet_cidr,
                                    "no virtual node subnet unless plugin is 'azure' (virtual nodes need Azure CNI)")
        if self.plugin is NetworkPlugin.KUBENET and self.pod_subnet_cidr is not None:
            raise InvalidValueError("pod_subnet_cidr", self.pod_subnet_cidr,
                                    "no pod subnet with plugin 'kubenet'")
        if self.plugin is NetworkPlugin.KUBENET and self.policy in (NetworkPolicy.AZURE,
                                                                    NetworkPolicy.CILIUM):
            raise InvalidValueError("policy", str(self.policy),
                                    "'none' or 'calico' with plugin 'kubenet'")
        if self.policy is NetworkPolicy.CILIUM and not (
                self.plugin is NetworkPlugin.AZURE_OVERLAY or self.pod_subnet_cidr is not None):
            raise InvalidValueError(
                "policy", str(self.policy),
                "'cilium' only with plugin 'azure-overlay' or 'azure' with a pod subnet")
        if self.load_balancer_sku is LoadBalancerSku.BASIC and (
                self.outbound_type is OutboundType.NAT_GATEWAY):
            raise InvalidValueError("load_balancer_sku", str(self.load_balancer_sku),
                                    "'standard' with outbound type 'natGateway'")
