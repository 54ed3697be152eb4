"""The stack's configuration as frozen, typed objects, validated before anything is registered.

``load()`` reads every ``pilothouse:*`` key of the running stack. A bad value raises one
:class:`~pilothouse.errors.InvalidValueError` naming the config key, the value given and
what is allowed; ``__main__`` turns it into a one-line Pulumi error, so no resource is
registered and no provider traceback is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial

import pulumi

from pilothouse.azure.cluster_spec import (
    ClusterSpec,
    ClusterTier,
    MaintenanceWindow,
    NodeOsUpgradeChannel,
    UpgradeChannel,
    Weekday,
)
from pilothouse.azure.key_vault import check_network_access
from pilothouse.azure.naming import Naming, ResourceKind, check_name
from pilothouse.azure.network_plan import (
    LoadBalancerSku,
    NetworkPlan,
    NetworkPlugin,
    NetworkPolicy,
    OutboundType,
)
from pilothouse.azure.node_pool import NodePoolSpec, OsType, PoolMode
from pilothouse.azure.registry_spec import RegistrySku, RegistrySpec
from pilothouse.errors import snake_to_camel
from pilothouse.kubernetes.gateway import attach_label
from pilothouse.kubernetes.namespace import NamespaceArgs, PodSecurityLevel
from pilothouse.kubernetes.quota import LimitDefaults, Quota
from stacks.addons_config import AddonsConfig, GatewayConfig, parse_addons
from stacks.config_reader import Fields, build, required
from stacks.reference import NAMESPACE as REFERENCE_NAMESPACE
from stacks.reference import misfits

PROJECT = "pilothouse"
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
class KeyVaultConfig:
    """The platform vault's network and purge protection (``pilothouse:keyVault``), checked as
    :class:`~pilothouse.azure.key_vault.KeyVaultArgs` checks them.

    Fields:
        purge_protection: ``purgeProtection``, default the stack's ``protect`` (a dev vault may be purged with its
            stack).
        allowed_ip_ranges: public IPv4 addresses or CIDR ranges let through its firewall next to the node subnet
            (``allowedIpRanges``, default none).
        private_endpoint: a private endpoint in the node subnet instead of the firewall, its public network access
            off (``privateEndpoint``, default false); refused next to ``allowedIpRanges``.
    """

    purge_protection: bool
    allowed_ip_ranges: tuple[str, ...] = ()
    private_endpoint: bool = False


@dataclass(frozen=True, kw_only=True)
class AzureConfig:
    naming: Naming
    existing_resource_group: str | None
    network: NetworkPlan
    cluster: ClusterSpec
    registry: RegistrySpec
    key_vault: KeyVaultConfig


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
    values = {**pulumi.runtime.config.get_config_env(), **pulumi.runtime.config.CONFIG.get()}
    secret = frozenset(key.removeprefix(f"{PROJECT}:") for key in values
                       if pulumi.runtime.config.is_config_secret(key))
    return parse(raw_config(values), secret_keys=secret)


def raw_config(values: Mapping[str, str]) -> dict[str, str]:
    """Every ``pilothouse:*`` value of ``values`` (as the engine passes them: text), by key without the namespace.

    The engine passes an object or a list as JSON text and any other value as text; each read decodes the text as
    its key's type needs (:class:`~stacks.config_reader.Fields`), so a secret, read as text, is never decoded.
    """
    prefix = f"{PROJECT}:"
    return {key.removeprefix(prefix): value for key, value in sorted(values.items()) if key.startswith(prefix)}


def parse(raw: Mapping[str, object], secret_keys: frozenset[str] = frozenset()) -> StackConfig:
    """Validate raw config values (the engine's text, as :func:`raw_config` gives it, or Python values) into a
    :class:`StackConfig`.

    ``secret_keys`` are the keys set with ``pulumi config set --secret``: values that must be secrets are refused
    when given in plain text, and no error shows a secret's value.

    Raises:
        InvalidValueError: the one refused value, named by its config key; or :class:`InvalidConfigError` (an
            ``InvalidValueError``) listing every refused value when there are several. Nothing is registered.
    """
    fields = Fields(PROJECT, raw, secrets=frozenset(f"{PROJECT}:{key}" for key in secret_keys), engine_text=True)
    report = fields.report
    environment = fields.string("environment", pattern=r"[a-z][a-z0-9]{1,7}",
                                allowed="2-8 lowercase letters and digits, starting with a letter")
    target = fields.choice("target", Target)
    version = _kubernetes_version(fields)
    if report.refused(fields.key("target")):  # each target takes its own keys: only the shared ones can be judged
        fields.boolean("protect", False)
        _namespaces(fields, reference=fields.boolean("referenceWorkloads", False))
        report.check()
    protect = fields.boolean("protect", False)
    # Checked on every target: Pulumi.yaml gives them defaults, so any stack has them (only AKS names things).
    workload, location = fields.string("workload", "pilothouse"), fields.string("location", "koreacentral")
    naming = None
    if not any(report.refused(fields.key(key)) for key in ("environment", "workload", "location")):
        naming = fields.attempt(lambda: Naming(workload=workload, environment=environment, location=location))
    azure = kubeconfig = platform_stack = None
    if target is Target.AKS:
        azure = _azure(fields, naming, protect=protect)
    else:
        for unused in ("network", "cluster", "registry", "keyVault", "nodePools",
                       "existingResourceGroup"):
            fields.forbid(unused, "no value: this key applies only to target 'aks'")
    if target is Target.KUBECONFIG:
        printable = r"[^\x00-\x1f\x7f]+"
        kubeconfig = KubeconfigTarget(
            path=fields.string("kubeconfig", pattern=printable, allowed="a file path (no control characters)"),
            context=fields.optional_string("kubeContext", pattern=printable,
                                           allowed="a context name (no control characters)"))
    else:
        for unused in ("kubeconfig", "kubeContext"):
            fields.forbid(unused, f"no value: target '{target}' takes its cluster from the platform")
    if target is Target.PLATFORM_STACK:
        platform_stack = fields.string("platformStack", pattern=r"[\w.-]+/[\w.-]+/[\w.-]+",
                                       allowed="a fully qualified stack name 'organization/project/stack'")
    else:
        fields.forbid("platformStack", "no value: this key applies only to target 'platformStack'")
    reference = fields.boolean("referenceWorkloads", False)
    namespaces = _namespaces(fields, reference=reference, from_vault=target is Target.AKS)
    db_password = fields.optional_string("dbPassword")
    if db_password is not None and "dbPassword" not in secret_keys:
        fields.refuse("dbPassword", "(plain text)",
                      "a secret: set it with `pulumi config set --secret dbPassword <value>`")
    addons = parse_addons(fields, on_aks=target is Target.AKS, declared=namespaces, environment=environment)
    if reference:
        _reference_namespace(fields, namespaces, addons.gateway if addons is not None else None)
    fields.reject_unknown()
    report.check()
    assert addons is not None  # every error was raised above
    return StackConfig(environment=environment, target=target, kubernetes_version=version, protect=protect,
                       azure=azure, kubeconfig=kubeconfig, platform_stack=platform_stack, namespaces=namespaces,
                       reference_workloads=reference, db_password=db_password, addons=addons)


def _reference_namespace(fields: Fields, namespaces: tuple[NamespaceArgs, ...], gateway: GatewayConfig | None) -> None:
    """The namespace the reference workloads run in is declared and, with a Gateway, carries the label through which
    their routes attach to it."""
    names = [namespace.name for namespace in namespaces]
    if REFERENCE_NAMESPACE not in names:
        if not fields.report.refused(fields.key("namespaces")):
            fields.refuse("namespaces", names, f"the namespace '{REFERENCE_NAMESPACE}' the reference workloads run in")
        return
    index = names.index(REFERENCE_NAMESPACE)
    for key, value in (attach_label(gateway.name, namespace=gateway.namespace) if gateway is not None else {}).items():
        if namespaces[index].labels.get(key) != value:
            fields.refuse(f"namespaces[{index}].labels['{key}']", namespaces[index].labels.get(key),
                          f"'{value}' on namespace '{REFERENCE_NAMESPACE}': the reference web app's routes attach to "
                          f"Gateway '{gateway.name if gateway else ''}' from the namespaces carrying this label")


def _kubernetes_version(fields: Fields) -> str:
    allowed = (f"a Kubernetes version '1.MINOR' or '1.MINOR.PATCH' with MINOR from {SUPPORTED_MINORS.start} to "
               f"{SUPPORTED_MINORS.stop - 1} (ASCII digits, no leading zeros), quoted in the stack file ('1.30' "
               "unquoted is the number 1.3)")
    version = fields.string("kubernetesVersion", pattern=r"1\.(0|[1-9][0-9]{0,3})(\.(0|[1-9][0-9]{0,3}))?",
                            allowed=allowed)
    if version and int(version.split(".")[1]) not in SUPPORTED_MINORS:
        fields.refuse("kubernetesVersion", version, allowed)
    return version


def _namespaces(fields: Fields, *, reference: bool, from_vault: bool = False) -> tuple[NamespaceArgs, ...]:
    """The declared namespaces; with ``reference``, the one the reference workloads run in must admit them all at
    their peak (its quota and LimitRange, checked as the components check them when declared)."""
    namespaces: list[NamespaceArgs] = []
    for index, section in enumerate(fields.sections("namespaces")):
        namespace = fields.report.attempt(partial(_namespace, section))
        if namespace is None:
            continue
        if namespace.name in {n.name for n in namespaces}:
            fields.refuse(f"namespaces[{index}].name", namespace.name, "names that are unique in the list")
        else:
            namespaces.append(namespace)
            if reference and namespace.name == REFERENCE_NAMESPACE:
                for misfit in misfits(namespace, from_vault=from_vault):
                    section.refuse(snake_to_camel(misfit.field), misfit.value, misfit.allowed)
    return tuple(namespaces)


def _azure(fields: Fields, naming: Naming | None, *, protect: bool) -> AzureConfig | None:
    report = fields.report
    existing = fields.optional_string("existingResourceGroup")
    if existing is not None:
        fields.attempt(lambda: check_name(ResourceKind.RESOURCE_GROUP, existing, "name"),
                       {"name": "existingResourceGroup"})
    network_fields, cluster_fields = fields.section("network"), fields.section("cluster", {})
    network = report.attempt(lambda: _network(network_fields))
    system = report.attempt(lambda: _node_pool(cluster_fields.section("systemPool", {"name": "system"}),
                                               PoolMode.SYSTEM))
    pools = [report.attempt(partial(_node_pool, pool, PoolMode.USER)) for pool in fields.sections("nodePools")]
    maintenance = report.attempt(lambda: _maintenance(cluster_fields.section("maintenance", {})))
    cluster = report.attempt(lambda: _cluster(cluster_fields, system, pools, maintenance))
    registry_fields = fields.section("registry", {})
    registry = report.attempt(lambda: _registry(registry_fields))
    if registry is not None and naming is not None:
        registry_fields.attempt(lambda: registry.check_home(naming.location))
    vault = report.attempt(lambda: _key_vault(fields.section("keyVault", {}), protect))
    if network is not None and cluster is not None:
        pool_keys = {f"pools[{index}]": f"{PROJECT}:nodePools[{index - 1}]" for index in range(1, len(pools) + 1)}
        network_fields.attempt(lambda: network.check_capacity(cluster.all_pools),
                               {"pools[0]": f"{PROJECT}:cluster.systemPool", **pool_keys})
        network_fields.attempt(lambda: network.check_api_server(cluster.authorized_ip_ranges),
                               {"authorized_ip_ranges": f"{PROJECT}:cluster.authorizedIpRanges"})
    if naming is None or network is None or cluster is None or registry is None or vault is None:
        return None
    return AzureConfig(naming=naming, existing_resource_group=existing, network=network, cluster=cluster,
                       registry=registry, key_vault=vault)


def _network(f: Fields) -> NetworkPlan:
    def plan() -> NetworkPlan:
        plugin = f.choice("plugin", NetworkPlugin, NetworkPlugin.AZURE_OVERLAY)
        overlay = plugin is not NetworkPlugin.AZURE
        return NetworkPlan(
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
        )

    return build(f, plan)


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


def _cluster(f: Fields, system: NodePoolSpec | None, pools: list[NodePoolSpec | None],
             maintenance: MaintenanceWindow | None) -> ClusterSpec:
    # The pools and the window are built first (each reports its own errors), then given last: a refused one stops
    # the cluster's own checks only after its other keys were read.
    return build(f, lambda: ClusterSpec(
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
        maintenance=required(maintenance),
        system_pool=required(system),
        user_pools=tuple(required(pool) for pool in pools),
    ), {"system_pool": "systemPool", "user_pools": f"{PROJECT}:nodePools"})


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


def _key_vault(f: Fields, protect: bool) -> KeyVaultConfig:
    def vault() -> KeyVaultConfig:
        config = KeyVaultConfig(allowed_ip_ranges=f.string_list("allowedIpRanges"),
                                private_endpoint=f.boolean("privateEndpoint", False),
                                purge_protection=f.boolean("purgeProtection", protect))
        # The node subnet is the endpoint's with privateEndpoint, else the firewall's one subnet rule.
        check_network_access((), config.allowed_ip_ranges, private_endpoint=config.private_endpoint)
        return config

    return build(f, vault)


def _namespace(f: Fields) -> NamespaceArgs:
    quota_fields, limits_fields = f.optional_section("quota"), f.optional_section("limits")
    quota = None if quota_fields is None else f.report.attempt(lambda: _quota(quota_fields))
    limits = None if limits_fields is None else f.report.attempt(lambda: _limits(limits_fields))
    return build(f, lambda: NamespaceArgs(
        name=f.string("name"),
        labels=f.string_map("labels"),
        pod_security=f.choice("podSecurity", PodSecurityLevel, PodSecurityLevel.RESTRICTED),
        isolated=f.boolean("isolated", True),
        quota=None if quota_fields is None else required(quota),
        limits=None if limits_fields is None else required(limits),
    ))


def _quota(f: Fields) -> Quota:
    return build(f, lambda: Quota.of(
        requests_cpu=f.optional_string("requestsCpu"), requests_memory=f.optional_string("requestsMemory"),
        limits_cpu=f.optional_string("limitsCpu"), limits_memory=f.optional_string("limitsMemory"),
        requests_storage=f.optional_string("requestsStorage"),
        **{key: count for key in COUNTED
           if (count := f.optional_integer(key, minimum=0, maximum=100000)) is not None},
    ))


def _limits(f: Fields) -> LimitDefaults:
    return build(f, lambda: LimitDefaults.of(
        request_cpu=f.optional_string("requestCpu"), request_memory=f.optional_string("requestMemory"),
        limit_cpu=f.optional_string("limitCpu"), limit_memory=f.optional_string("limitMemory"),
        max_cpu=f.optional_string("maxCpu"), max_memory=f.optional_string("maxMemory"),
    ))
