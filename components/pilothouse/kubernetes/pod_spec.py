"""The pod template every workload shares: containers, volumes, scheduling, service account."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pilothouse.counts import INT32_MAX, non_negative, whole
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.env import EnvValue
from pilothouse.kubernetes.names import dns_subdomain, label_key, label_value, labels
from pilothouse.kubernetes.security import SecurityProfile
from pilothouse.kubernetes.volumes import Volume
from pilothouse.typed import Checked

#: ``supportedDNSPolicies`` of the API server.
DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")


class RestartPolicy(StrEnum):
    """The pod's ``spec.restartPolicy``: ``Always``, ``OnFailure`` or ``Never``.

    ``PodSpec.restart_policy=None`` leaves it unset; a Job's pods must use ``Never`` or ``OnFailure``
    (:class:`~pilothouse.kubernetes.job.JobSpec` checks it).
    """

    ALWAYS = "Always"
    ON_FAILURE = "OnFailure"
    NEVER = "Never"


class TaintEffect(StrEnum):
    """The taint effect a :class:`Toleration` tolerates, sent as its ``effect``.

    ``NoSchedule``, ``PreferNoSchedule`` or ``NoExecute``; ``Toleration.effect=None`` omits the field, so the
    toleration matches every effect of its key.
    """

    NO_SCHEDULE = "NoSchedule"
    PREFER_NO_SCHEDULE = "PreferNoSchedule"
    NO_EXECUTE = "NoExecute"


@dataclass(frozen=True)
class Toleration(Checked, prefix="toleration"):
    """Lets pods land on nodes with a matching taint: ``key`` and ``value`` (operator ``Equal``), or ``key`` alone
    (operator ``Exists``); an empty ``key`` without a value tolerates every taint."""

    key: str
    value: str | None = None
    effect: TaintEffect | None = None

    def __post_init__(self) -> None:
        if self.key or self.value is not None:  # an empty key without a value tolerates every taint (Exists)
            label_key("toleration.key", self.key)
        if self.value is not None:  # operator Equal: the value is compared with the taint's, a label value
            label_value("toleration.value", self.value)

    def to_manifest(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"key": self.key, "operator": "Exists" if self.value is None else "Equal"}
        if self.value is not None:
            spec["value"] = self.value
        if self.effect is not None:
            spec["effect"] = str(self.effect)
        return spec


@dataclass(frozen=True, kw_only=True)
class PodSpec(Checked, prefix="pod"):
    """What runs in each pod. Volumes come from the containers' mounts; add unmounted ones in ``volumes``."""

    containers: tuple[Container, ...]
    init_containers: tuple[Container, ...] = ()
    volumes: tuple[Volume, ...] = ()
    node_selector: dict[str, str] = field(default_factory=dict)
    tolerations: tuple[Toleration, ...] = ()
    #: Passed through as the pod's ``affinity`` (node/pod affinity rules).
    affinity: dict[str, Any] | None = None
    restart_policy: RestartPolicy | None = None
    service_account: str | None = None
    #: Off by default: pods that do not call the API server get no token. ``None`` leaves Kubernetes' default.
    automount_service_account_token: bool | None = False
    dns_policy: str | None = None
    termination_grace_period_seconds: int | None = None
    #: Group that owns mounted volumes, so a non-root process can write its data directory.
    fs_group: int | None = None

    def __post_init__(self) -> None:
        if not self.containers:
            raise InvalidValueError("pod.containers", [], "at least one container")
        names = [c.name for c in (*self.init_containers, *self.containers)]
        for index, name in enumerate(names):
            if name in names[:index]:
                raise InvalidValueError("pod.containers", name, "container names unique in the pod")
        object.__setattr__(self, "node_selector", labels("pod.node_selector", self.node_selector))
        if self.service_account is not None:
            dns_subdomain("pod.service_account", self.service_account)
        if self.fs_group is not None and not whole(self.fs_group):  # IsValidGroupID
            raise InvalidValueError("pod.fs_group", self.fs_group, f"a group id from 0 to {INT32_MAX}")
        non_negative("pod.termination_grace_period_seconds", self.termination_grace_period_seconds)
        if self.dns_policy not in (None, *DNS_POLICIES):
            raise InvalidValueError("pod.dns_policy", self.dns_policy, f"one of {', '.join(DNS_POLICIES)}")
        self.all_volumes()  # conflicting volume definitions fail here, at construction

    def every_volume(self) -> tuple[Volume, ...]:
        """Every volume as declared or mounted, repeats included (what one mount knows of a claim, another may not)."""
        return (*self.volumes, *(m.volume for c in (*self.init_containers, *self.containers) for m in c.all_mounts))

    def all_volumes(self) -> tuple[Volume, ...]:
        """Every volume of the pod: declared ones, then those the containers mount, each once."""
        found: dict[str, Volume] = {}
        for volume in self.every_volume():
            known = found.setdefault(volume.name, volume)
            if known != volume:
                raise InvalidValueError("pod.volumes", volume.name,
                                        "one definition per volume name (two different volumes share this name)")
        return tuple(found.values())

    def rollout_annotations(self) -> dict[str, Any]:
        """``checksum/<kind>-<name>`` of every ConfigMap/Secret the pods use, for the pod template:
        a content change rolls the pods in place, nothing is deleted first."""
        containers = (*self.init_containers, *self.containers)
        sources: list[EnvValue | Volume] = [
            *(value for c in containers for value in c.env.values() if isinstance(value, EnvValue)),
            *self.all_volumes()]
        return {f"checksum/{label}": checksum
                for source in sources for label, checksum in sorted(source.rollout, key=lambda r: r[0])}

    @property
    def weakest_security(self) -> SecurityProfile:
        order = list(SecurityProfile)
        return max((c.security for c in (*self.init_containers, *self.containers)), key=order.index)

    def to_manifest(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"containers": [c.to_manifest() for c in self.containers]}
        optional: dict[str, Any] = {
            "initContainers": [c.to_manifest() for c in self.init_containers],
            "volumes": [v.to_manifest() for v in self.all_volumes() if not v.declared_by_controller],
            "nodeSelector": self.node_selector,
            "tolerations": [t.to_manifest() for t in self.tolerations],
            "affinity": self.affinity,
            "restartPolicy": str(self.restart_policy) if self.restart_policy else None,
            "serviceAccountName": self.service_account,
            "dnsPolicy": self.dns_policy,
            "terminationGracePeriodSeconds": self.termination_grace_period_seconds,
        }
        spec.update({key: value for key, value in optional.items() if value not in (None, [], {})})
        security: dict[str, Any] = {}
        if self.weakest_security is SecurityProfile.RESTRICTED:
            # Repeated at pod level: it then also covers containers added later (debug containers).
            security = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
        elif self.weakest_security is SecurityProfile.HOST_READER:
            security = {"seccompProfile": {"type": "RuntimeDefault"}}
        if self.fs_group is not None:
            security["fsGroup"] = self.fs_group
        if security:
            spec["securityContext"] = security
        if self.automount_service_account_token is not None:
            spec["automountServiceAccountToken"] = self.automount_service_account_token
        return spec
