"""Kubernetes kinds that belong to no namespace (the render files them under ``_cluster``; a read of
one has no namespace), by API group (``""`` for the core group) and kind.

The built-in ones are the types marked ``+genclient:nonNamespaced`` in ``k8s.io/api`` v0.37.2 (Kubernetes
1.37, alpha and beta groups included), with ``CustomResourceDefinition`` (apiextensions) and ``APIService``
(kube-aggregator); ``tests/oracle/test_cluster_scoped_kinds.py`` checks them against the API server's
discovery. Of custom resources, those of the definitions this project installs (Gateway API's ``GatewayClass``)
and those of the ``CustomResourceDefinition`` objects a render holds (:func:`declared`); another custom kind is
taken as namespaced. A kind is its group's: Cluster API's ``IPAddress`` (``ipam.cluster.x-k8s.io``) is
namespaced, ``networking.k8s.io``'s is not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

GroupKind = tuple[str, str]

_BY_GROUP = {
    "": ("ComponentStatus", "Namespace", "Node", "PersistentVolume"),
    "admissionregistration.k8s.io": ("MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
                                     "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy",
                                     "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration"),
    "apiextensions.k8s.io": ("CustomResourceDefinition",),
    "apiregistration.k8s.io": ("APIService",),
    "authentication.k8s.io": ("SelfSubjectReview", "TokenReview"),
    "authorization.k8s.io": ("SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"),
    "certificates.k8s.io": ("CertificateSigningRequest", "ClusterTrustBundle"),
    "flowcontrol.apiserver.k8s.io": ("FlowSchema", "PriorityLevelConfiguration"),
    "imagepolicy.k8s.io": ("ImageReview",),
    "internal.apiserver.k8s.io": ("StorageVersion",),
    "networking.k8s.io": ("IPAddress", "IngressClass", "ServiceCIDR"),
    "node.k8s.io": ("RuntimeClass",),
    "rbac.authorization.k8s.io": ("ClusterRole", "ClusterRoleBinding"),
    "resource.k8s.io": ("DeviceClass", "DeviceTaintRule", "ResourcePoolStatusRequest", "ResourceSlice"),
    "scheduling.k8s.io": ("PriorityClass",),
    "storage.k8s.io": ("CSIDriver", "CSINode", "StorageClass", "VolumeAttachment", "VolumeAttributesClass"),
    "storagemigration.k8s.io": ("StorageVersionMigration",),
    "gateway.networking.k8s.io": ("GatewayClass",),
}

CLUSTER_SCOPED_KINDS: frozenset[GroupKind] = frozenset(
    (group, kind) for group, kinds in _BY_GROUP.items() for kind in kinds)


#: Kinds two API groups serve from one storage: one object, whichever group a program declares it through
#: (``events.k8s.io``'s events are the core group's, k8s.io/kubernetes v1.37.2
#: ``pkg/registry/events/rest/storage_events.go``).
_STORED_AS: dict[GroupKind, GroupKind] = {("events.k8s.io", "Event"): ("", "Event")}


def stored_as(group: str, kind: str) -> GroupKind:
    """The group and kind an object of ``group`` and ``kind`` is stored as: itself, but for the kinds two groups
    serve (an ``events.k8s.io`` Event is a core Event)."""
    return _STORED_AS.get((group, kind), (group, kind))


#: The API groups Kubernetes itself serves that have a dot (``+groupName`` of k8s.io/api v0.37.2, with
#: kube-aggregator's and apiextensions'); every group without one (``""``, ``apps``, ``batch``, ...) is built in
#: too, since a custom resource's group must have a dot (apiextensions-apiserver v0.37.2,
#: ``ValidateCustomResourceDefinition``).
_BUILT_IN_DOTTED_GROUPS = frozenset({
    "admission.k8s.io", "admissionregistration.k8s.io", "apidiscovery.k8s.io", "apiextensions.k8s.io",
    "apiregistration.k8s.io", "authentication.k8s.io", "authorization.k8s.io", "certificates.k8s.io",
    "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io", "imagepolicy.k8s.io",
    "internal.apiserver.k8s.io", "lifecycle.k8s.io", "networking.k8s.io", "node.k8s.io", "rbac.authorization.k8s.io",
    "resource.k8s.io", "scheduling.k8s.io", "storage.k8s.io", "storagemigration.k8s.io",
})


def is_built_in_group(group: str) -> bool:
    """Whether Kubernetes itself serves API group ``group`` (no custom resource definition can)."""
    return "." not in group or group in _BUILT_IN_DOTTED_GROUPS


def group_of(api_version: object) -> str:
    """The API group of an ``apiVersion`` (``apps/v1`` -> ``apps``; ``v1`` -> ``""``, the core group)."""
    return str(api_version).rpartition("/")[0]


def declared(objects: Iterable[Mapping[str, Any]]) -> frozenset[GroupKind]:
    """The kinds that ``CustomResourceDefinition`` objects among ``objects`` (manifests) declare cluster-scoped
    (``spec.scope: Cluster``); a definition in a built-in group, which the API server refuses, declares nothing."""
    found = set()
    for obj in objects:
        spec = obj.get("spec")
        if (obj.get("kind") == "CustomResourceDefinition" and group_of(obj.get("apiVersion")) == "apiextensions.k8s.io"
                and isinstance(spec, Mapping) and spec.get("scope") == "Cluster"
                and isinstance(spec.get("group"), str) and not is_built_in_group(spec["group"])
                and isinstance(spec.get("names"), Mapping)
                and isinstance(spec["names"].get("kind"), str)):
            found.add((spec["group"], spec["names"]["kind"]))
    return frozenset(found)
