"""The stack's configuration as frozen, typed objects, validated before anything is registered.

``load()`` reads every ``pilothouse:*`` key of the running stack. A bad value raises one
:class:`~pilothouse.errors.InvalidValueError` naming the config key, the value given and
what is allowed; ``__main__`` turns it into a one-line Pulumi error, so no resource is
registered and no provider traceback is shown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import pulumi

from pilothouse.azure.cluster_spec import (
    ClusterSpec,
    ClusterTier,
    MaintenanceWindow,
    NodeOsUpgradeChannel,
    UpgradeChannel,
    Weekday,
)
from pilothouse.azure.naming import Naming
from pilothouse.azure.network_plan import (
    LoadBalancerSku,
    NetworkPlan,
    NetworkPlugin,
    NetworkPolicy,
    OutboundType,
)
from pilothouse.azure.node_pool import NodePoolSpec, OsType, PoolMode
from pilothouse.azure.registry_spec import RegistrySku, RegistrySpec
from pilothouse.errors import InvalidValueError, snake_to_camel
from pilothouse.kubernetes.namespace import NamespaceArgs, PodSecurityLevel
from pilothouse.kubernetes.quota import LimitDefaults, Quota
from stacks.addons_config import AddonsConfig, parse_addons
from stacks.config_reader import Fields, build

PROJECT = "pilothouse"
#: Namespaces the reference workload set is placed in.
REFERENCE_NAMESPACES = ("shop",)
#: Object counts a namespace quota may set.
COUNTED = ("pods", "services", "configmaps", "secrets", "persistentvolumeclaims")
#: Kubernetes minor versions whose API schemas the render is validated against.
SUPPORTED_MINORS = range(30, 38)


class Target(StrEnum):
    """Where the workloads run."""

    AKS = "aks"  # the Azure platform of this program: resource group, network, ACR, AKS
    KUBECONFIG = "kubeconfig"  # any existing cluster reachable through a kubeconfig file (no Azure)
    PLATFORM_STACK = "platformStack"  # the cluster of another stack's platform, read through a StackReference


@dataclass(frozen=True, kw_only=True)
class KubeconfigTarget:
    path: str
    context: str | None = None


@dataclass(frozen=True, kw_only=True)
class AzureConfig:
    naming: Naming
    existing_resource_group: str | None
    network: NetworkPlan
    cluster: ClusterSpec
    registry: RegistrySpec


@dataclass(frozen=True, kw_only=True)
class StackConfig:
    """One environment: everything the program builds is derived from this object."""

    environment: str
    target: Target
    kubernetes_version: str
    #: Protect stateful resources (resource group, registry, databases) from ``destroy``.
    protect: bool
    azure: AzureConfig | None
    kubeconfig: KubeconfigTarget | None
    #: ``organization/project/stack`` of the platform stack whose cluster the workloads go to.
    platform_stack: str | None
    namespaces: tuple[NamespaceArgs, ...]
    #: Deploy the course's reference workload set (web app, database, jobs, node agent).
    reference_workloads: bool = False
    #: The database password of the reference workloads; wrap it with ``pulumi.Output.secret``.
    db_password: str | None = field(default=None, repr=False)
    #: Ingress controller, monitoring and log agent (each absent: not installed).
    addons: AddonsConfig = field(default_factory=lambda: AddonsConfig(
        ingress=None, monitoring=None, prometheus_storage=None, log_agent=None))

    @property
    def kubernetes_minor(self) -> str:
        """``1.34`` of ``1.34.2``: the schema version manifests are validated against."""
        return ".".join(self.kubernetes_version.split(".")[:2])


def load() -> StackConfig:
    """The running stack's configuration (``Pulumi.yaml`` defaults + ``Pulumi.<stack>.yaml``)."""
    raw = raw_config()
    secret = frozenset(key for key in raw if pulumi.runtime.config.is_config_secret(f"{PROJECT}:{key}"))
    return parse(raw, secret_keys=secret)


def raw_config() -> dict[str, object]:
    """Every ``pilothouse:*`` value of the running stack, JSON values decoded."""
    prefix = f"{PROJECT}:"
    values = {**pulumi.runtime.config.get_config_env(), **pulumi.runtime.config.CONFIG.get()}
    config: dict[str, object] = {}
    for key, value in sorted(values.items()):
        if key.startswith(prefix):
            config[key.removeprefix(prefix)] = _decode(value)
    return config


def _decode(value: object) -> object:
    # The engine hands objects, lists and booleans over as JSON text and strings as they are;
    # "1.34" must stay a string, so only those shapes are decoded.
    if isinstance(value, str) and (value[:1] in ("{", "[") or value in ("true", "false")):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def parse(raw: Mapping[str, object], secret_keys: frozenset[str] = frozenset()) -> StackConfig:
    """Validate raw config values (already JSON-decoded) into a :class:`StackConfig`.

    ``secret_keys`` are the keys set with ``pulumi config set --secret``: values that must be
    secrets are refused when given in plain text.
    """
    fields = Fields(PROJECT, raw)
    environment = fields.string("environment", pattern=r"[a-z][a-z0-9]{1,7}",
                                allowed="2-8 lowercase letters and digits, starting with a letter")
    target = fields.choice("target", Target)
    version = fields.string("kubernetesVersion", pattern=r"1\.\d+(\.\d+)?",
                            allowed=_version_allowed())
    if int(version.split(".")[1]) not in SUPPORTED_MINORS:
        raise InvalidValueError(fields.key("kubernetesVersion"), version, _version_allowed())
    protect = fields.boolean("protect", False)
    workload = fields.string("workload", "pilothouse")
    location = fields.string("location", "koreacentral")
    azure = kubeconfig = platform_stack = None
    if target is Target.AKS:
        azure = _azure(fields, workload, environment, location)
    elif target is Target.KUBECONFIG:
        kubeconfig = KubeconfigTarget(path=fields.string("kubeconfig"),
                                      context=fields.optional_string("kubeContext"))
    else:
        platform_stack = fields.string("platformStack", pattern=r"[\w.-]+/[\w.-]+/[\w.-]+",
                                       allowed="a fully qualified stack name 'organization/project/stack'")
    namespaces = tuple(_namespace(section) for section in fields.sections("namespaces"))
    _check_unique(fields.key("namespaces"), [namespace.name for namespace in namespaces])
    for unused in ("network", "cluster", "registry", "nodePools", "existingResourceGroup"):
        if target is not Target.AKS:
            fields.forbid(unused, "no value: this key applies only to target 'aks'")
    for unused in ("kubeconfig", "kubeContext"):
        if target is not Target.KUBECONFIG:
            fields.forbid(unused, f"no value: target '{target}' takes its cluster from the platform")
    if target is not Target.PLATFORM_STACK:
        fields.forbid("platformStack", "no value: this key applies only to target 'platformStack'")
    reference = fields.boolean("referenceWorkloads", False)
    missing = [name for name in REFERENCE_NAMESPACES if name not in {n.name for n in namespaces}]
    if reference and missing:
        raise InvalidValueError(fields.key("namespaces"), [n.name for n in namespaces],
                                f"the namespaces {list(REFERENCE_NAMESPACES)} the reference workloads run in")
    db_password = fields.optional_string("dbPassword")
    if db_password is not None and "dbPassword" not in secret_keys:
        raise InvalidValueError(fields.key("dbPassword"), "(plain text)",
                                "a secret: set it with `pulumi config set --secret dbPassword <value>`")
    addons = parse_addons(fields, on_aks=target is Target.AKS, declared=namespaces)
    fields.reject_unknown()
    return StackConfig(environment=environment, target=target, kubernetes_version=version, protect=protect,
                       azure=azure, kubeconfig=kubeconfig, platform_stack=platform_stack, namespaces=namespaces,
                       reference_workloads=reference, db_password=db_password, addons=addons)


def _version_allowed() -> str:
    return (f"a Kubernetes version '1.MINOR' or '1.MINOR.PATCH' with MINOR from "
            f"{SUPPORTED_MINORS.start} to {SUPPORTED_MINORS.stop - 1}")


def _check_unique(key: str, names: list[str]) -> None:
    for index, name in enumerate(names):
        if name in names[:index]:
            raise InvalidValueError(key, name, "names that are unique in the list")


def _azure(fields: Fields, workload: str, environment: str, location: str) -> AzureConfig:
    try:
        naming = Naming(workload=workload, environment=environment, location=location)
    except InvalidValueError as error:
        raise InvalidValueError(fields.key(error.field), error.value, error.allowed) from None
    network = _network(fields.section("network"))
    cluster = _cluster(fields.section("cluster", {}), fields.sections("nodePools"))
    try:
        network.check_capacity(cluster.all_pools)
    except InvalidValueError as error:
        raise error.within(fields.key("network"), snake_to_camel) from None
    return AzureConfig(
        naming=naming,
        existing_resource_group=fields.optional_string("existingResourceGroup"),
        network=network,
        cluster=cluster,
        registry=_registry(fields.section("registry", {})),
    )


def _network(f: Fields) -> NetworkPlan:
    plugin = f.choice("plugin", NetworkPlugin, NetworkPlugin.AZURE_OVERLAY)
    overlay = plugin is not NetworkPlugin.AZURE
    return build(f, lambda: NetworkPlan(
        vnet_cidr=f.string("vnetCidr"),
        node_subnet_cidr=f.string("nodeSubnetCidr"),
        pod_subnet_cidr=f.optional_string("podSubnetCidr"),
        api_server_subnet_cidr=f.optional_string("apiServerSubnetCidr"),
        virtual_node_subnet_cidr=f.optional_string("virtualNodeSubnetCidr"),
        plugin=plugin,
        policy=f.choice("policy", NetworkPolicy, NetworkPolicy.CILIUM),
        service_cidr=f.string("serviceCidr", "10.0.0.0/16"),
        dns_service_ip=f.string("dnsServiceIp", "10.0.0.10"),
        pod_cidr=f.string("podCidr", "192.168.0.0/16") if overlay else f.optional_string("podCidr"),
        outbound_type=f.choice("outboundType", OutboundType, OutboundType.LOAD_BALANCER),
        load_balancer_sku=f.choice("loadBalancerSku", LoadBalancerSku, LoadBalancerSku.STANDARD),
    ))


def _node_pool(f: Fields, mode: PoolMode) -> NodePoolSpec:
    return build(f, lambda: NodePoolSpec(
        name=f.string("name"),
        vm_size=f.string("vmSize", "Standard_D4ds_v5"),
        min_count=f.integer("minCount", 1, minimum=0, maximum=1000),
        max_count=f.integer("maxCount", 3, minimum=0, maximum=1000),
        mode=mode,
        os=f.choice("os", OsType, OsType.LINUX),
        zones=f.string_list("zones"),
        labels=f.string_map("labels"),
        taints=f.string_list("taints"),
        spot=f.boolean("spot", False),
        max_pods=f.integer("maxPods", 110, minimum=10, maximum=250),
        max_surge=f.string("maxSurge", "10%"),
    ))


def _cluster(f: Fields, pools: list[Fields]) -> ClusterSpec:
    return build(f, lambda: ClusterSpec(
        system_pool=_node_pool(f.section("systemPool", {"name": "system"}), PoolMode.SYSTEM),
        user_pools=tuple(_node_pool(pool, PoolMode.USER) for pool in pools),
        tier=f.choice("tier", ClusterTier, ClusterTier.FREE),
        private=f.boolean("private", False),
        local_accounts_disabled=f.boolean("localAccountsDisabled", True),
        workload_identity=f.boolean("workloadIdentity", True),
        upgrade_channel=f.choice("upgradeChannel", UpgradeChannel, UpgradeChannel.STABLE),
        node_os_upgrade_channel=f.choice("nodeOsUpgradeChannel", NodeOsUpgradeChannel, NodeOsUpgradeChannel.NODE_IMAGE),
        authorized_ip_ranges=f.string_list("authorizedIpRanges"),
        admin_group_ids=f.string_list("adminGroupIds"),
        dedicated_system_pool=f.boolean("dedicatedSystemPool", False),
        key_vault_secrets_provider=f.boolean("keyVaultSecretsProvider", False),
        azure_policy=f.boolean("azurePolicy", False),
        maintenance=_maintenance(f.section("maintenance", {})),
    ))


def _maintenance(f: Fields) -> MaintenanceWindow:
    return build(f, lambda: MaintenanceWindow(
        day=f.choice("day", Weekday, Weekday.SUNDAY),
        start_hour=f.integer("startHour", 2, minimum=0, maximum=23),
        duration_hours=f.integer("durationHours", 4, minimum=4, maximum=24),
    ))


def _registry(f: Fields) -> RegistrySpec:
    return build(f, lambda: RegistrySpec(
        sku=f.choice("sku", RegistrySku, RegistrySku.BASIC),
        admin_user_enabled=f.boolean("adminUserEnabled", False),
        retention_days=f.optional_integer("retentionDays", minimum=0, maximum=365),
        replica_locations=f.string_list("replicaLocations"),
    ))


def _namespace(f: Fields) -> NamespaceArgs:
    quota, limits = f.optional_section("quota"), f.optional_section("limits")
    return build(f, lambda: NamespaceArgs(
        name=f.string("name"),
        labels=f.string_map("labels"),
        pod_security=f.choice("podSecurity", PodSecurityLevel, PodSecurityLevel.RESTRICTED),
        quota=None if quota is None else _quota(quota),
        limits=None if limits is None else _limits(limits),
        isolated=f.boolean("isolated", True),
    ))


def _quota(f: Fields) -> Quota:
    return build(f, lambda: Quota.of(
        requests_cpu=f.optional_string("requestsCpu"), requests_memory=f.optional_string("requestsMemory"),
        limits_cpu=f.optional_string("limitsCpu"), limits_memory=f.optional_string("limitsMemory"),
        requests_storage=f.optional_string("requestsStorage"),
        **{key: f.integer(key, minimum=0, maximum=100000) for key in COUNTED if not f.unset(key)},
    ))


def _limits(f: Fields) -> LimitDefaults:
    return build(f, lambda: LimitDefaults.of(
        request_cpu=f.optional_string("requestCpu"), request_memory=f.optional_string("requestMemory"),
        limit_cpu=f.optional_string("limitCpu"), limit_memory=f.optional_string("limitMemory"),
        max_cpu=f.optional_string("maxCpu"), max_memory=f.optional_string("maxMemory"),
    ))
