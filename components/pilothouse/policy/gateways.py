"""Policy over Gateway API objects: who may publish routes on a Gateway, and no plain HTTP in production.

Read from the objects as any program declares them (Pilothouse's :class:`~pilothouse.kubernetes.Gateway` or a
hand-written one), Gateway API v1 (https://gateway-api.sigs.k8s.io/reference/spec/).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

Props = Mapping[str, Any]

GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
GRPC_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:GRPCRoute"
GROUP = "gateway.networking.k8s.io"


def _metadata(props: Props) -> tuple[str, str]:
    metadata = props.get("metadata") or {}
    return str(metadata.get("namespace") or "default"), str(metadata.get("name"))


def routes_scoped(type_: str, props: Props) -> Iterator[str]:
    """Each listener of a Gateway names the namespaces whose routes attach: ``from: All`` lets any namespace of the
    cluster publish hosts on it."""
    if type_ != GATEWAY:
        return
    _, name = _metadata(props)
    for listener in (props.get("spec") or {}).get("listeners") or []:
        if ((listener.get("allowedRoutes") or {}).get("namespaces") or {}).get("from") == "All":
            yield (f"listener '{listener.get('name')}' of Gateway '{name}' admits routes from every namespace; name "
                   "the namespaces that may attach (AllowedRoutes.labelled or AllowedRoutes.same)")


def _redirects_to_https(route: Props) -> bool:
    """Whether every rule of ``route`` answers with a redirect to HTTPS, and nothing else (a GRPCRoute has no
    redirect: never)."""
    rules = (route.get("spec") or {}).get("rules") or []
    return bool(rules) and all(
        not rule.get("backendRefs") and any(
            f.get("type") == "RequestRedirect" and (f.get("requestRedirect") or {}).get("scheme") == "https"
            for f in rule.get("filters") or [])
        for rule in rules)


def https_only(resources: Sequence[tuple[str, Props]], is_prod: Callable[[Props], bool]) -> Iterator[str]:
    """In a production stack (a resource ``is_prod`` says so), a Gateway's plain-HTTP listener only redirects to
    HTTPS: every route attached to it (naming the listener, or naming none and so attaching to all) redirects,
    and there is one."""
    if not any(is_prod(props) for _, props in resources):
        return
    # (gateway namespace, name) -> (sectionName, port, route) of each parentRef naming it
    attached: dict[tuple[str, str], list[tuple[Any, Any, Props]]] = {}
    for type_, props in resources:
        if type_ not in (HTTP_ROUTE, GRPC_ROUTE):  # a GRPCRoute never redirects: it serves
            continue
        route_namespace, _ = _metadata(props)
        for ref in (props.get("spec") or {}).get("parentRefs") or []:
            if ref.get("kind", "Gateway") == "Gateway" and ref.get("group", GROUP) == GROUP:
                key = (str(ref.get("namespace") or route_namespace), str(ref.get("name")))
                attached.setdefault(key, []).append((ref.get("sectionName"), ref.get("port"), props))
    for type_, props in resources:
        if type_ != GATEWAY:
            continue
        gateway = _metadata(props)
        for listener in (props.get("spec") or {}).get("listeners") or []:
            if listener.get("protocol") != "HTTP":
                continue
            # a parentRef names a listener by section name, or by port, or neither: then it attaches to all
            routes = [route for section, port, route in attached.get(gateway, [])
                      if section in (None, listener.get("name")) and port in (None, listener.get("port"))]
            serving = sorted(_metadata(route)[1] for route in routes if not _redirects_to_https(route))
            if serving or not routes:
                what = f"serves route(s) {', '.join(serving)}" if serving else "redirects nothing"
                yield (f"listener '{listener.get('name')}' of Gateway '{gateway[1]}' takes plain HTTP on port "
                       f"{listener.get('port')} in production and {what}; serve HTTPS, and on HTTP only the redirect "
                       "(GatewayArgs.redirect_http)")
