"""Config of the cluster add-ons: ``ingress``, ``monitoring`` and ``logAgent`` (absent: not installed).

Each section is parsed into the add-on's own args, so a bad value fails with its config key
before anything is registered; the apps stack swaps in the Namespace objects it declares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial

from pilothouse.addons.chart import ChartSource
from pilothouse.addons.ingress_controller import IngressControllerArgs, PublicEndpoint
from pilothouse.addons.log_agent import LogAgentArgs, LogSink, SinkKind
from pilothouse.addons.monitoring import MonitoringArgs
from pilothouse.kubernetes.gateway import CertificateRef, GatewayClass, Listener, attach_label
from pilothouse.kubernetes.ingress import Route
from pilothouse.kubernetes.namespace import NamespaceArgs, PodSecurityLevel
from pilothouse.kubernetes.quantity import quantity
from pilothouse.kubernetes.service import ServiceType
from stacks.config_reader import Fields, SkippedError, build


@dataclass(frozen=True, kw_only=True)
class IngressConfig:
    controller: IngressControllerArgs
    #: AKS: a static public IP carrying this DNS label (``<label>.<region>.cloudapp.azure.com``).
    dns_label: str | None
    #: The host the reference web app is routed on (``None``: any host).
    host: str | None


@dataclass(frozen=True, kw_only=True)
class GatewayConfig:
    """The stack's Gateway (``pilothouse:gateway``): HTTPS with a redirect from HTTP; the reference web app's routes
    attach to it."""

    name: str
    namespace: str
    #: The GatewayClass the cluster provides (``approuting-istio``, ``azure-alb-external``); ``None``: the ingress
    #: add-on's Traefik serves the Gateway.
    provided_class: str | None
    #: The host the HTTPS listener serves and the reference web app is routed on (``None``: any host).
    host: str | None
    #: The certificate Secret an issuer keeps (cert-manager, Key Vault); ``None``: a self-signed one, made once.
    certificate: CertificateRef | None


@dataclass(frozen=True, kw_only=True)
class AddonsConfig:
    ingress: IngressConfig | None
    monitoring: MonitoringArgs | None
    #: Size of Prometheus' claim on the cluster's disk class (``None``: emptyDir).
    prometheus_storage: str | None
    log_agent: LogAgentArgs | None
    gateway: GatewayConfig | None = None


def parse_addons(fields: Fields, *, on_aks: bool, declared: Sequence[NamespaceArgs],
                 environment: str = "") -> AddonsConfig | None:
    """The add-on sections and the Gateway (``None`` when a value was refused: the errors are in ``fields.report``).

    Each add-on's namespace must be one of the ``declared`` namespaces, not isolated (add-ons reach the API server
    and every app's namespace), with the Pod Security level its pods need. On ``environment`` ``prod`` the Gateway's
    certificate is one an issuer keeps, never self-signed."""
    report = fields.report
    ingress, monitoring, logs = (fields.optional_section(name) for name in ("ingress", "monitoring", "logAgent"))
    gateway = fields.optional_section("gateway")
    storage = None if monitoring is None else monitoring.optional_string("storageSize")
    if storage is not None and monitoring is not None:
        if not on_aks:
            monitoring.forbid("storageSize", "no value: Prometheus gets a disk claim on target 'aks' only")
        monitoring.attempt(lambda: quantity(storage, "storage_size"))
    parsed_ingress = None if ingress is None else report.attempt(lambda: _ingress(ingress, on_aks))
    parsed_monitoring = None if monitoring is None else report.attempt(lambda: _monitoring(monitoring))
    parsed_logs = None if logs is None else report.attempt(lambda: _log_agent(logs))
    parsed_gateway = None if gateway is None else report.attempt(
        lambda: _gateway(gateway, parsed_ingress, ingress, declared, environment=environment))
    addons = AddonsConfig(ingress=parsed_ingress, monitoring=parsed_monitoring, prometheus_storage=storage,
                          log_agent=parsed_logs, gateway=parsed_gateway)
    if addons.ingress is not None and addons.ingress.controller.service_monitor and monitoring is None:
        fields.refuse("ingress.serviceMonitor", True,
                      "false unless a monitoring section installs the Prometheus Operator")
    sections = {"ingress": (addons.ingress.controller if addons.ingress else None, ingress),
                "monitoring": (addons.monitoring, monitoring), "logAgent": (addons.log_agent, logs)}
    by_name = {namespace.name: namespace for namespace in declared}
    if report.refused(fields.key("namespaces")):
        sections = {}  # which namespaces exist is not known
    for name, (args, section) in sections.items():
        if args is None or section is None or not isinstance(args.namespace, str):
            continue
        namespace = by_name.get(args.namespace)
        if namespace is None:
            section.refuse("namespace", args.namespace, f"{_one_declared(by_name)}: add {{name: {args.namespace}, "
                                                        f"isolated: false}} to {fields.key('namespaces')}")
        elif namespace.isolated:
            fields.refuse(f"namespaces[{list(by_name).index(namespace.name)}].isolated", True,
                          f"false for namespace '{namespace.name}', where the {name} add-on runs (add-ons reach the "
                          "API server and the apps; the apps' isolated namespaces let them in per route and metrics "
                          "port)")
        elif getattr(args, "privileged_because", None) and namespace.pod_security is not PodSecurityLevel.PRIVILEGED:
            fields.refuse(f"namespaces[{list(by_name).index(namespace.name)}].podSecurity", str(namespace.pod_security),
                          f"'privileged' for namespace '{namespace.name}', where the {name} add-on runs "
                          f"{args.privileged_because}")  # type: ignore[union-attr]
    given = ((ingress, parsed_ingress), (monitoring, parsed_monitoring), (logs, parsed_logs),
             (gateway, parsed_gateway))
    return None if any(section is not None and parsed is None for section, parsed in given) else addons


#: This repository's stacks install the charts `make charts` assembles into ``charts/`` (pinned by go.sum).
LOCAL_CHARTS = ChartSource.local("charts")


def _ingress(f: Fields, on_aks: bool) -> IngressConfig:
    label = f.optional_string("dnsLabel")
    if label is not None and not on_aks:
        f.forbid("dnsLabel", "no value: a static public IP with a DNS label is made on target 'aks' only")
    host = f.optional_string("host")
    if host is not None:
        f.attempt(lambda: Route(host=host), {"route.host": "host"})
    default_type = ServiceType.LOAD_BALANCER if on_aks else ServiceType.NODE_PORT
    endpoint = None
    if label is not None and on_aks:  # a stand-in for the platform's static IP: the controller's rules on it apply
        endpoint = f.attempt(lambda: PublicEndpoint(ip_name="", resource_group="", dns_label=label),
                             {"ingress_controller.public_endpoint.dns_label": "dnsLabel"})
    controller = build(f, lambda: IngressControllerArgs(
        namespace=f.string("namespace", "ingress"), ingress_class=f.string("class", "traefik"),
        default_class=f.boolean("defaultClass", False), replicas=f.integer("replicas", 2, minimum=1, maximum=20),
        service_type=f.choice("serviceType", ServiceType, default_type),
        service_monitor=f.boolean("serviceMonitor", False), gateway_api=f.boolean("gatewayApi", False),
        public_endpoint=endpoint, charts=LOCAL_CHARTS),
        # The charts are this repository's (make charts), not a key: a missing one is the section's error.
        {"ingress_controller": "", "ingress_controller.ingress_class": "class", "ingress_controller.charts": ""})
    return IngressConfig(controller=replace(controller, public_endpoint=None), dns_label=label, host=host)


def _one_declared(names: Iterable[str]) -> str:
    """What a key naming a namespace of the stack allows."""
    return f"one of the namespaces this stack declares ({', '.join(names) or 'none'})"


def _gateway(f: Fields, ingress: IngressConfig | None, ingress_fields: Fields | None,
             declared: Sequence[NamespaceArgs], *, environment: str) -> GatewayConfig:
    if ingress_fields is not None and ingress is None:
        raise SkippedError  # the ingress section was refused: whether Traefik serves the Gateway is not known
    traefik = ingress.controller if ingress is not None and ingress.controller.gateway_api else None
    name, given_class = f.string("name", "public"), f.optional_string("class")
    if not f.report.refused(f.key("name")):
        # The name's own rules and the attach label's name part (at most 63 characters), as a Gateway checks them;
        # the namespace, checked below, is only in the label's prefix, which takes any namespace name.
        f.attempt(lambda: attach_label(name, namespace="default"), {"gateway.name": "name"})
    provided = given_class if traefik is None or given_class not in (None, traefik.ingress_class) else None
    if provided is None and traefik is None:
        f.refuse("class", given_class, "the name of a GatewayClass the cluster provides (AKS application routing's "
                 "'approuting-istio', Application Gateway for Containers' 'azure-alb-external'), or an ingress "
                 "section with gatewayApi: true (Traefik then serves the Gateway)")
    elif provided is not None:
        f.attempt(lambda: GatewayClass.provided(provided), {"gateway_class.name": "class"})
    # A provided class runs the Gateway's pods in its namespace: no default; Traefik's is where Traefik runs.
    namespace = f.string("namespace") if traefik is None else f.string("namespace", str(traefik.namespace))
    names = [each.name for each in declared]
    if namespace and namespace not in names:
        f.refuse("namespace", namespace, _one_declared(names))
    host = f.optional_string("host")
    if host is not None:
        f.attempt(lambda: Listener.http(hostname=host), {"listener.hostname": "host"})
    if ingress_fields is not None:
        ingress_fields.forbid("host", "no value: the reference web app is routed through the Gateway (gateway.host)")
    certificate_fields, certificate = f.optional_section("certificate"), None
    if certificate_fields is not None:
        certificate = f.report.attempt(lambda: build(certificate_fields, lambda: CertificateRef(
            certificate_fields.string("name"), certificate_fields.string("namespace"))))
        if certificate is not None and certificate.namespace not in names:
            # Across namespaces the Gateway's ReferenceGrant is made in the certificate's: it must exist.
            certificate_fields.refuse("namespace", certificate.namespace, _one_declared(names))
    elif environment == "prod":
        f.refuse("certificate", None, "a Secret an issuer keeps valid ({name, namespace}: cert-manager, Key Vault) on "
                 "environment 'prod': a self-signed certificate is for local and dev")
    f.reject_unknown()
    f.needs("name", "class", "namespace", "host", "certificate")
    return GatewayConfig(name=name, namespace=namespace, provided_class=provided, host=host, certificate=certificate)


def _monitoring(f: Fields) -> MonitoringArgs:
    return build(f, lambda: MonitoringArgs(
        namespace=f.string("namespace", "monitoring"), retention=f.string("retention", "10d"),
        scrape_interval=f.string("scrapeInterval", "30s"), alertmanager=f.boolean("alertmanager", True),
        node_exporter=f.boolean("nodeExporter", True), charts=LOCAL_CHARTS),
        {"monitoring": "", "monitoring.charts": ""})


def _log_agent(f: Fields) -> LogAgentArgs:
    def agent() -> LogAgentArgs:
        kind = f.choice("sink", SinkKind)
        namespace, node_selector = f.string("namespace", "monitoring"), f.string_map("nodeSelector")
        sink: Callable[[], LogSink] = LogSink.stdout
        if kind is not SinkKind.STDOUT:  # the keys of a sink that ships somewhere
            host, tls = f.string("host"), f.boolean("tls", True)
            port = f.optional_integer("port", minimum=1, maximum=65535)
            if kind is SinkKind.ELASTICSEARCH:
                sink = partial(LogSink.elasticsearch, host, port=port or 9200, tls=tls,
                               index=f.string("index", "kubernetes"))
            else:
                sink = partial(LogSink.forward, host, port=port or 24224, tls=tls)
        f.needs("sink")  # every key is read: stop here if the kind of sink was refused
        return LogAgentArgs(namespace=namespace, sink=sink(), node_selector=node_selector)

    return build(f, agent, {"log_agent": "", "log_agent.sink": ""})
