"""The shape of an AKS cluster, with the secure posture as its defaults."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from components.azure.node_pool import NodePoolSpec, PoolMode
from components.errors import InvalidValueError


class ClusterTier(StrEnum):
    FREE = "Free"
    STANDARD = "Standard"
    PREMIUM = "Premium"


class UpgradeChannel(StrEnum):
    NONE = "none"
    PATCH = "patch"
    STABLE = "stable"
    RAPID = "rapid"
    NODE_IMAGE = "node-image"


@dataclass(frozen=True, kw_only=True)
class ClusterSpec:
    """An AKS cluster: RBAC and managed identity always on, local accounts off by default."""

    system_pool: NodePoolSpec
    user_pools: tuple[NodePoolSpec, ...] = ()
    tier: ClusterTier = ClusterTier.FREE
    private: bool = False
    local_accounts_disabled: bool = True
    workload_identity: bool = True
    upgrade_channel: UpgradeChannel = UpgradeChannel.STABLE
    authorized_ip_ranges: tuple[str, ...] = ()

    @property
    def all_pools(self) -> tuple[NodePoolSpec, ...]:
        return (self.system_pool, *self.user_pools)

    def __post_init__(self) -> None:
        if self.system_pool.mode is not PoolMode.SYSTEM:
            raise InvalidValueError("system_pool.mode", str(self.system_pool.mode), "'System'")
        names = [self.system_pool.name] + [pool.name for pool in self.user_pools]
        for index, name in enumerate(names):
            if name in names[:index]:
                raise InvalidValueError("user_pools", name, "node pool names that are unique in the cluster")
        if self.private and self.authorized_ip_ranges:
            raise InvalidValueError("authorized_ip_ranges", list(self.authorized_ip_ranges),
                                    "no ranges on a private cluster (its API server has no public endpoint)")
