"""Every public class of the library has a docstring, so an IDE shows what it stands for."""

from __future__ import annotations

import ast

from tests.conftest import REPO

LIBRARY = REPO / "components" / "pilothouse"


def test_every_public_module_level_class_has_a_docstring() -> None:
    sources = sorted(LIBRARY.rglob("*.py"))
    assert sources, f"no Python files under {LIBRARY}"
    public = 0
    missing = []
    for path in sources:
        for node in ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                public += 1
                if not ast.get_docstring(node):
                    missing.append(f"{path.relative_to(REPO)}:{node.name}")
    assert public, f"no public classes found under {LIBRARY}"
    assert not missing, f"{len(missing)} public classes without a docstring: {', '.join(missing)}"
