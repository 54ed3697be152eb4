"""Pilothouse installs as a library other Pulumi projects use: one import root, ``pilothouse``."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

from tests.conftest import REPO


def _wheel(tmp_path: Path) -> zipfile.ZipFile:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
                    "-w", str(tmp_path), str(REPO)], check=True)
    [wheel] = tmp_path.glob("pilothouse-*.whl")
    return zipfile.ZipFile(wheel)


def test_the_wheel_has_exactly_one_top_level_package(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path)
    names = set(wheel.namelist())
    top_level = {name.partition("/")[0] for name in names if not name.startswith("pilothouse-")}
    assert top_level == {"pilothouse"}
    assert {"pilothouse/py.typed", "pilothouse/kubernetes/deployment.py", "pilothouse/azure/cluster.py",
            "pilothouse/offline/render.py", "pilothouse/policy/rules.py", "pilothouse/cli.py"} <= names


def test_the_core_install_is_kubernetes_only_and_ranged(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path)
    [metadata_name] = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
    metadata = Parser().parsestr(wheel.read(metadata_name).decode())
    requires = metadata.get_all("Requires-Dist") or []
    core = sorted(r for r in requires if "extra ==" not in r)
    assert core == ["PyYAML<7,>=6.0.3", "pulumi-kubernetes<5,>=4.25.0", "pulumi<4,>=3.272.0", "typeguard<5,>=4.6.0"]
    extras = {r.split("extra == ")[1].strip('"\''): r.split(";")[0] for r in requires if "extra ==" in r}
    assert extras["azure"] == "pulumi-azure-native<4,>=3.29.0"
    assert extras["policy"] == "pulumi-policy<2,>=1.21.0"
    assert set(metadata.get_all("Provides-Extra") or []) >= {"azure", "images", "policy"}
    entry_points = next(name for name in wheel.namelist() if name.endswith("entry_points.txt"))
    assert "pilothouse = pilothouse.cli:run" in wheel.read(entry_points).decode()
