"""A namespace with Pod Security Admission enforcing the ``restricted`` profile by default."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.attachments import ClaimAttachments
from pilothouse.kubernetes.names import dns_label, labels
from pilothouse.kubernetes.network_policy import TrafficRule, default_deny_spec
from pilothouse.kubernetes.quota import LimitDefaults, Quota, QuotaAccount
from pilothouse.kubernetes.selection import PodRegistry
from pilothouse.typed import Checked


class PodSecurityLevel(StrEnum):
    """Pod Security Standards profile enforced on every pod of the namespace."""

    PRIVILEGED = "privileged"
    BASELINE = "baseline"
    RESTRICTED = "restricted"


#: Namespaces Kubernetes creates and runs its own components in: never declared (and so restricted) by a program.
SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")


@dataclass(frozen=True, kw_only=True)
class NamespaceArgs(Checked, prefix=""):
    """What a :class:`Namespace` needs."""

    name: str
    labels: dict[str, str] = field(default_factory=dict)
    #: Opting out of ``restricted`` is explicit and shows up in the namespace's labels.
    pod_security: PodSecurityLevel = PodSecurityLevel.RESTRICTED
    quota: Quota | None = None
    limits: LimitDefaults | None = None
    #: Deny all traffic in and out (DNS excepted) unless a rule in ``allow`` permits it.
    isolated: bool = True
    allow: tuple[TrafficRule, ...] = ()

    def __post_init__(self) -> None:
        dns_label("name", self.name)
        if self.name in SYSTEM_NAMESPACES:
            raise InvalidValueError("name", self.name,
                                    f"a namespace this program creates, none of {', '.join(SYSTEM_NAMESPACES)} "
                                    "(Kubernetes creates those and runs its own components there)")
        object.__setattr__(self, "labels", labels("labels", self.labels))
        names = [rule.name for rule in self.allow]
        for index, name in enumerate(names):
            if name in names[:index] or name == "default-deny":
                raise InvalidValueError("allow", name, "traffic rule names unique in the namespace, not "
                                                       "'default-deny'")
        if self.allow and not self.isolated:
            raise InvalidValueError("allow", names, "no rules on a namespace that is not isolated (all traffic "
                                                    "is allowed there already)")


class Namespace(pulumi.ComponentResource):
    """One team's or app's namespace, with its quota, limit defaults and network isolation.

    Workloads declared in it are admitted against its quota as they are declared, so one that
    the API server would reject fails the preview instead.
    """

    name: pulumi.Output[str]

    def __init__(self, resource_name: str, args: NamespaceArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("pilothouse:kubernetes:Namespace", resource_name, None, opts)
        self.args = args
        #: The Kubernetes provider the namespace was created through (``None``: the default provider); objects
        #: declared in the namespace use it too (:func:`~pilothouse.kubernetes.workload.in_cluster_of`).
        self.provider = self.get_provider("kubernetes:core/v1:Namespace")
        security = {
            f"pod-security.kubernetes.io/{mode}": str(args.pod_security)
            for mode in ("enforce", "audit", "warn")
        }
        namespace_labels = {**args.labels, **security, "app.kubernetes.io/managed-by": "pilothouse"}
        #: Every label the namespace carries, with the one the API server adds (``kubernetes.io/metadata.name``):
        #: what a namespace selector (a Gateway's allowed routes, a NetworkPolicy peer) sees.
        self.labels = {**namespace_labels, "kubernetes.io/metadata.name": args.name}
        namespace = k8s.core.v1.Namespace(
            resource_name,
            metadata=k8s.meta.v1.ObjectMetaArgs(name=args.name, labels=namespace_labels),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.name = namespace.metadata.name
        self.account = QuotaAccount(args.name, args.quota or Quota(), args.limits or LimitDefaults())
        #: The workloads declared in it so far: none may pick another's pods.
        self.pods = PodRegistry(args.name)
        #: The claims whose volume attaches to one node, by the workload mounting each first.
        self.claims = ClaimAttachments(args.name)
        #: The traffic rules through its default deny, by name: its own ``allow``, then those objects declared in it
        #: let in (``workload.let_in``).
        self.let_in: dict[str, TrafficRule] = {rule.name: rule for rule in args.allow}
        child = pulumi.ResourceOptions(parent=self, depends_on=[namespace])
        metadata = {"name": "", "namespace": args.name}
        governance: list[tuple[str, Any, dict[str, Any]]] = []
        if args.quota is not None:
            governance.append((args.quota.name, k8s.core.v1.ResourceQuota, {"spec": args.quota.to_manifest()}))
        if args.limits is not None:
            governance.append(("defaults", k8s.core.v1.LimitRange, {"spec": args.limits.to_manifest()}))
        if args.isolated:
            governance.append(("default-deny", k8s.networking.v1.NetworkPolicy, {"spec": default_deny_spec()}))
        governance += [(f"allow-{rule.name}", k8s.networking.v1.NetworkPolicy, {"spec": rule.to_spec()})
                       for rule in args.allow]
        #: What an object in the namespace waits for: the namespace and its governance (a LimitRange must exist
        #: before the pods it gives defaults to). Named one by one: depending on the component would make the
        #: SDK expand it to its children again for every object.
        self.objects: tuple[pulumi.Resource, ...] = (namespace, *(
            kind(f"{resource_name}-{name}", metadata={**metadata, "name": name}, opts=child, **body)
            for name, kind, body in governance))
        self.register_outputs({"name": self.name})
