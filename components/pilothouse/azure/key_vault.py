"""A Key Vault for the platform's secrets: Azure RBAC only (no access policies), soft delete, purge protection
unless opted out, and on the network only the subnets it is given (the cluster's nodes)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import authorization, keyvault

from pilothouse.azure.naming import Naming, ResourceKind
from pilothouse.errors import InvalidValueError
from pilothouse.typed import NOT_SHOWN, Checked

#: A Key Vault object's name (secrets, keys, certificates: 1-127 letters, digits and '-').
_OBJECT_NAME = re.compile(r"[0-9a-zA-Z-]{1,127}", re.ASCII)
#: A subnet's resource id (a vault's virtual network rules name subnets).
_SUBNET_ID = re.compile(r"/subscriptions/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}/resourceGroups/[-\w.()]+"
                        r"/providers/Microsoft\.Network/virtualNetworks/[-\w.]+/subnets/[-\w.]+",
                        re.ASCII | re.IGNORECASE)
#: Days a deleted vault or secret stays recoverable (soft delete; Azure's default and maximum).
SOFT_DELETE_DAYS = 90


def secret_name(field_name: str, name: str) -> str:
    """``name`` if Key Vault takes it as a secret's name (1-127 letters, digits and '-').

    Raises:
        InvalidValueError: naming ``field_name``.
    """
    if not isinstance(name, str) or not _OBJECT_NAME.fullmatch(name):
        raise InvalidValueError(field_name, name, "a Key Vault secret name: 1-127 letters, digits and '-'")
    return name


@dataclass(frozen=True, kw_only=True)
class KeyVaultArgs(Checked, prefix="key_vault"):
    """What a :class:`KeyVault` needs; checked when declared.

    Fields:
        naming, resource_group_name: its name (``kv-<workload>-<env>-<region>``, shortened with a digest past Key
            Vault's 24 characters), region, tags and group.
        allowed_subnet_ids: the subnets that may reach it (``Network.node_subnet_id``, whose service endpoint for
            Key Vault Pilothouse's ``Network`` enables); nothing else on the network does, Azure's trusted services
            excepted. Empty (default): no network access at all, only ARM (``pulumi up`` writes secrets through it).
        purge_protection: keep deleted secrets unpurgeable for the soft-delete days (default ``True``; once on,
            Azure never turns it off). ``False`` is an explicit opt-out for throwaway environments.
        protect: Pulumi's ``protect`` on the vault.
    """

    naming: Naming
    resource_group_name: pulumi.Input[str]
    allowed_subnet_ids: tuple[pulumi.Input[str], ...] = ()
    purge_protection: bool = True
    protect: bool = False

    def __post_init__(self) -> None:
        self.naming.name(ResourceKind.KEY_VAULT)
        for index, subnet in enumerate(self.allowed_subnet_ids):
            if isinstance(subnet, str) and not _SUBNET_ID.fullmatch(subnet):
                raise InvalidValueError("key_vault.allowed_subnet_ids", subnet,
                                        "a subnet's id (/subscriptions/<GUID>/resourceGroups/<group>/providers/"
                                        "Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>)")
            if isinstance(subnet, str) and subnet.lower() in [s.lower() for s in self.allowed_subnet_ids[:index]
                                                              if isinstance(s, str)]:
                raise InvalidValueError("key_vault.allowed_subnet_ids", subnet, "each subnet once")


class KeyVault(pulumi.ComponentResource):
    """A Key Vault (``pilothouse:azure:KeyVault``) with its secrets; ``resource_id`` scopes role grants to it
    (:class:`~pilothouse.azure.workload_identity.RoleGrant`), ``name`` and ``tenant_id`` name it to the Secrets
    Store CSI driver (:class:`~pilothouse.azure.secret_provider_class.SecretProviderClass`), ``uri`` for SDKs."""

    def __init__(self, resource_name: str, args: KeyVaultArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("pilothouse:azure:KeyVault", resource_name, None, opts)
        self.args = args
        client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
        rules = keyvault.NetworkRuleSetArgs(
            default_action="Deny", bypass="AzureServices",
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
                public_network_access="Enabled" if args.allowed_subnet_ids else "Disabled", network_acls=rules),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect))
        self._resource_name, self._vault = resource_name, vault
        self._secrets: set[str] = set()
        self.resource_id = vault.id
        #: Known before the vault exists (the CSI driver's class names it; a preview shows it).
        self.name: str = args.naming.name(ResourceKind.KEY_VAULT)
        self.tenant_id = client.tenant_id
        self.uri = vault.properties.apply(lambda properties: properties.vault_uri)
        self.register_outputs({"id": self.resource_id, "name": self.name, "uri": self.uri})

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
