"""The stack rule ``k8s-selectors-pick-pods``: a selector that picks no declared pod is a violation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.deployment import Deployment, DeploymentArgs
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs
from pilothouse.kubernetes.network_policy import TrafficRule
from pilothouse.kubernetes.pod_spec import PodSpec
from pilothouse.offline import engine
from pilothouse.offline.render import manifest
from pilothouse.policy.offline import check
from pilothouse.policy.rules import Settings, evaluate
from pilothouse.policy.selection import selects
from tests.conftest import STACKS

RULE = "k8s-selectors-pick-pods"
WEB = ("kubernetes:apps/v1:Deployment", {"metadata": {"name": "web", "namespace": "shop"}, "spec": {
    "selector": {"matchLabels": {"app": "web"}},
    "template": {"metadata": {"labels": {"app": "web", "tier": "front"}}, "spec": {}}}})


def violations(*resources: tuple[str, dict[str, Any]], settings: Settings | None = None) -> list[str]:
    named = [(f"r{index}", type_, props) for index, (type_, props) in enumerate(resources)]
    return [v.message for v in evaluate(named, settings) if v.rule.id == RULE]


def policy(spec: dict[str, Any], namespace: str = "shop") -> tuple[str, dict[str, Any]]:
    return ("kubernetes:networking.k8s.io/v1:NetworkPolicy",
            {"metadata": {"name": "allow", "namespace": namespace}, "spec": spec})


@pytest.mark.parametrize(("selector", "picked"), [
    ({}, True),
    ({"matchLabels": {"app": "web"}}, True),
    ({"matchLabels": {"app": "wbe"}}, False),
    ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "back"]}]}, True),
    ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["back"]}]}, False),
    ({"matchExpressions": [{"key": "track", "operator": "In", "values": ["canary"]}]}, False),
    ({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["front"]}]}, False),
    ({"matchExpressions": [{"key": "track", "operator": "NotIn", "values": ["canary"]}]}, True),
    ({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}, True),
    ({"matchExpressions": [{"key": "track", "operator": "Exists"}]}, False),
    ({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}, False),
    ({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "track", "operator": "DoesNotExist"}]}, True),
])
def test_selectors_follow_kubernetes_label_selector_semantics(selector: dict[str, Any], picked: bool) -> None:
    assert selects(selector, {"app": "web", "tier": "front"}) is picked


def test_a_typo_in_a_traffic_rule_is_a_violation() -> None:
    typo = policy({"podSelector": {"matchLabels": {"app": "wbe"}}, "policyTypes": ["Ingress"],
                   "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}]}]})
    assert violations(WEB, typo) == [
        "NetworkPolicy 'shop/allow' podSelector {'app': 'wbe'} picks no pod of a workload declared in namespace "
        "'shop'"]
    peer = policy({"podSelector": {}, "policyTypes": ["Egress"],
                   "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "db"}}}]}]})
    assert violations(WEB, peer) == [
        "NetworkPolicy 'shop/allow' egress[0].to[0].podSelector {'app': 'db'} picks no pod of a workload declared "
        "in namespace 'shop'"]


def test_services_and_disruption_budgets_are_judged_too() -> None:
    service = ("kubernetes:core/v1:Service", {"metadata": {"name": "web", "namespace": "shop"},
                                              "spec": {"selector": {"app": "web-app"}}})
    budget = ("kubernetes:policy/v1:PodDisruptionBudget", {"metadata": {"name": "web", "namespace": "shop"},
                                                          "spec": {"selector": {"matchLabels": {"app": "web"}}}})
    external = ("kubernetes:core/v1:Service", {"metadata": {"name": "db", "namespace": "shop"},
                                               "spec": {"type": "ExternalName", "externalName": "db.example.com"}})
    assert violations(WEB, service, budget, external) == [
        "Service 'shop/web' selector {'app': 'web-app'} picks no pod of a workload declared in namespace 'shop'"]


def test_a_peer_in_another_namespace_is_judged_by_that_namespace() -> None:
    other = policy({"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}},
        "podSelector": {"matchLabels": {"app": "api"}}}]}]}, namespace="reports")
    assert violations(WEB, other) == [
        "NetworkPolicy 'reports/allow' egress[0].to[0].podSelector {'app': 'api'} picks no pod of a workload "
        "declared in namespace 'shop'"]


def test_job_pods_carry_the_name_labels_the_api_server_adds() -> None:
    job = ("kubernetes:batch/v1:Job", {"metadata": {"name": "migrate", "namespace": "shop"},
                                       "spec": {"template": {"spec": {}}}})
    for key in ("batch.kubernetes.io/job-name", "job-name"):
        assert violations(job, policy({"podSelector": {"matchLabels": {key: "migrate"}}})) == []
    cron = ("kubernetes:batch/v1:CronJob", {"metadata": {"name": "report", "namespace": "shop"}, "spec": {
        "jobTemplate": {"spec": {"template": {"metadata": {"labels": {"app": "report"}}, "spec": {}}}}}})
    assert violations(cron, policy({"podSelector": {"matchLabels": {"app": "report"}}})) == []


def test_namespaces_whose_pods_the_stack_does_not_know_are_not_judged() -> None:
    typo = policy({"podSelector": {"matchLabels": {"app": "wbe"}}})
    # No workload of this stack there: the platform stack's rules for an app stack's workloads.
    assert violations(typo) == []
    # Another stack's workloads run there too.
    assert violations(WEB, typo, settings=Settings(governed_elsewhere=("shop",))) == []
    # A chart deploys into it.
    chart = ("kubernetes:helm.sh/v4:Chart", {"namespace": "shop", "chart": "traefik"})
    assert violations(WEB, typo, chart) == []
    # A YAML bundle may deploy anywhere.
    assert violations(WEB, typo, ("kubernetes:yaml/v2:ConfigGroup", {"yaml": ["..."]})) == []
    assert violations(WEB, typo) != []


def test_a_pilothouse_program_with_a_mistyped_rule_is_caught() -> None:
    """The traffic rules of ``NamespaceArgs.allow`` name pods by label strings, before any workload exists: the
    stack rule is what notices that they pick nothing."""
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop", allow=(
            TrafficRule.ingress_from_namespace("web-from-gateway", "ingress", ports=(8080,), pods={"app": "wbe"}),)))
        Deployment("web", DeploymentArgs(name="web", namespace=shop, pod=PodSpec(
            containers=(Container(name="web", image="shop/web:1.0"),))))

    resources = [(r.name, r.type, manifest(r)) for r in engine.run(program, stack="test").resources if r.custom]
    assert [v.message for v in evaluate(resources) if v.rule.id == RULE] == [
        "NetworkPolicy 'shop/allow-web-from-gateway' podSelector {'app': 'wbe'} picks no pod of a workload declared "
        "in namespace 'shop'"]


@pytest.mark.parametrize("stack", STACKS)
def test_every_selector_of_our_stacks_is_judged_and_picks_pods(stack: str, rendered: dict[str, Path]) -> None:
    assert [v for v in check(rendered[stack]) if v.rule.id == RULE] == []
    # Judged, not skipped: the same render with one typo in each allow_to policy of the shop is caught.
    resources = [(r["name"], r["type"], r["inputs"]) for r in json.loads(
        (rendered[stack] / "resources.json").read_text()) if r["custom"]]
    mistyped = 0
    for _, type_, props in resources:
        if type_.endswith("NetworkPolicy") and "-to-" in props["metadata"]["name"]:
            props["spec"]["podSelector"] = {"matchLabels": {"app": "typo"}}
            mistyped += 1
    assert mistyped >= 6
    assert len([v for v in evaluate(resources) if v.rule.id == RULE]) == mistyped


@pytest.mark.parametrize("hostile", [
    policy({"podSelector": "app=web"}),
    policy({"podSelector": {"matchLabels": {"app": None}}}),
    policy({"podSelector": {"matchExpressions": [None, {"key": "app", "operator": "in", "values": ["wbe"]}]}}),
    policy({"podSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": "wbe"}]}}),
    policy({"podSelector": {}, "ingress": [None, {"from": [None, "x", {"podSelector": ["app"]}]}]}),
    policy({"podSelector": {}, "egress": [{"to": [{"namespaceSelector": {"matchLabels": {
        "kubernetes.io/metadata.name": {"a": 1}}}, "podSelector": {"matchLabels": {"app": "x"}}}]}]}),
    ("kubernetes:core/v1:Service", {"metadata": {"name": "web", "namespace": "shop"}, "spec": {"selector": "app=web"}}),
    ("kubernetes:policy/v1:PodDisruptionBudget", {"metadata": {"name": "web", "namespace": ["shop"]},
                                                  "spec": {"selector": 7}}),
    ("kubernetes:apps/v1:Deployment", {"metadata": {"name": "api", "namespace": "shop"},
                                       "spec": {"template": {"metadata": {"labels": "app=api"}}}}),
])
def test_shapes_no_api_server_takes_are_not_judged_and_never_crash(hostile: tuple[str, dict[str, Any]]) -> None:
    assert violations(WEB, hostile) == []


def test_a_rule_that_cannot_read_a_resource_reports_it_instead_of_crashing() -> None:
    resources = [("web", "kubernetes:apps/v1:Deployment", {"spec": {"template": {"spec": "not a pod spec"}}})]
    found = {v.rule.id: v.message for v in evaluate(resources) if v.message.startswith("the properties are not")}
    assert found["k8s-requests-limits"] == ("the properties are not those of a valid object, so the rule cannot judge "
                                            "them (AttributeError: 'str' object has no attribute 'get')")


def test_selectors_the_stack_cannot_see_through_are_not_judged() -> None:
    # Pods in kube-* run the cluster's add-ons (the default deny's DNS peer is kube-dns there).
    agent = ("kubernetes:apps/v1:DaemonSet", {"metadata": {"name": "agent", "namespace": "kube-system"}, "spec": {
        "template": {"metadata": {"labels": {"app": "agent"}}}}})
    dns = policy({"podSelector": {}, "egress": [{"to": [{
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}]}]})
    assert violations(WEB, agent, dns) == []
    # A label only a controller gives single pods (a Service per StatefulSet pod).
    per_pod = ("kubernetes:core/v1:Service", {"metadata": {"name": "web-0", "namespace": "shop"}, "spec": {
        "selector": {"app": "web", "statefulset.kubernetes.io/pod-name": "web-0"}}})
    assert violations(WEB, per_pod) == []
    # Pods from kinds not modelled here: a custom resource (Argo Rollout), a patch, an older API version.
    typo = policy({"podSelector": {"matchLabels": {"app": "wbe"}}})
    for source in (("kubernetes:argoproj.io/v1alpha1:Rollout", {"metadata": {"name": "api", "namespace": "shop"}}),
                   ("kubernetes:apiextensions.k8s.io:CustomResource", {"kind": "Rollout", "metadata": {
                       "name": "api", "namespace": "shop"}}),
                   ("kubernetes:apps/v1:DeploymentPatch", {"metadata": {"name": "legacy", "namespace": "shop"}}),
                   ("kubernetes:batch/v1beta1:CronJob", {"metadata": {"name": "report", "namespace": "shop"}})):
        assert violations(WEB, typo, source) == [], source[0]
    # Cluster-scoped objects and custom resources that run no pods leave the namespace judged.
    for neighbour in (("kubernetes:storage.k8s.io/v1:StorageClass", {"metadata": {"name": "fast"}}),
                      ("kubernetes:apiextensions.k8s.io:CustomResource", {"kind": "ServiceMonitor", "metadata": {
                          "name": "web", "namespace": "shop"}}),
                      ("azure-native:keyvault:Vault", {"vaultName": "kv"})):
        assert violations(WEB, typo, neighbour) != [], neighbour[0]


def test_messages_escape_and_shorten_what_they_show() -> None:
    hostile = ("kubernetes:networking.k8s.io/v1:NetworkPolicy", {
        "metadata": {"name": "x\npolicy: no violations", "namespace": "shop"},
        "spec": {"podSelector": {"matchLabels": {f"k{i}": "v" for i in range(100)}}}})
    [message] = violations(WEB, hostile)
    assert "\n" not in message
    assert message.startswith("NetworkPolicy 'shop/x\\npolicy: no violations' podSelector {'k0': 'v'")
    assert "... (1190 characters) picks no pod" in message
