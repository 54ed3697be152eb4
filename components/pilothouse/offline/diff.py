"""Compare two renders and summarise the change as Markdown fit for a pull-request comment."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pilothouse.offline.engine import SECRET

#: Input paths whose change makes the provider replace the resource, beyond the
#: ``replaceOnChanges`` a program declares. Azure names, groups and locations are immutable.
REPLACED_ON: dict[str, tuple[str, ...]] = {
    "kubernetes:apps/v1:Deployment": ("spec.selector",),
    "kubernetes:apps/v1:DaemonSet": ("spec.selector",),
    "kubernetes:apps/v1:StatefulSet": ("spec.selector", "spec.serviceName",
                                       "spec.volumeClaimTemplates", "spec.podManagementPolicy"),
    "kubernetes:batch/v1:Job": ("spec.template", "spec.selector", "spec.completions"),
    "kubernetes:core/v1:PersistentVolumeClaim": ("spec.accessModes", "spec.storageClassName",
                                                 "spec.volumeName"),
    "kubernetes:core/v1:Service": ("spec.clusterIP",),
    "kubernetes:storage.k8s.io/v1:StorageClass": ("provisioner", "parameters", "reclaimPolicy",
                                                  "volumeBindingMode"),
}
_ALWAYS_REPLACED_ON = {"kubernetes": ("metadata.name", "metadata.namespace"),
                       "azure-native": ("location", "resourceGroupName")}


@dataclass(frozen=True)
class Change:
    """A resource in both renders whose recorded registration differs (:func:`compare`).

    Fields:
        urn: its Pulumi URN.
        type: its Pulumi type token, such as ``kubernetes:apps/v1:Deployment``.
        name: its Pulumi resource name.
        fields: see its comment; paths are flattened over the whole ``resources.json`` entry, such as
            ``inputs.spec.replicas`` or ``inputs.spec.ports[0].port``.
        replaced: whether a changed input forces a replacement: a path of :data:`REPLACED_ON` for its type, a
            Kubernetes object's name or namespace, an Azure resource's location, resource group or other top-level
            ``...Name`` input, or a path of the old registration's ``replaceOnChanges``; never a path of its
            ``ignoreChanges`` (the engine keeps the old value there). Estimated from the renders, not the provider's
            diff.
    """

    urn: str
    type: str
    name: str
    #: (path, before, after) of every field that differs; ``None`` where a side lacks it.
    fields: tuple[tuple[str, Any, Any], ...]
    replaced: bool


@dataclass(frozen=True)
class RenderDiff:
    """What changes from one render folder to another (:func:`compare`); :func:`to_markdown` summarises it.

    Fields:
        added: the ``resources.json`` entries only the new render has, sorted by URN.
        removed: the entries only the old render has, sorted by URN.
        changed: a :class:`Change` for every resource in both whose entry differs, sorted by URN.
        outputs: ``(path, before, after)`` of every flattened stack output that differs (``None`` where a side
            lacks it).

    :attr:`empty` is true when nothing differs.
    """

    added: tuple[dict[str, Any], ...]
    removed: tuple[dict[str, Any], ...]
    changed: tuple[Change, ...]
    outputs: tuple[tuple[str, Any, Any], ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.outputs)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": [1]}}`` -> ``{"a.b[0]": 1}``; empty containers kept as leaves."""
    if isinstance(value, dict) and value:
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, list) and value:
        flat = {}
        for index, item in enumerate(value):
            flat.update(flatten(item, f"{prefix}[{index}]"))
        return flat
    return {prefix: value}


def _field_changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[tuple[str, Any, Any], ...]:
    old, new = flatten(before), flatten(after)
    return tuple((path, old.get(path), new.get(path))
                 for path in sorted(set(old) | set(new)) if old.get(path) != new.get(path))


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == prefix or path.startswith((f"{prefix}.", f"{prefix}[")) for prefix in prefixes)


def _is_replacement(resource: dict[str, Any], paths: list[str]) -> bool:
    # The engine keeps the old value of an ``ignoreChanges`` path, so a change there replaces nothing.
    paths = [path for path in paths if not _under(path, tuple(resource.get("ignoreChanges", ())))]
    package = resource["type"].split(":")[0]
    triggers = (*REPLACED_ON.get(resource["type"], ()), *_ALWAYS_REPLACED_ON.get(package, ()),
                *resource.get("replaceOnChanges", ()))
    if package == "azure-native":  # every top-level '...Name' input names the resource itself
        triggers += tuple(key for key in resource["inputs"] if key.endswith("Name"))
    return any(_under(path, triggers) for path in paths)


def compare(base: Path, head: Path) -> RenderDiff:
    """What changes from the render in ``base`` to the render in ``head``."""
    def load(folder: Path) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
        resources = json.loads((folder / "resources.json").read_text())
        return {r["urn"]: r for r in resources}, json.loads((folder / "outputs.json").read_text())

    (old, old_outputs), (new, new_outputs) = load(base), load(head)
    changed = []
    for urn in sorted(set(old) & set(new)):
        fields = _field_changes(old[urn], new[urn])
        if fields:
            input_paths = [path.removeprefix("inputs.") for path, _, _ in fields if path.startswith("inputs.")]
            changed.append(Change(urn, new[urn]["type"], new[urn]["name"], fields,
                                  _is_replacement(old[urn], input_paths)))
    return RenderDiff(
        added=tuple(new[urn] for urn in sorted(set(new) - set(old))),
        removed=tuple(old[urn] for urn in sorted(set(old) - set(new))),
        changed=tuple(changed),
        outputs=_field_changes(old_outputs, new_outputs),
    )


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return f"`{text if len(text) <= 60 else text[:57] + '...'}`"


def _field_line(path: str, before: Any, after: Any) -> str:
    if SECRET in (before, after):
        return f"  - `{path}`: changed (secret)"
    return f"  - `{path}`: {_show(before)} → {_show(after)}"


def to_markdown(diff: RenderDiff, title: str) -> str:
    """A concise Markdown summary: a count line, then added / changed / removed."""
    if diff.empty:
        return f"### {title}\n\nNo changes\n"
    replacements = sum(change.replaced for change in diff.changed)
    lines = [f"### {title}", "",
             f"**{len(diff.added)} to add, {len(diff.changed)} to change "
             f"({replacements} replaced), {len(diff.removed)} to remove**"]
    if diff.added:
        lines += ["", "#### Added"] + [f"- `{r['type']}` **{r['name']}**" for r in diff.added]
    if diff.changed:
        lines += ["", "#### Changed"]
        for change in diff.changed:
            flag = " ⚠️ **replaced**" if change.replaced else ""
            lines.append(f"- `{change.type}` **{change.name}**{flag}")
            lines += [_field_line(*field) for field in change.fields]
    if diff.removed:
        lines += ["", "#### Removed"] + [f"- `{r['type']}` **{r['name']}**" for r in diff.removed]
    if diff.outputs:
        lines += ["", "#### Stack outputs"] + [_field_line(*field) for field in diff.outputs]
    return "\n".join(lines) + "\n"
