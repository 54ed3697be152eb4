"""Config of the cluster add-ons: ``ingress``, ``monitoring`` and ``logAgent`` (absent: not installed).

Each section is parsed into the add-on's own args, so a bad value fails with its config key
before anything is registered; the apps stack swaps in the Namespace objects it declares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pilothouse.addons.chart import ChartSource
from pilothouse.addons.ingress_controller import IngressControllerArgs
from pilothouse.addons.log_agent import LogAgentArgs, LogSink, SinkKind
from pilothouse.addons.monitoring import MonitoringArgs
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.ingress import Route
from pilothouse.kubernetes.names import dns_label
from pilothouse.kubernetes.namespace import NamespaceArgs
from pilothouse.kubernetes.quantity import quantity
from pilothouse.kubernetes.service import ServiceType
from stacks.config_reader import Fields, build


@dataclass(frozen=True, kw_only=True)
class IngressConfig:
    controller: IngressControllerArgs
    #: AKS: a static public IP carrying this DNS label (``<label>.<region>.cloudapp.azure.com``).
    dns_label: str | None
    #: The host the reference web app is routed on (``None``: any host).
    host: str | None


@dataclass(frozen=True, kw_only=True)
class AddonsConfig:
    ingress: IngressConfig | None
    monitoring: MonitoringArgs | None
    #: Size of Prometheus' claim on the cluster's disk class (``None``: emptyDir).
    prometheus_storage: str | None
    log_agent: LogAgentArgs | None

    @property
    def namespaces(self) -> set[str]:
        """The namespaces the add-ons are installed in."""
        names = {self.ingress.controller.namespace} if self.ingress else set()
        names |= {args.namespace for args in (self.monitoring, self.log_agent) if args is not None}
        return {name for name in names if isinstance(name, str)}


def parse_addons(fields: Fields, *, on_aks: bool, declared: Sequence[NamespaceArgs]) -> AddonsConfig:
    """The add-on sections; each add-on's namespace must be one of the ``declared`` namespaces, not
    isolated: add-ons reach the API server and every app's namespace."""
    ingress, monitoring, logs = (fields.optional_section(name) for name in ("ingress", "monitoring", "logAgent"))
    storage = None if monitoring is None else monitoring.optional_string("storageSize")
    if storage is not None and monitoring is not None:
        if not on_aks:
            monitoring.forbid("storageSize", "no value: Prometheus gets a disk claim on target 'aks' only")
        _check(monitoring, "storageSize", lambda: quantity(storage, "storage_size"))
    addons = AddonsConfig(ingress=None if ingress is None else _ingress(ingress, on_aks),
                          monitoring=None if monitoring is None else _monitoring(monitoring),
                          prometheus_storage=storage, log_agent=None if logs is None else _log_agent(logs))
    if addons.ingress is not None and addons.ingress.controller.service_monitor and addons.monitoring is None:
        raise InvalidValueError(fields.key("ingress.serviceMonitor"), True,
                                "false unless a monitoring section installs the Prometheus Operator")
    names = [namespace.name for namespace in declared]
    undeclared = sorted(addons.namespaces - set(names))
    if undeclared:
        raise InvalidValueError(fields.key("namespaces"), names,
                                f"the namespaces the add-ons are installed in ({', '.join(undeclared)} missing)")
    isolated = sorted(n.name for n in declared if n.name in addons.namespaces and n.isolated)
    if isolated:
        raise InvalidValueError(fields.key("namespaces"), isolated,
                                "add-on namespaces with 'isolated: false' (add-ons reach the API server and the apps; "
                                "the apps' isolated namespaces let them in per route and metrics port)")
    return addons


def _check(f: Fields, key: str, check: Callable[[], object]) -> None:
    """Run a component's own check of one value, its error named by the config key."""
    try:
        check()
    except InvalidValueError as error:
        raise InvalidValueError(f.key(key), error.value, error.allowed) from None


#: This repository's stacks install the charts `make charts` assembles into ``charts/`` (pinned by go.sum).
LOCAL_CHARTS = ChartSource.local("charts")


def _ingress(f: Fields, on_aks: bool) -> IngressConfig:
    label = f.optional_string("dnsLabel")
    if label is not None:
        if not on_aks:
            f.forbid("dnsLabel", "no value: a static public IP with a DNS label is made on target 'aks' only")
        _check(f, "dnsLabel", lambda: dns_label("dns_label", label))
    host = f.optional_string("host")
    if host is not None:
        _check(f, "host", lambda: Route(host=host))
    default_type = ServiceType.LOAD_BALANCER if on_aks else ServiceType.NODE_PORT
    controller = build(f, lambda: IngressControllerArgs(
        namespace=f.string("namespace", "ingress"), ingress_class=f.string("class", "traefik"),
        default_class=f.boolean("defaultClass", False), replicas=f.integer("replicas", 2, minimum=1, maximum=20),
        service_type=f.choice("serviceType", ServiceType, default_type),
        service_monitor=f.boolean("serviceMonitor", False), gateway_api=f.boolean("gatewayApi", False),
        charts=LOCAL_CHARTS))
    return IngressConfig(controller=controller, dns_label=label, host=host)


def _monitoring(f: Fields) -> MonitoringArgs:
    return build(f, lambda: MonitoringArgs(
        namespace=f.string("namespace", "monitoring"), retention=f.string("retention", "10d"),
        scrape_interval=f.string("scrapeInterval", "30s"), alertmanager=f.boolean("alertmanager", True),
        node_exporter=f.boolean("nodeExporter", True), charts=LOCAL_CHARTS))


def _log_agent(f: Fields) -> LogAgentArgs:
    def sink() -> LogSink:
        kind = f.choice("sink", SinkKind)
        if kind is SinkKind.STDOUT:
            return LogSink.stdout()
        host, port = f.string("host"), f.optional_integer("port", minimum=1, maximum=65535)
        tls = f.boolean("tls", True)
        if kind is SinkKind.ELASTICSEARCH:
            return LogSink.elasticsearch(host, port=port or 9200, tls=tls, index=f.string("index", "kubernetes"))
        return LogSink.forward(host, port=port or 24224, tls=tls)

    return build(f, lambda: LogAgentArgs(namespace=f.string("namespace", "monitoring"), sink=sink(),
                                         node_selector=f.string_map("nodeSelector")))
