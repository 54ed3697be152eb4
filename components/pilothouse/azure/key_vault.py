"""A Key Vault for the platform's secrets: Azure RBAC only (no access policies), soft delete, purge protection
unless opted out, and on the network only what it is given: subnets and public IP ranges through its firewall, or a
private endpoint.

Azure's rules, checked before anything is registered, are from "Configure Azure Key Vault firewalls and virtual
networks" (https://learn.microsoft.com/azure/key-vault/general/network-security) and "Integrate Key Vault with Azure
Private Link" (https://learn.microsoft.com/azure/key-vault/general/private-link-service).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import authorization, keyvault, network, privatedns

from pilothouse.azure.naming import Naming, ResourceKind, check_name
from pilothouse.azure.network_plan import parse_cidr
from pilothouse.contract import PlatformContract
from pilothouse.errors import InvalidValueError
from pilothouse.guids import guid
from pilothouse.typed import NOT_SHOWN, Checked, by_type

#: A Key Vault object's name (secrets, keys, certificates: 1-127 letters, digits and '-').
_OBJECT_NAME = re.compile(r"[0-9a-zA-Z-]{1,127}", re.ASCII)
_VNET_ID_PATTERN = (r"/subscriptions/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}/resourceGroups/(?!\.{1,2}/)[-\w.()]+"
                    r"/providers/Microsoft\.Network/virtualNetworks/[-\w.]+")
#: A virtual network's resource id (a private endpoint's DNS zone is linked to one).
_VNET_ID = re.compile(_VNET_ID_PATTERN, re.ASCII | re.IGNORECASE)
#: A subnet's resource id (a vault's virtual network rules name subnets; a private endpoint goes in one).
_SUBNET_ID = re.compile(_VNET_ID_PATTERN + r"/subnets/[-\w.]+", re.ASCII | re.IGNORECASE)
_VNET_ID_FORM = "/subscriptions/<GUID>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>"
_SUBNET_ID_ALLOWED = f"a subnet's id ({_VNET_ID_FORM}/subnets/<subnet>)"
_IP_RULE = "a public IPv4 address or CIDR range such as '20.30.40.50' or '20.30.40.0/24'"
#: Blocks no public address is in: RFC 1918's private ranges, which no IP rule may hold (network-security), and
#: the other special-purpose blocks of RFC 6890 (loopback, link-local, shared, documentation, benchmarking,
#: multicast, reserved). ``is_global`` alone refuses a range inside one, not one around it (``0.0.0.0/0``).
_NOT_PUBLIC = tuple(map(ipaddress.IPv4Network, (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
    "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4",
    "240.0.0.0/4")))
#: A Key Vault's resource id, its name captured (a role grant's scope names a vault by it).
VAULT_ID = re.compile(r"/subscriptions/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}/resourceGroups/(?!\.{1,2}$)"
                       r"[-\w.()]+/providers/Microsoft\.KeyVault/vaults/(?P<name>[-a-zA-Z0-9]+)",
                       re.ASCII | re.IGNORECASE)
#: Days a deleted vault or secret stays recoverable (soft delete; Azure's default and maximum).
SOFT_DELETE_DAYS = 90
#: The most virtual network rules and IPv4 rules a vault's firewall holds (network-security: 200 and 1000).
MAX_VIRTUAL_NETWORK_RULES, MAX_IP_RULES = 200, 1000
#: The private DNS zone a vault's private endpoint is resolved in, and the vault's private link group id
#: (private-link-service).
PRIVATE_DNS_ZONE, PRIVATE_LINK_GROUP = "privatelink.vaultcore.azure.net", "vault"


def secret_name(field_name: str, name: str) -> str:
    """``name`` if Key Vault takes it as a secret's name (1-127 letters, digits and '-').

    Raises:
        InvalidValueError: naming ``field_name``.
    """
    if not isinstance(name, str) or not _OBJECT_NAME.fullmatch(name):
        raise InvalidValueError(field_name, name, "a Key Vault secret name: 1-127 letters, digits and '-'")
    return name


def _ip_rule(field: str, value: object) -> ipaddress.IPv4Network:
    """One IP rule: a public IPv4 address or range, written as Azure reads it (network-security: IPv4 only, no
    private range)."""
    if not isinstance(value, str):
        raise InvalidValueError(field, value if value is None or isinstance(value, int) else by_type(value),
                                f"text: {_IP_RULE}")
    try:
        holding = ipaddress.ip_network(value, strict=False)
    except ValueError:
        holding = None
    if holding is not None and holding.version == 6:
        raise InvalidValueError(field, value, "an IPv4 address or range: Key Vault's firewall takes no IPv6 rules")
    address, _, prefix = value.partition("/")
    if holding is not None and prefix == str(holding.prefixlen) and address != str(holding.network_address):
        raise InvalidValueError(field, value, f"a range without host bits set: '{holding}' (the /{prefix} that "
                                              f"holds {address})")
    network = parse_cidr(field, value, address=True)
    if not network.is_global or any(network.overlaps(block) for block in _NOT_PUBLIC):
        raise InvalidValueError(field, value, f"{_IP_RULE}: Key Vault's IP rules take only public addresses, and "
                                              "this one is or holds private (RFC 1918) or reserved ones")
    return network


def check_network_access(allowed_subnet_ids: Sequence[pulumi.Input[str]], allowed_ip_ranges: Sequence[str], *,
                         private_endpoint: bool) -> None:
    """Check a vault's network access as Azure takes it (network-security): at most 200 subnets, each a subnet's
    id and given once; at most 1000 IP ranges, each a public IPv4 address or CIDR range (no host bits set) and
    given once (an address alone is its /32, as Azure stores it); and with a private endpoint, neither (its public
    network access is then ``Disabled``, which blocks every public address and overrides the firewall's rules).

    :class:`KeyVaultArgs` runs it when declared; a stack's config runs it on its own keys before anything is
    registered.

    Raises:
        InvalidValueError: naming ``key_vault.allowed_subnet_ids``, ``key_vault.allowed_ip_ranges`` (too many),
            ``key_vault.allowed_ip_ranges[<index>]`` or ``key_vault.private_endpoint``.
    """
    for field, given in (("allowed_subnet_ids", allowed_subnet_ids), ("allowed_ip_ranges", allowed_ip_ranges)):
        if not isinstance(given, tuple | list):
            raise InvalidValueError(f"key_vault.{field}", given if given is None or isinstance(given, str)
                                    else by_type(given), "a tuple")
    if len(allowed_subnet_ids) > MAX_VIRTUAL_NETWORK_RULES:
        raise InvalidValueError("key_vault.allowed_subnet_ids", f"{len(allowed_subnet_ids)} subnets",
                                f"at most {MAX_VIRTUAL_NETWORK_RULES} subnets (Key Vault's virtual network rules)")
    for index, subnet in enumerate(allowed_subnet_ids):
        if isinstance(subnet, str) and not _SUBNET_ID.fullmatch(subnet):
            raise InvalidValueError("key_vault.allowed_subnet_ids", subnet, _SUBNET_ID_ALLOWED)
        if isinstance(subnet, str) and subnet.lower() in [s.lower() for s in allowed_subnet_ids[:index]
                                                          if isinstance(s, str)]:
            raise InvalidValueError("key_vault.allowed_subnet_ids", subnet, "each subnet once")
    if len(allowed_ip_ranges) > MAX_IP_RULES:
        raise InvalidValueError("key_vault.allowed_ip_ranges", f"{len(allowed_ip_ranges)} ranges",
                                f"at most {MAX_IP_RULES} ranges (Key Vault's IPv4 rules)")
    seen: set[ipaddress.IPv4Network] = set()
    for index, text in enumerate(allowed_ip_ranges):
        network = _ip_rule(f"key_vault.allowed_ip_ranges[{index}]", text)
        if network in seen:
            raise InvalidValueError(f"key_vault.allowed_ip_ranges[{index}]", text,
                                    "each range once (an address alone is its /32)")
        seen.add(network)
    if private_endpoint and (allowed_subnet_ids or allowed_ip_ranges):
        given = " and ".join(f"{len(items)} allowed {kind}{'s' if len(items) > 1 else ''}" for kind, items in
                             (("subnet", allowed_subnet_ids), ("IP range", allowed_ip_ranges)) if items)
        raise InvalidValueError("key_vault.private_endpoint", f"a private endpoint with {given}",
                                "a private endpoint alone, or allowed subnets and IP ranges without one: with a "
                                "private endpoint the vault's public network access is 'Disabled', which blocks "
                                "every public address and overrides the firewall's rules")


@dataclass(frozen=True, kw_only=True)
class VaultPrivateEndpoint(Checked, prefix="key_vault.private_endpoint"):
    """Where a :class:`KeyVault`'s private endpoint goes (private-link-service); checked when declared.

    Fields:
        subnet_id: the subnet whose private address the vault gets (``Network.node_subnet_id``: the cluster's
            nodes then reach it inside their VNet); a subnet's resource id.
        virtual_network_id: the VNet linked to the ``privatelink.vaultcore.azure.net`` zone, whose clients then
            resolve the vault's name to that address (``Network.vnet_id``: usually the subnet's own VNet, or a hub
            peered with it); a VNet's resource id.

    Raises:
        InvalidValueError: naming ``key_vault.private_endpoint.subnet_id`` or ``.virtual_network_id`` (text that is
            not such an id; an output is taken as it resolves).
    """

    subnet_id: pulumi.Input[str]
    virtual_network_id: pulumi.Input[str]

    def __post_init__(self) -> None:
        if isinstance(self.subnet_id, str) and not _SUBNET_ID.fullmatch(self.subnet_id):
            raise InvalidValueError("key_vault.private_endpoint.subnet_id", self.subnet_id, _SUBNET_ID_ALLOWED)
        if isinstance(self.virtual_network_id, str) and not _VNET_ID.fullmatch(self.virtual_network_id):
            raise InvalidValueError("key_vault.private_endpoint.virtual_network_id", self.virtual_network_id,
                                    f"a virtual network's id ({_VNET_ID_FORM})")


@dataclass(frozen=True, kw_only=True)
class KeyVaultArgs(Checked, prefix="key_vault"):
    """What a :class:`KeyVault` needs; checked when declared (:func:`check_network_access` for its network).

    Fields:
        naming, resource_group_name: its name (``kv-<workload>-<env>-<region>``, shortened with a digest past Key
            Vault's 24 characters), region, tags and group.
        allowed_subnet_ids: the subnets that may reach it through its firewall (``Network.node_subnet_id``, whose
            service endpoint for Key Vault Pilothouse's ``Network`` enables); at most 200, each once.
        allowed_ip_ranges: public IPv4 addresses or CIDR ranges (``'20.30.40.50'``, ``'20.30.40.0/24'``) let
            through its firewall, such as an operator's office reading secrets with the az CLI; at most 1000, each
            once, none private (RFC 1918) or reserved, no host bits set. Sent in CIDR form (an address as its /32).
        private_endpoint: a :class:`VaultPrivateEndpoint`: the vault gets a private address in that subnet and
            its public network access is turned off (``Disabled``), so ``allowed_subnet_ids`` and
            ``allowed_ip_ranges`` are refused next to it. Default ``None``: none. With neither subnets, ranges nor
            an endpoint (the default), nothing reaches the vault on the network, Azure's trusted services
            excepted; ARM still does (``pulumi up`` writes secrets through it).
        purge_protection: keep deleted secrets unpurgeable for the soft-delete days (default ``True``; once on,
            Azure never turns it off). ``False`` is an explicit opt-out for throwaway environments.
        protect: Pulumi's ``protect`` on the vault.

    Raises:
        InvalidValueError: naming ``key_vault.allowed_subnet_ids``, ``key_vault.allowed_ip_ranges[<index>]`` (or
            the whole list, past 1000), ``key_vault.private_endpoint`` (next to subnets or ranges) or a field of
            the wrong type.
    """

    naming: Naming
    resource_group_name: pulumi.Input[str]
    allowed_subnet_ids: tuple[pulumi.Input[str], ...] = ()
    allowed_ip_ranges: tuple[str, ...] = ()
    private_endpoint: VaultPrivateEndpoint | None = None
    purge_protection: bool = True
    protect: bool = False

    def __post_init__(self) -> None:
        self.naming.name(ResourceKind.KEY_VAULT)
        check_network_access(self.allowed_subnet_ids, self.allowed_ip_ranges,
                             private_endpoint=self.private_endpoint is not None)


@dataclass(frozen=True, kw_only=True)
class VaultRef(Checked, prefix="vault"):
    """A Key Vault another stack owns (the platform's), as a
    :class:`~pilothouse.azure.secret_provider_class.SecretProviderClass` and a role grant name it; :meth:`of` reads
    it from the platform contract. Fields: ``name``, ``resource_id`` (what a
    :class:`~pilothouse.azure.workload_identity.RoleGrant` on it is scoped to), ``tenant_id`` (the Entra ID tenant
    it trusts); text or outputs of text. Reaching it on the network is its owner's concern."""

    name: pulumi.Input[str]
    resource_id: pulumi.Input[str]
    tenant_id: pulumi.Input[str]

    def __post_init__(self) -> None:
        # Values known as text are checked here; outputs (the contract's) are the platform's own exports.
        if isinstance(self.name, str):
            check_name(ResourceKind.KEY_VAULT, self.name, "vault.name")
        if isinstance(self.tenant_id, str):
            guid("vault.tenant_id", self.tenant_id, "an Entra ID tenant id")
        if isinstance(self.resource_id, str):
            match = VAULT_ID.fullmatch(self.resource_id)
            if match is None:
                raise InvalidValueError("vault.resource_id", self.resource_id, "a Key Vault's id (/subscriptions/"
                                        "<GUID>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>)")
            if isinstance(self.name, str) and match["name"].lower() != self.name.lower():
                raise InvalidValueError("vault.resource_id", self.resource_id, f"the id of vault '{self.name}' (the "
                                                                               "vault's name)")

    @classmethod
    def of(cls, contract: PlatformContract) -> VaultRef:
        """The platform's vault, from its contract (:func:`~pilothouse.contract.read_contract`)."""
        if not isinstance(contract, PlatformContract):
            raise InvalidValueError("vault.contract", by_type(contract), "a PlatformContract (read_contract(...))")
        return cls(name=contract.key_vault_name, resource_id=contract.key_vault_id, tenant_id=contract.tenant_id)


class KeyVault(pulumi.ComponentResource):
    """A Key Vault (``pilothouse:azure:KeyVault``) with its secrets; ``resource_id`` scopes role grants to it
    (:class:`~pilothouse.azure.workload_identity.RoleGrant`), ``name`` and ``tenant_id`` name it to the Secrets
    Store CSI driver (:class:`~pilothouse.azure.secret_provider_class.SecretProviderClass`), ``uri`` for SDKs.

    With a private endpoint it also registers, as its children: the endpoint ``pep-<vault>`` (its network
    interface ``pep-<vault>-nic``, connected to the vault's ``vault`` group), the private DNS zone
    ``privatelink.vaultcore.azure.net`` in the vault's resource group (one such vault per group: the zone is the
    group's), the zone's link ``<vault>`` to the VNet (no auto-registration) and the endpoint's DNS zone group
    ``<vault>``, which keeps the vault's A record in the zone.
    """

    def __init__(self, resource_name: str, args: KeyVaultArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("pilothouse:azure:KeyVault", resource_name, None, opts)
        self.args = args
        client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
        # Azure stores an address alone as its /32: sent so, the next refresh shows no change.
        ip_rules = [keyvault.IPRuleArgs(value=str(ipaddress.IPv4Network(text))) for text in args.allowed_ip_ranges]
        rules = keyvault.NetworkRuleSetArgs(
            default_action="Deny", bypass="AzureServices", ip_rules=ip_rules or None,
            virtual_network_rules=[keyvault.VirtualNetworkRuleArgs(id=subnet) for subnet in args.allowed_subnet_ids])
        vault = keyvault.Vault(
            resource_name, vault_name=args.naming.name(ResourceKind.KEY_VAULT),
            resource_group_name=args.resource_group_name,
            location=args.naming.location, tags=args.naming.tags,
            properties=keyvault.VaultPropertiesArgs(
                tenant_id=client.tenant_id, sku=keyvault.SkuArgs(family="A", name=keyvault.SkuName.STANDARD),
                enable_rbac_authorization=True, enable_soft_delete=True,
                soft_delete_retention_in_days=SOFT_DELETE_DAYS,
                # Azure refuses false once it was true: unset is the opt-out.
                enable_purge_protection=True if args.purge_protection else None,
                # Disabled also with a private endpoint: it still reaches the vault, no public address does.
                public_network_access="Enabled" if args.allowed_subnet_ids or ip_rules else "Disabled",
                network_acls=rules),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect))
        self._resource_name, self._vault = resource_name, vault
        self._secrets: set[str] = set()
        self.resource_id = vault.id
        #: Known before the vault exists (the CSI driver's class names it; a preview shows it).
        self.name: str = args.naming.name(ResourceKind.KEY_VAULT)
        self.tenant_id = client.tenant_id
        self.uri = vault.properties.apply(lambda properties: properties.vault_uri)
        if args.private_endpoint is not None:
            self._private_endpoint(args.private_endpoint)
        self.register_outputs({"id": self.resource_id, "name": self.name, "uri": self.uri})

    def _private_endpoint(self, where: VaultPrivateEndpoint) -> None:
        """The endpoint, and the DNS that makes the vault's name resolve to it inside the VNet (private-link-service).
        Names are known up front (the vault's), so that a preview shows them; ``depends_on`` orders what an output
        would have."""
        group, naming, endpoint_name = self.args.resource_group_name, self.args.naming, f"pep-{self.name}"
        endpoint = network.PrivateEndpoint(
            f"{self._resource_name}-endpoint", private_endpoint_name=endpoint_name, resource_group_name=group,
            location=naming.location, tags=naming.tags, subnet={"id": where.subnet_id},
            custom_network_interface_name=f"{endpoint_name}-nic",
            private_link_service_connections=[network.PrivateLinkServiceConnectionArgs(
                name=self.name, private_link_service_id=self._vault.id, group_ids=[PRIVATE_LINK_GROUP])],
            opts=pulumi.ResourceOptions(parent=self))
        zone = privatedns.PrivateZone(
            f"{self._resource_name}-dns", private_zone_name=PRIVATE_DNS_ZONE, resource_group_name=group,
            location="global", tags=naming.tags, opts=pulumi.ResourceOptions(parent=self))
        privatedns.VirtualNetworkLink(
            f"{self._resource_name}-dns-link", virtual_network_link_name=self.name, private_zone_name=PRIVATE_DNS_ZONE,
            resource_group_name=group, location="global", tags=naming.tags, registration_enabled=False,
            virtual_network=privatedns.SubResourceArgs(id=where.virtual_network_id),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[zone]))
        network.PrivateDnsZoneGroup(
            f"{self._resource_name}-dns-group", private_dns_zone_group_name=self.name,
            private_endpoint_name=endpoint_name, resource_group_name=group,
            private_dns_zone_configs=[network.PrivateDnsZoneConfigArgs(
                name=PRIVATE_DNS_ZONE.replace(".", "-"), private_dns_zone_id=zone.id)],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[endpoint]))

    def secret(self, name: str, value: pulumi.Input[str]) -> keyvault.Secret:
        """Store ``value`` (text, or an output of text; kept a Pulumi secret, never shown) as the vault's secret
        ``name`` (1-127 letters, digits and '-'; Key Vault compares names without case). The Pulumi resource is
        ``<vault>.<name>``.

        Raises:
            InvalidValueError: naming ``key_vault.secret`` (not a Key Vault secret name, or one stored before) or
                ``key_vault.secret.value`` (not text).
        """
        secret_name("key_vault.secret", name)
        if name.lower() in self._secrets:
            raise InvalidValueError("key_vault.secret", name, "a secret name not stored in this vault before "
                                                              "(Key Vault names ignore case)")
        if not isinstance(value, str | pulumi.Output):
            raise InvalidValueError("key_vault.secret.value", NOT_SHOWN, "text or a Pulumi output of text")
        self._secrets.add(name.lower())
        # '.' is in no secret name: "<vault>.<name>" never meets another vault's secret.
        return keyvault.Secret(f"{self._resource_name}.{name}", secret_name=name,
                               vault_name=self.name, resource_group_name=self.args.resource_group_name,
                               properties=keyvault.SecretPropertiesArgs(value=pulumi.Output.secret(value)),
                               opts=pulumi.ResourceOptions(parent=self, depends_on=[self._vault]))
