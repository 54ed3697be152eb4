"""The environment's Azure Container Registry."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import containerregistry

from pilothouse.azure.naming import Naming, ResourceKind
from pilothouse.azure.registry_spec import RegistrySku, RegistrySpec
from pilothouse.typed import Checked


@dataclass(frozen=True, kw_only=True)
class ContainerRegistryArgs(Checked, prefix=""):
    """What a :class:`ContainerRegistry` needs.

    Fields:
        naming: names the registry ``cr<workload><environment><region code>`` (letters and digits only, as ACR
            requires), in ``naming.location``, tagged with ``naming.tags``.
        resource_group_name: the resource group of the registry and its replications.
        spec: SKU, admin user, retention and geo-replicas (:class:`RegistrySpec`, checked when constructed).
        protect: Pulumi ``protect`` on the registry (default ``False``); replications are not protected.

    Raises:
        InvalidValueError: naming ``replica_locations`` when a replica is in the registry's own region.
    """

    naming: Naming
    resource_group_name: pulumi.Input[str]
    spec: RegistrySpec
    protect: bool = False

    def __post_init__(self) -> None:
        self.spec.check_home(self.naming.location)


class ContainerRegistry(pulumi.ComponentResource):
    """An ACR with the admin user off unless the spec opts in; ``login_server`` is exported."""

    def __init__(self, resource_name: str, args: ContainerRegistryArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        naming, spec = args.naming, args.spec
        registry_name = naming.name(ResourceKind.CONTAINER_REGISTRY)
        super().__init__("pilothouse:azure:ContainerRegistry", resource_name, None, opts)
        policies = None
        if spec.retention_days is not None:
            policies = containerregistry.PoliciesArgs(retention_policy=containerregistry.RetentionPolicyArgs(
                days=spec.retention_days, status="enabled"))
        registry = containerregistry.Registry(
            resource_name, registry_name=registry_name, resource_group_name=args.resource_group_name,
            location=naming.location, tags=naming.tags, sku=containerregistry.SkuArgs(name=str(spec.sku)),
            admin_user_enabled=spec.admin_user_enabled, policies=policies,
            # Premium only: pulls stay inside the VNet when private endpoints are added.
            zone_redundancy="Enabled" if spec.sku is RegistrySku.PREMIUM else None,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect))
        for location in spec.replica_locations:
            containerregistry.Replication(
                f"{resource_name}-{location}", replication_name=location, registry_name=registry.name,
                resource_group_name=args.resource_group_name, location=location, tags=naming.tags,
                opts=pulumi.ResourceOptions(parent=self))
        self.id = registry.id
        self.name = registry.name
        self.login_server = registry.login_server
        self.register_outputs({"id": self.id, "loginServer": self.login_server})
