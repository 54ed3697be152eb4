"""What Gateway API routes share (:mod:`~pilothouse.kubernetes.http_route`, :mod:`~pilothouse.kubernetes.grpc_route`):
the Services they send requests to, the header matches they take, how they attach to a Gateway's listeners, what they
serve there, and the objects they derive.

Checked when declared, before anything is registered: each host is served by a listener of the Gateway that admits
routes from the route's namespace; nothing is served twice on one listener (the Gateway API would silently give it to
the oldest route), nor one host by an HTTPRoute and a GRPCRoute; limits as the route CRDs (v1.5) take them. A backend
in another namespace gets the ReferenceGrant it needs; an isolated namespace of ours lets the Gateway's pods reach the
routed pods.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pulumi
import pulumi_kubernetes as k8s

from pilothouse import api_validation
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.gateway import (
    GATEWAY_API,
    MAX_HOSTNAMES,
    REDIRECT_LISTENER,
    AllowedRoutes,
    Gateway,
    Listener,
    ServedRoute,
    attach_label,
)
from pilothouse.kubernetes.ingress import route_host
from pilothouse.kubernetes.names import annotation_map, dns_label, dns_subdomain, labels, shortened
from pilothouse.kubernetes.namespace import Namespace
from pilothouse.kubernetes.network_policy import Direction, TrafficRule
from pilothouse.kubernetes.reference_grant import reference_grants
from pilothouse.kubernetes.service import Service, ServicePort
from pilothouse.kubernetes.workload import NamespaceRef, in_cluster_of, let_in, namespace_name, object_metadata
from pilothouse.typed import Checked, by_type

#: An HTTP header or query parameter name as the route CRDs take it (an RFC 7230 token, at most 256).
_TOKEN = re.compile(r"[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,256}", re.ASCII)
#: Limits of the HTTPRoute and GRPCRoute CRDs (v1.5).
MAX_RULES, MAX_MATCHES, MAX_ALL_MATCHES, MAX_BACKENDS, MAX_HEADERS = 16, 64, 128, 16, 16
MAX_PARENTS = 32
MAX_WEIGHT = 1_000_000
MAX_HEADER_VALUE = 4096


def header_names(field: str, values: dict[str, str], what: str, max_value: int, *, case_sensitive: bool) -> None:
    """Header or query parameter names and values as the CRDs take them: at most 16, tokens, distinct."""
    if len(values) > MAX_HEADERS:
        raise InvalidValueError(field, f"{len(values)} {what}s", f"at most {MAX_HEADERS}")
    seen: dict[str, str] = {}
    for name, value in values.items():
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise InvalidValueError(field, name, f"a {what} name of 1-256 letters, digits and !#$%&'*+-.^_`|~")
        folded = name if case_sensitive else name.lower()
        if folded in seen:
            raise InvalidValueError(field, name, f"{what} names distinct (case-insensitively: '{seen[folded]}' "
                                                 "is given already)")
        seen[folded] = name
        if not isinstance(value, str) or not 1 <= len(value) <= max_value:
            raise InvalidValueError(f"{field}[{name!r}]", value if isinstance(value, str | int | None) else
                                    by_type(value), f"a value of 1 to {max_value} characters")
        if api_validation.has_http_control(value):
            # RFC 9110 field values carry no CR, LF or NUL; a controller refuses the route, or splits the header.
            raise InvalidValueError(f"{field}[{name!r}]", value, "a value without control characters (CR, LF, NUL)")


@dataclass(frozen=True, kw_only=True)
class HTTPBackend(Checked, prefix="backend"):
    """A Service a rule sends requests to, with its share of them (an HTTPRoute's or a GRPCRoute's).

    Fields:
        service: a :class:`Service` of this program (in any namespace: one in another namespace than the route's
            gets a ReferenceGrant).
        port: a port of the Service, by number or name; ``None`` (default): its only port.
        weight: its share of the rule's requests, 0 to 1,000,000 (default 1): a backend of weight 90 next to one of
            10 gets 90 %.

    Raises:
        InvalidValueError: naming ``backend.port`` (not a port of the Service) or ``backend.weight``.
    """

    service: Service
    port: int | str | None = None
    weight: int = 1

    def __post_init__(self) -> None:
        if isinstance(self.weight, bool) or not isinstance(self.weight, int) or not 0 <= self.weight <= MAX_WEIGHT:
            raise InvalidValueError("backend.weight", self.weight, f"an integer from 0 to {MAX_WEIGHT}")
        self.service_port()

    def service_port(self) -> ServicePort:
        """The Service port the backend names."""
        return self.service.port(self.port, "backend.port")

    @property
    def namespace(self) -> str:
        return namespace_name(self.service.args.namespace)

    def to_manifest(self, route_namespace: str) -> dict[str, Any]:
        ref: dict[str, Any] = {"name": self.service.name, "port": self.service_port().port, "weight": self.weight}
        if self.namespace != route_namespace:
            ref["namespace"] = self.namespace
        return ref


def check_backends(backends: tuple[HTTPBackend, ...]) -> None:
    """A rule's backends: at most 16, each Service port once, not all of weight 0.

    Raises:
        InvalidValueError: naming ``rule.backends``.
    """
    if len(backends) > MAX_BACKENDS:
        raise InvalidValueError("rule.backends", f"{len(backends)} backends", f"at most {MAX_BACKENDS}")
    targets = [(b.namespace, b.service.name, b.service_port().port) for b in backends]
    for index, target in enumerate(targets):
        if target in targets[:index]:
            raise InvalidValueError("rule.backends", f"{target[1]}:{target[2]}", "each Service port once "
                                                                                    "(weights set its share)")
    if backends and not any(backend.weight for backend in backends):
        raise InvalidValueError("rule.backends", [b.weight for b in backends],
                                "at least one weight above 0 (with every weight 0 each request fails with 500)")


@dataclass(frozen=True, kw_only=True)
class HeaderChanges(Checked, prefix="headers"):
    """Headers to change on the request (or response): ``replace`` sets (or overwrites), ``add`` appends to what is
    there, ``remove`` drops; at most 16 of each, a name in one of them only.

    Raises:
        InvalidValueError: naming ``headers.replace``, ``headers.add`` or ``headers.remove``, or ``headers`` when
            nothing changes.
    """

    replace: dict[str, str] = field(default_factory=dict)
    add: dict[str, str] = field(default_factory=dict)
    remove: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        header_names("headers.replace", self.replace, "header", MAX_HEADER_VALUE, case_sensitive=False)
        header_names("headers.add", self.add, "header", MAX_HEADER_VALUE, case_sensitive=False)
        header_names("headers.remove", dict.fromkeys(self.remove, "-"), "header", 1, case_sensitive=False)
        if len(self.remove) != len(set(self.remove)):
            raise InvalidValueError("headers.remove", list(self.remove), "each header name once")
        given: dict[str, str] = {}
        for kind, names in (("replace", self.replace), ("add", self.add), ("remove", self.remove)):
            for name in names:
                if name.lower() in given:
                    raise InvalidValueError(f"headers.{kind}", name, f"a header not already in "
                                                                     f"headers.{given[name.lower()]}")
                given[name.lower()] = kind
        if not given:
            raise InvalidValueError("headers", None, "at least one header to replace, add or remove")

    def to_manifest(self) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        if self.replace:
            changes["set"] = [{"name": n, "value": v} for n, v in self.replace.items()]
        if self.add:
            changes["add"] = [{"name": n, "value": v} for n, v in self.add.items()]
        if self.remove:
            changes["remove"] = list(self.remove)
        return changes


def header_filters(request: HeaderChanges | None, response: HeaderChanges | None) -> list[dict[str, Any]]:
    """A rule's header modifier filters, request first."""
    filters: list[dict[str, Any]] = []
    if request is not None:
        filters.append({"type": "RequestHeaderModifier", "requestHeaderModifier": request.to_manifest()})
    if response is not None:
        filters.append({"type": "ResponseHeaderModifier", "responseHeaderModifier": response.to_manifest()})
    return filters


def check_matches(matches: tuple[Any, ...]) -> None:
    """A rule's matches: 1-64, each (by its ``key``) once.

    Raises:
        InvalidValueError: naming ``rule.matches``.
    """
    if not 1 <= len(matches) <= MAX_MATCHES:
        raise InvalidValueError("rule.matches", f"{len(matches)} matches", f"1 to {MAX_MATCHES} matches")
    keys = [match.key for match in matches]
    for index, key in enumerate(keys):
        if key in keys[:index]:
            raise InvalidValueError("rule.matches", str(matches[index]), "each match once")


@dataclass(frozen=True, kw_only=True)
class RouteArgs(Checked, prefix="route"):
    """The fields every route kind has; :class:`~pilothouse.kubernetes.http_route.HTTPRouteArgs` and
    :class:`~pilothouse.kubernetes.grpc_route.GRPCRouteArgs` are the ones to build.

    Fields:
        name: a DNS-1123 subdomain.
        namespace: the route's namespace; the Gateway must admit routes from it.
        gateway: the :class:`Gateway` it attaches to.
        rules: 1-16 rules of the route's kind (at most 128 matches in all).
        hostnames: 0-16 distinct host names (``*.`` and a name for a suffix); each must be served by a listener it
            attaches to; none (default): the hosts of those listeners.
        listeners: the names of the Gateway's listeners to attach to; none (default): every listener that admits
            routes from the namespace and serves one of the hostnames (never the HTTP redirect's).
        labels, annotations: of the route object.
    """

    #: The route's kind (``HTTPRoute``, ``GRPCRoute``).
    kind: ClassVar[str]

    name: str
    namespace: NamespaceRef
    gateway: Gateway
    #: The rules, of the route's own kind: each has ``matches`` (each with a ``key``), ``backends`` and
    #: ``to_manifest(route_namespace)``.
    rules: tuple[Any, ...]
    hostnames: tuple[str, ...] = ()
    listeners: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)

    def check_route(self) -> tuple[Listener, ...]:
        """The checks every kind makes (the subclass's ``__post_init__`` calls it); the listeners it attaches to."""
        prefix = self.field_prefix
        dns_subdomain(f"{prefix}.name", self.name)
        if isinstance(self.namespace, str):
            dns_label(f"{prefix}.namespace", self.namespace)
        object.__setattr__(self, "labels", labels(f"{prefix}.labels", self.labels))
        object.__setattr__(self, "annotations", annotation_map(f"{prefix}.annotations", self.annotations))
        if not 1 <= len(self.rules) <= MAX_RULES:
            raise InvalidValueError(f"{prefix}.rules", f"{len(self.rules)} rules", f"1 to {MAX_RULES} rules")
        if sum(len(rule.matches) for rule in self.rules) > MAX_ALL_MATCHES:
            raise InvalidValueError(f"{prefix}.rules", f"{sum(len(r.matches) for r in self.rules)} matches",
                                    f"at most {MAX_ALL_MATCHES} matches over all rules")
        if len(self.hostnames) > MAX_HOSTNAMES:
            raise InvalidValueError(f"{prefix}.hostnames", f"{len(self.hostnames)} hostnames",
                                    f"at most {MAX_HOSTNAMES}")
        for index, host in enumerate(self.hostnames):
            route_host(f"{prefix}.hostnames[{index}]", host)
            if host in self.hostnames[:index]:
                raise InvalidValueError(f"{prefix}.hostnames", host, "each host name once")
        attached = self.attached()
        for host in self.hostnames:
            if not any(listener.serves(host) for listener in attached):
                raise InvalidValueError(f"{prefix}.hostnames", host, "a host a listener of Gateway "
                                        f"'{self.gateway.name}' serves ({_hosts(attached)}; a wildcard serves the "
                                        "names under it, not itself)")
        if len(attached) > MAX_PARENTS:
            raise InvalidValueError(f"{prefix}.listeners", f"{len(attached)} listeners", f"at most {MAX_PARENTS} "
                                    "listeners to attach to (the route's parentRefs): name them")
        gateway = self.gateway.args
        if (gateway.redirect_http and namespace_name(self.namespace) == self.gateway.namespace
                and self.name == f"{self.gateway.name}-{REDIRECT_LISTENER}" and self.kind == "HTTPRoute"):
            raise InvalidValueError(f"{prefix}.name", self.name, "a name other than the Gateway's HTTP redirect "
                                                                 "route's")
        return attached

    def attached(self) -> tuple[Listener, ...]:
        """The listeners of the Gateway the route attaches to (see :attr:`listeners`)."""
        prefix = self.field_prefix
        gateway = self.gateway.args
        named = {listener.name: listener for listener in gateway.all_listeners()}
        ours = ", ".join(listener.name for listener in gateway.listeners)  # the redirect's takes no route of ours
        route_namespace = namespace_name(self.namespace)
        for index, name in enumerate(self.listeners):
            if name in self.listeners[:index]:
                raise InvalidValueError(f"{prefix}.listeners", name, "each listener once")
            if gateway.redirect_http and name == REDIRECT_LISTENER:
                raise InvalidValueError(f"{prefix}.listeners", name, "a listener other than the HTTP redirect's "
                                                                     "(it serves the redirect only)")
            if name not in named:
                raise InvalidValueError(f"{prefix}.listeners", name,
                                        f"a listener of Gateway '{self.gateway.name}' ({ours})")
            allowed = gateway.routes_allowed(named[name])
            if allowed.admits(self.gateway.namespace, self.namespace) is False:
                raise InvalidValueError(f"{prefix}.listeners", name, f"a listener that admits routes from namespace "
                                        f"'{route_namespace}' (it admits {allowed})")
        # By default every listener of the user's: never the HTTP redirect's.
        candidates = [named[name] for name in self.listeners] or list(gateway.listeners)
        admitting = [listener for listener in candidates
                     if gateway.routes_allowed(listener).admits(self.gateway.namespace, self.namespace) is not False]
        if not admitting:
            assert gateway.allowed_routes is not None
            label = attach_label(self.gateway.name, namespace=self.gateway.namespace)
            remedy = (f": labels=attach_label('{self.gateway.name}', namespace='{self.gateway.namespace}') on the "
                      "route's namespace gives it" if gateway.allowed_routes == AllowedRoutes.labelled(label) else "")
            raise InvalidValueError(f"{prefix}.namespace", route_namespace, f"a namespace Gateway "
                                    f"'{self.gateway.name}' admits routes from (it admits {gateway.allowed_routes}"
                                    f"{remedy})")
        attached = tuple(listener for listener in admitting
                         if not self.hostnames or any(listener.serves(host) for host in self.hostnames))
        if not attached:
            raise InvalidValueError(f"{prefix}.hostnames", list(self.hostnames), f"a host a listener of Gateway "
                                    f"'{self.gateway.name}' serves ({_hosts(admitting)}; a wildcard serves the names "
                                    "under it, not itself)")
        return attached

    def claims(self, attached: tuple[Listener, ...], also: dict[ServedRoute, str] | None = None,
               ) -> dict[ServedRoute, str]:
        """What this route serves on each of the ``attached`` listeners (:class:`ServedRoute` to its kind and name).

        Raises:
            InvalidValueError: naming ``<prefix>.rules`` when any of it is served already on the Gateway, by
                ``also`` (routes about to be declared with it), or by another rule of this route; or
                ``<prefix>.hostnames`` when a route of the other kind serves one of its hosts on a listener (the
                Gateway API's GRPCRoute docs, GEP-1016: an implementation does not accept both for one host).
        """
        claims: dict[ServedRoute, str] = {}
        served = {**self.gateway.served, **(also or {})}
        owner_name = f"{self.kind}/{self.name}"
        for listener in attached:
            hosts = [listener.effective_host(h) for h in self.hostnames if listener.serves(h)] or [
                listener.effective_host(None)]
            for host in dict.fromkeys(hosts):
                other = next((owner for key, owner in served.items() if key.listener == listener.name
                              and key.host == host and not owner.startswith(f"{self.kind}/")), None)
                if other is not None:
                    kind = other.partition("/")[0]
                    raise InvalidValueError(f"{self.field_prefix}.hostnames", host, f"a host no {kind} serves on "
                                            f"listener '{listener.name}' of Gateway '{self.gateway.name}' ({other} "
                                            "does: one host is served by one kind of route)")
                for rule in self.rules:
                    for match in rule.matches:
                        key = ServedRoute(listener.name, host, match.key)
                        owner = served.get(key) or claims.get(key)
                        if owner is not None:
                            by = ("another rule of this route" if owner == owner_name
                                  else f"route '{owner.partition('/')[2]}'")
                            raise InvalidValueError(f"{self.field_prefix}.rules", f"{host}{match}", f"a host, path "
                                                    f"and match not served already on listener '{listener.name}' of "
                                                    f"Gateway '{self.gateway.name}' ({by} serves it)")
                        claims[key] = owner_name
        return claims


def _hosts(listeners: tuple[Listener, ...] | list[Listener]) -> str:
    return ", ".join(f"{listener.name}: {listener.hostname or 'any host'}" for listener in listeners)


class GatewayRoute(k8s.apiextensions.CustomResource):
    """A route of ``args.kind`` attached to its Gateway's listeners, one ``parentRefs`` entry per listener (explicit,
    so that it never lands on the HTTP redirect's listener); its children: the ReferenceGrants for backends in other
    namespaces, and the NetworkPolicies that let the Gateway's pods reach the routed pods in isolated namespaces.

    Raises:
        InvalidValueError: what :meth:`RouteArgs.claims` refuses.
    """

    def __init__(self, resource_name: str, args: RouteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.args = args
        self.name = args.name
        gateway = args.gateway
        attached = args.attached()
        gateway.served.update(args.claims(attached))
        route_namespace = namespace_name(args.namespace)
        spec: dict[str, Any] = {"parentRefs": [gateway.parent_ref(listener) for listener in attached],
                                "rules": [rule.to_manifest(route_namespace) for rule in args.rules]}
        if args.hostnames:
            spec["hostnames"] = list(args.hostnames)
        backends = [backend for rule in args.rules for backend in rule.backends]
        depends_on = [*(args.namespace.objects if isinstance(args.namespace, Namespace) else ()), gateway,
                      *(backend.service for backend in backends)]
        super().__init__(resource_name, api_version=GATEWAY_API, kind=args.kind,
                         metadata=object_metadata(args.name, args.namespace, args.labels, args.annotations),
                         spec=spec, opts=pulumi.ResourceOptions.merge(in_cluster_of(args.namespace, opts),
                                                                      pulumi.ResourceOptions(depends_on=depends_on)))
        reference_grants(resource_name, parent=self, from_kind=args.kind, from_namespace=route_namespace,
                         from_name=args.name, to_kind="Service",
                         targets=[(b.service.args.namespace, b.service.name) for b in backends])
        self._let_gateway_in(resource_name, backends)

    def _let_gateway_in(self, resource_name: str, backends: Sequence[HTTPBackend]) -> None:
        """Through the default deny of isolated namespaces of ours: the Gateway's pods reach each routed pod's port
        (an ingress rule in the backend's namespace, an egress rule in the data plane's when it is the Gateway's)."""
        gateway = self.args.gateway
        data_plane = gateway.data_plane
        for backend in backends:
            port = backend.service.args.container_port(backend.service_port())
            if port is None:
                continue
            pods, namespace = backend.service.args.selector, backend.namespace
            name = shortened(f"{backend.service.name}-{port}-from-{data_plane}", 63)
            let_in(f"{resource_name}-{name}", namespace=backend.service.args.namespace, parent=self,
                   rule=TrafficRule.ingress_from_namespace(name, data_plane, ports=(port,), pods=pods))
            if gateway.runs_pods_here:
                name = shortened(f"{gateway.name}-to-{namespace}-{backend.service.name}-{port}", 63)
                let_in(f"{resource_name}-{name}", namespace=gateway.args.namespace, parent=self, rule=TrafficRule(
                    name=name, direction=Direction.EGRESS, pods=gateway.pods, peer_namespace=namespace,
                    peer_pods=pods, ports=(port,)))
