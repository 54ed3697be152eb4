"""Traffic a namespace allows on top of its default deny, as typed rules."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.names import dns_label, labels
from pilothouse.kubernetes.ports import Protocol, port_number
from pilothouse.typed import Checked, checked_arguments

#: Egress every pod keeps under a default deny: name resolution through the cluster DNS.
DNS_PEER = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}


class Direction(StrEnum):
    """Which way a :class:`TrafficRule` lets traffic through, sent as the NetworkPolicy's ``policyTypes`` entry.

    ``Ingress``: from the peer to the selected pods (an ``ingress`` rule with ``from``); ``Egress``: from the
    selected pods to the peer (an ``egress`` rule with ``to``).
    """

    INGRESS = "Ingress"
    EGRESS = "Egress"


@dataclass(frozen=True, kw_only=True)
class TrafficRule(Checked, prefix="traffic_rule"):
    """Allow traffic between some pods of the namespace and a peer (pods, a namespace, or a CIDR)."""

    name: str
    direction: Direction
    #: Pods of this namespace the rule applies to; empty means all of them.
    pods: dict[str, str] = field(default_factory=dict)
    peer_namespace: str | None = None
    peer_pods: dict[str, str] | None = None
    peer_cidr: str | None = None
    ports: tuple[int, ...] = ()
    protocol: Protocol = Protocol.TCP

    def __post_init__(self) -> None:
        dns_label("traffic_rule.name", self.name)
        object.__setattr__(self, "pods", labels("traffic_rule.pods", self.pods))
        if self.peer_namespace is not None:
            dns_label("traffic_rule.peer_namespace", self.peer_namespace)
        if self.peer_pods is not None:
            object.__setattr__(self, "peer_pods", labels("traffic_rule.peer_pods", self.peer_pods))
        if self.peer_cidr is not None:
            if self.peer_namespace is not None or self.peer_pods is not None:
                raise InvalidValueError("traffic_rule.peer_cidr", self.peer_cidr,
                                        "either a CIDR or pods/namespace as the peer, not both")
            try:
                ipaddress.ip_network(self.peer_cidr, strict=True)
            except ValueError:
                raise InvalidValueError("traffic_rule.peer_cidr", self.peer_cidr,
                                        "a network in CIDR notation such as '10.0.0.0/8'") from None
        for port in self.ports:
            port_number("traffic_rule.ports", port)

    @classmethod
    @checked_arguments("traffic_rule")
    def ingress_from_namespace(cls, name: str, namespace: str, *, ports: tuple[int, ...] = (),
                               pods: dict[str, str] | None = None) -> TrafficRule:
        """Let pods in ``namespace`` (an ingress controller, Prometheus) reach ``pods`` here."""
        return cls(name=name, direction=Direction.INGRESS, pods=pods or {}, peer_namespace=namespace, ports=ports)

    @classmethod
    @checked_arguments("traffic_rule")
    def ingress_within_namespace(cls, name: str, *, ports: tuple[int, ...] = ()) -> TrafficRule:
        return cls(name=name, direction=Direction.INGRESS, peer_pods={}, ports=ports)

    @classmethod
    @checked_arguments("traffic_rule")
    def egress_to_namespace(cls, name: str, namespace: str, *, ports: tuple[int, ...] = ()) -> TrafficRule:
        return cls(name=name, direction=Direction.EGRESS, peer_namespace=namespace, ports=ports)

    @classmethod
    @checked_arguments("traffic_rule")
    def egress_to_cidr(cls, name: str, cidr: str, *, ports: tuple[int, ...] = ()) -> TrafficRule:
        return cls(name=name, direction=Direction.EGRESS, peer_cidr=cidr, ports=ports)

    def _peer(self) -> dict[str, Any]:
        if self.peer_cidr is not None:
            return {"ipBlock": {"cidr": self.peer_cidr}}
        peer: dict[str, Any] = {}
        if self.peer_namespace is not None:
            peer["namespaceSelector"] = {"matchLabels": {"kubernetes.io/metadata.name": self.peer_namespace}}
        if self.peer_pods is not None:
            peer["podSelector"] = {"matchLabels": self.peer_pods} if self.peer_pods else {}
        return peer

    def to_spec(self) -> dict[str, Any]:
        rule: dict[str, Any] = {"from" if self.direction is Direction.INGRESS else "to": [self._peer()]}
        if self.ports:
            rule["ports"] = [{"port": port, "protocol": str(self.protocol)} for port in self.ports]
        key = "ingress" if self.direction is Direction.INGRESS else "egress"
        selector = {"matchLabels": self.pods} if self.pods else {}
        return {"podSelector": selector, "policyTypes": [str(self.direction)], key: [rule]}


def default_deny_spec() -> dict[str, Any]:
    """Deny all traffic in and out of every pod, except DNS lookups."""
    dns_ports = [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]
    return {"podSelector": {}, "policyTypes": ["Ingress", "Egress"],
            "egress": [{"to": [DNS_PEER], "ports": dns_ports}]}
