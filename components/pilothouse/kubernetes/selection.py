"""The pods of the workloads declared in a namespace of ours, so that no workload's selector picks another's pods.

Kubernetes lets two controllers' selectors overlap and then misbehaves: "If you have multiple controllers that have
overlapping selectors, the controllers will fight with each other and won't behave correctly" (Deployments,
*Selector*), and a Service, disruption budget or NetworkPolicy derived from one workload would pick the other's pods
too (a CronJob named like a Deployment would receive the Deployment's traffic). The check runs as each workload is
declared, against those declared before it, so it fails before that workload is registered.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pilothouse.errors import InvalidValueError


@dataclass(frozen=True, kw_only=True)
class DeclaredPods:
    """The pods one workload runs, as the namespace's registry sees them.

    Fields:
        kind, name: the workload's kind (``Deployment``) and name.
        selector: the labels that pick its pods (its controller's selector, or what Pilothouse selects it by);
            ``None`` for a bare pod, which nothing selects.
        labels: every label its pods carry, including those the API server adds (a Job's ``job-name``).
        selector_field, labels_field: the argument an error names for each (``deployment.selector``,
            ``cron_job.job.labels``).
        pod_field: the argument holding its pod (``deployment.pod``, ``cron_job.job.pod``).
        remedy: what tells its pods apart, for an error to suggest (default another ``app`` label).
    """

    kind: str
    name: str
    selector: dict[str, str] | None
    labels: dict[str, str]
    selector_field: str
    labels_field: str
    pod_field: str
    remedy: str = "another 'app' label"

    def picks(self, other: DeclaredPods) -> bool:
        return self.selector is not None and self.selector.items() <= other.labels.items()

    def __str__(self) -> str:
        return f"{self.kind} '{self.name}'"


class PodRegistry:
    """The workloads declared so far in one namespace of ours (:attr:`Namespace.pods`).

    Indexed by label, so that declaring N workloads costs O(N) checks, not O(N²): a program may declare
    thousands (``make bench``).
    """

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._declared: list[DeclaredPods] = []
        # (key, value) -> the workloads whose pods carry that label
        self._carrying: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
        # (key, value) -> the workloads whose selector requires that label (each indexed under its first, sorted)
        self._requiring: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
        # the workloads whose selector is empty: it picks every pod
        self._picking_all: list[int] = []

    def _candidates(self, pods: DeclaredPods) -> list[DeclaredPods]:
        """The workloads that may pick ``pods`` or be picked by it, in declaration order (a superset)."""
        found: set[int] = set(self._picking_all)
        if pods.selector == {}:
            found.update(range(len(self._declared)))
        elif pods.selector is not None:
            # every label of the selector must be carried: the rarest one narrows the candidates most
            rarest = min((self._carrying.get(item, []) for item in pods.selector.items()), key=len)
            found.update(rarest)
        for item in pods.labels.items():
            found.update(self._requiring.get(item, []))
        return [self._declared[index] for index in sorted(found)]

    def check(self, pods: DeclaredPods) -> None:
        """Refuse ``pods`` when its selector picks the pods of a workload declared before, or theirs its pods.

        Raises:
            InvalidValueError: naming ``pods.selector_field`` (it picks another workload's pods) or
                ``pods.labels_field`` (another workload's selector picks these pods).
        """
        for other in self._candidates(pods):
            if pods.picks(other):
                raise InvalidValueError(
                    pods.selector_field, pods.selector,
                    f"a selector that picks no pods of {other} in namespace '{self.namespace}': each workload's "
                    f"pods need labels of their own, such as {pods.remedy}")
            if other.picks(pods):
                raise InvalidValueError(
                    pods.labels_field, pods.labels,
                    f"pod labels that the selector of {other} in namespace '{self.namespace}' does not pick: each "
                    f"workload's pods need labels of their own, such as {pods.remedy}")

    def add(self, pods: DeclaredPods) -> None:
        r"""Record ``pods`` (:meth:`check`\ ed), declared in the namespace."""
        index = len(self._declared)
        self._declared.append(pods)
        for item in pods.labels.items():
            self._carrying[item].append(index)
        if pods.selector == {}:
            self._picking_all.append(index)
        elif pods.selector is not None:
            self._requiring[min(pods.selector.items())].append(index)
