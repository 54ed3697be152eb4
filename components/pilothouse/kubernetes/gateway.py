"""Gateway API Gateways: listeners per host, port and protocol; TLS terminated with typed certificate Secrets; the
namespaces whose routes may attach; an optional HTTP to HTTPS redirect.

Gateway API v1, standard channel (``gateway.networking.k8s.io/v1``, https://gateway-api.sigs.k8s.io/reference/spec/).
The CRDs' schemas and CEL rules are what the API server enforces: the oracle tests send every Gateway a test renders
to a real API server with them installed. Routes attach with :class:`~pilothouse.kubernetes.http_route.HTTPRoute`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse import api_validation
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.ingress import route_host
from pilothouse.kubernetes.names import annotation_map, dns_label, dns_subdomain, labels, shortened
from pilothouse.kubernetes.namespace import Namespace
from pilothouse.kubernetes.network_policy import Direction, TrafficRule
from pilothouse.kubernetes.ports import port_number
from pilothouse.kubernetes.reference_grant import reference_grants
from pilothouse.kubernetes.secret import Secret, SecretType
from pilothouse.kubernetes.workload import (
    NamespaceRef,
    child_options,
    in_cluster_of,
    let_in,
    namespace_name,
    object_metadata,
)
from pilothouse.typed import Checked

GATEWAY_API = "gateway.networking.k8s.io/v1"
#: The default allowed routes of a Gateway: namespaces labelled ``<its namespace>.gateway.pilothouse.dev/<its name>:
#: attach`` (:func:`attach_label`).
ATTACH_LABEL_DOMAIN = "gateway.pilothouse.dev"
ATTACH_LABEL_VALUE = "attach"
#: The label implementations put on the pods they run for a Gateway (Gateway API, GEP-1762).
GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name"
#: The listener :attr:`GatewayArgs.redirect_http` adds, and its route.
REDIRECT_LISTENER = "http-redirect"
#: Schema limits of the Gateway CRD (v1.5): listeners per Gateway, certificates per listener.
_MAX_LISTENERS = 64
#: A route's ``spec.hostnames`` (HTTPRoute and GRPCRoute CRDs: maxItems).
MAX_HOSTNAMES = 16
_MAX_CERTIFICATES = 64


class ListenerProtocol(StrEnum):
    """What a listener speaks: ``HTTP``, or ``HTTPS`` terminating TLS with its certificates."""

    HTTP = "HTTP"
    HTTPS = "HTTPS"


@dataclass(frozen=True)
class CertificateRef(Checked, prefix="certificate"):
    """A ``kubernetes.io/tls`` Secret this program does not declare (issued by cert-manager, or another stack's).

    Raises:
        InvalidValueError: naming ``certificate.name`` (not a DNS-1123 subdomain) or ``certificate.namespace``.
    """

    name: str
    namespace: str

    def __post_init__(self) -> None:
        dns_subdomain("certificate.name", self.name)
        dns_label("certificate.namespace", self.namespace)


Certificate = Secret | CertificateRef


def _certificate(certificate: Certificate) -> tuple[NamespaceRef, str]:
    """``(namespace, name)`` of a certificate Secret."""
    if isinstance(certificate, Secret):
        return certificate.args.namespace, certificate.name
    return certificate.namespace, certificate.name


def _covers(name: str, host: str) -> bool:
    """Whether a certificate for ``name`` (a DNS name, ``*.`` for one label: RFC 6125) is valid for a host the
    listener host ``host`` serves: that host itself, or for a wildcard listener (which serves any name under it, the
    Gateway API's rule) a name under it."""
    if name == host:
        return True
    if host.startswith("*."):
        return name.endswith(host[1:])
    return name.startswith("*.") and host.partition(".")[2] == name[2:]


@dataclass(frozen=True, kw_only=True)
class Listener(Checked, prefix="listener"):
    """One way into a Gateway: a port, a protocol and, optionally, one host name; build it with :meth:`https` or
    :meth:`http`.

    Fields:
        name: the listener's section name, which a route may name (a DNS-1123 subdomain).
        port: 1-65535; ``None``: the port its Gateway's class serves the protocol on (:class:`GatewayClass`
            ``https_port`` or ``http_port``: 443 and 80, Traefik's 8443 and 8000), set when the Gateway is declared.
        protocol: :class:`ListenerProtocol`.
        hostname: the host it serves (``*.`` and a host name for a suffix match); ``None`` (default): any host.
        certificates: for HTTPS, the TLS Secrets it presents (1-64: a Pilothouse :class:`Secret` of type
            ``kubernetes.io/tls``, or a :class:`CertificateRef`); none for HTTP. One in another namespace than the
            Gateway's gets the ReferenceGrant it needs there.

    Raises:
        InvalidValueError: naming ``listener.name``, ``listener.port``, ``listener.hostname`` (not a host name, or an
            IP address: the Gateway API takes names only) or ``listener.certificates`` (none for HTTPS, any for HTTP,
            more than 64, or a Secret of another type).
    """

    name: str
    port: int | None
    protocol: ListenerProtocol
    hostname: str | None = None
    certificates: tuple[Secret | CertificateRef, ...] = ()

    def __post_init__(self) -> None:
        dns_subdomain("listener.name", self.name)
        if self.port is not None:
            port_number("listener.port", self.port)
        for certificate in self.certificates if isinstance(self.certificates, tuple) else ():
            if isinstance(getattr(certificate, "secret", None), Secret):  # a SelfSignedCertificate
                raise InvalidValueError("listener.certificates", type(certificate).__name__,
                                        f"Secrets or CertificateRefs: pass its .secret ({type(certificate).__name__}"
                                        ".secret)")
        if self.hostname is not None:
            route_host("listener.hostname", self.hostname)
        if self.protocol is ListenerProtocol.HTTPS and not self.certificates:
            raise InvalidValueError("listener.certificates", self.certificates, "at least one TLS certificate Secret "
                                    "for an HTTPS listener (Listener.https(certificates=...))")
        if self.protocol is ListenerProtocol.HTTP and self.certificates:
            raise InvalidValueError("listener.certificates", [_certificate(c)[1] for c in self.certificates],
                                    "no certificates on an HTTP listener (TLS is terminated by HTTPS listeners)")
        if len(self.certificates) > _MAX_CERTIFICATES:
            raise InvalidValueError("listener.certificates", f"{len(self.certificates)} certificates",
                                    f"at most {_MAX_CERTIFICATES} per listener")
        for certificate in self.certificates:
            if isinstance(certificate, Secret) and certificate.args.type is not SecretType.TLS:
                raise InvalidValueError("listener.certificates", certificate.name,
                                        f"a Secret of type '{SecretType.TLS}' (made with SecretArgs.tls)")
        known = [c for c in self.certificates if isinstance(c, Secret) and c.certificate_hosts is not None]
        if self.hostname is not None and known and len(known) == len(self.certificates) and not any(
                _covers(name, self.hostname) for c in known for name in c.certificate_hosts or ()):
            # Clients refuse a certificate that does not name the host they asked for.
            raise InvalidValueError("listener.certificates", [c.name for c in known], f"a certificate valid for "
                                    f"'{self.hostname}' (" + "; ".join(
                                        f"Secret '{c.name}' is for {', '.join(c.certificate_hosts or ()) or 'no name'}"
                                        for c in known) + ")")

    @classmethod
    def https(cls, name: str = "https", *, certificates: tuple[Secret | CertificateRef, ...],
              hostname: str | None = None, port: int | None = None) -> Listener:
        """An HTTPS listener terminating TLS with ``certificates`` (default: the class's HTTPS port, any host)."""
        return cls(name=name, port=port, protocol=ListenerProtocol.HTTPS, hostname=hostname,
                   certificates=certificates)

    @classmethod
    def http(cls, name: str = "http", *, hostname: str | None = None, port: int | None = None) -> Listener:
        """A plain HTTP listener (default: the class's HTTP port, any host)."""
        return cls(name=name, port=port, protocol=ListenerProtocol.HTTP, hostname=hostname)

    @property
    def number(self) -> int:
        """The port, once known (a listener without one takes its class's when its Gateway is declared)."""
        if self.port is None:
            raise ValueError(f"listener '{self.name}': its port is set by its Gateway")
        return self.port

    def serves(self, host: str | None) -> bool:
        """Whether a route for ``host`` (``None``: the listener's own hosts) can be served here: the Gateway API's
        hostname intersection (a ``*.`` name matches any name under it, not the name itself)."""
        if host is None or self.hostname is None or host == self.hostname:
            return True
        return any(wildcard.startswith("*.") and name.endswith(wildcard[1:])
                   for wildcard, name in ((self.hostname, host), (host, self.hostname)))

    def effective_host(self, host: str | None) -> str:
        """The hosts a route for ``host`` (``None``: any) is served for here, as one name or pattern: the narrower of
        the two (``*`` for any host); two routes with one effective host and match tie, and the oldest wins."""
        if host is None or host == self.hostname:
            return self.hostname or "*"
        if self.hostname is None or (self.hostname.startswith("*.") and host.endswith(self.hostname[1:])):
            return host
        return self.hostname  # a wildcard host covering this listener's

    def to_manifest(self, allowed_routes: AllowedRoutes) -> dict[str, Any]:
        listener: dict[str, Any] = {"name": self.name, "port": self.port, "protocol": str(self.protocol),
                                    "allowedRoutes": allowed_routes.to_manifest()}
        if self.hostname is not None:
            listener["hostname"] = self.hostname
        if self.certificates:
            refs = []
            for certificate in self.certificates:
                namespace, name = _certificate(certificate)
                refs.append({"kind": "Secret", "group": "", "name": name, "namespace": namespace_name(namespace)})
            listener["tls"] = {"mode": "Terminate", "certificateRefs": refs}
        return listener


class RoutesFrom(StrEnum):
    """Which namespaces' routes may attach to a listener (``allowedRoutes.namespaces.from``)."""

    SAME = "Same"
    SELECTOR = "Selector"
    ALL = "All"


@dataclass(frozen=True)
class AllowedRoutes(Checked, prefix="gateway.allowed_routes"):
    """The namespaces whose routes may attach: build it with :meth:`same`, :meth:`labelled` or :meth:`all`.

    ``all()`` lets any namespace of the cluster publish routes on the Gateway: an explicit, visible opt-out (the
    policy pack flags it).
    """

    namespaces: RoutesFrom
    labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", labels("gateway.allowed_routes.labels", self.labels))
        if self.namespaces is RoutesFrom.SELECTOR and not self.labels:
            raise InvalidValueError("gateway.allowed_routes.labels", {}, "at least one label a namespace must carry")
        if self.namespaces is not RoutesFrom.SELECTOR and self.labels:
            raise InvalidValueError("gateway.allowed_routes.labels", self.labels,
                                    f"no labels with namespaces from '{self.namespaces}' (labels select namespaces "
                                    "with AllowedRoutes.labelled)")

    @classmethod
    def same(cls) -> AllowedRoutes:
        """Routes in the Gateway's own namespace only."""
        return cls(RoutesFrom.SAME)

    @classmethod
    def labelled(cls, namespace_labels: dict[str, str]) -> AllowedRoutes:
        """Routes in namespaces carrying every one of ``namespace_labels``."""
        return cls(RoutesFrom.SELECTOR, namespace_labels)

    @classmethod
    def all(cls) -> AllowedRoutes:
        """Routes in any namespace."""
        return cls(RoutesFrom.ALL)

    def admits(self, gateway_namespace: str, namespace: NamespaceRef) -> bool | None:
        """Whether routes in ``namespace`` may attach; ``None`` when it cannot be told (a namespace given by name,
        whose labels this program does not know)."""
        if self.namespaces is RoutesFrom.ALL:
            return True
        if self.namespaces is RoutesFrom.SAME:
            return namespace_name(namespace) == gateway_namespace
        if not isinstance(namespace, Namespace):
            return None
        return self.labels.items() <= namespace.labels.items()

    def __str__(self) -> str:
        if self.namespaces is RoutesFrom.SELECTOR:
            return "namespaces labelled " + ", ".join(f"{key}={value}" for key, value in self.labels.items())
        return {RoutesFrom.SAME: "the Gateway's namespace only", RoutesFrom.ALL: "any namespace"}[self.namespaces]

    def to_manifest(self) -> dict[str, Any]:
        namespaces: dict[str, Any] = {"from": str(self.namespaces)}
        if self.namespaces is RoutesFrom.SELECTOR:
            namespaces["selector"] = {"matchLabels": self.labels}
        return {"namespaces": namespaces}


@dataclass(frozen=True, kw_only=True)
class GatewayClass(Checked, prefix="gateway_class"):
    """A GatewayClass the cluster serves, and what its data plane asks of a Gateway.

    A class the cluster already provides is named as it is (:meth:`provided`: AKS application routing's
    ``approuting-istio``, Application Gateway for Containers' ``azure-alb-external``): Pilothouse installs no
    controller. The Traefik add-on describes its own (``IngressController.gateway_class``).

    Fields:
        name: the GatewayClass's name, a DNS-1123 subdomain.
        https_port, http_port: the ports its Gateways listen on for HTTPS and for plain HTTP (defaults 443 and 80).
        bound_ports: listeners may use ``https_port`` and ``http_port`` only (default ``False``). Traefik binds a
            listener to the entry point with its port, and programs none on another port (its chart: "The port must
            match a port declared in ports section"): 8443 (``websecure``) and 8000 (``web``).
        data_plane_namespace: where the pods carrying its traffic run; ``None`` (default): each Gateway's namespace.
        after: what must exist before a Gateway of this class (the Gateway API CRDs, the controller).

    Raises:
        InvalidValueError: naming ``gateway_class.name``, ``gateway_class.https_port``, ``gateway_class.http_port``
            (the two the same) or ``gateway_class.data_plane_namespace``.
    """

    name: str
    https_port: int = 443
    http_port: int = 80
    bound_ports: bool = False
    data_plane_namespace: str | None = None
    after: tuple[pulumi.Resource, ...] = ()

    def __post_init__(self) -> None:
        dns_subdomain("gateway_class.name", self.name)
        port_number("gateway_class.https_port", self.https_port)
        port_number("gateway_class.http_port", self.http_port)
        if self.http_port == self.https_port:
            raise InvalidValueError("gateway_class.http_port", self.http_port,
                                    f"another port than https_port {self.https_port}")
        if self.data_plane_namespace is not None:
            dns_label("gateway_class.data_plane_namespace", self.data_plane_namespace)

    @classmethod
    def provided(cls, name: str) -> GatewayClass:
        """A class the cluster provides, whose Gateways run their own pods and listen on any port."""
        return cls(name=name)


def attach_label(gateway: str, *, namespace: NamespaceRef) -> dict[str, str]:
    """The label a namespace carries for its routes to attach to the Gateway named ``gateway`` in ``namespace`` (a
    :class:`Namespace` of ours or a name) by default: ``{"<namespace>.gateway.pilothouse.dev/<gateway>": "attach"}``,
    for :attr:`NamespaceArgs.labels`. The Gateway's namespace is part of the key, so that two Gateways of one name
    in two namespaces each admit only the namespaces labelled for it.

    Raises:
        InvalidValueError: naming ``gateway.name`` (not a DNS-1123 subdomain, or longer than a label key's name part:
            63 characters) or ``namespace`` (not a DNS-1123 label).
    """
    if not isinstance(gateway, str):
        raise InvalidValueError("gateway.name", gateway, "a Gateway's name")
    dns_subdomain("gateway.name", gateway)
    key = _attach_key(gateway, namespace_name(namespace))
    if api_validation.is_qualified_name(key):
        raise InvalidValueError("gateway.name", gateway, f"a name of at most 63 characters, as the label "
                                                         f"'{_attach_key('<name>', '<namespace>')}' carries it")
    return {key: ATTACH_LABEL_VALUE}


def _attach_key(gateway: str, namespace: str) -> str:
    return f"{namespace}.{ATTACH_LABEL_DOMAIN}/{gateway}"


@dataclass(frozen=True, kw_only=True)
class GatewayArgs(Checked, prefix="gateway"):
    """What a :class:`Gateway` needs.

    Fields:
        name: a DNS-1123 subdomain.
        namespace: the Gateway's namespace (a :class:`Namespace` of ours, or a name).
        gateway_class: the GatewayClass whose controller serves it: a :class:`GatewayClass` (the Traefik add-on's
            ``IngressController.gateway_class``), or the name of one the cluster provides (AKS application routing's
            ``approuting-istio``, Application Gateway for Containers' ``azure-alb-external``).
        listeners: 1-64 :class:`Listener`, names distinct, one protocol per port, port and host distinct.
        allowed_routes: the namespaces whose routes may attach (:class:`AllowedRoutes`); ``None`` (default): the
            namespaces carrying :func:`attach_label` of the Gateway's name, never all.
        redirect_http: also listen for plain HTTP on ``redirect_port`` and answer every request with a permanent
            redirect (301) to the same URL over HTTPS (on port 443, the scheme's port, as clients reach it); needs an
            HTTPS listener, and no other listener on ``redirect_port``.
        redirect_port: the port the redirect listens on; ``None`` (default): the class's ``http_port`` (80; Traefik:
            its entry point 8000, which its Service exposes as 80).
        data_plane_namespace: where the pods carrying the Gateway's traffic run, so that an isolated namespace of
            ours lets them reach routed pods; ``None`` (default): the class's, else the Gateway's namespace (as AKS
            application routing and Istio deploy them).
        after: what must exist first (the Gateway API CRDs, the controller).
        labels, annotations: of the Gateway object.

    Raises:
        InvalidValueError: naming ``gateway.name``, ``gateway.gateway_class`` (not a DNS-1123 subdomain),
            ``gateway.listeners`` (none, more than 64, a name twice, one port with two protocols, the same port and
            host twice, a port its class does not bind), ``gateway.allowed_routes`` (a name too long for the default
            label) or
            ``gateway.redirect_http`` (no HTTPS listener, or ``redirect_port`` already taken) or
            ``gateway.redirect_port``.
    """

    name: str
    namespace: NamespaceRef
    gateway_class: GatewayClass | str
    listeners: tuple[Listener, ...]
    allowed_routes: AllowedRoutes | None = None
    redirect_http: bool = False
    redirect_port: int | None = None
    data_plane_namespace: str | None = None
    after: tuple[pulumi.Resource, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        dns_subdomain("gateway.name", self.name)
        if self.gateway_class is None:
            raise InvalidValueError("gateway.gateway_class", None, "a GatewayClass, or the name of a class the cluster "
                                    "provides (IngressController.gateway_class is None without gateway_api=True)")
        if isinstance(self.gateway_class, str):
            dns_subdomain("gateway.gateway_class", self.gateway_class)
            object.__setattr__(self, "gateway_class", GatewayClass.provided(self.gateway_class))
        served_by = self.served_by
        if self.redirect_port is not None and not self.redirect_http:
            raise InvalidValueError("gateway.redirect_port", self.redirect_port,
                                    "no value without redirect_http=True (the redirect listens there)")
        if self.redirect_http and self.redirect_port is None:
            object.__setattr__(self, "redirect_port", served_by.http_port)
        if self.data_plane_namespace is None:
            object.__setattr__(self, "data_plane_namespace", served_by.data_plane_namespace)
        elif served_by.data_plane_namespace not in (None, self.data_plane_namespace):
            raise InvalidValueError("gateway.data_plane_namespace", self.data_plane_namespace,
                                    f"'{served_by.data_plane_namespace}', where the pods of GatewayClass "
                                    f"'{served_by.name}' run (or no value)")
        # Listeners without a port take the class's for their protocol.
        object.__setattr__(self, "listeners", tuple(
            replace(listener, port=served_by.https_port if listener.protocol is ListenerProtocol.HTTPS
                    else served_by.http_port) if isinstance(listener, Listener) and listener.port is None
            else listener for listener in self.listeners) if isinstance(self.listeners, tuple) else self.listeners)
        object.__setattr__(self, "labels", labels("gateway.labels", self.labels))
        object.__setattr__(self, "annotations", annotation_map("gateway.annotations", self.annotations))
        if isinstance(self.namespace, str):
            dns_label("gateway.namespace", self.namespace)
        if self.data_plane_namespace is not None:
            dns_label("gateway.data_plane_namespace", self.data_plane_namespace)
        if self.redirect_port is not None:
            port_number("gateway.redirect_port", self.redirect_port)
        if self.allowed_routes is None:
            try:
                default = attach_label(self.name, namespace=self.namespace)
            except InvalidValueError:
                raise InvalidValueError("gateway.allowed_routes", None, f"namespaces given explicitly: the name "
                                        f"'{self.name}' is too long for the default label "
                                        f"'{_attach_key(self.name, namespace_name(self.namespace))}' (at most 63 "
                                        "characters after the prefix)") from None
            object.__setattr__(self, "allowed_routes", AllowedRoutes.labelled(default))
        self._check_listeners()

    @property
    def served_by(self) -> GatewayClass:
        """The GatewayClass (a name given becomes :meth:`GatewayClass.provided`)."""
        if not isinstance(self.gateway_class, GatewayClass):  # a value of another type: the type check names it
            raise TypeError(self.gateway_class)
        return self.gateway_class

    def _check_listeners(self) -> None:
        listeners = self.all_listeners()
        if not self.listeners:
            raise InvalidValueError("gateway.listeners", [], "at least one listener")
        if len(listeners) > _MAX_LISTENERS:
            raise InvalidValueError("gateway.listeners", f"{len(listeners)} listeners", f"at most {_MAX_LISTENERS}")
        if self.redirect_http:
            if not any(each.protocol is ListenerProtocol.HTTPS for each in self.listeners):
                raise InvalidValueError("gateway.redirect_http", True, "an HTTPS listener to redirect to")
            if any(each.port == self.redirect_port for each in self.listeners):
                raise InvalidValueError("gateway.redirect_http", True, f"port {self.redirect_port} free: the "
                                        "redirect listens there (redirect_port)")
            if len(self.name) > 253 - len(f"-{REDIRECT_LISTENER}"):
                raise InvalidValueError("gateway.name", self.name, f"at most {253 - len(REDIRECT_LISTENER) - 1} "
                                        f"characters with redirect_http (its route is '<name>-{REDIRECT_LISTENER}')")
        names: set[str] = set()
        protocols: dict[int, ListenerProtocol] = {}
        served: set[tuple[int, str | None]] = set()
        for listener in listeners:
            if listener.name in names:
                raise InvalidValueError("gateway.listeners", listener.name, "listener names distinct in the Gateway "
                                        "(name each: Listener.https(\"shop\", ...))")
            names.add(listener.name)
            port = listener.number
            if protocols.setdefault(port, listener.protocol) is not listener.protocol:
                # The spec's "ProtocolConflict": the controller accepts neither listener.
                raise InvalidValueError("gateway.listeners", f"{listener.name}: {listener.protocol} on {port}",
                                        f"one protocol per port (port {port} already serves {protocols[port]})")
            if (port, listener.hostname) in served:
                raise InvalidValueError("gateway.listeners", f"{listener.name}: {listener.hostname or 'any host'} on "
                                        f"{port}", "listeners that differ in port or host name")
            served.add((port, listener.hostname))
        self._check_bound_ports(listeners)

    def _check_bound_ports(self, listeners: tuple[Listener, ...]) -> None:
        served_by = self.served_by
        if served_by.bound_ports:
            for listener in listeners:
                port = served_by.https_port if listener.protocol is ListenerProtocol.HTTPS else served_by.http_port
                if listener.port != port:
                    redirect = listener.name == REDIRECT_LISTENER and self.redirect_http
                    field, shown = ("gateway.redirect_port", listener.port) if redirect else (
                        "gateway.listeners", f"{listener.name}: {listener.protocol} on {listener.port}")
                    raise InvalidValueError(field, shown, f"{listener.protocol} on port {port}: GatewayClass "
                                            f"'{served_by.name}' programs listeners on its own ports only (HTTPS "
                                            f"{served_by.https_port}, HTTP {served_by.http_port})")

    def all_listeners(self) -> tuple[Listener, ...]:
        """The listeners, with the redirect's when :attr:`redirect_http` is set."""
        if not self.redirect_http:
            return self.listeners
        assert self.redirect_port is not None  # set in __post_init__
        return (*self.listeners, Listener.http(REDIRECT_LISTENER, port=self.redirect_port))

    def routes_allowed(self, listener: Listener) -> AllowedRoutes:
        """Who may attach to ``listener``: the redirect's own route only on the redirect listener."""
        if listener.name == REDIRECT_LISTENER and self.redirect_http:
            return AllowedRoutes.same()
        assert self.allowed_routes is not None  # set in __post_init__
        return self.allowed_routes


@dataclass(frozen=True)
class ServedRoute:
    """What one HTTPRoute rule serves on one listener: the conflict key the Gateway keeps."""

    listener: str
    host: str
    match: tuple[Any, ...]


class Gateway(k8s.apiextensions.CustomResource):
    """A Gateway API Gateway; its children: the ReferenceGrants its certificates in other namespaces need, and the
    HTTP to HTTPS redirect route. Routes attach with :class:`~pilothouse.kubernetes.http_route.HTTPRoute`, which
    refuses a host, path and match another route already serves on the same listener."""

    def __init__(self, resource_name: str, args: GatewayArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self._describe(args)
        listeners = args.all_listeners()
        spec = {"gatewayClassName": args.served_by.name,
                "listeners": [listener.to_manifest(args.routes_allowed(listener)) for listener in listeners]}
        secrets = [c for listener in listeners for c in listener.certificates if isinstance(c, Secret)]
        depends_on = [*(args.namespace.objects if isinstance(args.namespace, Namespace) else ()),
                      *args.served_by.after, *args.after, *secrets]
        super().__init__(resource_name, api_version=GATEWAY_API, kind="Gateway",
                         metadata=object_metadata(args.name, args.namespace, args.labels, args.annotations),
                         spec=spec, opts=pulumi.ResourceOptions.merge(in_cluster_of(args.namespace, opts),
                                                                      pulumi.ResourceOptions(depends_on=depends_on)))
        self._let_clients_in(resource_name, listeners)
        certificates = [_certificate(c) for listener in listeners for c in listener.certificates]
        reference_grants(resource_name, parent=self, from_kind="Gateway", from_namespace=self.namespace,
                         from_name=self.name, to_kind="Secret", targets=certificates)
        if args.redirect_http:
            self._redirect(resource_name)

    @classmethod
    def existing(cls, resource_name: str, args: GatewayArgs, opts: pulumi.ResourceOptions | None = None) -> Gateway:
        """The Gateway another program declares (a platform stack's: its contract's ``gatewayName`` and
        ``gatewayNamespace``), for this program's routes to attach to. ``args`` describe it as that program declares
        it: routes are checked against its listeners' names and hosts and its allowed routes (the route's namespace
        needs :func:`attach_label` of its name by default; with a class given by name, ``data_plane_namespace``
        says where its pods run when not in the Gateway's namespace). Declare it once per program and pass the
        object around: routes are checked against each other through it. Nothing is created: Pulumi reads the object
        (``<namespace>/<name>``), so a preview fails when it does not exist, and this program never changes it (nor
        its certificates' ReferenceGrants, redirect route or NetworkPolicies, which are that program's).

        Raises:
            InvalidValueError: naming ``gateway.namespace`` (a :class:`Namespace` of this program, not a name).
        """
        if not isinstance(args.namespace, str):
            # A Namespace object is this program's: its Gateway would be too (its cluster, policies and order).
            raise InvalidValueError("gateway.namespace", args.namespace.args.name, "the name of the namespace "
                                    "another program declares the Gateway in (a string)")
        gateway = cls.__new__(cls)
        gateway._describe(args)
        k8s.apiextensions.CustomResource.__init__(
            gateway, resource_name, api_version=GATEWAY_API, kind="Gateway",
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=f"{gateway.namespace}/{args.name}")))
        return gateway

    def _describe(self, args: GatewayArgs) -> None:
        self.args = args
        self.name = args.name
        self.namespace = namespace_name(args.namespace)
        #: Who serves what on this Gateway so far (:class:`ServedRoute` to ``<kind>/<route name>``).
        self.served: dict[ServedRoute, str] = {}

    @property
    def data_plane(self) -> str:
        """The namespace whose pods carry the Gateway's traffic."""
        return self.args.data_plane_namespace or self.namespace

    @property
    def runs_pods_here(self) -> bool:
        """Whether the Gateway's pods run in its own namespace, one of ours (its NetworkPolicies are then ours)."""
        return self.data_plane == self.namespace and isinstance(self.args.namespace, Namespace)

    @property
    def pods(self) -> dict[str, str]:
        """The Gateway's pods, by the label the Gateway API asks implementations to put on what they deploy for a
        Gateway (``gateway.networking.k8s.io/gateway-name``; all pods of its namespace when the name is too long to
        be a label value)."""
        return {GATEWAY_NAME_LABEL: self.name} if len(self.name) <= 63 else {}

    def _let_clients_in(self, resource_name: str, listeners: tuple[Listener, ...]) -> None:
        """Clients reach the Gateway's pods on its listener ports, through the default deny of its isolated namespace
        (when its pods run there); what they send on to routed pods, each HTTPRoute lets out."""
        if not self.runs_pods_here:
            return
        ports = tuple(sorted({listener.number for listener in listeners}))
        for family, cidr in (("ipv4", "0.0.0.0/0"), ("ipv6", "::/0")):
            name = shortened(f"{self.name}-clients-{family}", 63)
            let_in(f"{resource_name}-{name}", namespace=self.args.namespace, parent=self, rule=TrafficRule(
                name=name, direction=Direction.INGRESS, pods=self.pods, peer_cidr=cidr, ports=ports))

    def parent_ref(self, listener: Listener) -> dict[str, Any]:
        """A route's ``parentRefs`` entry for ``listener`` of this Gateway."""
        return {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": self.name,
                "namespace": self.namespace, "sectionName": listener.name}

    def _redirect(self, resource_name: str) -> None:
        """A plain-HTTP request for a host the HTTPS listeners serve answered with a permanent redirect to the same
        URL over HTTPS; other hosts are not redirected (the controller answers 404) unless an HTTPS listener serves
        any host, or they serve more hosts than one route may name (:data:`MAX_HOSTNAMES`)."""
        listener = next(each for each in self.args.all_listeners() if each.name == REDIRECT_LISTENER)
        spec: dict[str, Any] = {"parentRefs": [self.parent_ref(listener)]}
        hosts = {each.hostname for each in self.args.listeners if each.protocol is ListenerProtocol.HTTPS}
        if None not in hosts and len(hosts) <= MAX_HOSTNAMES:
            spec["hostnames"] = sorted(host for host in hosts if host is not None)
        spec["rules"] = [{"filters": [{"type": "RequestRedirect",
                                       "requestRedirect": {"scheme": "https", "statusCode": 301}}]}]
        k8s.apiextensions.CustomResource(
            f"{resource_name}-{REDIRECT_LISTENER}", api_version=GATEWAY_API, kind="HTTPRoute",
            metadata=object_metadata(f"{self.name}-{REDIRECT_LISTENER}", self.args.namespace, self.args.labels),
            spec=spec, opts=child_options(self, self.args.namespace, [self]))
