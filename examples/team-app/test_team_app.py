"""The team's own tests: its program under the mock engine, with pilothouse.testing (no cloud, no cluster)."""

import runpy
from pathlib import Path

from pilothouse.testing import PLATFORM_OUTPUTS, manifest, run, run_project

HERE = Path(__file__).parent


def test_the_dev_stack_deploys_the_web_app_from_the_platform_registry() -> None:
    render = run_project(HERE, "dev")
    web = manifest(render.one("kubernetes:apps/v1:Deployment", "web"))
    [container] = web["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "crplatform.azurecr.io/payments/web:2.0.1"  # the platform contract's registry
    assert "replicas" not in web["spec"]  # the autoscaler owns the count
    assert manifest(render.one("kubernetes:core/v1:Secret", "db"))["data"] == {"password": "W3NlY3JldF0="}  # masked


def test_the_web_app_is_routed_through_the_platform_gateway() -> None:
    render = run_project(HERE, "dev")
    assert render.one("kubernetes:gateway.networking.k8s.io/v1:Gateway", "public").read  # the platform's: read only
    route = manifest(render.one("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "web"))
    assert route["metadata"] == {"name": "web", "namespace": "payments"}
    assert route["spec"]["parentRefs"] == [{"group": "gateway.networking.k8s.io", "kind": "Gateway",
                                            "name": "public", "namespace": "ingress", "sectionName": "https"}]
    assert route["spec"]["rules"][0]["matches"] == [{"path": {"type": "PathPrefix", "value": "/payments"}}]


def test_another_platform_and_replica_count() -> None:
    render = run(lambda: runpy.run_path(str(HERE / "__main__.py")), project="team-app",
                 config={"platformStack": "acme/platform/prod", "replicas": 3, "host": "shop.example.com"},
                 secrets={"dbPassword": "s3cret"},
                 stack_outputs={"acme/platform/prod": {**PLATFORM_OUTPUTS,
                                                        "registryLoginServer": "acmeprod.azurecr.io"}})
    hpa = manifest(render.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "web"))
    assert hpa["spec"]["minReplicas"] == 3
    report = manifest(render.one("kubernetes:batch/v1:CronJob", "nightly-report"))
    [container] = report["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "acmeprod.azurecr.io/payments/report:2.0.1"
