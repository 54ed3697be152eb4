"""ReferenceGrants, derived: a Gateway API object referring to an object in another namespace (a listener's
certificate Secret, a route's backend Service) is allowed to only when that namespace grants it
(https://gateway-api.sigs.k8s.io/api-types/referencegrant/). Pilothouse writes the grant from the reference, so
that it names exactly what is referred to, and never by hand.
"""

from __future__ import annotations

from collections.abc import Iterable

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.kubernetes.names import shortened
from pilothouse.kubernetes.workload import NamespaceRef, child_options, namespace_name

#: v1beta1: served by every Gateway API release since 0.6 (v1 only since 1.5), as managed offerings may ship older.
GRANT_API = "gateway.networking.k8s.io/v1beta1"
GATEWAY_GROUP = "gateway.networking.k8s.io"
#: The CRD's limit on the ``to`` list of one grant.
_MAX_TARGETS = 16
_MAX_NAME = 253


def grant_name(from_kind: str, from_namespace: str, from_name: str, part: int = 0) -> str:
    """The name of grant ``part`` (0, 1, ... one per 16 targets) for ``from_name``, a ``from_kind`` in
    ``from_namespace``: ``<kind>.<namespace>.<name>`` in lower case, after ``<part>.`` from the second on. Neither a
    kind nor a namespace holds a dot, and a kind is never a number, so two grants never share a name; shortened with
    a digest beyond 253 characters."""
    name = f"{from_kind.lower()}.{from_namespace}.{from_name}"
    return shortened(f"{part}.{name}" if part else name, _MAX_NAME)


def reference_grants(resource_name: str, *, parent: pulumi.Resource, from_kind: str, from_namespace: str,
                     from_name: str, to_kind: str, targets: Iterable[tuple[NamespaceRef, str]],
                     to_group: str = "") -> list[k8s.apiextensions.CustomResource]:
    """The ReferenceGrants letting ``from_kind`` objects of ``from_namespace`` refer to ``targets`` (``(namespace,
    name)`` of ``to_kind`` objects): one per other namespace (one more per 16 names), children of ``parent``.
    References within ``from_namespace`` need none."""
    by_namespace: dict[str, tuple[NamespaceRef, list[str]]] = {}
    for namespace, name in targets:
        if namespace_name(namespace) != from_namespace:
            names = by_namespace.setdefault(namespace_name(namespace), (namespace, []))[1]
            if name not in names:
                names.append(name)
    grants = []
    for target_namespace, (namespace, names) in sorted(by_namespace.items()):
        for part, start in enumerate(range(0, len(names), _MAX_TARGETS)):
            grants.append(k8s.apiextensions.CustomResource(
                f"{resource_name}-grant-{target_namespace}" + (f"-{part}" if part else ""), api_version=GRANT_API,
                kind="ReferenceGrant", metadata={"name": grant_name(from_kind, from_namespace, from_name, part),
                                                 "namespace": target_namespace},
                spec={"from": [{"group": GATEWAY_GROUP, "kind": from_kind, "namespace": from_namespace}],
                      "to": [{"group": to_group, "kind": to_kind, "name": target}
                             for target in names[start:start + _MAX_TARGETS]]},
                opts=child_options(parent, namespace)))
    return grants
