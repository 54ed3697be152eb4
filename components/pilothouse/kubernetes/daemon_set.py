"""DaemonSets: one pod on every node (or every node the pod's node selector matches)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.counts import is_zero
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.deployment import RollingUpdate
from pilothouse.kubernetes.exposable import Exposable
from pilothouse.kubernetes.names import annotation_map, dns_label
from pilothouse.kubernetes.pod_spec import PodSpec
from pilothouse.kubernetes.quota import PodDemand
from pilothouse.kubernetes.workload import (
    NamespaceRef,
    check_admitted,
    object_metadata,
    object_options,
    pod_labels,
    pod_template,
    require_restarts,
    select_pods,
)
from pilothouse.typed import Checked


@dataclass(frozen=True, kw_only=True)
class DaemonSetArgs(Checked, prefix="daemon_set"):
    """What a :class:`DaemonSet` needs: a pod on every node (or every node the pod's ``node_selector`` matches).

    Fields:
        name: a DNS-1123 label.
        namespace: a :class:`Namespace` of ours (its Pod Security level must admit the pod) or an existing
            namespace's name.
        pod: the pod template (:class:`PodSpec`); see its comment.
        selector: the labels that pick its pods (default ``{"app": <labels' app, else name>}``); a change
            replaces the DaemonSet.
        labels: more labels of the DaemonSet and its pods; they change in place.
        annotations: annotations of the DaemonSet object (not of its pods), checked as the API server checks them.
        rolling_update: see its comment; ``None`` (default) leaves the update strategy unset.

    Against the quota of a namespace of ours the DaemonSet counts as one pod when it is created.

    Raises:
        InvalidValueError: naming ``daemon_set.name`` (not a DNS-1123 label), ``daemon_set.selector[<key>]`` or
            ``daemon_set.labels[<key>]`` (an invalid label, or a label contradicting the selector),
            ``daemon_set.pod.containers`` (a container profile the namespace's Pod Security level does not admit) or
            ``daemon_set.pod.volumes`` (a hostPath volume in a namespace that is not privileged, or a claim whose
            volume attaches to one node at a time, which the pods on the other nodes would wait for forever).
    """

    name: str
    namespace: NamespaceRef
    #: Put a ``node_selector`` on the pod to run on some nodes only.
    pod: PodSpec
    selector: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    #: Only ``max_unavailable`` applies to DaemonSets (``max_surge`` defaults to 0 there).
    rolling_update: RollingUpdate | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "annotations", annotation_map("daemon_set.annotations", self.annotations))
        dns_label("daemon_set.name", self.name)
        select_pods(self, "daemon_set")
        check_admitted(self.namespace, self.pod, "daemon_set")
        require_restarts(self.pod, "daemon_set")
        if self.rolling_update is not None and is_zero(self.rolling_update.max_unavailable):
            # Only maxUnavailable is sent, so maxSurge is 0: the API server refuses both at 0.
            raise InvalidValueError("daemon_set.rolling_update.max_unavailable", self.rolling_update.max_unavailable,
                                    "a pod count or percentage above 0 (a DaemonSet's update replaces pods in place)")
        claim = self.pod.one_node_claim()
        if claim is not None:
            raise InvalidValueError("daemon_set.pod.volumes", claim,
                                    "no claim whose volume attaches to one node at a time (a DaemonSet runs a pod "
                                    "on every node; use a claim with ReadWriteMany access)")

    def demand(self) -> PodDemand:
        """What it counts against its namespace's quota: one pod, as on one node (the quota is per namespace, and
        the node count is the cluster's)."""
        return PodDemand("daemon_set", self.pod, 1, "one, as on one node", "daemon_set")


class DaemonSet(Exposable, k8s.apps.v1.DaemonSet):
    """A node agent: log shipper, metrics exporter, storage daemon."""

    def __init__(self, resource_name: str, args: DaemonSetArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self._admit_pods(resource_name, args, opts)
        self.args = args
        self.name = args.name
        spec: dict[str, Any] = {"selector": {"matchLabels": args.selector},
                                "template": pod_template(pod_labels(args.selector, args.labels), args.pod)}
        if args.rolling_update is not None:
            spec["updateStrategy"] = {"type": "RollingUpdate",
                                      "rollingUpdate": {"maxUnavailable": args.rolling_update.max_unavailable}}
        body: dict[str, Any] = {
            "metadata": object_metadata(args.name, args.namespace, pod_labels(args.selector, args.labels),
                                        args.annotations), "spec": spec}
        super().__init__(resource_name, opts=object_options(self, resource_name, opts, args.namespace,
                                                                 args.pod.dependencies), **body)
