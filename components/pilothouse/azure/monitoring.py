"""The Log Analytics workspace Container Insights sends a cluster's logs and metrics to."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import operationalinsights

from pilothouse.azure.naming import Naming, ResourceKind
from pilothouse.errors import InvalidValueError
from pilothouse.typed import Checked


@dataclass(frozen=True, kw_only=True)
class LogAnalyticsWorkspaceArgs(Checked, prefix=""):
    """What a :class:`LogAnalyticsWorkspace` needs.

    Fields:
        naming: names the workspace ``log-<workload>-<environment>-<region code>``, in ``naming.location``, tagged
            with ``naming.tags``.
        resource_group_name: the resource group of the workspace.
        retention_days: days the workspace keeps data, 30 to 730 (default 30).
        protect: Pulumi ``protect`` on the workspace (default ``False``).

    Raises:
        InvalidValueError: naming ``retention_days`` when it is outside 30 to 730.
    """

    naming: Naming
    resource_group_name: pulumi.Input[str]
    retention_days: int = 30
    protect: bool = False

    def __post_init__(self) -> None:
        if not 30 <= self.retention_days <= 730:
            raise InvalidValueError("retention_days", self.retention_days, "an integer from 30 to 730")


class LogAnalyticsWorkspace(pulumi.ComponentResource):
    """A Log Analytics workspace (SKU ``PerGB2018``) that Container Insights sends a cluster's logs and metrics to.

    Give it to ``AksClusterArgs.workspace``; ``id``, the workspace's Azure resource ID, is also its registered output.
    """

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
