"""The platform's Key Vault and the SecretProviderClass that puts its secrets in pods, read as a workload
identity."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pilothouse.azure.key_vault import KeyVault, KeyVaultArgs
from pilothouse.azure.naming import Naming, ResourceKind
from pilothouse.azure.roles import (
    ACR_PULL,
    KEY_VAULT_ADMINISTRATOR,
    KEY_VAULT_SECRETS_OFFICER,
    KEY_VAULT_SECRETS_USER,
)
from pilothouse.azure.secret_provider_class import SecretProviderClass, SecretProviderClassArgs
from pilothouse.azure.workload_identity import RoleGrant, WorkloadIdentity, WorkloadIdentityArgs
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes import (
    Container,
    Deployment,
    DeploymentArgs,
    Namespace,
    NamespaceArgs,
    PodSpec,
    ServiceAccount,
)
from pilothouse.kubernetes.volumes import Volume
from pilothouse.offline import engine
from pilothouse.offline.engine import SECRET
from pilothouse.offline.render import manifest
from tests.components.azure.test_platform import NAMING
from tests.components.azure.test_workload_identity import _cluster
from tests.conftest import RunProgram

SUBNET = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/"
          "virtualNetworks/vnet/subnets/nodes")


def _vault(**changes: Any) -> KeyVault:
    vault = KeyVault("vault", KeyVaultArgs(**{"naming": NAMING, "resource_group_name": "rg",
                                              "allowed_subnet_ids": (SUBNET,), **changes}))
    vault.secret("db-password", pulumi.Output.secret("pw"))
    return vault


def _identity(vault: KeyVault, *, namespace: str = "shop", grant: bool = True) -> WorkloadIdentity:
    roles = (RoleGrant(label="vault", role=KEY_VAULT_SECRETS_USER, scope=vault.resource_id),) if grant else ()
    return WorkloadIdentity("web", WorkloadIdentityArgs(naming=NAMING, resource_group_name="rg", cluster=_cluster(),
                                                        namespace=namespace, service_account="web", roles=roles))


def test_the_vault_is_rbac_only_purge_protected_and_reachable_from_its_subnets(run_program: RunProgram) -> None:
    render = run_program(_vault)
    vault = render.one("azure-native:keyvault:Vault")
    assert vault.inputs["vaultName"] == "kv-shop-dev-krc"
    properties = vault.inputs["properties"]
    assert properties["enableRbacAuthorization"] is True
    assert properties["enablePurgeProtection"] is True
    assert properties["softDeleteRetentionInDays"] == 90
    assert properties["publicNetworkAccess"] == "Enabled"
    assert properties["networkAcls"] == {"bypass": "AzureServices", "defaultAction": "Deny",
                                         "virtualNetworkRules": [{"id": SUBNET}]}
    assert "accessPolicies" not in properties
    secret = render.one("azure-native:keyvault:Secret")
    assert secret.inputs["secretName"] == "db-password"
    assert secret.inputs["properties"] == {"value": SECRET}


def test_a_throwaway_vault_opts_out_of_purge_protection_and_a_closed_one_of_the_network() -> None:
    render = engine.run(lambda: _vault(purge_protection=False, allowed_subnet_ids=()), stack="dev")
    properties = render.one("azure-native:keyvault:Vault").inputs["properties"]
    assert "enablePurgeProtection" not in properties  # Azure refuses false: unset is the opt-out
    assert properties["publicNetworkAccess"] == "Disabled"


def test_vault_names_fit_key_vaults_24_characters() -> None:
    long = Naming(workload="paymentsteam", environment="staging1", location="koreacentral")
    name = long.name(ResourceKind.KEY_VAULT)
    assert name.startswith("kv-paymentsteam-")
    assert len(name) == 24
    other = Naming(workload="paymentsteam", environment="staging2", location="koreacentral")
    assert other.name(ResourceKind.KEY_VAULT) != name


def test_a_bad_secret_name_is_refused() -> None:
    with pytest.raises(InvalidValueError) as error:
        engine.run(lambda: _vault().secret("db_password", "pw"), stack="dev")
    assert str(error.value) == ("key_vault.secret: got 'db_password'; expected a Key Vault secret name: 1-127 "
                                "letters, digits and '-'")


def test_pods_read_vault_secrets_as_their_workload_identity(run_program: RunProgram) -> None:
    def program() -> None:
        vault = _vault()
        identity = _identity(vault)
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        spc = SecretProviderClass("db", SecretProviderClassArgs(
            name="db", namespace=shop, vault=vault, identity=identity, secrets=("db-password",), sync_to="db-kv"))
        account = ServiceAccount("web", identity.service_account(shop))
        Deployment("web", DeploymentArgs(name="web", namespace=shop, pod=PodSpec(
            service_account=account, volumes=(spc.volume(),),
            containers=(Container(name="web", image="web:1", env={"DB_PASSWORD": spc.env("db-password")}),))))

    render = run_program(program)
    spc = manifest(render.one("kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass"))
    assert spc["spec"]["provider"] == "azure"
    assert spc["spec"]["parameters"]["usePodIdentity"] == "false"
    assert spc["spec"]["parameters"]["keyvaultName"] == "kv-shop-dev-krc"
    assert spc["spec"]["parameters"]["objects"] == "array:\n- 'objectName: db-password\n\n  objectType: secret\n\n  '\n"
    assert spc["spec"]["secretObjects"] == [{"secretName": "db-kv", "type": "Opaque",
                                             "data": [{"objectName": "db-password", "key": "db-password"}]}]
    pod = manifest(render.one("kubernetes:apps/v1:Deployment"))["spec"]["template"]["spec"]
    assert pod["volumes"][0] == {"name": "db", "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": True,
                                                       "volumeAttributes": {"secretProviderClass": "db"}}}
    assert pod["containers"][0]["env"] == [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {
        "name": "db-kv", "key": "db-password"}}}]


@pytest.mark.parametrize(("changes", "message"), [
    ({"secrets": ()}, "secret_provider_class.secrets: got (); expected at least one Key Vault secret name"),
    ({"secrets": ("a", "a")}, "secret_provider_class.secrets: got 'a'; expected each secret once (Key Vault names "
                              "ignore case)"),
    ({"namespace": "ops"}, "secret_provider_class.identity: got 'shop'; expected an identity trusting an account of "
                           "namespace 'ops'"),
])
def test_bad_classes_are_refused(changes: dict[str, Any], message: str) -> None:
    def program() -> None:
        vault = _vault()
        SecretProviderClassArgs(**{"name": "db", "namespace": "shop", "vault": vault, "identity": _identity(vault),
                                   "secrets": ("db-password",), **changes})

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="dev")
    assert str(error.value) == message


VAULT_ID = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/"
            "vaults/KV-shop-dev-krc")
OTHER_ID = VAULT_ID.replace("KV-shop", "kv-other")


@pytest.mark.parametrize(("role", "scope", "reads"), [
    (KEY_VAULT_SECRETS_USER, None, True),
    (KEY_VAULT_SECRETS_USER, VAULT_ID, True),  # the vault's id as text: its name is unique in Azure
    (KEY_VAULT_SECRETS_OFFICER, None, True),
    (KEY_VAULT_ADMINISTRATOR.upper(), None, True),
    (ACR_PULL, None, False),
    (KEY_VAULT_SECRETS_USER, OTHER_ID, False),
    (KEY_VAULT_SECRETS_USER, VAULT_ID + "-2", False),
])
def test_the_identity_must_hold_a_role_that_reads_the_vaults_secrets(role: str, scope: str | None,
                                                                     reads: bool) -> None:
    def program() -> None:
        vault = _vault()
        grant = RoleGrant(label="vault", role=role, scope=vault.resource_id if scope is None else scope)
        identity = WorkloadIdentity("web", WorkloadIdentityArgs(
            naming=NAMING, resource_group_name="rg", cluster=_cluster(), namespace="shop", service_account="web",
            roles=(grant,)))
        SecretProviderClassArgs(name="db", namespace="shop", vault=vault, identity=identity, secrets=("db-password",))

    if reads:
        engine.run(program, stack="dev")
        return
    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="dev")
    assert str(error.value) == (
        "secret_provider_class.identity: got 'web'; expected an identity granted a role that reads the vault's "
        "secrets (Key Vault Secrets User, Secrets Officer or Administrator) on the vault: "
        "RoleGrant(role=KEY_VAULT_SECRETS_USER, scope=vault.resource_id)")


def test_an_identity_without_access_to_the_vault_is_refused() -> None:
    def program() -> None:
        vault = _vault()
        SecretProviderClassArgs(name="db", namespace="shop", vault=vault, identity=_identity(vault, grant=False),
                                secrets=("db-password",))

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="dev")
    assert str(error.value).startswith("secret_provider_class.identity: got 'web'; expected an identity granted a role")


def test_an_env_value_from_the_synced_secret_needs_the_volume_mounted() -> None:
    def program() -> None:
        vault = _vault()
        spc = SecretProviderClass("db", SecretProviderClassArgs(
            name="db", namespace="shop", vault=vault, identity=_identity(vault), secrets=("db-password",),
            sync_to="db-kv"))
        PodSpec(containers=(Container(name="web", image="web:1", env={"DB_PASSWORD": spc.env("db-password")}),))

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="dev")
    assert str(error.value) == (
        "pod.containers['web'].env['DB_PASSWORD']: got 'db'; expected a pod that mounts volume 'db': the Secret "
        "behind the value exists only while a pod mounts it (Secrets Store CSI driver)")


def test_a_secret_is_stored_once_and_its_value_never_shown() -> None:
    def twice() -> None:
        vault = _vault()
        vault.secret("DB-Password", "other")

    with pytest.raises(InvalidValueError) as error:
        engine.run(twice, stack="dev")
    assert str(error.value) == ("key_vault.secret: got 'DB-Password'; expected a secret name not stored in this vault "
                                "before (Key Vault names ignore case)")
    with pytest.raises(InvalidValueError) as error:
        engine.run(lambda: _vault().secret("api", {"password": "hunter2"}), stack="dev")  # type: ignore[arg-type]
    assert str(error.value) == "key_vault.secret.value: got '[not shown]'; expected text or a Pulumi output of text"
    assert "hunter2" not in str(error.value)


@pytest.mark.parametrize("subnets", [("not an id",), ("",), (SUBNET, SUBNET.upper())])
def test_allowed_subnets_are_subnet_ids_each_once(subnets: tuple[str, ...]) -> None:
    with pytest.raises(InvalidValueError) as error:
        KeyVaultArgs(naming=NAMING, resource_group_name="rg", allowed_subnet_ids=subnets)
    assert str(error.value).startswith("key_vault.allowed_subnet_ids: got ")


def test_only_the_identitys_pods_of_the_classs_namespace_mount_it() -> None:
    def program(namespace: str, account: str | None) -> None:
        vault = _vault()
        spc = SecretProviderClass("db", SecretProviderClassArgs(
            name="db", namespace="shop", vault=vault, identity=_identity(vault), secrets=("db-password",)))
        DeploymentArgs(name="web", namespace=namespace, pod=PodSpec(
            service_account=account, volumes=(spc.volume(),), containers=(Container(name="web", image="web:1"),)))

    engine.run(lambda: program("shop", "web"), stack="dev")
    for namespace, account, shown in (("other", "web", "'other' as 'web'"), ("shop", None, "'shop' as 'default'"),
                                      ("shop", "someone", "'shop' as 'someone'")):
        with pytest.raises(InvalidValueError) as error:
            engine.run(lambda ns=namespace, sa=account: program(ns, sa), stack="dev")  # type: ignore[misc]
        assert str(error.value) == (
            "deployment.pod.volumes: got 'db'; expected pods of namespace 'shop' running as ServiceAccount 'web' (the "
            f"identity the volume's secrets are read as); these run in {shown}")


@pytest.mark.parametrize(("build", "message"), [
    (lambda spc: spc.env("db-password", Volume.empty_dir("x")),
     "env.volume: got 'x'; expected a volume of SecretProviderClass 'db' (its volume())"),
])
def test_an_env_value_needs_this_classs_own_volume(build: Any, message: str) -> None:
    def program() -> None:
        vault = _vault()
        build(SecretProviderClass("db", SecretProviderClassArgs(
            name="db", namespace="shop", vault=vault, identity=_identity(vault), secrets=("db-password",),
            sync_to="db-kv")))

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="dev")
    assert str(error.value) == message


def test_a_closed_vault_or_a_repeated_secret_is_refused() -> None:
    def closed() -> None:
        vault = _vault(allowed_subnet_ids=())
        SecretProviderClassArgs(name="db", namespace="shop", vault=vault, identity=_identity(vault),
                                secrets=("db-password",))

    with pytest.raises(InvalidValueError) as error:
        engine.run(closed, stack="dev")
    assert str(error.value) == ("secret_provider_class.vault: got 'kv-shop-dev-krc'; expected a vault the cluster's "
                                "nodes reach (KeyVaultArgs.allowed_subnet_ids): the CSI driver reads it from the nodes")

    def repeated() -> None:
        vault = _vault()
        SecretProviderClassArgs(name="db", namespace="shop", vault=vault, identity=_identity(vault),
                                secrets=("Db", "db"))

    with pytest.raises(InvalidValueError) as error:
        engine.run(repeated, stack="dev")
    assert str(error.value) == ("secret_provider_class.secrets: got 'db'; expected each secret once (Key Vault names "
                                "ignore case)")
