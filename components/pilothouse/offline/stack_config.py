"""A stack's config as the Pulumi CLI would hand it to the program, read from the YAML files.

Project defaults from ``Pulumi.yaml`` (``config:`` block), overridden by
``Pulumi.<stack>.yaml``. Keys are namespaced by the project; non-string values are passed
as JSON text, as the engine does. ``secure:`` values never reach the render: they are
replaced by a placeholder and reported as secret keys, so they stay masked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SECRET_PLACEHOLDER = "offline-render-secret"


@dataclass(frozen=True)
class StackConfigFiles:
    """A stack's config as the Pulumi CLI would hand it to the program, read from the YAML files (:func:`read`).

    Fields:
        project: the project's ``name`` in ``Pulumi.yaml``.
        config: every key, namespaced (``<project>:<key>`` unless it names its namespace), to its value as the engine
            passes it: strings as they are, other values as JSON text; the stack file overrides the project's
            defaults, and ``secure:`` values are replaced by :data:`SECRET_PLACEHOLDER`. Sorted by key.
        secret_keys: the namespaced keys whose stack value is ``secure:``, sorted.
    """

    project: str
    config: dict[str, str]
    secret_keys: tuple[str, ...]


def _qualify(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _as_engine_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def read(project_dir: Path, stack: str) -> StackConfigFiles:
    """The config of ``stack`` in the project at ``project_dir``; a missing stack file is an error."""
    project_file = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())
    project = str(project_file["name"])
    stack_path = project_dir / f"Pulumi.{stack}.yaml"
    if not stack_path.is_file():
        known = sorted(p.name.split(".")[1] for p in project_dir.glob("Pulumi.*.yaml"))
        raise FileNotFoundError(f"no stack '{stack}': {stack_path.name} does not exist (stacks: {', '.join(known)})")
    values: dict[str, Any] = {}
    for key, declared in (project_file.get("config") or {}).items():
        default = declared.get("default") if isinstance(declared, dict) else declared
        if isinstance(declared, dict) and "value" in declared:
            default = declared["value"]
        if default is not None:
            values[_qualify(project, key)] = default
    secret_keys = []
    for key, given in ((yaml.safe_load(stack_path.read_text()) or {}).get("config") or {}).items():
        qualified = _qualify(project, key)
        secure = isinstance(given, dict) and set(given) == {"secure"}
        if secure:
            secret_keys.append(qualified)
        values[qualified] = SECRET_PLACEHOLDER if secure else given
    return StackConfigFiles(
        project=project,
        config={key: _as_engine_value(value) for key, value in sorted(values.items())},
        secret_keys=tuple(sorted(secret_keys)),
    )
