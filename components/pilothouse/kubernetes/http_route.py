"""Gateway API HTTPRoutes: which hosts, paths, headers, query parameters and methods reach which Services, with
weighted splits (blue/green, canary), redirects and header changes; attached to a typed :class:`Gateway`.

Checked when declared, before anything is registered (what every route kind shares:
:mod:`~pilothouse.kubernetes.routes`); matches, redirects, filters and limits as the HTTPRoute CRD (v1.5) takes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

import pulumi

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.gateway import Listener
from pilothouse.kubernetes.ingress import route_host, route_path
from pilothouse.kubernetes.ports import port_number
from pilothouse.kubernetes.routes import (
    MAX_HEADER_VALUE,
    GatewayRoute,
    HeaderChanges,
    HTTPBackend,
    RouteArgs,
    check_backends,
    check_matches,
    header_filters,
    header_names,
)
from pilothouse.typed import Checked

#: A percent sign in an HTTPRoute path starts an escape of two hex digits (the CRD's CEL rule).
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_MAX_QUERY_VALUE = 1024
REDIRECT_CODES = (301, 302, 303, 307, 308)


class PathMatch(StrEnum):
    """How a match's path compares: ``PathPrefix`` (the path and every path under it: ``/blue`` matches
    ``/blue/x``, not ``/bluex``) or ``Exact``."""

    PREFIX = "PathPrefix"
    EXACT = "Exact"


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
        header_names("match.headers", self.headers, "header", MAX_HEADER_VALUE, case_sensitive=False)
        header_names("match.query", self.query, "query parameter", _MAX_QUERY_VALUE, case_sensitive=True)

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
        check_matches(self.matches)
        if self.redirect is not None and self.backends:
            raise InvalidValueError("rule.redirect", None, "a redirect or backends, not both (the CRD refuses a "
                                                           "RequestRedirect next to backendRefs)")
        if self.redirect is not None and self.redirect.prefix is not None and (
                len(self.matches) != 1 or self.matches[0].path_match is not PathMatch.PREFIX):
            raise InvalidValueError("rule.redirect", self.redirect.prefix,
                                    "a prefix redirect on a rule whose one match is a PathPrefix (the CRD's rule)")
        if self.redirect is None and not self.backends:
            raise InvalidValueError("rule.backends", [], "at least one backend, or a redirect")
        check_backends(self.backends)

    def to_manifest(self, route_namespace: str) -> dict[str, Any]:
        rule: dict[str, Any] = {"matches": [match.to_manifest() for match in self.matches]}
        filters = header_filters(self.request_headers, self.response_headers)
        if self.redirect is not None:
            filters.append({"type": "RequestRedirect", "requestRedirect": self.redirect.to_manifest()})
        if filters:
            rule["filters"] = filters
        if self.backends:
            rule["backendRefs"] = [backend.to_manifest(route_namespace) for backend in self.backends]
        return rule


@dataclass(frozen=True, kw_only=True)
class HTTPRouteArgs(RouteArgs, prefix="http_route"):
    """What an :class:`HTTPRoute` needs: the fields of :class:`~pilothouse.kubernetes.routes.RouteArgs`, with
    ``rules`` 1-16 :class:`HTTPRule` (at most 128 matches in all).

    Raises:
        InvalidValueError: naming ``http_route.name``, ``http_route.rules`` (none, too many, too many matches, a
            redirect back to the same URL), ``http_route.hostnames`` (not a host name, twice, more than 16, served by
            no listener), ``http_route.listeners`` (not a listener of the Gateway, or one that does not admit the
            namespace) or ``http_route.namespace`` (a namespace no listener admits).
    """

    kind: ClassVar[str] = "HTTPRoute"
    rules: tuple[HTTPRule, ...]

    def __post_init__(self) -> None:
        attached = self.check_route()
        for rule in self.rules:
            for listener in attached:
                if rule.redirect is not None and rule.redirect.loops(listener, rule.matches):
                    raise InvalidValueError("http_route.rules", str(rule.matches[0]), f"a redirect that changes the "
                                            f"URL on listener '{listener.name}' (it would send clients back to the "
                                            "same URL, forever)")


class HTTPRoute(GatewayRoute):
    """An HTTPRoute on its Gateway (:class:`~pilothouse.kubernetes.routes.GatewayRoute`).

    Raises:
        InvalidValueError: naming ``http_route.rules`` when a host, path and match is already served on one of its
            listeners (by another route, or another rule of this one), or ``http_route.hostnames`` when a GRPCRoute
            serves one of its hosts there.
    """

    def __init__(self, resource_name: str, args: HTTPRouteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(resource_name, args, opts)
