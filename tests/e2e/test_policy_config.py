"""The policy pack with a pack config, under the real engine: what `pulumi preview --policy-pack-config` does with
each policy's settings, as docs/policy.md tells a user to run it.

The Kubernetes provider renders YAML to a folder, so no cluster is needed.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

import pytest

from tests.conftest import REPO
from tests.e2e.toolchain import toolchain_env
from tests.test_readme import PACK_FOLDER

pytestmark = pytest.mark.e2e

APP = """import pulumi_kubernetes as k8s

container = {"name": "web", "image": "nginx:1.27",
             "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}},
             "securityContext": {"runAsNonRoot": True, "allowPrivilegeEscalation": False}}
k8s.apps.v1.Deployment("web", metadata={"name": "web", "namespace": "shop"}, spec={
    "selector": {"matchLabels": {"app": "web"}},
    "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container]}}})
"""

#: ``pulumi preview`` of the app stack with the pack, and the pack config given (none: no config file).
Preview = Callable[[dict[str, object] | None], subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    root = tmp_path_factory.mktemp("policy-config")
    virtualenv = f"runtime:\n  name: python\n  options:\n    virtualenv: {REPO / '.venv'}\n"
    app, pack = root / "app", root / "policy"
    for folder in (app, pack, root / "backend"):
        folder.mkdir()
    (app / "Pulumi.yaml").write_text(f"name: app\n{virtualenv}")
    (app / "Pulumi.dev.yaml").write_text(f"config:\n  kubernetes:renderYamlToDirectory: {root / 'yaml'}\n")
    (app / "__main__.py").write_text(APP)
    # The two files docs/policy.md gives a pack folder of one's own, as written there but for the virtualenv.
    assert set(PACK_FOLDER) == {"PulumiPolicy.yaml", "__main__.py"}
    (pack / "PulumiPolicy.yaml").write_text(PACK_FOLDER["PulumiPolicy.yaml"].replace("../venv", str(REPO / ".venv")))
    (pack / "__main__.py").write_text(PACK_FOLDER["__main__.py"])
    env = toolchain_env(root / "backend")
    init = subprocess.run(["pulumi", "stack", "init", "dev", "--non-interactive"], cwd=app, env=env,
                          capture_output=True, text=True, check=False)
    assert init.returncode == 0, init.stderr

    def run(config: dict[str, object] | None) -> subprocess.CompletedProcess[str]:
        given = []
        if config is not None:
            (root / "config.json").write_text(json.dumps(config))
            given = ["--policy-pack-config", str(root / "config.json")]
        return subprocess.run(["pulumi", "preview", "--non-interactive", "--policy-pack", str(pack), *given],
                              cwd=app, env=env, capture_output=True, text=True, check=False, timeout=300)

    return run


def test_an_app_stack_names_the_namespaces_another_stack_governs(preview: Preview) -> None:
    without = preview(None)
    assert without.returncode != 0
    assert "namespace 'shop' runs workloads without a ResourceQuota" in without.stdout
    configured = preview({"k8s-namespace-governance": {"governed_elsewhere": ["shop"]},
                          "k8s-selectors-pick-pods": {"governed_elsewhere": ["shop"]}})
    assert configured.returncode == 0, configured.stdout + configured.stderr
    assert "[mandatory]" not in configured.stdout


def test_the_engine_checks_each_settings_type_against_the_policys_schema(preview: Preview) -> None:
    result = preview({"k8s-namespace-governance": {"governed_elsewhere": "shop"}})
    assert result.returncode != 0
    assert ("k8s-namespace-governance: governed_elsewhere: Invalid type. Expected: array, given: string"
            in result.stdout + result.stderr)


def test_a_setting_the_policy_does_not_take_is_a_violation_naming_it(preview: Preview) -> None:
    result = preview({"k8s-namespace-governance": {"governed_elswhere": ["shop"]}})
    assert result.returncode != 0
    assert ("pack config: k8s-namespace-governance.governed_elswhere: got ['shop']; expected one of the settings "
            "k8s-namespace-governance takes: ['governed_elsewhere']") in result.stdout
