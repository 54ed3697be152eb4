"""The CLI, the offline render and diff and the testing harness load no provider SDK of their own: a program
that does not use Kubernetes (or Azure, or Docker) does not wait for it to import."""

from __future__ import annotations

import subprocess
import sys

PROVIDER_SDKS = ("pulumi_kubernetes", "pulumi_azure_native", "pulumi_docker", "pulumi_random", "pilothouse.kubernetes",
                 "pilothouse.azure", "pilothouse.images")


def test_the_tools_import_no_provider_sdk() -> None:
    code = ("import sys\n"
            "import pilothouse.cli, pilothouse.offline.diff, pilothouse.offline.render, pilothouse.testing\n"
            f"print(sorted(m for m in sys.modules if m.startswith({PROVIDER_SDKS!r})))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, "[]\n"), result.stderr
