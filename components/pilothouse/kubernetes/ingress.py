"""HTTP routes declared on an app, emitted as ``networking.k8s.io/v1`` Ingress objects, or, on a Gateway, as
Gateway API HTTPRoutes (``Service.route(routes, gateway=...)``).

A :class:`Route` says which host and path reach the app; ``Service.route()`` resolves it
against the Service's own name and ports, so a backend is never a name typed twice. The
objects are controller-neutral: the controller is chosen by ``ingress_class`` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse import api_validation
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.names import annotation_map, check, dns_label, dns_subdomain, labels
from pilothouse.kubernetes.network_policy import TrafficRule
from pilothouse.kubernetes.secret import Secret, SecretType
from pilothouse.kubernetes.workload import (
    SKIP_AWAIT,
    NamespaceRef,
    let_in,
    namespace_name,
    object_metadata,
    object_options,
)
from pilothouse.typed import Checked

#: Characters a URL path carries unencoded (RFC 3986 pchar and '/'), without '*'.
_PATH = re.compile(r"/[A-Za-z0-9._~!$&'()+,;=:@%/-]*", re.ASCII)
#: What the API server refuses in an Exact or Prefix path (``invalidPathSequences``, ``invalidPathSuffixes`` of
#: ``pkg/apis/networking/validation``); the Gateway API's HTTPRoute refuses the same and '#'.
_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_PATH_SUFFIXES = ("/..", "/.")
_PATH_MAX_LENGTH = 1024  # an HTTPRoute path's maxLength
_IPV4_SLOPPY = re.compile(r"([0-9]+)\.([0-9]+)\.([0-9]+)\.([0-9]+)", re.ASCII)


def route_host(field: str, host: str) -> str:
    """An Ingress rule's host, as the API server checks it: a DNS-1123 subdomain, or ``*.`` and one
    (``IsWildcardDNS1123Subdomain``), and not an IP address.

    Raises:
        InvalidValueError: naming ``field``.
    """
    if host == "":
        raise InvalidValueError(field, host, "a host name, or None for any host")
    rule = api_validation.is_wildcard_dns1123_subdomain if isinstance(host, str) and "*" in host else \
        api_validation.is_dns1123_subdomain
    check(field, host, rule, "a host name (optionally '*.' and a host name)")
    ipv4 = _IPV4_SLOPPY.fullmatch(host)  # ParseIPSloppy: leading zeros allowed
    if ipv4 is not None and all(int(part) <= 255 for part in ipv4.groups()):
        raise InvalidValueError(field, host, "a DNS name, not an IP address")
    return host


def route_path(field: str, path: str) -> str:
    """A route's path: what the API server takes for an Exact or Prefix Ingress path (absolute; no '//', '/./',
    '/../', '%2f'; not ending in '/.' or '/..') and the Gateway API for an HTTPRoute path (at most 1024
    characters), in the characters a URL path carries unencoded. The last rule is ours: a path with a space or
    a non-ASCII character never matches a request, whose path arrives percent-encoded.

    Raises:
        InvalidValueError: naming ``field``.
    """
    allowed = ("an absolute URL path such as '/api' (RFC 3986 characters, no wildcards: a Prefix path '/blue' "
               "already matches '/blue/...')")
    if isinstance(path, str) and len(path) > _PATH_MAX_LENGTH:
        raise InvalidValueError(field, f"{path[:40]}... ({len(path)} characters)",
                                f"a path of at most {_PATH_MAX_LENGTH} characters (an HTTPRoute path's limit)")
    if not isinstance(path, str) or not _PATH.fullmatch(path):
        raise InvalidValueError(field, path, allowed)
    for sequence in _PATH_SEQUENCES:
        if sequence in path:
            raise InvalidValueError(field, path, f"{allowed}, without '{sequence}'")
    if path.endswith(_PATH_SUFFIXES):
        raise InvalidValueError(field, path, f"{allowed}, not ending in '/.' or '/..'")
    return path


class PathType(StrEnum):
    """How a route's path matches, sent as the Ingress path's ``pathType``.

    ``Prefix`` (default): the path and the paths under it (``/blue`` matches ``/blue/...``); ``Exact``: that path
    only. On a Gateway they become the HTTPRoute path match types ``PathPrefix`` and ``Exact``.
    """

    PREFIX = "Prefix"
    EXACT = "Exact"


@dataclass(frozen=True)
class IngressClass(Checked, prefix="ingress_class"):
    """The controller routes go through (``IngressController.ingress_class`` describes its own).

    ``namespace`` is where the controller runs: an isolated app namespace lets it in. Only a
    controller behind a LoadBalancer publishes an address on its Ingress objects, so only then
    does ``pulumi up`` wait for one.
    """

    name: str
    namespace: str | None = None
    publishes_address: bool = True

    def __post_init__(self) -> None:
        dns_subdomain("ingress.ingress_class", self.name)
        if self.namespace is not None:
            dns_label("ingress.ingress_class.namespace", self.namespace)


@dataclass(frozen=True)
class Route(Checked, prefix="route"):
    """Requests for ``host`` (any host when ``None``) under ``path``, sent to ``port`` of the app's Service.

    ``port`` is a Service port number or name; ``None`` means the Service's only port.
    """

    host: str | None = None
    path: str = "/"
    path_type: PathType = PathType.PREFIX
    port: int | str | None = None

    def __post_init__(self) -> None:
        if self.host is not None:
            route_host("route.host", self.host)
        route_path("route.path", self.path)

    @property
    def key(self) -> tuple[str, str]:
        return self.host or "*", self.path


@dataclass(frozen=True)
class Backend(Checked, prefix="backend"):
    """A route resolved against a Service: made by ``Service.backend()``, not by hand (its fields' types are
    still checked, so a hand-made one with a missing route fails naming the field)."""

    route: Route
    service: str
    namespace: str
    #: The Service port's name when it has one (it survives renumbering), else its number.
    port: int | str
    dependency: pulumi.Resource | None = None
    #: The pods behind the Service and the container port the traffic reaches, for network policy.
    pods: dict[str, str] = field(default_factory=dict)
    container_port: int | None = None

    def to_manifest(self) -> dict[str, Any]:
        port = {"name": self.port} if isinstance(self.port, str) else {"number": self.port}
        return {"path": self.route.path, "pathType": str(self.route.path_type),
                "backend": {"service": {"name": self.service, "port": port}}}


@dataclass(frozen=True)
class Tls(Checked, prefix="tls"):
    """Terminate TLS for ``hosts`` with a ``kubernetes.io/tls`` Secret (a Pilothouse Secret or its name)."""

    secret: Secret | str
    hosts: tuple[str, ...]

    def __post_init__(self) -> None:
        if isinstance(self.secret, Secret):
            if self.secret.args.type is not SecretType.TLS:
                raise InvalidValueError("ingress.tls.secret", self.secret.name,
                                        f"a Secret of type '{SecretType.TLS}' (made with SecretArgs.tls)")
        else:
            dns_subdomain("ingress.tls.secret", self.secret)
        if not self.hosts:
            raise InvalidValueError("ingress.tls.hosts", [], "at least one host the certificate covers")

    @property
    def secret_name(self) -> str:
        return self.secret.name if isinstance(self.secret, Secret) else self.secret


@dataclass(frozen=True, kw_only=True)
class IngressArgs(Checked, prefix="ingress"):
    """What an :class:`Ingress` needs: routes resolved against Services; ``Service.route()`` makes it for you.

    Fields:
        name: a DNS-1123 subdomain.
        namespace: the Ingress's namespace; its backend Services and TLS Secret objects must be in it.
        backends: routes resolved to Service ports (``Service.backend()``); at least one, one per host and path.
        ingress_class: see its comment; a name becomes an :class:`IngressClass` without namespace. An
            ``IngressClass`` with a ``namespace`` also lets that controller through the default deny of an
            isolated namespace of ours.
        tls: TLS terminations (:class:`Tls`); each of their hosts must be a host the routes serve.
        annotations, labels: of the Ingress object (keys and values checked as the API server checks them).

    Raises:
        InvalidValueError: naming ``ingress.name`` (not a DNS-1123 subdomain), ``ingress.ingress_class`` (a class
            name that is not a DNS-1123 subdomain), ``ingress.routes`` (no routes, a Service in another namespace,
            or two backends for one host and path), ``ingress.tls.secret`` (a Secret in another namespace) or
            ``ingress.tls.hosts`` (a host no route serves).
    """

    name: str
    namespace: NamespaceRef
    backends: tuple[Backend, ...]
    #: The controller that serves these routes (a class name, or ``None`` for the cluster default).
    ingress_class: IngressClass | str | None = None
    tls: tuple[Tls, ...] = ()
    annotations: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", labels("ingress.labels", self.labels))
        object.__setattr__(self, "annotations", annotation_map("ingress.annotations", self.annotations))
        dns_subdomain("ingress.name", self.name)
        if isinstance(self.ingress_class, str):
            object.__setattr__(self, "ingress_class", IngressClass(self.ingress_class))
        if not self.backends:
            raise InvalidValueError("ingress.routes", [], "at least one route")
        namespace = namespace_name(self.namespace)
        seen: set[tuple[str, str]] = set()
        for backend in self.backends:
            if backend.namespace != namespace:
                raise InvalidValueError("ingress.routes", f"{backend.namespace}/{backend.service}",
                                        f"Services in the Ingress's namespace '{namespace}'")
            if backend.route.key in seen:
                host, path = backend.route.key
                raise InvalidValueError("ingress.routes", f"{host}{path}", "one backend per host and path")
            seen.add(backend.route.key)
        hosts = {b.route.host for b in self.backends}
        for tls in self.tls:
            if isinstance(tls.secret, Secret) and namespace_name(tls.secret.args.namespace) != namespace:
                raise InvalidValueError("ingress.tls.secret", tls.secret_name,
                                        f"a Secret in the Ingress's namespace '{namespace}'")
            for host in tls.hosts:
                if host not in hosts:
                    raise InvalidValueError("ingress.tls.hosts", host,
                                            f"a host the routes serve ({', '.join(sorted(h for h in hosts if h))})")

    def rules(self) -> list[dict[str, Any]]:
        """One rule per host, hosts and paths in declaration order (stable renders)."""
        by_host: dict[str | None, list[dict[str, Any]]] = {}
        for backend in self.backends:
            by_host.setdefault(backend.route.host, []).append(backend.to_manifest())
        rules: list[dict[str, Any]] = []
        for host, paths in by_host.items():
            rule: dict[str, Any] = {"http": {"paths": paths}}
            if host is not None:
                rule["host"] = host
            rules.append(rule)
        return rules


class Ingress(k8s.networking.v1.Ingress):
    """An Ingress whose backends are Services' own names and ports."""

    def __init__(self, resource_name: str, args: IngressArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.args = args
        self.name = args.name
        spec: dict[str, Any] = {"rules": args.rules()}
        controller = args.ingress_class if isinstance(args.ingress_class, IngressClass) else None
        if controller is not None:
            spec["ingressClassName"] = controller.name
        if args.tls:
            spec["tls"] = [{"hosts": list(t.hosts), "secretName": t.secret_name} for t in args.tls]
        after: list[pulumi.Resource] = [b.dependency for b in args.backends if b.dependency is not None]
        after += [t.secret for t in args.tls if isinstance(t.secret, Secret)]
        annotations = dict(args.annotations)
        if controller is not None and not controller.publishes_address:
            annotations[SKIP_AWAIT] = "true"
        super().__init__(resource_name, opts=object_options(self, resource_name, opts, args.namespace, after),
                         metadata=object_metadata(args.name, args.namespace, args.labels, annotations), spec=spec)
        if controller is not None and controller.namespace is not None:
            self._let_controller_in(resource_name, args, controller.namespace)

    def _let_controller_in(self, resource_name: str, args: IngressArgs, controller_namespace: str) -> None:
        """One policy per backend Service: the controller's pods may reach its pods on the routed port."""
        ports: dict[str, tuple[dict[str, str], set[int]]] = {}
        for backend in args.backends:
            if backend.container_port is not None:
                ports.setdefault(backend.service, (backend.pods, set()))[1].add(backend.container_port)
        for service, (pods, numbers) in ports.items():
            rule = TrafficRule.ingress_from_namespace(f"{service}-from-ingress", controller_namespace,
                                                      ports=tuple(sorted(numbers)), pods=pods)
            let_in(f"{resource_name}-{service}-from-ingress", namespace=args.namespace, rule=rule, parent=self)

