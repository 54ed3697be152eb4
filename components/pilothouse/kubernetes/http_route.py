"""Gateway API HTTPRoutes: which hosts, paths, headers, query parameters and methods reach which Services, with
weighted splits (blue/green, canary), redirects and header changes; attached to a typed :class:`Gateway`.

Checked when declared, before anything is registered: each host is served by a listener of the Gateway that admits
routes from the route's namespace; no host, path and match is served twice on one listener (the Gateway API would
silently give it to the oldest route); weights, filters and limits as the HTTPRoute CRD (v1.5) takes them. A
backend in another namespace gets the ReferenceGrant it needs; an isolated namespace of ours lets the Gateway's pods
reach the routed pods.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.gateway import (
    GATEWAY_API,
    REDIRECT_LISTENER,
    Gateway,
    Listener,
    ServedRoute,
)
from pilothouse.kubernetes.ingress import PathType, Route, route_host, route_path
from pilothouse.kubernetes.names import annotation_map, dns_label, dns_subdomain, labels, shortened
from pilothouse.kubernetes.namespace import Namespace
from pilothouse.kubernetes.network_policy import Direction, TrafficRule
from pilothouse.kubernetes.ports import port_number
from pilothouse.kubernetes.reference_grant import reference_grants
from pilothouse.kubernetes.service import Service, ServicePort
from pilothouse.kubernetes.workload import NamespaceRef, in_cluster_of, let_in, namespace_name, object_metadata
from pilothouse.typed import Checked, by_type

#: An HTTP header or query parameter name as the HTTPRoute CRD takes it (an RFC 7230 token, at most 256).
_TOKEN = re.compile(r"[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,256}", re.ASCII)
#: Control characters no HTTP field value carries (RFC 9110, section 5.5); tab is allowed.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
#: A percent sign in an HTTPRoute path starts an escape of two hex digits (the CRD's CEL rule).
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: Limits of the HTTPRoute CRD (v1.5).
MAX_HOSTNAMES, MAX_RULES, MAX_MATCHES, MAX_ALL_MATCHES, MAX_BACKENDS, MAX_HEADERS = 16, 16, 64, 128, 16, 16
MAX_PARENTS = 32
MAX_WEIGHT = 1_000_000
_MAX_HEADER_VALUE, _MAX_QUERY_VALUE = 4096, 1024
REDIRECT_CODES = (301, 302, 303, 307, 308)


class PathMatch(StrEnum):
    """How a match's path compares: ``PathPrefix`` (the path and every path under it: ``/blue`` matches
    ``/blue/x``, not ``/bluex``) or ``Exact``."""

    PREFIX = "PathPrefix"
    EXACT = "Exact"


#: An Ingress-style :class:`Route`'s path type as an HTTPRoute path match.
_PATH_MATCH = {PathType.PREFIX: PathMatch.PREFIX, PathType.EXACT: PathMatch.EXACT}


class HTTPMethod(StrEnum):
    """A request method a match may require."""

    GET = "GET"
    HEAD = "HEAD"
    POST = "POST"
    PUT = "PUT"
    DELETE = "DELETE"
    CONNECT = "CONNECT"
    OPTIONS = "OPTIONS"
    TRACE = "TRACE"
    PATCH = "PATCH"


def http_path(field: str, path: str) -> str:
    """A path an HTTPRoute takes: :func:`~pilothouse.kubernetes.ingress.route_path`'s rules, and each ``%`` followed
    by two hex digits (the CRD's CEL rule).

    Raises:
        InvalidValueError: naming ``field``.
    """
    route_path(field, path)
    if _BAD_ESCAPE.search(path):
        raise InvalidValueError(field, path, "a path whose '%' each start an escape such as '%20'")
    return path


def _names(field: str, values: dict[str, str], what: str, max_value: int, *, case_sensitive: bool) -> None:
    """Header or query parameter names and values as the CRD takes them: at most 16, tokens, distinct."""
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
        if _CONTROL.search(value):
            # RFC 9110 field values carry no CR, LF or NUL; a controller refuses the route, or splits the header.
            raise InvalidValueError(f"{field}[{name!r}]", value, "a value without control characters (CR, LF, NUL)")


@dataclass(frozen=True, kw_only=True)
class HTTPMatch(Checked, prefix="match"):
    """What a request must carry to match a rule: every condition given holds.

    Fields:
        path: an absolute path (default ``/``; see :func:`http_path`).
        path_match: :class:`PathMatch` (default ``PathPrefix``).
        headers: header name to exact value (names case-insensitive; at most 16; values 1-4096 characters).
        query: query parameter name to exact value (names case-sensitive; at most 16; values 1-1024 characters).
        method: the request method; ``None`` (default): any.

    Raises:
        InvalidValueError: naming ``match.path``, ``match.headers`` or ``match.query`` (a name that is not an HTTP
            token, a name twice, too many, an empty or too long value).
    """

    path: str = "/"
    path_match: PathMatch = PathMatch.PREFIX
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    method: HTTPMethod | None = None

    def __post_init__(self) -> None:
        http_path("match.path", self.path)
        _names("match.headers", self.headers, "header", _MAX_HEADER_VALUE, case_sensitive=False)
        _names("match.query", self.query, "query parameter", _MAX_QUERY_VALUE, case_sensitive=True)

    @property
    def key(self) -> tuple[Any, ...]:
        """What identifies the requests it matches: two matches with one key match the same requests."""
        return (str(self.path_match), self.path, tuple(sorted((k.lower(), v) for k, v in self.headers.items())),
                tuple(sorted(self.query.items())), None if self.method is None else str(self.method))

    def __str__(self) -> str:
        conditions = [f"{name}: {value}" for name, value in self.headers.items()]
        conditions += [f"?{name}={value}" for name, value in self.query.items()]
        conditions += [str(self.method)] if self.method is not None else []
        exact = " (exact)" if self.path_match is PathMatch.EXACT else ""
        return self.path + exact + (f" [{', '.join(conditions)}]" if conditions else "")

    def to_manifest(self) -> dict[str, Any]:
        match: dict[str, Any] = {"path": {"type": str(self.path_match), "value": self.path}}
        if self.headers:
            match["headers"] = [{"type": "Exact", "name": n, "value": v} for n, v in self.headers.items()]
        if self.query:
            match["queryParams"] = [{"type": "Exact", "name": n, "value": v} for n, v in self.query.items()]
        if self.method is not None:
            match["method"] = str(self.method)
        return match


@dataclass(frozen=True, kw_only=True)
class HTTPBackend(Checked, prefix="backend"):
    """A Service a rule sends requests to, with its share of them.

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


@dataclass(frozen=True, kw_only=True)
class Redirect(Checked, prefix="redirect"):
    """Answer with a redirect instead of sending the request to a backend: the same URL with what is given changed.

    Fields:
        scheme: ``http`` or ``https``; hostname: a host name (no wildcard); port: 1-65535; path: a path replacing
            the whole path; prefix: a path replacing the matched prefix (``/old/x`` to ``/new/x``; the rule's one
            match must be a PathPrefix); each ``None`` (default) keeps the request's.
        status_code: 301, 302 (default), 303, 307 or 308.

    Raises:
        InvalidValueError: naming the field, or ``redirect`` when nothing changes (a redirect to the same URL loops).
    """

    scheme: str | None = None
    hostname: str | None = None
    port: int | None = None
    path: str | None = None
    prefix: str | None = None
    status_code: int = 302

    def __post_init__(self) -> None:
        if self.scheme is not None and self.scheme not in ("http", "https"):
            raise InvalidValueError("redirect.scheme", self.scheme, "'http' or 'https'")
        if self.hostname is not None:
            if isinstance(self.hostname, str) and "*" in self.hostname:
                raise InvalidValueError("redirect.hostname", self.hostname, "a host name without wildcard")
            route_host("redirect.hostname", self.hostname)
        if self.port is not None:
            port_number("redirect.port", self.port)
        if self.path is not None:
            http_path("redirect.path", self.path)
        if self.prefix is not None:
            http_path("redirect.prefix", self.prefix)
            if self.path is not None:
                raise InvalidValueError("redirect.prefix", self.prefix, "a prefix or a path to replace, not both")
        if isinstance(self.status_code, bool) or self.status_code not in REDIRECT_CODES:
            raise InvalidValueError("redirect.status_code", self.status_code,
                                    f"one of {', '.join(map(str, REDIRECT_CODES))}")
        if all(value is None for value in (self.scheme, self.hostname, self.port, self.path, self.prefix)):
            raise InvalidValueError("redirect", None, "a scheme, hostname, port or path to change (a redirect to the "
                                                      "same URL loops)")

    def loops(self, listener: Listener, matches: tuple[HTTPMatch, ...]) -> bool:
        """Whether requests matching ``matches`` on ``listener`` would be sent back to where they came from: only the
        scheme changes, to the listener's own, or only the path, to the one path an exact match takes."""
        if self.hostname is not None or self.port is not None:
            return False
        same_scheme = self.scheme is None or self.scheme == str(listener.protocol).lower()
        same_path = (self.path is None or all(m.path_match is PathMatch.EXACT and m.path == self.path for m in matches)
                     ) and (self.prefix is None or all(m.path == self.prefix for m in matches))
        return same_scheme and same_path

    def to_manifest(self) -> dict[str, Any]:
        redirect: dict[str, Any] = {"statusCode": self.status_code}
        for key, value in (("scheme", self.scheme), ("hostname", self.hostname), ("port", self.port)):
            if value is not None:
                redirect[key] = value
        if self.path is not None:
            redirect["path"] = {"type": "ReplaceFullPath", "replaceFullPath": self.path}
        if self.prefix is not None:
            redirect["path"] = {"type": "ReplacePrefixMatch", "replacePrefixMatch": self.prefix}
        return redirect


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
        _names("headers.replace", self.replace, "header", _MAX_HEADER_VALUE, case_sensitive=False)
        _names("headers.add", self.add, "header", _MAX_HEADER_VALUE, case_sensitive=False)
        _names("headers.remove", dict.fromkeys(self.remove, "-"), "header", 1, case_sensitive=False)
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


@dataclass(frozen=True, kw_only=True)
class HTTPRule(Checked, prefix="rule"):
    """Requests matching any of ``matches`` go to ``backends`` (split by weight) or get ``redirect``.

    Fields:
        matches: 1-64 :class:`HTTPMatch`, distinct (default: every path).
        backends: 1-16 :class:`HTTPBackend`, each Service port once, not all of weight 0; or none with a redirect.
        redirect: a :class:`Redirect` instead of backends.
        request_headers, response_headers: :class:`HeaderChanges` on the way in and out.

    Raises:
        InvalidValueError: naming ``rule.matches``, ``rule.backends`` (none and no redirect, both, too many, one
            twice, every weight 0) or ``rule.redirect``.
    """

    matches: tuple[HTTPMatch, ...] = (HTTPMatch(),)
    backends: tuple[HTTPBackend, ...] = ()
    redirect: Redirect | None = None
    request_headers: HeaderChanges | None = None
    response_headers: HeaderChanges | None = None

    def __post_init__(self) -> None:
        if not 1 <= len(self.matches) <= MAX_MATCHES:
            raise InvalidValueError("rule.matches", f"{len(self.matches)} matches", f"1 to {MAX_MATCHES} matches")
        keys = [match.key for match in self.matches]
        for index, key in enumerate(keys):
            if key in keys[:index]:
                raise InvalidValueError("rule.matches", str(self.matches[index]), "each match once")
        if self.redirect is not None and self.backends:
            raise InvalidValueError("rule.redirect", None, "a redirect or backends, not both (the CRD refuses a "
                                                           "RequestRedirect next to backendRefs)")
        if self.redirect is not None and self.redirect.prefix is not None and (
                len(self.matches) != 1 or self.matches[0].path_match is not PathMatch.PREFIX):
            raise InvalidValueError("rule.redirect", self.redirect.prefix,
                                    "a prefix redirect on a rule whose one match is a PathPrefix (the CRD's rule)")
        if self.redirect is None and not self.backends:
            raise InvalidValueError("rule.backends", [], "at least one backend, or a redirect")
        if len(self.backends) > MAX_BACKENDS:
            raise InvalidValueError("rule.backends", f"{len(self.backends)} backends", f"at most {MAX_BACKENDS}")
        targets = [(b.namespace, b.service.name, b.service_port().port) for b in self.backends]
        for index, target in enumerate(targets):
            if target in targets[:index]:
                raise InvalidValueError("rule.backends", f"{target[1]}:{target[2]}", "each Service port once "
                                                                                        "(weights set its share)")
        if self.backends and not any(backend.weight for backend in self.backends):
            raise InvalidValueError("rule.backends", [b.weight for b in self.backends],
                                    "at least one weight above 0 (with every weight 0 each request fails with 500)")

    def to_manifest(self, route_namespace: str) -> dict[str, Any]:
        rule: dict[str, Any] = {"matches": [match.to_manifest() for match in self.matches]}
        filters: list[dict[str, Any]] = []
        if self.request_headers is not None:
            filters.append({"type": "RequestHeaderModifier", "requestHeaderModifier":
                            self.request_headers.to_manifest()})
        if self.response_headers is not None:
            filters.append({"type": "ResponseHeaderModifier", "responseHeaderModifier":
                            self.response_headers.to_manifest()})
        if self.redirect is not None:
            filters.append({"type": "RequestRedirect", "requestRedirect": self.redirect.to_manifest()})
        if filters:
            rule["filters"] = filters
        if self.backends:
            rule["backendRefs"] = [backend.to_manifest(route_namespace) for backend in self.backends]
        return rule


@dataclass(frozen=True, kw_only=True)
class HTTPRouteArgs(Checked, prefix="http_route"):
    """What an :class:`HTTPRoute` needs.

    Fields:
        name: a DNS-1123 subdomain.
        namespace: the route's namespace; the Gateway must admit routes from it.
        gateway: the :class:`Gateway` it attaches to.
        rules: 1-16 :class:`HTTPRule` (at most 128 matches in all).
        hostnames: 0-16 distinct host names (``*.`` and a name for a suffix); each must be served by a listener it
            attaches to; none (default): the hosts of those listeners.
        listeners: the names of the Gateway's listeners to attach to; none (default): every listener that admits
            routes from the namespace and serves one of the hostnames (never the HTTP redirect's).
        labels, annotations: of the HTTPRoute object.

    Raises:
        InvalidValueError: naming ``http_route.name``, ``http_route.rules`` (none, too many, too many matches),
            ``http_route.hostnames`` (not a host name, twice, more than 16, served by no listener),
            ``http_route.listeners`` (not a listener of the Gateway, or one that does not admit the namespace) or
            ``http_route.gateway`` (no listener to attach to).
    """

    name: str
    namespace: NamespaceRef
    gateway: Gateway
    rules: tuple[HTTPRule, ...]
    hostnames: tuple[str, ...] = ()
    listeners: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        dns_subdomain("http_route.name", self.name)
        if isinstance(self.namespace, str):
            dns_label("http_route.namespace", self.namespace)
        object.__setattr__(self, "labels", labels("http_route.labels", self.labels))
        object.__setattr__(self, "annotations", annotation_map("http_route.annotations", self.annotations))
        if not 1 <= len(self.rules) <= MAX_RULES:
            raise InvalidValueError("http_route.rules", f"{len(self.rules)} rules", f"1 to {MAX_RULES} rules")
        if sum(len(rule.matches) for rule in self.rules) > MAX_ALL_MATCHES:
            raise InvalidValueError("http_route.rules", f"{sum(len(r.matches) for r in self.rules)} matches",
                                    f"at most {MAX_ALL_MATCHES} matches over all rules")
        if len(self.hostnames) > MAX_HOSTNAMES:
            raise InvalidValueError("http_route.hostnames", f"{len(self.hostnames)} hostnames",
                                    f"at most {MAX_HOSTNAMES}")
        for index, host in enumerate(self.hostnames):
            route_host(f"http_route.hostnames[{index}]", host)
            if host in self.hostnames[:index]:
                raise InvalidValueError("http_route.hostnames", host, "each host name once")
        self._check_attachment(self.attached())

    def _check_attachment(self, attached: tuple[Listener, ...]) -> None:
        """Every host served, parentRefs within the CRD's limit, no clash with the redirect, no redirect loop."""
        for host in self.hostnames:
            if not any(listener.serves(host) for listener in attached):
                raise InvalidValueError("http_route.hostnames", host, "a host a listener of Gateway "
                                        f"'{self.gateway.name}' serves ({_hosts(attached)}; a wildcard serves the "
                                        "names under it, not itself)")
        if len(attached) > MAX_PARENTS:
            raise InvalidValueError("http_route.listeners", f"{len(attached)} listeners", f"at most {MAX_PARENTS} "
                                    "listeners to attach to (the route's parentRefs): name them")
        gateway = self.gateway.args
        if (gateway.redirect_http and namespace_name(self.namespace) == self.gateway.namespace
                and self.name == f"{self.gateway.name}-{REDIRECT_LISTENER}"):
            raise InvalidValueError("http_route.name", self.name, "a name other than the Gateway's HTTP redirect "
                                                                  "route's")
        for rule in self.rules:
            for listener in attached:
                if rule.redirect is not None and rule.redirect.loops(listener, rule.matches):
                    raise InvalidValueError("http_route.rules", str(rule.matches[0]), f"a redirect that changes the "
                                            f"URL on listener '{listener.name}' (it would send clients back to the "
                                            "same URL, forever)")

    def attached(self) -> tuple[Listener, ...]:
        """The listeners of the Gateway the route attaches to (see :attr:`listeners`)."""
        gateway = self.gateway.args
        named = {listener.name: listener for listener in gateway.all_listeners()}
        route_namespace = namespace_name(self.namespace)
        for index, name in enumerate(self.listeners):
            if name in self.listeners[:index]:
                raise InvalidValueError("http_route.listeners", name, "each listener once")
            if gateway.redirect_http and name == REDIRECT_LISTENER:
                raise InvalidValueError("http_route.listeners", name, "a listener other than the HTTP redirect's "
                                                                      "(it serves the redirect only)")
            if name not in named:
                raise InvalidValueError("http_route.listeners", name,
                                        f"a listener of Gateway '{self.gateway.name}' ({', '.join(named)})")
            allowed = gateway.routes_allowed(named[name])
            if allowed.admits(self.gateway.namespace, self.namespace) is False:
                raise InvalidValueError("http_route.listeners", name, f"a listener that admits routes from namespace "
                                        f"'{route_namespace}' (it admits {allowed})")
        # By default every listener of the user's: never the HTTP redirect's.
        candidates = [named[name] for name in self.listeners] or list(gateway.listeners)
        admitting = [listener for listener in candidates
                     if gateway.routes_allowed(listener).admits(self.gateway.namespace, self.namespace) is not False]
        if not admitting:
            assert gateway.allowed_routes is not None
            raise InvalidValueError("http_route.namespace", route_namespace, f"a namespace Gateway "
                                    f"'{self.gateway.name}' admits routes from (it admits {gateway.allowed_routes})")
        attached = tuple(listener for listener in admitting
                         if not self.hostnames or any(listener.serves(host) for host in self.hostnames))
        if not attached:
            raise InvalidValueError("http_route.hostnames", list(self.hostnames), f"a host a listener of Gateway "
                                    f"'{self.gateway.name}' serves ({_hosts(admitting)}; a wildcard serves the names "
                                    "under it, not itself)")
        return attached

    def claims(self, attached: tuple[Listener, ...], also: dict[ServedRoute, str] | None = None,
               ) -> dict[ServedRoute, str]:
        """What this route serves on each of the ``attached`` listeners (:class:`ServedRoute` to its name).

        Raises:
            InvalidValueError: naming ``http_route.rules`` when any of it is served already on the Gateway, by
                ``also`` (routes about to be declared with it), or by another rule of this route.
        """
        claims: dict[ServedRoute, str] = {}
        served = {**self.gateway.served, **(also or {})}
        for listener in attached:
            hosts = [listener.effective_host(h) for h in self.hostnames if listener.serves(h)] or [
                listener.effective_host(None)]
            for host in dict.fromkeys(hosts):
                for rule in self.rules:
                    for match in rule.matches:
                        key = ServedRoute(listener.name, host, match.key)
                        owner = served.get(key) or claims.get(key)
                        if owner is not None:
                            by = "another rule of this route" if owner == self.name else f"route '{owner}'"
                            raise InvalidValueError("http_route.rules", f"{host}{match}", f"a host, path and match "
                                                    f"not served already on listener '{listener.name}' of Gateway "
                                                    f"'{self.gateway.name}' ({by} serves it)")
                        claims[key] = self.name
        return claims


def service_routes(service: Service, routes: Sequence[Route], gateway: Gateway, resource_name: str, name: str,
                   annotations: dict[str, str]) -> list[tuple[str, HTTPRouteArgs]]:
    """``Service.route(routes, gateway=...)``: ``(resource name, args)`` of one HTTPRoute per host of ``routes``, all
    checked (each host and path once, none served already on the Gateway) before any is declared."""
    by_host: dict[str | None, list[Route]] = {}
    for route in routes:
        if any(route.key == known.key for known in by_host.get(route.host, ())):
            raise InvalidValueError("route.routes", "".join(route.key), "one route per host and path")
        by_host.setdefault(route.host, []).append(route)
    if not by_host:
        raise InvalidValueError("route.routes", [], "at least one route")
    made: list[tuple[str, HTTPRouteArgs]] = []
    claimed: dict[ServedRoute, str] = {}
    for index, (host, same_host) in enumerate(by_host.items()):
        rules = tuple(HTTPRule(matches=(HTTPMatch(path=route.path, path_match=_PATH_MATCH[route.path_type]),),
                               backends=(HTTPBackend(service=service, port=route.port),)) for route in same_host)
        several = len(by_host) > 1
        args = HTTPRouteArgs(name=f"{name}-{index}" if several else name, namespace=service.args.namespace,
                             gateway=gateway, rules=rules, hostnames=(host,) if host is not None else (),
                             annotations=annotations)
        claimed.update(args.claims(args.attached(), claimed))
        made.append((f"{resource_name}-{index}" if several else resource_name, args))
    return made


def _hosts(listeners: tuple[Listener, ...] | list[Listener]) -> str:
    return ", ".join(f"{listener.name}: {listener.hostname or 'any host'}" for listener in listeners)


class HTTPRoute(k8s.apiextensions.CustomResource):
    """An HTTPRoute attached to its Gateway's listeners, one ``parentRefs`` entry per listener (explicit, so that
    it never lands on the HTTP redirect's listener); its children: the ReferenceGrants for backends in other
    namespaces, and the NetworkPolicies that let the Gateway's pods reach the routed pods in isolated namespaces.

    Raises:
        InvalidValueError: naming ``http_route.rules`` when a host, path and match is already served on one of its
            listeners (by another route, or another rule of this one).
    """

    def __init__(self, resource_name: str, args: HTTPRouteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
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
        super().__init__(resource_name, api_version=GATEWAY_API, kind="HTTPRoute",
                         metadata=object_metadata(args.name, args.namespace, args.labels, args.annotations),
                         spec=spec, opts=pulumi.ResourceOptions.merge(in_cluster_of(args.namespace, opts),
                                                                      pulumi.ResourceOptions(depends_on=depends_on)))
        reference_grants(resource_name, parent=self, from_kind="HTTPRoute", from_namespace=route_namespace,
                         from_name=args.name, to_kind="Service",
                         targets=[(b.service.args.namespace, b.service.name) for b in backends])
        self._let_gateway_in(resource_name, backends)

    def _let_gateway_in(self, resource_name: str, backends: list[HTTPBackend]) -> None:
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
