"""ServiceAccounts, Azure workload identity on them, and image pull secrets on pods and accounts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.deployment import Deployment, DeploymentArgs
from pilothouse.kubernetes.job import CronJob, CronJobArgs, JobSpec
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs
from pilothouse.kubernetes.pod_spec import PodSpec, RestartPolicy
from pilothouse.kubernetes.secret import Secret, SecretArgs
from pilothouse.kubernetes.service_account import ServiceAccount, ServiceAccountArgs
from pilothouse.offline import engine
from pilothouse.offline.render import manifest
from tests.conftest import RunProgram
from tests.messages import DNS1123_SUBDOMAIN

CLIENT_ID = "00000000-0000-0000-0000-00000000000a"
APP = Container(name="app", image="shop/app:1.0")


def _pull_secret(name: str = "acr-pull", namespace: str = "shop") -> Secret:
    return Secret(name, SecretArgs.docker_registry(name, namespace, server="myacr.azurecr.io", username="u",
                                                   password="p"))


def test_pods_run_as_an_account_with_an_azure_identity_after_it_exists(run_program: RunProgram) -> None:
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        pull = _pull_secret()
        account = ServiceAccount("web", ServiceAccountArgs(name="web", namespace=shop, azure_client_id=CLIENT_ID,
                                                           image_pull_secrets=(pull,)))
        Deployment("web", DeploymentArgs(name="web", namespace=shop, pod=PodSpec(
            containers=(APP,), service_account=account, image_pull_secrets=("other-registry",))))

    render = run_program(program)
    account = render.one("kubernetes:core/v1:ServiceAccount")
    assert manifest(account) == {
        "apiVersion": "v1", "kind": "ServiceAccount", "automountServiceAccountToken": False,
        "imagePullSecrets": [{"name": "acr-pull"}],
        "metadata": {"name": "web", "namespace": "shop",
                     "annotations": {"azure.workload.identity/client-id": CLIENT_ID}}}
    deployment = render.one("kubernetes:apps/v1:Deployment")
    template = deployment.inputs["spec"]["template"]
    assert template["metadata"]["labels"] == {"app": "web", "azure.workload.identity/use": "true"}
    assert deployment.inputs["spec"]["selector"] == {"matchLabels": {"app": "web"}}
    assert template["spec"]["serviceAccountName"] == "web"
    assert template["spec"]["imagePullSecrets"] == [{"name": "other-registry"}]
    assert account.urn in deployment.options["dependencies"]


def test_an_account_without_an_azure_identity_adds_no_label_and_may_mount_its_token(run_program: RunProgram) -> None:
    def program() -> None:
        account = ServiceAccount("reader", ServiceAccountArgs(name="reader", namespace="ops", automount_token=True))
        CronJob("sweep", CronJobArgs(name="sweep", namespace="ops", schedule="@daily", job=JobSpec(pod=PodSpec(
            containers=(APP,), restart_policy=RestartPolicy.NEVER, service_account=account,
            automount_service_account_token=None))))

    render = run_program(program)
    assert manifest(render.one("kubernetes:core/v1:ServiceAccount"))["automountServiceAccountToken"] is True
    template = render.one("kubernetes:batch/v1:CronJob").inputs["spec"]["jobTemplate"]["spec"]["template"]
    assert "azure.workload.identity/use" not in template.get("metadata", {}).get("labels", {})
    assert template["spec"]["serviceAccountName"] == "reader"


def _program(build: Callable[[], object]) -> None:
    engine.run(build, stack="test")


@pytest.mark.parametrize(("build", "message"), [
    (lambda: ServiceAccountArgs(name="Web", namespace="shop"),
     f"service_account.name: got 'Web'; expected {DNS1123_SUBDOMAIN}"),
    (lambda: ServiceAccountArgs(name="web", namespace="shop", azure_client_id="not-a-guid"),
     "service_account.azure_client_id: got 'not-a-guid'; expected a managed identity's client id: a GUID written "
     "8-4-4-4-12 hexadecimal digits"),
    (lambda: ServiceAccountArgs(name="web", namespace="shop",
                                annotations={"azure.workload.identity/client-id": CLIENT_ID}),
     "service_account.annotations: got 'azure.workload.identity/client-id'; expected annotations without the "
     "workload identity client id: set azure_client_id"),
    (lambda: ServiceAccountArgs(name="web", namespace="shop", image_pull_secrets=("a", "a")),
     "service_account.image_pull_secrets: got 'a'; expected each Secret once"),
    (lambda: PodSpec(containers=(APP,), image_pull_secrets=("Bad_Name",)),
     f"pod.image_pull_secrets: got 'Bad_Name'; expected {DNS1123_SUBDOMAIN}"),
    (lambda: PodSpec(containers=(APP,), service_account="Bad_Name"),
     f"pod.service_account: got 'Bad_Name'; expected {DNS1123_SUBDOMAIN}"),
])
def test_bad_accounts_and_pull_secrets_are_refused(build: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_a_pull_secret_must_pull_images_and_live_where_the_pods_run() -> None:
    def opaque() -> None:
        secret = Secret("db", SecretArgs(name="db", namespace="shop", data={"password": "pw"}))
        PodSpec(containers=(APP,), image_pull_secrets=(secret,))

    with pytest.raises(InvalidValueError) as error:
        _program(opaque)
    assert str(error.value) == ("pod.image_pull_secrets: got 'db'; expected a Secret of type "
                                "'kubernetes.io/dockerconfigjson' (Secret 'db' is 'Opaque')")

    def elsewhere() -> None:
        pod = PodSpec(containers=(APP,), image_pull_secrets=(_pull_secret(namespace="ops"),))
        DeploymentArgs(name="web", namespace="shop", pod=pod)

    with pytest.raises(InvalidValueError) as error:
        _program(elsewhere)
    assert str(error.value) == ("deployment.pod.image_pull_secrets: got 'acr-pull'; expected a Secret in namespace "
                                "'shop', where the pods run (it is in 'ops')")

    def account_elsewhere() -> None:
        ServiceAccountArgs(name="web", namespace="shop", image_pull_secrets=(_pull_secret(namespace="ops"),))

    with pytest.raises(InvalidValueError) as error:
        _program(account_elsewhere)
    assert str(error.value) == ("service_account.image_pull_secrets: got 'acr-pull'; expected a Secret in namespace "
                                "'shop', where the pods run (it is in 'ops')")


def test_an_account_of_another_namespace_is_refused() -> None:
    def program() -> None:
        account = ServiceAccount("web", ServiceAccountArgs(name="web", namespace="ops"))
        DeploymentArgs(name="web", namespace="shop", pod=PodSpec(containers=(APP,), service_account=account))

    with pytest.raises(InvalidValueError) as error:
        _program(program)
    assert str(error.value) == ("deployment.pod.service_account: got 'web'; expected a ServiceAccount in namespace "
                                "'shop', where the pods run (it is in 'ops')")


def test_a_pull_secret_name_where_a_tuple_is_meant_is_refused() -> None:
    with pytest.raises(InvalidValueError) as error:
        PodSpec(containers=(APP,), image_pull_secrets="acr-pull")  # type: ignore[arg-type]
    assert str(error.value) == ("pod.image_pull_secrets: got 'acr-pull'; expected a value of type "
                                "tuple[PullSecretRef | str, ...]: a tuple, such as ('acr-pull',)")


def test_the_client_id_counts_in_the_annotation_size() -> None:
    full = {"example.com/blob": "x" * (256 * 1024 - len("example.com/blob"))}
    ServiceAccountArgs(name="web", namespace="shop", annotations=full)
    with pytest.raises(InvalidValueError) as error:
        ServiceAccountArgs(name="web", namespace="shop", annotations=full, azure_client_id=CLIENT_ID)
    assert str(error.value).startswith("service_account.annotations")
