"""The Log Analytics workspace Container Insights sends a cluster's logs and metrics to."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import operationalinsights

from pilothouse.azure.naming import Naming, ResourceKind
from pilothouse.errors import InvalidValueError


@dataclass(frozen=True, kw_only=True)
class LogAnalyticsWorkspaceArgs:
    naming: Naming
    resource_group_name: pulumi.Input[str]
    retention_days: int = 30
    protect: bool = False

    def __post_init__(self) -> None:
        if not 30 <= self.retention_days <= 730:
            raise InvalidValueError("retention_days", self.retention_days, "an integer from 30 to 730")


class LogAnalyticsWorkspace(pulumi.ComponentResource):
    def __init__(self, resource_name: str, args: LogAnalyticsWorkspaceArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        workspace_name = args.naming.name(ResourceKind.LOG_ANALYTICS_WORKSPACE)
        super().__init__("pilothouse:azure:LogAnalyticsWorkspace", resource_name, None, opts)
        workspace = operationalinsights.Workspace(
            resource_name, workspace_name=workspace_name, resource_group_name=args.resource_group_name,
            location=args.naming.location, tags=args.naming.tags, sku={"name": "PerGB2018"},
            retention_in_days=args.retention_days, opts=pulumi.ResourceOptions(parent=self, protect=args.protect))
        self.id = workspace.id
        self.register_outputs({"id": self.id})
