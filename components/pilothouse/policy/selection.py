"""The stack rule ``k8s-selectors-pick-pods``: every pod selector of a NetworkPolicy, Service or PodDisruptionBudget
picks the pods of some workload the stack declares in that namespace.

A selector that picks nothing is valid to the API server and silently useless: a NetworkPolicy whose label has a
typo lets no traffic through, a Service routes to no endpoint. Which pods a selector picks follows Kubernetes'
``LabelSelector`` semantics (``matchLabels`` and every ``matchExpressions`` requirement; an empty selector picks every
pod; a Service's ``selector`` map is ``matchLabels``), over the pod templates' labels plus those the API server adds
to a Job's pods (``batch.kubernetes.io/job-name`` and ``job-name``).

Only what the stack shows is judged, so the rule never reports a selector it cannot see through:

- namespaces where the stack declares a workload, and only those whose every object is of a kind known to run no
  pods or modelled here (a chart, a YAML bundle, a custom resource of another kind such as an Argo Rollout, or a
  patch may add pods there), that are not ``kube-*`` (the cluster's own add-ons run there) and not in
  ``Settings.governed_elsewhere`` (another stack's workloads run there too);
- selectors that a valid ``LabelSelector`` (an API server would refuse another, and the selector then picks
  nothing anyway) and that do not name a label only a controller gives single pods
  (``statefulset.kubernetes.io/pod-name``, ``apps.kubernetes.io/pod-index``,
  ``batch.kubernetes.io/job-completion-index``, hashes).

Properties are taken as the engine hands them, whatever their shape: a part that is not what Kubernetes expects is
not judged, never a crash.
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
#: Kinds that run no pods of their own: a namespace holding only these and modelled workloads has known pods. Not a
#: Gateway: its controller may run the Gateway's pods in its namespace (Istio, AKS application routing).
PODLESS_KINDS = frozenset({
    "Namespace", "ConfigMap", "Secret", "Service", "ServiceAccount", "NetworkPolicy", "PodDisruptionBudget",
    "HorizontalPodAutoscaler", "Role", "RoleBinding", "PersistentVolumeClaim", "Ingress", "ResourceQuota",
    "LimitRange", "Endpoints", "EndpointSlice", "ServiceMonitor", "PodMonitor", "PrometheusRule", "HTTPRoute",
    "GRPCRoute", "ReferenceGrant", "SecretProviderClass", "PersistentVolumeClaimPatch"})
#: Resources whose objects the stack's inputs do not show, in the namespace they name or anywhere.
BUNDLES_IN_A_NAMESPACE = {"kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart",
                          "kubernetes:helm.sh/v3:Chart"}
BUNDLES_ANYWHERE = {"kubernetes:yaml/v2:ConfigGroup", "kubernetes:yaml/v2:ConfigFile",
                    "kubernetes:yaml:ConfigGroup", "kubernetes:yaml:ConfigFile", "kubernetes:kustomize/v2:Directory",
                    "kubernetes:kustomize:Directory"}
#: The labels the API server gives a Job's pods: its name, under the current key and the legacy one.
JOB_NAME_LABELS = ("batch.kubernetes.io/job-name", "job-name")
#: Labels controllers give single pods, which no template shows (StatefulSet, indexed Job, rollout hashes).
PER_POD_LABELS = frozenset({"statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index",
                            "batch.kubernetes.io/job-completion-index", "controller-revision-hash",
                            "pod-template-hash", "batch.kubernetes.io/controller-uid", "controller-uid"})
OPERATORS = frozenset({"In", "NotIn", "Exists", "DoesNotExist"})
#: The longest selector or name a violation message shows.
SHOWN_MAX = 200


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _seq(value: object) -> Sequence[Any]:
    return value if isinstance(value, Sequence) and not isinstance(value, str | bytes) else ()


def _text_map(value: object) -> dict[str, str] | None:
    """``value`` as labels, or ``None`` when it is not a map of text to text."""
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return None
    return dict(value)


def label_selector(value: object) -> Props | None:
    """``value`` when it is a valid ``LabelSelector`` that names no per-pod label, else ``None`` (not judged)."""
    if not isinstance(value, Mapping) or _text_map(value.get("matchLabels") or {}) is None:
        return None
    keys = set(_map(value.get("matchLabels")))
    for requirement in _seq(value.get("matchExpressions")):
        if not isinstance(requirement, Mapping) or not isinstance(requirement.get("key"), str):
            return None
        values = requirement.get("values") or []
        operator = requirement.get("operator")
        if operator not in OPERATORS or not isinstance(values, Sequence) or isinstance(values, str) or not all(
                isinstance(v, str) for v in values) or (operator in ("In", "NotIn")) != bool(values):
            return None
        keys.add(requirement["key"])
    return None if keys & PER_POD_LABELS else value


def selects(selector: Props, labels: Mapping[str, str]) -> bool:
    """Whether the valid ``LabelSelector`` ``selector`` (manifest form, see :func:`label_selector`) picks a pod
    labelled ``labels``."""
    if any(labels.get(key) != value for key, value in _map(selector.get("matchLabels")).items()):
        return False
    for requirement in _seq(selector.get("matchExpressions")):
        key, operator, values = requirement["key"], requirement["operator"], list(requirement.get("values") or [])
        present = key in labels
        if (operator == "In" and not (present and labels[key] in values)) or (
                operator == "NotIn" and present and labels[key] in values) or (
                operator == "Exists" and not present) or (operator == "DoesNotExist" and present):
            return False
    return True


def _namespace(props: Props, default: str | None = "default") -> str | None:
    """The object's namespace (``default`` when it names none), ``None`` when that is not text."""
    namespace = _map(props.get("metadata")).get("namespace") or default
    return namespace if isinstance(namespace, str) else None


def _kind(type_: str, props: Props) -> str:
    kind = props.get("kind") if type_.endswith(":CustomResource") else type_.rsplit(":", 1)[-1]
    return kind if isinstance(kind, str) else ""


def pod_labels(type_: str, props: Props) -> dict[str, str] | None:
    """The labels of the pods a workload resource runs (``None`` when it is no workload, or they are unreadable)."""
    if type_ == POD:
        return _text_map(_map(props.get("metadata")).get("labels") or {})
    if type_ not in CONTROLLERS:
        return None
    spec = _map(props.get("spec"))
    if type_ == CRON_JOB:
        spec = _map(_map(spec.get("jobTemplate")).get("spec"))
    labels = _text_map(_map(_map(spec.get("template")).get("metadata")).get("labels") or {})
    name = _map(props.get("metadata")).get("name")
    if labels is not None and type_ == JOB and isinstance(name, str):
        labels.update(dict.fromkeys(JOB_NAME_LABELS, name))
    return labels


def _selectors(type_: str, props: Props) -> Iterator[tuple[str, str | None, object]]:
    """(where, namespace, selector) for each pod selector of ``props`` whose namespace is known."""
    namespace, spec = _namespace(props), _map(props.get("spec"))
    if type_ == "kubernetes:core/v1:Service" and spec.get("selector"):
        yield "selector", namespace, {"matchLabels": spec["selector"]}
    elif type_ == "kubernetes:policy/v1:PodDisruptionBudget" and spec.get("selector") is not None:
        yield "selector", namespace, spec["selector"]
    elif type_ == "kubernetes:networking.k8s.io/v1:NetworkPolicy":
        yield "podSelector", namespace, spec.get("podSelector") or {}
        for direction, side in (("ingress", "from"), ("egress", "to")):
            for index, rule in enumerate(_seq(spec.get(direction))):
                for peer_index, entry in enumerate(_seq(_map(rule).get(side))):
                    peer = _map(entry)
                    if peer.get("podSelector") is None:
                        continue
                    where = f"{direction}[{index}].{side}[{peer_index}].podSelector"
                    namespaces = peer.get("namespaceSelector")
                    if namespaces is None:
                        yield where, namespace, peer["podSelector"]
                    elif isinstance(namespaces, Mapping) and not namespaces.get("matchExpressions") and set(
                            _map(namespaces.get("matchLabels"))) == {"kubernetes.io/metadata.name"}:
                        named = namespaces["matchLabels"]["kubernetes.io/metadata.name"]
                        yield where, named if isinstance(named, str) else None, peer["podSelector"]


def selectors_pick_pods(resources: Sequence[tuple[str, Props]], governed_elsewhere: Sequence[str]) -> Iterator[str]:
    """The stack check: a message for each selector that picks no declared pod in a namespace whose pods are known."""
    pods: dict[str, list[dict[str, str]]] = {}
    unknown = set(governed_elsewhere)
    for type_, props in resources:
        if type_ in BUNDLES_ANYWHERE:
            return
        namespace = _namespace(props)
        if type_ in BUNDLES_IN_A_NAMESPACE:
            unknown.add(str(props.get("namespace") or "default"))
        elif namespace is not None and (labels := pod_labels(type_, props)) is not None:
            pods.setdefault(namespace, []).append(labels)
        elif type_ in CONTROLLERS or type_ == POD or (
                type_.startswith("kubernetes:") and _kind(type_, props) not in PODLESS_KINDS
                and (namespace := _namespace(props, default=None)) is not None):
            unknown.add(str(namespace))  # pods it cannot read or does not model (cluster-scoped objects: none)
    for type_, props in resources:
        for where, namespace, value in _selectors(type_, props):
            selector = label_selector(value)
            if (selector is None or namespace not in pods or namespace in unknown or namespace.startswith("kube-")
                    or any(selects(selector, labels) for labels in pods[namespace])):
                continue
            name = _map(props.get("metadata")).get("name")
            yield (f"{_kind(type_, props)} {_shown(f'{_namespace(props)}/{name}')} {where} {_shown(selector)} picks "
                   f"no pod of a workload declared in namespace {_shown(namespace)}")


def _shown(value: object) -> str:
    """``value`` as a message shows it: a selector's labels (with its expressions when it has some) or a name,
    quoted with control characters escaped, and shortened past :data:`SHOWN_MAX` characters."""
    if isinstance(value, Mapping):
        labels = dict(_map(value.get("matchLabels")))
        expressions = [dict(e) for e in _seq(value.get("matchExpressions"))]
        text = repr({"matchLabels": labels, "matchExpressions": expressions} if expressions else labels)
    else:
        text = repr(str(value))
    return text if len(text) <= SHOWN_MAX else f"{text[:SHOWN_MAX]}... ({len(text)} characters)"
