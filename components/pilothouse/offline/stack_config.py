"""A stack's config as the Pulumi CLI would hand it to the program, read from the YAML files.

Project defaults from ``Pulumi.yaml`` (``config:`` block), overridden by ``Pulumi.<stack>.yaml``, read by
:mod:`pilothouse.offline.stack_yaml` exactly as the CLI reads them. ``secure:`` values never reach the render: they
are replaced by a placeholder and reported as secret keys, so they stay masked. Where the CLI finds the stack files
(``stackConfigDir``) and runs the program (``main``) is read from ``Pulumi.yaml`` too (:func:`stack_file`,
:func:`program`).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from pilothouse.offline.stack_yaml import StackYamlError, check_project_schema, load_document, program_config

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


def _project_file(project_dir: Path) -> tuple[str, dict[str, object]]:
    """The project file's extension and its settings. Raises ``FileNotFoundError`` for a folder without one and
    ``StackConfigError`` for one that is not read offline or not YAML."""
    ext = _extension(project_dir)
    if ext is None:
        raise FileNotFoundError(f"{project_dir} is not a Pulumi project folder (no Pulumi.yaml)")
    if ext == ".json":
        raise StackConfigError("Pulumi.json: a project file in JSON is not read offline (only Pulumi.yaml or "
                               "Pulumi.yml)")
    name = f"Pulumi{ext}"
    try:
        document = load_document(_text(project_dir / name), name)
    except StackYamlError as error:
        raise StackConfigError(str(error.within(f"could not unmarshal '{name}': "))) from None
    try:
        check_project_schema(document, name)
    except StackYamlError as error:
        raise StackConfigError(str(error)) from None
    return ext, document if isinstance(document, dict) else {}


def _path_setting(settings: dict[str, object], key: str) -> str | None:
    value = settings.get(key)  # text or null: check_project_schema refused the rest
    return value if isinstance(value, str) and value else None


def _go_error(error: OSError | ValueError) -> str:
    """An error of a system call on a path as Go's ``syscall.Errno`` says it (``no such file or directory``); a NUL
    byte in the path, which Python refuses before the call, is Go's ``invalid argument``."""
    if isinstance(error, ValueError) or not error.strerror:
        return "invalid argument"
    return error.strerror[0].lower() + error.strerror[1:]


def _is_file(path: Path, project_dir: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except (OSError, ValueError) as error:
        raise StackConfigError(f"{os.path.relpath(path, project_dir)}: cannot be read: {_go_error(error)}") from None


def _stack_folder(project_dir: Path, settings: dict[str, object], ext: str) -> Path:
    """Where the stack files are: ``stackConfigDir``, or ``config:`` given as text, its old spelling
    (``RewriteConfigPathIntoStackConfigDir``, sdk/go/common/workspace/project.go; ``ProjectStackPath``, paths.go)."""
    folder = _path_setting(settings, "stackConfigDir")
    old_spelling = settings.get("config")
    if isinstance(old_spelling, str) and "stackConfigDir" in settings:
        raise StackConfigError(f"Pulumi{ext}: Should not use both config and stackConfigDir to define the stack "
                               "directory. Use only stackConfigDir instead.")
    if isinstance(old_spelling, str):
        folder = old_spelling
    # Go's filepath.Join: an absolute folder is still inside the project folder.
    return Path(os.path.normpath(f"{project_dir}/{folder}")) if folder else project_dir


@dataclass(frozen=True)
class Program:
    """Where the Pulumi CLI runs a project's program (``getPwdMain``, pkg/engine/project.go, and the Python
    language host): ``Pulumi.yaml``'s ``main``, relative to the project folder, or the project folder itself.

    Fields:
        file: the file run as ``__main__``: ``<main>/__main__.py`` for a folder, else ``main`` itself.
        workdir: the working directory the program runs in: the folder, or the file's folder.
        importable: whether ``workdir`` is on the import path (a folder, run as ``runpy.run_path(".")`` puts it
            there; a file's folder is not).
    """

    file: Path
    workdir: Path
    importable: bool


def program(project_dir: Path) -> Program:
    """Where the program of the project at ``project_dir`` runs (:class:`Program`). Raises ``FileNotFoundError``
    with the CLI's messages for a ``main`` that does not exist and a folder without ``__main__.py``, and
    ``StackConfigError`` for a project file that is not read offline."""
    _, settings = _project_file(project_dir)
    main = _path_setting(settings, "main")
    entry = Path(os.path.normpath(project_dir / main)) if main else project_dir
    try:
        is_folder = stat.S_ISDIR(os.stat(entry).st_mode)
    except (OSError, ValueError) as error:
        raise FileNotFoundError(f"project 'main' could not be read: stat {entry}: {_go_error(error)}") from None
    if not is_folder:
        return Program(file=entry, workdir=entry.parent, importable=False)
    if not _is_file(entry / "__main__.py", project_dir):
        raise FileNotFoundError(f"unable to find main python program `__main__.py` in `{entry}`")
    return Program(file=entry / "__main__.py", workdir=entry, importable=True)


def stack_file(project_dir: Path, stack: str) -> Path:
    """The config file of ``stack`` (its own name, :func:`stack_name`) in the project at ``project_dir``, where the
    CLI keeps it (``stackConfigDir``), whether or not it exists. Raises as :func:`program` does."""
    ext, settings = _project_file(project_dir)
    return _stack_folder(project_dir, settings, ext) / f"Pulumi.{stack}{ext}"


def has_stack_file(project_dir: Path, stack: str) -> bool:
    """Whether the project in ``project_dir`` has a config file for ``stack`` (its own name, :func:`stack_name`);
    ``True`` when its project file cannot be read, so that rendering it names the problem."""
    try:
        return _is_file(stack_file(project_dir, stack), project_dir)
    except StackConfigError:
        return True
    except FileNotFoundError:
        return False


def read(project_dir: Path, stack: str) -> StackConfigFiles:
    """The config of ``stack`` in the project at ``project_dir``, read as the Pulumi CLI reads it
    (:mod:`pilothouse.offline.stack_yaml`: Go's YAML, the CLI's conversions, its messages).

    The project file is ``Pulumi.yaml`` or ``Pulumi.yml``, the stack's file of the same extension in the project
    folder or its ``stackConfigDir``, as the CLI finds them. Raises ``FileNotFoundError`` when the folder has no
    project file or the stack no file, and ``StackConfigError`` (one line naming the file and, for a syntax error,
    the line and column) for what the CLI refuses: a file that is not YAML, a duplicate key, a tab in the
    indentation, ``config:`` not a mapping, a value of another type than the project declares, a key declared
    ``secret: true`` given in plain text."""
    stack = stack_name(stack)
    stack_path = stack_file(project_dir, stack)
    ext = stack_path.suffix
    project_file = f"Pulumi{ext}"
    if not _is_file(stack_path, project_dir):
        known = sorted(p.name.removeprefix("Pulumi.").removesuffix(ext)
                       for p in stack_path.parent.glob(f"Pulumi.*{ext}"))
        listed = (f"stacks: {', '.join(known)}" if known
                  else "no stack has a config file yet: `pulumi config set` writes one")
        raise FileNotFoundError(f"no stack '{stack}': {os.path.relpath(stack_path, project_dir)} does not exist "
                                f"({listed})")
    try:
        received = program_config(_text(project_dir / project_file), project_file, _text(stack_path),
                                   os.path.relpath(stack_path, project_dir), stack=stack,
                                   placeholder=lambda type_name: TYPED_PLACEHOLDERS.get(type_name, SECRET_PLACEHOLDER))
    except StackYamlError as error:
        raise StackConfigError(str(error)) from None
    return StackConfigFiles(project=received.project, config=received.config,
                            secret_keys=tuple(received.secret_keys), stack=stack)
