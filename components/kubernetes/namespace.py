"""A namespace with Pod Security Admission enforcing the ``restricted`` profile by default."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import pulumi
import pulumi_kubernetes as k8s

from components.kubernetes.names import dns_label, labels


class PodSecurityLevel(StrEnum):
    """Pod Security Standards profile enforced on every pod of the namespace."""

    PRIVILEGED = "privileged"
    BASELINE = "baseline"
    RESTRICTED = "restricted"


@dataclass(frozen=True, kw_only=True)
class NamespaceArgs:
    """What a :class:`Namespace` needs."""

    name: str
    labels: dict[str, str] = field(default_factory=dict)
    #: Opting out of ``restricted`` is explicit and shows up in the namespace's labels.
    pod_security: PodSecurityLevel = PodSecurityLevel.RESTRICTED

    def __post_init__(self) -> None:
        dns_label("name", self.name)
        object.__setattr__(self, "labels", labels("labels", self.labels))


class Namespace(pulumi.ComponentResource):
    """One team's or app's namespace."""

    name: pulumi.Output[str]

    def __init__(self, resource_name: str, args: NamespaceArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("pilothouse:kubernetes:Namespace", resource_name, None, opts)
        self.args = args
        security = {
            f"pod-security.kubernetes.io/{mode}": str(args.pod_security)
            for mode in ("enforce", "audit", "warn")
        }
        namespace = k8s.core.v1.Namespace(
            resource_name,
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=args.name,
                labels={**args.labels, **security, "app.kubernetes.io/managed-by": "pilothouse"},
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.name = namespace.metadata.name
        self.register_outputs({"name": self.name})
