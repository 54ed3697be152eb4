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


class StackConfigError(ValueError):
    """``Pulumi.yaml`` or the stack's file cannot be read as the Pulumi CLI reads it."""


def _load(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except (OSError, UnicodeDecodeError) as error:
        raise StackConfigError(f"{path.name}: cannot be read ({error.__class__.__name__})") from None
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where is not None else ""
        raise StackConfigError(f"{path.name}: not valid YAML{at}: {getattr(error, 'problem', None) or error}") from None


def _check_declared_secrets(declared: dict[str, Any], project: str, stack: str, given: set[str],
                            encrypted: set[str]) -> None:
    """A typed key the project declares ``secret: true`` is given encrypted, if given: the Pulumi CLI
    refuses it otherwise, with this message (pkg/workspace/config.go, validateStackConfigValue)."""
    for key, declaration in declared.items():
        if isinstance(declaration, dict) and declaration.get("secret") is True and "type" in declaration:
            qualified = _qualify(project, key)
            if qualified in given and qualified not in encrypted:
                raise StackConfigError(
                    f"Stack '{stack}' with configuration key '{key}' must be encrypted as it's secret")


def read(project_dir: Path, stack: str) -> StackConfigFiles:
    """The config of ``stack`` in the project at ``project_dir``.

    Raises ``FileNotFoundError`` when the folder has no ``Pulumi.yaml`` or the stack no file, and
    ``StackConfigError`` (one line naming the file) when a file is not YAML or not shaped as Pulumi's, or
    when a key the project declares ``secret: true`` is given in plain text (the CLI's own message)."""
    if not (project_dir / "Pulumi.yaml").is_file():
        raise FileNotFoundError(f"{project_dir} is not a Pulumi project folder (no Pulumi.yaml)")
    project_file = _load(project_dir / "Pulumi.yaml")
    if not isinstance(project_file, dict) or not isinstance(project_file.get("name"), str):
        raise StackConfigError("Pulumi.yaml: expected a mapping with the project's name")
    if not isinstance(project_file.get("config") or {}, dict):
        raise StackConfigError("Pulumi.yaml: config: expected a mapping of keys")
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
    stack_file = _load(stack_path) or {}
    if not isinstance(stack_file, dict) or not isinstance(stack_file.get("config") or {}, dict):
        raise StackConfigError(f"{stack_path.name}: expected a mapping whose config: is a mapping of keys")
    secret_keys = []
    given_values = stack_file.get("config") or {}
    for key, given in given_values.items():
        qualified = _qualify(project, key)
        secure = isinstance(given, dict) and set(given) == {"secure"}
        if secure:
            secret_keys.append(qualified)
        values[qualified] = SECRET_PLACEHOLDER if secure else given
    _check_declared_secrets(project_file.get("config") or {}, project, stack,
                            {_qualify(project, key) for key in given_values}, set(secret_keys))
    return StackConfigFiles(
        project=project,
        config={key: _as_engine_value(value) for key, value in sorted(values.items())},
        secret_keys=tuple(sorted(secret_keys)),
    )
