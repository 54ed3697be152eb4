"""Storage classes (Azure Disk and Azure Files CSI, or any provisioner) and persistent volume claims."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse import api_validation
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes import upgrades
from pilothouse.kubernetes.names import check, dns_subdomain
from pilothouse.kubernetes.quantity import QuantityInput, byte_quantity
from pilothouse.kubernetes.volumes import Volume, node_path
from pilothouse.kubernetes.workload import SKIP_AWAIT, NamespaceRef, object_metadata, object_options
from pilothouse.typed import Checked, checked_arguments

AZURE_DISK_CSI = "disk.csi.azure.com"
AZURE_FILE_CSI = "file.csi.azure.com"
NO_PROVISIONER = "kubernetes.io/no-provisioner"


#: The most parameters a StorageClass takes, and their most bytes (names and values).
MAX_PARAMETERS = 512
MAX_PARAMETERS_SIZE = 256 * 1024


class AccessMode(StrEnum):
    """A volume access mode, sent in the ``spec.accessModes`` of claims and PersistentVolumes.

    ``ReadWriteOnce``: read-write by one node; ``ReadOnlyMany``: read-only by many nodes; ``ReadWriteMany``:
    read-write by many nodes; ``ReadWriteOncePod``: read-write by one pod. A :class:`StorageClassArgs` lists the
    modes its volumes support, and a claim asking for another one fails when declared.
    """

    READ_WRITE_ONCE = "ReadWriteOnce"
    READ_ONLY_MANY = "ReadOnlyMany"
    READ_WRITE_MANY = "ReadWriteMany"
    READ_WRITE_ONCE_POD = "ReadWriteOncePod"


class ReclaimPolicy(StrEnum):
    """What happens to a volume once its claim is deleted: a StorageClass's ``reclaimPolicy``, which a
    :class:`PersistentVolume` also takes as its ``persistentVolumeReclaimPolicy``.

    ``Delete`` (default): the volume and its data are deleted; ``Retain``: they are kept.
    """

    DELETE = "Delete"
    RETAIN = "Retain"


class BindingMode(StrEnum):
    """When a claim is bound and its volume provisioned: a StorageClass's ``volumeBindingMode``.

    ``Immediate``: as soon as the claim exists; ``WaitForFirstConsumer`` (default): once a pod uses the claim,
    which stays Pending until then (why ``PersistentVolumeClaimArgs.wait_until_bound`` is off by default).
    """

    IMMEDIATE = "Immediate"
    WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer"


class AzureDiskSku(StrEnum):
    """The managed disk SKU of an Azure Disk CSI (``disk.csi.azure.com``) StorageClass, sent as its ``skuName``.

    Premium SSD (``Premium_LRS``, ``Premium_ZRS``), Standard SSD (``StandardSSD_LRS``, ``StandardSSD_ZRS``),
    Standard HDD (``Standard_LRS``) or Premium SSD v2 (``PremiumV2_LRS``); ``LRS`` is locally redundant, ``ZRS``
    zone-redundant. :meth:`StorageClassArgs.azure_disk` defaults to ``Premium_ZRS``.
    """

    PREMIUM_LRS = "Premium_LRS"
    PREMIUM_ZRS = "Premium_ZRS"
    STANDARD_SSD_LRS = "StandardSSD_LRS"
    STANDARD_SSD_ZRS = "StandardSSD_ZRS"
    STANDARD_LRS = "Standard_LRS"
    PREMIUM_V2_LRS = "PremiumV2_LRS"


class AzureFileSku(StrEnum):
    """The storage account SKU of an Azure Files CSI (``file.csi.azure.com``) StorageClass, sent as its ``skuName``.

    Standard (``Standard_LRS``, ``Standard_ZRS``) or Premium (``Premium_LRS``, ``Premium_ZRS``) file shares;
    ``LRS`` is locally redundant, ``ZRS`` zone-redundant. :meth:`StorageClassArgs.azure_file` defaults to
    ``Standard_ZRS``.
    """

    STANDARD_LRS = "Standard_LRS"
    STANDARD_ZRS = "Standard_ZRS"
    PREMIUM_LRS = "Premium_LRS"
    PREMIUM_ZRS = "Premium_ZRS"


@dataclass(frozen=True, kw_only=True)
class StorageClassArgs(Checked, prefix="storage_class"):
    """What a :class:`StorageClass` needs; :meth:`azure_disk`, :meth:`azure_file` and :meth:`preprovisioned` make the
    usual ones.

    Fields:
        name: a DNS-1123 subdomain; claims name the class by it.
        provisioner: the volume plugin, an optional DNS-subdomain prefix and ``/``, then a name (such as
            ``disk.csi.azure.com``).
        parameters: the provisioner's parameters, passed as given (such as ``{"skuName": "Premium_ZRS"}``).
        reclaim_policy: :class:`ReclaimPolicy` (default ``Delete``).
        allow_volume_expansion: whether claims of this class may grow (default ``True``).
        binding_mode: :class:`BindingMode` (default ``WaitForFirstConsumer``).
        access_modes: see its comment (default ``ReadWriteOnce`` and ``ReadWriteOncePod``); checked against claims
            here, not sent to Kubernetes.
        mount_options: the ``mountOptions`` of its volumes (default none).

    Raises:
        InvalidValueError: naming ``storage_class.name`` (not a DNS-1123 subdomain) or ``storage_class.provisioner``
            (not a provisioner name).
    """

    name: str
    provisioner: str
    parameters: dict[str, str] = field(default_factory=dict)
    reclaim_policy: ReclaimPolicy = ReclaimPolicy.DELETE
    allow_volume_expansion: bool = True
    binding_mode: BindingMode = BindingMode.WAIT_FOR_FIRST_CONSUMER
    #: Access modes its volumes support, so claims asking for others fail early.
    access_modes: tuple[AccessMode, ...] = (AccessMode.READ_WRITE_ONCE, AccessMode.READ_WRITE_ONCE_POD)
    mount_options: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        dns_subdomain("storage_class.name", self.name)
        # validateProvisioner: a qualified name once lower-cased.
        check("storage_class.provisioner", self.provisioner,
              lambda name: api_validation.is_qualified_name(api_validation.go_lower(name)), "a provisioner name")
        # validateParameters (pkg/apis/storage/validation): keys non-empty, at most 512 of them and 256 KiB in all.
        if "" in self.parameters:
            raise InvalidValueError("storage_class.parameters", "", "parameter names that are not empty")
        size = sum(len(key.encode()) + len(value.encode()) for key, value in self.parameters.items())
        if len(self.parameters) > MAX_PARAMETERS or size > MAX_PARAMETERS_SIZE:
            raise InvalidValueError("storage_class.parameters", f"{len(self.parameters)} parameters, {size} bytes",
                                    f"at most {MAX_PARAMETERS} parameters of at most {MAX_PARAMETERS_SIZE} bytes in "
                                    "all, names and values")

    @classmethod
    @checked_arguments("storage_class")
    def azure_disk(cls, name: str, sku: AzureDiskSku = AzureDiskSku.PREMIUM_ZRS, *,
                   reclaim_policy: ReclaimPolicy = ReclaimPolicy.DELETE) -> StorageClassArgs:
        """Azure managed disks (block, one node at a time): databases and StatefulSets."""
        return cls(name=name, provisioner=AZURE_DISK_CSI, parameters={"skuName": str(sku)},
                   reclaim_policy=reclaim_policy)

    @classmethod
    @checked_arguments("storage_class")
    def azure_file(cls, name: str, sku: AzureFileSku = AzureFileSku.STANDARD_ZRS, *,
                   reclaim_policy: ReclaimPolicy = ReclaimPolicy.DELETE) -> StorageClassArgs:
        """Azure Files shares (SMB, many pods at once): shared content, ReadWriteMany."""
        return cls(name=name, provisioner=AZURE_FILE_CSI, parameters={"skuName": str(sku)},
                   reclaim_policy=reclaim_policy, binding_mode=BindingMode.IMMEDIATE,
                   access_modes=tuple(AccessMode),
                   mount_options=("dir_mode=0777", "file_mode=0777", "mfsymlinks", "nobrl"))


    @classmethod
    @checked_arguments("storage_class")
    def preprovisioned(cls, name: str) -> StorageClassArgs:
        """Volumes an administrator creates (:class:`PersistentVolume`), bound when a pod first uses a claim."""
        return cls(name=name, provisioner=NO_PROVISIONER, reclaim_policy=ReclaimPolicy.RETAIN,
                   allow_volume_expansion=False)


class StorageClass(k8s.storage.v1.StorageClass):
    """A cluster-wide storage class; claims name it by object, never by retyped string."""

    def __init__(self, resource_name: str, args: StorageClassArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.args = args
        self.name = args.name
        body: dict[str, Any] = {
            "metadata": {"name": args.name}, "provisioner": args.provisioner,
            "reclaim_policy": str(args.reclaim_policy), "allow_volume_expansion": args.allow_volume_expansion,
            "volume_binding_mode": str(args.binding_mode),
        }
        if args.parameters:
            body["parameters"] = dict(sorted(args.parameters.items()))
        if args.mount_options:
            body["mount_options"] = list(args.mount_options)
        super().__init__(resource_name, opts=upgrades.aliased(self, resource_name, opts), **body)


StorageClassRef = StorageClass | str


def claim_spec(field_name: str, size: QuantityInput, access_modes: Sequence[AccessMode],
               storage_class: StorageClassRef | None) -> dict[str, Any]:
    """The spec of a claim (a PVC, or a StatefulSet claim template)."""
    if not access_modes:
        raise InvalidValueError(f"{field_name}.access_modes", [], "at least one access mode")
    if AccessMode.READ_WRITE_ONCE_POD in access_modes and len(set(access_modes)) > 1:
        raise InvalidValueError(f"{field_name}.access_modes", [str(mode) for mode in access_modes],
                                "ReadWriteOncePod alone: it may not be used with other access modes")
    storage = byte_quantity(size, f"{field_name}.size")
    if storage.value <= 0:
        raise InvalidValueError(f"{field_name}.size", storage.text, "more than zero bytes")
    spec: dict[str, Any] = {"accessModes": [str(mode) for mode in access_modes],
                            "resources": {"requests": {"storage": str(storage)}}}
    if isinstance(storage_class, StorageClass):
        unsupported = [str(m) for m in access_modes if m not in storage_class.args.access_modes]
        if unsupported:
            raise InvalidValueError(f"{field_name}.access_modes", unsupported,
                                    f"modes storage class '{storage_class.name}' supports "
                                    f"{[str(m) for m in storage_class.args.access_modes]}")
        spec["storageClassName"] = storage_class.name
    elif storage_class is not None:
        spec["storageClassName"] = dns_subdomain(f"{field_name}.storage_class", storage_class)
    return spec


@dataclass(frozen=True, kw_only=True)
class PersistentVolumeClaimArgs(Checked, prefix="claim"):
    """What a :class:`PersistentVolumeClaim` needs; checked when declared.

    Fields:
        name: a DNS-1123 subdomain.
        namespace: a :class:`Namespace` of ours (the claim is created after it) or an existing namespace's name.
        size: the storage requested, a Kubernetes quantity in bytes such as ``"10Gi"`` or a :class:`Quantity`.
        access_modes: at least one (default ``ReadWriteOnce``); with a :class:`StorageClass` object, each must be
            one the class supports.
        storage_class: see its comment; a :class:`StorageClass` object (the claim is then created after it) or a
            class name.
        wait_until_bound: see its comment (default ``False``).

    Raises:
        InvalidValueError: naming ``claim.name`` (not a DNS-1123 subdomain), ``claim.size`` (not a quantity),
            ``claim.access_modes`` (none, or one the storage class does not support) or ``claim.storage_class`` (a
            class name that is not a DNS-1123 subdomain).
    """

    name: str
    namespace: NamespaceRef
    size: QuantityInput
    access_modes: tuple[AccessMode, ...] = (AccessMode.READ_WRITE_ONCE,)
    #: ``None`` uses the cluster's default class.
    storage_class: StorageClassRef | None = None
    #: Make ``pulumi up`` wait until the claim is Bound. Off by default: with WaitForFirstConsumer
    #: a claim binds only once a pod uses it, so waiting would stall the rollout.
    wait_until_bound: bool = False

    def __post_init__(self) -> None:
        dns_subdomain("claim.name", self.name)
        claim_spec("claim", self.size, self.access_modes, self.storage_class)


class PersistentVolumeClaim(k8s.core.v1.PersistentVolumeClaim):
    """A claim for storage; ``volume()`` mounts it into pods."""

    def __init__(self, resource_name: str, args: PersistentVolumeClaimArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        self.args = args
        self.name = args.name
        extra = [args.storage_class] if isinstance(args.storage_class, StorageClass) else []
        annotations = {} if args.wait_until_bound else {SKIP_AWAIT: "true"}
        body: dict[str, Any] = {"metadata": object_metadata(args.name, args.namespace, {}, annotations),
                                "spec": claim_spec("claim", args.size, args.access_modes, args.storage_class)}
        super().__init__(resource_name, opts=object_options(self, resource_name, opts, args.namespace, extra),
                         **body)

    def volume(self, volume_name: str | None = None, *, read_only: bool = False) -> Volume:
        """The claim as a pod volume (named ``volume_name``, default the claim's name).

        Unless the claim allows ``ReadWriteMany`` (or ``ReadOnlyMany`` for a read-only mount), its volume attaches to
        one node at a time, which a Deployment's rollouts and replicas must respect (:class:`DeploymentArgs`).
        """
        modes = self.args.access_modes
        shared = AccessMode.READ_WRITE_MANY in modes or (read_only and AccessMode.READ_ONLY_MANY in modes)
        return replace(Volume.claim(volume_name or self.name, self.name, read_only=read_only), one_node=not shared,
                       one_pod=modes == (AccessMode.READ_WRITE_ONCE_POD,))


@dataclass(frozen=True, kw_only=True)
class PersistentVolumeArgs(Checked, prefix="volume"):
    """A volume an administrator provides (the course's PersistentVolume), here a node directory.

    Fields:
        name: a DNS-1123 subdomain.
        storage_class: the :class:`StorageClass` whose claims bind it.
        size: its capacity, a quantity of whole bytes such as ``"10Gi"``.
        host_path: the node directory, an absolute path.
        access_modes: default ``ReadWriteOnce``.

    Raises:
        InvalidValueError: naming ``volume.name``, ``volume.host_path`` or ``volume.size``.
    """

    name: str
    storage_class: StorageClass
    size: QuantityInput
    host_path: str
    access_modes: tuple[AccessMode, ...] = (AccessMode.READ_WRITE_ONCE,)

    def __post_init__(self) -> None:
        dns_subdomain("volume.name", self.name)
        node_path("volume.host_path", self.host_path)
        byte_quantity(self.size, "volume.size")


class PersistentVolume(k8s.core.v1.PersistentVolume):
    """A cluster-wide volume claims of its storage class bind to.

    A bound volume is deleted only once its claim is (the ``kubernetes.io/pv-protection`` finalizer), and the claims a
    StatefulSet makes go only with their namespace. Pulumi deletes in waves by dependency depth, each finished before
    the next, so in a destroy of the volumes and the namespace a volume may come first and wait for ever: give the
    namespace ``depends_on=[volume, ...]`` so that it, and the claims in it, go before the volumes.
    """

    def __init__(self, resource_name: str, args: PersistentVolumeArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        self.name = args.name
        body: dict[str, Any] = {"metadata": {"name": args.name}, "spec": {
            "capacity": {"storage": str(byte_quantity(args.size, "volume.size"))},
            "accessModes": [str(mode) for mode in args.access_modes],
            "storageClassName": args.storage_class.name,
            "persistentVolumeReclaimPolicy": str(args.storage_class.args.reclaim_policy),
            "hostPath": {"path": args.host_path, "type": "DirectoryOrCreate"}}}
        super().__init__(resource_name, opts=pulumi.ResourceOptions.merge(
            upgrades.aliased(self, resource_name, opts), pulumi.ResourceOptions(depends_on=[args.storage_class])),
            **body)
