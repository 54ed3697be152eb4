"""The Azure platform of one environment."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.azure.resource_group import ResourceGroup, ResourceGroupArgs
from stacks.config import AzureConfig


@dataclass(frozen=True)
class Platform:
    """What the platform hands to the apps stack and to stack outputs."""

    resource_group: ResourceGroup


def build_platform(azure: AzureConfig, *, protect: bool) -> Platform:
    group = ResourceGroup("platform", ResourceGroupArgs(
        naming=azure.naming, existing_name=azure.existing_resource_group, protect=protect))
    pulumi.export("resourceGroupName", group.name)
    pulumi.export("location", group.location)
    return Platform(resource_group=group)
