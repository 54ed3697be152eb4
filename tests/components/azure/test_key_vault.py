"""The platform's Key Vault and the SecretProviderClass that puts its secrets in pods, read as a workload
identity."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pilothouse.azure.key_vault import KeyVault, KeyVaultArgs, VaultPrivateEndpoint, check_network_access
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

VNET = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/"
        "virtualNetworks/vnet")
SUBNET = f"{VNET}/subnets/nodes"


def _mock_id(module: str, kind: str, name: str) -> str:
    """The id the mock engine gives an Azure resource of group ``rg``."""
    return (f"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.{module}/"
            f"{kind}/{name}")


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
                                "nodes reach (KeyVaultArgs.allowed_subnet_ids or private_endpoint): the CSI driver "
                                "reads it from the nodes")

    def repeated() -> None:
        vault = _vault()
        SecretProviderClassArgs(name="db", namespace="shop", vault=vault, identity=_identity(vault),
                                secrets=("Db", "db"))

    with pytest.raises(InvalidValueError) as error:
        engine.run(repeated, stack="dev")
    assert str(error.value) == ("secret_provider_class.secrets: got 'db'; expected each secret once (Key Vault names "
                                "ignore case)")


def test_public_ip_ranges_pass_the_firewall_in_the_form_azure_stores() -> None:
    render = engine.run(lambda: _vault(allowed_subnet_ids=(), allowed_ip_ranges=["20.30.40.50", "52.10.0.0/16"]),
                        stack="dev")
    properties = render.one("azure-native:keyvault:Vault").inputs["properties"]
    assert properties["publicNetworkAccess"] == "Enabled"
    assert properties["networkAcls"] == {"bypass": "AzureServices", "defaultAction": "Deny", "virtualNetworkRules": [],
                                         "ipRules": [{"value": "20.30.40.50/32"}, {"value": "52.10.0.0/16"}]}


_PUBLIC = ("a public IPv4 address or CIDR range such as '20.30.40.50' or '20.30.40.0/24': Key Vault's IP rules take "
           "only public addresses, and this one is or holds private (RFC 1918) or reserved ones")
_WRITTEN = ("an IPv4 address such as '20.30.40.50' or network address in CIDR notation such as '20.30.40.0/24' (no "
            "host bits, a prefix length 0-32, no leading zeros)")


@pytest.mark.parametrize(("ranges", "message"), [
    ((5,), "key_vault.allowed_ip_ranges[0]: got 5; expected text: a public IPv4 address or CIDR range such as "
           "'20.30.40.50' or '20.30.40.0/24'"),
    (("2001:db8::/32",), "key_vault.allowed_ip_ranges[0]: got '2001:db8::/32'; expected an IPv4 address or range: Key "
                         "Vault's firewall takes no IPv6 rules"),
    (("20.30.40.5/24",), "key_vault.allowed_ip_ranges[0]: got '20.30.40.5/24'; expected a range without host bits "
                         "set: '20.30.40.0/24' (the /24 that holds 20.30.40.5)"),
    (("office",), f"key_vault.allowed_ip_ranges[0]: got 'office'; expected {_WRITTEN}"),
    (("20.30.40.0/255.255.255.0",), f"key_vault.allowed_ip_ranges[0]: got '20.30.40.0/255.255.255.0'; expected "
                                    f"{_WRITTEN}"),
    (("20.30.40.50", "10.1.0.0/16"), f"key_vault.allowed_ip_ranges[1]: got '10.1.0.0/16'; expected {_PUBLIC}"),
    (("192.168.0.7",), f"key_vault.allowed_ip_ranges[0]: got '192.168.0.7'; expected {_PUBLIC}"),
    (("100.64.0.1",), f"key_vault.allowed_ip_ranges[0]: got '100.64.0.1'; expected {_PUBLIC}"),
    (("0.0.0.0/0",), f"key_vault.allowed_ip_ranges[0]: got '0.0.0.0/0'; expected {_PUBLIC}"),
    (("20.30.40.50", "20.30.40.50/32"), "key_vault.allowed_ip_ranges[1]: got '20.30.40.50/32'; expected each range "
                                        "once (an address alone is its /32)"),
    (tuple(f"20.30.{i // 256}.{i % 256}" for i in range(1001)),
     "key_vault.allowed_ip_ranges: got '1001 ranges'; expected at most 1000 ranges (Key Vault's IPv4 rules)"),
    ("20.30.40.50", "key_vault.allowed_ip_ranges: got '20.30.40.50'; expected a value of type tuple[str, ...]: a "
                    "tuple, such as ('20.30.40.50',)"),
])
def test_allowed_ip_ranges_are_public_ipv4_ranges_each_once(ranges: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        KeyVaultArgs(naming=NAMING, resource_group_name="rg", allowed_ip_ranges=ranges)
    assert str(error.value) == message


def test_at_most_200_subnets_are_allowed() -> None:
    KeyVaultArgs(naming=NAMING, resource_group_name="rg", allowed_subnet_ids=tuple(f"{SUBNET}{i}" for i in range(200)))
    with pytest.raises(InvalidValueError) as error:
        KeyVaultArgs(naming=NAMING, resource_group_name="rg",
                     allowed_subnet_ids=tuple(f"{SUBNET}{i}" for i in range(201)))
    assert str(error.value) == ("key_vault.allowed_subnet_ids: got '201 subnets'; expected at most 200 subnets (Key "
                                "Vault's virtual network rules)")


def test_a_private_endpoint_puts_the_vault_in_the_subnet_and_its_name_in_private_dns(run_program: RunProgram) -> None:
    render = run_program(lambda: _vault(allowed_subnet_ids=(), private_endpoint=VaultPrivateEndpoint(
        subnet_id=SUBNET, virtual_network_id=VNET)))
    vault = render.one("azure-native:keyvault:Vault")
    properties = vault.inputs["properties"]
    assert properties["publicNetworkAccess"] == "Disabled"
    assert properties["networkAcls"] == {"bypass": "AzureServices", "defaultAction": "Deny", "virtualNetworkRules": []}
    endpoint = render.one("azure-native:network:PrivateEndpoint").inputs
    assert endpoint == {
        "privateEndpointName": "pep-kv-shop-dev-krc", "customNetworkInterfaceName": "pep-kv-shop-dev-krc-nic",
        "resourceGroupName": "rg", "location": "koreacentral", "tags": NAMING.tags, "subnet": {"id": SUBNET},
        "privateLinkServiceConnections": [{"name": "kv-shop-dev-krc", "groupIds": ["vault"],
                                           "privateLinkServiceId": _mock_id("keyvault", "Vault", "kv-shop-dev-krc")}]}
    zone = render.one("azure-native:privatedns:PrivateZone").inputs
    assert zone == {"privateZoneName": "privatelink.vaultcore.azure.net", "resourceGroupName": "rg",
                    "location": "global", "tags": NAMING.tags}
    link = render.one("azure-native:privatedns:VirtualNetworkLink").inputs
    assert link == {"virtualNetworkLinkName": "kv-shop-dev-krc", "privateZoneName": "privatelink.vaultcore.azure.net",
                    "resourceGroupName": "rg", "location": "global", "tags": NAMING.tags,
                    "registrationEnabled": False, "virtualNetwork": {"id": VNET}}
    group = render.one("azure-native:network:PrivateDnsZoneGroup").inputs
    assert group == {"privateDnsZoneGroupName": "kv-shop-dev-krc", "privateEndpointName": "pep-kv-shop-dev-krc",
                     "resourceGroupName": "rg", "privateDnsZoneConfigs": [{
                         "name": "privatelink-vaultcore-azure-net",
                         "privateDnsZoneId": _mock_id("privatedns", "PrivateZone",
                                                      "privatelink.vaultcore.azure.net")}]}
    component = render.one("pilothouse:azure:KeyVault")
    assert {r.type for r in render.children_of(component)} == {
        "azure-native:keyvault:Vault", "azure-native:keyvault:Secret", "azure-native:network:PrivateEndpoint",
        "azure-native:privatedns:PrivateZone", "azure-native:privatedns:VirtualNetworkLink",
        "azure-native:network:PrivateDnsZoneGroup"}


def test_the_csi_driver_reads_a_vault_through_its_private_endpoint() -> None:
    def program() -> None:
        vault = _vault(allowed_subnet_ids=(), private_endpoint=VaultPrivateEndpoint(subnet_id=SUBNET,
                                                                                     virtual_network_id=VNET))
        SecretProviderClassArgs(name="db", namespace="shop", vault=vault, identity=_identity(vault),
                                secrets=("db-password",))

    engine.run(program, stack="dev")


@pytest.mark.parametrize(("changes", "message"), [
    ({"allowed_ip_ranges": ("20.30.40.50",)},
     "key_vault.private_endpoint: got 'a private endpoint with 1 allowed IP range'; expected a private endpoint alone, "
     "or allowed subnets and IP ranges without one: with a private endpoint the vault's public network access is "
     "'Disabled', which blocks every public address and overrides the firewall's rules"),
    ({"allowed_subnet_ids": (SUBNET,), "allowed_ip_ranges": ("20.30.40.50", "52.10.0.0/16")},
     "key_vault.private_endpoint: got 'a private endpoint with 1 allowed subnet and 2 allowed IP ranges'; expected a "
     "private endpoint alone, or allowed subnets and IP ranges without one: with a private endpoint the vault's public "
     "network access is 'Disabled', which blocks every public address and overrides the firewall's rules"),
])
def test_a_private_endpoint_is_refused_next_to_firewall_rules(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        KeyVaultArgs(**{"naming": NAMING, "resource_group_name": "rg", "allowed_subnet_ids": (),
                        "private_endpoint": VaultPrivateEndpoint(subnet_id=SUBNET, virtual_network_id=VNET),
                        **changes})
    assert str(error.value) == message


@pytest.mark.parametrize(("changes", "message"), [
    ({"subnet_id": VNET},
     f"key_vault.private_endpoint.subnet_id: got '{VNET}'; expected a subnet's id (/subscriptions/<GUID>/"
     "resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>)"),
    ({"virtual_network_id": SUBNET},
     f"key_vault.private_endpoint.virtual_network_id: got '{SUBNET}'; expected a virtual network's id (/subscriptions/"
     "<GUID>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>)"),
    ({"virtual_network_id": None},
     "key_vault.private_endpoint.virtual_network_id: got None; expected a value of type str | Output"),
])
def test_a_private_endpoint_names_a_subnet_and_a_virtual_network(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        VaultPrivateEndpoint(**{"subnet_id": SUBNET, "virtual_network_id": VNET, **changes})
    assert str(error.value) == message
    with pytest.raises(InvalidValueError) as error:
        KeyVaultArgs(naming=NAMING, resource_group_name="rg", private_endpoint=SUBNET)  # type: ignore[arg-type]
    assert str(error.value) == (f"key_vault.private_endpoint: got '{SUBNET}'; expected a value of type "
                                "VaultPrivateEndpoint | None")


@pytest.mark.parametrize("wide", ["100.0.0.0/8", "169.0.0.0/8", "198.0.0.0/8", "96.0.0.0/3", "224.0.0.0/3",
                                  "224.0.0.0/4", "0.0.0.0/0"])
def test_a_range_holding_any_reserved_block_is_refused(wide: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        KeyVaultArgs(naming=NAMING, resource_group_name="rg", allowed_ip_ranges=(wide,))
    assert str(error.value).endswith("this one is or holds private (RFC 1918) or reserved ones")


def test_the_network_check_takes_tuples_and_shows_no_object_address() -> None:
    for given, shown in (("20.30.40.50", "'20.30.40.50'"), (None, "None")):
        with pytest.raises(InvalidValueError) as error:
            check_network_access((), given, private_endpoint=False)  # type: ignore[arg-type]
        assert str(error.value) == f"key_vault.allowed_ip_ranges: got {shown}; expected a tuple"
    with pytest.raises(InvalidValueError) as error:
        check_network_access((), (pulumi.Output.from_input("20.30.40.50"),),  # type: ignore[arg-type]
                             private_endpoint=False)
    assert str(error.value).startswith("key_vault.allowed_ip_ranges[0]: got an Output; expected text:")
