"""The sample app's Dockerfile passes hadolint (warnings fail, as in ``make lint``) and the course's advice."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pilothouse.images.context import included_files

APP = Path(__file__).resolve().parent.parent
HADOLINT = Path(sys.executable).parent / "hadolint"


def hadolint(dockerfile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(HADOLINT), "--no-color", "--failure-threshold", "warning", str(dockerfile)],
                          capture_output=True, text=True, check=False)


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, comments dropped, continuation lines joined."""
    text = dockerfile.read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def test_hadolint_passes_the_apps_dockerfile() -> None:
    result = hadolint(APP / "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_fails_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install flask\nUSER root\nCMD python app.py\n")
    result = hadolint(bad)
    assert result.returncode == 1
    for rule in ("DL3007", "DL3013", "DL3002", "DL3025"):  # latest, unpinned pip, root, shell-form CMD
        assert rule in result.stdout


def test_the_course_advice_hadolint_does_not_check() -> None:
    steps = instructions(APP / "Dockerfile")
    kinds = [kind for kind, _ in steps]
    [base] = [args for kind, args in steps if kind == "FROM"]
    name, _, tag = base.partition(":")
    assert tag, "an exact version tag"
    assert tag != "latest"
    assert "@" not in tag, "the update bot adds the digest"
    assert "WORKDIR" in kinds
    user = [args for kind, args in steps if kind == "USER"][-1]
    uid = user.split(":")[0]
    assert uid.isdigit(), "a numeric USER"
    assert int(uid) > 0, "a non-root USER"
    assert kinds.index("USER") < kinds.index("ENTRYPOINT")
    assert [args for kind, args in steps if kind == "EXPOSE"] == ["8080"]
    assert next(args for kind, args in steps if kind == "ENTRYPOINT").startswith("["), "exec form"
    assert not any(kind in {"ARG", "ENV"} and any(word in args.upper() for word in ("PASSWORD", "SECRET", "TOKEN"))
                   for kind, args in steps), "no secrets baked into the image"
    assert name == "python"


@pytest.mark.parametrize("path", ["__init__.py", "server.py"])
def test_the_dockerignore_lets_the_service_code_through(path: str) -> None:
    assert path in included_files(APP)
    assert "tests/test_server.py" not in included_files(APP)
