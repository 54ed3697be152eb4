"""The address plan of an AKS cluster, checked as a whole before anything is registered."""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations

from pilothouse.azure.node_pool import NodePoolSpec, OsType
from pilothouse.errors import InvalidValueError
from pilothouse.typed import Checked

IPv4Network = ipaddress.IPv4Network
#: Azure keeps five addresses of every subnet (network, gateway, two DNS, broadcast).
AZURE_RESERVED_ADDRESSES = 5

# Rules from Azure's documentation (docs/azure.md lists each with its source):
#: Virtual Network FAQ, "What address ranges can I use in my virtual networks?".
VNET_FORBIDDEN = tuple(map(IPv4Network, ("224.0.0.0/4", "255.255.255.255/32", "127.0.0.0/8", "169.254.0.0/16",
                                         "168.63.129.16/32")))
#: AKS CNI networking overview, "AKS CNI networking prerequisites": ranges AKS uses itself.
AKS_RESERVED = tuple(map(IPv4Network, ("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")))
#: Virtual Network FAQ, "How small and how large can virtual networks and subnets be?" (smallest subnet /29);
#: AKS IP address planning (a cluster's VNet at most /8).
SMALLEST_SUBNET_PREFIX, LARGEST_VNET_PREFIX = 29, 8
#: API Server VNet Integration: "The minimum supported API server subnet size is /28."
API_SERVER_SUBNET_PREFIX = 28
#: Azure CNI Overlay, "Kubernetes service address range": "It must be smaller than /12."
LARGEST_SERVICE_PREFIX = 12
#: Azure CNI Overlay and kubenet give each node a /24 of the pod CIDR.
#: The most nodes a kubenet cluster holds: one route per node, 400 routes in a route table.
KUBENET_MAX_NODES = 400
NODE_POD_PREFIX = 24


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
    """SKU of the cluster's load balancer: ``standard``. ``basic`` is named only to be refused clearly: AKS no longer
    supports it since 30 September 2025 (it never supported several node pools)."""

    STANDARD = "standard"
    BASIC = "basic"


def parse_cidr(field: str, value: str, *, address: bool = False) -> IPv4Network:
    """An IPv4 network written ``10.0.0.0/16``; with ``address``, also one address written alone (``20.30.40.50``,
    its /32), as firewall rules take it. Host bits set, a netmask (``/255.255.0.0``), a leading zero or (without
    ``address``) a bare address is an error, not a guess (Azure takes the text as written)."""
    network = None
    if isinstance(value, str):  # ipaddress also takes an int (or a bool) as an address
        with contextlib.suppress(ValueError):
            network = ipaddress.IPv4Network(value, strict=True)
    if network is None or value not in (str(network), str(network.network_address) if address and
                                        network.prefixlen == 32 else None):
        written = ("an IPv4 address such as '20.30.40.50' or network address in CIDR notation such as "
                   "'20.30.40.0/24'" if address else
                   "an IPv4 network address in CIDR notation such as '10.0.0.0/16'")
        raise InvalidValueError(field, value, f"{written} (no host bits, a prefix length 0-32, no leading zeros)")
    return network


def _outside(field: str, network: IPv4Network, ranges: tuple[IPv4Network, ...]) -> None:
    for forbidden in ranges:
        if network.overlaps(forbidden):
            raise InvalidValueError(field, str(network), f"a range not overlapping {forbidden}, which Azure reserves")


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
        _outside("vnet_cidr", vnet, VNET_FORBIDDEN + AKS_RESERVED)
        if vnet.prefixlen < LARGEST_VNET_PREFIX:
            raise InvalidValueError("vnet_cidr", self.vnet_cidr, f"an address space of /{LARGEST_VNET_PREFIX} or "
                                                                 "smaller (the largest an AKS virtual network may be)")
        for field, subnet in subnets.items():
            if not subnet.subnet_of(vnet):
                raise InvalidValueError(field, str(subnet), f"a subnet inside vnet_cidr {vnet}")
            smallest = API_SERVER_SUBNET_PREFIX if field == "api_server_subnet_cidr" else SMALLEST_SUBNET_PREFIX
            if subnet.prefixlen > smallest:
                raise InvalidValueError(field, str(subnet), f"a subnet of /{smallest} or larger")
        for (field_a, a), (field_b, b) in combinations(subnets.items(), 2):
            if a.overlaps(b):
                raise InvalidValueError(field_b, str(b), f"a range not overlapping {field_a} {a}")
        self._check_cluster_ranges(vnet)
        self._check_plugin()

    @property
    def pods_on_node_subnet(self) -> bool:
        """Azure CNI without a pod subnet gives every pod an address of the node subnet."""
        return self.plugin is NetworkPlugin.AZURE and self.pod_subnet_cidr is None

    def check_api_server(self, authorized_ip_ranges: Sequence[str]) -> None:
        """At most 200 authorized IP ranges, 2,000 with API server VNet integration (an API-server subnet)
        (https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges, "Limitations and considerations").

        Raises:
            InvalidValueError: naming ``authorized_ip_ranges``.
        """
        limit = 2000 if self.api_server_subnet_cidr is not None else 200
        if len(authorized_ip_ranges) > limit:
            raise InvalidValueError("authorized_ip_ranges", f"{len(authorized_ip_ranges)} ranges",
                                    f"at most {limit} ranges" + ("" if self.api_server_subnet_cidr else
                                                                 " (2,000 with an API-server subnet)"))

    def check_capacity(self, pools: Sequence[NodePoolSpec]) -> None:
        """The subnets (and the pod CIDR, a /24 per node) hold every node the pools may reach, upgrade surge
        included, and their pods; Windows pools only where AKS runs them (not kubenet, not Cilium).

        Raises:
            InvalidValueError: naming ``plugin`` (kubenet with more than 400 nodes), ``node_subnet_cidr``,
                ``pod_subnet_cidr`` or ``pod_cidr`` (too small), or ``pools[<index>].os`` (a Windows pool this
                network cannot run).
        """
        most = sum(pool.max_count for pool in pools)
        if self.plugin is NetworkPlugin.KUBENET and most > KUBENET_MAX_NODES:
            # https://learn.microsoft.com/azure/aks/configure-kubenet: "Azure supports a maximum of 400 routes in a
            # UDR, so you can't have an AKS cluster larger than 400 nodes."
            raise InvalidValueError("plugin", str(self.plugin),
                                    f"'azure-overlay' or 'azure' for pools whose max counts add up to {most} nodes "
                                    f"(a kubenet cluster holds at most {KUBENET_MAX_NODES})")
        nodes = sum(pool.max_count + pool.surge_nodes for pool in pools)
        pods = sum((pool.max_count + pool.surge_nodes) * pool.max_pods for pool in pools)
        needs = {"node_subnet_cidr": nodes + (pods if self.pods_on_node_subnet else 0)}
        if self.pod_subnet_cidr is not None:
            needs["pod_subnet_cidr"] = pods
        if self.pod_cidr is not None:
            prefix = parse_cidr("pod_cidr", self.pod_cidr).prefixlen
            if prefix > NODE_POD_PREFIX or 2 ** (NODE_POD_PREFIX - prefix) < nodes:
                raise InvalidValueError(
                    "pod_cidr", self.pod_cidr,
                    f"a range with a /{NODE_POD_PREFIX} for each of {nodes} nodes (max counts plus upgrade surge; "
                    f"plugin '{self.plugin}' gives every node a /{NODE_POD_PREFIX}): /"
                    f"{NODE_POD_PREFIX - max(0, (nodes - 1).bit_length())} or larger")
        for index, pool in enumerate(pools):
            if pool.os is OsType.WINDOWS and (self.plugin is NetworkPlugin.KUBENET
                                              or self.policy is NetworkPolicy.CILIUM):
                raise InvalidValueError(
                    f"pools[{index}].os", str(pool.os),
                    f"'Linux' with plugin '{self.plugin}' and policy '{self.policy}': AKS runs Windows nodes neither "
                    "with kubenet nor with Azure CNI powered by Cilium")
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
        if service.prefixlen < LARGEST_SERVICE_PREFIX:
            raise InvalidValueError("service_cidr", self.service_cidr,
                                    f"a range of /{LARGEST_SERVICE_PREFIX} or smaller")
        _outside("service_cidr", service, AKS_RESERVED)
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
            _outside("pod_cidr", pods, AKS_RESERVED)
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
        if self.load_balancer_sku is LoadBalancerSku.BASIC:
            raise InvalidValueError("load_balancer_sku", str(self.load_balancer_sku),
                                    "'standard': AKS no longer supports the Basic load balancer (retired 30 September "
                                    "2025)")
