"""A stack deployed with Pilothouse 0.2.0 upgrades to this version without replacing anything.

The last URN change (the ``Namespace`` class became the namespace object: no component around it, its quota,
limit defaults and network policies its children) is proven with the real engine: ``upgrade_0_2/program.py`` is
deployed with 0.2.0's own code (taken from git), then previewed with this version. Every Kubernetes object must be
``same`` (the aliases are always on); only the components 0.2.0 wrapped namespaces in are deleted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.upgrade import UpgradeStack, changed

pytestmark = pytest.mark.e2e

#: The last commit of 0.2.0's namespace layout.
BEFORE = "747e84e"
PROGRAM = Path(__file__).parent / "upgrade_0_2" / "program.py"


def test_a_stack_deployed_with_0_2_upgrades_in_place(tmp_path: Path) -> None:
    stack = UpgradeStack(tmp_path, PROGRAM, BEFORE)
    deployed = stack.deploy_with_old_library(python_path="components")
    # the stack, the program's component, seven namespace components, fourteen objects
    assert len(deployed) == 23
    preview = stack.preview()
    namespace, config_map = "pilothouse:kubernetes:Namespace", "kubernetes:core/v1:ConfigMap"
    components = [f"{namespace}::shop", f"{namespace}${namespace}::inner",
                  f"{namespace}${namespace}${namespace}::deepest", f"{namespace}${config_map}${namespace}::under-mine",
                  f"{namespace}::rebuilt",
                  f"{namespace}::edge::v2", f"team:platform:Team${namespace}::payments"]
    assert changed(preview) == dict.fromkeys(components, "delete")
    assert preview["changeSummary"] == {"same": len(deployed) - len(components), "delete": len(components)}

    stack.pulumi("up", "--yes", "--skip-preview")
    stack.pulumi("preview", "--expect-no-changes")
