"""A pod's affinity as given (PodSpec.affinity), checked as the API server checks it (validateAffinity and the pod
warnings); the differential oracle (tests/oracle) compares the two on generated affinities."""

from __future__ import annotations

from typing import Any

import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes import Container, LabelSelector, PodSpec, require_nodes, same_node_as, spread_by

APP = Container(name="app", image="nginx:1.27")
REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"
PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution"
NODE_TERMS = f"pod.affinity.nodeAffinity.{REQUIRED}.nodeSelectorTerms"


def _node(*expressions: dict[str, Any]) -> dict[str, Any]:
    return {"nodeAffinity": {REQUIRED: {"nodeSelectorTerms": [{"matchExpressions": list(expressions)}]}}}


def _pod_term(**term: Any) -> dict[str, Any]:
    return {"podAntiAffinity": {REQUIRED: [{"labelSelector": {"matchLabels": {"app": "web"}},
                                            "topologyKey": "kubernetes.io/hostname", **term}]}}


@pytest.mark.parametrize("affinity", [
    require_nodes(LabelSelector.where(agentpool="gpu").with_in("zone", "1", "2")),
    spread_by({"app": "web"}),
    same_node_as({"app": "db"}),
    _node({"key": "example.com/cores", "operator": "Gt", "values": ["4"]}),
    {"nodeAffinity": {PREFERRED: [{"weight": 100, "preference": {"matchFields": [
        {"key": "metadata.name", "operator": "NotIn", "values": ["aks-system-0"]}]}}]}},
    _pod_term(namespaces=["shop"], matchLabelKeys=["pod-template-hash"], mismatchLabelKeys=["tenant"]),
    {"podAffinity": None, "nodeAffinity": {}},  # unset parts, as a null in JSON
])
def test_affinities_the_api_server_takes_are_rendered_as_given(affinity: dict[str, Any]) -> None:
    pod = PodSpec(containers=(APP,), affinity=affinity)
    assert pod.to_manifest()["affinity"] == affinity
    assert pod.affinity is not affinity  # a copy: changing the dict later does not change what was checked


@pytest.mark.parametrize(("affinity", "message"), [
    ({"nodeAfinity": {}}, "pod.affinity['nodeAfinity']: got {}; expected a field of Affinity: nodeAffinity, "
                          "podAffinity, podAntiAffinity"),
    ("zone=1", "pod.affinity: got 'zone=1'; expected an object of type Affinity (fields: nodeAffinity, podAffinity, "
               "podAntiAffinity)"),
    ({"nodeAffinity": {REQUIRED: {"nodeSelectorTerms": []}}},
     f"{NODE_TERMS}: got []; expected at least one node selector term (an empty list matches no node)"),
    ({"nodeAffinity": {REQUIRED: {"nodeSelectorTerms": [{}]}}},
     f"{NODE_TERMS}[0]: got {{}}; expected at least one requirement (matchExpressions or matchFields): an empty "
     "required term matches no node"),
    (_node({"key": "zone", "operator": "In"}),
     f"{NODE_TERMS}[0].matchExpressions[0].values: got []; expected at least one value with operator 'In'"),
    (_node({"key": "zone", "operator": "Exists", "values": ["1"]}),
     f"{NODE_TERMS}[0].matchExpressions[0].values: got ['1']; expected no values with operator 'Exists'"),
    (_node({"key": "cores", "operator": "Gt", "values": ["4", "8"]}),
     f"{NODE_TERMS}[0].matchExpressions[0].values: got ['4', '8']; expected exactly one value with operator 'Gt'"),
    (_node({"key": "cores", "operator": "Lt", "values": ["4.5"]}),
     f"{NODE_TERMS}[0].matchExpressions[0].values[0]: got '4.5'; expected a whole number for operator 'Lt' (the "
     "scheduler compares the node's label as one, and no node matches other text)"),
    (_node({"key": "zone", "operator": "in", "values": ["1"]}),
     f"{NODE_TERMS}[0].matchExpressions[0].operator: got 'in'; expected one of In, NotIn, Exists, DoesNotExist, Gt, "
     "Lt"),
    (_node({"key": "failure-domain.beta.kubernetes.io/zone", "operator": "Exists"}),
     f"{NODE_TERMS}[0].matchExpressions[0].key: got 'failure-domain.beta.kubernetes.io/zone'; expected a node label "
     'that is not deprecated: deprecated since v1.17; use "topology.kubernetes.io/zone" instead'),
    (_node({"key": "zone", "operator": "In", "values": ["east us"]}),
     f"{NODE_TERMS}[0].matchExpressions[0].values[0]: got 'east us'; expected a label value: a valid label must be an "
     "empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
     "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
     "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
    ({"nodeAffinity": {PREFERRED: [{"weight": 0, "preference": {}}]}},
     f"pod.affinity.nodeAffinity.{PREFERRED}[0].weight: got 0; expected a whole number from 1 to 100"),
    ({"nodeAffinity": {PREFERRED: [{"weight": True, "preference": {}}]}},
     f"pod.affinity.nodeAffinity.{PREFERRED}[0].weight: got True; expected a whole number from 1 to 100"),
    ({"nodeAffinity": {REQUIRED: {"nodeSelectorTerms": [{"matchFields": [
        {"key": "metadata.uid", "operator": "In", "values": ["x"]}]}]}}},
     f"{NODE_TERMS}[0].matchFields[0].key: got 'metadata.uid'; expected 'metadata.name', the one field a node field "
     "selector takes"),
    ({"nodeAffinity": {REQUIRED: {"nodeSelectorTerms": [{"matchFields": [
        {"key": "metadata.name", "operator": "In", "values": ["a", "b"]}]}]}}},
     f"{NODE_TERMS}[0].matchFields[0].values: got ['a', 'b']; expected exactly one node name (a node field selector)"),
    ({"podAntiAffinity": {REQUIRED: [{"topologyKey": "kubernetes.io/hostname"}]}},
     f"pod.affinity.podAntiAffinity.{REQUIRED}[0].labelSelector: got None; expected a label selector (a null "
     "labelSelector results in matching no pod)"),
    (_pod_term(topologyKey=""),
     f"pod.affinity.podAntiAffinity.{REQUIRED}[0].topologyKey: got ''; expected a node label key such as "
     "'kubernetes.io/hostname'"),
    (_pod_term(namespaces=["Shop"]),
     f"pod.affinity.podAntiAffinity.{REQUIRED}[0].namespaces[0]: got 'Shop'; expected a DNS-1123 label: a lowercase "
     "RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an "
     "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
     "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
    (_pod_term(matchLabelKeys=["app"]),
     f"pod.affinity.podAntiAffinity.{REQUIRED}[0].matchLabelKeys: got 'app'; expected a key the labelSelector does "
     "not name (the API server adds it to the selector)"),
    (_pod_term(matchLabelKeys=["tenant"], mismatchLabelKeys=["tenant"]),
     f"pod.affinity.podAntiAffinity.{REQUIRED}[0].matchLabelKeys: got 'tenant'; expected a key not also in "
     "mismatchLabelKeys"),
    ({"podAffinity": {PREFERRED: [{"weight": 101, "podAffinityTerm": {}}]}},
     f"pod.affinity.podAffinity.{PREFERRED}[0].weight: got 101; expected a whole number from 1 to 100"),
    ({"nodeAffinity": {PREFERRED: {}}},
     f"pod.affinity.nodeAffinity.{PREFERRED}: got {{}}; expected a list of preferred scheduling terms"),
    (_node({"key": "cores", "operator": "Gt", "values": ["1" * 4301]}),
     f"{NODE_TERMS}[0].matchExpressions[0].values[0]: got '{'1' * 199}... (4301 characters); expected a label "
     "value: must be no more than 63 bytes"),
    (_pod_term(matchLabelKeys=["pod-template-hash", "pod-template-hash"]),
     f"pod.affinity.podAntiAffinity.{REQUIRED}[0].matchLabelKeys: got 'pod-template-hash'; expected each key once "
     "(the API server adds it to the selector)"),
    (_pod_term(labelSelector={"matchExpressions": [{"key": "app", "operator": "Gt", "values": ["1", "2"]}]}),
     f"pod.affinity.podAntiAffinity.{REQUIRED}[0].labelSelector.matchExpressions[0].operator: got 'Gt'; expected "
     "one of In, NotIn, Exists, DoesNotExist"),
    ({"podAffinity": {REQUIRED: {"topologyKey": "zone"}}},
     f"pod.affinity.podAffinity.{REQUIRED}: got {{'topologyKey': 'zone'}}; expected a list of pod affinity terms"),
])
def test_affinities_the_api_server_refuses_or_warns_about_are_refused(affinity: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        PodSpec(containers=(APP,), affinity=affinity)
    assert str(error.value) == message


def test_a_deprecated_node_label_in_the_node_selector_is_refused() -> None:
    with pytest.raises(InvalidValueError) as error:
        PodSpec(containers=(APP,), node_selector={"beta.kubernetes.io/os": "linux"})
    assert str(error.value) == ("pod.node_selector['beta.kubernetes.io/os']: got 'beta.kubernetes.io/os'; expected a "
                                'node label that is not deprecated: deprecated since v1.14; use "kubernetes.io/os" '
                                "instead")
