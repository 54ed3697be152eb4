"""The shape of an AKS cluster, with the secure posture as its defaults."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from enum import StrEnum

from pilothouse.azure.node_pool import NodePoolSpec, OsType, PoolMode
from pilothouse.errors import InvalidValueError
from pilothouse.guids import guid
from pilothouse.typed import Checked

#: The authorized range that lets only the cluster's own load-balancer outbound IP reach its API server.
OWN_OUTBOUND_IP = "0.0.0.0/32"


class ClusterTier(StrEnum):
    """The AKS pricing tier, sent as the cluster's ``sku.tier`` (SKU name ``Base``).

    ``Free`` (the :class:`ClusterSpec` default), ``Standard`` or ``Premium``; the cluster's ``posture`` output
    reports ``standardTier`` for any tier but ``Free``.
    """

    FREE = "Free"
    STANDARD = "Standard"
    PREMIUM = "Premium"


class NodeOsUpgradeChannel(StrEnum):
    """How AKS updates the nodes' operating system, sent as ``autoUpgradeProfile.nodeOSUpgradeChannel``.

    ``None`` (no automatic updates), ``Unmanaged`` (the OS's own update mechanism), ``NodeImage`` (new node images;
    the :class:`ClusterSpec` default) or ``SecurityPatch`` (security patches only). With a :class:`MaintenanceWindow`
    they are applied in it (the ``aksManagedNodeOSUpgradeSchedule`` maintenance configuration).
    """

    NONE = "None"
    UNMANAGED = "Unmanaged"
    NODE_IMAGE = "NodeImage"
    SECURITY_PATCH = "SecurityPatch"


class Weekday(StrEnum):
    """A day of the week for a :class:`MaintenanceWindow`, sent as the weekly schedule's ``dayOfWeek`` of the AKS
    maintenance configurations (``Monday`` to ``Sunday``).
    """

    MONDAY = "Monday"
    TUESDAY = "Tuesday"
    WEDNESDAY = "Wednesday"
    THURSDAY = "Thursday"
    FRIDAY = "Friday"
    SATURDAY = "Saturday"
    SUNDAY = "Sunday"


@dataclass(frozen=True)
class MaintenanceWindow(Checked, prefix="maintenance"):
    """A weekly window (UTC) in which AKS may apply upgrades."""

    day: Weekday = Weekday.SUNDAY
    start_hour: int = 2
    duration_hours: int = 4

    def __post_init__(self) -> None:
        if not 0 <= self.start_hour <= 23:
            raise InvalidValueError("maintenance.start_hour", self.start_hour, "an hour from 0 to 23 (UTC)")
        if not 4 <= self.duration_hours <= 24:
            raise InvalidValueError("maintenance.duration_hours", self.duration_hours, "4 to 24 hours")


class UpgradeChannel(StrEnum):
    """The AKS auto-upgrade channel, sent as ``autoUpgradeProfile.upgradeChannel``.

    ``none`` (no automatic upgrades), ``patch``, ``stable`` (the :class:`ClusterSpec` default), ``rapid`` or
    ``node-image``. With any channel but ``none``, the cluster's and its pools' Kubernetes version are left to AKS
    (Pulumi ignores changes to them) and the ``posture`` output reports ``autoUpgrade``; upgrades are applied in
    the :class:`MaintenanceWindow` when there is one (``aksManagedAutoUpgradeSchedule``).
    """

    NONE = "none"
    PATCH = "patch"
    STABLE = "stable"
    RAPID = "rapid"
    NODE_IMAGE = "node-image"


@dataclass(frozen=True, kw_only=True)
class ClusterSpec(Checked, prefix=""):
    """An AKS cluster: RBAC and managed identity always on, local accounts off by default."""

    system_pool: NodePoolSpec
    user_pools: tuple[NodePoolSpec, ...] = ()
    tier: ClusterTier = ClusterTier.FREE
    private: bool = False
    local_accounts_disabled: bool = True
    workload_identity: bool = True
    upgrade_channel: UpgradeChannel = UpgradeChannel.STABLE
    node_os_upgrade_channel: NodeOsUpgradeChannel = NodeOsUpgradeChannel.NODE_IMAGE
    maintenance: MaintenanceWindow | None = field(default_factory=MaintenanceWindow)
    authorized_ip_ranges: tuple[str, ...] = ()
    #: Entra ID groups whose members administer the cluster (Azure RBAC for Kubernetes).
    admin_group_ids: tuple[str, ...] = ()
    #: Taint the system pool CriticalAddonsOnly so workloads stay on user pools.
    dedicated_system_pool: bool = False
    key_vault_secrets_provider: bool = False
    azure_policy: bool = False

    @property
    def all_pools(self) -> tuple[NodePoolSpec, ...]:
        return (self.system_pool, *self.user_pools)

    def _check_authorized_ranges(self) -> None:
        """https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges: IPv4 ranges in CIDR form, the
        network address first ("use the network address"); ``0.0.0.0/32`` (only the cluster's own outbound IP)
        alone, and no range twice (both refused by the Azure CLI's ``validate_ip_ranges``, as IPv6 is). The count
        limit depends on the network: :meth:`NetworkPlan.check_api_server`."""
        for cidr in self.authorized_ip_ranges:
            try:
                network = ipaddress.ip_network(cidr, strict=True)
            except ValueError:
                raise InvalidValueError("authorized_ip_ranges", cidr, "a CIDR such as '203.0.113.0/24'") from None
            if network.version != 4:
                raise InvalidValueError("authorized_ip_ranges", cidr, "an IPv4 range (AKS authorizes no IPv6 range)")
            if self.authorized_ip_ranges.count(cidr) > 1:
                raise InvalidValueError("authorized_ip_ranges", cidr, "each range once")
        if OWN_OUTBOUND_IP in self.authorized_ip_ranges and len(self.authorized_ip_ranges) > 1:
            raise InvalidValueError("authorized_ip_ranges", list(self.authorized_ip_ranges),
                                    f"'{OWN_OUTBOUND_IP}' alone (it allows only the cluster's outbound IP)")

    def _check_pool_names(self) -> None:
        """Two pools are two Azure agent pools: their names, and the Azure names user pools get (shortened, with a
        digest), differ; two pools writing one Azure pool would delete it together."""
        seen = {self.system_pool.name: self.system_pool.name}
        for index, pool in enumerate(self.user_pools):
            if pool.name in seen.values():
                raise InvalidValueError(f"user_pools[{index}].name", pool.name,
                                        "node pool names that are unique in the cluster")
            other = seen.get(pool.azure_name)
            if other is not None:
                raise InvalidValueError(
                    f"user_pools[{index}].name", pool.name,
                    f"a name whose Azure pool name differs from that of pool '{other}': both become "
                    f"'{pool.azure_name}' (the first {4 if pool.os is OsType.WINDOWS else 8} characters and a "
                    "digest of the VM size, OS, zones, max pods and spot); make them differ in those characters")
            seen[pool.azure_name] = pool.name

    def __post_init__(self) -> None:
        if self.system_pool.mode is not PoolMode.SYSTEM:
            raise InvalidValueError("system_pool.mode", str(self.system_pool.mode), "'System'")
        self._check_pool_names()
        self._check_authorized_ranges()
        for group in self.admin_group_ids:
            guid("admin_group_ids", group, "an Entra ID group object id")
        if self.upgrade_channel is UpgradeChannel.NODE_IMAGE and (
                self.node_os_upgrade_channel is not NodeOsUpgradeChannel.NODE_IMAGE):
            # https://learn.microsoft.com/azure/aks/auto-upgrade-node-os-image, "Node OS autoupgrade channel known
            # limitations": the node-image channel sets the node OS channel to NodeImage, which cannot be changed.
            raise InvalidValueError("node_os_upgrade_channel", str(self.node_os_upgrade_channel),
                                    "'NodeImage' with upgrade_channel 'node-image' (AKS sets it and it cannot change)")
        windows = [index for index, pool in enumerate(self.user_pools) if pool.os is OsType.WINDOWS]
        if windows and self.node_os_upgrade_channel is NodeOsUpgradeChannel.SECURITY_PATCH:
            # Same page: "The SecurityPatch channel isn't supported on Windows OS node pools."
            raise InvalidValueError("node_os_upgrade_channel", str(self.node_os_upgrade_channel),
                                    f"not 'SecurityPatch' with Windows pools (user_pools[{windows[0]}]): AKS supports "
                                    "it on Linux pools only")
        if self.private and self.authorized_ip_ranges:
            raise InvalidValueError("authorized_ip_ranges", list(self.authorized_ip_ranges),
                                    "no ranges on a private cluster (its API server has no public endpoint)")
