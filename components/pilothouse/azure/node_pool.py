"""The shape of one AKS node pool, checked before the cluster is registered."""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from enum import StrEnum

from pilothouse.azure.naming import ResourceKind, check_name
from pilothouse.counts import CountOrPercent, count_or_percent, is_zero
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.names import label_value, labels, qualified_name
from pilothouse.typed import Checked

_VM_SIZE = re.compile(r"^Standard_[A-Za-z0-9_]+$")
_TAINT = re.compile(r"^([^=:\s]+)(=[^=:\s]*)?:(NoSchedule|PreferNoSchedule|NoExecute)$")


class PoolMode(StrEnum):
    """System pools run cluster add-ons; user pools run workloads."""

    SYSTEM = "System"
    USER = "User"


class OsType(StrEnum):
    """A node pool's operating system, sent as the agent pool's ``osType``: ``Linux`` (default) or ``Windows``.

    A System pool must be Linux. A Windows pool's name is at most 6 characters, and its Azure name keeps 4 of them
    plus a 2-digit digest (:attr:`NodePoolSpec.azure_name`).
    """

    LINUX = "Linux"
    WINDOWS = "Windows"


def _in(namespace: str, *domains: str) -> bool:
    return any(namespace == domain or namespace.endswith(f".{domain}") for domain in domains)


#: Labels AKS sets and refuses on a pool (https://learn.microsoft.com/azure/aks/use-labels, "Reserved system
#: labels" and "Reserved prefixes": ``kubernetes.azure.com/`` and ``kubernetes.io/`` "can't be used for any node").
AKS_RESERVED_LABELS = frozenset({"node.kubernetes.io/instance-type", "topology.kubernetes.io/region",
                                 "topology.kubernetes.io/zone"})
AKS_RESERVED_PREFIXES = ("kubernetes.azure.com", "kubernetes.io")


def _check_kubelet_labels(node_labels: dict[str, str]) -> None:
    """AKS refuses its reserved labels and prefixes on a pool; the kubelet, which sets a pool's labels on its
    nodes, refuses any other in the kubernetes.io and k8s.io namespaces but its own (k8s.io/kubernetes
    cmd/kubelet/app/options, ``--node-labels``; k8s.io/kubelet ``IsKubeletLabel``)."""
    for key, value in node_labels.items():
        namespace = key.partition("/")[0] if "/" in key else ""
        if key in AKS_RESERVED_LABELS or namespace in AKS_RESERVED_PREFIXES or _in(namespace, "kubernetes.azure.com"):
            raise InvalidValueError(f"labels[{key!r}]", value,
                                    "a label AKS does not reserve: not under kubernetes.azure.com/ or kubernetes.io/, "
                                    f"none of {', '.join(sorted(AKS_RESERVED_LABELS))} (AKS sets those itself)")
        allowed = key in _KUBELET_LABELS or _in(namespace, "kubelet.kubernetes.io", "node.kubernetes.io")
        if _in(namespace, "kubernetes.io", "k8s.io") and not allowed:
            raise InvalidValueError(f"labels[{key!r}]", value,
                                    "a label outside the kubernetes.io and k8s.io namespaces, or in "
                                    "kubelet.kubernetes.io or node.kubernetes.io (the kubelet refuses other "
                                    "kubernetes.io labels)")


#: The kubernetes.io labels a kubelet may set on its node (k8s.io/kubelet pkg/apis/well_known_labels.go).
_KUBELET_LABELS = frozenset({
    "kubernetes.io/hostname", "topology.kubernetes.io/zone", "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region",
    "beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type", "kubernetes.io/os", "kubernetes.io/arch",
    "beta.kubernetes.io/os", "beta.kubernetes.io/arch"})


@dataclass(frozen=True, kw_only=True)
class NodePoolSpec(Checked, prefix=""):
    """A node pool: autoscaled between ``min_count`` and ``max_count`` nodes."""

    name: str
    vm_size: str = "Standard_D4ds_v5"
    min_count: int = 1
    max_count: int = 3
    mode: PoolMode = PoolMode.USER
    os: OsType = OsType.LINUX
    zones: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    taints: tuple[str, ...] = ()
    spot: bool = False
    max_pods: int = 110
    #: Extra nodes during an upgrade: a count, or a percentage of max_count (AKS defaults to 10%).
    max_surge: CountOrPercent = "10%"

    def __post_init__(self) -> None:
        kind = ResourceKind.WINDOWS_NODE_POOL if self.os is OsType.WINDOWS else ResourceKind.LINUX_NODE_POOL
        check_name(kind, self.name, "name")
        if not _VM_SIZE.fullmatch(self.vm_size):
            raise InvalidValueError("vm_size", self.vm_size, "an Azure VM size such as 'Standard_D4ds_v5'")
        floor = 1 if self.mode is PoolMode.SYSTEM else 0
        if not floor <= self.min_count <= 1000:
            raise InvalidValueError("min_count", self.min_count,
                                    f"an integer from {floor} to 1000 for a {self.mode} pool")
        if not self.min_count <= self.max_count <= 1000:
            raise InvalidValueError("max_count", self.max_count,
                                    f"an integer from min_count ({self.min_count}) to 1000")
        if not set(self.zones) <= {"1", "2", "3"} or len(set(self.zones)) != len(self.zones):
            raise InvalidValueError("zones", list(self.zones), "distinct availability zones among '1', '2', '3'")
        object.__setattr__(self, "labels", labels("labels", self.labels))
        _check_kubelet_labels(self.labels)
        for taint in self.taints:
            match = _TAINT.fullmatch(taint)
            if match is None:
                raise InvalidValueError("taints", taint,
                                        "'key=value:Effect' with Effect NoSchedule, PreferNoSchedule or NoExecute")
            qualified_name("taints", match[1], "a taint key (a label key)")
            label_value("taints", (match[2] or "=")[1:])
        if self.spot and self.mode is PoolMode.SYSTEM:
            raise InvalidValueError("spot", True, "false for a System pool (spot nodes can be evicted)")
        if self.mode is PoolMode.SYSTEM and self.os is OsType.WINDOWS:
            raise InvalidValueError("os", str(self.os), "'Linux' for a System pool")
        if not 10 <= self.max_pods <= 250:
            raise InvalidValueError("max_pods", self.max_pods, "an integer from 10 to 250")
        count_or_percent("max_surge", self.max_surge, "a node count or a percentage like '33%'")
        if is_zero(self.max_surge):
            # https://learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling, "Customize unavailable nodes":
            # "When maxUnavailable is 0, AKS requires maxSurge to be greater than 0" (0 is its default).
            raise InvalidValueError("max_surge", self.max_surge, "a node count or percentage above 0 (with "
                                                                 "maxUnavailable at 0, AKS needs a surge to upgrade)")

    @property
    def azure_name(self) -> str:
        """The agent pool's name in Azure for a User pool: 8 characters of ``name`` (4 for Windows, whose names stop
        at 6) and a digest of what Azure cannot change in place (VM size, OS, zones, max pods, spot), so a change to
        those makes a new pool next to the old one instead of a failed update."""
        immutable = f"{self.vm_size}|{self.os}|{','.join(self.zones)}|{self.max_pods}|{self.spot}"
        digest = hashlib.sha256(immutable.encode()).hexdigest()
        if self.os is OsType.WINDOWS:
            return f"{self.name[:4]}{digest[:2]}"
        return f"{self.name[:8]}{digest[:4]}"

    @property
    def surge_nodes(self) -> int:
        """Nodes added during an upgrade, as AKS rounds the percentage: up, at least one."""
        if isinstance(self.max_surge, int):
            return self.max_surge
        return max(1, math.ceil(self.max_count * int(self.max_surge[:-1]) / 100))
