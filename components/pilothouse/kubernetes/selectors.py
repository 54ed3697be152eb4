"""Label selectors (equality- and set-based) and the scheduling rules built from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.attachments import HOSTNAME
from pilothouse.kubernetes.names import label_key, labels
from pilothouse.typed import Checked, checked_arguments


class Operator(StrEnum):
    """The operator of a set-based :class:`Requirement`, sent as a ``matchExpressions`` entry's ``operator``.

    ``In`` and ``NotIn`` take at least one value; ``Exists`` and ``DoesNotExist`` take none. Node affinity terms
    (:meth:`LabelSelector.node_terms`) use them too.
    """

    IN = "In"
    NOT_IN = "NotIn"
    EXISTS = "Exists"
    DOES_NOT_EXIST = "DoesNotExist"


@dataclass(frozen=True)
class Requirement(Checked, prefix="selector"):
    """One set-based requirement: ``env in (test, prod)``, ``!canary``."""

    key: str
    operator: Operator
    values: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        label_key("selector.key", self.key)
        needs_values = self.operator in (Operator.IN, Operator.NOT_IN)
        if needs_values != bool(self.values):
            raise InvalidValueError("selector.values", list(self.values),
                                    f"{'at least one value' if needs_values else 'no values'} with operator "
                                    f"'{self.operator}'")
        for value in self.values:
            labels("selector.values", {self.key: value})

    def to_manifest(self) -> dict[str, Any]:
        requirement: dict[str, Any] = {"key": self.key, "operator": str(self.operator)}
        if self.values:
            requirement["values"] = list(self.values)
        return requirement


@dataclass(frozen=True)
class LabelSelector(Checked, prefix="selector"):
    """``match_labels`` (equality) AND every requirement (set-based)."""

    match_labels: dict[str, str] = field(default_factory=dict)
    requirements: tuple[Requirement, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "match_labels", labels("selector.match_labels", self.match_labels))

    @classmethod
    @checked_arguments("selector")
    def where(cls, **equals: str) -> LabelSelector:
        return cls(dict(equals))

    def with_in(self, key: str, *values: str) -> LabelSelector:
        return LabelSelector(self.match_labels, (*self.requirements, Requirement(key, Operator.IN, values)))

    def with_not_in(self, key: str, *values: str) -> LabelSelector:
        return LabelSelector(self.match_labels, (*self.requirements, Requirement(key, Operator.NOT_IN, values)))

    def with_key(self, key: str) -> LabelSelector:
        return LabelSelector(self.match_labels, (*self.requirements, Requirement(key, Operator.EXISTS)))

    def without_key(self, key: str) -> LabelSelector:
        return LabelSelector(self.match_labels, (*self.requirements, Requirement(key, Operator.DOES_NOT_EXIST)))

    def to_manifest(self) -> dict[str, Any]:
        selector: dict[str, Any] = {}
        if self.match_labels:
            selector["matchLabels"] = self.match_labels
        if self.requirements:
            selector["matchExpressions"] = [r.to_manifest() for r in self.requirements]
        return selector

    def node_terms(self) -> list[dict[str, Any]]:
        """The same rule as a node selector term (node affinity has no matchLabels)."""
        equalities = [Requirement(key, Operator.IN, (value,)) for key, value in self.match_labels.items()]
        return [{"matchExpressions": [r.to_manifest() for r in (*equalities, *self.requirements)]}]


def require_nodes(selector: LabelSelector) -> dict[str, Any]:
    """Affinity: schedule only on nodes matching ``selector`` (set-based, unlike a plain node selector).

    Raises:
        InvalidValueError: naming ``require_nodes.selector`` when it is empty: "a null or empty node selector term
            matches no objects" (``NodeSelectorTerm``, k8s.io/api core/v1), so the pods would stay Pending.
    """
    if not selector.match_labels and not selector.requirements:
        raise InvalidValueError("require_nodes.selector", {}, "at least one label or requirement (an empty node "
                                                              "selector term matches no node: the pods would stay "
                                                              "Pending)")
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": selector.node_terms()}}}


def spread_by(pod_labels: dict[str, str], topology_key: str = "topology.kubernetes.io/zone") -> dict[str, Any]:
    """Affinity: prefer not to put two of these pods in the same zone (or node, with ``kubernetes.io/hostname``).

    Raises:
        InvalidValueError: naming ``spread.labels``, or ``spread.topology_key`` (not a label key:
            ``validatePodAffinityTerm``).
    """
    label_key("spread.topology_key", topology_key)
    return {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
        "weight": 100, "podAffinityTerm": {"labelSelector": {"matchLabels": labels("spread.labels", pod_labels)},
                                           "topologyKey": topology_key}}]}}


def same_node_as(pod_labels: dict[str, str]) -> dict[str, Any]:
    """Affinity: schedule only onto a node running a pod carrying ``pod_labels`` (another workload's selector), in
    the same namespace: what lets a Job's or CronJob's pods mount a claim whose volume attaches to one node at a
    time next to the workload that uses it (:mod:`~pilothouse.kubernetes.attachments`). Until such a pod runs, these
    pods stay Pending.

    Raises:
        InvalidValueError: naming ``same_node_as.labels`` (not labels, or none: an empty selector would match any
            pod).
    """
    if not pod_labels:
        raise InvalidValueError("same_node_as.labels", pod_labels, "the labels of the other workload's pods (its "
                                                                   "selector)")
    return {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
        "labelSelector": {"matchLabels": labels("same_node_as.labels", pod_labels)}, "topologyKey": HOSTNAME}]}}
