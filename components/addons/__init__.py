"""Cluster add-ons installed from pinned Helm charts (the ingress controller, monitoring) and the log agent."""

from components.addons.chart import KUBE_PROMETHEUS_STACK, TRAEFIK, PinnedChart
from components.addons.ingress_controller import IngressController, IngressControllerArgs, PublicEndpoint
from components.addons.log_agent import LogAgent, LogAgentArgs, LogSink, SinkKind
from components.addons.monitoring import Monitoring, MonitoringArgs, PrometheusStorage

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
