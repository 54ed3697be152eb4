"""A pod's ``affinity`` (node affinity, pod affinity and anti-affinity) as given, checked as the API server checks it.

The rules and messages are the API server's ``validateAffinity`` (``pkg/apis/core/validation``, Kubernetes 1.37):
node selector terms, requirements and their operators, weights, pod affinity terms with their label and namespace
selectors, ``matchLabelKeys`` and ``mismatchLabelKeys``, topology keys. Some rules are stricter, deliberately:

- a field the ``Affinity`` API type does not have, or a value of another type, is refused (the API server drops an
  unknown field with a warning, and the rule the author meant is lost);
- a ``Gt`` or ``Lt`` node requirement's value is a whole number (the API server takes any text, and the scheduler
  then matches no node with it: the pods stay Pending);
- a required node selector term has at least one requirement ("a null or empty node selector term matches no
  objects", ``NodeSelectorTerm``: the API server takes it, and a pod whose only term it is stays Pending);
- a ``matchLabelKeys`` key the ``labelSelector`` also names, or one listed twice, is refused whatever the pod's
  labels (the API server refuses it once the pod carries that label, as it then adds the key to the selector a
  second time).

The API server's warnings count as refusals (``pkg/api/pod/warnings.go``): a pod affinity term without a
``labelSelector`` ("a null labelSelector results in matching no pod"), a deprecated node label
(:data:`DEPRECATED_NODE_LABELS`) in a node term, and a value of a preferred node term that is not a label value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.names import dns_label, dns_subdomain, label_key, label_value, labels

_NODE_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")
_SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
_WHOLE = re.compile(r"[+-]?[0-9]+")
_INT64 = 2**63
_RULES = "requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"
#: Node labels the API server warns about in node selectors and node affinity, with its message
#: (``deprecatedNodeLabels``, ``pkg/api/node/util.go``).
DEPRECATED_NODE_LABELS = {
    "beta.kubernetes.io/arch": 'deprecated since v1.14; use "kubernetes.io/arch" instead',
    "beta.kubernetes.io/os": 'deprecated since v1.14; use "kubernetes.io/os" instead',
    "failure-domain.beta.kubernetes.io/region": 'deprecated since v1.17; use "topology.kubernetes.io/region" instead',
    "failure-domain.beta.kubernetes.io/zone": 'deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
    "beta.kubernetes.io/instance-type": 'deprecated since v1.17; use "node.kubernetes.io/instance-type" instead',
    "app.kubernetes.io/created-by": "deprecated since v1.9",
    "scheduler.alpha.kubernetes.io/preferAvoidPods": "deprecated since v1.22; use Taints and Tolerations instead",
    "node-role.kubernetes.io/master": 'use "node-role.kubernetes.io/control-plane" instead',
}


def node_label_key(field: str, key: str) -> str:
    """A node label key for a node selector or node affinity: a label key the API server does not warn about.

    Raises:
        InvalidValueError: naming ``field`` (not a label key, or a deprecated node label).
    """
    label_key(field, key)
    if key in DEPRECATED_NODE_LABELS:
        raise InvalidValueError(field, key, f"a node label that is not deprecated: {DEPRECATED_NODE_LABELS[key]}")
    return key


def check_affinity(field: str, affinity: object) -> None:
    """Refuse ``affinity`` (the ``Affinity`` API type as JSON: ``nodeAffinity``, ``podAffinity``,
    ``podAntiAffinity``) where the API server would refuse it or warn (a checked class's field is already a copy:
    :mod:`pilothouse.typed`).

    Raises:
        InvalidValueError: naming the first offending field below ``field``
            (``pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]...``),
            its value and the API server's message.
    """
    known = _fields(field, affinity, "Affinity", ("nodeAffinity", "podAffinity", "podAntiAffinity"))
    if "nodeAffinity" in known:
        _node_affinity(f"{field}.nodeAffinity", known["nodeAffinity"])
    for kind in ("podAffinity", "podAntiAffinity"):
        if kind in known:
            _pod_affinity(f"{field}.{kind}", known[kind], "PodAffinity" if kind == "podAffinity" else "PodAntiAffinity")


def _fields(field: str, value: object, type_name: str, names: Sequence[str]) -> Mapping[str, Any]:
    """``value`` as an object of the API type ``type_name``, whose fields are ``names``; unset (null) ones left out."""
    if not isinstance(value, Mapping):
        raise InvalidValueError(field, value, f"an object of type {type_name} (fields: {', '.join(names)})")
    for key in value:
        if key not in names:
            raise InvalidValueError(f"{field}[{key!r}]", value[key], f"a field of {type_name}: {', '.join(names)}")
    return {key: item for key, item in value.items() if item is not None}


def _list(field: str, value: object, what: str) -> Sequence[Any]:
    if not isinstance(value, list | tuple):
        raise InvalidValueError(field, value, f"a list of {what}")
    return value


def _strings(field: str, value: object, rule: Callable[[str, str], object]) -> list[str]:
    values = _list(field, value, "strings")
    for index, item in enumerate(values):
        rule(f"{field}[{index}]", item)
    return list(values)


def _any_text(field: str, value: object) -> None:
    if not isinstance(value, str):
        raise InvalidValueError(field, value, "a string")


def _weight(field: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise InvalidValueError(field, value, "a whole number from 1 to 100")


def _node_affinity(field: str, value: object) -> None:
    known = _fields(field, value, "NodeAffinity", _RULES)
    required, preferred = (known.get(name) for name in _RULES)
    if required is not None:
        selector = f"{field}.{_RULES[0]}"
        terms = _fields(selector, required, "NodeSelector", ("nodeSelectorTerms",)).get("nodeSelectorTerms")
        terms = _list(f"{selector}.nodeSelectorTerms", terms if terms is not None else [], "node selector terms")
        if not terms:
            raise InvalidValueError(f"{selector}.nodeSelectorTerms", [], "at least one node selector term (an "
                                                                         "empty list matches no node)")
        for index, term in enumerate(terms):
            _node_term(f"{selector}.nodeSelectorTerms[{index}]", term, required=True)
    for index, term in enumerate(_list(f"{field}.{_RULES[1]}", [] if preferred is None else preferred,
                                       "preferred scheduling terms")):
        path = f"{field}.{_RULES[1]}[{index}]"
        known_term = _fields(path, term, "PreferredSchedulingTerm", ("weight", "preference"))
        _weight(f"{path}.weight", known_term.get("weight"))
        _node_term(f"{path}.preference", known_term.get("preference", {}), required=False)


def _node_term(field: str, value: object, *, required: bool) -> None:
    known = _fields(field, value, "NodeSelectorTerm", ("matchExpressions", "matchFields"))
    if required and not known.get("matchExpressions") and not known.get("matchFields"):
        # Deliberately stricter: "a null or empty node selector term matches no objects" (NodeSelectorTerm).
        raise InvalidValueError(field, dict(known), "at least one requirement (matchExpressions or matchFields): an "
                                                    "empty required term matches no node")
    for index, requirement in enumerate(_list(f"{field}.matchExpressions", known.get("matchExpressions", []),
                                              "node selector requirements")):
        _node_requirement(f"{field}.matchExpressions[{index}]", requirement)
    for index, requirement in enumerate(_list(f"{field}.matchFields", known.get("matchFields", []),
                                              "node field selector requirements")):
        _node_field_requirement(f"{field}.matchFields[{index}]", requirement)


def _requirement(field: str, value: object, type_name: str) -> tuple[str, str, list[Any]]:
    known = _fields(field, value, type_name, ("key", "operator", "values"))
    key, operator = known.get("key", ""), known.get("operator", "")
    _any_text(f"{field}.key", key)
    _any_text(f"{field}.operator", operator)
    return key, operator, list(_list(f"{field}.values", known.get("values", []), "strings"))


def _values_for(field: str, operator: str, values: list[Any], operators: Sequence[str]) -> None:
    """``ValidateNodeSelectorRequirement`` / ``ValidateLabelSelectorRequirement``: the operator, and how many values
    it takes."""
    if operator not in operators:
        raise InvalidValueError(f"{field}.operator", operator, f"one of {', '.join(operators)}")
    if operator in ("In", "NotIn") and not values:
        raise InvalidValueError(f"{field}.values", values, f"at least one value with operator '{operator}'")
    if operator in ("Exists", "DoesNotExist") and values:
        raise InvalidValueError(f"{field}.values", values, f"no values with operator '{operator}'")
    if operator in ("Gt", "Lt") and len(values) != 1:
        raise InvalidValueError(f"{field}.values", values, f"exactly one value with operator '{operator}'")


def _node_requirement(field: str, value: object) -> None:
    key, operator, values = _requirement(field, value, "NodeSelectorRequirement")
    _values_for(field, operator, values, _NODE_OPERATORS)
    node_label_key(f"{field}.key", key)
    for index, item in enumerate(values):
        path = f"{field}.values[{index}]"
        label_value(path, item)  # the API server refuses another in a required term and warns in a preferred one
        if operator in ("Gt", "Lt") and not (_WHOLE.fullmatch(item) and -_INT64 <= int(item) < _INT64):
            # Deliberately stricter: the scheduler compares the node's label as a whole number (int64), and a value
            # that is not one matches no node.
            raise InvalidValueError(path, item, f"a whole number for operator '{operator}' (the scheduler compares "
                                                "the node's label as one, and no node matches other text)")


def _node_field_requirement(field: str, value: object) -> None:
    """``ValidateNodeFieldSelectorRequirement``: ``metadata.name`` ``In`` or ``NotIn`` one node name."""
    key, operator, values = _requirement(field, value, "NodeSelectorRequirement")
    if operator not in ("In", "NotIn"):
        raise InvalidValueError(f"{field}.operator", operator, "'In' or 'NotIn' (a node field selector)")
    if len(values) != 1:
        raise InvalidValueError(f"{field}.values", values, "exactly one node name (a node field "
                                                           "selector)")
    if key != "metadata.name":
        raise InvalidValueError(f"{field}.key", key, "'metadata.name', the one field a node field selector "
                                                  "takes")
    dns_subdomain(f"{field}.values[0]", values[0])


def _pod_affinity(field: str, value: object, type_name: str) -> None:
    known = _fields(field, value, type_name, _RULES)
    for index, term in enumerate(_list(f"{field}.{_RULES[0]}", known.get(_RULES[0], []), "pod affinity terms")):
        _pod_term(f"{field}.{_RULES[0]}[{index}]", term)
    for index, term in enumerate(_list(f"{field}.{_RULES[1]}", known.get(_RULES[1], []),
                                       "weighted pod affinity terms")):
        path = f"{field}.{_RULES[1]}[{index}]"
        weighted = _fields(path, term, "WeightedPodAffinityTerm", ("weight", "podAffinityTerm"))
        _weight(f"{path}.weight", weighted.get("weight"))
        _pod_term(f"{path}.podAffinityTerm", weighted.get("podAffinityTerm", {}))


def _pod_term(field: str, value: object) -> None:
    """``validatePodAffinityTerm``."""
    known = _fields(field, value, "PodAffinityTerm", ("labelSelector", "namespaceSelector", "namespaces",
                                                      "topologyKey", "matchLabelKeys", "mismatchLabelKeys"))
    if "labelSelector" not in known:
        raise InvalidValueError(f"{field}.labelSelector", None, "a label selector (a null labelSelector results in "
                                                                "matching no pod)")
    selector_keys = _label_selector(f"{field}.labelSelector", known["labelSelector"])
    if "namespaceSelector" in known:
        _label_selector(f"{field}.namespaceSelector", known["namespaceSelector"])
    _strings(f"{field}.namespaces", known.get("namespaces", []), dns_label)
    match_keys = _strings(f"{field}.matchLabelKeys", known.get("matchLabelKeys", []), label_key)
    mismatch_keys = _strings(f"{field}.mismatchLabelKeys", known.get("mismatchLabelKeys", []), label_key)
    for index, key in enumerate(match_keys):
        # The API server adds each matchLabelKeys key the pod carries to the selector first: a key the selector has,
        # or one listed twice, is then twice there.
        if key in match_keys[:index]:
            raise InvalidValueError(f"{field}.matchLabelKeys", key, "each key once (the API server adds it to the "
                                                                    "selector)")
        if key in selector_keys:
            raise InvalidValueError(f"{field}.matchLabelKeys", key, "a key the labelSelector does not name (the "
                                                                    "API server adds it to the selector)")
        if key in mismatch_keys:
            raise InvalidValueError(f"{field}.matchLabelKeys", key, "a key not also in mismatchLabelKeys")
    topology = known.get("topologyKey", "")
    _any_text(f"{field}.topologyKey", topology)
    if not topology:
        raise InvalidValueError(f"{field}.topologyKey", topology, "a node label key such as "
                                                                         "'kubernetes.io/hostname'")
    label_key(f"{field}.topologyKey", topology)


def _label_selector(field: str, value: object) -> set[str]:
    """``ValidateLabelSelector``; answers the keys it names."""
    known = _fields(field, value, "LabelSelector", ("matchLabels", "matchExpressions"))
    keys = set(labels(f"{field}.matchLabels", known.get("matchLabels", {})))
    for index, requirement in enumerate(_list(f"{field}.matchExpressions", known.get("matchExpressions", []),
                                              "label selector requirements")):
        path = f"{field}.matchExpressions[{index}]"
        key, operator, values = _requirement(path, requirement, "LabelSelectorRequirement")
        _values_for(path, operator, values, _SELECTOR_OPERATORS)
        label_key(f"{path}.key", key)
        for value_index, item in enumerate(values):
            label_value(f"{path}.values[{value_index}]", item)
        keys.add(key)
    return keys

