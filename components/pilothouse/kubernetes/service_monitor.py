"""Prometheus Operator ServiceMonitors derived from a Service's port named ``metrics``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes import upgrades
from pilothouse.kubernetes.network_policy import TrafficRule
from pilothouse.kubernetes.workload import NamespaceRef, let_in, namespace_name
from pilothouse.typed import Checked

#: The Service port name that makes an app scraped: ``Port.metrics()`` names its port so.
METRICS_PORT = "metrics"
_DURATION = re.compile(r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def prometheus_duration(field: str, value: str) -> str:
    match = _DURATION.fullmatch(value)
    if match is None or not any(int(amount) for amount in match.groups() if amount):
        raise InvalidValueError(field, value, "a positive Prometheus duration such as '30s', '1h30m' or '15d'")
    return value


@dataclass(frozen=True)
class Scraping(Checked, prefix="scraping"):
    """How apps get scraped: made by the monitoring add-on, handed to ``expose()``.

    ``after`` is what must exist before a ServiceMonitor can (the operator's CRDs).
    """

    interval: str = "30s"
    path: str = "/metrics"
    after: tuple[pulumi.Resource, ...] = ()
    #: Where Prometheus runs: an isolated app namespace lets it reach the metrics port.
    namespace: str | None = None

    def __post_init__(self) -> None:
        prometheus_duration("scraping.interval", self.interval)
        if not self.path.startswith("/"):
            raise InvalidValueError("scraping.path", self.path, "an absolute URL path starting with '/'")

    def monitor(self, resource_name: str, *, service: str, namespace: NamespaceRef, selector: dict[str, str],
                pods: dict[str, str], container_port: int | None, parent: pulumi.Resource,
                after: list[pulumi.Resource]) -> k8s.apiextensions.CustomResource:
        """A ServiceMonitor scraping the ``metrics`` port of the Service labelled ``selector``, and the
        policy letting Prometheus reach ``pods`` on ``container_port``."""
        spec: dict[str, Any] = {"selector": {"matchLabels": selector},
                                "endpoints": [{"port": METRICS_PORT, "path": self.path, "interval": self.interval}]}
        if self.namespace is not None and container_port is not None:
            rule = TrafficRule.ingress_from_namespace(f"{service}-scrape", self.namespace, ports=(container_port,),
                                                      pods=pods)
            let_in(f"{resource_name}-scrape", namespace=namespace, rule=rule, parent=parent)
        return k8s.apiextensions.CustomResource(
            resource_name, api_version="monitoring.coreos.com/v1", kind="ServiceMonitor",
            metadata={"name": service, "namespace": namespace_name(namespace), "labels": selector}, spec=spec,
            opts=pulumi.ResourceOptions(parent=parent, depends_on=[*after, *self.after],
                                        aliases=upgrades.child_aliases(parent)))
