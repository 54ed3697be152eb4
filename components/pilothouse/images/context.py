"""A build context's content digest: the same files give the same tag, so an unchanged context is no diff.

What counts is what Docker would send to the builder: every file under the context directory
except those its ``.dockerignore`` excludes (Docker's rules: patterns anchored at the context
root, ``*``/``?`` within one path segment, ``**`` across segments, ``!`` re-includes, the last
matching line wins, a matched directory excludes what is under it). The Dockerfile and the build
settings (platform, target, build args) count too: each of them changes the image.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import stat
from collections.abc import Mapping
from pathlib import Path

from pilothouse.extras import missing_extra

try:
    import pathspec
except ModuleNotFoundError as missing:
    raise missing_extra(missing, "images", "pilothouse.images (building images)") from None

DOCKERIGNORE = ".dockerignore"
TAG_PREFIX = "src-"
_TAG_DIGITS = 20
_CHUNK = 1 << 20


def _ignore_spec(context: Path) -> pathspec.GitIgnoreSpec:
    """The context's ``.dockerignore`` as gitignore patterns anchored at the root, as Docker reads them."""
    lines: list[str] = []
    ignore_file = context / DOCKERIGNORE
    text = ignore_file.read_text(encoding="utf-8") if ignore_file.is_file() else ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = posixpath.normpath(line.removeprefix("!").strip().lstrip("/"))
        if pattern in (".", ""):
            continue
        lines.append(("!" if negate else "") + "/" + pattern)
    return pathspec.GitIgnoreSpec.from_lines(lines)


def included_files(context: Path) -> list[str]:
    """The context's files Docker would send, as sorted POSIX paths relative to ``context``."""
    spec = _ignore_spec(context)
    found: list[str] = []
    for directory, dirnames, filenames in os.walk(context):
        dirnames.sort()
        relative_dir = Path(directory).relative_to(context).as_posix()
        for filename in filenames:
            relative = filename if relative_dir == "." else f"{relative_dir}/{filename}"
            if not spec.match_file(relative):
                found.append(relative)
    return sorted(found)


def _file_digest(path: Path) -> str:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return "link:" + hashlib.sha256(os.readlink(path).encode()).hexdigest()
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    executable = "x" if info.st_mode & stat.S_IXUSR else "-"
    return f"{executable}:{digest.hexdigest()}"


def context_digest(context: Path, dockerfile: Path, *, platform: str, target: str | None = None,
                   build_args: Mapping[str, str] | None = None) -> str:
    """``sha256:<hex>`` over the Dockerfile, every included file (path, mode, bytes) and the build settings.

    Deterministic across machines and checkouts: paths are relative and sorted, timestamps and
    owners are not read.
    """
    manifest = {
        "dockerfile": _file_digest(dockerfile),
        "files": [[name, _file_digest(context / name)] for name in included_files(context)],
        "platform": platform,
        "target": target,
        "buildArgs": sorted((build_args or {}).items()),
    }
    encoded = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    return "sha256:" + hashlib.sha256(encoded).hexdigest()


def content_tag(digest: str) -> str:
    """The tag of a build context's digest: ``src-`` and its first hex digits."""
    return TAG_PREFIX + digest.removeprefix("sha256:")[:_TAG_DIGITS]
