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
