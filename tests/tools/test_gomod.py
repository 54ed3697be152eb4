"""tools/gomod.sh: a module's files are read only after the module is downloaded, so the bootstrap
and the charts work on a machine whose Go module cache is empty."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

MODULE = "example.com/pilothouse/probe"
VERSION = "v1.0.0"


def _file_proxy(root: Path) -> Path:
    """A GOPROXY in a folder (the proxy protocol over file://) serving one module version."""
    versions = root / MODULE / "@v"
    versions.mkdir(parents=True)
    (versions / "list").write_text(f"{VERSION}\n")
    (versions / f"{VERSION}.info").write_text(json.dumps({"Version": VERSION, "Time": "2026-01-01T00:00:00Z"}))
    go_mod = f"module {MODULE}\n\ngo 1.21\n"
    (versions / f"{VERSION}.mod").write_text(go_mod)
    with zipfile.ZipFile(versions / f"{VERSION}.zip", "w") as archive:
        archive.writestr(f"{MODULE}@{VERSION}/go.mod", go_mod)
        archive.writestr(f"{MODULE}@{VERSION}/stage/node.yaml", "kind: Stage\n")
    return root


def _module_dir(tmp_path: Path, proxy: str, module: str = f"{MODULE}@{VERSION}") -> subprocess.CompletedProcess[str]:
    cache = tmp_path / "empty-module-cache"
    env = {**os.environ, "GOPROXY": proxy, "GOMODCACHE": str(cache), "GOSUMDB": "off", "GOFLAGS": "-mod=mod",
           "GOTOOLCHAIN": "local", "MODULE": module}
    return subprocess.run(["bash", "-c", '. tools/gomod.sh && go_module_dir probe "$MODULE"'],
                          cwd=REPO, env=env, capture_output=True, text=True, check=False)


def test_an_empty_module_cache_is_filled_before_a_file_is_read(tmp_path: Path) -> None:
    proxy = _file_proxy(tmp_path / "proxy")
    result = _module_dir(tmp_path, f"file://{proxy}")
    assert result.returncode == 0, result.stderr
    directory = Path(result.stdout.strip())
    assert directory == tmp_path / "empty-module-cache" / f"{MODULE}@{VERSION}"
    assert (directory / "stage" / "node.yaml").read_text() == "kind: Stage\n"


def test_a_module_that_cannot_be_downloaded_stops_naming_the_component_and_the_module(tmp_path: Path) -> None:
    result = _module_dir(tmp_path, "off")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (f"probe: cannot download Go module {MODULE}@{VERSION}: "
                             f"module lookup disabled by GOPROXY=off\n")


@pytest.mark.parametrize(("module", "shown"), [
    ("", "''"),
    ("-modfile=x.mod", "-modfile=x.mod"),
    ('../x\n"Dir": "/tmp",\n', "$'../x\\n\"Dir\": \"/tmp\",\\n'"),
    ("a b", "a\\ b"),
])
def test_what_is_not_a_module_path_is_refused_before_go_runs(tmp_path: Path, module: str, shown: str) -> None:
    result = _module_dir(tmp_path, "off", module)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"probe: not a Go module path: {shown}\n"
