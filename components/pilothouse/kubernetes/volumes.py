"""Pod volumes and the mounts that use them.

A container lists its :class:`Mount` objects; the pod collects their volumes, so a volume is
never declared twice and never forgotten.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import pulumi

from pilothouse import api_validation
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.names import check, dns_label, dns_subdomain
from pilothouse.kubernetes.quantity import QuantityInput, byte_quantity
from pilothouse.typed import Checked, checked_arguments

#: The Secrets Store CSI driver's name (secrets of an external store, such as Azure Key Vault, as files).
SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io"


class HostPathType(StrEnum):
    """What a hostPath volume's path must be on the node, sent as ``hostPath.type`` (:meth:`Volume.host_path`).

    ``UNSET`` (``""``, the default): no check, the field is omitted; ``DirectoryOrCreate`` and ``FileOrCreate``:
    created when missing; ``Directory``, ``File``, ``Socket``, ``CharDevice`` and ``BlockDevice``: must exist as
    such. A namespace of ours admits hostPath volumes only with Pod Security ``privileged``.
    """

    UNSET = ""
    DIRECTORY_OR_CREATE = "DirectoryOrCreate"
    DIRECTORY = "Directory"
    FILE_OR_CREATE = "FileOrCreate"
    FILE = "File"
    SOCKET = "Socket"
    CHAR_DEVICE = "CharDevice"
    BLOCK_DEVICE = "BlockDevice"


@dataclass(frozen=True)
class Volume(Checked, prefix="volume"):
    """A named pod volume; build it with one of the classmethods."""

    name: str
    source: Mapping[str, Any]
    #: (label, checksum) of the ConfigMap/Secret behind the volume: pods roll when it changes.
    rollout: tuple[tuple[str, pulumi.Input[str]], ...] = field(default=(), compare=False)
    #: A claim whose volume attaches to one node at a time (ReadWriteOnce or ReadWriteOncePod): pods on two
    #: nodes cannot share it. Known for claims declared here (:meth:`PersistentVolumeClaim.volume`).
    one_node: bool = field(default=False, compare=False)
    #: A claim one pod of the cluster uses at a time (ReadWriteOncePod): never shared by two workloads.
    one_pod: bool = field(default=False, compare=False)
    #: ``(namespace, service account)`` of the only pods that can mount it (a SecretProviderClass is read in the
    #: pod's namespace, as the identity its account federates); :class:`PodSpec` refuses other pods.
    mounted_by: tuple[str, str] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        dns_label("volume.name", self.name)
        claim = self.source.get("persistentVolumeClaim") if isinstance(self.source, Mapping) else None
        for flag in ("one_node", "one_pod"):
            if getattr(self, flag) is True and not (isinstance(claim, Mapping) and isinstance(
                    claim.get("claimName"), str)):
                raise InvalidValueError(f"volume.{flag}", True, "False for a volume other than a claim's "
                                                                "(PersistentVolumeClaim.volume() sets it)")

    def rolling_on(self, label: str, checksum: pulumi.Input[str]) -> Volume:
        return replace(self, rollout=((label, checksum),))

    @classmethod
    @checked_arguments("volume")
    def empty_dir(cls, name: str, *, memory: bool = False, size_limit: QuantityInput | None = None) -> Volume:
        spec: dict[str, Any] = {}
        if memory:
            spec["medium"] = "Memory"
        if size_limit is not None:
            spec["sizeLimit"] = str(byte_quantity(size_limit, "volume.size_limit"))
        return cls(name, {"emptyDir": spec})

    @classmethod
    @checked_arguments("volume")
    def host_path(cls, name: str, path: str, type_: HostPathType = HostPathType.UNSET) -> Volume:
        spec = {"path": node_path("volume.path", path)} | (
            {"type": str(type_)} if type_ is not HostPathType.UNSET else {})
        return cls(name, {"hostPath": spec})

    @classmethod
    @checked_arguments("volume")
    def config_map(cls, name: str, config_map: str, *, items: Mapping[str, str] | None = None) -> Volume:
        """The ConfigMap ``config_map`` as files; ``items`` maps keys to the relative paths they become (default:
        every key, as a file of its name)."""
        spec: dict[str, Any] = {"name": dns_subdomain("volume.config_map", config_map)}
        if items:
            spec["items"] = _key_to_paths(items)
        return cls(name, {"configMap": spec})

    @classmethod
    @checked_arguments("volume")
    def secret(cls, name: str, secret: str, *, items: Mapping[str, str] | None = None) -> Volume:
        """The Secret ``secret`` as files; ``items`` as for :meth:`config_map`."""
        spec: dict[str, Any] = {"secretName": dns_subdomain("volume.secret", secret)}
        if items:
            spec["items"] = _key_to_paths(items)
        return cls(name, {"secret": spec})

    @classmethod
    @checked_arguments("volume")
    def claim(cls, name: str, claim: str, *, read_only: bool = False) -> Volume:
        spec: dict[str, Any] = {"claimName": dns_subdomain("volume.claim", claim)}
        if read_only:
            spec["readOnly"] = True
        return cls(name, {"persistentVolumeClaim": spec})

    @classmethod
    @checked_arguments("volume")
    def csi(cls, name: str, driver: str, *, attributes: Mapping[str, str] | None = None,
            read_only: bool = False) -> Volume:
        spec: dict[str, Any] = {"driver": check("volume.driver", driver, api_validation.is_csi_driver_name,
                                                "a CSI driver name")}
        if attributes:
            spec["volumeAttributes"] = dict(attributes)
        if read_only:
            spec["readOnly"] = True
        return cls(name, {"csi": spec})

    @classmethod
    def from_claim_template(cls, name: str) -> Volume:
        """The volume a StatefulSet claim template gives each pod: declared by the controller, not the pod."""
        return cls(name, {})

    @property
    def declared_by_controller(self) -> bool:
        return not self.source

    @property
    def host_path_of(self) -> str | None:
        host = self.source.get("hostPath")
        return None if host is None else str(host["path"])

    def to_manifest(self) -> dict[str, Any]:
        return {"name": self.name, **self.source}


def linux_path(field: str, path: object) -> object:
    """``path`` unless it holds a NUL, which no Linux path can (the API server takes it; the kubelet or the runtime
    then fails the pod).

    Raises:
        InvalidValueError: naming ``field``.
    """
    if isinstance(path, str) and "\x00" in path:
        raise InvalidValueError(field, path, "a path without NUL characters")
    return path


def node_path(field: str, path: object) -> str:
    """``path`` if it is a path on a node a ``hostPath`` may name: absolute, without NUL, without a ``..`` element
    (``validateHostPathVolumeSource``).

    Raises:
        InvalidValueError: naming ``field``.
    """
    if not isinstance(path, str) or not path.startswith("/"):
        raise InvalidValueError(field, path, "an absolute path on the node")
    return check(field, linux_path(field, path), api_validation.is_path_without_backsteps,
                 "an absolute path on the node")


def _key_to_paths(items: Mapping[str, str]) -> list[dict[str, str]]:
    """``items`` of a ConfigMap or Secret volume, checked as ``validateKeyToPath`` checks them."""
    return [{"key": check(f"volume.items[{key!r}]", key, api_validation.is_config_map_key, "a data key"),
             "path": check(f"volume.items[{key!r}]", linux_path(f"volume.items[{key!r}]", path),
                           api_validation.is_local_non_reserved_path, "a relative file path inside the volume")}
            for key, path in items.items()]


@dataclass(frozen=True)
class Mount(Checked, prefix="mount"):
    """``volume`` mounted at ``path`` in one container."""

    volume: Volume
    path: str
    read_only: bool = False
    sub_path: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.path, str) or not self.path.startswith("/"):
            raise InvalidValueError("mount.path", self.path, "an absolute path in the container")
        linux_path("mount.path", self.path)
        if self.sub_path is not None:
            check("mount.sub_path", linux_path("mount.sub_path", self.sub_path),
                  api_validation.is_local_descending_path, "a relative path inside the volume")

    def to_manifest(self) -> dict[str, Any]:
        mount: dict[str, Any] = {"name": self.volume.name, "mountPath": self.path}
        if self.read_only:
            mount["readOnly"] = True
        if self.sub_path is not None:
            mount["subPath"] = self.sub_path
        return mount
