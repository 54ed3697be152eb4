"""The resource group every Azure resource of an environment lives in."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import resources

from pilothouse.azure.naming import Naming, ResourceKind, check_name
from pilothouse.typed import Checked


@dataclass(frozen=True, kw_only=True)
class ResourceGroupArgs(Checked, prefix=""):
    """What a :class:`ResourceGroup` needs."""

    naming: Naming
    #: Adopt this existing group (read, never modified or deleted) instead of creating one.
    existing_name: str | None = None
    #: Refuse to delete the group on ``pulumi destroy`` (prod).
    protect: bool = False

    def __post_init__(self) -> None:
        if self.existing_name is not None:
            check_name(ResourceKind.RESOURCE_GROUP, self.existing_name, "existing_name")


class ResourceGroup(pulumi.ComponentResource):
    """A resource group named by the convention and tagged, or an adopted existing one."""

    name: pulumi.Output[str]
    id: pulumi.Output[str]
    location: pulumi.Output[str]

    def __init__(self, resource_name: str, args: ResourceGroupArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        group_name = args.naming.name(ResourceKind.RESOURCE_GROUP)
        super().__init__("pilothouse:azure:ResourceGroup", resource_name, None, opts)
        if args.existing_name is not None:
            found = resources.get_resource_group_output(
                resource_group_name=args.existing_name, opts=pulumi.InvokeOutputOptions(parent=self))
            self.name, self.id, self.location = found.name, found.id, found.location
        else:
            group = resources.ResourceGroup(
                resource_name,
                resource_group_name=group_name,
                location=args.naming.location,
                tags=args.naming.tags,
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
            )
            self.name, self.id, self.location = group.name, group.id, group.location
        self.register_outputs({"name": self.name, "id": self.id, "location": self.location})
