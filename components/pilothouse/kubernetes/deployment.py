"""Deployments: replicated stateless pods with rolling updates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.counts import MAX_REPLICAS, CountOrPercent, count_or_percent, is_zero, non_negative, replica_count
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.exposable import Exposable
from pilothouse.kubernetes.names import annotation_map, dns_label
from pilothouse.kubernetes.pod_spec import PodSpec
from pilothouse.kubernetes.quota import PodDemand
from pilothouse.kubernetes.workload import (
    SKIP_AWAIT,
    NamespaceRef,
    check_admitted,
    object_metadata,
    object_options,
    pod_labels,
    pod_template,
    require_restarts,
    select_pods,
)
from pilothouse.typed import Checked

CHANGE_CAUSE = "kubernetes.io/change-cause"


@dataclass(frozen=True)
class RollingUpdate(Checked, prefix="rolling_update"):
    """Replace pods gradually: at most ``max_surge`` extra and ``max_unavailable`` missing pods."""

    max_surge: CountOrPercent = "25%"
    max_unavailable: CountOrPercent = "25%"

    def __post_init__(self) -> None:
        count_or_percent("rolling_update.max_surge", self.max_surge, "a pod count (>= 0) or a percentage like '25%'",
                         above_100=True)
        count_or_percent("rolling_update.max_unavailable", self.max_unavailable,
                         "a pod count (>= 0) or a percentage from '0%' to '100%' such as '25%'")
        if is_zero(self.max_surge) and is_zero(self.max_unavailable):
            raise InvalidValueError("rolling_update.max_unavailable", self.max_unavailable,
                                    "a value above 0 when max_surge is 0 (or the rollout cannot progress)")


@dataclass(frozen=True)
class Recreate(Checked, prefix="recreate"):
    """Stop every old pod before starting new ones (for apps that cannot run two versions at once)."""


@dataclass(frozen=True, kw_only=True)
class DeploymentArgs(Checked, prefix="deployment"):
    """What a :class:`Deployment` needs: its pod template, replica count and rollout; checked when declared.

    Fields:
        name: a DNS-1123 label.
        namespace: a :class:`Namespace` of ours (its Pod Security level must admit the pod) or an existing
            namespace's name.
        pod: the pod template (:class:`PodSpec`).
        replicas: see its comment; an integer from 0 to 10000, or ``None`` (default 1).
        selector: the labels that pick its pods (default ``{"app": <labels' app, else name>}``); the API server
            refuses to change a selector, so a change replaces the Deployment (the old one deleted first).
        labels: more labels of the Deployment and its pods (such as ``app.kubernetes.io/version``); they change
            in place. The object and its pods carry the selector's labels too.
        annotations: annotations of the Deployment object (not of its pods), checked as the API server checks them.
        strategy: :class:`RollingUpdate` or :class:`Recreate`; ``None`` (default) leaves it unset.
        change_cause, wait_until_ready: see their comments (``wait_until_ready`` defaults to ``True``).
        revision_history_limit: old ReplicaSets kept for rollbacks; ``None`` (default) leaves it unset.
        min_ready_seconds: seconds a new pod must be ready to count as available; ``None`` (default) leaves it unset.

    When the Deployment is created, :attr:`peak_pods` (replicas plus rolling-update surge; an unset strategy
    counts as ``RollingUpdate()``) are counted against the quota of a namespace of ours.

    A pod mounting a claim whose volume attaches to one node at a time (``ReadWriteOnce``; see
    :meth:`PersistentVolumeClaim.volume`) must run as one replica that never surges: with a second pod, or a
    rollout starting the new pod before the old one stops, the pod on another node waits forever on a
    "Multi-Attach error" and ``pulumi up`` on the rollout (Kubernetes docs, "Persistent Volumes: Access Modes").

    Raises:
        InvalidValueError: naming ``deployment.name`` (not a DNS-1123 label), ``deployment.selector[<key>]`` or
            ``deployment.labels[<key>]`` (an invalid label, or a label contradicting the selector),
            ``deployment.replicas`` (not 0 to 10000 or ``None``; above 1 with a one-node claim),
            ``deployment.strategy`` (a surging rollout with a one-node claim), ``deployment.revision_history_limit``
            or ``deployment.min_ready_seconds`` (not a non-negative integer), or ``deployment.pod.containers`` /
            ``deployment.pod.volumes`` (a pod the namespace's Pod Security level would reject).
    """

    name: str
    namespace: NamespaceRef
    pod: PodSpec
    #: ``None`` leaves the count to a HorizontalPodAutoscaler: Pulumi then never resets it.
    replicas: int | None = 1
    selector: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    strategy: RollingUpdate | Recreate | None = None
    #: Recorded as the ``kubernetes.io/change-cause`` annotation, shown by ``kubectl rollout history``.
    change_cause: str | None = None
    revision_history_limit: int | None = None
    min_ready_seconds: int | None = None
    #: Make ``pulumi up`` wait until the rollout is complete and every replica is ready.
    wait_until_ready: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "annotations", annotation_map("deployment.annotations", self.annotations))
        dns_label("deployment.name", self.name)
        select_pods(self, "deployment")
        if self.replicas is not None:
            replica_count("deployment.replicas", self.replicas, f"an integer from 0 to {MAX_REPLICAS}, or None")
        for name in ("revision_history_limit", "min_ready_seconds"):
            non_negative(f"deployment.{name}", getattr(self, name))
        check_admitted(self.namespace, self.pod, "deployment")
        require_restarts(self.pod, "deployment")
        self._check_one_node_claims()

    def _check_one_node_claims(self) -> None:
        claim = self.pod.one_node_claim()
        if claim is None:
            return
        why = (f"while the pod mounts claim '{claim}', whose volume attaches to one node at a time (use a StatefulSet "
               "with a claim template per pod, or a claim with ReadWriteMany access)")
        if self.replicas is None or self.replicas > 1:
            raise InvalidValueError("deployment.replicas", self.replicas, f"0 or 1 {why}")
        if self.peak_pods > self.replicas:
            raise InvalidValueError("deployment.strategy", self.strategy,
                                    f"Recreate() or RollingUpdate(max_surge=0) {why}: a surging rollout starts the "
                                    "new pod before the old one stops, and on another node it waits forever "
                                    "(Multi-Attach error)")

    @property
    def peak_pods(self) -> int:
        """Pods alive at the peak of a rollout: replicas plus the surge (an autoscaled one counts 1)."""
        replicas = 1 if self.replicas is None else self.replicas
        if isinstance(self.strategy, Recreate):
            return replicas
        surge = (self.strategy or RollingUpdate()).max_surge
        if isinstance(surge, str):
            return replicas - (-replicas * int(surge[:-1]) // 100)  # rounded up, in integers (any percentage)
        return replicas + surge

    def demand(self) -> PodDemand:
        """What it counts against its namespace's quota: :attr:`peak_pods` pods."""
        rolling = isinstance(self.strategy, RollingUpdate | None)
        return PodDemand("deployment", self.pod, self.peak_pods,
                         "replicas plus rolling-update surge" if rolling else "replicas", "deployment.replicas")


class Deployment(Exposable, k8s.apps.v1.Deployment):
    """A Deployment whose pods are selected by its labels; ``expose()`` puts a Service in front."""

    def __init__(self, resource_name: str, args: DeploymentArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self._admit_pods(resource_name, args, opts)
        self.args = args
        self.name = args.name
        annotations = dict(args.annotations)
        if not args.wait_until_ready:
            annotations[SKIP_AWAIT] = "true"
        if args.change_cause is not None:
            annotations[CHANGE_CAUSE] = args.change_cause
        body: dict[str, Any] = {"metadata": object_metadata(args.name, args.namespace,
                                                            pod_labels(args.selector, args.labels), annotations),
                                "spec": self._spec()}
        super().__init__(resource_name, opts=object_options(self, resource_name, opts, args.namespace,
                                                                 args.pod.dependencies), **body)

    def _spec(self) -> dict[str, Any]:
        args = self.args
        spec: dict[str, Any] = {
            "selector": {"matchLabels": args.selector},
            "template": pod_template(pod_labels(args.selector, args.labels), args.pod),
        }
        if args.replicas is not None:
            spec["replicas"] = args.replicas
        if isinstance(args.strategy, RollingUpdate):
            spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {
                "maxSurge": args.strategy.max_surge, "maxUnavailable": args.strategy.max_unavailable}}
        elif isinstance(args.strategy, Recreate):
            spec["strategy"] = {"type": "Recreate"}
        for key, value in (("revisionHistoryLimit", args.revision_history_limit),
                           ("minReadySeconds", args.min_ready_seconds)):
            if value is not None:
                spec[key] = value
        return spec
