"""The Kubernetes objects of a render, keyed ``Kind/namespace/name``, and what differs between two."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pilothouse.offline.engine import Render
from pilothouse.offline.render import is_kubernetes_object, manifest


def kubernetes_objects(render: Render) -> dict[str, dict[str, Any]]:
    """Every Kubernetes object ``render`` asks the provider for (parents and options left out:
    a component tree differs from a flat program by design, the objects must not)."""
    objects: dict[str, dict[str, Any]] = {}
    for registration in filter(is_kubernetes_object, render):
        obj = manifest(registration)
        metadata = obj.get("metadata") or {}
        objects[f"{obj['kind']}/{metadata.get('namespace', '')}/{metadata.get('name', '')}"] = obj
    return dict(sorted(objects.items()))


def digest(objects: dict[str, dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(objects, sort_keys=True).encode()).hexdigest()


def differences(left: dict[str, dict[str, Any]], right: dict[str, dict[str, Any]]) -> list[str]:
    """One line per object only one side has or the two sides render differently."""
    lines = [f"only in the first: {key}" for key in left.keys() - right.keys()]
    lines += [f"only in the second: {key}" for key in right.keys() - left.keys()]
    lines += [f"differs: {key}: {json.dumps(left[key], sort_keys=True)} != {json.dumps(right[key], sort_keys=True)}"
              for key in left.keys() & right.keys() if left[key] != right[key]]
    return sorted(lines)
