"""Azure platform components (pulumi-azure-native, one service module at a time)."""

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
