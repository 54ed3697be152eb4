"""Render a stack offline: every resource as JSON, every Kubernetes object as YAML.

Layout of a render folder::

    resources.json                      every registration, sorted by URN
    outputs.json                        the stack's outputs (secrets masked)
    manifests/<namespace>/<Kind>-<name>.yaml   one file per Kubernetes object
                                        (cluster-scoped objects under ``_cluster``)
    patches/<namespace>/<Kind>-<name>.yaml     one file per server-side patch of an object someone
                                        else creates (a StatefulSet's claims)
    charts/<namespace>/<release>.yaml   one file per Helm chart: chart path and values (the
                                        provider renders its objects at preview/up time)

Two renders of the same commit are byte-identical: keys sorted, no timestamps, ids
derived from names.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import runpy
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from pilothouse.offline import engine, stack_config
from pilothouse.offline.engine import Registration, Render
from pilothouse.offline.kinds import CLUSTER_SCOPED_KINDS

_REDACTED_B64 = base64.b64encode(engine.SECRET.encode()).decode()


class DuplicateObjectError(ValueError):
    """Two resources render the same Kubernetes object (kind, namespace and name)."""


@contextmanager
def _inside(project_dir: Path) -> Iterator[None]:
    """Run as the Pulumi language host does: from the project folder, importable from there."""
    previous_cwd, previous_path = Path.cwd(), list(sys.path)
    os.chdir(project_dir)
    sys.path.insert(0, str(project_dir))
    try:
        yield
    finally:
        os.chdir(previous_cwd)
        sys.path[:] = previous_path


def render_stack(project_dir: Path, stack: str) -> Render:
    """Run the project's ``__main__.py`` for ``stack`` under the mock engine."""
    files = stack_config.read(project_dir, stack)
    with _inside(project_dir):
        return engine.run(
            lambda: runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__"),
            stack=stack, project=files.project, config=files.config, secret_keys=files.secret_keys)


def _is_kubernetes_type(registration: Registration) -> bool:
    group = registration.type.split(":")
    return (registration.custom and not registration.read and group[0] == "kubernetes" and len(group) == 3
            and not group[1].startswith(("helm.sh", "yaml", "kustomize")))


def is_patch(registration: Registration) -> bool:
    """A server-side patch of a Kubernetes object the program does not create (``<Kind>Patch`` types)."""
    return _is_kubernetes_type(registration) and registration.type.endswith("Patch")


def is_kubernetes_object(registration: Registration) -> bool:
    """A plain Kubernetes object the program manages (not a provider, Helm release, YAML group, patch or an
    existing object it only reads)."""
    return _is_kubernetes_type(registration) and not registration.type.endswith("Patch")


def is_helm_chart(registration: Registration) -> bool:
    return registration.type == "kubernetes:helm.sh/v4:Chart"


def manifest(registration: Registration) -> dict[str, Any]:
    """The object the Kubernetes provider would be asked to create; Secret data redacted."""
    obj = dict(registration.inputs)
    if obj.get("kind") == "Secret" and isinstance(obj.get("data"), dict):
        obj["data"] = {key: _REDACTED_B64 for key in obj["data"]}
    return obj


def manifest_path(registration: Registration) -> Path:
    """Where a render folder keeps the object of ``registration``: ``<namespace>/<Kind>-<name>.yaml``, ``_cluster``
    for a cluster-scoped kind, ``default`` for no namespace. An object without ``metadata.name`` (a program of
    pulumi-kubernetes objects left to its autonaming: ``<resource name>-<8 random characters>``) is
    ``<Kind>-<resource name>-<8 characters of a hash of its URN>.yaml``, deterministic and never another's."""
    metadata = registration.inputs.get("metadata") or {}
    kind, name = registration.inputs["kind"], metadata.get("name")
    if not name:
        name = f"{registration.name}-{hashlib.sha256(registration.urn.encode()).hexdigest()[:8]}"
    folder = "_cluster" if kind in CLUSTER_SCOPED_KINDS else metadata.get("namespace", "default")
    return Path(folder) / f"{kind}-{name}.yaml"


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class NotARenderError(ValueError):
    """The output folder cannot take a render: it holds something other than an earlier render, or it
    is the working folder or one of its parents. It is never replaced."""


#: What a render folder holds at its top level (``write`` makes nothing else).
RENDER_ENTRIES = frozenset({"resources.json", "outputs.json", "manifests", "patches", "charts"})


def _check_out(out: Path) -> None:
    """``out`` may be replaced: it does not exist, or it is an empty folder or an earlier render, and it
    holds neither the working folder nor the process's own files."""
    if out.is_symlink():
        raise NotARenderError(f"{out} is a symbolic link; give the folder itself")
    resolved = out.resolve()
    if resolved == Path.cwd().resolve() or resolved in Path.cwd().resolve().parents or len(resolved.parts) < 3:
        raise NotARenderError(f"{out} is the working folder, one of its parents or a top-level folder; "
                              "give a folder of its own (for example build/dev)")
    if not out.exists():
        return
    entries = {entry.name for entry in out.iterdir()} if out.is_dir() else None
    if entries is None or (entries and ("resources.json" not in entries or not entries <= RENDER_ENTRIES)):
        raise NotARenderError(f"{out} exists and is not an earlier render (only resources.json, outputs.json, "
                              "manifests/, patches/ and charts/); choose another --out or remove it yourself")


def write(render: Render, out: Path) -> int:
    """Write ``render`` to ``out``, replacing it whole (a half-written render never exists);
    return how many Kubernetes manifests it holds.

    Raises ``NotARenderError`` when ``out`` is not an empty folder or an earlier render, is a symbolic
    link, or is the working folder, one of its parents or a top-level folder: a mistyped ``--out``
    never deletes anything else.
    """
    _check_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    objects = list(filter(is_kubernetes_object, render))
    try:
        (staging / "resources.json").write_text(_json([r.as_json() for r in render]))
        (staging / "outputs.json").write_text(_json(render.outputs))
        for folder, found in (("manifests", objects), ("patches", list(filter(is_patch, render)))):
            for registration in found:
                where = manifest_path(registration)
                path = staging / folder / where
                if path.exists():
                    raise DuplicateObjectError(f"two resources of the program declare one Kubernetes object, "
                                               f"{where.with_suffix('')}: the API server refuses the "
                                               "second ('already exists'); give one of them another name")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(yaml.safe_dump(manifest(registration), sort_keys=True, default_flow_style=False))
        for chart in filter(is_helm_chart, render):
            path = staging / "charts" / chart.inputs["namespace"] / f"{chart.inputs['name']}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yaml.safe_dump(chart.inputs, sort_keys=True, default_flow_style=False))
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(objects)


def manifests(out: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every manifest of a render folder, in path order."""
    for path in sorted((out / "manifests").rglob("*.yaml")):
        yield path, yaml.safe_load(path.read_text())
