"""Azure workload identity for a ServiceAccount (the identity, its federated credential, its roles), and a team's
namespace with its Entra ID group's role there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from pilothouse.azure.cluster import AksCluster, AksClusterArgs
from pilothouse.azure.cluster_spec import ClusterSpec
from pilothouse.azure.network import Network, NetworkArgs
from pilothouse.azure.roles import AKS_RBAC_WRITER, KEY_VAULT_SECRETS_USER, assignment_name
from pilothouse.azure.team import TeamIdentity, TeamNamespace, TeamNamespaceArgs
from pilothouse.azure.workload_identity import (
    RoleGrant,
    WorkloadIdentity,
    WorkloadIdentityArgs,
)
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs
from pilothouse.kubernetes.service_account import ServiceAccount
from pilothouse.offline import engine
from pilothouse.offline.render import manifest
from tests.components.azure.test_platform import NAMING, PLAN, SYSTEM
from tests.conftest import RunProgram

VAULT = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/"
         "vaults/kv-shop-dev")


def _cluster(*, workload_identity: bool = True) -> AksCluster:
    net = Network("network", NetworkArgs(naming=NAMING, resource_group_name="rg", plan=PLAN))
    return AksCluster("cluster", AksClusterArgs(
        naming=NAMING, resource_group_name="rg", kubernetes_version="1.34", network=net, workspace=None,
        spec=ClusterSpec(system_pool=SYSTEM, workload_identity=workload_identity)))


def test_the_identity_trusts_exactly_one_account_and_reads_one_vault(run_program: RunProgram) -> None:
    def program() -> None:
        identity = WorkloadIdentity("web", WorkloadIdentityArgs(
            naming=NAMING, resource_group_name="rg", cluster=_cluster(), namespace="shop", service_account="web",
            roles=(RoleGrant(label="vault", role=KEY_VAULT_SECRETS_USER, scope=VAULT),)))
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        ServiceAccount("web", identity.service_account(shop))

    render = run_program(program)
    identity = render.one("azure-native:managedidentity:UserAssignedIdentity", "web")
    assert identity.inputs["resourceName"] == "id-shop-dev-krc-shop_web"
    credential = render.one("azure-native:managedidentity:FederatedIdentityCredential")
    assert credential.inputs["federatedIdentityCredentialResourceName"] == "shop_web"
    assert credential.inputs["resourceName"] == "id-shop-dev-krc-shop_web"  # known before the identity exists
    assert identity.urn in credential.options["dependencies"]
    assert credential.inputs["subject"] == "system:serviceaccount:shop:web"
    assert credential.inputs["audiences"] == ["api://AzureADTokenExchange"]
    assert credential.inputs["issuer"].startswith("https://")
    role = render.one("azure-native:authorization:RoleAssignment", "web-vault")
    assert role.inputs["scope"] == VAULT
    assert role.inputs["roleDefinitionId"].endswith(f"/roleDefinitions/{KEY_VAULT_SECRETS_USER}")
    assert role.inputs["principalType"] == "ServicePrincipal"
    account = manifest(render.one("kubernetes:core/v1:ServiceAccount"))
    assert set(account["metadata"]["annotations"]) == {"azure.workload.identity/client-id"}
    assert account["metadata"]["namespace"] == "shop"
    component = render.one("pilothouse:azure:WorkloadIdentity").urn
    assert identity.parent == credential.parent == role.parent == component


@pytest.mark.parametrize(("changes", "message"), [
    ({"namespace": "Shop"}, "workload_identity.namespace: got 'Shop'"),
    ({"service_account": "web.api"}, "workload_identity.service_account: got 'web.api'; expected a name without '.'"),
    ({"roles": (RoleGrant(label="vault", role=KEY_VAULT_SECRETS_USER, scope=VAULT),
                RoleGrant(label="vault", role=KEY_VAULT_SECRETS_USER, scope=VAULT + "2"))},
     "workload_identity.roles: got 'vault'; expected each grant once"),
    ({"roles": (RoleGrant(label="a", role=KEY_VAULT_SECRETS_USER, scope=VAULT),
                RoleGrant(label="b", role=KEY_VAULT_SECRETS_USER, scope=VAULT))},
     "workload_identity.roles: got 'b'; expected each grant once"),
])
def test_bad_identities_are_refused(changes: dict[str, Any], message: str) -> None:
    def program() -> None:
        WorkloadIdentityArgs(**{"naming": NAMING, "resource_group_name": "rg", "cluster": _cluster(),
                                "namespace": "shop", "service_account": "web", **changes})

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="dev")
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(("build", "message"), [
    (lambda: RoleGrant(label="vault", role="Key Vault Secrets User", scope=VAULT),
     "role.role: got 'Key Vault Secrets User'; expected a role definition id: a GUID"),
    (lambda: RoleGrant(label="all", role=KEY_VAULT_SECRETS_USER,
                       scope="/subscriptions/00000000-0000-0000-0000-000000000000"),
     "role.scope: got '/subscriptions/00000000-0000-0000-0000-000000000000'; expected the id of one Azure resource"),
    (lambda: RoleGrant(label="rg", role=KEY_VAULT_SECRETS_USER,
                       scope="/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"),
     "role.scope: got '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg'; expected the id of "
     "one Azure resource"),
])
def test_roles_are_one_built_in_role_on_one_resource(build: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value).startswith(message)


def test_a_cluster_without_workload_identity_is_refused() -> None:
    def program() -> None:
        WorkloadIdentityArgs(naming=NAMING, resource_group_name="rg", cluster=_cluster(workload_identity=False),
                             namespace="shop", service_account="web")

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="dev")
    assert str(error.value) == ("workload_identity.cluster: got False; expected a cluster with workload identity "
                                "on (ClusterSpec.workload_identity=True)")


def test_the_account_must_be_in_the_namespace_the_identity_trusts() -> None:
    def program() -> None:
        identity = WorkloadIdentity("web", WorkloadIdentityArgs(
            naming=NAMING, resource_group_name="rg", cluster=_cluster(), namespace="shop", service_account="web"))
        identity.service_account("ops")

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="dev")
    assert str(error.value) == ("workload_identity.namespace: got 'ops'; expected 'shop', the namespace the "
                                "identity trusts")


def test_assignment_names_are_stable() -> None:
    names: list[str] = []
    for _ in range(2):
        engine.run(lambda: assignment_name(VAULT, "principal", KEY_VAULT_SECRETS_USER).apply(names.append),
                   stack="dev")
    assert names[0] == names[1]


def test_a_team_gets_its_namespace_its_group_role_there_and_its_identities(run_program: RunProgram) -> None:
    group = "11111111-2222-3333-4444-555555555555"

    def program() -> None:
        TeamNamespace("payments", TeamNamespaceArgs(
            naming=NAMING, resource_group_name="rg", cluster=_cluster(), namespace=NamespaceArgs(name="payments"),
            group_object_id=group, identities=(TeamIdentity(service_account="api", roles=(
                RoleGrant(label="vault", role=KEY_VAULT_SECRETS_USER, scope=VAULT),)),)))

    render = run_program(program)
    namespace = render.one("kubernetes:core/v1:Namespace")
    assert namespace.inputs["metadata"]["name"] == "payments"
    assert namespace.provider.endswith("::cluster-kubernetes")
    writer = render.one("azure-native:authorization:RoleAssignment", "payments-writer")
    assert writer.inputs["principalId"] == group
    assert writer.inputs["principalType"] == "Group"
    assert writer.inputs["scope"].endswith("/namespaces/payments")
    assert writer.inputs["roleDefinitionId"].endswith(f"/roleDefinitions/{AKS_RBAC_WRITER}")
    account = render.one("kubernetes:core/v1:ServiceAccount")
    assert manifest(account)["metadata"]["namespace"] == "payments"
    assert render.one("azure-native:managedidentity:FederatedIdentityCredential").inputs["subject"] == (
        "system:serviceaccount:payments:api")


@pytest.mark.parametrize(("changes", "message"), [
    ({"group_object_id": "payments-team"}, "team.group_object_id: got 'payments-team'; expected an Entra ID group "
                                           "object id: a GUID written 8-4-4-4-12 hexadecimal digits"),
    ({"identities": (TeamIdentity(service_account="api"), TeamIdentity(service_account="api"))},
     "team.identities: got 'api'; expected each ServiceAccount once"),
    ({"identities": (TeamIdentity(service_account="api.v1"),)},
     "workload_identity.service_account: got 'api.v1'; expected a name without '.'"),
    # Refused with the team, before its namespace and identities are registered.
    ({"identities": (TeamIdentity(service_account="api", image_pull_secrets=("ACR_pull",)),)},
     "team.identities[0].image_pull_secrets: got 'ACR_pull'; expected a DNS-1123 subdomain"),
    ({"identities": (TeamIdentity(service_account="api", image_pull_secrets=("acr", "acr")),)},
     "team.identities[0].image_pull_secrets: got 'acr'; expected each Secret once"),
])
def test_bad_teams_are_refused(changes: dict[str, Any], message: str) -> None:
    def program() -> None:
        TeamNamespaceArgs(**{"naming": NAMING, "resource_group_name": "rg", "cluster": _cluster(),
                             "namespace": NamespaceArgs(name="payments"),
                             "group_object_id": "11111111-2222-3333-4444-555555555555", **changes})

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="dev")
    assert str(error.value).startswith(message)


def test_two_accounts_never_share_an_azure_name() -> None:
    """``a-b``/``c`` and ``a``/``b-c`` joined with '-' would both be ``a-b-c``: one identity with both trusts."""
    def names(namespace: str, account: str) -> tuple[str, str]:
        built: list[WorkloadIdentityArgs] = []
        engine.run(lambda: built.append(WorkloadIdentityArgs(
            naming=NAMING, resource_group_name="rg", cluster=_cluster(), namespace=namespace,
            service_account=account)), stack="dev")
        return built[0].identity_name, built[0].credential_name

    assert names("a-b", "c") == ("id-shop-dev-krc-a-b_c", "a-b_c")
    assert names("a", "b-c") == ("id-shop-dev-krc-a_b-c", "a_b-c")


def test_an_account_name_too_long_for_azure_is_named_by_its_field() -> None:
    def program() -> None:
        WorkloadIdentityArgs(naming=NAMING, resource_group_name="rg", cluster=_cluster(), namespace="shop",
                             service_account="a" * 115)

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="dev")
    assert str(error.value).startswith(f"workload_identity.service_account: got '{'a' * 115}'; expected a shorter "
                                       "name: the Azure names carrying it must fit")


@pytest.mark.parametrize(("asked", "shown"), [("apis", "'apis'"), (["api"], "['api']")])
def test_a_team_account_is_asked_for_by_name(asked: Any, shown: str) -> None:
    seen: list[str] = []

    def program() -> None:
        team = TeamNamespace("payments", TeamNamespaceArgs(
            naming=NAMING, resource_group_name="rg", cluster=_cluster(), namespace=NamespaceArgs(name="payments"),
            group_object_id="11111111-2222-3333-4444-555555555555",
            identities=(TeamIdentity(service_account="api", image_pull_secrets=("acr-pull",)),)))
        seen.append(team.service_account("api").name)
        team.service_account(asked)

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="dev")
    assert seen == ["api"]
    assert str(error.value) == f"team.service_account: got {shown}; expected one of the team's identities (api)"


@pytest.mark.parametrize("scope", [
    "/subscriptions/", "/subscriptions//", f"{VAULT} ", f"{VAULT}\x00", f"{VAULT}/..", f"{VAULT}/",
    VAULT.replace("/vaults/kv-shop-dev", "/vaults"), VAULT.replace("00000000-0000", "0000000-0000"),
    VAULT.replace("/vaults/", "/vaults/../"),
])
def test_a_scope_that_is_not_one_resources_id_is_refused(scope: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        RoleGrant(label="vault", role=KEY_VAULT_SECRETS_USER, scope=scope)
    assert str(error.value).startswith("role.scope: got ")


def test_a_grant_repeated_in_other_letter_case_is_refused() -> None:
    def program() -> None:
        WorkloadIdentityArgs(naming=NAMING, resource_group_name="rg", cluster=_cluster(), namespace="shop",
                             service_account="web", roles=(
                                 RoleGrant(label="a", role=KEY_VAULT_SECRETS_USER, scope=VAULT),
                                 RoleGrant(label="b", role=KEY_VAULT_SECRETS_USER.upper(), scope=VAULT.lower())))

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="dev")
    assert str(error.value) == ("workload_identity.roles: got 'b'; expected each grant once: its own label, and each "
                                "role once per scope")


def test_one_output_scope_granted_twice_is_refused() -> None:
    """Two labels, one role on one vault's id output: two assignments of one name, which Azure refuses."""
    def program() -> None:
        vault = pulumi.Output.from_input(VAULT)
        WorkloadIdentityArgs(naming=NAMING, resource_group_name="rg", cluster=_cluster(), namespace="shop",
                             service_account="web", roles=(
                                 RoleGrant(label="a", role=KEY_VAULT_SECRETS_USER, scope=vault),
                                 RoleGrant(label="b", role=KEY_VAULT_SECRETS_USER, scope=vault)))

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="dev")
    assert str(error.value) == ("workload_identity.roles: got 'b'; expected each grant once: its own label, and each "
                                "role once per scope")
