"""Azure platform components (pulumi-azure-native, one service module at a time; ``pilothouse[azure]``)."""

from pilothouse.extras import missing_extra

try:
    import pulumi_azure_native  # noqa: F401 - only checked here: every module of this package uses it
except ModuleNotFoundError as missing:
    raise missing_extra(missing, "azure", "pilothouse.azure") from None

from pilothouse.azure.naming import Naming, ResourceKind, check_name
from pilothouse.azure.network_plan import NetworkPlan, NetworkPlugin, NetworkPolicy, OutboundType
from pilothouse.azure.resource_group import ResourceGroup, ResourceGroupArgs

__all__ = [
    "Naming",
    "NetworkPlan",
    "NetworkPlugin",
    "NetworkPolicy",
    "OutboundType",
    "ResourceGroup",
    "ResourceGroupArgs",
    "ResourceKind",
    "check_name",
]
