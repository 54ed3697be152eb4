"""Compare two renders and summarise the change as Markdown fit for a pull-request comment."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pilothouse.offline.engine import SECRET, engine_urn, urn_parts

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


class AliasConflictError(ValueError):
    """Aliases the engine refuses, so ``pulumi preview`` fails and there is no diff to show: an alias that finds an
    old URN the program also registers, or that another resource's alias already claimed (Pulumi's diagnostics
    2008 and 2016, ``getOldResource`` in pkg/resource/deploy/step_generator.go). ``conflicts`` holds one message per
    conflict, the engine's wording; ``str()`` is all of them, one per line."""

    def __init__(self, conflicts: list[str]) -> None:
        super().__init__("\n".join(conflicts))
        self.conflicts = tuple(conflicts)


@dataclass(frozen=True)
class Change:
    """A resource in both renders whose recorded registration differs (:func:`compare`).

    Fields:
        urn: its Pulumi URN.
        type: its Pulumi type token, such as ``kubernetes:apps/v1:Deployment``.
        name: its Pulumi resource name.
        fields: see its comment; paths are flattened over the whole ``resources.json`` entry, such as
            ``inputs.spec.replicas`` or ``inputs.spec.ports[0].port``, but for its ``dependencies`` and ``aliases``,
            which the engine does not diff.
        replaced: whether a changed input forces a replacement: a path of :data:`REPLACED_ON` for its type, a
            Kubernetes object's name or namespace, an Azure resource's location, resource group or other top-level
            ``...Name`` input, or a path of the old registration's ``replaceOnChanges``; never a path of its
            ``ignoreChanges`` (the engine keeps the old value there). Estimated from the renders, not the provider's
            diff.
        was: the base render's URN of a resource an alias moved (then ``fields`` leave out what the move itself
            changes: ``urn``, ``name``, ``type``, ``parent``).
    """

    urn: str
    type: str
    name: str
    #: (path, before, after) of every field that differs; ``None`` where a side lacks it.
    fields: tuple[tuple[str, Any, Any], ...]
    replaced: bool
    #: The URN the base render had it under, when an alias carries it to a new one (:func:`moves`); else ``None``.
    was: str | None = None


@dataclass(frozen=True)
class RenderDiff:
    """What changes from one render folder to another (:func:`compare`); :func:`to_markdown` summarises it.

    Fields:
        added: the ``resources.json`` entries only the new render has, sorted by URN.
        removed: the entries only the old render has, sorted by URN.
        changed: a :class:`Change` for every resource in both whose entry differs, sorted by URN.
        moved: a :class:`Change` (with ``was``) for every resource whose URN changed and that an alias of it keeps,
            as the engine matches aliases (:func:`moves`): neither added nor removed, changed only where ``fields``
            say so; sorted by URN.
        outputs: ``(path, before, after)`` of every flattened stack output that differs (``None`` where a side
            lacks it).

    :attr:`empty` is true when nothing differs.
    """

    added: tuple[dict[str, Any], ...]
    removed: tuple[dict[str, Any], ...]
    changed: tuple[Change, ...]
    outputs: tuple[tuple[str, Any, Any], ...]
    moved: tuple[Change, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.moved or self.outputs)


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


#: What the engine does not diff: a resource whose dependencies, aliases or parent alone change is ``same`` in a
#: preview (a new parent of the type of the old one leaves the URN as it was).
_NOT_DIFFED = ("dependencies", "aliases", "parent")
#: What a move itself changes in a ``resources.json`` entry: not a change of the resource either.
_IDENTITY = ("urn", "name", "type", "parent")


def _alias_urn(alias: dict[str, Any], resource: dict[str, Any], moved: dict[str, str]) -> str:
    """The URN an alias of ``resource`` stands for (``collapseAliasToUrn`` in the engine's step generator): a spec's
    name, type, stack and project default to the resource's, its parent to the resource's parent (or, named, to
    where that parent moved from)."""
    if "urn" in alias:
        return str(alias["urn"])
    spec = alias.get("spec", {})
    stack, project = urn_parts(resource["urn"])[:2]
    named = spec.get("parentUrn")
    parent = moved.get(named, named) if named else resource.get("parent", "")
    parent_type = "" if spec.get("noParent") or not parent else urn_parts(parent)[2]
    return engine_urn(spec.get("stack") or stack, spec.get("project") or project, parent_type,
                      spec.get("type") or resource["type"], spec.get("name") or resource["name"])


def _inherited_alias(resource: dict[str, Any], type_: str, name: str, parent_was: str) -> str:
    """Where a child was when its parent moved from ``parent_was`` (``inheritedChildAlias``): under that URN's type
    in this stack and project, its name's prefix that is the parent's name replaced by the parent's old name."""
    stack, project = urn_parts(resource["urn"])[:2]
    parent_type, parent_old_name = urn_parts(parent_was)[2:]
    parent_name = urn_parts(resource["parent"])[3]
    if name.startswith(parent_name):
        name = parent_old_name + name[len(parent_name):]
    return engine_urn(stack, project, parent_type, type_, name)


def with_engine_urns(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``resources`` (a ``resources.json``) with every URN the engine's own: renders of Pilothouse 0.2 and
    earlier hold the SDK mock engine's, which puts a child under its parent's last type only and a top-level
    resource under ``pulumi:pulumi:Stack``. A URN is rebuilt from the resource's parent, type and name; the same
    URN elsewhere in an entry (its parent, provider, dependencies, alias parents, resource references among its
    inputs) follows."""
    by_urn = {entry["urn"]: entry for entry in resources}
    engine: dict[str, str] = {}

    def rebuilt(urn: str) -> str:
        if urn not in by_urn:  # the stack, or text that is no URN of the render
            return urn
        if urn not in engine:
            entry = by_urn[urn]
            parent = entry.get("parent", "")
            # A parent the render lacks (the stack, never recorded) keeps its URN's type.
            parent_type = urn_parts(rebuilt(parent))[2] if parent else ""
            stack, project = urn_parts(urn)[:2]
            engine[urn] = engine_urn(stack, project, parent_type, entry["type"], entry["name"])
        return engine[urn]

    def rebuilt_in(value: Any) -> Any:  # a resource reference in an input is its URN (``engine.plain``)
        if isinstance(value, str):
            return rebuilt(value)
        if isinstance(value, dict):
            return {key: rebuilt_in(item) for key, item in value.items()}
        if isinstance(value, list):
            return [rebuilt_in(item) for item in value]
        return value

    def alias(given: dict[str, Any]) -> dict[str, Any]:
        spec = given.get("spec", {})
        return {**given, "spec": {**spec, "parentUrn": rebuilt(spec["parentUrn"])}} if "parentUrn" in spec else given

    return [{**entry, "urn": rebuilt(entry["urn"]),
             **{key: rebuilt(entry[key]) for key in ("parent", "provider") if key in entry},
             **({"inputs": rebuilt_in(entry["inputs"])} if "inputs" in entry else {}),
             **({"dependencies": [rebuilt(urn) for urn in entry["dependencies"]]} if "dependencies" in entry else {}),
             **({"aliases": [alias(given) for given in entry["aliases"]]} if "aliases" in entry else {})}
            for entry in resources]


def moves(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> dict[str, str]:
    """New URN -> old URN, for every resource of ``new`` (entries by URN) absent from ``old`` under its URN that an
    alias of its own or of its parent finds there: the engine's matching (``generateAliases`` and
    ``getOldResource``, pkg/resource/deploy/step_generator.go), parents before children, the first alias that names
    an old URN taken.

    Raises :class:`AliasConflictError`, naming every conflict, where the engine fails the preview: the old URN an
    alias takes is also registered by the program, or another resource's alias took it already."""
    moved: dict[str, str] = {}
    claimed: dict[str, str] = {}  # old URN -> the new URN whose alias took it
    conflicts: list[str] = []
    done: set[str] = set()

    def visit(urn: str) -> None:
        if urn in done:
            return
        done.add(urn)
        resource = new[urn]
        parent = resource.get("parent", "")
        # First what this one's aliases are worked out from: its parent and the parents its aliases name (the
        # program registered those first).
        for first in (parent, *(a.get("spec", {}).get("parentUrn", "") for a in
                                                     resource.get("aliases", ()))):
            if first in new:
                visit(first)
        if urn in old:
            return
        own = [_alias_urn(alias, resource, moved) for alias in resource.get("aliases", ())]
        candidates = list(own)
        if parent in moved:
            candidates.append(_inherited_alias(resource, resource["type"], resource["name"], moved[parent]))
            for alias in own:
                _, _, alias_type, alias_name = urn_parts(alias)
                candidates.append(_inherited_alias(resource, alias_type.rpartition("$")[2], alias_name,
                                                   moved[parent]))
        found = next((c for c in candidates if c in old), None)
        if found is None:
            return
        # The engine's messages; of its two for an URN the program also registers (which of the two depends on
        # the order of registration, which a render does not keep) the one that names both resources.
        if found in new:
            conflicts.append(f"Duplicate resource URN '{found}' conflicting with alias on resource with URN '{urn}'")
            return
        if found in claimed:
            conflicts.append(f"Duplicate resource alias '{found}' applied to resource with URN '{urn}' conflicting "
                             f"with resource with URN '{claimed[found]}'")
            return
        moved[urn] = found
        claimed[found] = urn

    for urn in sorted(new):
        visit(urn)
    if conflicts:
        raise AliasConflictError(conflicts)
    return moved


def _change(before: dict[str, Any], after: dict[str, Any], was: str | None = None) -> Change:
    left_out = _NOT_DIFFED if was is None else (*_NOT_DIFFED, *_IDENTITY)
    fields = _field_changes(*({key: value for key, value in entry.items() if key not in left_out}
                              for entry in (before, after)))
    input_paths = [path.removeprefix("inputs.") for path, _, _ in fields if path.startswith("inputs.")]
    return Change(after["urn"], after["type"], after["name"], fields, _is_replacement(before, input_paths), was)


def compare(base: Path, head: Path) -> RenderDiff:
    """What changes from the render in ``base`` to the render in ``head``; a resource an alias moves is matched to
    its old URN as the engine matches it (:func:`moves`, which raises :class:`AliasConflictError` where the engine
    fails the preview)."""
    def load(folder: Path) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
        resources = with_engine_urns(json.loads((folder / "resources.json").read_text()))
        return {r["urn"]: r for r in resources}, json.loads((folder / "outputs.json").read_text())

    (old, old_outputs), (new, new_outputs) = load(base), load(head)
    moved = moves(old, new)
    changed = [change for change in (_change(old[urn], new[urn]) for urn in sorted(set(old) & set(new)))
               if change.fields]
    moves_seen = [_change(old[was], new[urn], was) for urn, was in sorted(moved.items())]
    return RenderDiff(
        added=tuple(new[urn] for urn in sorted(set(new) - set(old) - set(moved))),
        removed=tuple(old[urn] for urn in sorted(set(old) - set(new) - set(moved.values()))),
        changed=tuple(sorted(changed + [move for move in moves_seen if move.fields], key=lambda c: c.urn)),
        outputs=_field_changes(old_outputs, new_outputs),
        moved=tuple(moves_seen),
    )


def code(text: str) -> str:
    """``text`` as one inline code span whatever it holds (CommonMark): line breaks shown as ``\\n``, fenced by
    more backticks than it holds in a row, so a name or value from a program never ends the span or starts a
    heading, a list or a count line of its own in the comment."""
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _name(text: str) -> str:
    return f"**{text}**" if _PLAIN.fullmatch(text) else f"**{code(text)}**"


#: Names shown as they are: nothing in them means anything to Markdown.
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.:/@+=-]*")


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return code(text if len(text) <= 60 else text[:57] + "...")


def _field_line(path: str, before: Any, after: Any) -> str:
    if SECRET in (before, after):
        return f"  - {code(path)}: changed (secret)"
    return f"  - {code(path)}: {_show(before)} → {_show(after)}"


def to_markdown(diff: RenderDiff, title: str, max_chars: int | None = None) -> str:
    """A concise Markdown summary: a count line, then added / changed / removed, moved, stack outputs. Names, paths
    and values are code spans (:func:`code`). With ``max_chars`` (characters), the summary stops at the last whole
    line that fits with a closing note of what is left out (a pull-request comment takes 65,536 at most)."""
    if diff.empty:
        return f"### {title}\n\nNo changes\n"
    replacements = sum(change.replaced for change in diff.changed)
    moved = f", {len(diff.moved)} moved (kept by an alias)" if diff.moved else ""
    lines = [f"### {title}", "",
             f"**{len(diff.added)} to add, {len(diff.changed)} to change "
             f"({replacements} replaced), {len(diff.removed)} to remove{moved}**"]
    if diff.added:
        lines += ["", "#### Added"] + [f"- {code(r['type'])} {_name(r['name'])}" for r in diff.added]
    if diff.changed:
        lines += ["", "#### Changed"]
        for change in diff.changed:
            flag = " ⚠️ **replaced**" if change.replaced else ""
            lines.append(f"- {code(change.type)} {_name(change.name)}{flag}")
            lines += [_field_line(*field) for field in change.fields]
    if diff.removed:
        lines += ["", "#### Removed"] + [f"- {code(r['type'])} {_name(r['name'])}" for r in diff.removed]
    if diff.moved:
        lines += ["", "#### Moved (kept by an alias)"] + [
            f"- {code(change.type)} {_name(change.name)}: {code(str(change.was))} → {code(change.urn)}"
            for change in diff.moved]
    if diff.outputs:
        lines += ["", "#### Stack outputs"] + [_field_line(*field) for field in diff.outputs]
    return _within(lines, max_chars)


def _within(lines: list[str], max_chars: int | None) -> str:
    text = "\n".join(lines) + "\n"
    if max_chars is None or len(text) <= max_chars:
        return text
    note = "\n_Cut to fit a comment: {} more lines not shown; `pilothouse diff` prints all of them._\n"
    kept, size = [], len(note.format(len(lines)))
    for line in lines:
        if size + len(line) + 1 > max_chars:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept) + "\n" + note.format(len(lines) - len(kept))
