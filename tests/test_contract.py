"""The platform contract: what a platform stack exports, read back typed by an app stack."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pilothouse.azure.key_vault import VaultRef
from pilothouse.azure.naming import Naming
from pilothouse.azure.roles import KEY_VAULT_SECRETS_USER
from pilothouse.azure.secret_provider_class import SecretProviderClass, SecretProviderClassArgs, _is_vault
from pilothouse.azure.workload_identity import ClusterIssuer, RoleGrant, WorkloadIdentity, WorkloadIdentityArgs
from pilothouse.contract import CONTRACT, SECRET_OUTPUTS, export_contract, read_contract
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes import Container, Deployment, DeploymentArgs, PodSpec, ServiceAccount
from pilothouse.offline import engine
from pilothouse.offline.engine import SECRET
from pilothouse.testing import PLATFORM_OUTPUTS, manifest, run

VALUES = {key: f"{key}-value" for key in CONTRACT}
TENANT = "00000000-0000-0000-0000-000000000001"


def test_the_contract_names_every_output_an_app_stack_needs() -> None:
    assert CONTRACT == ("kubeconfig", "clusterName", "resourceGroupName", "registryLoginServer", "oidcIssuerUrl",
                        "ingressClass", "ingressNamespace", "gatewayName", "gatewayNamespace", "monitoringNamespace",
                        "keyVaultUri", "keyVaultName", "keyVaultId", "tenantId")
    assert frozenset({"kubeconfig"}) == SECRET_OUTPUTS
    assert set(CONTRACT) <= set(PLATFORM_OUTPUTS)  # the offline engine answers the whole contract


def test_a_platform_exports_it_and_an_app_stack_reads_it_typed() -> None:
    exported = engine.run(lambda: export_contract(VALUES), stack="platform")
    assert exported.outputs == {**VALUES, "kubeconfig": SECRET}

    seen: dict[str, str] = {}

    def app() -> None:
        contract = read_contract(pulumi.StackReference("org/platform/dev"))
        contract.registry_login_server.apply(lambda value: seen.setdefault("registry", value))
        pulumi.export("kubeconfig", contract.kubeconfig)
        pulumi.export("ingressClass", contract.ingress_class)

    read = run(app, stack="app", stack_outputs={"org/platform/dev": VALUES})
    assert seen == {"registry": "registryLoginServer-value"}
    assert read.outputs == {"kubeconfig": SECRET, "ingressClass": "ingressClass-value"}


def test_a_platform_without_the_contract_fails_naming_every_missing_output() -> None:
    def app() -> None:
        read_contract(pulumi.StackReference("org/platform/dev"))

    with pytest.raises(InvalidValueError) as error:
        run(app, stack="app", stack_outputs={"org/platform/dev": {"kubeconfig": "x", "clusterName": "aks"}})
    assert str(error.value) == (
        "reference: got 'org/platform/dev'; expected a platform stack exporting the contract's outputs "
        "(missing: resourceGroupName, registryLoginServer, oidcIssuerUrl, ingressClass, ingressNamespace, "
        "gatewayName, gatewayNamespace, monitoringNamespace, keyVaultUri, keyVaultName, keyVaultId, tenantId)")


def test_an_export_is_the_whole_contract() -> None:
    with pytest.raises(InvalidValueError) as error:
        engine.run(lambda: export_contract({**VALUES, "extra": "x"}), stack="platform")
    assert str(error.value).startswith("contract: got [")
    with pytest.raises(InvalidValueError):
        engine.run(lambda: export_contract({"kubeconfig": "x"}), stack="platform")


@pytest.mark.parametrize(("values", "message"), [
    (None, "contract: got 'NoneType'; expected a mapping of the keys"),
    ({**VALUES, "clusterName": None}, "contract['clusterName']: got None; expected text or a Pulumi output of text"),
    ({**VALUES, "kubeconfig": 5}, "contract['kubeconfig']: got '[not shown]'; expected text"),
])
def test_an_export_of_the_wrong_shape_is_refused(values: object, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        engine.run(lambda: export_contract(values), stack="platform")  # type: ignore[arg-type]
    assert str(error.value).startswith(message)


def test_a_platform_output_that_is_not_text_is_refused_and_a_reference_is_required() -> None:
    def app() -> None:
        read_contract(pulumi.StackReference("org/platform/dev"))

    with pytest.raises(InvalidValueError) as error:
        run(app, stack="app", stack_outputs={"org/platform/dev": {**VALUES, "clusterName": 5}})
    assert str(error.value) == ("reference.outputs['clusterName']: got 5.0; expected text, as the platform contract "
                                "exports it")
    with pytest.raises(InvalidValueError) as error:
        engine.run(lambda: read_contract("org/platform/dev"), stack="app")  # type: ignore[arg-type]
    assert str(error.value) == "reference: got 'str'; expected a pulumi.StackReference to the platform stack"


def test_an_app_stack_gives_its_pods_the_platform_vault_through_its_own_workload_identity() -> None:
    """Another team's stack: its identity trusts the platform cluster's issuer, reads the platform's vault, and its
    pods mount the secret; nothing of the platform is declared again."""
    def app() -> None:
        platform = read_contract(pulumi.StackReference("org/platform/dev"))
        vault = VaultRef.of(platform)
        identity = WorkloadIdentity("api", WorkloadIdentityArgs(
            naming=Naming(workload="payments", environment="dev", location="koreacentral"),
            resource_group_name=platform.resource_group_name, cluster=ClusterIssuer.of(platform),
            namespace="payments", service_account="api",
            roles=(RoleGrant(label="vault", role=KEY_VAULT_SECRETS_USER, scope=vault.resource_id),)))
        account = ServiceAccount("api", identity.service_account("payments"))
        secrets = SecretProviderClass("api-vault", SecretProviderClassArgs(
            name="api-vault", namespace="payments", vault=vault, identity=identity, secrets=("api-token",)))
        Deployment("api", DeploymentArgs(name="api", namespace="payments", pod=PodSpec(
            service_account=account, volumes=(secrets.volume(),),
            containers=(Container(name="api", image="payments/api:1.0"),))))

    render = run(app, stack="app")
    assert {r.type for r in render.resources if r.type.startswith("azure-native:")} == {
        "azure-native:managedidentity:UserAssignedIdentity", "azure-native:managedidentity:FederatedIdentityCredential",
        "azure-native:authorization:RoleAssignment"}
    credential = render.one("azure-native:managedidentity:FederatedIdentityCredential")
    assert credential.inputs["issuer"] == PLATFORM_OUTPUTS["oidcIssuerUrl"]
    assert render.one("azure-native:authorization:RoleAssignment").inputs["scope"] == PLATFORM_OUTPUTS["keyVaultId"]
    parameters = manifest(render.one("kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass"))["spec"][
        "parameters"]
    assert (parameters["keyvaultName"], parameters["tenantId"]) == (PLATFORM_OUTPUTS["keyVaultName"],
                                                                    PLATFORM_OUTPUTS["tenantId"])


def test_the_contract_readers_take_only_a_contract() -> None:
    for reader, field in ((VaultRef.of, "vault.contract"), (ClusterIssuer.of, "cluster_issuer.contract")):
        with pytest.raises(InvalidValueError) as error:
            reader("org/platform/dev")  # type: ignore[arg-type]
        assert str(error.value) == f"{field}: got a str; expected a PlatformContract (read_contract(...))"


VAULT_ID = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-platform/providers/"
            "Microsoft.KeyVault/vaults/kv-platform")


@pytest.mark.parametrize(("build", "message"), [
    (lambda: VaultRef(name="", resource_id=VAULT_ID, tenant_id=TENANT),
     "vault.name: got ''; expected a valid key vault name: 3-24 letters, digits and single '-', starting with a "
     "letter and ending alphanumeric"),
    (lambda: VaultRef(name="kv-platform", resource_id=VAULT_ID, tenant_id="not a tenant"),
     "vault.tenant_id: got 'not a tenant'; expected an Entra ID tenant id: a GUID written 8-4-4-4-12 hexadecimal "
     "digits"),
    (lambda: VaultRef(name="kv-platform", resource_id=VAULT_ID.replace("KeyVault/vaults", "Storage/storageAccounts"),
                      tenant_id=TENANT),
     "vault.resource_id: got '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-platform/"
     "providers/Microsoft.Storage/storageAccounts/kv-platform'; expected a Key Vault's id (/subscriptions/<GUID>/"
     "resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>)"),
    (lambda: VaultRef(name="kv-other", resource_id=VAULT_ID, tenant_id=TENANT),
     f"vault.resource_id: got '{VAULT_ID}'; expected the id of vault 'kv-other' (the vault's name)"),
    (lambda: ClusterIssuer(oidc_issuer_url=""),
     "cluster_issuer.oidc_issuer_url: got ''; expected the cluster's OIDC issuer, an https URL such as "
     "'https://<region>.oic.prod-aks.azure.com/<tenant>/<guid>/'"),
    (lambda: ClusterIssuer(oidc_issuer_url="http://issuer.example.com/"),
     "cluster_issuer.oidc_issuer_url: got 'http://issuer.example.com/'; expected the cluster's OIDC issuer, an https "
     "URL such as 'https://<region>.oic.prod-aks.azure.com/<tenant>/<guid>/'"),
])
def test_references_to_the_platform_known_as_text_are_checked_when_declared(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_a_vault_named_by_text_is_granted_only_by_its_own_id() -> None:
    vault = VaultRef(name="kv-platform", resource_id=VAULT_ID, tenant_id=TENANT)
    extension = VAULT_ID.replace("/providers/Microsoft.KeyVault", "/providers/Microsoft.Storage/storageAccounts/st"
                                                                  "/providers/Microsoft.KeyVault")
    assert _is_vault(VAULT_ID.upper().replace("KV-PLATFORM", "kv-platform"), vault)
    assert not _is_vault(extension, vault)
    assert not _is_vault(VAULT_ID.replace("kv-platform", "kv-other"), vault)
