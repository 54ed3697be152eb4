"""Namespace governance: quota, limit defaults, isolation, and admission of declared workloads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.autoscaling import HorizontalPodAutoscaler, HorizontalPodAutoscalerArgs, autoscaled
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.deployment import Deployment, DeploymentArgs, Recreate, RollingUpdate
from pilothouse.kubernetes.job import JobArgs, JobSpec
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs
from pilothouse.kubernetes.network_policy import TrafficRule
from pilothouse.kubernetes.pod_spec import PodSpec, RestartPolicy
from pilothouse.kubernetes.quantity import Quantity
from pilothouse.kubernetes.quota import LimitDefaults, PodDemand, Quota, QuotaAccount
from pilothouse.kubernetes.resources import Resources
from pilothouse.offline.render import manifest
from tests.conftest import RunProgram

QUOTA = Quota.of(requests_cpu="1", requests_memory="1Gi", limits_cpu="2", limits_memory="2Gi", pods=10)
DEFAULTS = LimitDefaults.of(request_cpu="100m", request_memory="128Mi", limit_cpu="200m", limit_memory="256Mi",
                            max_cpu="1", max_memory="1Gi")


def web(resources: Resources | None = None) -> PodSpec:
    return PodSpec(containers=(Container(name="web", image="shop/web:1.0", resources=resources),))


def deploy(run_program: RunProgram, namespace: NamespaceArgs, *deployments: DeploymentArgs) -> None:
    def program() -> None:
        shop = Namespace(namespace.name, namespace)
        for args in deployments:
            Deployment(args.name, DeploymentArgs(name=args.name, namespace=shop, pod=args.pod,
                                                 replicas=args.replicas, strategy=args.strategy))

    run_program(program)


def test_governance_objects_render(run_program: RunProgram) -> None:
    rule = TrafficRule.ingress_from_namespace("from-ingress", "ingress", ports=(8080,), pods={"app": "web"})
    args = NamespaceArgs(name="shop", quota=QUOTA, limits=DEFAULTS, allow=(rule,))
    render = run_program(lambda: Namespace("shop", args))
    assert manifest(render.one("kubernetes:core/v1:ResourceQuota"))["spec"] == {"hard": {
        "limits.cpu": "2", "limits.memory": "2Gi", "pods": "10", "requests.cpu": "1", "requests.memory": "1Gi"}}
    assert manifest(render.one("kubernetes:core/v1:LimitRange"))["spec"] == {"limits": [{
        "type": "Container", "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
        "default": {"cpu": "200m", "memory": "256Mi"}, "max": {"cpu": "1", "memory": "1Gi"}}]}
    deny = manifest(render.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "shop-default-deny"))
    assert deny["metadata"] == {"name": "default-deny", "namespace": "shop"}
    assert deny["spec"]["podSelector"] == {}
    assert deny["spec"]["policyTypes"] == ["Ingress", "Egress"]
    allow = manifest(render.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "shop-allow-from-ingress"))
    assert allow["spec"] == {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"],
                             "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {
                                 "kubernetes.io/metadata.name": "ingress"}}}],
                                 "ports": [{"port": 8080, "protocol": "TCP"}]}]}


def test_workloads_within_quota_are_admitted(run_program: RunProgram) -> None:
    # 3 replicas + 1 surge pod (25% rounded up) x 200m/256Mi limits from the defaults = 800m/1Gi.
    deploy(run_program, NamespaceArgs(name="shop", quota=QUOTA, limits=DEFAULTS),
           DeploymentArgs(name="web", namespace="shop", pod=web(), replicas=3))


def test_exceeding_the_quota_fails_the_preview(run_program: RunProgram) -> None:
    big = web(Resources.of(cpu="500m", memory="256Mi", cpu_limit="1", memory_limit="512Mi"))
    with pytest.raises(InvalidValueError) as error:
        deploy(run_program, NamespaceArgs(name="shop", quota=QUOTA, limits=DEFAULTS),
               DeploymentArgs(name="web", namespace="shop", pod=big, replicas=2, strategy=Recreate()),
               DeploymentArgs(name="api", namespace="shop", pod=big, replicas=1, strategy=Recreate()))
    assert str(error.value) == (
        "deployment.resources: got 'requests.cpu=500m'; expected at most 0m for 1 pod(s) (replicas) of 500m each: "
        "namespace 'shop' allows 1 in all (its ResourceQuota) and the pods counted before these take 1000m")


def test_missing_requests_without_defaults_fail(run_program: RunProgram) -> None:
    with pytest.raises(InvalidValueError) as error:
        deploy(run_program, NamespaceArgs(name="shop", quota=QUOTA),
               DeploymentArgs(name="web", namespace="shop", pod=web()))
    assert str(error.value) == (
        "deployment.pod.containers['web'].resources: got None; expected a requests cpu value: namespace 'shop' has a "
        "quota on requests.cpu and its LimitRange gives no default")


def test_limits_above_the_limit_range_maximum_fail(run_program: RunProgram) -> None:
    greedy = web(Resources.of(cpu="100m", cpu_limit="2"))
    with pytest.raises(InvalidValueError) as error:
        deploy(run_program, NamespaceArgs(name="shop", limits=DEFAULTS),
               DeploymentArgs(name="web", namespace="shop", pod=greedy))
    assert str(error.value) == ("deployment.pod.containers['web'].resources.cpu_limit: got '2'; expected a cpu limit "
                                "of at most 1 (the LimitRange maximum of namespace 'shop')")


def test_pod_count_quota(run_program: RunProgram) -> None:
    with pytest.raises(InvalidValueError) as error:
        deploy(run_program, NamespaceArgs(name="shop", quota=Quota.of(pods=2)),
               DeploymentArgs(name="web", namespace="shop", pod=web(), replicas=2))
    assert str(error.value) == ("deployment.replicas: got '3 pod(s)'; expected at most 2 pod(s) (replicas plus "
                                "rolling-update surge): namespace 'shop' allows 2 pods and the pods counted before "
                                "these take 0")


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Quota.of(pods=-1), "quota.pods: got -1; expected a non-negative object count"),
    (lambda: LimitDefaults.of(request_memory="1Gi", limit_memory="512Mi"),
     "limits.limit_memory: got '512Mi'; expected a default limit not below the default request 1Gi"),
    (lambda: TrafficRule.egress_to_cidr("db", "10.0.0.1/8"),
     "traffic_rule.peer_cidr: got '10.0.0.1/8'; expected a network in CIDR notation such as '10.0.0.0/8'"),
    (lambda: NamespaceArgs(name="shop", allow=(TrafficRule.ingress_within_namespace("a"),
                                               TrafficRule.ingress_within_namespace("a"))),
     "allow: got 'a'; expected traffic rule names unique in the namespace, not 'default-deny'"),
    (lambda: NamespaceArgs(name="shop", isolated=False, allow=(TrafficRule.ingress_within_namespace("a"),)),
     "allow: got ['a']; expected no rules on a namespace that is not isolated (all traffic is allowed there "
     "already)"),
])
def test_bad_governance_is_rejected(build: object, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()  # type: ignore[operator]
    assert str(error.value) == message


def test_egress_rules_render_peers() -> None:
    assert TrafficRule.egress_to_cidr("db", "10.20.0.0/16", ports=(5432,)).to_spec() == {
        "podSelector": {}, "policyTypes": ["Egress"],
        "egress": [{"to": [{"ipBlock": {"cidr": "10.20.0.0/16"}}], "ports": [{"port": 5432, "protocol": "TCP"}]}]}
    assert TrafficRule.ingress_within_namespace("peers").to_spec()["ingress"] == [{"from": [{"podSelector": {}}]}]


def test_the_autoscalers_maximum_counts_against_the_quota(run_program: RunProgram) -> None:
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop", quota=Quota.of(pods=4), limits=DEFAULTS))
        web = Deployment("web", DeploymentArgs(name="web", namespace=shop, pod=web_pod, replicas=None))
        HorizontalPodAutoscaler("web", HorizontalPodAutoscalerArgs(target=web, min_replicas=2, max_replicas=5))

    web_pod = web(Resources.of(cpu="100m", memory="64Mi"))
    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == ("autoscaler.max_replicas: got '4 pod(s)'; expected at most 2 pod(s) (max_replicas 5 "
                                "beyond the 1 the workload counted): namespace 'shop' allows 4 pods and the pods "
                                "counted before these take 2")


def test_an_autoscaler_measures_against_the_limit_range_default_request(run_program: RunProgram) -> None:
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop", limits=LimitDefaults.of(request_cpu="100m")))
        web = Deployment("web", DeploymentArgs(name="web", namespace=shop, replicas=None, pod=PodSpec(
            containers=(Container(name="web", image="shop/web:1.0"),))))
        HorizontalPodAutoscaler("web", HorizontalPodAutoscalerArgs(target=web, min_replicas=2, max_replicas=4))

    render = run_program(program)
    assert render.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs["spec"]["maxReplicas"] == 4


def _account(quota: Quota, limits: LimitDefaults) -> QuotaAccount:
    return QuotaAccount("team", quota, limits)


def test_init_containers_count_as_the_api_server_counts_them() -> None:
    """A pod takes its containers' sum, or its largest init container when that is more (``PodRequests``); the
    LimitRange bounds init containers too."""
    small = Container(name="app", image="app:1", resources=Resources.of(cpu="100m", memory="64Mi"))
    big_init = Container(name="setup", image="app:1", resources=Resources.of(cpu="800m", cpu_limit="1", memory="64Mi"))
    side = Container(name="side", image="app:1", resources=Resources.of(cpu="100m", memory="64Mi"))
    pod = PodSpec(containers=(small, side), init_containers=(big_init,))
    account = _account(Quota.of(requests_cpu="1"), LimitDefaults())
    account.charge(PodDemand("deployment", pod, 1, "replicas", "deployment.replicas"))
    assert account.used["requests.cpu"] == Decimal("0.8")
    refusals = _account(Quota(), LimitDefaults.of(max_cpu="500m")).charge(
        PodDemand("deployment", pod, 1, "replicas", "deployment.replicas"))
    assert [str(error) for error in refusals] == [
        "deployment.pod.containers['setup'].resources.cpu_limit: got '1'; expected a cpu limit of at most 500m (the "
        "LimitRange maximum of namespace 'team')"]


def test_a_maximum_is_the_default_limit_and_a_request_above_the_default_limit_is_refused() -> None:
    """``SetDefaults_LimitRangeItem``: an unset default limit is the maximum; a request above the limit the container
    then gets is refused by the API server."""
    unbounded = Container(name="app", image="app:1")
    assert LimitDefaults.of(max_cpu="500m").effective(unbounded)["limits.cpu"] == Quantity.parse("500m")
    hungry = Container(name="app", image="app:1", resources=Resources.of(cpu="500m"))
    refusals = _account(Quota(), LimitDefaults.of(limit_cpu="250m")).charge(
        PodDemand("deployment", PodSpec(containers=(hungry,)), 1, "replicas", "deployment.replicas"))
    assert [str(error) for error in refusals] == [
        "deployment.pod.containers['app'].resources.cpu_request: got '500m'; expected a cpu request of at most 250m, "
        "the default limit namespace 'team' gives a container that sets none (a request above its limit is refused)"]


@pytest.mark.parametrize(("build", "message"), [
    (lambda: LimitDefaults.of(limit_cpu="1", max_cpu="500m"),
     "limits.limit_cpu: got '1'; expected a default limit not above the maximum 500m"),
    (lambda: LimitDefaults.of(request_memory="1Gi", max_memory="512Mi"),
     "limits.request_memory: got '1Gi'; expected a default request not above the maximum 512Mi"),
    # built directly, the class checks the same and names its own fields
    (lambda: LimitDefaults(default_request_cpu=Quantity.parse("2"), default_limit_cpu=Quantity.parse("1")),
     "limits.default_limit_cpu: got '1'; expected a default limit not below the default request 2"),
    (lambda: LimitDefaults(default_request_memory=Quantity.parse("1Gi"), max_memory=Quantity.parse("512Mi")),
     "limits.default_request_memory: got '1Gi'; expected a default request not above the maximum 512Mi"),
    (lambda: LimitDefaults(max_cpu="1"),  # type: ignore[arg-type]
     "limits.max_cpu: got '1'; expected a value of type Quantity | None"),
])
def test_limit_ranges_the_api_server_refuses_are_refused(build: object, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()  # type: ignore[operator]
    assert str(error.value) == message


def test_a_maximum_alone_is_a_limit_range_kubernetes_takes() -> None:
    """Without a default limit the API server defaults it to the maximum (``SetDefaults_LimitRangeItem``)."""
    limits = LimitDefaults.of(max_cpu="1", max_memory="1Gi")
    assert limits.to_manifest() == {"limits": [{"type": "Container", "max": {"cpu": "1", "memory": "1Gi"}}]}
    assert limits.effective(Container(name="app", image="shop/app:1.0")) == {
        "requests.cpu": Quantity.parse("1"), "limits.cpu": Quantity.parse("1"),
        "requests.memory": Quantity.parse("1Gi"), "limits.memory": Quantity.parse("1Gi")}


def test_memory_defaults_are_whole_bytes() -> None:
    with pytest.raises(InvalidValueError) as error:
        LimitDefaults.of(limit_memory="128m")
    assert str(error.value).startswith("limits.limit_memory: got '128m'")


@pytest.mark.parametrize(("parallelism", "completions", "pods"), [(None, None, 1), (0, None, 0), (10, 2, 2), (3, 5, 3)])
def test_a_job_counts_the_pods_that_run_at_once(parallelism: int | None, completions: int | None, pods: int) -> None:
    run = JobSpec(pod=PodSpec(containers=(Container(name="run", image="busybox:1.37"),),
                              restart_policy=RestartPolicy.NEVER), parallelism=parallelism, completions=completions)
    assert JobArgs(name="run", namespace="team", job=run).demand().copies == pods


@pytest.mark.parametrize(("target", "max_replicas", "message"), [
    (None, 4, "autoscaler.target: got None; expected the arguments of a Deployment or a StatefulSet"),
    ("web", 4, "autoscaler.target: got 'web'; expected the arguments of a Deployment or a StatefulSet"),
    (DeploymentArgs(name="web", namespace="team", replicas=None, pod=PodSpec(containers=(
        Container(name="web", image="web:1"),))), 0, "autoscaler.max_replicas: got 0; expected an integer from 1 to "
                                                    "2147483647"),
    (DeploymentArgs(name="web", namespace="team", replicas=None, pod=PodSpec(containers=(
        Container(name="web", image="web:1"),))), 4.5, "autoscaler.max_replicas: got 4.5; expected an integer from 1 "
                                                      "to 2147483647"),
])
def test_autoscaled_checks_its_arguments(target: object, max_replicas: object, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        autoscaled(target, max_replicas)  # type: ignore[arg-type]
    assert str(error.value) == message


def test_a_huge_surge_is_a_count_not_an_error() -> None:
    pod = PodSpec(containers=(Container(name="web", image="web:1"),))
    args = DeploymentArgs(name="web", namespace="team", replicas=2, pod=pod,
                          strategy=RollingUpdate(max_surge=2**31 - 1))
    assert args.demand().copies == 2**31 + 1


def test_a_quota_refusal_says_what_each_pod_takes_and_where_a_default_comes_from(run_program: RunProgram) -> None:
    # The container sets no resources: each pod takes the LimitRange's default request, which the message names.
    bare = PodSpec(containers=(Container(name="web", image="shop/web:1.0"),))
    with pytest.raises(InvalidValueError) as error:
        deploy(run_program, NamespaceArgs(name="shop", quota=QUOTA, limits=DEFAULTS),
               DeploymentArgs(name="web", namespace="shop", pod=bare, replicas=9, strategy=Recreate()))
    assert str(error.value) == (
        "deployment.resources: got 'requests.memory=1152Mi'; expected at most 1024Mi for 9 pod(s) (replicas) of 128Mi "
        "each (its LimitRange's default, for a container that sets none): namespace 'shop' allows 1Gi in all (its "
        "ResourceQuota) and the pods counted before these take 0Mi")
