"""The cluster's ingress controller: Traefik from its pinned Helm chart, serving Ingress objects and, with
``gateway_api``, the Gateways of its GatewayClass.

Routes stay controller-neutral (``Service.route(..., ingress_class=...)`` or ``gateway=...``); this component only
decides which controller answers for that class and how traffic reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.addons.chart import TRAEFIK, ChartSource, install
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.gateway import GatewayClass
from pilothouse.kubernetes.ingress import IngressClass
from pilothouse.kubernetes.names import azure_dns_label, dns_subdomain
from pilothouse.kubernetes.namespace import Namespace
from pilothouse.kubernetes.resources import Resources
from pilothouse.kubernetes.service import ServiceType
from pilothouse.kubernetes.workload import NamespaceRef, child_options, namespace_name
from pilothouse.typed import Checked

#: AKS's cloud provider reads these Service annotations to attach an existing public IP.
_AZURE_PIP_NAME = "service.beta.kubernetes.io/azure-pip-name"
_AZURE_PIP_GROUP = "service.beta.kubernetes.io/azure-load-balancer-resource-group"
_AZURE_DNS_LABEL = "service.beta.kubernetes.io/azure-dns-label-name"
#: The chart's entry points a Gateway's listeners bind to (its values' ``ports.websecure`` and ``ports.web``).
TRAEFIK_HTTPS_PORT, TRAEFIK_HTTP_PORT = 8443, 8000


@dataclass(frozen=True)
class PublicEndpoint(Checked, prefix="ingress_controller"):
    """A static public IP made by the platform (``IngressPublicIp``), and the DNS label it carries."""

    ip_name: pulumi.Input[str]
    resource_group: pulumi.Input[str]
    dns_label: str | None = None
    #: What must exist before the load balancer may take the address (the identity's role on it).
    after: tuple[pulumi.Resource, ...] = ()

    def __post_init__(self) -> None:
        if self.dns_label is not None:
            azure_dns_label("ingress_controller.public_endpoint.dns_label", self.dns_label)

    def annotations(self) -> dict[str, pulumi.Input[str]]:
        annotations = {_AZURE_PIP_NAME: self.ip_name, _AZURE_PIP_GROUP: self.resource_group}
        if self.dns_label is not None:
            annotations[_AZURE_DNS_LABEL] = self.dns_label
        return annotations


@dataclass(frozen=True, kw_only=True)
class IngressControllerArgs(Checked, prefix="ingress_controller"):
    """What an :class:`IngressController` (Traefik from its pinned Helm chart) needs; checked when declared.

    Fields:
        namespace: where the controller runs: a :class:`Namespace` of ours, or an existing namespace's name.
        ingress_class: the IngressClass routes name, a DNS-1123 subdomain (default ``"traefik"``); with
            ``gateway_api`` also the name of the GatewayClass.
        default_class: see its comment (default ``False``).
        replicas: controller pods, an integer of at least 1 (default 2); above 1 the chart's PodDisruptionBudget
            is on with ``maxUnavailable: 1``.
        service_type: the type of the controller's Service (default ``LoadBalancer``); see its comment.
        public_endpoint: a static Azure public IP (and DNS label) the load balancer takes; ``None`` (default)
            puts no such annotations on the Service.
        resources: the controller container's requests and limits; both limits are required (default requests
            ``100m`` CPU / ``128Mi`` memory, limits ``500m`` / ``256Mi``).
        service_monitor, gateway_api, charts: see their comments (defaults ``False``, ``False``, the charts'
            Helm repositories).

    Raises:
        InvalidValueError: naming ``ingress_controller.ingress_class`` (not a DNS-1123 subdomain),
            ``ingress_controller.namespace`` (a Namespace of ours that is isolated),
            ``ingress_controller.replicas`` (not an integer of at least 1), ``ingress_controller.service_type``
            (a ``public_endpoint`` without ``LoadBalancer``), ``ingress_controller.resources`` (no CPU or memory
            limit) or ``ingress_controller.charts`` (a local folder without the pinned Traefik chart, or, with
            ``gateway_api``, without the Gateway API CRD files).
    """

    namespace: NamespaceRef
    #: The IngressClass routes name to be served by this controller.
    ingress_class: str = "traefik"
    #: Serve Ingress objects that name no class as well.
    default_class: bool = False
    replicas: int = 2
    #: LoadBalancer on AKS; NodePort (or ClusterIP) where no cloud load balancer exists.
    service_type: ServiceType = ServiceType.LOAD_BALANCER
    public_endpoint: PublicEndpoint | None = None
    resources: Resources = field(default_factory=lambda: Resources.of(
        cpu="100m", memory="128Mi", cpu_limit="500m", memory_limit="256Mi"))
    #: Have the Prometheus Operator scrape the controller (needs the monitoring add-on's CRDs).
    service_monitor: bool = False
    #: Also serve the Gateway API: install its CRDs and the GatewayClass :attr:`IngressController.gateway_class`.
    gateway_api: bool = False
    #: Where the chart (and the Gateway API CRDs) come from: their repositories, or a local folder.
    charts: ChartSource = field(default_factory=ChartSource.repositories)

    def __post_init__(self) -> None:
        dns_subdomain("ingress_controller.ingress_class", self.ingress_class)
        if isinstance(self.namespace, Namespace) and self.namespace.args.isolated:
            # Its pods carry no label an isolated namespace's policies could let clients in by.
            raise InvalidValueError("ingress_controller.namespace", self.namespace.args.name, "a namespace that is not "
                                    "isolated (NamespaceArgs(isolated=False)): Traefik reaches the API server and "
                                    "every app, and clients reach it")
        ChartSource.given("ingress_controller.charts", self.charts).check("ingress_controller.charts", TRAEFIK)
        if self.gateway_api:
            self.charts.gateway_api_files("ingress_controller.charts")
        if isinstance(self.replicas, bool) or not isinstance(self.replicas, int) or self.replicas < 1:
            raise InvalidValueError("ingress_controller.replicas", self.replicas, "an integer of at least 1")
        if self.public_endpoint is not None and self.service_type is not ServiceType.LOAD_BALANCER:
            raise InvalidValueError("ingress_controller.service_type", str(self.service_type),
                                    "'LoadBalancer' when a public endpoint is given")
        missing = [kind for kind in ("cpu_limit", "memory_limit") if getattr(self.resources, kind) is None]
        if missing:
            raise InvalidValueError("ingress_controller.resources", self.resources.to_manifest(),
                                    "requests and limits for cpu and memory (namespace quotas require limits)")

    def values(self) -> dict[str, Any]:
        """The chart values: Ingress provider only, hardened, sized, exposed as asked."""
        # Ingress (and Gateway API) only: Traefik's own IngressRoute CRDs would tie routes to it.
        providers = {"kubernetesCRD": {"enabled": False},
                     "kubernetesIngress": {"enabled": True, "ingressClass": self.ingress_class,
                                           "publishedService": {"enabled": True}}}
        service: dict[str, Any] = {"spec": {"type": str(self.service_type)}}
        if self.public_endpoint is not None:
            service["annotations"] = self.public_endpoint.annotations()
        return {
            "deployment": {"replicas": self.replicas},
            "podDisruptionBudget": {"enabled": self.replicas > 1, "maxUnavailable": 1},
            "ingressClass": {"enabled": True, "isDefaultClass": self.default_class, "name": self.ingress_class},
            "service": service,
            "resources": self.resources.to_manifest(),
            "metrics": {"prometheus": {"service": {"enabled": self.service_monitor},
                                       "serviceMonitor": {"enabled": self.service_monitor}}},
            "accessLog": {"enabled": True, "format": "json"},
            "providers": {**providers, "kubernetesGateway": {"enabled": self.gateway_api}},
            # Gateways are the program's (typed, with TLS: pilothouse.kubernetes.gateway), not the chart's plain-HTTP
            # one; the chart makes the class they name.
            "gateway": {"enabled": False},
            "gatewayClass": {"enabled": self.gateway_api, "name": self.ingress_class},
        }


class IngressController(pulumi.ComponentResource):
    """Traefik, installed from the pinned chart without its CRDs (routes are plain Ingress objects)."""

    def __init__(self, resource_name: str, args: IngressControllerArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("pilothouse:addons:IngressController", resource_name, None, opts)
        self.args = args
        after = list(args.public_endpoint.after) if args.public_endpoint is not None else []
        if args.gateway_api:
            after.append(k8s.yaml.v2.ConfigGroup(
                f"{resource_name}-gateway-api", files=args.charts.gateway_api_files("ingress_controller.charts"),
                opts=pulumi.ResourceOptions(parent=self)))
        namespace = namespace_name(args.namespace)
        self.chart = install(resource_name, TRAEFIK, args.charts, namespace=namespace, values=args.values(),
                             opts=child_options(self, args.namespace, after), skip_crds=True)
        #: What Ingress objects name to go through this controller.
        self.ingress_class = IngressClass(args.ingress_class, namespace,
                                          publishes_address=args.service_type is ServiceType.LOAD_BALANCER)
        #: With ``gateway_api``, what a :class:`Gateway` names to be served by Traefik: listeners on its entry
        #: points (HTTPS ``websecure`` 8443, HTTP ``web`` 8000, which its Service exposes as 443 and 80), its pods
        #: in its own namespace.
        self.gateway_class = GatewayClass(
            name=args.ingress_class, https_port=TRAEFIK_HTTPS_PORT, http_port=TRAEFIK_HTTP_PORT, bound_ports=True,
            data_plane_namespace=namespace, after=(self.chart,)) if args.gateway_api else None
        self.register_outputs({"ingress_class": args.ingress_class, "chart_version": TRAEFIK.version})
