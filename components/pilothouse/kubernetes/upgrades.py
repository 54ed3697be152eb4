"""Aliases to the URNs Pilothouse 0.1.0 gave, for the one ``pulumi up`` that upgrades a stack deployed with it.

In 0.1.0 each class that stands for one Kubernetes object (ConfigMap, Secret, Service, Ingress, Deployment,
DaemonSet, Job, CronJob, Pod, HorizontalPodAutoscaler, PodDisruptionBudget, StorageClass,
PersistentVolumeClaim, PersistentVolume) registered a component ``pilothouse:kubernetes:<Class>`` with the
object as its child, both under the resource name, and parented what the object derives (a workload's Service;
a Service's Ingress and ServiceMonitor; an Ingress's HTTPRoutes and NetworkPolicies) to that component. Since
0.2.0 the class is the object. After :func:`alias_to_0_1`, each object and each child parented to one carries
an alias to where 0.1.0 registered it; the first ``pulumi up`` then keeps every object and deletes only the
old components, which exist in Pulumi's state alone
(https://www.pulumi.com/docs/iac/concepts/options/aliases/).

Aliases are opt-in because they are not free: the Pulumi SDK resolves each one through a chain of
``Output`` objects that live as long as the program, which made a 1,500-object program 40 % slower under
Python's default garbage collector (``make bench``). A stack needs them for one update only.
"""

from __future__ import annotations

from contextvars import ContextVar

import pulumi

#: The attribute an object keeps the URN of its 0.1.0 component in.
_COMPONENT_URN = "_pilothouse_component_urn_0_1"
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


def aliasing() -> bool:
    """Whether objects declared now get their 0.1.0 alias (:func:`alias_to_0_1` was called in this program run)."""
    return _ALIASING.get()


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
    if not aliasing():
        return opts or pulumi.ResourceOptions()
    alias = _record_component(obj, resource_name, opts.parent if opts is not None else None)
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[alias]))


def _record_component(obj: pulumi.Resource, resource_name: str, parent: pulumi.Resource | None) -> pulumi.Alias:
    type_ = f"pilothouse:kubernetes:{_class_of_0_1(obj)}"
    component_urn: str | pulumi.Output[str]
    parent_0_1: str | pulumi.Output[str] | None = getattr(parent, _COMPONENT_URN, None)
    if parent is None:  # under the stack, whose own type is not part of a child's URN
        component_urn = f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::{type_}::{resource_name}"
    elif isinstance(parent_0_1, str):  # a string stays a string: no Output per object
        component_urn = _child_urn(parent_0_1, type_, resource_name)
    else:
        parent_urn = parent.urn if parent_0_1 is None else parent_0_1
        component_urn = parent_urn.apply(lambda urn: _child_urn(urn, type_, resource_name))
    setattr(obj, _COMPONENT_URN, component_urn)
    return pulumi.Alias(parent=component_urn)


def child_aliases(parent: pulumi.Resource) -> list[pulumi.Alias]:
    """The alias of a child of ``parent`` to where 0.1.0 registered it: under ``parent``'s component, when
    ``parent`` is one of the objects 0.1.0 wrapped in a component (no alias otherwise)."""
    component_urn = getattr(parent, _COMPONENT_URN, None)
    return [] if component_urn is None else [pulumi.Alias(parent=component_urn)]
