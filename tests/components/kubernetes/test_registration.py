"""A class that stands for one Kubernetes object registers that object alone, with the caller's options."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.kubernetes import (
    ConfigMap,
    ConfigMapArgs,
    Container,
    Deployment,
    DeploymentArgs,
    HorizontalPodAutoscaler,
    HorizontalPodAutoscalerArgs,
    Namespace,
    NamespaceArgs,
    PodDisruptionBudget,
    PodDisruptionBudgetArgs,
    PodSpec,
    Port,
    Resources,
    ServicePort,
    upgrades,
)
from tests.conftest import RunProgram

POD = PodSpec(containers=(Container(name="web", image="shop/web:1.0", ports=(Port.http(8080),),
                                    resources=Resources.of(cpu="100m", memory="64Mi")),))


def test_each_object_is_one_registration_of_its_kubernetes_type(run_program: RunProgram) -> None:
    built: dict[str, pulumi.Resource] = {}

    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop", isolated=False))
        built["config"] = ConfigMap("web", ConfigMapArgs(name="web", namespace=shop, data={"A": "1"}))
        web = built["web"] = Deployment("web", DeploymentArgs(name="web", namespace=shop, pod=POD, replicas=None))
        built["service"] = web.expose([ServicePort(80, target="http", name="http")])
        built["hpa"] = HorizontalPodAutoscaler("web", HorizontalPodAutoscalerArgs(target=web, min_replicas=1,
                                                                                  max_replicas=2))
        built["pdb"] = PodDisruptionBudget("web", PodDisruptionBudgetArgs(target=web, min_available=1))

    render = run_program(program)
    assert isinstance(built["config"], k8s.core.v1.ConfigMap)
    assert isinstance(built["web"], k8s.apps.v1.Deployment)
    assert isinstance(built["service"], k8s.core.v1.Service)
    assert isinstance(built["hpa"], k8s.autoscaling.v2.HorizontalPodAutoscaler)
    assert isinstance(built["pdb"], k8s.policy.v1.PodDisruptionBudget)
    # The Namespace is the one component here: it groups the namespace with its governance objects.
    assert [r.type for r in render if not r.custom] == ["pilothouse:kubernetes:Namespace"]
    assert len(render.resources) == 7


def test_the_callers_options_reach_the_object(run_program: RunProgram) -> None:
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop", isolated=False))
        first = ConfigMap("first", ConfigMapArgs(name="first", namespace=shop))
        ConfigMap("second", ConfigMapArgs(name="second", namespace=shop),
                  pulumi.ResourceOptions(protect=True, depends_on=[first]))

    render = run_program(program)
    second = render.one("kubernetes:core/v1:ConfigMap", "second")
    assert second.options["protect"] is True
    assert second.options["dependencies"] == sorted([render.one("kubernetes:core/v1:Namespace").urn,
                                                     render.one("kubernetes:core/v1:ConfigMap", "first").urn])


def test_objects_and_their_children_are_aliased_to_their_0_1_urns(run_program: RunProgram) -> None:
    # 0.1.0 wrapped each such object in a component `pilothouse:kubernetes:<Class>` of the same name and parented
    # derived objects to that component (tests/e2e/test_upgrade_0_1.py proves the upgrade with the real engine).
    def program() -> None:
        upgrades.alias_to_0_1()
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        web = Deployment("web", DeploymentArgs(name="web", namespace=shop, pod=POD, replicas=None))
        web.expose([ServicePort(80, target="http", name="http")])
        group = pulumi.ComponentResource("team:app:Group", "group")
        ConfigMap("grouped", ConfigMapArgs(name="grouped", namespace=shop), pulumi.ResourceOptions(parent=group))

    render = run_program(program)
    root = "urn:pulumi:test::pilothouse::"

    def alias_parents(type_: str, name: str) -> list[str]:  # pulumi-kubernetes adds aliases of other API versions
        aliases = render.one(type_, name).options["aliases"]
        return [a["spec"]["parentUrn"] for a in aliases if a["spec"].get("parentUrn")]

    assert alias_parents("kubernetes:apps/v1:Deployment", "web") == [f"{root}pilothouse:kubernetes:Deployment::web"]
    assert alias_parents("kubernetes:core/v1:Service", "web") == [
        f"{root}pilothouse:kubernetes:Deployment$pilothouse:kubernetes:Service::web"]
    group = render.one("team:app:Group", "group").urn
    assert alias_parents("kubernetes:core/v1:ConfigMap", "grouped") == [
        f"{group.rpartition('::')[0]}$pilothouse:kubernetes:ConfigMap::grouped"]
    # The Namespace stayed a component: neither it nor its children moved.
    assert alias_parents("kubernetes:core/v1:Namespace", "shop") == []


def test_without_the_call_objects_carry_no_0_1_aliases(run_program: RunProgram) -> None:
    # Also: the call in the program run above stayed in that run.
    render = run_program(lambda: ConfigMap("web", ConfigMapArgs(name="web", namespace="shop")))
    assert render.one("kubernetes:core/v1:ConfigMap", "web").options["aliases"] == []
