"""The components install as a package other Pulumi projects use."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_the_wheel_ships_the_typed_library(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
                    "-w", str(tmp_path), str(REPO)], check=True)
    [wheel] = tmp_path.glob("pilothouse-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"components/py.typed", "components/kubernetes/deployment.py", "components/azure/cluster.py",
            "stacks/config.py", "offline/render.py", "policy/rules.py"} <= names
    assert not any(name.startswith(("tests/", "tools/")) for name in names)
