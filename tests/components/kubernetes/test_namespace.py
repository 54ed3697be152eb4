from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s
import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes import Container, Deployment, DeploymentArgs, PodSpec, StatefulSet, StatefulSetArgs
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs, PodSecurityLevel
from pilothouse.offline import engine
from tests.conftest import RunProgram
from tests.messages import DNS1123_LABEL, LABEL_KEY_NAME_PART


def test_namespace_enforces_restricted_pod_security(run_program: RunProgram) -> None:
    render = run_program(lambda: Namespace("shop", NamespaceArgs(name="shop", labels={"team": "shop"})))
    component = render.one("pilothouse:kubernetes:Namespace", "shop")
    namespace = render.one("kubernetes:core/v1:Namespace", "shop")
    assert namespace.parent == component.urn
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
