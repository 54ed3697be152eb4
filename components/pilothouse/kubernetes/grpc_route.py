"""Gateway API GRPCRoutes: which gRPC services, methods and headers reach which Services, split by weight, with header
changes; attached to a typed :class:`~pilothouse.kubernetes.gateway.Gateway` (standard channel since v1.1).

Checked when declared, before anything is registered (what every route kind shares:
:mod:`~pilothouse.kubernetes.routes`, including that one host on a listener is served by HTTPRoutes or by GRPCRoutes,
never both); service and method names, matches and limits as the GRPCRoute CRD (v1.5) takes them. gRPC needs HTTP/2:
on an HTTPS listener the controller negotiates it (ALPN); on a plain-HTTP listener clients speak h2c with prior
knowledge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pulumi

from pilothouse.errors import InvalidValueError
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

#: The GRPCRoute CRD's CEL rules for an exact match: a fully qualified service (``shop.v1.Cart``, case-insensitive,
#: an optional leading dot) and a method name.
_SERVICE = re.compile(r"\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*", re.ASCII | re.IGNORECASE)
_METHOD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*", re.ASCII)
_MAX_NAME = 1024


@dataclass(frozen=True, kw_only=True)
class GRPCMatch(Checked, prefix="match"):
    """What a gRPC request must carry to match a rule: every condition given holds.

    Fields:
        service: the fully qualified gRPC service (``shop.v1.Cart``); ``None`` (default): any.
        method: the method (``AddItem``); ``None`` (default): any. Controllers must support a service with a method;
            a method alone is implementation-specific support.
        headers: header name to exact value (names case-insensitive; at most 16; values 1-4096 characters).

    Raises:
        InvalidValueError: naming ``match.service`` or ``match.method`` (not the CRD's characters, over 1024) or
            ``match.headers``.
    """

    service: str | None = None
    method: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, value, pattern, shape in (("service", self.service, _SERVICE, "a fully qualified gRPC service such "
                                             "as 'shop.v1.Cart' (letters, digits, '_' and dots)"),
                                            ("method", self.method, _METHOD, "a gRPC method name such as 'AddItem' "
                                             "(letters, digits and '_', not starting with a digit)")):
            if value is not None and (not isinstance(value, str) or len(value) > _MAX_NAME
                                      or not pattern.fullmatch(value)):
                raise InvalidValueError(f"match.{name}", value, f"{shape}, at most {_MAX_NAME} characters")
        header_names("match.headers", self.headers, "header", MAX_HEADER_VALUE, case_sensitive=False)

    @property
    def key(self) -> tuple[Any, ...]:
        """What identifies the requests it matches: two matches with one key match the same requests."""
        return ("grpc", (self.service or "").lower(), self.method,
                tuple(sorted((k.lower(), v) for k, v in self.headers.items())))

    def __str__(self) -> str:
        conditions = [f"{name}: {value}" for name, value in self.headers.items()]
        target = f"/{self.service or '*'}/{self.method or '*'}"
        return target + (f" [{', '.join(conditions)}]" if conditions else "")

    def to_manifest(self) -> dict[str, Any]:
        match: dict[str, Any] = {}
        if self.service is not None or self.method is not None:
            method = {"type": "Exact", "service": self.service, "method": self.method}
            match["method"] = {key: value for key, value in method.items() if value is not None}
        if self.headers:
            match["headers"] = [{"type": "Exact", "name": n, "value": v} for n, v in self.headers.items()]
        return match


@dataclass(frozen=True, kw_only=True)
class GRPCRule(Checked, prefix="rule"):
    """gRPC requests matching any of ``matches`` go to ``backends``, split by weight.

    Fields:
        matches: 1-64 :class:`GRPCMatch`, distinct (default: every service and method).
        backends: 1-16 :class:`~pilothouse.kubernetes.routes.HTTPBackend`, each Service port once, not all of weight 0.
        request_headers, response_headers: :class:`~pilothouse.kubernetes.routes.HeaderChanges` on the way in
            and out.

    Raises:
        InvalidValueError: naming ``rule.matches`` or ``rule.backends`` (none, too many, one twice, every weight 0).
    """

    matches: tuple[GRPCMatch, ...] = (GRPCMatch(),)
    backends: tuple[HTTPBackend, ...]
    request_headers: HeaderChanges | None = None
    response_headers: HeaderChanges | None = None

    def __post_init__(self) -> None:
        check_matches(self.matches)
        if not self.backends:
            raise InvalidValueError("rule.backends", [], "at least one backend")
        check_backends(self.backends)

    def to_manifest(self, route_namespace: str) -> dict[str, Any]:
        rule: dict[str, Any] = {"backendRefs": [backend.to_manifest(route_namespace) for backend in self.backends]}
        matches = [match.to_manifest() for match in self.matches]
        if any(matches):
            rule["matches"] = matches
        filters = header_filters(self.request_headers, self.response_headers)
        if filters:
            rule["filters"] = filters
        return rule


@dataclass(frozen=True, kw_only=True)
class GRPCRouteArgs(RouteArgs, prefix="grpc_route"):
    """What a :class:`GRPCRoute` needs: the fields of :class:`~pilothouse.kubernetes.routes.RouteArgs`, with
    ``rules`` 1-16 :class:`GRPCRule` (at most 128 matches in all).

    Raises:
        InvalidValueError: naming ``grpc_route.name``, ``grpc_route.rules``, ``grpc_route.hostnames``,
            ``grpc_route.listeners`` or ``grpc_route.namespace``, as :class:`~pilothouse.kubernetes.routes.RouteArgs`
            checks them.
    """

    kind: ClassVar[str] = "GRPCRoute"
    rules: tuple[GRPCRule, ...]

    def __post_init__(self) -> None:
        self.check_route()


class GRPCRoute(GatewayRoute):
    """A GRPCRoute on its Gateway (:class:`~pilothouse.kubernetes.routes.GatewayRoute`).

    Raises:
        InvalidValueError: naming ``grpc_route.rules`` when a host, service, method and headers are already served on
            one of its listeners, or ``grpc_route.hostnames`` when an HTTPRoute serves one of its hosts there.
    """

    def __init__(self, resource_name: str, args: GRPCRouteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(resource_name, args, opts)
