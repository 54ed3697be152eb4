"""The core install is Kubernetes-only: what the extras install is imported only by the parts that need it,
and a missing extra is named in the error."""

from __future__ import annotations

import subprocess
import sys

import pytest

EXTRA_MODULES = ("pulumi_azure_native", "pulumi_docker", "pathspec", "pulumi_policy")


def _without_extras(code: str) -> subprocess.CompletedProcess[str]:
    # None in sys.modules makes an import fail as if the package were not installed.
    blocked = "".join(f"sys.modules[{name!r}] = None\n" for name in EXTRA_MODULES)
    return subprocess.run([sys.executable, "-c", f"import sys\n{blocked}{code}"], capture_output=True, text=True,
                          check=False)


def test_the_kubernetes_layer_addons_testing_and_render_need_no_extra() -> None:
    result = _without_extras("import pilothouse.kubernetes, pilothouse.addons, pilothouse.testing, pilothouse.cli\n"
                             "from pilothouse.images import ImageRef\n"
                             "from pilothouse.policy.rules import RULES\n"
                             "print('ok')")
    assert (result.returncode, result.stdout) == (0, "ok\n"), result.stderr


@pytest.mark.parametrize(("code", "message"), [
    ("import pilothouse.azure",
     "pilothouse.azure needs the 'azure' extra: install Pilothouse with [azure] "
     "(module 'pulumi_azure_native' is not installed)"),
    ("from pilothouse.images import BuiltImage",
     "pilothouse.images (building images) needs the 'images' extra: install Pilothouse with [images] "
     "(module 'pathspec' is not installed)"),
    ("import pilothouse.policy.pack",
     "pilothouse.policy.pack needs the 'policy' extra: install Pilothouse with [policy] "
     "(module 'pulumi_policy' is not installed)"),
])
def test_a_missing_extra_is_named(code: str, message: str) -> None:
    result = _without_extras(code)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == f"pilothouse.extras.MissingExtraError: {message}"


def test_the_policy_command_names_its_extra() -> None:
    result = _without_extras("from pilothouse.cli import main\nsys.exit(main(['policy', '.']))")
    assert result.returncode == 2
    assert result.stderr == ("error: pilothouse policy needs the 'policy' extra: install Pilothouse with [policy] "
                             "(module 'pulumi_policy' is not installed)\n")
