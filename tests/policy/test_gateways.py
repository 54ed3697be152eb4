"""The stack rule ``k8s-gateway-https-prod``: in production a Gateway's plain-HTTP listener only redirects to HTTPS."""

from __future__ import annotations

from typing import Any

import pytest

from pilothouse.kubernetes import (
    CertificateRef,
    Container,
    Deployment,
    DeploymentArgs,
    Gateway,
    GatewayArgs,
    HTTPBackend,
    HTTPRoute,
    HTTPRouteArgs,
    HTTPRule,
    Listener,
    Namespace,
    NamespaceArgs,
    PodSpec,
    Port,
    ServicePort,
)
from pilothouse.policy.rules import evaluate
from tests.conftest import RunProgram

RULE = "k8s-gateway-https-prod"
PROD = ("cluster", "azure-native:containerservice:ManagedCluster", {"tags": {"environment": "prod"}})
GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"


def _stack(run_program: RunProgram, *, redirect_http: bool, plain: bool = False) -> list[tuple[str, str, Any]]:
    """A Gateway with an HTTPS listener (and the redirect, or a plain-HTTP listener) and a route to a web app."""
    def program() -> None:
        listeners = (Listener.https(certificates=(CertificateRef("tls", "edge"),)),
                     *((Listener.http("plain"),) if plain else ()))
        gateway = Gateway("public", GatewayArgs(name="public", namespace="edge", gateway_class="traefik",
                                                redirect_http=redirect_http, listeners=listeners))
        web = Deployment("web", DeploymentArgs(name="web", namespace="edge", pod=PodSpec(containers=(
            Container(name="web", image="shop/web:1.0", ports=(Port.http(8080),)),)))).expose(
            (ServicePort(80, target="http"),))
        HTTPRoute("web", HTTPRouteArgs(name="web", namespace="edge", gateway=gateway, listeners=(
            ("https", "plain") if plain else ()), rules=(HTTPRule(backends=(HTTPBackend(service=web),)),)))

    render = run_program(program)
    return [(r.name, r.type, r.inputs) for r in render.resources if r.type in (GATEWAY, ROUTE)]


def _violations(resources: list[tuple[str, str, Any]]) -> list[str]:
    return [v.message for v in evaluate(resources) if v.rule.id == RULE]


def test_the_redirect_is_the_only_plain_http_production_allows(run_program: RunProgram) -> None:
    assert _violations([*_stack(run_program, redirect_http=True), PROD]) == []


def test_a_plain_http_listener_serving_an_app_in_production_is_a_violation(run_program: RunProgram) -> None:
    stack = _stack(run_program, redirect_http=False, plain=True)
    assert _violations(stack) == []  # not production
    assert _violations([*stack, PROD]) == [
        "listener 'plain' of Gateway 'public' takes plain HTTP on port 80 in production and serves route(s) web; "
        "serve HTTPS, and on HTTP only the redirect (GatewayArgs.redirect_http)"]


@pytest.mark.parametrize(("route", "serves"), [
    # a hand-written route naming no listener attaches to every listener, the plain one too
    ({"parentRefs": [{"name": "public"}], "rules": [{"backendRefs": [{"name": "web", "port": 80}]}]}, "web"),
    ({"parentRefs": [{"name": "public", "sectionName": "http"}],
      "rules": [{"filters": [{"type": "RequestRedirect", "requestRedirect": {"scheme": "http"}}]}]}, "web"),
    ({"parentRefs": [{"name": "public", "sectionName": "http"}],
      "rules": [{"filters": [{"type": "RequestRedirect", "requestRedirect": {"scheme": "https"}}]}]}, None),
    # a parentRef naming a port attaches to the listeners on that port only
    ({"parentRefs": [{"name": "public", "port": 443}, {"name": "public", "sectionName": "http"}],
      "rules": [{"backendRefs": [{"name": "web", "port": 80}]}]}, "web"),
])
def test_hand_written_routes_on_the_plain_listener_are_judged(route: dict[str, Any], serves: str | None) -> None:
    gateway = {"metadata": {"name": "public", "namespace": "edge"}, "spec": {"listeners": [
        {"name": "http", "port": 80, "protocol": "HTTP"}, {"name": "https", "port": 443, "protocol": "HTTPS"}]}}
    resources = [("public", GATEWAY, gateway), ("web", ROUTE, {"metadata": {"name": "web", "namespace": "edge"},
                                                               "spec": route}), PROD]
    expected = [] if serves is None else [
        f"listener 'http' of Gateway 'public' takes plain HTTP on port 80 in production and serves route(s) {serves}; "
        "serve HTTPS, and on HTTP only the redirect (GatewayArgs.redirect_http)"]
    assert _violations(resources) == expected


def test_a_plain_listener_with_no_route_is_a_violation_in_production() -> None:
    gateway = {"metadata": {"name": "public", "namespace": "edge"}, "spec": {"listeners": [
        {"name": "http", "port": 80, "protocol": "HTTP"}]}}
    assert _violations([("public", GATEWAY, gateway), PROD]) == [
        "listener 'http' of Gateway 'public' takes plain HTTP on port 80 in production and redirects nothing; serve "
        "HTTPS, and on HTTP only the redirect (GatewayArgs.redirect_http)"]


def test_a_route_naming_the_https_port_is_not_on_the_plain_listener() -> None:
    gateway = {"metadata": {"name": "public", "namespace": "edge"}, "spec": {"listeners": [
        {"name": "http", "port": 80, "protocol": "HTTP"}, {"name": "https", "port": 443, "protocol": "HTTPS"}]}}
    redirect = {"metadata": {"name": "redirect", "namespace": "edge"}, "spec": {
        "parentRefs": [{"name": "public", "sectionName": "http"}],
        "rules": [{"filters": [{"type": "RequestRedirect", "requestRedirect": {"scheme": "https"}}]}]}}
    web = {"metadata": {"name": "web", "namespace": "edge"}, "spec": {
        "parentRefs": [{"name": "public", "port": 443}, {"group": "example.com", "kind": "Gateway", "name": "public"}],
        "rules": [{"backendRefs": [{"name": "web", "port": 80}]}]}}
    assert _violations([("public", GATEWAY, gateway), ("redirect", ROUTE, redirect), ("web", ROUTE, web), PROD]) == []


def test_a_gateways_namespace_is_not_judged_by_the_selector_rule(run_program: RunProgram) -> None:
    """Its controller may run the Gateway's pods there (Istio): the policies letting clients in select pods the stack
    does not declare, and ``k8s-selectors-pick-pods`` leaves the namespace alone, though it declares a workload."""
    def program() -> None:
        edge = Namespace("edge", NamespaceArgs(name="edge"))
        Deployment("status", DeploymentArgs(name="status", namespace=edge, pod=PodSpec(containers=(
            Container(name="status", image="shop/status:1.0"),))))
        Gateway("public", GatewayArgs(name="public", namespace=edge, gateway_class="approuting-istio",
                                      listeners=(Listener.https(certificates=(CertificateRef("tls", "edge"),)),)))

    render = run_program(program)
    resources = [(r.name, r.type, r.inputs) for r in render.resources]
    assert [v.message for v in evaluate(resources) if v.rule.id == "k8s-selectors-pick-pods"] == []


def test_a_grpc_route_on_the_plain_listener_serves_in_production() -> None:
    gateway = {"metadata": {"name": "public", "namespace": "edge"}, "spec": {"listeners": [
        {"name": "http", "port": 80, "protocol": "HTTP"}]}}
    cart = {"metadata": {"name": "cart", "namespace": "edge"}, "spec": {
        "parentRefs": [{"name": "public", "sectionName": "http"}],
        "rules": [{"backendRefs": [{"name": "cart", "port": 50051}]}]}}
    grpc = "kubernetes:gateway.networking.k8s.io/v1:GRPCRoute"
    assert _violations([("public", GATEWAY, gateway), ("cart", grpc, cart), PROD]) == [
        "listener 'http' of Gateway 'public' takes plain HTTP on port 80 in production and serves route(s) cart; "
        "serve HTTPS, and on HTTP only the redirect (GatewayArgs.redirect_http)"]
