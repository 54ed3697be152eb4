"""Monitoring: kube-prometheus-stack values, and ServiceMonitors derived from apps' metrics ports."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pilothouse.addons.chart import KUBE_PROMETHEUS_STACK
from pilothouse.addons.monitoring import Monitoring, MonitoringArgs, PrometheusStorage
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.deployment import Deployment, DeploymentArgs
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs, PodSecurityLevel
from pilothouse.kubernetes.pod_spec import PodSpec
from pilothouse.kubernetes.ports import Port
from pilothouse.kubernetes.service import ServicePort
from pilothouse.kubernetes.service_monitor import Scraping
from pilothouse.kubernetes.storage import StorageClass, StorageClassArgs
from tests.components.addons.helpers import unknown_keys
from tests.conftest import RunProgram

APP = PodSpec(containers=(Container(name="web", image="shop/web:1.0", ports=(Port.http(8080), Port.metrics(9090))),))


def test_prometheus_is_let_into_an_isolated_app_namespace_on_the_metrics_port(run_program: RunProgram) -> None:
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        Deployment("web", DeploymentArgs(name="web", namespace=shop, pod=APP)).expose(
            [ServicePort(80, "http", name="http"), ServicePort(9090, "metrics", name="metrics")],
            scraping=_monitoring().scraping)

    policy = run_program(program).one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "web-scrape").inputs
    assert policy["metadata"] == {"name": "allow-web-scrape", "namespace": "shop"}
    assert policy["spec"]["ingress"] == [
        {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
         "ports": [{"port": 9090, "protocol": "TCP"}]}]


def _monitoring() -> Monitoring:
    namespace = Namespace("monitoring", NamespaceArgs(name="monitoring", pod_security=PodSecurityLevel.PRIVILEGED))
    return Monitoring("monitoring", MonitoringArgs(namespace=namespace))


def test_every_value_is_a_key_the_chart_has() -> None:
    disk = StorageClass("disk", StorageClassArgs.azure_disk("managed-premium"))
    args = MonitoringArgs(namespace="monitoring", storage=PrometheusStorage("50Gi", disk), control_plane=True)
    assert unknown_keys(KUBE_PROMETHEUS_STACK, args.values()) == []


def test_the_stack_selects_every_monitor_and_skips_what_pulumi_cannot_order(run_program: RunProgram) -> None:
    render = run_program(_monitoring)
    chart = render.one("kubernetes:helm.sh/v4:Chart", "monitoring")
    assert (chart.inputs["chart"], chart.inputs["version"], chart.inputs["repositoryOpts"]) == (
        "kube-prometheus-stack", "88.6.1", {"repo": "https://prometheus-community.github.io/helm-charts"})
    assert (chart.inputs["namespace"], chart.inputs.get("skipCrds")) == ("monitoring", False)
    values = chart.inputs["values"]
    spec = values["prometheus"]["prometheusSpec"]
    assert spec["serviceMonitorSelectorNilUsesHelmValues"] is False
    assert (spec["retention"], spec["scrapeInterval"]) == ("10d", "30s")
    assert "storageSpec" not in spec
    assert values["prometheusOperator"]["admissionWebhooks"] == {"enabled": False}
    assert values["kubeEtcd"] == {"enabled": False}
    assert values["grafana"] == {"enabled": False}


def test_an_app_with_a_metrics_port_gets_a_service_monitor(run_program: RunProgram) -> None:
    def program() -> None:
        monitoring = _monitoring()
        app = Deployment("web", DeploymentArgs(name="web", namespace="shop", pod=APP))
        app.expose([ServicePort(80, "http", name="http"), ServicePort(9090, "metrics", name="metrics")],
                   scraping=monitoring.scraping)
        # Without a port named metrics, nothing is scraped.
        Deployment("worker", DeploymentArgs(name="worker", namespace="shop", pod=APP)).expose(
            [ServicePort(80, "http")], scraping=monitoring.scraping)

    render = run_program(program)
    monitor = render.one("kubernetes:monitoring.coreos.com/v1:ServiceMonitor")
    assert monitor.name == "web"
    assert monitor.inputs["spec"] == {"selector": {"matchLabels": {"app": "web"}}, "endpoints": [
        {"port": "metrics", "path": "/metrics", "interval": "30s"}]}
    assert render.one("kubernetes:core/v1:Service", "web").inputs["metadata"]["labels"] == {"app": "web"}
    assert "labels" not in render.one("kubernetes:core/v1:Service", "worker").inputs["metadata"]
    assert set(monitor.options["dependencies"]) >= {render.one("kubernetes:core/v1:Service", "web").urn}
    assert monitor.parent == render.one("kubernetes:core/v1:Service", "web").urn


def test_prometheus_keeps_its_data_on_a_claim_when_asked(run_program: RunProgram) -> None:
    def program() -> None:
        disk = StorageClass("disk", StorageClassArgs.azure_disk("managed-premium"))
        Monitoring("monitoring", MonitoringArgs(namespace="monitoring", storage=PrometheusStorage("50Gi", disk)))

    spec = run_program(program).one("kubernetes:helm.sh/v4:Chart").inputs["values"]["prometheus"]["prometheusSpec"]
    assert spec["storageSpec"] == {"volumeClaimTemplate": {"spec": {
        "storageClassName": "managed-premium", "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "50Gi"}}}}}


@pytest.mark.parametrize(("build", "message"), [
    (lambda: MonitoringArgs(namespace=Namespace("m", NamespaceArgs(name="monitoring"))),
     "monitoring.namespace: got 'monitoring'; expected a namespace with Pod Security 'privileged' for "
     "node-exporter, which reads the host (unless node-exporter is turned off)"),
    (lambda: MonitoringArgs(namespace="monitoring", retention="10 days"),
     "monitoring.retention: got '10 days'; expected a positive Prometheus duration such as '30s', '1h30m' or '15d'"),
    (lambda: MonitoringArgs(namespace="monitoring", scrape_interval="0s"),
     "monitoring.scrape_interval: got '0s'; expected a positive Prometheus duration such as '30s', '1h30m' or "
     "'15d'"),
    (lambda: Scraping(path="metrics"),
     "scraping.path: got 'metrics'; expected an absolute URL path starting with '/'"),
])
def test_bad_monitoring_settings_are_rejected(build: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message
