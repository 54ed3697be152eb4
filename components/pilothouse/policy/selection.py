"""The stack rule ``k8s-selectors-pick-pods``: every pod selector of a NetworkPolicy, Service or PodDisruptionBudget
picks the pods of some workload the stack declares in that namespace.

A selector that picks nothing is valid to the API server and silently useless: a NetworkPolicy whose label has a
typo lets no traffic through, a Service routes to no endpoint. Which pods a selector picks follows Kubernetes'
``LabelSelector`` semantics (``matchLabels`` and every ``matchExpressions`` requirement; an empty selector picks every
pod; a Service's ``selector`` map is ``matchLabels``), over the pod templates' labels plus those the API server adds
to a Job's pods (``batch.kubernetes.io/job-name`` and ``job-name``).

Only namespaces whose pods the stack knows are judged: those where it declares a workload, that no chart or YAML
bundle of the stack also deploys into, and that are not in ``Settings.governed_elsewhere`` (another stack's workloads
run there too). A namespace's traffic rules registered by a platform stack for an app stack's workloads are
therefore left to the app stack.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

Props = Mapping[str, Any]

POD = "kubernetes:core/v1:Pod"
JOB = "kubernetes:batch/v1:Job"
CRON_JOB = "kubernetes:batch/v1:CronJob"
CONTROLLERS = {"kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet",
               "kubernetes:apps/v1:ReplicaSet", "kubernetes:core/v1:ReplicationController", JOB, CRON_JOB}
#: Resources that deploy objects the stack's inputs do not show: their namespaces' pods are unknown.
BUNDLES_IN_A_NAMESPACE = {"kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart",
                          "kubernetes:helm.sh/v3:Chart"}
BUNDLES_ANYWHERE = {"kubernetes:yaml/v2:ConfigGroup", "kubernetes:yaml/v2:ConfigFile",
                    "kubernetes:yaml:ConfigGroup", "kubernetes:yaml:ConfigFile", "kubernetes:kustomize/v2:Directory",
                    "kubernetes:kustomize:Directory"}
#: The labels the API server gives a Job's pods: its name, under the current key and the legacy one.
JOB_NAME_LABELS = ("batch.kubernetes.io/job-name", "job-name")


def selects(selector: Props, labels: Mapping[str, str]) -> bool:
    """Whether the ``LabelSelector`` ``selector`` (manifest form) picks a pod labelled ``labels``."""
    if any(labels.get(key) != value for key, value in (selector.get("matchLabels") or {}).items()):
        return False
    for requirement in selector.get("matchExpressions") or []:
        key, operator = requirement.get("key"), requirement.get("operator")
        values = list(requirement.get("values") or [])
        present = key in labels
        if (operator == "In" and not (present and labels[key] in values)) or (
                operator == "NotIn" and present and labels[key] in values) or (
                operator == "Exists" and not present) or (operator == "DoesNotExist" and present):
            return False
    return True


def _namespace(props: Props) -> str:
    return str((props.get("metadata") or {}).get("namespace") or "default")


def pod_labels(type_: str, props: Props) -> Mapping[str, str] | None:
    """The labels of the pods a workload resource runs (``None`` when it is no workload)."""
    if type_ == POD:
        return dict((props.get("metadata") or {}).get("labels") or {})
    if type_ not in CONTROLLERS:
        return None
    spec = props.get("spec") or {}
    if type_ == CRON_JOB:
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    labels = dict(((spec.get("template") or {}).get("metadata") or {}).get("labels") or {})
    if type_ == JOB:
        labels.update(dict.fromkeys(JOB_NAME_LABELS, str((props.get("metadata") or {}).get("name"))))
    return labels


def _selectors(type_: str, props: Props) -> Iterator[tuple[str, str, Props]]:
    """(what, namespace, selector) for each pod selector of ``props`` whose namespace is known."""
    namespace, spec = _namespace(props), props.get("spec") or {}
    if type_ == "kubernetes:core/v1:Service" and spec.get("selector"):
        yield "selector", namespace, {"matchLabels": spec["selector"]}
    elif type_ == "kubernetes:policy/v1:PodDisruptionBudget" and spec.get("selector") is not None:
        yield "selector", namespace, spec["selector"]
    elif type_ == "kubernetes:networking.k8s.io/v1:NetworkPolicy":
        yield "podSelector", namespace, spec.get("podSelector") or {}
        for direction, side in (("ingress", "from"), ("egress", "to")):
            for index, rule in enumerate(spec.get(direction) or []):
                for peer_index, peer in enumerate(rule.get(side) or []):
                    if peer.get("podSelector") is None:
                        continue
                    where = f"{direction}[{index}].{side}[{peer_index}].podSelector"
                    namespaces = peer.get("namespaceSelector")
                    if namespaces is None:
                        yield where, namespace, peer["podSelector"]
                    elif not namespaces.get("matchExpressions") and (namespaces.get("matchLabels") or {}).keys() == {
                            "kubernetes.io/metadata.name"}:
                        yield where, namespaces["matchLabels"]["kubernetes.io/metadata.name"], peer["podSelector"]


def selectors_pick_pods(resources: Sequence[tuple[str, Props]], governed_elsewhere: Sequence[str]) -> Iterator[str]:
    """The stack check: a message for each selector that picks no declared pod in a namespace whose pods are known."""
    pods: dict[str, list[Mapping[str, str]]] = {}
    unknown = set(governed_elsewhere)
    for type_, props in resources:
        if type_ in BUNDLES_ANYWHERE:
            return
        if type_ in BUNDLES_IN_A_NAMESPACE:
            unknown.add(str(props.get("namespace") or "default"))
        labels = pod_labels(type_, props)
        if labels is not None:
            pods.setdefault(_namespace(props), []).append(labels)
    for type_, props in resources:
        for where, namespace, selector in _selectors(type_, props):
            if namespace in pods and namespace not in unknown and not any(
                    selects(selector, labels) for labels in pods[namespace]):
                kind = type_.rsplit(":", 1)[-1]
                name = (props.get("metadata") or {}).get("name")
                yield (f"{kind} '{_namespace(props)}/{name}' {where} {_shown(selector)} picks no pod of a workload "
                       f"declared in namespace '{namespace}'")


def _shown(selector: Props) -> str:
    match_labels = dict(selector.get("matchLabels") or {})
    expressions = [dict(e) for e in selector.get("matchExpressions") or []]
    return str({"matchLabels": match_labels, "matchExpressions": expressions} if expressions else match_labels)
