"""Azure platform components (pulumi-azure-native, one service module at a time)."""

from components.azure.naming import Naming, ResourceKind, check_name
from components.azure.network_plan import NetworkPlan, NetworkPlugin, NetworkPolicy, OutboundType
from components.azure.resource_group import ResourceGroup, ResourceGroupArgs

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
