"""Scaling and availability: HorizontalPodAutoscaler and PodDisruptionBudget for a workload."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.counts import INT32_MAX, CountOrPercent, count_or_percent, is_zero, percent
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.daemon_set import DaemonSet
from pilothouse.kubernetes.deployment import Deployment, DeploymentArgs
from pilothouse.kubernetes.exposable import Exposable
from pilothouse.kubernetes.namespace import Namespace
from pilothouse.kubernetes.quota import PodDemand
from pilothouse.kubernetes.stateful_set import StatefulSet, StatefulSetArgs
from pilothouse.kubernetes.workload import admit, object_metadata, object_options
from pilothouse.typed import Checked

Scalable = Deployment | StatefulSet


def autoscaled(target: DeploymentArgs | StatefulSetArgs, max_replicas: int) -> PodDemand:
    """The pods an autoscaler of ``target`` may add beyond those the target counts itself (its replicas, or one
    when the autoscaler owns the count), up to ``max_replicas`` (1 to 2^31-1).

    Raises:
        InvalidValueError: naming ``autoscaler.target`` (not a Deployment's or StatefulSet's arguments) or
            ``autoscaler.max_replicas``.
    """
    if not isinstance(target, DeploymentArgs | StatefulSetArgs):
        raise InvalidValueError("autoscaler.target", target, "the arguments of a Deployment or a StatefulSet")
    if isinstance(max_replicas, bool) or not isinstance(max_replicas, int) or not 1 <= max_replicas <= INT32_MAX:
        raise InvalidValueError("autoscaler.max_replicas", max_replicas, f"an integer from 1 to {INT32_MAX}")
    declared = target.replicas if target.replicas is not None else 1
    return PodDemand("autoscaler", target.pod, max(0, max_replicas - declared),
                     f"max_replicas {max_replicas} beyond the {declared} the workload counted",
                     "autoscaler.max_replicas")


@dataclass(frozen=True, kw_only=True)
class HorizontalPodAutoscalerArgs(Checked, prefix="autoscaler"):
    """Scale ``target`` between ``min_replicas`` and ``max_replicas`` on average utilisation (% of requests)."""

    target: Scalable
    min_replicas: int = 1
    max_replicas: int
    cpu_utilization: int | None = 70
    memory_utilization: int | None = None

    def __post_init__(self) -> None:
        if self.target.args.replicas is not None:
            kind = "Deployment" if isinstance(self.target, Deployment) else "StatefulSet"
            raise InvalidValueError("autoscaler.target.replicas", self.target.args.replicas,
                                    f"None on an autoscaled {kind}, so Pulumi never resets the count the "
                                    "autoscaler chose")
        if isinstance(self.max_replicas, bool) or not 1 <= self.max_replicas <= INT32_MAX:
            raise InvalidValueError("autoscaler.max_replicas", self.max_replicas, f"an integer from 1 to {INT32_MAX}")
        if isinstance(self.min_replicas, bool) or not 1 <= self.min_replicas <= self.max_replicas:
            raise InvalidValueError("autoscaler.min_replicas", self.min_replicas,
                                    f"an integer from 1 to max_replicas ({self.max_replicas})")
        if self.cpu_utilization is None and self.memory_utilization is None:
            raise InvalidValueError("autoscaler.cpu_utilization", None, "a CPU or a memory utilisation target")
        for kind in ("cpu", "memory"):
            target = getattr(self, f"{kind}_utilization")
            if target is None:
                continue
            # validateMetricTarget: any positive averageUtilization (above 100 lets pods use more than they request).
            if isinstance(target, bool) or not 1 <= target <= INT32_MAX:
                raise InvalidValueError(f"autoscaler.{kind}_utilization", target,
                                        f"a percentage of the requests from 1 to {INT32_MAX}")
            missing = [c.name for c in self.target.pod.containers if not self._requests(c, kind)]
            if missing:
                raise InvalidValueError(f"autoscaler.{kind}_utilization", target,
                                        f"{kind} requests on every container to measure against, given or from "
                                        f"the LimitRange of a namespace of ours (missing on {', '.join(missing)})")

    def _requests(self, container: Container, kind: str) -> bool:
        """Whether the API server gives ``container`` a ``kind`` request: its own, its limit, or its namespace's
        LimitRange default (known for a namespace of ours)."""
        namespace = self.target.namespace
        if isinstance(namespace, Namespace):
            return namespace.account.limits.effective(container)[f"requests.{kind}"] is not None
        given = container.resources
        return given is not None and (getattr(given, f"{kind}_request") or getattr(given, f"{kind}_limit")) is not None

    def demand(self) -> PodDemand:
        """What the autoscaler adds to its target's count in the namespace's quota (:func:`autoscaled`)."""
        return autoscaled(self.target.args, self.max_replicas)

    def metrics(self) -> list[dict[str, Any]]:
        return [{"type": "Resource", "resource": {"name": kind, "target": {"type": "Utilization",
                                                                             "averageUtilization": value}}}
                for kind, value in (("cpu", self.cpu_utilization), ("memory", self.memory_utilization))
                if value is not None]


class HorizontalPodAutoscaler(k8s.autoscaling.v2.HorizontalPodAutoscaler):
    """An ``autoscaling/v2`` HPA of a workload, registered after it."""

    def __init__(self, resource_name: str, args: HorizontalPodAutoscalerArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        target = args.target
        admit(target.namespace, args.demand())
        kind = "Deployment" if isinstance(target, Deployment) else "StatefulSet"
        body: dict[str, Any] = {
            "metadata": object_metadata(target.workload_name, target.namespace, {}),
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": target.workload_name},
                     "minReplicas": args.min_replicas, "maxReplicas": args.max_replicas, "metrics": args.metrics()}}
        super().__init__(resource_name, opts=object_options(self, resource_name, opts, target.namespace, [target]),
                         **body)


@dataclass(frozen=True, kw_only=True)
class PodDisruptionBudgetArgs(Checked, prefix="disruption_budget"):
    """Keep ``min_available`` pods (or lose at most ``max_unavailable``) during node drains and upgrades."""

    target: Exposable
    min_available: CountOrPercent | None = None
    max_unavailable: CountOrPercent | None = None

    def __post_init__(self) -> None:
        given = [name for name in ("min_available", "max_unavailable") if getattr(self, name) is not None]
        if len(given) != 1:
            raise InvalidValueError("disruption_budget", given, "exactly one of min_available or max_unavailable")
        count_or_percent(f"disruption_budget.{given[0]}", getattr(self, given[0]),
                         "a pod count, or a percentage from '0%' to '100%' such as '50%'")
        self._check_a_drain_can_evict()

    def _check_a_drain_can_evict(self) -> None:
        """A budget that allows no eviction blocks every node drain, so AKS upgrades never finish
        (https://kubernetes.io/docs/tasks/run-application/configure-pdb/: "If you set maxUnavailable to 0% or 0,
        or you set minAvailable to 100% or the number of replicas, you are requiring zero voluntary evictions").
        Percentages round up, as the disruption controller rounds them."""
        if isinstance(self.target, DaemonSet) and (self.max_unavailable is not None or percent(self.min_available)):
            # The disruption controller counts a budget's pods by their controller's scale; a DaemonSet has none,
            # so the budget would never allow an eviction (pkg/controller/disruption: getExpectedScale).
            given = "max_unavailable" if self.max_unavailable is not None else "min_available"
            raise InvalidValueError(f"disruption_budget.{given}", getattr(self, given), "min_available as a pod "
                                    "count for a DaemonSet's pods (Kubernetes counts them for neither max_unavailable "
                                    "nor a percentage: Kubernetes docs, 'Arbitrary workloads and arbitrary "
                                    "selectors')")
        # A DaemonSet has no replica count; None on a Deployment or StatefulSet: an autoscaler owns it.
        replicas = getattr(getattr(self.target, "args", None), "replicas", None)
        if replicas == 0:
            return  # scaled to 0: no pod for a drain to evict, any budget is met
        if self.max_unavailable is not None:
            if is_zero(self.max_unavailable):
                raise InvalidValueError("disruption_budget.max_unavailable", self.max_unavailable,
                                        "at least one pod (0 blocks every node drain and cluster upgrade)")
            return
        minimum = self.min_available
        share = percent(minimum)
        if share is not None:
            if share >= 100:
                raise InvalidValueError("disruption_budget.min_available", minimum,
                                        "less than 100% (100% blocks every node drain and cluster upgrade)")
            if replicas is None:
                return
            minimum = math.ceil(replicas * share / 100)
        if isinstance(replicas, int) and isinstance(minimum, int) and minimum >= replicas:
            raise InvalidValueError(
                "disruption_budget.min_available", self.min_available,
                f"fewer pods than the workload's {replicas} replica(s), so that a node drain can evict one "
                "(raise the replicas, or use max_unavailable=1)")


class PodDisruptionBudget(k8s.policy.v1.PodDisruptionBudget):
    """A ``policy/v1`` PDB selecting the workload's pods by the workload's selector."""

    def __init__(self, resource_name: str, args: PodDisruptionBudgetArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        target = args.target
        spec: dict[str, Any] = {"selector": {"matchLabels": target.selector}}
        if args.min_available is not None:
            spec["minAvailable"] = args.min_available
        else:
            spec["maxUnavailable"] = args.max_unavailable
        body: dict[str, Any] = {"metadata": object_metadata(target.workload_name, target.namespace, {}), "spec": spec}
        super().__init__(resource_name, opts=object_options(self, resource_name, opts, target.namespace, [target]),
                         **body)
