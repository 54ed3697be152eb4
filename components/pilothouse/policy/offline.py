"""The policy rules over an offline render (``pilothouse policy RENDER_DIR``): the violations, and a
report grouped by rule."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from pilothouse.extras import missing_extra
from pilothouse.policy.config import RuleConfig
from pilothouse.policy.rules import Enforcement, Settings, Violation, evaluate

try:
    from pulumi_policy.proxy import unknown_checking_proxy
except ModuleNotFoundError as missing:
    raise missing_extra(missing, "policy", "pilothouse policy") from None


def check(render: Path, settings: Settings | None = None,
          config: Mapping[str, RuleConfig] | None = None) -> list[Violation]:
    """The violations in the render folder ``render``, with ``settings`` or as a pack ``config`` has each rule
    (:func:`~pilothouse.policy.rules.evaluate`). Raises ``OSError`` when it cannot be read and ``ValueError``
    when its ``resources.json`` is not a render's."""
    resources = json.loads((render / "resources.json").read_text())
    if not isinstance(resources, list) or not all(
            isinstance(r, dict) and isinstance(r.get("name"), str) and isinstance(r.get("type"), str)
            and isinstance(r.get("custom"), bool) and isinstance(r.get("inputs"), dict) for r in resources):
        raise ValueError(f"{render / 'resources.json'} is not a render's resource list")
    # Wrapped as the pack sees them (read-only proxies, not dicts and lists), so a rule that works
    # here works in `pulumi preview --policy-pack` too.
    return evaluate([(r["name"], r["type"], unknown_checking_proxy(r["inputs"])) for r in resources if r["custom"]],
                    settings, config)


def report(violations: list[Violation]) -> str:
    if not violations:
        return "policy: no violations\n"
    lines = []
    for rule_id in sorted({v.rule.id for v in violations}):
        found = [v for v in violations if v.rule.id == rule_id]
        lines.append(f"{rule_id} ({found[0].enforcement}): {found[0].rule.description}")
        lines += [f"  - {v.resource}: {v.message}" for v in found]
    mandatory = sum(v.enforcement is Enforcement.MANDATORY for v in violations)
    lines.append(f"policy: {mandatory} mandatory and {len(violations) - mandatory} advisory violations")
    return "\n".join(lines) + "\n"

