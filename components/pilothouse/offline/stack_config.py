"""A stack's config as the Pulumi CLI would hand it to the program, read from the YAML files.

Project defaults from ``Pulumi.yaml`` (``config:`` block), overridden by ``Pulumi.<stack>.yaml``, read by
:mod:`pilothouse.offline.stack_yaml` exactly as the CLI reads them. ``secure:`` values never reach the render: they
are replaced by a placeholder and reported as secret keys, so they stay masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pilothouse.offline.stack_yaml import StackYamlError, program_config

SECRET_PLACEHOLDER = "offline-render-secret"

#: What a secure value of a declared type stands for offline, where it cannot be decrypted: a value of that
#: type, so that the CLI's type check and the SDK's typed getters (``require_secret_int``) take it as they take
#: the real value. Text otherwise (an object or array given as one ``secure:`` value is refused by the CLI too).
TYPED_PLACEHOLDERS = {"integer": "0", "boolean": "false"}


@dataclass(frozen=True)
class StackConfigFiles:
    """A stack's config as the Pulumi CLI would hand it to the program, read from the YAML files (:func:`read`).

    Fields:
        project: the project's ``name`` in ``Pulumi.yaml``.
        config: every key, namespaced (``<project>:<key>`` unless it names its namespace), to its value as the engine
            passes it: strings as they are, other values as JSON text; the stack file overrides the project's
            defaults, and ``secure:`` values are replaced by :data:`SECRET_PLACEHOLDER` (by ``0`` or ``false``
            where the project declares the key ``integer`` or ``boolean``). Sorted by key.
        secret_keys: the namespaced keys whose stack value is ``secure:``, sorted.
        stack: the stack's own name (:func:`stack_name`: ``dev`` for ``organization/project/dev``).
    """

    project: str
    config: dict[str, str]
    secret_keys: tuple[str, ...]
    stack: str = ""


class StackConfigError(ValueError):
    """``Pulumi.yaml`` or the stack's file is refused, as the Pulumi CLI refuses it (one line naming the file)."""


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise StackConfigError(f"{path.name}: cannot be read ({error.__class__.__name__})") from None


#: What a stack name may hold (``stackNameRegex``, sdk/go/common/tokens/stack_name.go).
_STACK_NAME = re.compile(r"[A-Za-z0-9_.-]*")


def stack_name(stack: str) -> str:
    """The stack's own name in ``stack`` as ``--stack`` takes it: ``dev``, or ``organization/project/dev``.

    Raises ``StackConfigError`` with the Pulumi CLI's message (``ParseStackName``) for a name that is empty, longer
    than 100 bytes or holds anything but ASCII letters, digits, ``-``, ``_`` and ``.``."""
    parts = stack.split("/")
    name = parts[-1] if len(parts) == 3 else stack
    encoded = name.encode("utf-8", "surrogateescape")
    if not name:
        raise StackConfigError("a stack name may not be empty")
    if len(encoded) > 100:
        raise StackConfigError("a stack name cannot exceed 100 characters")
    matched = _STACK_NAME.match(name)
    end = len(matched.group().encode()) if matched else 0
    if end != len(encoded):
        raise StackConfigError("a stack name may only contain alphanumeric, hyphens, underscores, or periods: "
                               f"invalid character {_go_quoted(encoded[end])} at position {end}")
    return name


def _go_quoted(byte: int) -> str:
    """A byte as Go's ``%q`` shows it (``strconv.QuoteRune`` of the byte's value)."""
    escapes = {7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 39: "\\'", 92: "\\\\"}
    if byte in escapes:
        return f"'{escapes[byte]}'"
    if chr(byte).isprintable():
        return f"'{chr(byte)}'"
    return f"'\\x{byte:02x}'" if byte < 0x80 else f"'\\u{byte:04x}'"


def _extension(project_dir: Path) -> str | None:
    """The extension of the folder's project file, in the CLI's order (``encoding.Exts``); the stack files take it."""
    return next((ext for ext in (".json", ".yaml", ".yml") if (project_dir / f"Pulumi{ext}").is_file()), None)


def has_stack_file(project_dir: Path, stack: str) -> bool:
    """Whether the project in ``project_dir`` has a config file for ``stack`` (its own name, :func:`stack_name`)."""
    ext = _extension(project_dir)
    return ext is not None and (project_dir / f"Pulumi.{stack}{ext}").is_file()


def read(project_dir: Path, stack: str) -> StackConfigFiles:
    """The config of ``stack`` in the project at ``project_dir``, read as the Pulumi CLI reads it
    (:mod:`pilothouse.offline.stack_yaml`: Go's YAML, the CLI's conversions, its messages).

    The project file is ``Pulumi.yaml`` or ``Pulumi.yml``, the stack's file of the same extension, as the CLI finds
    them. Raises ``FileNotFoundError`` when the folder has no project file or the stack no file, and
    ``StackConfigError`` (one line naming the file and, for a syntax error, the line and column) for what the CLI
    refuses: a file that is not YAML, a duplicate key, a tab in the indentation, ``config:`` not a mapping, a value
    of another type than the project declares, a key declared ``secret: true`` given in plain text."""
    ext = _extension(project_dir)
    if ext is None:
        raise FileNotFoundError(f"{project_dir} is not a Pulumi project folder (no Pulumi.yaml)")
    if ext == ".json":
        raise StackConfigError("Pulumi.json: a project file in JSON is not read offline (only Pulumi.yaml or "
                               "Pulumi.yml)")
    project_file = f"Pulumi{ext}"
    stack = stack_name(stack)
    stack_path = project_dir / f"Pulumi.{stack}{ext}"
    if not stack_path.is_file():
        known = sorted(p.name.removeprefix("Pulumi.").removesuffix(ext) for p in project_dir.glob(f"Pulumi.*{ext}"))
        listed = (f"stacks: {', '.join(known)}" if known
                  else "no stack has a config file yet: `pulumi config set` writes one")
        raise FileNotFoundError(f"no stack '{stack}': {stack_path.name} does not exist ({listed})")
    try:
        received = program_config(_text(project_dir / project_file), project_file, _text(stack_path),
                                   stack_path.name, stack=stack,
                                   placeholder=lambda type_name: TYPED_PLACEHOLDERS.get(type_name, SECRET_PLACEHOLDER))
    except StackYamlError as error:
        raise StackConfigError(str(error)) from None
    return StackConfigFiles(project=received.project, config=received.config,
                            secret_keys=tuple(received.secret_keys), stack=stack)
