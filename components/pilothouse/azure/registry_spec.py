"""The shape of an Azure Container Registry, checked before it is registered."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pilothouse.azure.regions import region_code
from pilothouse.errors import InvalidValueError
from pilothouse.typed import Checked


class RegistrySku(StrEnum):
    """The ACR service tier, sent as the registry's ``sku.name``: ``Basic`` (default), ``Standard`` or ``Premium``.

    Only ``Premium`` allows ``retention_days`` and ``replica_locations`` in :class:`RegistrySpec`, and
    :class:`ContainerRegistry` turns zone redundancy on for ``Premium`` only.
    """

    BASIC = "Basic"
    STANDARD = "Standard"
    PREMIUM = "Premium"


@dataclass(frozen=True, kw_only=True)
class RegistrySpec(Checked, prefix=""):
    """SKU and options of the environment's registry; the admin user stays off unless opted in."""

    sku: RegistrySku = RegistrySku.BASIC
    #: Opting in to the shared admin credential is explicit; pulls use AcrPull on the kubelet identity.
    admin_user_enabled: bool = False
    #: Days untagged manifests are kept (Premium only).
    retention_days: int | None = None
    #: Regions the registry is geo-replicated to (Premium only).
    replica_locations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        premium_only = {"retention_days": self.retention_days is not None,
                        "replica_locations": bool(self.replica_locations)}
        for field, used in premium_only.items():
            if used and self.sku is not RegistrySku.PREMIUM:
                raise InvalidValueError(field, getattr(self, field), "to be unset unless sku is 'Premium'")
        if self.retention_days is not None and not 0 <= self.retention_days <= 365:
            raise InvalidValueError("retention_days", self.retention_days, "an integer from 0 to 365")
        for location in self.replica_locations:
            region_code(location, "replica_locations")
        if len(set(self.replica_locations)) != len(self.replica_locations):
            raise InvalidValueError("replica_locations", list(self.replica_locations), "distinct regions")

    def check_home(self, location: str) -> None:
        """The registry lives in ``location``: a replica there is refused (ACR replicates to other regions only).

        Raises:
            InvalidValueError: naming ``replica_locations``.
        """
        if location in self.replica_locations:
            raise InvalidValueError("replica_locations", location,
                                    f"regions other than the registry's own ({location}): ACR replicates elsewhere")
