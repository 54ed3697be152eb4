"""Services in front of a workload's pods: ClusterIP, NodePort, LoadBalancer, headless."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, overload

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.ingress import Backend, Ingress, IngressArgs, IngressClass, Route, Tls
from pilothouse.kubernetes.names import annotation_map, dns1035_label, dns_label, labels, qualified_name
from pilothouse.kubernetes.pod_spec import PodSpec
from pilothouse.kubernetes.ports import Protocol, node_port, port_name, port_number
from pilothouse.kubernetes.service_monitor import METRICS_PORT, Scraping
from pilothouse.kubernetes.workload import NamespaceRef, namespace_name, object_metadata, object_options
from pilothouse.typed import Checked

if TYPE_CHECKING:
    from pilothouse.kubernetes.gateway import Gateway
    from pilothouse.kubernetes.routes import GatewayRoute


class _NotGiven:
    """``ingress_class`` not given (``None`` means the cluster's default class)."""


_NOT_GIVEN = _NotGiven()


class ServiceType(StrEnum):
    """The Service's ``spec.type``: how it is reached.

    ``ClusterIP`` (default, then omitted): from inside the cluster; ``NodePort``: also on a port of every node
    (30000-32767); ``LoadBalancer``: also through the cloud's load balancer. A headless Service must be
    ``ClusterIP``, and a ``ClusterIP`` Service takes no ``node_port``.
    """

    CLUSTER_IP = "ClusterIP"
    NODE_PORT = "NodePort"
    LOAD_BALANCER = "LoadBalancer"


#: The ``appProtocol`` of a port that speaks HTTP/2 over cleartext, as gRPC servers do (Kubernetes' standard value,
#: "Service: Application protocol"; Gateway API controllers then speak h2c to it, GEP-1911).
H2C = "kubernetes.io/h2c"


@dataclass(frozen=True)
class ServicePort(Checked, prefix="service_port"):
    """``port`` on the Service, forwarded to ``target`` (a container port number or name; default ``port``).

    ``app_protocol`` (``appProtocol``) names what the port speaks: an IANA service name or a domain-prefixed name
    (``kubernetes.io/h2c``, ``kubernetes.io/ws``); ``None`` (default) leaves it unset. :meth:`grpc` declares a gRPC
    port (:data:`H2C`): ``Service.route(..., gateway=...)`` then makes a GRPCRoute for it.
    """

    port: int
    target: int | str | None = None
    name: str | None = None
    node_port: int | None = None
    protocol: Protocol = Protocol.TCP
    app_protocol: str | None = None

    @classmethod
    def grpc(cls, port: int, target: int | str | None = "grpc", name: str | None = "grpc") -> ServicePort:
        """A gRPC port (HTTP/2 over cleartext, :data:`H2C`), forwarded to the container port named ``grpc``."""
        return cls(port, target=target, name=name, app_protocol=H2C)

    def __post_init__(self) -> None:
        port_number("service.port", self.port)
        if isinstance(self.target, int):
            port_number("service.target", self.target)
        elif self.target is not None:
            port_name("service.target", self.target)
        if self.name is not None:  # a Service port's own name is a DNS-1123 label, not an IANA service name
            if self.name == "":
                raise InvalidValueError("service_port.name", self.name, "a port name, or None for no name")
            dns_label("service_port.name", self.name)
        if self.node_port is not None:
            node_port("service.node_port", self.node_port)
        if self.app_protocol is not None:  # the API server's rule (ValidateServicePort): a qualified name
            qualified_name("service_port.app_protocol", self.app_protocol, "an application protocol: an IANA service "
                           "name or a domain-prefixed name such as 'kubernetes.io/h2c'")

    def to_manifest(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"port": self.port, "protocol": str(self.protocol),
                                "targetPort": self.port if self.target is None else self.target}
        if self.name is not None:
            spec["name"] = self.name
        if self.node_port is not None:
            spec["nodePort"] = self.node_port
        if self.app_protocol is not None:
            spec["appProtocol"] = self.app_protocol
        return spec


@dataclass(frozen=True, kw_only=True)
class ServiceArgs(Checked, prefix="service"):
    """What a :class:`Service` needs; a workload's ``expose()`` makes it, filling ``selector`` and ``pod``.

    Fields:
        name: a DNS-1035 label (a Service's name becomes a DNS name, so it starts with a letter: ``expose()``
            names the Service after its workload unless given ``name=``).
        namespace: the Service's namespace: a :class:`Namespace` of ours or an existing namespace's name.
        selector: see its comment.
        ports: the Service's ports (:class:`ServicePort`); at least one unless headless, each named when several.
        type: :class:`ServiceType` (default ``ClusterIP``).
        headless: ``clusterIP: None``, no virtual IP (default ``False``; only with ``ClusterIP``).
        labels, annotations: of the Service object (keys and values checked); a scraped Service also takes
            the selector's labels, as its ServiceMonitor selects it by them.
        pod, scraping: see their comments.

    Raises:
        InvalidValueError: naming ``service.name`` (not a DNS-1035 label), ``service.labels[<key>]``,
            ``service.annotations[<key>]``, ``service.ports`` (none on a Service that
            is not headless, or a missing or repeated name on a multi-port Service), ``service.ports[<i>].port`` or
            ``service.ports[<i>].node_port`` (a port or node port an earlier port uses with the same protocol),
            ``service.node_port`` (a node
            port on a ``ClusterIP`` Service), ``service.target`` (a target port no container of ``pod`` declares) or
            ``service.type`` (a headless Service that is not ``ClusterIP``).
    """

    name: str
    namespace: NamespaceRef
    #: The pods' labels: derived from the workload by ``expose()``, never retyped.
    selector: dict[str, str]
    ports: tuple[ServicePort, ...]
    type: ServiceType = ServiceType.CLUSTER_IP
    headless: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    #: The pods behind the Service, to check target ports against their containers.
    pod: PodSpec | None = None
    #: Given by the monitoring add-on: a port named ``metrics`` then gets a ServiceMonitor.
    scraping: Scraping | None = None

    def __post_init__(self) -> None:
        dns1035_label("service.name", self.name)
        labels("service.labels", self.labels)
        labels("service.selector", self.selector)
        annotation_map("service.annotations", self.annotations)
        if not self.ports and not self.headless:
            raise InvalidValueError("service.ports", [], "at least one port (only a headless Service may have none)")
        names = [p.name for p in self.ports]
        if len(self.ports) > 1 and (None in names or len(set(names)) != len(names)):
            raise InvalidValueError("service.ports", names, "a unique name for every port of a multi-port Service")
        # The API server refuses a (port, protocol) pair, or a (node port, protocol) pair, given twice
        # (pkg/apis/core/validation ValidateService, "Check for duplicate Ports" / "NodePorts").
        seen: dict[tuple[str, Protocol, int], int] = {}
        for index, port in enumerate(self.ports):
            for kind, number in (("port", port.port), ("node_port", port.node_port)):
                if number is None:
                    continue
                first = seen.setdefault((kind, port.protocol, number), index)
                if first != index:
                    raise InvalidValueError(f"service.ports[{index}].{kind}", number,
                                            f"a {kind.replace('_', ' ')} not already used by ports[{first}] with "
                                            f"protocol {port.protocol}")
        for port in self.ports:
            if port.node_port is not None and self.type is ServiceType.CLUSTER_IP:
                raise InvalidValueError("service.node_port", port.node_port,
                                        "no nodePort on a ClusterIP Service (use type NodePort or LoadBalancer)")
            if self.pod is not None:
                target = port.port if port.target is None else port.target
                if not any(c.port(target) for c in self.pod.containers):
                    declared = sorted({str(p.name or p.number) for c in self.pod.containers for p in c.ports})
                    raise InvalidValueError("service.target", target,
                                            f"a port the workload's containers declare ({', '.join(declared)})")
        if self.headless and self.type is not ServiceType.CLUSTER_IP:
            raise InvalidValueError("service.type", str(self.type), "'ClusterIP' for a headless Service")

    def container_port(self, port: ServicePort) -> int | None:
        """The number the pods listen on behind ``port`` (``None`` when the pods are not known)."""
        target = port.port if port.target is None else port.target
        if isinstance(target, int):
            return target
        found = next((p for c in self.pod.containers if (p := c.port(target)) is not None), None) if self.pod else None
        return found.number if found else None


class Service(k8s.core.v1.Service):
    """A Service selecting a workload's pods."""

    def __init__(self, resource_name: str, args: ServiceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.args = args
        self.name = args.name
        self._resource_name = resource_name
        #: The names of the routes made by :meth:`route` so far.
        self._routes: set[str] = set()
        spec: dict[str, Any] = {"selector": args.selector, "ports": [p.to_manifest() for p in args.ports]}
        if args.type is not ServiceType.CLUSTER_IP:
            spec["type"] = str(args.type)
        if args.headless:
            spec["clusterIP"] = "None"
        scraped = args.scraping is not None and any(p.name == METRICS_PORT for p in args.ports)
        # A ServiceMonitor selects Services by their labels: a scraped Service is labelled like its pods.
        service_labels = {**args.selector, **args.labels} if scraped else args.labels
        body: dict[str, Any] = {"metadata": object_metadata(args.name, args.namespace, service_labels,
                                                            args.annotations), "spec": spec}
        super().__init__(resource_name, opts=object_options(self, resource_name, opts, args.namespace), **body)
        if scraped and args.scraping is not None:
            metrics = next(p for p in args.ports if p.name == METRICS_PORT)
            args.scraping.monitor(resource_name, service=args.name, namespace=args.namespace,
                                  selector=service_labels, pods=args.selector,
                                  container_port=args.container_port(metrics), parent=self, after=[self])

    def port(self, port: int | str | None, field: str) -> ServicePort:
        """The port of this Service a route names, by number or name (``None``: its only port).

        Raises:
            InvalidValueError: naming ``field``: no such port, or ``None`` while several serve.
        """
        ports = self.args.ports
        matches: tuple[ServicePort, ...]
        if port is None:
            matches = ports if len(ports) == 1 else ()
        else:
            matches = tuple(p for p in ports if port in (p.port, p.name))
        if not matches:
            declared = ", ".join(f"{p.port}/{p.name}" if p.name else str(p.port) for p in ports)
            allowed = "a port of" if port is not None else "a port named explicitly, as several serve"
            raise InvalidValueError(field, port, f"{allowed} Service '{self.name}' ({declared})")
        return matches[0]

    def backend(self, route: Route) -> Backend:
        """``route`` aimed at this Service: its name, and the port the route names (or its only port)."""
        port = self.port(route.port, "route.port")
        return Backend(route, self.name, namespace_name(self.args.namespace),
                       port.name if port.name is not None else port.port, self,
                       pods=self.args.selector, container_port=self.args.container_port(port))

    @overload
    def route(self, routes: Sequence[Route], *, ingress_class: IngressClass | str | None, tls: Sequence[Tls] = (),
              name: str | None = None, annotations: dict[str, str] | None = None) -> Ingress: ...

    @overload
    def route(self, routes: Sequence[Route], *, gateway: Gateway, name: str | None = None,
              annotations: dict[str, str] | None = None) -> tuple[GatewayRoute, ...]: ...

    def route(self, routes: Sequence[Route], *, ingress_class: IngressClass | str | _NotGiven | None = _NOT_GIVEN,
              gateway: Gateway | None = None, tls: Sequence[Tls] = (), name: str | None = None,
              annotations: dict[str, str] | None = None) -> Ingress | tuple[GatewayRoute, ...]:
        """``routes`` to this Service: with ``ingress_class``, an Ingress for that controller (an ``IngressClass``
        with the controller's namespace also lets it through the namespace's default deny); with ``gateway``, Gateway
        API routes attached to it, one per host in the order hosts first appear, named ``name`` (default the
        Service's), or ``<name>-<index>`` when there are several hosts: an HTTPRoute (a route's ``Exact`` path type
        becomes an ``Exact`` path match), or a GRPCRoute when the routes name a gRPC port (:meth:`ServicePort.grpc`).
        A second call takes another ``name``.

        Raises:
            InvalidValueError: naming ``route.routes`` (not a list of Route), ``route.tls``, ``route.name`` (taken by
                an earlier call), ``route.gateway`` (both or neither of ``ingress_class`` and ``gateway``), or what
                :class:`IngressArgs` or :func:`~pilothouse.kubernetes.app_routes.service_routes` refuse.
        """
        if isinstance(routes, str | bytes) or not isinstance(routes, Sequence) or not all(
                isinstance(route, Route) for route in routes):
            raise InvalidValueError("route.routes", routes, "a list of Route")
        if isinstance(tls, str | bytes) or not isinstance(tls, Sequence) or not all(isinstance(t, Tls) for t in tls):
            raise InvalidValueError("route.tls", tls, "a list of Tls")
        name = self.name if name is None else name
        if name in self._routes:  # its resource name, derived from the Service's, would be taken twice
            raise InvalidValueError("route.name", name, "a name no earlier route() of this Service took (pass name=)")
        if (gateway is None) == isinstance(ingress_class, _NotGiven):
            raise InvalidValueError("route.gateway", None if gateway is None else gateway.name,
                                    "either ingress_class (an Ingress) or gateway (HTTPRoutes), not both")
        if gateway is not None:
            if tls:
                raise InvalidValueError("route.tls", [t.secret_name for t in tls], "no tls with a gateway: its "
                                        "HTTPS listeners terminate TLS (Listener.https(certificates=...))")
            # app_routes imports this module (routes' backends are Services): imported here, when first needed
            from pilothouse.kubernetes import routes as gateway_routes  # noqa: PLC0415
            from pilothouse.kubernetes.app_routes import service_routes  # noqa: PLC0415

            declared = service_routes(self, routes, gateway, self._resource_suffix(name), name, annotations or {})
            self._routes.add(name)
            return tuple(gateway_routes.GatewayRoute(resource_name, args, pulumi.ResourceOptions(parent=self))
                         for resource_name, args in declared)
        assert not isinstance(ingress_class, _NotGiven)
        args = IngressArgs(name=name, namespace=self.args.namespace,
                           backends=tuple(self.backend(r) for r in routes), ingress_class=ingress_class,
                           tls=tuple(tls), annotations=annotations or {})
        resource_name = self._resource_suffix(name)
        self._routes.add(name)
        return Ingress(resource_name, args, pulumi.ResourceOptions(parent=self))

    def _resource_suffix(self, name: str) -> str:
        """The resource name of a route named ``name``: the Service's for its first route (as it always was, so
        existing stacks keep their URNs), ``<service resource>-<name>`` for later ones."""
        return f"{self._resource_name}-{name}" if self._routes else self._resource_name
