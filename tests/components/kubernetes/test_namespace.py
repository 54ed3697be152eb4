from __future__ import annotations

import subprocess
import sys

import pulumi
import pulumi_kubernetes as k8s
import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes import Container, Deployment, DeploymentArgs, PodSpec, StatefulSet, StatefulSetArgs
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs, PodSecurityLevel
from pilothouse.kubernetes.quota import LimitDefaults, Quota
from pilothouse.offline import engine
from tests.conftest import RunProgram
from tests.messages import DNS1123_LABEL, LABEL_KEY_NAME_PART


def test_namespace_enforces_restricted_pod_security(run_program: RunProgram) -> None:
    render = run_program(lambda: Namespace("shop", NamespaceArgs(name="shop", labels={"team": "shop"})))
    namespace = render.one("kubernetes:core/v1:Namespace", "shop")
    assert namespace.parent.endswith("::pulumi:pulumi:Stack::pilothouse-test")  # the object itself, no wrapper
    assert namespace.inputs == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "shop", "labels": {
            "app.kubernetes.io/managed-by": "pilothouse",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
            "team": "shop",
        }},
    }


def test_the_namespace_and_its_children_are_aliased_to_their_0_2_urns(run_program: RunProgram) -> None:
    # Up to 0.2.0 a component `pilothouse:kubernetes:Namespace` wrapped them all (tests/e2e/test_upgrade_0_2.py
    # proves the upgrade with the real engine); at the top of the stack the aliases are literal URNs.
    class Team(pulumi.ComponentResource):
        def __init__(self) -> None:
            super().__init__("team:platform:Team", "payments")
            Namespace("payments", NamespaceArgs(name="payments", isolated=False), pulumi.ResourceOptions(parent=self))

    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop", quota=Quota.of(pods=10),
                                               limits=LimitDefaults.of(request_cpu="100m")))
        mine = k8s.core.v1.ConfigMap("mine", metadata={"name": "mine", "namespace": "shop"},
                                     opts=pulumi.ResourceOptions(parent=shop))
        k8s.core.v1.ConfigMap("nested", metadata={"name": "nested", "namespace": "shop"},
                              opts=pulumi.ResourceOptions(parent=mine))
        Namespace("inner", NamespaceArgs(name="inner", isolated=False), pulumi.ResourceOptions(parent=shop))
        Team()

    render = run_program(program)
    old = "urn:pulumi:test::pilothouse::pilothouse:kubernetes:Namespace"

    def aliases(type_: str, name: str) -> list[str]:  # pulumi-kubernetes adds aliases of other API versions
        return [alias["urn"] for alias in render.one(type_, name).options["aliases"] if "urn" in alias]

    assert aliases("kubernetes:core/v1:Namespace", "shop") == [f"{old}$kubernetes:core/v1:Namespace::shop"]
    for type_, name in [("kubernetes:core/v1:ResourceQuota", "shop-quota"),
                        ("kubernetes:core/v1:LimitRange", "shop-defaults"),
                        ("kubernetes:networking.k8s.io/v1:NetworkPolicy", "shop-default-deny"),
                        ("kubernetes:core/v1:ConfigMap", "mine")]:  # a program's own child too
        assert aliases(type_, name) == [f"{old}${type_}::{name}"]
    assert aliases("kubernetes:core/v1:ConfigMap", "nested") == []  # the engine moves it with its parent
    # Inside another Namespace: under that one's component (and, from the parent's, one that never was).
    assert f"{old}$pilothouse:kubernetes:Namespace$kubernetes:core/v1:Namespace::inner" in aliases(
        "kubernetes:core/v1:Namespace", "inner")
    team = render.one("team:platform:Team", "payments").urn.rpartition("::")[0]
    assert aliases("kubernetes:core/v1:Namespace", "payments") == [
        f"{team}$pilothouse:kubernetes:Namespace$kubernetes:core/v1:Namespace::payments"]


def test_a_namespace_declared_outside_a_deployment_leaves_later_runs_alone() -> None:
    # No engine, no state to move from: no aliases (the SDK, working them out itself there, failed a later run).
    # In a fresh interpreter: here, earlier tests' runs left an engine's settings behind.
    script = ("from pilothouse.kubernetes import Namespace, NamespaceArgs\n"
              "from pilothouse.offline import engine\n"
              "Namespace('stray', NamespaceArgs(name='stray'))\n"
              "print(len(engine.run(lambda: None, stack='test').resources))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120)
    assert (result.returncode, result.stdout) == (0, "0\n"), result.stderr[-2000:]


def test_opting_out_of_restricted_is_visible(run_program: RunProgram) -> None:
    args = NamespaceArgs(name="agents", pod_security=PodSecurityLevel.PRIVILEGED)
    render = run_program(lambda: Namespace("agents", args))
    labels = render.one("kubernetes:core/v1:Namespace").inputs["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "privileged"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "Shop"}, f"name: got 'Shop'; expected {DNS1123_LABEL}"),
        ({"name": "shop", "labels": {"-team": "x"}},
         f"labels['-team']: got '-team'; expected a label key: {LABEL_KEY_NAME_PART}"),
        ({"name": "shop", "labels": {"/team": "x"}},
         "labels['/team']: got '/team'; expected a label key: prefix part must be non-empty"),
    ],
)
def test_bad_namespaces_are_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        NamespaceArgs(**kwargs)  # type: ignore[arg-type]
    assert str(error.value) == message


def test_objects_in_a_namespace_of_ours_go_to_its_cluster() -> None:
    """An object declared without a provider would go through the machine's current kubeconfig: it takes the
    namespace's; another provider is refused (a newcomer forgot ``opts`` on a Deployment)."""
    pod = PodSpec(containers=(Container(name="web", image="shop/web:1.0"),))

    def program() -> None:
        aks = k8s.Provider("aks", kubeconfig="kubeconfig")
        team = Namespace("team", NamespaceArgs(name="team"), pulumi.ResourceOptions(provider=aks))
        Deployment("web", DeploymentArgs(name="web", namespace=team, pod=pod))
        StatefulSet("db", StatefulSetArgs(name="db", namespace=team, pod=pod))
        Deployment("local", DeploymentArgs(name="local", namespace="other", pod=pod))

    render = engine.run(program, stack="test")
    providers = {r.name: r.provider.rpartition("::")[2] for r in render.resources if r.type.startswith("kubernetes:")}
    assert providers == {"team": "aks", "team-default-deny": "aks", "web": "aks", "db": "aks", "local": ""}

    def elsewhere() -> None:
        team = Namespace("team", NamespaceArgs(name="team"),
                         pulumi.ResourceOptions(provider=k8s.Provider("aks", kubeconfig="kubeconfig")))
        Deployment("web", DeploymentArgs(name="web", namespace=team, pod=pod),
                   pulumi.ResourceOptions(provider=k8s.Provider("kind", kubeconfig="kubeconfig")))

    with pytest.raises(InvalidValueError) as error:
        engine.run(elsewhere, stack="test")
    assert str(error.value) == ("opts.provider: got 'kind'; expected the provider of namespace 'team' (or none): the "
                                "namespace and its objects are in one cluster")


@pytest.mark.parametrize("name", ["default", "kube-system", "kube-public", "kube-node-lease"])
def test_namespaces_kubernetes_runs_itself_are_never_declared(name: str) -> None:
    """The render would put a restricted Pod Security label and a default-deny policy on them (a team given
    ``kube-system`` by TeamNamespace, found by the adversarial trial)."""
    with pytest.raises(InvalidValueError) as error:
        NamespaceArgs(name=name)
    assert str(error.value) == (f"name: got '{name}'; expected a namespace this program creates, none of default, "
                                "kube-node-lease, kube-public, kube-system (Kubernetes creates those and runs its own "
                                "components there)")
