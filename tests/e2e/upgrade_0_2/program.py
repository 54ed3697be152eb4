"""Namespaces as 0.2.0 declared them (a ``pilothouse:kubernetes:Namespace`` component around the namespace and its
quota, limit defaults and network policies), at the top of the stack and inside a component of the program's own;
runs on 0.2.0's tree (``components/`` from git, first on the path) and on this version."""

import pulumi

from pilothouse.kubernetes import Direction, LimitDefaults, Namespace, NamespaceArgs, Quota, TrafficRule

Namespace("shop", NamespaceArgs(
    name="shop", quota=Quota.of(requests_cpu="2", requests_memory="4Gi", pods=20),
    limits=LimitDefaults.of(request_cpu="100m", limit_cpu="500m", max_cpu="1"),
    allow=(TrafficRule(name="from-ingress", direction=Direction.INGRESS, peer_namespace="ingress"),)))


class Team(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("team:platform:Team", name, None, None)
        Namespace(name, NamespaceArgs(name=name, isolated=False), pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


Team("payments")
