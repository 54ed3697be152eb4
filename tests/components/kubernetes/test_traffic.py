"""Traffic between workloads, derived from the workloads: ``web.allow_to(db, "postgres")``."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.deployment import Deployment, DeploymentArgs
from pilothouse.kubernetes.job import CronJob, CronJobArgs, Job, JobArgs, JobSpec
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs
from pilothouse.kubernetes.pod import Pod, PodArgs
from pilothouse.kubernetes.pod_spec import PodSpec, RestartPolicy
from pilothouse.kubernetes.ports import Port, Protocol
from pilothouse.kubernetes.stateful_set import StatefulSet, StatefulSetArgs
from pilothouse.offline import engine
from pilothouse.offline.engine import Render
from pilothouse.offline.render import manifest
from tests.conftest import RunProgram

DB = PodSpec(containers=(Container(name="postgres", image="postgres:16", ports=(Port(5432, "postgres"),)),))
WEB = PodSpec(containers=(Container(name="web", image="shop/web:1.0", ports=(Port.http(8080),)),))
ONCE = JobSpec(pod=PodSpec(containers=(Container(name="run", image="busybox:1.37"),),
                           restart_policy=RestartPolicy.NEVER))


def _policies(render: Render) -> dict[str, dict[str, Any]]:
    """The policies ``allow_to`` registered, by name without its digest."""
    named = {manifest(r)["metadata"]["name"]: manifest(r)["spec"]
             for r in render.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")}
    return {name.rsplit("-", 1)[0]: spec for name, spec in named.items()
            if re.search(r"-(egress|ingress)-[0-9a-f]{8}$", name)}


def test_clients_reach_the_database_port_through_the_default_deny(run_program: RunProgram) -> None:
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        db = StatefulSet("db", StatefulSetArgs(name="db", namespace=shop, pod=DB))
        web = Deployment("web", DeploymentArgs(name="web", namespace=shop, pod=WEB))
        web.allow_to(db, "postgres")
        Job("migrate", JobArgs(name="migrate", namespace=shop, job=ONCE)).allow_to(db, 5432)

    render = run_program(program)
    assert _policies(render) == {
        "allow-web-to-db-5432-egress": {
            "podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Egress"],
            "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "db"}}}],
                        "ports": [{"port": 5432, "protocol": "TCP"}]}]},
        "allow-web-to-db-5432-ingress": {
            "podSelector": {"matchLabels": {"app": "db"}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                         "ports": [{"port": 5432, "protocol": "TCP"}]}]},
        "allow-migrate-to-db-5432-egress": {
            "podSelector": {"matchLabels": {"batch.kubernetes.io/job-name": "migrate"}}, "policyTypes": ["Egress"],
            "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "db"}}}],
                        "ports": [{"port": 5432, "protocol": "TCP"}]}]},
        "allow-migrate-to-db-5432-ingress": {
            "podSelector": {"matchLabels": {"app": "db"}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {"matchLabels": {"batch.kubernetes.io/job-name": "migrate"}}}],
                         "ports": [{"port": 5432, "protocol": "TCP"}]}]}}
    # A Job's pods are picked by the label its controller sets; its template is left as written.
    assert "metadata" not in render.one("kubernetes:batch/v1:Job").inputs["spec"]["template"]
    default_deny = render.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "shop-default-deny")
    for policy in render.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy"):
        if policy is not default_deny:
            assert default_deny.urn in policy.options["dependencies"]


def test_across_namespaces_each_isolated_side_gets_its_half(run_program: RunProgram) -> None:
    def program() -> None:
        data = Namespace("data", NamespaceArgs(name="data"))
        apps = Namespace("apps", NamespaceArgs(name="apps", isolated=False))
        db = StatefulSet("db", StatefulSetArgs(name="db", namespace=data, pod=DB))
        report = CronJob("report", CronJobArgs(name="report", namespace=apps, schedule="@hourly",
                                               job=JobSpec(pod=ONCE.pod, labels={"app": "reports"})))
        report.allow_to(db, "postgres")

    render = run_program(program)
    assert _policies(render) == {"allow-report-to-db-5432-ingress": {
        "podSelector": {"matchLabels": {"app": "db"}}, "policyTypes": ["Ingress"],
        "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "reports"}},
                               "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "apps"}}}],
                     "ports": [{"port": 5432, "protocol": "TCP"}]}]}}


def test_namespaces_not_ours_get_no_policy(run_program: RunProgram) -> None:
    def program() -> None:
        db = StatefulSet("db", StatefulSetArgs(name="db", namespace="data", pod=DB))
        assert Deployment("web", DeploymentArgs(name="web", namespace="data", pod=WEB)).allow_to(db, 5432) == ()

    assert _policies(run_program(program)) == {}


def test_a_udp_port_keeps_its_protocol(run_program: RunProgram) -> None:
    dns = PodSpec(containers=(Container(name="dns", image="coredns:1.11", ports=(
        Port(53, "dns", Protocol.UDP),)),))

    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        resolver = Deployment("resolver", DeploymentArgs(name="resolver", namespace=shop, pod=dns))
        Deployment("web", DeploymentArgs(name="web", namespace=shop, pod=WEB)).allow_to(resolver, "dns")

    assert _policies(run_program(program))["allow-web-to-resolver-53-egress"]["egress"][0]["ports"] == [
        {"port": 53, "protocol": "UDP"}]


@pytest.mark.parametrize(("port", "message"), [
    ("http", "allow_to.port: got 'http'; expected a port a container of 'db' declares (postgres)"),
    (5433, "allow_to.port: got 5433; expected a port a container of 'db' declares (postgres)"),
    (True, "allow_to.port: got True; expected a port name or number"),
    (None, "allow_to.port: got None; expected a port name or number"),
])
def test_a_port_the_target_does_not_declare_is_refused(port: Any, message: str) -> None:
    def program() -> None:
        db = StatefulSet("db", StatefulSetArgs(name="db", namespace="shop", pod=DB))
        Deployment("web", DeploymentArgs(name="web", namespace="shop", pod=WEB)).allow_to(db, port)

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="test")
    assert str(error.value) == message


def test_a_workload_is_not_its_own_peer() -> None:
    def program() -> None:
        db = StatefulSet("db", StatefulSetArgs(name="db", namespace="shop", pod=DB))
        db.allow_to(db, "postgres")

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="test")
    assert str(error.value) == "allow_to.target: got 'db'; expected another workload than this one"


def test_policy_names_are_stable_and_never_shared() -> None:
    """A digest of both namespaces and names: ``web`` of two namespaces, or ``a`` -> ``b-to-c`` and ``a-to-b`` ->
    ``c``, would otherwise write one policy."""
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        db = StatefulSet("db", StatefulSetArgs(name="db", namespace=shop, pod=DB))
        for team in ("a", "b"):
            Deployment(f"web-{team}", DeploymentArgs(name="web", namespace=team, pod=WEB)).allow_to(db, 5432)
        a = Deployment("a", DeploymentArgs(name="a", namespace=shop, pod=DB))
        a_to_b = Deployment("a-to-b", DeploymentArgs(name="a-to-b", namespace=shop, pod=WEB))
        a.allow_to(StatefulSet("b-to-c", StatefulSetArgs(name="b-to-c", namespace=shop, pod=DB)), "postgres")
        a_to_b.allow_to(StatefulSet("c", StatefulSetArgs(name="c", namespace=shop, pod=DB)), "postgres")

    names = sorted(r.name for r in engine.run(program, stack="test").of_type(
        "kubernetes:networking.k8s.io/v1:NetworkPolicy") if "-to-" in r.name)
    assert len(names) == len(set(names)) == 6
    assert [name.rsplit("-", 1)[0] for name in names].count("allow-a-to-b-to-c-5432-egress") == 2
    first = engine.run(program, stack="test")
    assert sorted(r.name for r in first.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
                  if "-to-" in r.name) == names  # the same on every run


@pytest.mark.parametrize(("target", "message"), [
    (None, "allow_to.target: got None; expected a Deployment, StatefulSet, DaemonSet, Job or CronJob"),
    ("db", "allow_to.target: got 'db'; expected a Deployment, StatefulSet, DaemonSet, Job or CronJob"),
])
def test_a_target_that_is_not_a_workload_is_refused(target: Any, message: str) -> None:
    def program() -> None:
        Deployment("web", DeploymentArgs(name="web", namespace="shop", pod=WEB)).allow_to(target, 5432)

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="test")
    assert str(error.value) == message


def test_the_same_target_and_port_twice_is_refused() -> None:
    def program() -> None:
        db = StatefulSet("db", StatefulSetArgs(name="db", namespace="shop", pod=DB))
        web = Deployment("web", DeploymentArgs(name="web", namespace="shop", pod=WEB))
        web.allow_to(db, "postgres")
        web.allow_to(db, 5432)

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="test")
    assert str(error.value) == ("allow_to.target: got 'db'; expected a target and port not allowed before (port 5432 "
                                "already is)")


def test_a_job_named_like_a_deployment_gets_rules_of_its_own() -> None:
    """Kubernetes lets a Job and a Deployment share a name (their pods differ): their rules must not."""
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        db = StatefulSet("db", StatefulSetArgs(name="db", namespace=shop, pod=DB))
        Deployment("web", DeploymentArgs(name="web", namespace=shop, pod=WEB)).allow_to(db, "postgres")
        Job("web-job", JobArgs(name="web", namespace=shop, job=ONCE)).allow_to(db, "postgres")

    render = engine.run(program, stack="test")
    names = [manifest(r)["metadata"]["name"] for r in render.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
             if "-to-" in r.name]
    assert len(names) == len(set(names)) == 4


def test_a_bare_pod_as_target_is_named_by_its_type() -> None:
    def program() -> None:
        pod = Pod("debug", PodArgs(name="debug", namespace="shop", pod=WEB))
        web = Deployment("web", DeploymentArgs(name="web", namespace="shop", pod=WEB))
        web.allow_to(pod, 8080)  # type: ignore[arg-type]

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="test")
    assert str(error.value) == ("allow_to.target: got a Pod; expected a Deployment, StatefulSet, DaemonSet, Job or "
                                "CronJob")
