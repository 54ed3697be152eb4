"""The claims whose volume attaches to one node at a time, as the workloads of a namespace of ours mount them, so
that two workloads share one only when their pods are kept on one node.

A ``ReadWriteOnce`` volume is attached to one node; a pod on another node that mounts it waits forever
("Multi-Attach error"; Kubernetes docs, "Persistent Volumes: Access Modes"). Each workload's own rules keep its pods
to one node at a time (:class:`~pilothouse.kubernetes.deployment.DeploymentArgs` and the others); two workloads
mounting the claim are safe only where the scheduler must put their pods on one node: a required pod affinity on
``kubernetes.io/hostname`` to the other's pods (:func:`~pilothouse.kubernetes.selectors.same_node_as`).
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


@dataclass(frozen=True)
class _Mount:
    pods: DeclaredPods
    affinity: Mapping[str, Any] | None


class ClaimAttachments:
    """Which workload of one namespace of ours (:attr:`Namespace.claims`) mounts each one-node claim first."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._first: dict[str, _Mount] = {}

    def check(self, pods: DeclaredPods, pod: PodSpec) -> None:
        """Refuse ``pods`` when ``pod`` mounts a one-node claim another workload mounts, unless one of the two
        requires its pods on the node of the other's.

        Raises:
            InvalidValueError: naming ``<pods.pod_field>.volumes`` and the claim.
        """
        for claim in pod.one_node_claims():
            other = self._first.get(claim)
            if other is None or keeps_on_node_of(pod.affinity, other.pods.labels) or keeps_on_node_of(
                    other.affinity, pods.labels):
                continue
            raise InvalidValueError(
                f"{pods.pod_field}.volumes", claim,
                f"a claim no other workload mounts ({other.pods} in namespace '{self.namespace}' does): its volume "
                "attaches to one node at a time, and a pod of one on another node than the other's waits forever "
                "(Multi-Attach error); mount it from one workload, give the claim ReadWriteMany access, or keep the "
                f"pods on one node (PodSpec(affinity=same_node_as(<the other's pod labels>)))")

    def add(self, pods: DeclaredPods, pod: PodSpec) -> None:
        r"""Record the one-node claims ``pod`` mounts (:meth:`check`\ ed)."""
        for claim in pod.one_node_claims():
            self._first.setdefault(claim, _Mount(pods, pod.affinity))


def keeps_on_node_of(affinity: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """Whether ``affinity`` (a pod's ``affinity``, as given) requires its pods on the node of a pod carrying
    ``labels``: a required pod affinity term on :data:`HOSTNAME` whose ``matchLabels`` alone those labels satisfy
    (any other term is not read, and counts as not keeping them there)."""
    pod_affinity = affinity.get("podAffinity") if isinstance(affinity, Mapping) else None
    terms = pod_affinity.get("requiredDuringSchedulingIgnoredDuringExecution") if isinstance(
        pod_affinity, Mapping) else None
    for term in terms if isinstance(terms, list | tuple) else ():
        if not isinstance(term, Mapping) or set(term) != {"labelSelector", "topologyKey"} or term[
                "topologyKey"] != HOSTNAME:
            continue
        selector = term["labelSelector"]
        wanted = selector.get("matchLabels") if isinstance(selector, Mapping) and set(selector) == {
            "matchLabels"} else None
        if isinstance(wanted, Mapping) and wanted and wanted.items() <= labels.items():
            return True
    return False
