"""Traffic between two workloads, derived from the workloads themselves: ``web.allow_to(db, "postgres")``.

The selectors come from the workloads' own pod labels and the port from the target's containers, so a typo cannot
select nothing: a rule names objects, not label strings.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.namespace import Namespace
from pilothouse.kubernetes.pod_spec import PodSpec
from pilothouse.kubernetes.ports import Port
from pilothouse.kubernetes.quota import PodDemand
from pilothouse.kubernetes.selection import DeclaredPods
from pilothouse.kubernetes.workload import NamespaceRef, declare, namespace_name
from pilothouse.typed import by_type


class TrafficPeer(pulumi.Resource):
    """A workload whose pods another workload's pods may be allowed to reach, or be reached by; mixed into the
    resource class that registers it (Deployment, StatefulSet, DaemonSet, Job, CronJob)."""

    resource_name: str
    workload_name: str
    workload_kind: str
    namespace: NamespaceRef
    #: The labels that pick the workload's pods, and only them.
    selector: dict[str, str]
    pod: PodSpec

    def _peer(self, resource_name: str, namespace: NamespaceRef, pods: DeclaredPods, pod: PodSpec,
              demand: PodDemand, opts: pulumi.ResourceOptions | None) -> None:
        """What the workload's constructor records before registering it: its names, namespace and pods, declared
        to the namespace (:func:`~pilothouse.kubernetes.workload.declare`: no overlap with another workload's pods,
        ``demand`` within the quota, ``opts`` in the namespace's cluster)."""
        assert pods.selector is not None  # a workload is picked by its selector; only bare pods have none
        declare(namespace, pods, demand, opts)
        name, selector = pods.name, pods.selector
        self.resource_name, self.workload_name, self.namespace = resource_name, name, namespace
        #: Its Kubernetes kind: a Job may share a Deployment's name, never its rules' names.
        self.workload_kind = pods.kind
        self.selector, self.pod = selector, pod
        self._allowed: set[tuple[str | int, ...]] = set()

    def allow_to(self, target: TrafficPeer, port: str | int) -> tuple[k8s.networking.v1.NetworkPolicy, ...]:
        """Let this workload's pods open connections to ``target``'s pods on ``port`` (a port name or number that
        a container of ``target`` declares), through the default deny of isolated namespaces of ours.

        Registers what each side's isolation needs: an egress NetworkPolicy in this workload's namespace and an
        ingress one in ``target``'s, each only where that namespace is one of ours and isolated (elsewhere
        traffic already flows, or Pilothouse cannot see the namespace's policies; a namespace given by name is not
        ours). Their names are ``allow-<this>-to-<target>-<port number>-egress`` / ``-ingress`` and a digest of
        both kinds, namespaces and names, so two rules never share a name; answers them (none when nothing is
        isolated).

        Raises:
            InvalidValueError: naming ``allow_to.port`` (not a port a container of ``target`` declares) or
                ``allow_to.target`` (not a workload, this workload itself, or a target and port allowed before).
        """
        if not isinstance(target, TrafficPeer):
            shown = target if target is None or isinstance(target, str | int) else by_type(target)
            raise InvalidValueError("allow_to.target", shown, "a Deployment, StatefulSet, DaemonSet, Job or CronJob")
        if isinstance(port, bool) or not isinstance(port, str | int):
            raise InvalidValueError("allow_to.port", port, "a port name or number")
        if target is self:
            raise InvalidValueError("allow_to.target", target.workload_name, "another workload than this one")
        declared = _declared_port(target, port)
        rule_id = (self.workload_kind, namespace_name(self.namespace), self.workload_name, target.workload_kind,
                   namespace_name(target.namespace), target.workload_name, declared.number, str(declared.protocol))
        if rule_id in self._allowed:
            raise InvalidValueError("allow_to.target", target.workload_name,
                                    f"a target and port not allowed before (port {declared.number} already is)")
        self._allowed.add(rule_id)
        digest = hashlib.sha256("|".join(map(str, rule_id)).encode()).hexdigest()[:8]
        ports = [{"port": declared.number, "protocol": str(declared.protocol)}]
        policies = []
        for side, selected, peer, direction in ((self, self, target, "egress"), (target, target, self, "ingress")):
            if not _isolated(side.namespace):
                continue
            rule = {"to" if direction == "egress" else "from": [_peer(peer, across=side.namespace)], "ports": ports}
            spec: dict[str, Any] = {"podSelector": {"matchLabels": selected.selector},
                                    "policyTypes": [direction.capitalize()], direction: [rule]}
            name = f"allow-{self.workload_name}-to-{target.workload_name}-{declared.number}-{direction}-{digest}"
            policies.append(k8s.networking.v1.NetworkPolicy(
                name, metadata={"name": name, "namespace": namespace_name(side.namespace)}, spec=spec,
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(_objects(side.namespace)))))
        return tuple(policies)


def _declared_port(target: TrafficPeer, port: str | int) -> Port:
    declared = [p for c in target.pod.containers for p in c.ports]
    for candidate in declared:
        if port in (candidate.name, candidate.number):
            return candidate
    shown = ", ".join(sorted({p.name or str(p.number) for p in declared})) or "none"
    raise InvalidValueError("allow_to.port", port, f"a port a container of '{target.workload_name}' declares "
                                                   f"({shown})")


def _peer(peer: TrafficPeer, *, across: NamespaceRef) -> dict[str, Any]:
    """The NetworkPolicy peer that picks ``peer``'s pods, seen from a policy in namespace ``across``."""
    selected: dict[str, Any] = {"podSelector": {"matchLabels": peer.selector}}
    if namespace_name(peer.namespace) != namespace_name(across):
        selected["namespaceSelector"] = {"matchLabels": {
            "kubernetes.io/metadata.name": namespace_name(peer.namespace)}}
    return selected


def _isolated(namespace: NamespaceRef) -> bool:
    return isinstance(namespace, Namespace) and namespace.args.isolated


def _objects(namespace: NamespaceRef) -> tuple[pulumi.Resource, ...]:
    return namespace.objects if isinstance(namespace, Namespace) else ()
