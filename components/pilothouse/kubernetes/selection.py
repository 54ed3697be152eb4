"""The pods of the workloads declared in a namespace of ours, so that no workload's selector picks another's pods.

Kubernetes lets two controllers' selectors overlap and then misbehaves: "If you have multiple controllers that have
overlapping selectors, the controllers will fight with each other and won't behave correctly" (Deployments,
*Selector*), and a Service, disruption budget or NetworkPolicy derived from one workload would pick the other's pods
too (a CronJob named like a Deployment would receive the Deployment's traffic). The check runs as each workload is
declared, against those declared before it, so it fails before that workload is registered.
"""

from __future__ import annotations

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
        remedy: what tells its pods apart, for an error to suggest (default another ``app`` label).
    """

    kind: str
    name: str
    selector: dict[str, str] | None
    labels: dict[str, str]
    selector_field: str
    labels_field: str
    remedy: str = "another 'app' label"

    def picks(self, other: DeclaredPods) -> bool:
        return self.selector is not None and self.selector.items() <= other.labels.items()

    def __str__(self) -> str:
        return f"{self.kind} '{self.name}'"


class PodRegistry:
    """The workloads declared so far in one namespace of ours (:attr:`Namespace.pods`)."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._declared: list[DeclaredPods] = []

    def check(self, pods: DeclaredPods) -> None:
        """Refuse ``pods`` when its selector picks the pods of a workload declared before, or theirs its pods.

        Raises:
            InvalidValueError: naming ``pods.selector_field`` (it picks another workload's pods) or
                ``pods.labels_field`` (another workload's selector picks these pods).
        """
        for other in self._declared:
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
        self._declared.append(pods)
