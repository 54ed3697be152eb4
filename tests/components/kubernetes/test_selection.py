"""No workload's selector picks another workload's pods in a namespace of ours: refused when the second is declared."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.daemon_set import DaemonSet, DaemonSetArgs
from pilothouse.kubernetes.deployment import Deployment, DeploymentArgs
from pilothouse.kubernetes.job import CronJob, CronJobArgs, Job, JobArgs, JobSpec
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs
from pilothouse.kubernetes.pod import Pod, PodArgs
from pilothouse.kubernetes.pod_spec import PodSpec, RestartPolicy
from pilothouse.kubernetes.quota import Quota
from pilothouse.kubernetes.selection import DeclaredPods, PodRegistry
from pilothouse.kubernetes.stateful_set import StatefulSet, StatefulSetArgs
from pilothouse.offline import engine

POD = PodSpec(containers=(Container(name="app", image="shop/app:1.0"),))
RUN = JobSpec(pod=PodSpec(containers=(Container(name="run", image="busybox:1.37"),),
                          restart_policy=RestartPolicy.NEVER))
Declare = Callable[[Namespace | str], object]


def deployment(name: str, **labels: str) -> Declare:
    return lambda ns: Deployment(f"{name}-{ns if isinstance(ns, str) else ns.args.name}",
                                 DeploymentArgs(name=name, namespace=ns, pod=POD, labels=labels))


def cron_job(name: str, **labels: str) -> Declare:
    job = JobSpec(pod=RUN.pod, labels=labels)
    return lambda ns: CronJob(name, CronJobArgs(name=name, namespace=ns, schedule="0 3 * * *", job=job))


def job(name: str, **labels: str) -> Declare:
    return lambda ns: Job(name, JobArgs(name=name, namespace=ns, job=JobSpec(pod=RUN.pod, labels=labels)))


def refusal(*declared: Declare) -> str:
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        for declare in declared:
            declare(shop)

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="test")
    return str(error.value)


def test_a_cron_job_named_like_a_deployment_would_receive_its_traffic() -> None:
    assert refusal(deployment("web"), cron_job("web")) == (
        "cron_job.job.labels: got {'app': 'web'}; expected a selector that picks no pods of Deployment 'web' in "
        "namespace 'shop': each workload's pods need labels of their own, such as another 'app' label")
    assert refusal(cron_job("web"), deployment("web")).startswith(
        "deployment.selector: got {'app': 'web'}; expected a selector that picks no pods of CronJob 'web'")


def test_a_selector_picking_the_pods_of_a_workload_declared_before_is_refused() -> None:
    assert refusal(job("migrate", app="web"), deployment("web")) == (
        "deployment.selector: got {'app': 'web'}; expected a selector that picks no pods of Job 'migrate' in "
        "namespace 'shop': each workload's pods need labels of their own, such as another 'app' label")


def test_a_canary_sharing_the_stable_selector_is_refused_as_kubernetes_advises() -> None:
    """Kubernetes' canary pattern gives both tracks a ``track`` label; a selector of ``app`` alone picks both."""
    def canary(ns: Namespace | str) -> object:
        return Deployment("web-canary", DeploymentArgs(name="web-canary", namespace=ns, pod=POD,
                                                       selector={"app": "web", "track": "canary"}))

    assert refusal(deployment("web"), canary) == (
        "deployment.labels: got {'app': 'web', 'track': 'canary'}; expected pod labels that the selector of "
        "Deployment 'web' in namespace 'shop' does not pick: each workload's pods need labels of their own, such as "
        "another 'app' label")


@pytest.mark.parametrize("other", [
    lambda ns: StatefulSet("web", StatefulSetArgs(name="web", namespace=ns, pod=POD)),
    lambda ns: DaemonSet("web", DaemonSetArgs(name="web", namespace=ns, pod=POD)),
    lambda ns: Pod("web", PodArgs(name="web", namespace=ns, pod=POD, labels={"app": "web"})),
])
def test_every_kind_of_workload_is_counted(other: Declare) -> None:
    assert "of Deployment 'web' in namespace 'shop'" in refusal(deployment("web"), other)


def test_distinct_workloads_and_other_namespaces_pass() -> None:
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        shop_two = Namespace("shop-two", NamespaceArgs(name="shop-two"))
        for declare in (deployment("web"), cron_job("report"), job("migrate"), cron_job("web-nightly", app="web-n"),
                        deployment("api", tier="backend")):
            declare(shop)
        deployment("web")(shop_two)
        # Names of namespaces not ours: Pilothouse cannot see their pods, and does not guess.
        deployment("web")("elsewhere")
        cron_job("web")("elsewhere")
        # Two bare pods with the same labels: nothing selects them.
        for name in ("a", "b"):
            Pod(name, PodArgs(name=name, namespace=shop, pod=POD, labels={"role": "debug"}))

    assert len(engine.run(program, stack="test").of_type("kubernetes:apps/v1:Deployment")) == 4


def test_two_jobs_of_one_name_are_told_to_take_another() -> None:
    assert refusal(job("migrate"), job("migrate")) == (
        "job.job.labels: got {'batch.kubernetes.io/job-name': 'migrate'}; expected a selector that picks no pods of "
        "Job 'migrate' in namespace 'shop': each workload's pods need labels of their own, such as another name for "
        "one of them")


def test_a_refused_workload_leaves_no_trace_in_the_quota() -> None:
    """Checked first, counted and recorded only when both checks hold: a program that catches the error goes on with
    the quota it had."""
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop", quota=Quota.of(pods=4)))
        deployment("web")(shop)
        with pytest.raises(InvalidValueError):
            Deployment("web-2", DeploymentArgs(name="web-2", namespace=shop, pod=POD, selector={"app": "web"}))
        deployment("api")(shop)  # one pod and one surge pod each: web and api fill the quota of 4

    assert len(engine.run(program, stack="test").of_type("kubernetes:apps/v1:Deployment")) == 2


_LABELS = st.dictionaries(st.sampled_from(["app", "tier", "team"]), st.sampled_from(["a", "b"]), max_size=3)


@given(st.lists(st.tuples(st.none() | _LABELS, _LABELS), max_size=8))
def test_the_indexed_registry_refuses_exactly_what_comparing_every_pair_refuses(
        declared: list[tuple[dict[str, str] | None, dict[str, str]]]) -> None:
    """The registry looks candidates up by label; the first conflict it names is the first of all pairs."""
    registry, seen = PodRegistry("shop"), list[DeclaredPods]()
    for index, (selector, labels) in enumerate(declared):
        pods = DeclaredPods(kind="Deployment", name=f"w{index}", selector=selector,
                            labels={**labels, **(selector or {})},  # a workload's pods carry its selector
                            selector_field="deployment.selector", labels_field="deployment.labels",
                            pod_field="deployment.pod")
        expected = next((f"of {other} in" for other in seen if pods.picks(other) or other.picks(pods)), None)
        if expected is None:
            registry.check(pods)
            registry.add(pods)
            seen.append(pods)
        else:
            with pytest.raises(InvalidValueError, match=expected):
                registry.check(pods)
