"""The network an AKS cluster lives in: VNet, subnets and (optionally) a NAT gateway."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import network

from pilothouse.azure.naming import Naming, ResourceKind
from pilothouse.azure.network_plan import NetworkPlan, OutboundType
from pilothouse.typed import Checked

#: Subnets AKS itself places things in (API server VNet integration, dynamic pod IPs) are delegated to it.
AKS_DELEGATION = network.DelegationArgs(name="aks", service_name="Microsoft.ContainerService/managedClusters")


@dataclass(frozen=True, kw_only=True)
class NetworkArgs(Checked, prefix=""):
    """What a :class:`Network` needs: the naming convention, the resource group and the address plan.

    Fields:
        naming: names the VNet ``vnet-...``, its subnets ``snet-...-nodes``, ``-pods``, ``-apiserver`` and
            ``-virtualnodes``, and, with a NAT gateway, ``ng-...`` and its public IP ``pip-...-egress``.
        resource_group_name: the resource group of everything the network creates.
        plan: the address plan (:class:`NetworkPlan`), checked when it is constructed; nothing more is checked here.
    """

    naming: Naming
    resource_group_name: pulumi.Input[str]
    plan: NetworkPlan


class Network(pulumi.ComponentResource):
    """A VNet with the node subnet, and the pod / API-server subnets when the plan has them."""

    node_subnet_id: pulumi.Output[str]
    pod_subnet_id: pulumi.Output[str] | None
    api_server_subnet_id: pulumi.Output[str] | None
    virtual_node_subnet_id: pulumi.Output[str] | None

    def __init__(self, resource_name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        naming, plan = args.naming, args.plan
        roles = ("nodes", "pods", "apiserver", "virtualnodes")
        names = {"vnet": naming.name(ResourceKind.VIRTUAL_NETWORK),
                 **{role: naming.name(ResourceKind.SUBNET, role) for role in roles}}
        super().__init__("pilothouse:azure:Network", resource_name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.plan = plan
        vnet = network.VirtualNetwork(
            f"{resource_name}-vnet", virtual_network_name=names["vnet"], resource_group_name=args.resource_group_name,
            location=naming.location, tags=naming.tags, address_space={"address_prefixes": [plan.vnet_cidr]},
            # Subnets are their own resources below; without this the VNet would try to remove them.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["subnets"]))
        nat_gateway = self._nat_gateway(resource_name, args) if plan.outbound_type is OutboundType.NAT_GATEWAY else None

        def subnet(role: str, cidr: str, delegated: bool) -> network.Subnet:
            return network.Subnet(
                f"{resource_name}-{role}", subnet_name=names[role], resource_group_name=args.resource_group_name,
                virtual_network_name=vnet.name, address_prefix=cidr,
                delegations=[AKS_DELEGATION] if delegated else None,
                nat_gateway={"id": nat_gateway.id} if nat_gateway is not None and role == "nodes" else None,
                # The nodes (and overlay pods behind them) reach Key Vault through its firewall (KeyVault).
                service_endpoints=[{"service": "Microsoft.KeyVault"}] if role == "nodes" else None,
                opts=child)

        nodes = subnet("nodes", plan.node_subnet_cidr, delegated=False)
        pods = subnet("pods", plan.pod_subnet_cidr, delegated=True) if plan.pod_subnet_cidr else None
        api = subnet("apiserver", plan.api_server_subnet_cidr, delegated=True) if plan.api_server_subnet_cidr else None
        virtual_cidr = plan.virtual_node_subnet_cidr
        virtual = subnet("virtualnodes", virtual_cidr, delegated=False) if virtual_cidr else None
        self.vnet_id = vnet.id
        self.node_subnet_id = nodes.id
        self.pod_subnet_id = pods.id if pods else None
        self.api_server_subnet_id = api.id if api else None
        self.virtual_node_subnet_id = virtual.id if virtual else None
        self.virtual_node_subnet_name = names["virtualnodes"] if virtual else None
        self.register_outputs({"vnetId": self.vnet_id, "nodeSubnetId": self.node_subnet_id})

    def _nat_gateway(self, resource_name: str, args: NetworkArgs) -> network.NatGateway:
        naming = args.naming
        child = pulumi.ResourceOptions(parent=self)
        address = network.PublicIPAddress(
            f"{resource_name}-egress-ip", public_ip_address_name=naming.name(ResourceKind.PUBLIC_IP, "egress"),
            resource_group_name=args.resource_group_name, location=naming.location, tags=naming.tags,
            sku={"name": "Standard"}, public_ip_allocation_method="Static", opts=child)
        return network.NatGateway(
            f"{resource_name}-nat", nat_gateway_name=naming.name(ResourceKind.NAT_GATEWAY),
            resource_group_name=args.resource_group_name, location=naming.location, tags=naming.tags,
            sku={"name": "Standard"}, public_ip_addresses=[{"id": address.id}], idle_timeout_in_minutes=4, opts=child)
