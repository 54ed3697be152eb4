"""The pinned chart constants describe the charts ``make charts`` assembled."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pilothouse.addons.chart import KUBE_PROMETHEUS_STACK, TRAEFIK, PinnedChart
from tests.conftest import REPO


@pytest.mark.parametrize("chart", [TRAEFIK, KUBE_PROMETHEUS_STACK])
def test_pinned_chart_matches_the_assembled_chart(chart: PinnedChart) -> None:
    metadata = yaml.safe_load((REPO / "charts" / chart.name / "Chart.yaml").read_text())
    assert (metadata["name"], metadata["version"], metadata["appVersion"]) == (
        chart.name, chart.version, chart.app_version)


def test_every_dependency_of_the_monitoring_chart_is_assembled() -> None:
    chart = REPO / "charts" / KUBE_PROMETHEUS_STACK.name
    wanted = {d["name"] for d in yaml.safe_load((chart / "Chart.yaml").read_text())["dependencies"]}
    assert wanted <= {p.name for p in Path(chart, "charts").iterdir()}
