"""A static public IP for the cluster's ingress controller, with a DNS label, that outlives the controller.

AKS's cloud provider attaches it to the controller's LoadBalancer Service (see
``pilothouse.addons.ingress_controller.PublicEndpoint``); the cluster identity gets Network
Contributor on this one address only, which is what attaching it requires.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import network

from pilothouse.azure.cluster import AksCluster
from pilothouse.azure.naming import Naming, ResourceKind
from pilothouse.azure.roles import NETWORK_CONTRIBUTOR, assign_role
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.names import azure_dns_label
from pilothouse.typed import Checked


@dataclass(frozen=True, kw_only=True)
class IngressPublicIpArgs(Checked, prefix="ingress_ip"):
    """What an :class:`IngressPublicIp` needs: a Standard, static public IP for the ingress controller.

    Fields:
        naming: names the address ``pip-<workload>-<environment>-<region code>-ingress``, in ``naming.location``,
            tagged with ``naming.tags``.
        resource_group_name: the resource group of the address.
        cluster: the AKS cluster whose identity gets Network Contributor on the address, so it can attach it.
        dns_label: see its comment; 3-63 lowercase letters, digits and '-', starting with a letter.
        zones: see its comment (default empty: no zones set on the address).
        protect: Pulumi ``protect`` on the address (default ``False``).

    Raises:
        InvalidValueError: naming ``ingress_ip.dns_label`` (not an Azure public IP DNS label) or ``ingress_ip.zones``
            (a zone other than ``'1'``, ``'2'``, ``'3'``).
    """

    naming: Naming
    resource_group_name: pulumi.Input[str]
    cluster: AksCluster
    #: The address answers as ``<dns_label>.<region>.cloudapp.azure.com``.
    dns_label: str
    #: Zone-redundant when given all of '1', '2', '3' (as a multi-zone cluster's load balancer is).
    zones: tuple[str, ...] = ()
    protect: bool = False

    def __post_init__(self) -> None:
        azure_dns_label("ingress_ip.dns_label", self.dns_label)
        if not set(self.zones) <= {"1", "2", "3"}:
            raise InvalidValueError("ingress_ip.zones", list(self.zones), "availability zones among '1', '2', '3'")


class IngressPublicIp(pulumi.ComponentResource):
    """A Standard, static public IP the ingress controller's load balancer takes."""

    def __init__(self, resource_name: str, args: IngressPublicIpArgs, opts: pulumi.ResourceOptions | None = None,
                 ) -> None:
        name = args.naming.name(ResourceKind.PUBLIC_IP, "ingress")
        super().__init__("pilothouse:azure:IngressPublicIp", resource_name, None, opts)
        address = network.PublicIPAddress(
            resource_name, public_ip_address_name=name, resource_group_name=args.resource_group_name,
            location=args.naming.location, tags=args.naming.tags, sku={"name": "Standard"},
            public_ip_allocation_method="Static", zones=list(args.zones) or None,
            dns_settings={"domain_name_label": args.dns_label},
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect))
        self.attach_role = assign_role(f"{resource_name}-attach", scope=address.id, role=NETWORK_CONTRIBUTOR,
                                       principal_id=args.cluster.identity_principal_id, parent=self)
        self.name = name
        self.resource_group_name = args.resource_group_name
        self.dns_label = args.dns_label
        self.address = address.ip_address
        self.fqdn = address.dns_settings.apply(lambda dns: dns.fqdn if dns else None)
        self.register_outputs({"name": name, "address": self.address, "fqdn": self.fqdn})
