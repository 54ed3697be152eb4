"""Gateway API: a typed Gateway (TLS listeners, allowed routes, HTTP to HTTPS redirect) and HTTPRoutes checked as
they are declared (hosts served, conflicts, weights, filters), with derived ReferenceGrants and NetworkPolicies.

Every render here also goes to the API-server oracle (tests/oracle), which has the Gateway API CRDs installed: their
schemas and CEL rules judge each Gateway, HTTPRoute and ReferenceGrant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes import (
    AllowedRoutes,
    CertificateRef,
    Container,
    Deployment,
    DeploymentArgs,
    Gateway,
    GatewayArgs,
    GatewayClass,
    HeaderChanges,
    HTTPBackend,
    HTTPMatch,
    HTTPMethod,
    HTTPRoute,
    HTTPRouteArgs,
    HTTPRule,
    Listener,
    Namespace,
    NamespaceArgs,
    PathMatch,
    PathType,
    PodSpec,
    Port,
    Redirect,
    Route,
    Secret,
    SecretArgs,
    Service,
    ServicePort,
    Tls,
    attach_label,
)
from pilothouse.kubernetes.certificate import SelfSignedCertificate, self_signed
from pilothouse.offline.engine import Render
from tests.conftest import RunProgram
from tests.messages import DNS1123_SUBDOMAIN
from tests.pem import CERTIFICATE, PRIVATE_KEY

GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
GRANT = "kubernetes:gateway.networking.k8s.io/v1beta1:ReferenceGrant"
POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"


def _web(name: str, namespace: Namespace | str) -> Service:
    """The course's nginx-blue / nginx-green: a Deployment and its Service on port 80."""
    nginx = Container(name="nginx", image="nginx:1.27", ports=(Port.http(8080),))
    deployment = Deployment(name, DeploymentArgs(name=name, namespace=namespace, pod=PodSpec(containers=(nginx,))))
    return deployment.expose((ServicePort(80, target="http", name="http"),))


def _edge(*, redirect_http: bool = True, allowed: AllowedRoutes | None = None,
          listeners: tuple[Listener, ...] | None = None) -> Gateway:
    """A Gateway in namespace 'edge' serving *.example.com over HTTPS with a certificate Secret of its own."""
    edge = Namespace("edge", NamespaceArgs(name="edge"))
    certificate = Secret("wildcard", SecretArgs.tls("wildcard", edge, certificate=CERTIFICATE,
                                                    private_key=PRIVATE_KEY))
    return Gateway("public", GatewayArgs(
        name="public", namespace=edge, gateway_class="approuting-istio", redirect_http=redirect_http,
        allowed_routes=allowed,
        listeners=listeners or (Listener.https(certificates=(certificate,), hostname="*.example.com"),)))


@pytest.mark.parametrize(("hosts", "redirected"), [
    (("shop.example.com", "*.example.com", "shop.example.com"), ["*.example.com", "shop.example.com"]),
    (("shop.example.com", None), None),  # an HTTPS listener for any host: every host is redirected
    (tuple(f"h{i:02}.example.com" for i in range(17)), None),  # more than one route may name
    (tuple(f"h{i:02}.example.com" for i in range(16)), [f"h{i:02}.example.com" for i in range(16)]),
])
def test_the_redirect_answers_the_hosts_served_over_https(run_program: RunProgram, hosts: tuple[str | None, ...],
                                                          redirected: list[str] | None) -> None:
    def program() -> None:
        tls = (Secret("tls", SecretArgs.tls("tls", "edge", certificate=CERTIFICATE, private_key=PRIVATE_KEY)),)
        _edge(listeners=tuple(Listener.https(f"https-{i}", certificates=tls, hostname=host, port=443 + i)
                              for i, host in enumerate(hosts)))

    render = run_program(program)
    assert render.one(ROUTE, "public-http-redirect").inputs["spec"].get("hostnames") == redirected


def _shop(gateway_namespace: str = "edge") -> Namespace:
    """Namespace 'shop', whose routes may attach to Gateway 'public' of ``gateway_namespace``."""
    return Namespace("shop", NamespaceArgs(name="shop", labels=attach_label("public", namespace=gateway_namespace)))


def _blue_green(run_program: RunProgram, **route: Any) -> Render:
    def program() -> None:
        gateway, shop = _edge(), _shop()
        blue, green = _web("nginx-blue", shop), _web("nginx-green", shop)
        HTTPRoute("shop", HTTPRouteArgs(name="shop", namespace=shop, gateway=gateway, hostnames=("shop.example.com",),
                                        rules=(HTTPRule(backends=(HTTPBackend(service=blue, weight=90),
                                                                  HTTPBackend(service=green, weight=10))),), **route))

    return run_program(program)


def test_a_weighted_split_over_https_with_the_http_redirect(run_program: RunProgram) -> None:
    render = _blue_green(run_program)
    gateway = render.one(GATEWAY).inputs
    assert gateway["spec"] == {"gatewayClassName": "approuting-istio", "listeners": [
        {"name": "https", "port": 443, "protocol": "HTTPS", "hostname": "*.example.com",
         "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {
             "matchLabels": {"edge.gateway.pilothouse.dev/public": "attach"}}}},
         "tls": {"mode": "Terminate", "certificateRefs": [
             {"kind": "Secret", "group": "", "name": "wildcard", "namespace": "edge"}]}},
        {"name": "http-redirect", "port": 80, "protocol": "HTTP", "allowedRoutes": {"namespaces": {"from": "Same"}}}]}
    redirect, shop = render.one(ROUTE, "public-http-redirect").inputs, render.one(ROUTE, "shop").inputs
    assert redirect["spec"] == {"parentRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway",
                                                "name": "public", "namespace": "edge",
                                                "sectionName": "http-redirect"}],
                                "hostnames": ["*.example.com"],  # the hosts served over HTTPS, no others
                                "rules": [{"filters": [{"type": "RequestRedirect", "requestRedirect": {
                                    "scheme": "https", "statusCode": 301}}]}]}
    assert shop["metadata"] == {"name": "shop", "namespace": "shop"}
    assert shop["spec"] == {
        "parentRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "public",
                        "namespace": "edge", "sectionName": "https"}],
        "hostnames": ["shop.example.com"],
        "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                   "backendRefs": [{"name": "nginx-blue", "port": 80, "weight": 90},
                                   {"name": "nginx-green", "port": 80, "weight": 10}]}]}
    # the Gateway's pods (in its namespace) reach each routed pod's port through shop's default deny
    policies = {p.inputs["metadata"]["name"]: p.inputs["spec"] for p in render.of_type(POLICY)
                if p.inputs["metadata"]["namespace"] == "shop" and "from-edge" in p.inputs["metadata"]["name"]}
    assert sorted(policies) == ["allow-nginx-blue-8080-from-edge", "allow-nginx-green-8080-from-edge"]
    assert policies["allow-nginx-blue-8080-from-edge"]["podSelector"] == {"matchLabels": {"app": "nginx-blue"}}
    assert render.of_type(GRANT) == []  # every reference stays in its namespace
    # the Gateway's own pods (labelled with its name, as the Gateway API asks implementations) run in the isolated
    # 'edge': clients reach them on the listener ports, and they reach the routed pods
    edge = {p.inputs["metadata"]["name"]: p.inputs["spec"] for p in render.of_type(POLICY)
            if p.inputs["metadata"]["namespace"] == "edge" and p.inputs["metadata"]["name"] != "default-deny"}
    gateway_pods = {"matchLabels": {"gateway.networking.k8s.io/gateway-name": "public"}}
    assert edge["allow-public-clients-ipv4"] == {
        "podSelector": gateway_pods, "policyTypes": ["Ingress"], "ingress": [{
            "from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}],
            "ports": [{"port": 80, "protocol": "TCP"}, {"port": 443, "protocol": "TCP"}]}]}
    assert edge["allow-public-clients-ipv6"]["ingress"][0]["from"] == [{"ipBlock": {"cidr": "::/0"}}]
    assert edge["allow-public-to-shop-nginx-green-8080"] == {
        "podSelector": gateway_pods, "policyTypes": ["Egress"], "egress": [{
            "to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}},
                    "podSelector": {"matchLabels": {"app": "nginx-green"}}}],
            "ports": [{"port": 8080, "protocol": "TCP"}]}]}
    assert len(edge) == 4


def test_host_and_path_based_routing_with_matches_and_filters(run_program: RunProgram) -> None:
    """The course's host-based and path-based Ingress examples, as one HTTPRoute with typed matches and filters."""
    def program() -> None:
        gateway, shop = _edge(), _shop()
        blue, green = _web("nginx-blue", shop), _web("nginx-green", shop)
        HTTPRoute("paths", HTTPRouteArgs(name="paths", namespace=shop, gateway=gateway, hostnames=(
            "blue.example.com", "www.example.com"), rules=(
            HTTPRule(matches=(HTTPMatch(path="/blue"),), backends=(HTTPBackend(service=blue),)),
            HTTPRule(matches=(HTTPMatch(path="/green", headers={"X-Canary": "yes"}, query={"v": "2"},
                                        method=HTTPMethod.GET),
                              HTTPMatch(path="/green/index.html", path_match=PathMatch.EXACT)),
                     backends=(HTTPBackend(service=green, port="http"),),
                     request_headers=HeaderChanges(replace={"X-From": "gateway"}, remove=("Cookie",)),
                     response_headers=HeaderChanges(add={"Cache-Control": "no-store"})),
            HTTPRule(matches=(HTTPMatch(path="/old"),), redirect=Redirect(path="/blue", status_code=301)))))

    rules = run_program(program).one(ROUTE, "paths").inputs["spec"]["rules"]
    assert rules[1] == {
        "matches": [{"path": {"type": "PathPrefix", "value": "/green"},
                     "headers": [{"type": "Exact", "name": "X-Canary", "value": "yes"}],
                     "queryParams": [{"type": "Exact", "name": "v", "value": "2"}], "method": "GET"},
                    {"path": {"type": "Exact", "value": "/green/index.html"}}],
        "filters": [{"type": "RequestHeaderModifier", "requestHeaderModifier": {
                        "set": [{"name": "X-From", "value": "gateway"}], "remove": ["Cookie"]}},
                    {"type": "ResponseHeaderModifier", "responseHeaderModifier": {
                        "add": [{"name": "Cache-Control", "value": "no-store"}]}}],
        "backendRefs": [{"name": "nginx-green", "port": 80, "weight": 1}]}
    assert rules[2] == {"matches": [{"path": {"type": "PathPrefix", "value": "/old"}}], "filters": [
        {"type": "RequestRedirect", "requestRedirect": {
            "statusCode": 301, "path": {"type": "ReplaceFullPath", "replaceFullPath": "/blue"}}}]}


def test_references_across_namespaces_get_derived_reference_grants(run_program: RunProgram) -> None:
    def program() -> None:
        certificates = Namespace("certificates", NamespaceArgs(name="certificates"))
        wildcard = Secret("wildcard", SecretArgs.tls("wildcard", certificates, certificate=CERTIFICATE,
                                                     private_key=PRIVATE_KEY))
        edge = Namespace("edge", NamespaceArgs(name="edge"))
        gateway = Gateway("public", GatewayArgs(
            name="public", namespace=edge, gateway_class="traefik", data_plane_namespace="traefik",
            allowed_routes=AllowedRoutes.same(), listeners=(
                Listener.https(certificates=(wildcard, CertificateRef("issued", "cert-manager"))),)))
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        HTTPRoute("shop", HTTPRouteArgs(name="shop", namespace=edge, gateway=gateway,
                                        rules=(HTTPRule(backends=(HTTPBackend(service=_web("web", shop)),)),)))

    render = run_program(program)
    grants = {(g.inputs["metadata"]["namespace"], g.inputs["metadata"]["name"]): g.inputs["spec"]
              for g in render.of_type(GRANT)}
    assert grants == {
        ("certificates", "gateway.edge.public"): {
            "from": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": "edge"}],
            "to": [{"group": "", "kind": "Secret", "name": "wildcard"}]},
        ("cert-manager", "gateway.edge.public"): {
            "from": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": "edge"}],
            "to": [{"group": "", "kind": "Secret", "name": "issued"}]},
        ("shop", "httproute.edge.shop"): {
            "from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "edge"}],
            "to": [{"group": "", "kind": "Service", "name": "web"}]}}
    backend = render.one(ROUTE).inputs["spec"]["rules"][0]["backendRefs"]
    assert backend == [{"name": "web", "port": 80, "weight": 1, "namespace": "shop"}]
    # Traefik's pods run in 'traefik': that namespace is let into shop
    assert any(p.inputs["metadata"]["name"] == "allow-web-8080-from-traefik" for p in render.of_type(POLICY))


Build = Callable[[], object]


def _route(**overrides: Any) -> Build:
    """A route into 'shop' on the public Gateway, with ``overrides`` applied to its arguments."""
    def build() -> object:
        gateway, shop = _edge(), overrides.pop("namespace", None) or _shop()
        web = _web("web", shop if isinstance(shop, Namespace) else "shop")
        args: dict[str, Any] = {"name": "web", "namespace": shop, "gateway": gateway,
                                "hostnames": ("web.example.com",), "rules": (HTTPRule(backends=(
                                    HTTPBackend(service=web),)),)} | overrides
        return HTTPRoute("web", HTTPRouteArgs(**args))
    return build


@pytest.mark.parametrize(("build", "message"), [
    (_route(hostnames=("web.example.com", "web.example.org")),
     "http_route.hostnames: got 'web.example.org'; expected a host a listener of Gateway 'public' serves (https: "
     "*.example.com; a wildcard serves the names under it, not itself)"),
    (_route(hostnames=("example.com",)),
     "http_route.hostnames: got ['example.com']; expected a host a listener of Gateway 'public' serves (https: "
     "*.example.com; a wildcard serves the names under it, not itself)"),
    (_route(namespace=Namespace("other", NamespaceArgs(name="other"))),
     "http_route.namespace: got 'other'; expected a namespace Gateway 'public' admits routes from (it admits "
     "namespaces labelled edge.gateway.pilothouse.dev/public=attach: labels=attach_label('public', "
     "namespace='edge') on the route's namespace gives it)"),
    (_route(listeners=("http-redirect",)),
     "http_route.listeners: got 'http-redirect'; expected a listener other than the HTTP redirect's (it serves the "
     "redirect only)"),
    (_route(listeners=("https", "https")), "http_route.listeners: got 'https'; expected each listener once"),
    (_route(namespace="Shop"), "http_route.namespace: got 'Shop'; expected a DNS-1123 label: a lowercase RFC 1123 "
     "label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric "
     "character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
    (_route(listeners=("https", "admin")),
     "http_route.listeners: got 'admin'; expected a listener of Gateway 'public' (https)"),
    (_route(hostnames=("Web.example.com",)),
     "http_route.hostnames[0]: got 'Web.example.com'; expected a host name (optionally '*.' and a host name): a "
     "lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
     "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
     r"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
    (_route(hostnames=("a.example.com", "a.example.com")),
     "http_route.hostnames: got 'a.example.com'; expected each host name once"),
    (_route(rules=()), "http_route.rules: got '0 rules'; expected 1 to 16 rules"),
])
def test_a_route_its_gateway_would_not_serve_is_refused(run_program: RunProgram, build: Build, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        run_program(build)
    assert str(error.value) == message


def test_the_same_host_path_and_match_served_twice_is_refused(run_program: RunProgram) -> None:
    def program() -> None:
        gateway, shop = _edge(), _shop()
        blue, green = _web("nginx-blue", shop), _web("nginx-green", shop)
        HTTPRoute("blue", HTTPRouteArgs(name="blue", namespace=shop, gateway=gateway, hostnames=("shop.example.com",),
                                        rules=(HTTPRule(backends=(HTTPBackend(service=blue),)),)))
        # another host, or the same host with a header match, is another route's to serve
        HTTPRoute("canary", HTTPRouteArgs(
            name="canary", namespace=shop, gateway=gateway, hostnames=("shop.example.com",),
            rules=(HTTPRule(matches=(HTTPMatch(headers={"x-canary": "1"}),), backends=(HTTPBackend(service=green),)),)))
        HTTPRoute("green", HTTPRouteArgs(name="green", namespace=shop, gateway=gateway,
                                         hostnames=("www.example.com", "shop.example.com"),
                                         rules=(HTTPRule(backends=(HTTPBackend(service=green),)),)))

    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == ("http_route.rules: got 'shop.example.com/'; expected a host, path and match not "
                                "served already on listener 'https' of Gateway 'public' (route 'blue' serves it)")


@pytest.mark.parametrize(("build", "message"), [
    (lambda: HTTPMatch(path="/a%zz"), "match.path: got '/a%zz'; expected a path whose '%' each start an escape such "
                                      "as '%20'"),
    (lambda: HTTPMatch(path="blue"), "match.path: got 'blue'; expected an absolute URL path such as '/api' (RFC 3986 "
                                     "characters, no wildcards: a Prefix path '/blue' already matches '/blue/...')"),
    (lambda: HTTPMatch(headers={"X-A": "1", "x-a": "2"}),
     "match.headers: got 'x-a'; expected header names distinct (case-insensitively: 'X-A' is given already)"),
    (lambda: HTTPMatch(headers={"X A": "1"}),
     "match.headers: got 'X A'; expected a header name of 1-256 letters, digits and !#$%&'*+-.^_`|~"),
    (lambda: HTTPMatch(query={"v": ""}), "match.query['v']: got ''; expected a value of 1 to 1024 characters"),
    (lambda: HTTPMatch(method="FETCH"),  # type: ignore[arg-type]
     "match.method: got 'FETCH'; expected one of 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', "
     "'TRACE', 'PATCH' (HTTPMethod)"),
    (Redirect, "redirect: got None; expected a scheme, hostname, port or path to change (a redirect to the "
                         "same URL loops)"),
    (lambda: Redirect(scheme="ftp"), "redirect.scheme: got 'ftp'; expected 'http' or 'https'"),
    (lambda: Redirect(scheme="https", status_code=304),
     "redirect.status_code: got 304; expected one of 301, 302, 303, 307, 308"),
    (lambda: Redirect(hostname="*.example.com"),
     "redirect.hostname: got '*.example.com'; expected a host name without wildcard"),
    (HeaderChanges, "headers: got None; expected at least one header to replace, add or remove"),
    (lambda: HeaderChanges(replace={"X-A": "1"}, remove=("x-a",)),
     "headers.remove: got 'x-a'; expected a header not already in headers.replace"),
    (HTTPRule, "rule.backends: got []; expected at least one backend, or a redirect"),
    (lambda: HTTPRule(matches=()), "rule.matches: got '0 matches'; expected 1 to 64 matches"),
    (lambda: HTTPRule(matches=(HTTPMatch(path="/a"), HTTPMatch(path="/a")), redirect=Redirect(scheme="https")),
     "rule.matches: got '/a'; expected each match once"),
    (lambda: Listener.https(certificates=()),
     "listener.certificates: got (); expected at least one TLS certificate Secret for an HTTPS listener "
     "(Listener.https(certificates=...))"),
    (lambda: Listener.https(certificates=(CertificateRef("c", "edge"),), hostname="10.0.0.1"),
     "listener.hostname: got '10.0.0.1'; expected a DNS name, not an IP address"),
    (lambda: Listener.http(port=0), "listener.port: got 0; expected a port number from 1 to 65535"),
    (lambda: AllowedRoutes.labelled({}), "gateway.allowed_routes.labels: got {}; expected at least one label a "
                                         "namespace must carry"),
])
def test_route_and_listener_values_are_checked_when_built(build: Build, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def _listeners(*listeners: Listener, redirect_http: bool = False) -> Build:
    return lambda: GatewayArgs(name="public", namespace="edge", gateway_class="traefik", listeners=listeners,
                               redirect_http=redirect_http)


_TLS = (CertificateRef("wildcard", "edge"),)


@pytest.mark.parametrize(("build", "message"), [
    (_listeners(), "gateway.listeners: got []; expected at least one listener"),
    (_listeners(Listener.http(), Listener.http(port=8080)),
     "gateway.listeners: got 'http'; expected listener names distinct in the Gateway (name each: "
     "Listener.https(\"shop\", ...))"),
    (_listeners(Listener.http(port=443), Listener.https(certificates=_TLS)),
     "gateway.listeners: got 'https: HTTPS on 443'; expected one protocol per port (port 443 already serves HTTP)"),
    (_listeners(Listener.http(), Listener.http("again")),
     "gateway.listeners: got 'again: any host on 80'; expected listeners that differ in port or host name"),
    (_listeners(Listener.http(), redirect_http=True),
     "gateway.redirect_http: got True; expected an HTTPS listener to redirect to"),
    (_listeners(Listener.https(certificates=_TLS), Listener.http("plain"), redirect_http=True),
     "gateway.redirect_http: got True; expected port 80 free: the redirect listens there (redirect_port)"),
    (lambda: GatewayArgs(name="p" * 64, namespace="edge", gateway_class="traefik", listeners=(Listener.http(),)),
     f"gateway.allowed_routes: got None; expected namespaces given explicitly: the name '{'p' * 64}' is too long for "
     f"the default label 'edge.gateway.pilothouse.dev/{'p' * 64}' (at most 63 characters after the prefix)"),
    (lambda: GatewayArgs(name="public", namespace="edge", gateway_class="Traefik", listeners=(Listener.http(),)),
     "gateway.gateway_class: got 'Traefik'; expected a DNS-1123 subdomain: a lowercase RFC 1123 subdomain must "
     "consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
     r"character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]"
     r"([-a-z0-9]*[a-z0-9])?)*')"),
])
def test_gateways_kubernetes_or_the_controller_would_refuse_are_refused(build: Build, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_weights_and_backends_are_checked(run_program: RunProgram) -> None:
    messages = []

    def program() -> None:
        shop = _shop()
        web = _web("web", shop)
        for build in (lambda: HTTPBackend(service=web, weight=1_000_001),
                      lambda: HTTPBackend(service=web, port=8080),
                      lambda: HTTPRule(backends=(HTTPBackend(service=web, weight=0),)),
                      lambda: HTTPRule(backends=(HTTPBackend(service=web), HTTPBackend(service=web, port="http")))):
            with pytest.raises(InvalidValueError) as error:
                build()
            messages.append(str(error.value))

    run_program(program)
    assert messages == [
        "backend.weight: got 1000001; expected an integer from 0 to 1000000",
        "backend.port: got 8080; expected a port of Service 'web' (80/http)",
        "rule.backends: got [0]; expected at least one weight above 0 (with every weight 0 each request fails with "
        "500)",
        "rule.backends: got 'web:80'; expected each Service port once (weights set its share)"]


def test_a_tls_listener_takes_tls_secrets_only(run_program: RunProgram) -> None:
    def program() -> None:
        opaque = Secret("opaque", SecretArgs(name="opaque", namespace="edge", data={"a": "b"}))
        Listener.https(certificates=(opaque,))

    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == ("listener.certificates: got 'opaque'; expected a Secret of type 'kubernetes.io/tls' "
                                "(made with SecretArgs.tls)")


def test_grants_of_two_routes_never_share_a_name(run_program: RunProgram) -> None:
    """``httproute-a-b-c`` could be route ``c`` of namespace ``a-b`` or route ``b-c`` of ``a``: dots separate them."""
    def program() -> None:
        gateway = _edge(allowed=AllowedRoutes.all())
        web = _web("web", Namespace("backend", NamespaceArgs(name="backend")))
        for namespace, name in (("a-b", "c"), ("a", "b-c")):
            HTTPRoute(name, HTTPRouteArgs(name=name, namespace=Namespace(namespace, NamespaceArgs(name=namespace)),
                                          gateway=gateway, hostnames=(f"{namespace}.example.com",),
                                          rules=(HTTPRule(backends=(HTTPBackend(service=web),)),)))

    grants = run_program(program).of_type(GRANT)
    assert sorted(g.inputs["metadata"]["name"] for g in grants) == ["httproute.a-b.c", "httproute.a.b-c"]


def test_a_route_on_more_listeners_than_parent_refs_take_is_refused(run_program: RunProgram) -> None:
    listeners = tuple(Listener.https(f"https-{i}", hostname=f"h{i}.example.com",
                                     certificates=(CertificateRef("tls", "edge"),)) for i in range(33))
    with pytest.raises(InvalidValueError) as error:
        run_program(lambda: HTTPRoute(
            "web", HTTPRouteArgs(name="web", namespace=_shop(), gateway=_edge(redirect_http=False, listeners=listeners),
                                 rules=(HTTPRule(redirect=Redirect(hostname="example.com")),))))
    assert str(error.value) == ("http_route.listeners: got '33 listeners'; expected at most 32 listeners to attach to "
                                "(the route's parentRefs): name them")


@pytest.mark.parametrize(("redirect", "listener", "loops"), [
    (Redirect(scheme="https", status_code=301), Listener.https(certificates=(CertificateRef("tls", "edge"),)), True),
    (Redirect(scheme="https", status_code=301), Listener.http(), False),
    (Redirect(scheme="http"), Listener.http(), True),
    (Redirect(path="/new"), Listener.http(), False),
    (Redirect(prefix="/"), Listener.http(), True),
])
def test_a_redirect_back_to_the_same_url_is_refused(run_program: RunProgram, redirect: Redirect, listener: Listener,
                                                    loops: bool) -> None:
    def program() -> None:
        HTTPRoute("to-https", HTTPRouteArgs(
            name="to-https", namespace=_shop(), gateway=_edge(redirect_http=False, listeners=(listener,)),
            rules=(HTTPRule(redirect=redirect),)))

    if not loops:
        run_program(program)
        return
    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == (f"http_route.rules: got '/'; expected a redirect that changes the URL on listener "
                                f"'{listener.name}' (it would send clients back to the same URL, forever)")


def test_routes_whose_hosts_meet_on_a_listener_tie_and_are_refused(run_program: RunProgram) -> None:
    """On listener ``*.example.com``, a route for ``*.com`` serves exactly the listener's hosts, as one with none."""
    def program() -> None:
        gateway, shop = _edge(allowed=AllowedRoutes.all()), _shop()
        web = _web("web", shop)
        for name, hostnames in (("all", ("*.com",)), ("listeners", ())):
            HTTPRoute(name, HTTPRouteArgs(name=name, namespace=shop, gateway=gateway, hostnames=hostnames,
                                          rules=(HTTPRule(backends=(HTTPBackend(service=web),)),)))

    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == ("http_route.rules: got '*.example.com/'; expected a host, path and match not served "
                                "already on listener 'https' of Gateway 'public' (route 'all' serves it)")


@pytest.mark.parametrize(("build", "message"), [
    (lambda: GatewayArgs(name="public", namespace="edge", gateway_class="traefik", redirect_http=True,
                         redirect_port=70000, listeners=(Listener.https(certificates=_TLS),)),
     "gateway.redirect_port: got 70000; expected a port number from 1 to 65535"),
    (lambda: GatewayArgs(name="public", namespace="Edge", gateway_class="traefik", listeners=(Listener.http(),)),
     "gateway.namespace: got 'Edge'; expected a DNS-1123 label: a lowercase RFC 1123 label must consist of lower "
     "case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  "
     "or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
    (lambda: HTTPMatch(headers={"X-A": "a\r\nY: z"}),
     "match.headers['X-A']: got 'a\\r\\nY: z'; expected a value without control characters (CR, LF, NUL)"),
    (lambda: HeaderChanges(replace={"X-A": pulumi.Output.from_input("a")}),  # type: ignore[dict-item]
     "headers.replace['X-A']: got an Output; expected a value of 1 to 4096 characters"),
])
def test_more_values_kubernetes_or_the_controller_would_refuse_are_refused(build: Build, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_a_prefix_redirect_keeps_the_rest_of_the_path(run_program: RunProgram) -> None:
    def program() -> None:
        HTTPRoute("old", HTTPRouteArgs(name="old", namespace=_shop(), gateway=_edge(), rules=(
            HTTPRule(matches=(HTTPMatch(path="/old"),), redirect=Redirect(prefix="/new", status_code=301)),)))

    rule = run_program(program).one(ROUTE, "old").inputs["spec"]["rules"][0]
    assert rule["filters"] == [{"type": "RequestRedirect", "requestRedirect": {
        "statusCode": 301, "path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/new"}}}]
    with pytest.raises(InvalidValueError) as error:
        HTTPRule(matches=(HTTPMatch(path="/old", path_match=PathMatch.EXACT),), redirect=Redirect(prefix="/new"))
    assert str(error.value) == ("rule.redirect: got '/new'; expected a prefix redirect on a rule whose one match is a "
                                "PathPrefix (the CRD's rule)")


def test_the_redirect_routes_name_is_the_gateways(run_program: RunProgram) -> None:
    def program() -> None:
        gateway = _edge(allowed=AllowedRoutes.same())
        HTTPRoute("mine", HTTPRouteArgs(name="public-http-redirect", namespace=gateway.args.namespace,
                                        gateway=gateway, rules=(HTTPRule(redirect=Redirect(hostname="example.com")),),
                                        listeners=("https",)))

    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == ("http_route.name: got 'public-http-redirect'; expected a name other than the "
                                "Gateway's HTTP redirect route's")


def test_more_than_16_references_into_one_namespace_take_a_second_grant(run_program: RunProgram) -> None:
    """A grant's ``to`` list holds at most 16 names; the second grant's name starts with its number (``1.``), which
    no first grant's can (it starts with a kind), so no other object's grant takes its name."""
    certificates = tuple(CertificateRef(f"tls-{i}", "certificates") for i in range(17))
    render = run_program(lambda: _edge(redirect_http=False, listeners=(Listener.https(certificates=certificates),)))
    grants = {g.inputs["metadata"]["name"]: [to["name"] for to in g.inputs["spec"]["to"]]
              for g in render.of_type(GRANT)}
    assert grants == {"gateway.edge.public": [f"tls-{i}" for i in range(16)], "1.gateway.edge.public": ["tls-16"]}


def test_service_route_on_a_gateway_makes_one_http_route_per_host(run_program: RunProgram) -> None:
    def program() -> None:
        gateway, shop = _edge(), _shop()
        made = _web("nginx-blue", shop).route(
            [Route(host="blue.example.com"), Route(host="blue.example.com", path="/api", path_type=PathType.EXACT),
             Route(host="www.example.com", path="/blue", port="http")], gateway=gateway)
        assert [route.name for route in made] == ["nginx-blue-0", "nginx-blue-1"]

    render = run_program(program)
    first, second = render.one(ROUTE, "nginx-blue-0").inputs, render.one(ROUTE, "nginx-blue-1").inputs
    assert first["spec"] == {
        "parentRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "public",
                        "namespace": "edge", "sectionName": "https"}],
        "hostnames": ["blue.example.com"],
        "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                   "backendRefs": [{"name": "nginx-blue", "port": 80, "weight": 1}]},
                  {"matches": [{"path": {"type": "Exact", "value": "/api"}}],
                   "backendRefs": [{"name": "nginx-blue", "port": 80, "weight": 1}]}]}
    assert second["spec"]["hostnames"] == ["www.example.com"]
    assert not render.of_type("kubernetes:networking.k8s.io/v1:Ingress")


def test_service_route_on_a_gateway_of_one_host_is_named_like_the_service(run_program: RunProgram) -> None:
    render = run_program(lambda: _web("nginx-blue", _shop()).route([Route(host="blue.example.com")],
                                                                    gateway=_edge(), name="blue"))
    assert render.one(ROUTE, "nginx-blue").inputs["metadata"] == {"name": "blue", "namespace": "shop"}


@pytest.mark.parametrize(("options", "message"), [
    ({}, "route.gateway: got None; expected either ingress_class (an Ingress) or gateway (HTTPRoutes), not both"),
    ({"ingress_class": "traefik", "gateway": True},
     "route.gateway: got 'public'; expected either ingress_class (an Ingress) or gateway (HTTPRoutes), not both"),
    ({"gateway": True, "tls": True},
     "route.tls: got ['blue-tls']; expected no tls with a gateway: its HTTPS listeners terminate TLS "
     "(Listener.https(certificates=...))"),
    ({"gateway": True, "routes": []}, "route.routes: got []; expected at least one route"),
    ({"gateway": True, "routes": [Route(host="blue.example.org")]},
     "http_route.hostnames: got ['blue.example.org']; expected a host a listener of Gateway 'public' serves "
     "(https: *.example.com; a wildcard serves the names under it, not itself)"),
])
def test_service_route_options_are_checked(run_program: RunProgram, options: dict[str, Any], message: str) -> None:
    def program() -> None:
        gateway, service = _edge(), _web("nginx-blue", _shop())
        chosen = dict(options)
        routes = chosen.pop("routes", [Route(host="blue.example.com")])
        if chosen.get("gateway"):
            chosen["gateway"] = gateway
        if chosen.get("tls"):
            chosen["tls"] = [Tls(secret="blue-tls", hosts=("blue.example.com",))]
        with pytest.raises(InvalidValueError) as error:
            service.route(routes, **chosen)
        assert str(error.value) == message

    run_program(program)


def test_a_class_the_cluster_provides_takes_listeners_on_any_port() -> None:
    served_by = GatewayClass.provided("approuting-istio")
    assert (served_by.https_port, served_by.http_port, served_by.bound_ports, served_by.data_plane_namespace) == (
        443, 80, False, None)
    args = GatewayArgs(name="public", namespace="edge", gateway_class=served_by, listeners=(
        Listener.https(certificates=(CertificateRef("tls", "edge"),), port=8443),))
    assert args.served_by is served_by
    assert args.redirect_port is None  # no redirect asked for


def test_a_class_with_its_own_data_plane_and_ports_sets_the_gateways_defaults() -> None:
    traefik = GatewayClass(name="traefik", https_port=8443, http_port=8000, bound_ports=True,
                           data_plane_namespace="ingress")
    args = GatewayArgs(name="public", namespace="edge", gateway_class=traefik, redirect_http=True, listeners=(
        Listener.https(certificates=(CertificateRef("tls", "edge"),), port=8443),))
    assert (args.redirect_port, args.data_plane_namespace) == (8000, "ingress")
    assert [(each.name, each.port) for each in args.all_listeners()] == [("https", 8443), ("http-redirect", 8000)]
    with pytest.raises(InvalidValueError) as error:
        GatewayArgs(name="public", namespace="edge", gateway_class=traefik, listeners=(
            Listener.https(certificates=(CertificateRef("tls", "edge"),), port=8443), Listener.http(port=80)))
    assert str(error.value) == ("gateway.listeners: got 'http: HTTP on 80'; expected HTTP on port 8000: GatewayClass "
                                "'traefik' programs listeners on its own ports only (HTTPS 8443, HTTP 8000)")


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": "Traefik"}, "gateway_class.name: got 'Traefik'; expected"),
    ({"name": "t", "https_port": 0}, "gateway_class.https_port: got 0; expected"),
    ({"name": "t", "http_port": 443}, "gateway_class.http_port: got 443; expected another port than https_port 443"),
    ({"name": "t", "data_plane_namespace": "a.b"}, "gateway_class.data_plane_namespace: got 'a.b'; expected"),
])
def test_a_gateway_class_is_checked(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        GatewayClass(**fields)
    assert str(error.value).startswith(message)


def test_listeners_without_a_port_take_their_class_ports() -> None:
    traefik = GatewayClass(name="traefik", https_port=8443, http_port=8000, bound_ports=True)
    args = GatewayArgs(name="public", namespace="edge", gateway_class=traefik, listeners=(
        Listener.https(certificates=(CertificateRef("tls", "edge"),)), Listener.http(hostname="old.example.com")))
    assert [(each.name, each.port) for each in args.listeners] == [("https", 8443), ("http", 8000)]
    provided = GatewayArgs(name="public", namespace="edge", gateway_class="approuting-istio",
                           listeners=(Listener.https(certificates=(CertificateRef("tls", "edge"),)),))
    assert provided.listeners[0].port == 443


@pytest.mark.parametrize(("fields", "message"), [
    ({"redirect_port": 8080},
     "gateway.redirect_port: got 8080; expected no value without redirect_http=True (the redirect listens there)"),
    ({"redirect_http": True, "redirect_port": 80, "gateway_class": GatewayClass(
        name="traefik", https_port=8443, http_port=8000, bound_ports=True)},
     "gateway.redirect_port: got 80; expected HTTP on port 8000: GatewayClass 'traefik' programs listeners on its own "
     "ports only (HTTPS 8443, HTTP 8000)"),
    ({"gateway_class": None},
     "gateway.gateway_class: got None; expected a GatewayClass, or the name of a class the cluster provides "
     "(IngressController.gateway_class is None without gateway_api=True)"),
    ({"data_plane_namespace": "other", "gateway_class": GatewayClass(name="traefik", data_plane_namespace="ingress")},
     "gateway.data_plane_namespace: got 'other'; expected 'ingress', where the pods of GatewayClass 'traefik' run (or "
     "no value)"),
])
def test_gateway_options_that_would_be_ignored_or_contradict_the_class_are_refused(
        fields: dict[str, Any], message: str) -> None:
    listeners = (Listener.https(certificates=(CertificateRef("tls", "edge"),), port=8443),)
    with pytest.raises(InvalidValueError) as error:
        GatewayArgs(**{"name": "public", "namespace": "edge", "gateway_class": "istio", "listeners": listeners,
                       **fields})
    assert str(error.value) == message


def test_a_certificate_component_in_place_of_its_secret_names_the_fix(run_program: RunProgram) -> None:
    def program() -> None:
        certificate = SelfSignedCertificate("tls", name="tls", namespace="edge")
        with pytest.raises(InvalidValueError) as error:
            Listener.https(certificates=(certificate,))  # type: ignore[arg-type]
        assert str(error.value) == ("listener.certificates: got 'SelfSignedCertificate'; expected Secrets or "
                                    "CertificateRefs: pass its .secret (SelfSignedCertificate.secret)")

    run_program(program)


@pytest.mark.parametrize("gateway", [None, 5, "Public", "g" * 64])
def test_attach_label_of_a_bad_name_is_refused(gateway: Any) -> None:
    with pytest.raises(InvalidValueError) as error:
        attach_label(gateway, namespace="edge")
    assert str(error.value).startswith("gateway.name: got ")


@pytest.mark.parametrize("namespace", ["", "Edge", "e" * 64, "edge.example"])
def test_attach_label_of_a_bad_namespace_is_refused(namespace: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        attach_label("public", namespace=namespace)
    assert str(error.value).startswith(f"namespace: got {namespace!r}; expected ")


def test_the_attach_label_carries_names_of_up_to_63_characters() -> None:
    assert attach_label("g" * 63, namespace="e" * 63) == {f"{'e' * 63}.gateway.pilothouse.dev/{'g' * 63}": "attach"}
    with pytest.raises(InvalidValueError) as error:
        attach_label("g" * 64, namespace="edge")
    assert str(error.value) == (f"gateway.name: got '{'g' * 64}'; expected a name of at most 63 characters, as the "
                                "label '<namespace>.gateway.pilothouse.dev/<name>' carries it")


def test_gateways_of_one_name_in_two_namespaces_admit_their_own_namespaces(run_program: RunProgram) -> None:
    # One label for both would let a namespace labelled for one Gateway attach routes to the other.
    def program() -> None:
        for team in ("red", "blue"):
            edge = Namespace(f"{team}-edge", NamespaceArgs(name=f"{team}-edge"))
            Gateway(f"{team}-public", GatewayArgs(name="public", namespace=edge, gateway_class="approuting-istio",
                                                  listeners=(Listener.http(),)))

    render = run_program(program)
    selectors = {gateway.inputs["metadata"]["namespace"]: gateway.inputs["spec"]["listeners"][0]["allowedRoutes"]
                 for gateway in render.of_type(GATEWAY)}
    assert selectors == {
        team: {"namespaces": {"from": "Selector", "selector": {
            "matchLabels": {f"{team}.gateway.pilothouse.dev/public": "attach"}}}} for team in ("red-edge", "blue-edge")}


@pytest.mark.parametrize(("call", "message"), [
    (lambda svc, gw: svc.route(None, gateway=gw), "route.routes: got None; expected a list of Route"),
    (lambda svc, gw: svc.route(Route(host="a.example.com"), gateway=gw),
     "route.routes: got Route(host='a.example.com', path='/', path_type=<PathType.PREFIX: 'Prefix'>, port=None); "
     "expected a list of Route"),
    (lambda svc, gw: svc.route(["x"], ingress_class="traefik"), "route.routes: got ['x']; expected a list of Route"),
    (lambda svc, gw: svc.route([Route(host="a.example.com")], gateway=gw, tls="abc"),
     "route.tls: got 'abc'; expected a list of Tls"),
    (lambda svc, gw: svc.route([Route(host="a.example.com")], gateway=gw, name=""),
     f"http_route.name: got ''; expected {DNS1123_SUBDOMAIN}"),
    (lambda svc, gw: svc.route([Route(host="a.example.com"), Route(host="b.example.com"),
                                Route(host="b.example.com")], gateway=gw),
     "route.routes: got 'b.example.com/'; expected one route per host and path"),
])
def test_service_route_arguments_are_checked_before_anything_is_registered(
        run_program: RunProgram, call: Callable[[Service, Gateway], Any], message: str) -> None:
    def program() -> None:
        service, gateway = _web("web", _shop()), _edge()
        with pytest.raises(InvalidValueError) as error:
            call(service, gateway)
        assert str(error.value) == message

    render = run_program(program)
    assert not [r for r in render.of_type(ROUTE) if r.name.startswith("web")]
    assert not render.of_type("kubernetes:networking.k8s.io/v1:Ingress")


def test_a_batch_of_routes_conflicting_with_an_earlier_route_registers_none(run_program: RunProgram) -> None:
    def program() -> None:
        service, gateway = _web("web", _shop()), _edge()
        service.route([Route(host="b.example.com")], gateway=gateway, name="first")
        with pytest.raises(InvalidValueError) as error:
            service.route([Route(host="a.example.com"), Route(host="b.example.com")], gateway=gateway, name="second")
        assert str(error.value) == ("http_route.rules: got 'b.example.com/'; expected a host, path and match not "
                                    "served already on listener 'https' of Gateway 'public' (route 'first' serves it)")

    render = run_program(program)
    assert [r.name for r in render.of_type(ROUTE) if r.name.startswith("web")] == ["web"]


def test_a_service_routed_twice_takes_a_second_name(run_program: RunProgram) -> None:
    def program() -> None:
        service, gateway = _web("web", _shop()), _edge()
        service.route([Route(host="a.example.com")], gateway=gateway)
        with pytest.raises(InvalidValueError) as error:
            service.route([Route(host="b.example.com")], gateway=gateway)
        assert str(error.value) == ("route.name: got 'web'; expected a name no earlier route() of this Service took "
                                    "(pass name=)")
        service.route([Route(host="b.example.com")], gateway=gateway, name="web-b")

    render = run_program(program)
    assert {r.name: r.inputs["metadata"]["name"] for r in render.of_type(ROUTE) if r.name.startswith("web")} == {
        "web": "web", "web-web-b": "web-b"}


def _platform_gateway() -> Gateway:
    """The platform stack's Gateway as an app stack describes it: read, never created."""
    return Gateway.existing("public", GatewayArgs(
        name="public", namespace="ingress", gateway_class="traefik", redirect_http=True,
        listeners=(Listener.https(certificates=(CertificateRef("public-tls", "ingress"),), hostname="*.example.com"),)))


def test_routes_attach_to_a_gateway_another_program_declares(run_program: RunProgram) -> None:
    def program() -> None:
        web = _web("web", _shop("ingress"))
        web.route([Route(host="shop.example.com", path="/")], gateway=_platform_gateway())

    render = run_program(program)
    [gateway] = render.of_type(GATEWAY)
    assert gateway.read  # read at preview: it must exist, and this program never changes it
    assert render.of_type("kubernetes:gateway.networking.k8s.io/v1beta1:ReferenceGrant") == []
    assert render.of_type(ROUTE)[0].name == "web"  # only the app's route: the redirect is the platform's
    route = render.one(ROUTE, "web").inputs["spec"]
    assert route["parentRefs"] == [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "public",
                                    "namespace": "ingress", "sectionName": "https"}]
    assert route["hostnames"] == ["shop.example.com"]


def test_a_route_to_another_programs_gateway_is_checked_against_its_description(run_program: RunProgram) -> None:
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop"))  # without the attach label
        _web("web", shop).route([Route(host="shop.example.com")], gateway=_platform_gateway())

    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == ("http_route.namespace: got 'shop'; expected a namespace Gateway 'public' admits "
                                "routes from (it admits namespaces labelled "
                                "ingress.gateway.pilothouse.dev/public=attach: labels=attach_label('public', "
                                "namespace='ingress') on the route's namespace gives it)")


@pytest.mark.parametrize(("hosts", "listener", "covered"), [
    (["shop.example.com"], "shop.example.com", True),
    (["*.example.com"], "shop.example.com", True),
    (["*.example.com"], "*.example.com", True),
    (["shop.example.com"], "*.example.com", True),  # a host the wildcard listener serves
    (["a.b.example.com"], "*.example.com", True),  # the Gateway API's wildcard: any depth
    (["shop.example.org"], "*.example.com", False),
    (["*.example.com"], "a.shop.example.com", False),  # a certificate's wildcard stands for one label
    (["*.example.com"], "example.com", False),
    (["admin.example.com", "shop.example.com"], "shop.example.com", True),
    (["other.example.com"], "shop.example.com", False),
])
def test_a_listener_presents_a_certificate_for_its_host(run_program: RunProgram, hosts: list[str], listener: str,
                                                        covered: bool) -> None:
    certificate, key = self_signed(b"\x01" * 32, hosts)  # literal PEM: its names are read from it
    literal = SecretArgs.tls("tls", "edge", certificate=certificate, private_key=key)
    assert literal.certificate_hosts() == tuple(hosts)

    def program() -> None:
        made = SelfSignedCertificate("made", name="made", namespace="edge", hosts=hosts)  # names known as made
        for secret in (Secret("tls", literal), made.secret):
            if covered:
                Listener.https(certificates=(secret,), hostname=listener)
                continue
            with pytest.raises(InvalidValueError) as error:
                Listener.https(certificates=(secret,), hostname=listener)
            assert str(error.value) == (f"listener.certificates: got ['{secret.name}']; expected a certificate valid "
                                        f"for '{listener}' (Secret '{secret.name}' is for {', '.join(hosts)})")

    run_program(program)


def test_a_certificate_whose_names_are_unknown_here_is_not_judged(run_program: RunProgram) -> None:
    def program() -> None:  # the test certificate has no subject alternative names; a CertificateRef is elsewhere
        tls = Secret("tls", SecretArgs.tls("tls", "edge", certificate=CERTIFICATE, private_key=PRIVATE_KEY))
        assert tls.certificate_hosts is None
        Listener.https(certificates=(tls, CertificateRef("issued", "edge")), hostname="shop.example.com")

    run_program(program)


def test_a_gateway_another_program_declares_is_named_by_its_namespace(run_program: RunProgram) -> None:
    def program() -> None:
        ingress = Namespace("ingress", NamespaceArgs(name="ingress"))
        with pytest.raises(InvalidValueError) as error:
            Gateway.existing("public", GatewayArgs(name="public", namespace=ingress, gateway_class="traefik",
                                                   listeners=(Listener.http(),)))
        assert str(error.value) == ("gateway.namespace: got 'ingress'; expected the name of the namespace another "
                                    "program declares the Gateway in (a string)")

    run_program(program)
