"""The pinned Helm charts Pilothouse installs, where they come from, and how they are installed.

Each chart is pinned by name and version and, by default, comes from its own Helm repository at
install time (``ChartSource.repositories()``), as any Helm user gets it. For clusters without access
to those repositories, ``ChartSource.local(directory)`` takes unpacked charts from a folder (this
repository's ``make charts`` assembles one from Go modules whose content go.sum pins; ``helm pull
--untar`` makes one too).

Charts are installed with pulumi-kubernetes' ``helm.v4.Chart`` rather than ``helm.v3.Release``: Chart
renders the templates and registers every object as a Pulumi resource, so a pull request's ``pulumi
preview --diff`` shows each object that changes and the policy pack checks them like Pilothouse's own
objects. Release hands the objects to Helm, and a preview would only show a values change.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
import yaml

from pilothouse.errors import InvalidValueError
from pilothouse.typed import Checked


@dataclass(frozen=True)
class PinnedChart:
    """A chart at a pinned ``version``, published in the Helm repository at ``repository``."""

    name: str
    version: str
    app_version: str
    repository: str


#: Traefik: a maintained controller that serves Ingress and Gateway API routes (ingress-nginx,
#: the course's controller, was retired upstream in March 2026).
TRAEFIK = PinnedChart("traefik", "41.6.0", "v3.7.13", "https://traefik.github.io/charts")
#: Prometheus Operator, Prometheus, Alertmanager, kube-state-metrics and node-exporter.
KUBE_PROMETHEUS_STACK = PinnedChart("kube-prometheus-stack", "88.6.1", "v0.93.1",
                                    "https://prometheus-community.github.io/helm-charts")
#: The Gateway API CRDs (standard channel) have no chart: their manifests, at this release.
GATEWAY_API_VERSION = "v1.7.0"
GATEWAY_API_CRDS = tuple(f"gateway.networking.k8s.io_{kind}.yaml"
                         for kind in ("gatewayclasses", "gateways", "grpcroutes", "httproutes", "referencegrants"))


_ANY_SOURCE = "ChartSource.repositories() or ChartSource.local(folder)"


@dataclass(frozen=True)
class ChartSource(Checked, prefix="charts"):
    """Where the add-ons take their charts from.

    ``ChartSource.repositories()`` (the default): each chart from its Helm repository at its pinned
    version, and the Gateway API CRDs from the project's release tag; the cluster's deployer must
    reach them at preview and up. ``ChartSource.local(directory)``: unpacked charts in ``directory``
    (relative to the Pulumi project, or absolute), one folder per chart named as the chart, and the
    CRD files in ``gateway-api/``; checked when the add-on is declared.

    Raises ``InvalidValueError`` (field ``charts.directory``) for a directory that is not a non-empty
    path without surrounding whitespace or control characters.
    """

    directory: str | None = None

    def __post_init__(self) -> None:
        if self.directory is None:
            return
        directory = self.directory
        if (not isinstance(directory, str) or not directory or directory != directory.strip()
                or any(ord(character) < 32 for character in directory)):
            raise InvalidValueError("charts.directory", directory,
                                    "a folder holding the unpacked charts (a path without surrounding whitespace "
                                    "or control characters)")

    @classmethod
    def repositories(cls) -> ChartSource:
        return cls()

    @classmethod
    def local(cls, directory: str | os.PathLike[str]) -> ChartSource:
        return cls(os.fspath(directory) if isinstance(directory, os.PathLike) else directory)

    @staticmethod
    def given(field: str, value: object) -> ChartSource:
        """``value`` as an add-on's ``charts`` argument; raises ``InvalidValueError`` naming ``field``
        when it is not a ``ChartSource`` (a plain path, say)."""
        if not isinstance(value, ChartSource):
            raise InvalidValueError(field, value, _ANY_SOURCE)
        return value

    def check(self, field: str, chart: PinnedChart) -> None:
        """A local ``chart`` is there at its pinned version; raises ``InvalidValueError`` naming ``field``."""
        if self.directory is None:
            return
        folder = Path(self.directory, chart.name)
        wanted = (f"an unpacked {chart.name} chart {chart.version} (make charts, or helm pull {chart.name} "
                  f"--repo {chart.repository} --version {chart.version} --untar)")
        try:
            metadata = yaml.safe_load((folder / "Chart.yaml").read_text())
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            raise InvalidValueError(field, str(folder), wanted) from None
        if not isinstance(metadata, dict):
            raise InvalidValueError(field, str(folder), f"{wanted}; its Chart.yaml is not a mapping")
        found = (metadata.get("name"), metadata.get("version"))
        if found != (chart.name, chart.version):
            raise InvalidValueError(field, f"{folder} (name {found[0]!r}, version {found[1]!r})",
                                    f"the pinned {chart.name} chart {chart.version}")

    def chart_args(self, chart: PinnedChart) -> dict[str, Any]:
        """``helm.v4.Chart`` arguments that name ``chart`` at this source."""
        if self.directory is not None:
            return {"chart": str(Path(self.directory, chart.name))}
        return {"chart": chart.name, "version": chart.version,
                "repository_opts": k8s.helm.v4.RepositoryOptsArgs(repo=chart.repository)}

    def gateway_api_files(self, field: str) -> list[str]:
        """The Gateway API CRD manifests (paths or URLs) at this source."""
        if self.directory is None:
            return [f"https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/{GATEWAY_API_VERSION}/"
                    f"config/crd/standard/{name}" for name in GATEWAY_API_CRDS]
        files = [Path(self.directory, "gateway-api", name) for name in GATEWAY_API_CRDS]
        for path in files:
            try:
                stat = path.stat()
            except OSError:
                stat = None
            if stat is None or _bundle_version(str(path), stat.st_mtime_ns, stat.st_size) != GATEWAY_API_VERSION:
                raise InvalidValueError(field, str(path), f"the Gateway API {GATEWAY_API_VERSION} CRD manifests "
                                                          "(make charts)")
        return [str(path) for path in files]


@functools.cache
def _bundle_version(path: str, mtime_ns: int, size: int) -> str | None:
    """The Gateway API release a CustomResourceDefinition manifest belongs to (its
    ``gateway.networking.k8s.io/bundle-version`` annotation), None for anything else; remembered per version of the
    file (its time and size), as a CRD is large (seconds to parse) and every args object that names it checks it."""
    try:
        crd = yaml.safe_load(Path(path).read_text())
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(crd, dict) or crd.get("kind") != "CustomResourceDefinition":
        return None
    metadata = crd.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    version = annotations.get("gateway.networking.k8s.io/bundle-version") if isinstance(annotations, dict) else None
    return version if isinstance(version, str) else None


def install(resource_name: str, chart: PinnedChart, source: ChartSource, *, namespace: str,
            values: Mapping[str, Any], opts: pulumi.ResourceOptions, skip_crds: bool = False) -> k8s.helm.v4.Chart:
    """``chart`` from ``source`` as release ``resource_name`` in ``namespace`` (``opts`` parent and order it)."""
    return k8s.helm.v4.Chart(resource_name, **source.chart_args(chart), name=resource_name, namespace=namespace,
                             values=dict(values), skip_crds=skip_crds, opts=opts)
