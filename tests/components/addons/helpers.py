"""Checks of chart values against what the pinned charts accept."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import yaml

from pilothouse.addons.chart import PinnedChart
from tests.conftest import REPO


def schema_errors(chart: PinnedChart, values: dict[str, Any]) -> list[str]:
    """Errors of ``values`` against the chart's values.schema.json (Helm checks the same at install)."""
    schema = json.loads((REPO / "charts" / chart.name / "values.schema.json").read_text())
    return [f"{e.json_path}: {e.message}" for e in jsonschema.Draft202012Validator(schema).iter_errors(values)]


#: Values that are Kubernetes API objects, passed through as written: any of their fields is valid.
_KUBERNETES_OBJECTS = {"containerSecurityContext", "securityContext", "resources"}


def unknown_keys(chart: PinnedChart, values: dict[str, Any]) -> list[str]:
    """Keys of ``values`` the chart's values.yaml does not have (for charts without a schema); a
    dependency chart's section is checked against that chart's own values.yaml."""
    defaults = yaml.safe_load((REPO / "charts" / chart.name / "values.yaml").read_text())
    for dependency in (REPO / "charts" / chart.name / "charts").glob("*/values.yaml"):
        section = defaults.setdefault(dependency.parent.name, {}) or {}
        defaults[dependency.parent.name] = yaml.safe_load(dependency.read_text()) | section

    def walk(given: dict[str, Any], known: Any, path: str) -> list[str]:
        if not isinstance(known, dict) or not known:  # free-form maps ({} defaults) take any key
            return []
        missing = []
        for key, value in given.items():
            if key not in known:
                missing.append(f"{path}{key}")
            elif isinstance(value, dict) and key not in _KUBERNETES_OBJECTS:
                missing += walk(value, known[key], f"{path}{key}.")
        return missing

    return walk(values, defaults, "")
