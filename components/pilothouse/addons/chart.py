"""The pinned Helm charts Pilothouse installs, and how it installs them.

``make charts`` assembles each chart from a Go module whose content go.sum pins
(tools/charts.sh), so installing needs no chart repository. Charts are installed with
pulumi-kubernetes' ``helm.v4.Chart`` rather than ``helm.v3.Release``: Chart renders the templates
and registers every object as a Pulumi resource, so a pull request's ``pulumi preview --diff``
shows each object that changes and the policy pack checks them like Pilothouse's own objects.
Release hands the objects to Helm, and a preview would only show a values change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s


@dataclass(frozen=True)
class PinnedChart:
    """A chart directory assembled by ``make charts``; ``path`` is relative to the Pulumi project."""

    name: str
    version: str
    app_version: str

    @property
    def path(self) -> str:
        return f"charts/{self.name}"


#: Traefik: a maintained controller that serves Ingress and Gateway API routes (ingress-nginx,
#: the course's controller, was retired upstream in March 2026).
TRAEFIK = PinnedChart("traefik", "41.6.0", "v3.7.13")
#: The Gateway API CRDs (standard channel, v1.5.1), as plain manifests: they have no chart.
GATEWAY_API_CRDS = "charts/gateway-api"
#: Prometheus Operator, Prometheus, Alertmanager, kube-state-metrics and node-exporter.
KUBE_PROMETHEUS_STACK = PinnedChart("kube-prometheus-stack", "88.6.1", "v0.93.1")


def install(resource_name: str, chart: PinnedChart, *, namespace: str, values: Mapping[str, Any],
            opts: pulumi.ResourceOptions, skip_crds: bool = False) -> k8s.helm.v4.Chart:
    """``chart`` as release ``resource_name`` in ``namespace`` (``opts`` parent and order it)."""
    return k8s.helm.v4.Chart(resource_name, chart=chart.path, name=resource_name, namespace=namespace,
                             values=dict(values), skip_crds=skip_crds, opts=opts)
