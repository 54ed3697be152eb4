"""Cluster add-ons installed from pinned Helm charts (the ingress controller, monitoring) and the log agent."""

from pilothouse.addons.chart import KUBE_PROMETHEUS_STACK, TRAEFIK, PinnedChart
from pilothouse.addons.ingress_controller import IngressController, IngressControllerArgs, PublicEndpoint
from pilothouse.addons.log_agent import LogAgent, LogAgentArgs, LogSink, SinkKind
from pilothouse.addons.monitoring import Monitoring, MonitoringArgs, PrometheusStorage

__all__ = [
    "KUBE_PROMETHEUS_STACK",
    "TRAEFIK",
    "IngressController",
    "IngressControllerArgs",
    "LogAgent",
    "LogAgentArgs",
    "LogSink",
    "Monitoring",
    "MonitoringArgs",
    "PinnedChart",
    "PrometheusStorage",
    "PublicEndpoint",
    "SinkKind",
]
