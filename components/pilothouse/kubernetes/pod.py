"""A bare Pod: supported because the course uses them, not preferred (nothing restarts it elsewhere)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.kubernetes.names import annotation_map, dns_label, labels
from pilothouse.kubernetes.pod_spec import PodSpec
from pilothouse.kubernetes.quota import PodDemand
from pilothouse.kubernetes.selection import DeclaredPods
from pilothouse.kubernetes.workload import (
    NamespaceRef,
    check_admitted,
    declare,
    object_metadata,
    object_options,
    with_reference_labels,
)
from pilothouse.typed import Checked


@dataclass(frozen=True, kw_only=True)
class PodArgs(Checked, prefix="pod"):
    """What a bare :class:`Pod` needs (prefer a Deployment, Job or StatefulSet: nothing restarts a bare pod elsewhere).

    Fields:
        name: a DNS-1123 label.
        namespace: a :class:`Namespace` of ours (its Pod Security level must admit the pod, and the pod counts
            against its quota when created) or an existing namespace's name.
        pod: what runs (:class:`PodSpec`).
        labels: the pod's labels (default none).
        annotations: the pod's annotations (keys and values checked as the API server checks them).

    Raises:
        InvalidValueError: naming ``pod.name`` (not a DNS-1123 label), ``pod.labels[<key>]`` (an invalid label), or
            ``pod.pod.containers`` / ``pod.pod.volumes`` (a pod the namespace's Pod Security level would reject).
    """

    name: str
    namespace: NamespaceRef
    pod: PodSpec
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "annotations", annotation_map("pod.annotations", self.annotations))
        dns_label("pod.name", self.name)
        object.__setattr__(self, "labels", labels("pod.labels", self.labels))
        check_admitted(self.namespace, self.pod, "pod")

    def demand(self) -> PodDemand:
        """What it counts against its namespace's quota: one pod."""
        return PodDemand("pod", self.pod, 1, "one pod", "pod")


class Pod(k8s.core.v1.Pod):
    """One pod, scheduled once; prefer a Deployment, Job or StatefulSet."""

    def __init__(self, resource_name: str, args: PodArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        carried = with_reference_labels(args.labels, args.pod)
        declare(args.namespace, DeclaredPods(kind="Pod", name=args.name, selector=None, labels=carried,
                                             selector_field="pod.labels", labels_field="pod.labels",
                                             pod_field="pod.pod"), args.demand(), opts)
        self.args = args
        self.name = args.name
        metadata = object_metadata(args.name, args.namespace, carried, args.annotations)
        body: dict[str, Any] = {"metadata": metadata, "spec": args.pod.to_manifest()}
        super().__init__(resource_name, opts=object_options(self, resource_name, opts, args.namespace,
                                                                 args.pod.dependencies), **body)
