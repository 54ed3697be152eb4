"""The policy rules: plain functions over a resource's type and properties.

Nothing here starts a server or needs the Pulumi CLI, so every rule is unit-tested directly; the
pack (``pack.py``) and the offline checker (``offline.py``, ``pilothouse policy``) only adapt them.
Properties are the resource's inputs as the engine sees them (camelCase, Kubernetes manifests as
written).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pilothouse.policy.gateways import https_only, routes_scoped
from pilothouse.policy.selection import selectors_pick_pods

if TYPE_CHECKING:
    from pilothouse.policy.config import RuleConfig

Props = Mapping[str, Any]

WORKLOAD_TYPES = {"kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet",
                  "kubernetes:batch/v1:Job", "kubernetes:batch/v1:CronJob", "kubernetes:core/v1:Pod"}
LONG_RUNNING = {"kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet"}
#: A node agent's stated reason to run as root (read-only, no capabilities): the visible opt-out.
ROOT_REASON_ANNOTATION = "policy.pilothouse.io/runs-as-root"
SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN", "APIKEY", "API_KEY", "PRIVATE_KEY", "CREDENTIAL")


class Enforcement(StrEnum):
    """What a rule's violation does: ``mandatory`` fails, ``advisory`` is only reported.

    The pack maps them to pulumi-policy's ``EnforcementLevel.MANDATORY`` and ``ADVISORY`` (``pack.LEVELS``);
    ``pilothouse policy`` exits 1 when any mandatory rule is violated.
    """

    MANDATORY = "mandatory"
    ADVISORY = "advisory"


@dataclass(frozen=True)
class Settings:
    """The thresholds rules take from pack config."""

    #: /var/log for log agents; /proc and /sys for node metrics exporters (node-exporter).
    allowed_host_paths: tuple[str, ...] = ("/var/log", "/proc", "/sys")
    allowed_capabilities: tuple[str, ...] = ("NET_BIND_SERVICE",)
    #: Registries images may come from; empty allows any (set it to the stack's ACR login server).
    allowed_registries: tuple[str, ...] = ()
    prod_environments: tuple[str, ...] = ("prod",)
    #: Label on a LoadBalancer Service that marks it as an ingress controller's.
    ingress_label: str = "app.kubernetes.io/component"
    #: Namespaces another stack owns and governs (an app stack deploying into the platform stack's
    #: namespaces): the stack-wide rules do not look for their quota and LimitRange here, nor judge selectors
    #: there by this stack's workloads alone.
    governed_elsewhere: tuple[str, ...] = ()


Check = Callable[[str, Props, Settings], Iterator[str]]
StackCheck = Callable[[Sequence[tuple[str, Props]], Settings], Iterator[str]]


@dataclass(frozen=True)
class Rule:
    """One policy rule, served by the pack (``pack.py``) and run offline by :func:`evaluate`.

    Fields:
        id: the policy's name, such as ``k8s-non-root``.
        description: what the rule requires, one sentence.
        enforcement: :class:`Enforcement`.
        check: a check of one resource: ``(type, properties, settings)`` to the violation messages; properties are
            the resource's inputs as the engine sees them (camelCase).
        stack_check: see its comment: ``([(type, properties), ...], settings)`` to the violation messages.
        settings: the :class:`Settings` fields the rule reads: the keys its pack config takes
            (``pilothouse.policy.config``).

    Give one of ``check`` and ``stack_check``: the pack serves a rule with ``check`` as a resource policy (and
    ignores its ``stack_check``), any other as a stack policy; :func:`evaluate` runs both.
    """

    id: str
    description: str
    enforcement: Enforcement
    check: Check | None = None
    #: Rules over the whole stack (every resource's type and properties at once).
    stack_check: StackCheck | None = field(default=None)
    settings: tuple[str, ...] = ()

    def messages(self, type_: str, props: Props, settings: Settings) -> list[str]:
        """The violations of :attr:`check` for one resource; properties it cannot read are one violation."""
        check = self.check
        assert check is not None
        return _judged(lambda: check(type_, props, settings))

    def stack_messages(self, resources: Sequence[tuple[str, Props]], settings: Settings) -> list[str]:
        """The violations of :attr:`stack_check`; properties it cannot read are one violation."""
        stack_check = self.stack_check
        assert stack_check is not None
        return _judged(lambda: stack_check(resources, settings))


#: What a rule raises on properties no API server or Azure would take (a string where a map belongs).
_UNREADABLE = (TypeError, AttributeError, ValueError, KeyError, IndexError)


def _judged(check: Callable[[], Iterator[str]]) -> list[str]:
    # An unknown value of a preview (pulumi-policy's UnknownValueError) is none of these: the pack skips it.
    try:
        return list(check())
    except _UNREADABLE as error:
        return [f"the properties are not those of a valid object, so the rule cannot judge them "
                f"({type(error).__name__}: {str(error)[:200]})"]


def pod_spec(type_: str, props: Props) -> Props | None:
    """The pod spec inside a workload manifest, whatever its kind."""
    spec = props.get("spec") or {}
    if type_ == "kubernetes:core/v1:Pod":
        return spec
    if type_ == "kubernetes:batch/v1:CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    if type_ in WORKLOAD_TYPES:
        template_spec: Props = (spec.get("template") or {}).get("spec") or {}
        return template_spec
    return None


def containers(type_: str, props: Props) -> Iterator[tuple[Props, Props]]:
    """Every (container, pod spec) of a workload, init containers included."""
    pod = pod_spec(type_, props)
    if pod is None:
        return
    for container in [*(pod.get("initContainers") or []), *(pod.get("containers") or [])]:
        yield container, pod


def _context(container: Props, pod: Props, key: str) -> Any:
    """A security setting as Kubernetes resolves it: the container's, else the pod's."""
    own = (container.get("securityContext") or {}).get(key)
    return own if own is not None else (pod.get("securityContext") or {}).get(key)


def _requests_and_limits(type_: str, props: Props, _: Settings) -> Iterator[str]:
    for container, _pod in containers(type_, props):
        resources = container.get("resources") or {}
        missing = [f"{part}.{kind}" for part, kinds in (("requests", ("cpu", "memory")), ("limits", ("memory",)))
                   for kind in kinds if kind not in (resources.get(part) or {})]
        if missing:
            yield f"container '{container.get('name')}' declares no {', '.join(missing)}"


def _confined_root(type_: str, props: Props, container: Props) -> bool:
    """A DaemonSet that states why it runs as root, whose container keeps nothing else of root's power."""
    reason = ((props.get("metadata") or {}).get("annotations") or {}).get(ROOT_REASON_ANNOTATION)
    context = container.get("securityContext") or {}
    capabilities = context.get("capabilities") or {}
    # Sequences may be the pack's proxies, not lists: test membership, never equality.
    return (type_ == "kubernetes:apps/v1:DaemonSet" and bool(reason) and context.get("readOnlyRootFilesystem") is True
            and "ALL" in (capabilities.get("drop") or ()) and not capabilities.get("add"))


def _non_root(type_: str, props: Props, _: Settings) -> Iterator[str]:
    for container, pod in containers(type_, props):
        if _context(container, pod, "runAsNonRoot") is not True and not _confined_root(type_, props, container):
            yield f"container '{container.get('name')}' may run as root (set runAsNonRoot: true)"
        if (container.get("securityContext") or {}).get("allowPrivilegeEscalation") is not False:
            yield f"container '{container.get('name')}' allows privilege escalation"


def _no_privilege(type_: str, props: Props, settings: Settings) -> Iterator[str]:
    for container, _pod in containers(type_, props):
        context = container.get("securityContext") or {}
        if context.get("privileged"):
            yield f"container '{container.get('name')}' is privileged"
        added = [c for c in (context.get("capabilities") or {}).get("add") or []
                 if c not in settings.allowed_capabilities]
        if added:
            yield (f"container '{container.get('name')}' adds capabilities {added} beyond "
                   f"{list(settings.allowed_capabilities)}")


def _read_only_root(type_: str, props: Props, _: Settings) -> Iterator[str]:
    for container, _pod in containers(type_, props):
        if (container.get("securityContext") or {}).get("readOnlyRootFilesystem") is not True:
            yield f"container '{container.get('name')}' has a writable root filesystem"


def _host_paths(type_: str, props: Props, settings: Settings) -> Iterator[str]:
    pod = pod_spec(type_, props)
    for volume in (pod or {}).get("volumes") or []:
        path = (volume.get("hostPath") or {}).get("path")
        if path is not None and not any(path == p or path.startswith(p.rstrip("/") + "/")
                                        for p in settings.allowed_host_paths):
            yield (f"volume '{volume.get('name')}' mounts host path {path} "
                   f"(allowed: {list(settings.allowed_host_paths)})")


def _probes(type_: str, props: Props, _: Settings) -> Iterator[str]:
    if type_ not in LONG_RUNNING:
        return
    for container in (pod_spec(type_, props) or {}).get("containers") or []:
        missing = [p for p in ("readinessProbe", "livenessProbe") if p not in container]
        if missing:
            yield f"container '{container.get('name')}' has no {' or '.join(missing)}"


def _image_pinned(type_: str, props: Props, settings: Settings) -> Iterator[str]:
    for container, _pod in containers(type_, props):
        image = str(container.get("image", ""))
        if "@sha256:" in image:
            continue
        last = image.rsplit("/", 1)[-1]
        if ":" not in last or last.endswith(":latest"):
            yield f"container '{container.get('name')}' image {image!r} is not pinned to a tag or digest"


def _image_registry(type_: str, props: Props, settings: Settings) -> Iterator[str]:
    if not settings.allowed_registries:
        return
    for container, _pod in containers(type_, props):
        image = str(container.get("image", ""))
        if not any(image.startswith(registry.rstrip("/") + "/") for registry in settings.allowed_registries):
            yield f"container '{container.get('name')}' image {image!r} is not from {list(settings.allowed_registries)}"


def _load_balancers(type_: str, props: Props, settings: Settings) -> Iterator[str]:
    if type_ != "kubernetes:core/v1:Service" or (props.get("spec") or {}).get("type") != "LoadBalancer":
        return
    labels = (props.get("metadata") or {}).get("labels") or {}
    if labels.get(settings.ingress_label) != "controller":
        yield (f"Service '{(props.get('metadata') or {}).get('name')}' is a LoadBalancer but not an ingress "
               f"controller's (label {settings.ingress_label}=controller)")


def _secret_literals(type_: str, props: Props, _: Settings) -> Iterator[str]:
    for container, _pod in containers(type_, props):
        for env in container.get("env") or []:
            name = str(env.get("name", "")).upper()
            if "value" in env and any(word in name for word in SECRET_WORDS):
                yield f"container '{container.get('name')}' passes {env.get('name')} as a literal; use a Secret"


def _namespace_governance(resources: Sequence[tuple[str, Props]], settings: Settings) -> Iterator[str]:
    def namespace_of(props: Props) -> str:
        return str((props.get("metadata") or {}).get("namespace") or "default")

    used = {namespace_of(props) for type_, props in resources if type_ in WORKLOAD_TYPES} - set(
        settings.governed_elsewhere)
    for kind, type_ in (("ResourceQuota", "kubernetes:core/v1:ResourceQuota"),
                        ("LimitRange", "kubernetes:core/v1:LimitRange")):
        governed = {namespace_of(props) for t, props in resources if t == type_}
        for namespace in sorted(used - governed):
            yield f"namespace '{namespace}' runs workloads without a {kind}"


def _selectors_pick_pods(resources: Sequence[tuple[str, Props]], settings: Settings) -> Iterator[str]:
    return selectors_pick_pods(resources, settings.governed_elsewhere)


def _is_prod(props: Props, settings: Settings) -> bool:
    return (props.get("tags") or {}).get("environment") in settings.prod_environments


def _gateway_routes_scoped(type_: str, props: Props, _: Settings) -> Iterator[str]:
    return routes_scoped(type_, props)


def _gateway_https_only(resources: Sequence[tuple[str, Props]], settings: Settings) -> Iterator[str]:
    return https_only(resources, lambda props: _is_prod(props, settings))


def _acr_admin(type_: str, props: Props, _: Settings) -> Iterator[str]:
    if type_ == "azure-native:containerregistry:Registry" and props.get("adminUserEnabled") is True:
        yield "the registry's admin user is enabled; pull with AcrPull on the kubelet identity instead"


def _aks(check: Callable[[Props, Settings], Iterator[str]]) -> Check:
    def only_clusters(type_: str, props: Props, settings: Settings) -> Iterator[str]:
        if type_ == "azure-native:containerservice:ManagedCluster":
            yield from check(props, settings)
    return only_clusters


def _aks_rbac(props: Props, _: Settings) -> Iterator[str]:
    if props.get("enableRBAC") is not True or (props.get("aadProfile") or {}).get("enableAzureRBAC") is not True:
        yield "the cluster lacks Kubernetes RBAC with Entra ID and Azure RBAC"


def _aks_local_accounts(props: Props, settings: Settings) -> Iterator[str]:
    if _is_prod(props, settings) and props.get("disableLocalAccounts") is not True:
        yield "local accounts are enabled on a production cluster"


def _aks_network_policy(props: Props, _: Settings) -> Iterator[str]:
    if not (props.get("networkProfile") or {}).get("networkPolicy"):
        yield "the cluster has no network policy engine"


def _aks_api_server(props: Props, settings: Settings) -> Iterator[str]:
    access = props.get("apiServerAccessProfile") or {}
    if _is_prod(props, settings) and not (access.get("enablePrivateCluster") or access.get("authorizedIPRanges")):
        yield "the production API server is public to every address (make it private or set authorized ranges)"


def _aks_insights(props: Props, _: Settings) -> Iterator[str]:
    if not ((props.get("addonProfiles") or {}).get("omsagent") or {}).get("enabled"):
        yield "Container Insights is off"


def _pool_zones(type_: str, props: Props, settings: Settings) -> Iterator[str]:
    pools: list[Props] = []
    if type_ == "azure-native:containerservice:ManagedCluster" and _is_prod(props, settings):
        pools = list(props.get("agentPoolProfiles") or [])
    if type_ == "azure-native:containerservice:AgentPool" and _is_prod(props, settings):
        pools = [props]
    for pool in pools:
        if len(pool.get("availabilityZones") or []) < 2:
            yield f"production node pool '{pool.get('name') or pool.get('agentPoolName')}' is in fewer than two zones"


def _blob_public(type_: str, props: Props, _: Settings) -> Iterator[str]:
    if type_ == "azure-native:storage:StorageAccount" and props.get("allowBlobPublicAccess") is not False:
        yield "the storage account allows public blob access"


RULES: tuple[Rule, ...] = (
    Rule("k8s-requests-limits", "Containers declare CPU and memory requests and a memory limit.",
         Enforcement.MANDATORY, _requests_and_limits),
    Rule("k8s-non-root", "Containers run as non-root without privilege escalation (a node agent may state why it "
         "needs root, confined: read-only, no capabilities).", Enforcement.MANDATORY, _non_root),
    Rule("k8s-no-privileged", "No privileged containers, no capabilities beyond the allow-list.",
         Enforcement.MANDATORY, _no_privilege, settings=("allowed_capabilities",)),
    Rule("k8s-read-only-root", "Containers have a read-only root filesystem.", Enforcement.ADVISORY, _read_only_root),
    Rule("k8s-host-paths", "hostPath volumes only on allowed paths.", Enforcement.MANDATORY, _host_paths,
         settings=("allowed_host_paths",)),
    Rule("k8s-probes", "Long-running workloads have readiness and liveness probes.", Enforcement.ADVISORY, _probes),
    Rule("k8s-image-pinned", "Images are pinned to a tag (not latest) or a digest.", Enforcement.MANDATORY,
         _image_pinned),
    Rule("k8s-image-registry", "Images come from the allowed registries.", Enforcement.ADVISORY, _image_registry,
         settings=("allowed_registries",)),
    Rule("k8s-load-balancers", "Only ingress controllers expose LoadBalancer Services.", Enforcement.MANDATORY,
         _load_balancers, settings=("ingress_label",)),
    Rule("k8s-no-secret-literals", "Secrets are never passed as literal environment values.", Enforcement.MANDATORY,
         _secret_literals),
    Rule("k8s-namespace-governance", "Every namespace running workloads has a ResourceQuota and a LimitRange.",
         Enforcement.MANDATORY, stack_check=_namespace_governance, settings=("governed_elsewhere",)),
    Rule("k8s-selectors-pick-pods", "NetworkPolicies, Services and PodDisruptionBudgets select pods of a workload "
         "declared in their namespace.", Enforcement.MANDATORY, stack_check=_selectors_pick_pods,
         settings=("governed_elsewhere",)),
    Rule("k8s-gateway-routes-scoped", "Gateway listeners name the namespaces whose routes may attach (not All).",
         Enforcement.MANDATORY, _gateway_routes_scoped),
    Rule("k8s-gateway-https-prod", "In production, a Gateway's plain-HTTP listeners only redirect to HTTPS.",
         Enforcement.MANDATORY, stack_check=_gateway_https_only, settings=("prod_environments",)),
    Rule("acr-admin-user-off", "The container registry's admin user is off.", Enforcement.MANDATORY, _acr_admin),
    Rule("aks-rbac", "AKS uses Kubernetes RBAC with Entra ID and Azure RBAC.", Enforcement.MANDATORY, _aks(_aks_rbac)),
    Rule("aks-local-accounts-prod", "Production clusters disable local accounts.", Enforcement.MANDATORY,
         _aks(_aks_local_accounts), settings=("prod_environments",)),
    Rule("aks-network-policy", "AKS enforces network policy.", Enforcement.MANDATORY, _aks(_aks_network_policy)),
    Rule("aks-api-server-restricted", "Production API servers are private or restricted to authorized ranges.",
         Enforcement.MANDATORY, _aks(_aks_api_server), settings=("prod_environments",)),
    Rule("aks-container-insights", "Container Insights is on.", Enforcement.ADVISORY, _aks(_aks_insights)),
    Rule("aks-prod-zones", "Production node pools span at least two availability zones.", Enforcement.MANDATORY,
         _pool_zones, settings=("prod_environments",)),
    Rule("storage-no-public-blobs", "Storage accounts allow no public blob access.", Enforcement.MANDATORY,
         _blob_public),
)


@dataclass(frozen=True)
class Violation:
    """One violation :func:`evaluate` found.

    Fields:
        rule: the :class:`Rule` violated.
        resource: the resource's Pulumi name, or ``"(stack)"`` for a rule over the whole stack.
        message: what is wrong, naming the container, volume or setting.
        enforcement: the level it was judged at: the rule's own unless a pack config gives another.
    """

    rule: Rule
    resource: str
    message: str
    enforcement: Enforcement


def evaluate(resources: Sequence[tuple[str, str, Props]], settings: Settings | None = None,
             config: Mapping[str, RuleConfig] | None = None) -> list[Violation]:
    """Every violation of every rule over (name, type, properties) triples, each rule with ``settings`` (default
    :class:`Settings`), or as ``config`` (``pilothouse.policy.config.read``) has it: at its level, with its
    settings, or not at all when disabled."""
    violations = []
    for rule in RULES:
        configured = (config or {}).get(rule.id)
        level = configured.enforcement if configured else rule.enforcement
        if level is None:
            continue
        rule_settings = configured.settings if configured else settings or Settings()
        if rule.check is not None:
            violations += [Violation(rule, name, message, level) for name, type_, props in resources
                           for message in rule.messages(type_, props, rule_settings)]
        if rule.stack_check is not None:
            violations += [Violation(rule, "(stack)", message, level)
                           for message in rule.stack_messages([(t, p) for _, t, p in resources], rule_settings)]
    return violations
