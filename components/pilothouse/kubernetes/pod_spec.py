"""The pod template every workload shares: containers, volumes, scheduling, service account."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

import pulumi

from pilothouse.counts import INT32_MAX, INT64_MAX, non_negative, whole
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.affinity import check_affinity, node_label_key
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.env import EnvValue
from pilothouse.kubernetes.names import dns_subdomain, label_key, label_value, labels
from pilothouse.kubernetes.security import SecurityProfile
from pilothouse.kubernetes.volumes import Volume
from pilothouse.typed import Checked

#: ``supportedDNSPolicies`` of the API server but ``None``, which it refuses without a ``dnsConfig`` ("must provide
#: `dnsConfig` when `dnsPolicy` is None"), and a PodSpec sets none.
DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default")
#: The Secret type an image pull secret must have (the kubelet reads its ``.dockerconfigjson``).
PULL_SECRET_TYPE = "kubernetes.io/dockerconfigjson"


@runtime_checkable
class AccountRef(Protocol):
    """A :class:`~pilothouse.kubernetes.service_account.ServiceAccount` of this program, as a pod refers to it."""

    @property
    def name(self) -> str: ...
    @property
    def namespace_name(self) -> str: ...
    @property
    def pod_labels(self) -> dict[str, str]: ...


@runtime_checkable
class PullSecretRef(Protocol):
    """A :class:`~pilothouse.kubernetes.secret.Secret` of this program, as an image pull secret."""

    @property
    def name(self) -> str: ...
    @property
    def namespace_name(self) -> str: ...
    @property
    def secret_type(self) -> str: ...


def pull_secret_names(field_name: str, secrets: Sequence[PullSecretRef | str], namespace: str | None) -> list[str]:
    """The names of image pull secrets, each once: a Secret of this program must be of type
    ``kubernetes.io/dockerconfigjson`` and, when ``namespace`` is known, in it (a pod reads Secrets of its own
    namespace only); a name must be a DNS-1123 subdomain."""
    if isinstance(secrets, str):  # one name where a tuple is meant: read as its characters otherwise
        raise InvalidValueError(field_name, secrets, "a tuple of Secrets or Secret names, such as ('acr-pull',)")
    names: list[str] = []
    for secret in secrets:
        if isinstance(secret, str):
            dns_subdomain(field_name, secret)
        elif secret.secret_type != PULL_SECRET_TYPE:
            raise InvalidValueError(field_name, secret.name, f"a Secret of type '{PULL_SECRET_TYPE}' (Secret "
                                                             f"'{secret.name}' is '{secret.secret_type}')")
        elif namespace is not None and secret.namespace_name != namespace:
            raise InvalidValueError(field_name, secret.name, f"a Secret in namespace '{namespace}', where the pods "
                                                             f"run (it is in '{secret.namespace_name}')")
        name = secret if isinstance(secret, str) else secret.name
        if name in names:
            raise InvalidValueError(field_name, name, "each Secret once")
        names.append(name)
    return names


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
    #: The pod's ``affinity`` (node affinity, pod affinity and anti-affinity) as the API type's JSON, checked as the
    #: API server checks it (:func:`~pilothouse.kubernetes.affinity.check_affinity`); build common ones with
    #: :func:`require_nodes`, :func:`spread_by` and :func:`same_node_as`.
    affinity: dict[str, Any] | None = None
    restart_policy: RestartPolicy | None = None
    #: A :class:`ServiceAccount` of this program (the pods are created after it and carry the labels it needs), or
    #: the name of one in the pods' namespace; ``None``: the namespace's ``default`` account.
    service_account: AccountRef | str | None = None
    #: Image pull secrets: :class:`Secret` objects of type ``kubernetes.io/dockerconfigjson`` in the pods'
    #: namespace, or their names.
    image_pull_secrets: tuple[PullSecretRef | str, ...] = ()
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
        for key in self.node_selector:
            node_label_key(f"pod.node_selector[{key!r}]", key)
        if self.affinity is not None:
            check_affinity("pod.affinity", self.affinity)
        if isinstance(self.service_account, str):
            dns_subdomain("pod.service_account", self.service_account)
        pull_secret_names("pod.image_pull_secrets", self.image_pull_secrets, None)
        if self.fs_group is not None and not whole(self.fs_group):  # IsValidGroupID
            raise InvalidValueError("pod.fs_group", self.fs_group, f"a group id from 0 to {INT32_MAX}")
        # An int64 field (PodSpec.TerminationGracePeriodSeconds), unlike most counts.
        non_negative("pod.termination_grace_period_seconds", self.termination_grace_period_seconds, INT64_MAX)
        if self.dns_policy not in (None, *DNS_POLICIES):
            raise InvalidValueError("pod.dns_policy", self.dns_policy, f"one of {', '.join(DNS_POLICIES)}")
        self._check_ports_across_containers()
        volumes = self.all_volumes()  # conflicting volume definitions fail here, at construction
        for container in (*self.init_containers, *self.containers):
            for name, value in container.env.items():
                needed = value.needs_volume if isinstance(value, EnvValue) else None
                if needed is not None and needed not in volumes:
                    raise InvalidValueError(f"pod.containers[{container.name!r}].env[{name!r}]", needed.name,
                                            f"a pod that mounts volume '{needed.name}': the Secret behind the value "
                                            "exists only while a pod mounts it (Secrets Store CSI driver)")

    def _check_ports_across_containers(self) -> None:
        """No port number and protocol, nor port name, declared by two containers of the pod, init containers
        included: the API server warns ("duplicate port definition", "duplicate port name ... services and probes
        that select ports by name will use" the first; ``pkg/api/pod/warnings.go``). One container's own duplicates
        its own check refuses."""
        numbers: dict[tuple[int, str], str] = {}
        names: dict[str, str] = {}
        for kind, containers in (("init_containers", self.init_containers), ("containers", self.containers)):
            for container in containers:
                field = f"pod.{kind}[{container.name!r}].ports"
                for port in container.ports:
                    key = (port.number, str(port.protocol))
                    if numbers.setdefault(key, container.name) != container.name:
                        raise InvalidValueError(field, f"{port.number}/{port.protocol}",
                                                "a port number and protocol that no other container declares "
                                                f"(container '{numbers[key]}' does)")
                    if port.name and names.setdefault(port.name, container.name) != container.name:
                        raise InvalidValueError(field, port.name, "a port name that no other container declares "
                                                                  f"(container '{names[port.name]}' does)")

    def check_namespace(self, workload: str, namespace: str) -> None:
        """Refuse a ServiceAccount or image pull Secret of this program in another namespace than ``namespace``,
        where the pods run (``workload`` prefixes the field)."""
        account = self.service_account
        # The field is checked as AccountRef | str | None; a Protocol's isinstance is slow on every pod.
        if not isinstance(account, str | None) and account.namespace_name != namespace:
            raise InvalidValueError(f"{workload}.pod.service_account", account.name,
                                    f"a ServiceAccount in namespace '{namespace}', where the pods run (it is in "
                                    f"'{account.namespace_name}')")
        pull_secret_names(f"{workload}.pod.image_pull_secrets", self.image_pull_secrets, namespace)
        account = self.service_account if isinstance(self.service_account, str | None) else self.service_account.name
        for volume in self.all_volumes():
            if volume.mounted_by is not None and volume.mounted_by != (namespace, account):
                needed_namespace, needed_account = volume.mounted_by
                raise InvalidValueError(f"{workload}.pod.volumes", volume.name,
                                        f"pods of namespace '{needed_namespace}' running as ServiceAccount "
                                        f"'{needed_account}' (the identity the volume's secrets are read as); these "
                                        f"run in '{namespace}' as '{account or 'default'}'")

    @property
    def labels(self) -> dict[str, str]:
        """Labels the pods need for what they refer to (the workload identity webhook's, for an account with an
        Azure identity)."""
        account = self.service_account
        return {} if isinstance(account, str | None) else dict(account.pod_labels)

    @property
    def dependencies(self) -> tuple[pulumi.Resource, ...]:
        """The objects of this program the pods refer to by name and that must exist before them."""
        references: tuple[object, ...] = (self.service_account, *self.image_pull_secrets)
        return tuple(ref for ref in references if isinstance(ref, pulumi.Resource))

    def every_volume(self) -> tuple[Volume, ...]:
        """Every volume as declared or mounted, repeats included (what one mount knows of a claim, another may not)."""
        return (*self.volumes, *(m.volume for c in (*self.init_containers, *self.containers) for m in c.all_mounts))

    def one_node_claims(self) -> tuple[str, ...]:
        """The claims the pod mounts whose volume attaches to one node at a time (``ReadWriteOnce``, known for claims
        declared here: :meth:`PersistentVolumeClaim.volume`), by name, each once. Pods on two nodes cannot share one:
        the second waits on a "Multi-Attach error" (Kubernetes docs, "Persistent Volumes: Access Modes")."""
        return tuple(dict.fromkeys(v.source["persistentVolumeClaim"]["claimName"]
                                   for v in self.every_volume() if v.one_node))

    def one_pod_claims(self) -> frozenset[str]:
        """The claims the pod mounts that one pod of the cluster uses at a time (``ReadWriteOncePod`` alone, known
        for claims declared here), by name."""
        return frozenset(v.source["persistentVolumeClaim"]["claimName"] for v in self.every_volume() if v.one_pod)

    def one_node_claim(self) -> str | None:
        """The first of :meth:`one_node_claims`; ``None`` without one."""
        return next(iter(self.one_node_claims()), None)

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
            "serviceAccountName": self.service_account if isinstance(self.service_account, str | None)
            else self.service_account.name,
            "imagePullSecrets": [{"name": name} for name in pull_secret_names(
                "pod.image_pull_secrets", self.image_pull_secrets, None)],
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
