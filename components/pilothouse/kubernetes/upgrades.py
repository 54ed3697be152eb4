"""Aliases to the URNs Pilothouse 0.1.0 gave, so a stack deployed with it upgrades without replacing anything.

In 0.1.0 each class that stands for one Kubernetes object (ConfigMap, Secret, Service, Ingress, Deployment,
DaemonSet, Job, CronJob, Pod, HorizontalPodAutoscaler, PodDisruptionBudget, StorageClass,
PersistentVolumeClaim, PersistentVolume) registered a component ``pilothouse:kubernetes:<Class>`` with the
object as its child, both under the resource name, and parented what the object derives (a workload's Service;
a Service's Ingress and ServiceMonitor; an Ingress's HTTPRoutes and NetworkPolicies) to that component. Since
0.2.0 the class is the object. Each object, and each child parented to one, carries an alias to where 0.1.0
registered it; the component itself is deleted by the first update, which touches nothing in the cluster
(https://www.pulumi.com/docs/iac/concepts/options/aliases/).
"""

from __future__ import annotations

import pulumi

#: The attribute an object keeps the URN of its 0.1.0 component in.
_COMPONENT_URN = "_pilothouse_component_urn_0_1"


def _class_of_0_1(obj: pulumi.Resource) -> str:
    """The Pilothouse class ``obj`` is or extends (a user's subclass keeps its base's 0.1.0 type)."""
    return next(cls.__name__ for cls in type(obj).__mro__ if cls.__module__.startswith("pilothouse.kubernetes."))


def _child_urn(parent_urn: str, type_: str, name: str) -> str:
    """The URN of a child named ``name`` of type ``type_`` under ``parent_urn`` (Pulumi's URN grammar:
    ``urn:pulumi:<stack>::<project>::<parent's qualified type>$<type>::<name>``)."""
    head, project, qualified_type = parent_urn.split("::", 3)[:3]
    return f"{head}::{project}::{qualified_type}${type_}::{name}"


def aliased(obj: pulumi.Resource, resource_name: str, opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """``opts`` plus the alias of ``obj`` (about to register) to its 0.1.0 URN: the same name and type, under
    the component 0.1.0 wrapped it in, whose URN ``obj`` keeps for its children (``child_aliases``)."""
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
