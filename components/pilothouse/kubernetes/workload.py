"""What every workload object shares: its namespace, options, metadata, pod template and selector."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes import upgrades
from pilothouse.kubernetes.names import dns_label, labels
from pilothouse.kubernetes.namespace import Namespace, PodSecurityLevel
from pilothouse.kubernetes.network_policy import TrafficRule
from pilothouse.kubernetes.pod_spec import PodSpec, RestartPolicy
from pilothouse.kubernetes.quota import PodDemand
from pilothouse.kubernetes.security import SecurityProfile
from pilothouse.kubernetes.selection import DeclaredPods

NamespaceRef = Namespace | str

#: The pulumi-kubernetes annotation that turns its readiness wait off for one object; set only
#: through typed options (``wait_until_ready``, ``wait_for_completion``, ``wait_until_bound``).
SKIP_AWAIT = "pulumi.com/skipAwait"

#: Which container profiles each Pod Security level admits.
_ADMITS = {
    PodSecurityLevel.RESTRICTED: {SecurityProfile.RESTRICTED},
    PodSecurityLevel.BASELINE: {SecurityProfile.RESTRICTED, SecurityProfile.HOST_READER, SecurityProfile.BASELINE},
    PodSecurityLevel.PRIVILEGED: set(SecurityProfile),
}


def namespace_name(namespace: NamespaceRef) -> str:
    return namespace.args.name if isinstance(namespace, Namespace) else dns_label("namespace", namespace)


def require_restarts(pod: PodSpec, workload: str) -> None:
    """A controller that keeps pods running restarts them: the API server accepts only ``Always`` (or unset) there
    (``ValidateDeployment`` and friends: "supported values: Always")."""
    if pod.restart_policy is not None and pod.restart_policy is not RestartPolicy.ALWAYS:
        raise InvalidValueError(f"{workload}.pod.restart_policy", str(pod.restart_policy),
                                "'Always' or None: the controller restarts its pods (Never and OnFailure are for Jobs)")


def check_admitted(namespace: NamespaceRef, pod: PodSpec, workload: str) -> None:
    """Fail now, not at admission, when the namespace's Pod Security level would reject the pod, or the pod refers
    to a ServiceAccount or image pull Secret of another namespace."""
    pod.check_namespace(workload, namespace_name(namespace))
    if not isinstance(namespace, Namespace):
        return
    level = namespace.args.pod_security
    if pod.weakest_security not in _ADMITS[level]:
        raise InvalidValueError(
            f"{workload}.pod.containers", str(pod.weakest_security),
            f"containers the namespace '{namespace.args.name}' admits under Pod Security '{level}' "
            f"(profiles {sorted(str(p) for p in _ADMITS[level])})")
    host_paths = [v.name for v in pod.all_volumes() if v.host_path_of is not None]
    if host_paths and level is not PodSecurityLevel.PRIVILEGED:
        raise InvalidValueError(f"{workload}.pod.volumes", host_paths[0],
                                f"no hostPath volume in namespace '{namespace.args.name}' "
                                f"(Pod Security '{level}' forbids them)")


def require_privileged(namespace: NamespaceRef, field: str, why: str | None) -> None:
    """Fail now when a host-reading agent (``why`` it reads the host; ``None``: it does not) would be placed in a
    namespace that is ours and not privileged."""
    if why is not None and isinstance(namespace, Namespace) and (
            namespace.args.pod_security is not PodSecurityLevel.PRIVILEGED):
        raise InvalidValueError(field, namespace.args.name, f"a namespace with Pod Security 'privileged' {why}")


def let_in(resource_name: str, *, namespace: NamespaceRef, rule: TrafficRule,
           parent: pulumi.Resource) -> k8s.networking.v1.NetworkPolicy | None:
    """The NetworkPolicy ``rule`` needs through the default deny of an isolated namespace of ours
    (``None`` where traffic already flows: a namespace that is not isolated, or not ours, or where the same rule was
    let in already: two routes to one Service need one policy).

    Raises:
        InvalidValueError: naming ``traffic_rule.name``, when another rule of that name was let in already.
    """
    if not isinstance(namespace, Namespace) or not namespace.args.isolated:
        return None
    known = namespace.let_in.setdefault(rule.name, rule)
    if known is not rule:
        if known == rule:
            return None
        raise InvalidValueError("traffic_rule.name", rule.name, f"a rule name not let into namespace "
                                                                f"'{namespace.args.name}' already, for other traffic")
    return k8s.networking.v1.NetworkPolicy(
        resource_name, metadata={"name": f"allow-{rule.name}", "namespace": namespace.args.name},
        spec=rule.to_spec(), opts=pulumi.ResourceOptions(parent=parent, depends_on=list(namespace.objects),
                                                          aliases=upgrades.child_aliases(parent)))


def admit(namespace: NamespaceRef, demand: PodDemand) -> None:
    """Count ``demand``'s pods against the namespace's quota, when the namespace is one of ours."""
    if isinstance(namespace, Namespace):
        namespace.account.admit(demand)


def declare(namespace: NamespaceRef, pods: DeclaredPods, demand: PodDemand,
            opts: pulumi.ResourceOptions | None) -> None:
    """Declare a workload's pods to its namespace, when the namespace is one of ours: refused when they and another
    workload's pick each other (:class:`PodRegistry`), when they mount a one-node claim another workload mounts
    (:class:`ClaimAttachments`) or when ``demand`` does not fit the quota (:class:`QuotaAccount`); recorded and
    counted only when all hold and ``opts`` name the namespace's cluster (:func:`in_cluster_of`, checked again when
    the object registers), so a refused workload leaves no trace."""
    in_cluster_of(namespace, opts)
    if isinstance(namespace, Namespace):
        namespace.pods.check(pods)
        namespace.claims.check(pods, demand.pod)
        namespace.account.admit(demand)
        namespace.pods.add(pods)
        namespace.claims.add(pods, demand.pod)


def object_metadata(name: str, namespace: NamespaceRef, object_labels: dict[str, str],
                    annotations: dict[str, str] | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "namespace": namespace_name(namespace)}
    if object_labels:
        metadata["labels"] = object_labels
    if annotations:
        metadata["annotations"] = dict(sorted(annotations.items()))
    return metadata


def _after(namespace: NamespaceRef, extra: Sequence[pulumi.Resource]) -> list[pulumi.Resource]:
    return [*namespace.objects, *extra] if isinstance(namespace, Namespace) else list(extra)


def in_cluster_of(namespace: NamespaceRef, opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """``opts`` for an object in ``namespace``: a namespace of ours lives in one cluster, so an object given no
    Kubernetes provider (by its options or its parent) takes the namespace's, and another one is refused.

    Raises:
        InvalidValueError: naming ``opts.provider`` (a provider other than the namespace's).
    """
    opts = opts or pulumi.ResourceOptions()
    if not isinstance(namespace, Namespace) or namespace.provider is None:
        return opts
    providers = opts.providers.values() if isinstance(opts.providers, dict) else (opts.providers or [])
    given = [p for p in (opts.provider, *providers) if p is not None and p.package == "kubernetes"]
    if not given and opts.parent is not None:
        given = [p for p in (opts.parent.get_provider("kubernetes:core/v1:Namespace"),) if p is not None]
    if not given:
        return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(provider=namespace.provider))
    if any(p is not namespace.provider for p in given):
        raise InvalidValueError("opts.provider", getattr(given[0], "_name", "another provider"),
                                f"the provider of namespace '{namespace.args.name}' (or none): the namespace and "
                                "its objects are in one cluster")
    return opts


def object_options(obj: pulumi.Resource, resource_name: str, opts: pulumi.ResourceOptions | None,
                   namespace: NamespaceRef, extra: Sequence[pulumi.Resource] = ()) -> pulumi.ResourceOptions:
    """The caller's options for the Kubernetes object ``obj`` (about to register), plus: the namespace's cluster
    (:func:`in_cluster_of`), after its namespace when it is ours, and ``extra``; the alias to its 0.1.0 URN
    (``upgrades``)."""
    depends_on = _after(namespace, extra)
    if opts is None and not upgrades.aliasing():
        # Most objects are declared without options: built at once, as a merge costs ten times as much (make bench).
        provider = namespace.provider if isinstance(namespace, Namespace) else None
        return pulumi.ResourceOptions(provider=provider, depends_on=depends_on)
    return pulumi.ResourceOptions.merge(upgrades.aliased(obj, resource_name, in_cluster_of(namespace, opts)),
                                        pulumi.ResourceOptions(depends_on=depends_on))


def child_options(parent: pulumi.Resource, namespace: NamespaceRef,
                  extra: Sequence[pulumi.Resource] = ()) -> pulumi.ResourceOptions:
    """Children of a component or object: parented to it, after their namespace when it is ours."""
    return pulumi.ResourceOptions(parent=parent, depends_on=_after(namespace, extra),
                                  aliases=upgrades.child_aliases(parent))


def with_reference_labels(pod_labels: dict[str, str], pod: PodSpec) -> dict[str, str]:
    """``pod_labels`` and the labels the pod's references need (:attr:`PodSpec.labels`); refused when they disagree
    (a selector that would no longer pick the pods, a label the workload identity webhook reads)."""
    for key, value in pod.labels.items():
        if pod_labels.get(key, value) != value:
            raise InvalidValueError(f"pod.labels[{key!r}]", pod_labels[key],
                                    f"'{value}' or no such label: the pod's service account sets it")
    return {**pod_labels, **pod.labels}


def pod_template(pod_labels: dict[str, str], pod: PodSpec) -> dict[str, Any]:
    """The pod template of a controller: labels (``pod_labels``, then those the pod's references need), rollout
    checksums, spec."""
    every_label = with_reference_labels(pod_labels, pod)
    metadata: dict[str, Any] = {"labels": every_label} if every_label else {}
    annotations = pod.rollout_annotations()
    if annotations:
        metadata["annotations"] = annotations
    return {"metadata": metadata, "spec": pod.to_manifest()} if metadata else {"spec": pod.to_manifest()}


def select_pods(args: Any, field: str) -> None:
    """Check and normalise a workload's ``selector`` and ``labels``.

    The selector defaults to ``{"app": <the labels' app, else args.name>}``. It is immutable on the API server:
    changing it replaces the workload. Labels only decorate the object and its pods, so they change in place; one
    may repeat a selector key only with the same value.
    """
    decorating = labels(f"{field}.labels", args.labels)
    selector = labels(f"{field}.selector", args.selector or {"app": decorating.get("app", args.name)})
    for key, value in decorating.items():
        if selector.get(key, value) != value:
            raise InvalidValueError(f"{field}.labels[{key!r}]", value,
                                    f"'{selector[key]}' as in the selector, which picks the pods by it "
                                    "(or leave the key to the selector)")
    object.__setattr__(args, "selector", selector)
    object.__setattr__(args, "labels", decorating)


def pod_labels(selector: dict[str, str], decorating: dict[str, str]) -> dict[str, str]:
    """The labels of a workload object and of its pods: its selector's, then the decorating ones."""
    return {**selector, **decorating}
