"""Routes declared on an app (``Service.route(routes, gateway=...)``) as Gateway API routes: an HTTPRoute per host, or
a GRPCRoute where the routes name a port declared gRPC (:data:`~pilothouse.kubernetes.service.H2C`)."""

from __future__ import annotations

from collections.abc import Sequence

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.gateway import Gateway, ServedRoute
from pilothouse.kubernetes.grpc_route import GRPCRouteArgs, GRPCRule
from pilothouse.kubernetes.http_route import HTTPMatch, HTTPRouteArgs, HTTPRule, PathMatch
from pilothouse.kubernetes.ingress import PathType, Route
from pilothouse.kubernetes.routes import HTTPBackend, RouteArgs
from pilothouse.kubernetes.service import H2C, Service

#: An Ingress-style :class:`Route`'s path type as an HTTPRoute path match.
_PATH_MATCH = {PathType.PREFIX: PathMatch.PREFIX, PathType.EXACT: PathMatch.EXACT}


def service_routes(service: Service, routes: Sequence[Route], gateway: Gateway, resource_name: str, name: str,
                   annotations: dict[str, str]) -> list[tuple[str, RouteArgs]]:
    """``(resource name, args)`` of one route per host of ``routes``, all checked (each host and path once, one kind
    of route per host, none served already on the Gateway) before any is declared.

    Raises:
        InvalidValueError: naming ``route.routes`` (none, a host and path twice, one host to HTTP and gRPC ports),
            ``route.path`` (a path other than ``/`` to a gRPC port: a GRPCRoute matches services and methods) or what
            :class:`HTTPRouteArgs` and :class:`GRPCRouteArgs` refuse.
    """
    by_host: dict[str | None, list[Route]] = {}
    for route in routes:
        if any(route.key == known.key for known in by_host.get(route.host, ())):
            raise InvalidValueError("route.routes", "".join(route.key), "one route per host and path")
        by_host.setdefault(route.host, []).append(route)
    if not by_host:
        raise InvalidValueError("route.routes", [], "at least one route")
    made: list[tuple[str, RouteArgs]] = []
    claimed: dict[ServedRoute, str] = {}
    for index, (host, same_host) in enumerate(by_host.items()):
        grpc = [service.port(route.port, "route.port").app_protocol == H2C for route in same_host]
        if any(grpc) and not all(grpc):
            raise InvalidValueError("route.routes", host or "any host", "routes of one host to HTTP ports or to gRPC "
                                    "ports, not both (a listener serves a host with one kind of route)")
        several = len(by_host) > 1
        route_name, hostnames = f"{name}-{index}" if several else name, (host,) if host is not None else ()
        args: RouteArgs
        if all(grpc):
            for route in same_host:
                if route.path != "/" or route.path_type is not PathType.PREFIX:
                    raise InvalidValueError("route.path", route.path, "'/' for a route to a gRPC port (a GRPCRoute "
                                            "matches services and methods: declare a GRPCRoute for those)")
            args = GRPCRouteArgs(name=route_name, namespace=service.args.namespace, gateway=gateway,
                                 hostnames=hostnames, annotations=annotations, rules=tuple(
                                     GRPCRule(backends=(HTTPBackend(service=service, port=route.port),))
                                     for route in same_host))
        else:
            args = HTTPRouteArgs(name=route_name, namespace=service.args.namespace, gateway=gateway,
                                 hostnames=hostnames, annotations=annotations, rules=tuple(
                                     HTTPRule(matches=(HTTPMatch(path=route.path,
                                                                 path_match=_PATH_MATCH[route.path_type]),),
                                              backends=(HTTPBackend(service=service, port=route.port),))
                                     for route in same_host))
        claimed.update(args.claims(args.attached(), claimed))
        made.append((f"{resource_name}-{index}" if several else resource_name, args))
    return made
