"""The claims whose volume attaches to one node at a time, as the workloads of a namespace of ours mount them, so
that two workloads share one only when their pods are kept on one node.

A ``ReadWriteOnce`` volume is attached to one node; a pod on another node that mounts it waits ("Multi-Attach
error"; Kubernetes docs, "Persistent Volumes: Access Modes") until every pod using it there has ended. Each
workload's own rules keep its pods to one node at a time (:class:`~pilothouse.kubernetes.deployment.DeploymentArgs`
and the others); between workloads:

- two whose pods keep running (Deployment, StatefulSet, DaemonSet, Pod) never share one: whichever moves (a
  rollout, a drained node) waits forever on the other;
- a Job's or CronJob's pods share one with another workload only when they follow that workload's pods to their
  node: a required pod affinity on ``kubernetes.io/hostname`` picking exactly those pods
  (:func:`~pilothouse.kubernetes.selectors.same_node_as` of its selector); as they end, the other can always move;
- a ``ReadWriteOncePod`` claim is used by one pod of the cluster at a time: never shared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.selection import DeclaredPods

if TYPE_CHECKING:
    from pilothouse.kubernetes.pod_spec import PodSpec

#: The node label a pod affinity names to keep pods on one node.
HOSTNAME = "kubernetes.io/hostname"
#: Workloads whose pods end.
_ENDING = frozenset({"Job", "CronJob"})


@dataclass(frozen=True)
class _Mount:
    pods: DeclaredPods
    affinity: Mapping[str, Any] | None
    one_pod: bool


class ClaimAttachments:
    """The workloads of one namespace of ours (:attr:`Namespace.claims`) mounting each one-node claim."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._mounts: dict[str, list[_Mount]] = {}

    def check(self, pods: DeclaredPods, pod: PodSpec) -> None:
        """Refuse ``pods`` when ``pod`` mounts a one-node claim other workloads mount and the rules of this module do
        not keep them on one node.

        Raises:
            InvalidValueError: naming ``<pods.pod_field>.volumes`` and the claim.
        """
        one_pod = pod.one_pod_claims()
        for claim in pod.one_node_claims():
            mounts = self._mounts.get(claim, [])
            new = _Mount(pods, pod.affinity, claim in one_pod)
            other = self._conflict(new, mounts)
            if other is None:
                continue
            field, where = f"{pods.pod_field}.volumes", f"{other.pods} in namespace '{self.namespace}'"
            if new.one_pod or other.one_pod:
                raise InvalidValueError(field, claim, f"a claim no other workload mounts ({where} does): its access "
                                                      "mode is ReadWriteOncePod, one pod of the cluster at a time")
            raise InvalidValueError(
                field, claim,
                f"a claim no other workload mounts ({where} does): its volume attaches to one node at a time, and a "
                "pod on another node than the other's waits (Multi-Attach error), forever when both keep running; "
                "mount it from one workload, give the claim ReadWriteMany access, or let a Job's or CronJob's pods "
                "follow the other's to their node (PodSpec(affinity=same_node_as(<the other's selector>)))")

    def _conflict(self, new: _Mount, mounts: list[_Mount]) -> _Mount | None:
        """The mount ``new`` may not join (``mounts`` were each accepted), or ``None``."""
        if not mounts:
            return None
        if new.one_pod or any(mount.one_pod for mount in mounts):
            return mounts[0]
        running = [mount for mount in mounts if mount.pods.kind not in _ENDING]
        if new.pods.kind not in _ENDING:
            # Only ending pods may have joined before: each must follow the new one's.
            return running[0] if running else next(
                (mount for mount in mounts if not self._follows(mount, new)), None)
        if running:
            return None if self._follows(new, running[0]) else running[0]
        together = any(self._follows(new, mount) or self._follows(mount, new) for mount in mounts)
        return None if together else mounts[0]

    def _follows(self, mount: _Mount, other: _Mount) -> bool:
        return keeps_on_node_of(mount.affinity, other.pods, self.namespace)

    def add(self, pods: DeclaredPods, pod: PodSpec) -> None:
        r"""Record the one-node claims ``pod`` mounts (:meth:`check`\ ed)."""
        one_pod = pod.one_pod_claims()
        for claim in pod.one_node_claims():
            self._mounts.setdefault(claim, []).append(_Mount(pods, pod.affinity, claim in one_pod))


def keeps_on_node_of(affinity: Mapping[str, Any] | None, other: DeclaredPods, namespace: str) -> bool:
    """Whether ``affinity`` (a pod's ``affinity``, as given, in ``namespace``) requires its pods on the node of
    ``other``'s pods, and only theirs: a required pod affinity term on :data:`HOSTNAME` in the pod's own namespace
    whose ``matchLabels`` alone pick ``other``'s pods (it holds ``other``'s selector, which picks no other workload's
    pods: :class:`~pilothouse.kubernetes.selection.PodRegistry`); any other term counts as not keeping them there."""
    if other.selector is None:  # a bare pod: nothing picks its pods alone
        return False
    pod_affinity = affinity.get("podAffinity") if isinstance(affinity, Mapping) else None
    terms = pod_affinity.get("requiredDuringSchedulingIgnoredDuringExecution") if isinstance(
        pod_affinity, Mapping) else None
    for term in terms if isinstance(terms, list | tuple) else ():
        if not isinstance(term, Mapping) or term.get("topologyKey") != HOSTNAME:
            continue
        # Fields that, empty or naming the pod's own namespace, change nothing.
        if term.get("namespaces") not in (None, [], (), [namespace], (namespace,)) or term.get(
                "namespaceSelector") is not None or term.get("matchLabelKeys") or term.get("mismatchLabelKeys"):
            continue
        selector = term.get("labelSelector")
        if not isinstance(selector, Mapping) or selector.get("matchExpressions") or set(selector) - {
                "matchLabels", "matchExpressions"}:
            continue
        wanted = selector.get("matchLabels")
        if isinstance(wanted, Mapping) and other.selector.items() <= wanted.items() <= other.labels.items():
            return True
    return False
