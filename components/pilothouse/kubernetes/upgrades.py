"""Aliases to the URNs earlier versions gave, so a stack deployed with one upgrades without replacing anything.

In 0.1.0 each class that stands for one Kubernetes object (ConfigMap, Secret, Service, Ingress, Deployment,
DaemonSet, Job, CronJob, Pod, HorizontalPodAutoscaler, PodDisruptionBudget, StorageClass,
PersistentVolumeClaim, PersistentVolume) registered a component ``pilothouse:kubernetes:<Class>`` with the
object as its child, both under the resource name, and parented what the object derives (a workload's Service;
a Service's Ingress and ServiceMonitor; an Ingress's HTTPRoutes and NetworkPolicies) to that component. Since
0.2.0 the class is the object. After :func:`alias_to_0_1`, each object and each child parented to one carries
an alias to where 0.1.0 registered it; the first ``pulumi up`` then keeps every object and deletes only the
old components, which exist in Pulumi's state alone
(https://www.pulumi.com/docs/iac/concepts/options/aliases/).

Those aliases are opt-in because they are not free: the Pulumi SDK resolves each one through a chain of
``Output`` objects that live as long as the program, which made a 1,500-object program 40 % slower under
Python's default garbage collector (``make bench``). A stack needs them for one update only.

Up to 0.2.0 a ``Namespace`` was a ``pilothouse:kubernetes:Namespace`` component wrapping the namespace object
and its governance objects; since then the class is the namespace object and the others are its children.
Their aliases (:func:`namespace_moved`) are always on: a few per namespace, and a literal URN for a
namespace declared at the top of the stack, so they cost nothing measurable.
"""

from __future__ import annotations

from contextvars import ContextVar

import pulumi
from pulumi.runtime.settings import get_monitor

#: The attribute an object keeps the URN of its 0.1.0 component in.
_COMPONENT_URN = "_pilothouse_component_urn_0_1"
#: The component a Namespace was up to 0.2.0.
_NAMESPACE_0_2 = "pilothouse:kubernetes:Namespace"
#: The attribute that keeps the URN what is parented to a resource had in 0.2.0: on a Namespace, its component's; on
#: everything declared under a Namespace, its own 0.2.0 URN.
_URN_0_2 = "_pilothouse_children_urn_0_2"
#: On for the rest of the program run that called :func:`alias_to_0_1` (each run is its own asyncio task, so
#: a test harness running several programs in one process sees it in that program only).
_ALIASING: ContextVar[bool] = ContextVar("pilothouse_alias_to_0_1", default=False)


def alias_to_0_1(enabled: bool = True) -> None:
    """Give every object declared after this call (and its children) an alias to its 0.1.0 URN.

    Call it at the top of the program for the first ``pulumi up`` after upgrading a stack deployed with
    Pilothouse 0.1.0, then remove the call: once that update has run, the state holds the new URNs. Without
    it, such a stack's preview shows each object created anew and its 0.1.0 twin deleted. ``enabled=False``
    turns aliasing off again.
    """
    _ALIASING.set(enabled)


def _class_of_0_1(obj: pulumi.Resource) -> str:
    """The Pilothouse class ``obj`` is or extends (a user's subclass keeps its base's 0.1.0 type)."""
    return next(cls.__name__ for cls in type(obj).__mro__ if cls.__module__.startswith("pilothouse.kubernetes."))


def _child_urn(parent_urn: str, type_: str, name: str) -> str:
    """The URN of a child named ``name`` of type ``type_`` under ``parent_urn`` (Pulumi's URN grammar:
    ``urn:pulumi:<stack>::<project>::<parent's qualified type>$<type>::<name>``)."""
    head, project, qualified_type = parent_urn.split("::", 3)[:3]
    return f"{head}::{project}::{qualified_type}${type_}::{name}"


def aliased(obj: pulumi.Resource, resource_name: str, opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """``opts`` plus, after :func:`alias_to_0_1`, the alias of ``obj`` (about to register) to its 0.1.0 URN:
    the same name and type, under the component 0.1.0 wrapped it in, whose URN ``obj`` keeps for its children
    (:func:`child_aliases`)."""
    if not _ALIASING.get():
        return opts or pulumi.ResourceOptions()
    alias = _record_component(obj, resource_name, opts.parent if opts is not None else None)
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[alias]))


def _record_component(obj: pulumi.Resource, resource_name: str, parent: pulumi.Resource | None) -> pulumi.Alias:
    component_urn = _component_urn(f"pilothouse:kubernetes:{_class_of_0_1(obj)}", resource_name, parent)
    setattr(obj, _COMPONENT_URN, component_urn)
    return pulumi.Alias(parent=component_urn)


def _component_urn(type_: str, resource_name: str, parent: pulumi.Resource | None) -> str | pulumi.Output[str]:
    """The URN of a component of type ``type_`` named ``resource_name`` under ``parent`` (``None``: the stack), where
    ``parent`` itself was registered in that version (under its own 0.1.0 component after :func:`alias_to_0_1`; under
    a 0.2.0 Namespace's component when declared under a Namespace)."""
    parent_0_1: str | pulumi.Output[str] | None = getattr(parent, _COMPONENT_URN, None)
    if parent is None:  # under the stack, whose own type is not part of a child's URN
        return f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::{type_}::{resource_name}"
    return _child_urn_of(parent_0_1 or getattr(parent, _URN_0_2, None) or parent.urn, type_, resource_name)


def namespace_moved(namespace: pulumi.Resource, resource_name: str,
                    parent: pulumi.Resource | None) -> pulumi.ResourceOptions:
    """Options that keep a :class:`~pilothouse.kubernetes.Namespace` named ``resource_name`` (about to register under
    ``parent``, ``None``: the stack) and what is declared under it where 0.2.0 and earlier registered them: under a
    ``pilothouse:kubernetes:Namespace`` component of that name. A transformation (run for the namespace object and,
    inherited, for everything declared under it) gives the namespace object and each direct child (its quota, limit
    defaults and network policies, and whatever a program parents to it) an alias; the engine moves their own
    children with them. Each keeps its 0.2.0 URN for a Namespace declared under it. Aliases are full URNs: the
    engine reads a resource name with ``::`` in it only there; and applied last, so that a transformation of the
    program's own that rebuilds the options does not drop them."""
    if get_monitor() is None:
        # Declared outside a deployment (a test module's import): no state to move, and the SDK, left to work the
        # aliases out itself there, fails on the children's.
        return pulumi.ResourceOptions()
    component_urn = _component_urn(_NAMESPACE_0_2, resource_name, parent)
    setattr(namespace, _URN_0_2, component_urn)

    def moved(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        if args.resource is namespace:
            old = _child_urn_of(component_urn, args.type_, args.name)
        elif getattr(args.resource, _URN_0_2, None) is not None:
            return None  # a Namespace, or moved already by the Namespace nearest above it
        else:
            old = _child_urn_of(getattr(args.opts.parent, _URN_0_2), args.type_, args.name)
            setattr(args.resource, _URN_0_2, old)
            if args.opts.parent is not namespace:
                return None
        return pulumi.ResourceTransformationResult(
            args.props, pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(aliases=[old])))

    return pulumi.ResourceOptions(transformations=[moved])


def _child_urn_of(parent_urn: str | pulumi.Output[str], type_: str, name: str) -> str | pulumi.Output[str]:
    if isinstance(parent_urn, str):
        return _child_urn(parent_urn, type_, name)
    return parent_urn.apply(lambda urn: _child_urn(urn, type_, name))


def child_aliases(parent: pulumi.Resource) -> list[pulumi.Alias]:
    """The alias of a child of ``parent`` to where 0.1.0 registered it: under ``parent``'s component, when
    ``parent`` is one of the objects 0.1.0 wrapped in a component (no alias otherwise)."""
    component_urn = getattr(parent, _COMPONENT_URN, None)
    return [] if component_urn is None else [pulumi.Alias(parent=component_urn)]
