"""The README's Python examples run as written, under the mock engine, and render valid objects."""

from __future__ import annotations

import re

import pulumi
import pulumi_kubernetes as k8s
import pytest

from tests.conftest import REPO, RunProgram

EXAMPLES = [block for block in re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(), re.S)
            if "from pilothouse" in block]


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
def test_readme_example_runs(example: str, run_program: RunProgram) -> None:
    def program() -> None:
        # The names the examples leave to the reader's program.
        names = {"cluster_provider": k8s.Provider("cluster", kubeconfig="kubeconfig"),
                 "db_password": pulumi.Output.secret("example-password")}
        exec(compile(example, "README.md", "exec"), names)

    render = run_program(program)
    assert render.resources
