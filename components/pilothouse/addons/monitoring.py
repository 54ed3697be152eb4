"""Prometheus for any cluster: kube-prometheus-stack from its pinned chart.

The Prometheus Operator selects every ServiceMonitor in the cluster, so apps exposed with
``scraping=monitoring.scraping`` are scraped without further wiring. On AKS, Container Insights
(the platform's ``AksCluster``) stays on beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

from pilothouse.addons.chart import KUBE_PROMETHEUS_STACK, ChartSource, install
from pilothouse.kubernetes.quantity import byte_quantity
from pilothouse.kubernetes.resources import Resources
from pilothouse.kubernetes.service_monitor import Scraping, prometheus_duration
from pilothouse.kubernetes.storage import StorageClass
from pilothouse.kubernetes.workload import NamespaceRef, child_options, namespace_name, require_privileged
from pilothouse.typed import Checked


@dataclass(frozen=True)
class PrometheusStorage(Checked, prefix="monitoring"):
    """A claim for Prometheus' data (without one, data lives in an emptyDir and dies with the pod)."""

    size: str
    storage_class: StorageClass

    def __post_init__(self) -> None:
        byte_quantity(self.size, "monitoring.storage.size")

    def to_values(self) -> dict[str, Any]:
        claim = {"storageClassName": self.storage_class.args.name, "accessModes": ["ReadWriteOnce"],
                 "resources": {"requests": {"storage": self.size}}}
        return {"volumeClaimTemplate": {"spec": claim}}


@dataclass(frozen=True, kw_only=True)
class MonitoringArgs(Checked, prefix="monitoring"):
    """What :class:`Monitoring` (kube-prometheus-stack from its pinned Helm chart) needs; checked when declared.

    Durations are Prometheus durations (units ``y``, ``w``, ``d``, ``h``, ``m``, ``s``), such as ``"30s"``
    or ``"1h30m"``.

    Fields:
        namespace: where the stack runs: a :class:`Namespace` of ours, or an existing namespace's name.
        retention: how long Prometheus keeps its data, a duration (default ``"10d"``).
        scrape_interval: Prometheus' scrape interval, a duration (default ``"30s"``); also the interval of the
            ServiceMonitors made through ``Monitoring.scraping``.
        storage: a claim for Prometheus' data (:class:`PrometheusStorage`); ``None`` (default): an emptyDir.
        alertmanager: install Alertmanager (default ``True``).
        node_exporter, control_plane: see their comments (defaults ``True``, ``False``); ``control_plane`` also
            turns on scraping kube-proxy.
        prometheus_resources: Prometheus' requests and limits (default requests ``200m`` CPU / ``512Mi`` memory,
            limits ``1`` CPU / ``2Gi``).
        helper_resources, charts: see their comments (default requests ``20m`` / ``64Mi``, limits ``200m`` /
            ``256Mi``; the chart's Helm repository).

    Grafana is never installed.

    Raises:
        InvalidValueError: naming ``monitoring.retention`` or ``monitoring.scrape_interval`` (not a positive
            duration), ``monitoring.namespace`` (``node_exporter`` on in a namespace of ours that is not
            privileged) or ``monitoring.charts`` (a local folder without the pinned chart).
    """

    namespace: NamespaceRef
    retention: str = "10d"
    scrape_interval: str = "30s"
    storage: PrometheusStorage | None = None
    alertmanager: bool = True
    #: node-exporter reads the host (hostNetwork, hostPID, hostPath): its namespace must be privileged.
    node_exporter: bool = True
    #: Scrape etcd, the scheduler and the controller manager; off where the control plane is managed (AKS).
    control_plane: bool = False
    prometheus_resources: Resources = field(default_factory=lambda: Resources.of(
        cpu="200m", memory="512Mi", cpu_limit="1", memory_limit="2Gi"))
    #: Each of the small helpers: the operator, its config reloader, kube-state-metrics, node-exporter,
    #: Alertmanager (the charts set none; quotas and the policy pack require them).
    helper_resources: Resources = field(default_factory=lambda: Resources.of(
        cpu="20m", memory="64Mi", cpu_limit="200m", memory_limit="256Mi"))
    #: Where the chart comes from: its repository, or a local folder.
    charts: ChartSource = field(default_factory=ChartSource.repositories)

    def __post_init__(self) -> None:
        ChartSource.given("monitoring.charts", self.charts).check("monitoring.charts", KUBE_PROMETHEUS_STACK)
        prometheus_duration("monitoring.retention", self.retention)
        prometheus_duration("monitoring.scrape_interval", self.scrape_interval)
        require_privileged(self.namespace, "monitoring.namespace", self.privileged_because)

    @property
    def privileged_because(self) -> str | None:
        """Why the namespace must have Pod Security ``privileged`` (``None``: it need not)."""
        if not self.node_exporter:
            return None
        return "for node-exporter, which reads the host (unless node-exporter is turned off)"

    def values(self) -> dict[str, Any]:
        prometheus_spec: dict[str, Any] = {
            "retention": self.retention, "scrapeInterval": self.scrape_interval,
            "resources": self.prometheus_resources.to_manifest(),
            # Select every ServiceMonitor/PodMonitor, not only those labelled with this release.
            "serviceMonitorSelectorNilUsesHelmValues": False, "podMonitorSelectorNilUsesHelmValues": False,
            "ruleSelectorNilUsesHelmValues": False,
        }
        if self.storage is not None:
            prometheus_spec["storageSpec"] = self.storage.to_values()
        helper = self.helper_resources.to_manifest()
        confined = {"readOnlyRootFilesystem": True, "allowPrivilegeEscalation": False,
                    "capabilities": {"drop": ["ALL"]}}
        return {
            "prometheus": {"prometheusSpec": prometheus_spec},
            "alertmanager": {"enabled": self.alertmanager, "alertmanagerSpec": {"resources": helper}},
            # Grafana is left to the team's own dashboards service (its chart is not pinned here).
            "grafana": {"enabled": False},
            "nodeExporter": {"enabled": self.node_exporter},
            # node-exporter reads the host's /proc and /sys read-only; the host's root filesystem
            # (for filesystem metrics) is left unmounted.
            "prometheus-node-exporter": {"resources": helper, "hostRootFsMount": {"enabled": False},
                                         "containerSecurityContext": confined},
            "kube-state-metrics": {"resources": helper},
            "windowsMonitoring": {"enabled": False},
            "kubeControllerManager": {"enabled": self.control_plane},
            "kubeScheduler": {"enabled": self.control_plane},
            "kubeEtcd": {"enabled": self.control_plane},
            "kubeProxy": {"enabled": self.control_plane},
            # The webhook's certificates come from Helm hook Jobs, which a Pulumi Chart does not order.
            "prometheusOperator": {"admissionWebhooks": {"enabled": False}, "tls": {"enabled": False},
                                   "resources": helper, "prometheusConfigReloader": {"resources": helper}},
        }


class Monitoring(pulumi.ComponentResource):
    """The Prometheus Operator stack; ``scraping`` hands apps what their ServiceMonitors need."""

    def __init__(self, resource_name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("pilothouse:addons:Monitoring", resource_name, None, opts)
        self.args = args
        after = [args.storage.storage_class] if args.storage is not None else []
        self.chart = install(resource_name, KUBE_PROMETHEUS_STACK, args.charts,
                             namespace=namespace_name(args.namespace), values=args.values(),
                             opts=child_options(self, args.namespace, after))
        self.scraping = Scraping(interval=args.scrape_interval, after=(self.chart,),
                                 namespace=namespace_name(args.namespace))
        self.register_outputs({"chart_version": KUBE_PROMETHEUS_STACK.version})
