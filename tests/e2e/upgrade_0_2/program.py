"""Namespaces as 0.2.0 declared them (a ``pilothouse:kubernetes:Namespace`` component around the namespace and its
quota, limit defaults and network policies), at the top of the stack, inside a component of the program's own and
inside another namespace, with children of the program's own;
runs on 0.2.0's tree (``components/`` from git, first on the path) and on this version."""

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.kubernetes import Direction, LimitDefaults, Namespace, NamespaceArgs, Quota, TrafficRule

shop = Namespace("shop", NamespaceArgs(
    name="shop", quota=Quota.of(requests_cpu="2", requests_memory="4Gi", pods=20),
    limits=LimitDefaults.of(request_cpu="100m", limit_cpu="500m", max_cpu="1"),
    allow=(TrafficRule(name="from-ingress", direction=Direction.INGRESS, peer_namespace="ingress"),)))
# What a program parents to a namespace, and a child of that; a namespace inside another; a name with the URN's
# separator in it.
mine = k8s.core.v1.ConfigMap("mine", metadata={"name": "mine", "namespace": "shop"},
                             opts=pulumi.ResourceOptions(parent=shop))
k8s.core.v1.ConfigMap("nested", metadata={"name": "nested", "namespace": "shop"},
                      opts=pulumi.ResourceOptions(parent=mine))
inner = Namespace("inner", NamespaceArgs(name="inner", isolated=False), pulumi.ResourceOptions(parent=shop))
Namespace("deepest", NamespaceArgs(name="deepest", isolated=False), pulumi.ResourceOptions(parent=inner))
# A namespace under a resource declared under a namespace; one whose options a transformation of the program's
# own rebuilds.
Namespace("under-mine", NamespaceArgs(name="under-mine"), pulumi.ResourceOptions(parent=mine))
Namespace("rebuilt", NamespaceArgs(name="rebuilt", isolated=False), pulumi.ResourceOptions(transformations=[
    lambda args: pulumi.ResourceTransformationResult(args.props, pulumi.ResourceOptions(parent=args.opts.parent))]))
Namespace("edge::v2", NamespaceArgs(name="edge", isolated=False))


class Team(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("team:platform:Team", name, None, None)
        Namespace(name, NamespaceArgs(name=name, isolated=False), pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


Team("payments")
