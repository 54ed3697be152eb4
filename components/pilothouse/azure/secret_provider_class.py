"""Key Vault secrets in pods: a typed ``SecretProviderClass`` for the Secrets Store CSI driver's Azure provider
(the AKS Key Vault secrets provider add-on), read through a workload identity.

The pod mounts :meth:`SecretProviderClass.volume` (each secret a file named after it), and with ``sync_to`` the
driver also keeps a Kubernetes Secret of them while a pod mounts the volume, for environment variables
(:meth:`SecretProviderClass.env`). AKS docs: "Use the Azure Key Vault provider for Secrets Store CSI Driver",
"Access Azure Key Vault with the CSI driver identity provider" (workload identity).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
import yaml

from pilothouse.azure.key_vault import VAULT_ID, KeyVault, VaultRef, secret_name
from pilothouse.azure.roles import KEY_VAULT_SECRET_READERS
from pilothouse.azure.workload_identity import WorkloadIdentity
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.env import EnvValue
from pilothouse.kubernetes.names import dns_label, dns_subdomain
from pilothouse.kubernetes.volumes import SECRETS_STORE_DRIVER, Volume
from pilothouse.kubernetes.workload import NamespaceRef, namespace_name, object_metadata, object_options
from pilothouse.typed import Checked

API_VERSION = "secrets-store.csi.x-k8s.io/v1"


@dataclass(frozen=True, kw_only=True)
class SecretProviderClassArgs(Checked, prefix="secret_provider_class"):
    """What a :class:`SecretProviderClass` needs; checked when declared.

    Fields:
        name: a DNS-1123 label (it also names the volume pods mount it by).
        namespace: the namespace of the pods that mount it (a :class:`Namespace` of ours, or a name).
        vault: the :class:`KeyVault` of this program the secrets are in (it must let the nodes reach it), or the
            :class:`VaultRef` of another stack's (an app stack's ``VaultRef.of(platform)``).
        identity: the :class:`WorkloadIdentity` the driver reads them as: it must trust an account of this
            namespace and hold a role that reads secrets on ``vault`` (:data:`KEY_VAULT_SECRETS_USER`, or the
            Secrets Officer or Administrator role: a :class:`RoleGrant` scoped to its id).
        secrets: the Key Vault secret names to mount (each a file of that name), each once; at least one.
        sync_to: a Kubernetes Secret (type Opaque, a key per secret) the driver keeps while a pod mounts the
            volume, for environment variables; ``None`` (default): files only.

    Raises:
        InvalidValueError: naming ``secret_provider_class.name``, ``.secrets`` (empty, twice, not a Key Vault
            name), ``.sync_to``, or ``.identity`` (another namespace's, or without access to the vault).
    """

    name: str
    namespace: NamespaceRef
    vault: KeyVault | VaultRef
    identity: WorkloadIdentity
    secrets: tuple[str, ...]
    sync_to: str | None = None

    def __post_init__(self) -> None:
        dns_label("secret_provider_class.name", self.name)
        if not self.secrets:
            raise InvalidValueError("secret_provider_class.secrets", self.secrets, "at least one Key Vault secret name")
        seen: set[str] = set()
        for name in self.secrets:
            secret_name("secret_provider_class.secrets", name)
            if name.lower() in seen:
                raise InvalidValueError("secret_provider_class.secrets", name,
                                        "each secret once (Key Vault names ignore case)")
            seen.add(name.lower())
        if isinstance(self.vault, KeyVault) and not (self.vault.args.allowed_subnet_ids
                                                     or self.vault.args.private_endpoint):
            raise InvalidValueError("secret_provider_class.vault", self.vault.name,
                                    "a vault the cluster's nodes reach (KeyVaultArgs.allowed_subnet_ids or "
                                    "private_endpoint): the CSI driver reads it from the nodes")
        if self.sync_to is not None:
            dns_subdomain("secret_provider_class.sync_to", self.sync_to)
        trusted = self.identity.args.namespace
        if trusted != namespace_name(self.namespace):
            raise InvalidValueError("secret_provider_class.identity", trusted,
                                    f"an identity trusting an account of namespace '{namespace_name(self.namespace)}'")
        if not any(grant.role.lower() in KEY_VAULT_SECRET_READERS and _is_vault(grant.scope, self.vault)
                   for grant in self.identity.args.roles):
            raise InvalidValueError("secret_provider_class.identity", self.identity.args.service_account,
                                    "an identity granted a role that reads the vault's secrets (Key Vault Secrets "
                                    "User, Secrets Officer or Administrator) on the vault: "
                                    "RoleGrant(role=KEY_VAULT_SECRETS_USER, scope=vault.resource_id)")

    def objects(self) -> str:
        """The provider's ``objects`` parameter: a YAML ``array`` of YAML documents, one per secret."""
        documents = [yaml.safe_dump({"objectName": name, "objectType": "secret"}, sort_keys=False)
                     for name in self.secrets]
        return yaml.safe_dump({"array": documents}, sort_keys=False)


def _is_vault(scope: pulumi.Input[str], vault: KeyVault | VaultRef) -> bool:
    """Whether a grant's ``scope`` is ``vault``: its id (the same output, or the same text without case), or an id
    naming it (vault names are unique in Azure: they are the vault's DNS name)."""
    if scope is vault.resource_id:
        return True
    match = VAULT_ID.fullmatch(scope) if isinstance(scope, str) else None
    return match is not None and isinstance(vault.name, str) and match["name"].lower() == vault.name.lower()


class SecretProviderClass(k8s.apiextensions.CustomResource):
    """A ``secrets-store.csi.x-k8s.io/v1`` SecretProviderClass for Azure Key Vault, read as a workload identity."""

    def __init__(self, resource_name: str, args: SecretProviderClassArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        self.args = args
        self.name = args.name
        parameters = {"usePodIdentity": "false", "clientID": args.identity.client_id,
                      "keyvaultName": args.vault.name, "tenantId": args.vault.tenant_id, "objects": args.objects()}
        spec: dict[str, Any] = {"provider": "azure", "parameters": parameters}
        if args.sync_to is not None:
            spec["secretObjects"] = [{"secretName": args.sync_to, "type": "Opaque",
                                      "data": [{"objectName": name, "key": name} for name in args.secrets]}]
        super().__init__(resource_name, api_version=API_VERSION, kind="SecretProviderClass",
                         metadata=object_metadata(args.name, args.namespace, {}), spec=spec,
                         opts=object_options(self, resource_name, opts, args.namespace, [args.identity]))

    def volume(self, volume_name: str | None = None) -> Volume:
        """The CSI volume that mounts the secrets (read-only, a file per secret); default name: the class's. Only
        pods of the class's namespace running as the identity's ServiceAccount may mount it (checked by the
        workload)."""
        volume = Volume.csi(self.name if volume_name is None else volume_name, SECRETS_STORE_DRIVER,
                            attributes={"secretProviderClass": self.name}, read_only=True)
        identity = self.args.identity.args
        return replace(volume, mounted_by=(identity.namespace, identity.service_account))

    def env(self, secret: str, volume: Volume | None = None) -> EnvValue:
        """An environment value of ``secret`` from the synced Secret; the pod must mount ``volume`` (default
        :meth:`volume`; one of this class's), which :class:`PodSpec` checks.

        Raises:
            InvalidValueError: naming ``env.key`` (not a secret of the class, or the class syncs none) or
                ``env.volume`` (not a volume of this class).
        """
        csi = volume.source.get("csi", {}) if isinstance(volume, Volume) else {}
        if volume is not None and (csi.get("driver") != SECRETS_STORE_DRIVER
                                   or csi.get("volumeAttributes", {}).get("secretProviderClass") != self.name):
            raise InvalidValueError("env.volume", getattr(volume, "name", volume),
                                    f"a volume of SecretProviderClass '{self.name}' (its volume())")
        if self.args.sync_to is None:
            raise InvalidValueError("env.key", secret, f"a secret of a class that syncs them to a Kubernetes Secret "
                                                       f"(class '{self.name}' has no sync_to)")
        if secret not in self.args.secrets:
            raise InvalidValueError("env.key", secret, f"a secret of class '{self.name}' "
                                                       f"({', '.join(self.args.secrets)})")
        return EnvValue.from_secret(self.args.sync_to, secret).mounted_with(volume or self.volume())
