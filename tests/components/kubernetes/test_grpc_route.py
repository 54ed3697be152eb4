"""GRPCRoutes on a typed Gateway: gRPC service and method matches, weighted backends, header changes; the rules every
route kind shares (hosts served, nothing served twice, one kind of route per host on a listener).

Every render here also goes to the API-server oracle (tests/oracle) with the GRPCRoute CRD installed: its schema and
CEL rules judge each route."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes import (
    CertificateRef,
    Container,
    Deployment,
    DeploymentArgs,
    Gateway,
    GatewayArgs,
    GRPCMatch,
    GRPCRoute,
    GRPCRouteArgs,
    GRPCRule,
    HeaderChanges,
    HTTPBackend,
    HTTPRoute,
    HTTPRouteArgs,
    HTTPRule,
    Listener,
    Namespace,
    NamespaceArgs,
    PodSpec,
    Port,
    Route,
    Service,
    ServicePort,
    attach_label,
)
from tests.conftest import RunProgram

GRPC = "kubernetes:gateway.networking.k8s.io/v1:GRPCRoute"


def _cart(name: str, namespace: Namespace) -> Service:
    server = Container(name="cart", image="example.com/shop/cart:1.0", ports=(Port(50051, "grpc"),))
    deployment = Deployment(name, DeploymentArgs(name=name, namespace=namespace, pod=PodSpec(containers=(server,))))
    return deployment.expose((ServicePort(50051, target="grpc", name="grpc"),))


def _gateway() -> tuple[Gateway, Namespace]:
    edge = Namespace("edge", NamespaceArgs(name="edge"))
    gateway = Gateway("public", GatewayArgs(name="public", namespace=edge, gateway_class="approuting-istio", listeners=(
        Listener.https(hostname="*.example.com", certificates=(CertificateRef("example-com-tls", "edge"),)),)))
    return gateway, Namespace("shop", NamespaceArgs(name="shop", labels=attach_label("public", namespace=edge)))


def test_a_grpc_service_split_between_two_versions(run_program: RunProgram) -> None:
    def program() -> None:
        gateway, shop = _gateway()
        stable, canary = _cart("cart", shop), _cart("cart-canary", shop)
        GRPCRoute("cart", GRPCRouteArgs(name="cart", namespace=shop, gateway=gateway, hostnames=("grpc.example.com",),
                                        rules=(
            GRPCRule(matches=(GRPCMatch(service="shop.v1.Cart", method="Checkout"),),
                     backends=(HTTPBackend(service=stable),), request_headers=HeaderChanges(add={"x-route": "pay"})),
            GRPCRule(matches=(GRPCMatch(service="shop.v1.Cart"),),
                     backends=(HTTPBackend(service=stable, weight=95), HTTPBackend(service=canary, weight=5))))))

    render = run_program(program)  # the oracle judges the GRPCRoute against its CRD
    route = render.one(GRPC, "cart").inputs
    assert route["spec"] == {
        "parentRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "public",
                        "namespace": "edge", "sectionName": "https"}],
        "hostnames": ["grpc.example.com"],
        "rules": [
            {"matches": [{"method": {"type": "Exact", "service": "shop.v1.Cart", "method": "Checkout"}}],
             "backendRefs": [{"name": "cart", "port": 50051, "weight": 1}],
             "filters": [{"type": "RequestHeaderModifier", "requestHeaderModifier": {
                 "add": [{"name": "x-route", "value": "pay"}]}}]},
            {"matches": [{"method": {"type": "Exact", "service": "shop.v1.Cart"}}],
             "backendRefs": [{"name": "cart", "port": 50051, "weight": 95},
                             {"name": "cart-canary", "port": 50051, "weight": 5}]}]}
    # the Gateway's pods (in its own isolated namespace) reach the gRPC port of both Deployments
    policies = {r.inputs["metadata"]["name"] for r in render.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")}
    assert {"allow-cart-50051-from-edge", "allow-cart-canary-50051-from-edge"} <= policies


def test_a_rule_without_matches_serves_every_service(run_program: RunProgram) -> None:
    def program() -> None:
        gateway, shop = _gateway()
        GRPCRoute("cart", GRPCRouteArgs(name="cart", namespace=shop, gateway=gateway, rules=(
            GRPCRule(backends=(HTTPBackend(service=_cart("cart", shop)),)),)))

    assert run_program(program).one(GRPC).inputs["spec"]["rules"] == [
        {"backendRefs": [{"name": "cart", "port": 50051, "weight": 1}]}]


@pytest.mark.parametrize(("fields", "message"), [
    ({"service": "shop/v1"}, "match.service: got 'shop/v1'; expected a fully qualified gRPC service such as "
                             "'shop.v1.Cart' (letters, digits, '_' and dots), at most 1024 characters"),
    ({"service": "shop..Cart"}, "match.service: got 'shop..Cart'; expected a fully qualified gRPC service"),
    ({"service": "1shop"}, "match.service: got '1shop'; expected a fully qualified gRPC service"),
    ({"service": "a" * 1025}, "match.service: got 'aaaa"),
    ({"method": "Add-Item"}, "match.method: got 'Add-Item'; expected a gRPC method name such as 'AddItem'"),
    ({"method": ""}, "match.method: got ''; expected a gRPC method name"),
    ({"method": "Ädd"}, "match.method: got 'Ädd'; expected a gRPC method name"),
    ({"headers": {"x-a": "1\n2"}}, "match.headers['x-a']: got '1\\n2'; expected a value without control characters"),
    ({"headers": {"X-A": "1", "x-a": "2"}}, "match.headers: got 'x-a'; expected header names distinct"),
])
def test_bad_matches_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        GRPCMatch(**fields)
    assert str(error.value).startswith(message)


def test_service_names_are_case_insensitive_and_may_start_with_a_dot() -> None:
    assert GRPCMatch(service=".Shop.V1.Cart").key == GRPCMatch(service=".shop.v1.cart").key


def test_a_rule_is_checked(run_program: RunProgram) -> None:
    def program() -> None:
        _, shop = _gateway()
        cart = _cart("cart", shop)
        cases: tuple[tuple[Callable[[], GRPCRule], str], ...] = (
                (lambda: GRPCRule(backends=()), "rule.backends: got []; expected at least one backend"),
                (lambda: GRPCRule(backends=(HTTPBackend(service=cart, weight=0),)),
                 "rule.backends: got [0]; expected at least one weight above 0"),
                (lambda: GRPCRule(matches=(GRPCMatch(service="a.B"), GRPCMatch(service="a.b")),
                                  backends=(HTTPBackend(service=cart),)),
                 "rule.matches: got '/a.b/*'; expected each match once"),
                (lambda: GRPCRule(matches=(), backends=(HTTPBackend(service=cart),)),
                 "rule.matches: got '0 matches'; expected 1 to 64 matches"))
        for rule, message in cases:
            with pytest.raises(InvalidValueError) as error:
                rule()
            assert str(error.value).startswith(message)

    run_program(program)


def test_the_same_service_and_method_twice_on_a_listener_is_refused(run_program: RunProgram) -> None:
    def program() -> None:
        gateway, shop = _gateway()
        cart = _cart("cart", shop)
        rule = GRPCRule(matches=(GRPCMatch(service="shop.v1.Cart"),), backends=(HTTPBackend(service=cart),))
        GRPCRoute("a", GRPCRouteArgs(name="a", namespace=shop, gateway=gateway, hostnames=("grpc.example.com",),
                                     rules=(rule,)))
        with pytest.raises(InvalidValueError) as error:
            GRPCRoute("b", GRPCRouteArgs(name="b", namespace=shop, gateway=gateway, hostnames=("grpc.example.com",),
                                         rules=(rule,)))
        assert str(error.value) == ("grpc_route.rules: got 'grpc.example.com/shop.v1.Cart/*'; expected a host, path "
                                    "and match not served already on listener 'https' of Gateway 'public' (route 'a' "
                                    "serves it)")

    run_program(program)


def test_one_host_on_a_listener_is_served_by_one_kind_of_route(run_program: RunProgram) -> None:
    def program() -> None:
        gateway, shop = _gateway()
        cart = _cart("cart", shop)
        HTTPRoute("web", HTTPRouteArgs(name="web", namespace=shop, gateway=gateway, hostnames=("shop.example.com",),
                                       rules=(HTTPRule(backends=(HTTPBackend(service=cart),)),)))
        with pytest.raises(InvalidValueError) as error:
            GRPCRoute("cart", GRPCRouteArgs(name="cart", namespace=shop, gateway=gateway,
                                            hostnames=("shop.example.com",),
                                            rules=(GRPCRule(backends=(HTTPBackend(service=cart),)),)))
        assert str(error.value) == ("grpc_route.hostnames: got 'shop.example.com'; expected a host no HTTPRoute serves "
                                    "on listener 'https' of Gateway 'public' (HTTPRoute/web does: one host is served "
                                    "by one kind of route)")
        # another host on the same listener is fine
        GRPCRoute("cart", GRPCRouteArgs(name="cart", namespace=shop, gateway=gateway, hostnames=("grpc.example.com",),
                                        rules=(GRPCRule(backends=(HTTPBackend(service=cart),)),)))

    assert run_program(program).one(GRPC).inputs["spec"]["hostnames"] == ["grpc.example.com"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"hostnames": ("grpc.example.org",)},
     "grpc_route.hostnames: got ['grpc.example.org']; expected a host a listener of Gateway 'public' serves"),
    ({"rules": ()}, "grpc_route.rules: got '0 rules'; expected 1 to 16 rules"),
    ({"name": "Cart"}, "grpc_route.name: got 'Cart'; expected "),
    ({"listeners": ("http",)}, "grpc_route.listeners: got 'http'; expected a listener of Gateway 'public' (https)"),
])
def test_the_route_fields_are_checked_as_for_every_route_kind(
        run_program: RunProgram, fields: dict[str, Any], message: str) -> None:
    def program() -> None:
        gateway, shop = _gateway()
        rules = (GRPCRule(backends=(HTTPBackend(service=_cart("cart", shop)),)),)
        with pytest.raises(InvalidValueError) as error:
            GRPCRouteArgs(**{"name": "cart", "namespace": shop, "gateway": gateway, "rules": rules, **fields})
        assert str(error.value).startswith(message)

    run_program(program)


def _grpc_cart(shop: Namespace) -> Service:
    server = Container(name="cart", image="example.com/shop/cart:1.0", ports=(Port(50051, "grpc"), Port.http(8080)))
    deployment = Deployment("cart", DeploymentArgs(name="cart", namespace=shop, pod=PodSpec(containers=(server,))))
    return deployment.expose((ServicePort.grpc(50051), ServicePort(80, target="http", name="http")))


def test_a_route_to_a_grpc_port_becomes_a_grpc_route(run_program: RunProgram) -> None:
    def program() -> None:
        gateway, shop = _gateway()
        made = _grpc_cart(shop).route([Route(host="grpc.example.com", port="grpc")], gateway=gateway)
        assert [type(route).__name__ for route in made] == ["GatewayRoute"]

    render = run_program(program)
    assert render.one("kubernetes:core/v1:Service", "cart").inputs["spec"]["ports"][0] == {
        "port": 50051, "protocol": "TCP", "targetPort": "grpc", "name": "grpc", "appProtocol": "kubernetes.io/h2c"}
    assert render.one(GRPC, "cart").inputs["spec"] == {
        "parentRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "public",
                        "namespace": "edge", "sectionName": "https"}],
        "hostnames": ["grpc.example.com"],
        "rules": [{"backendRefs": [{"name": "cart", "port": 50051, "weight": 1}]}]}


@pytest.mark.parametrize(("routes", "message"), [
    ([Route(host="grpc.example.com", port="grpc", path="/shop.v1.Cart")],
     "route.path: got '/shop.v1.Cart'; expected '/' for a route to a gRPC port (a GRPCRoute matches services and "
     "methods: declare a GRPCRoute for those)"),
    ([Route(host="grpc.example.com", port="grpc"), Route(host="grpc.example.com", port="http", path="/api")],
     "route.routes: got 'grpc.example.com'; expected routes of one host to HTTP ports or to gRPC ports, not both (a "
     "listener serves a host with one kind of route)"),
])
def test_routes_to_a_grpc_port_are_checked(run_program: RunProgram, routes: list[Route], message: str) -> None:
    def program() -> None:
        gateway, shop = _gateway()
        with pytest.raises(InvalidValueError) as error:
            _grpc_cart(shop).route(routes, gateway=gateway)
        assert str(error.value) == message

    run_program(program)


@pytest.mark.parametrize("protocol", ["Kubernetes.io/h2c", "a b", "-h2c", "x" * 64])
def test_an_application_protocol_is_a_qualified_name(protocol: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        ServicePort(80, app_protocol=protocol)
    assert str(error.value).startswith(f"service_port.app_protocol: got {protocol!r}; expected an application "
                                       "protocol: an IANA service name or a domain-prefixed name such as "
                                       "'kubernetes.io/h2c'")
