"""Routes declared on apps: the course's host- and path-based Ingress examples, TLS, and every rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.deployment import Deployment, DeploymentArgs
from pilothouse.kubernetes.ingress import (
    Backend,
    Ingress,
    IngressArgs,
    IngressClass,
    PathType,
    Route,
    Tls,
)
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs
from pilothouse.kubernetes.pod_spec import PodSpec
from pilothouse.kubernetes.ports import Port
from pilothouse.kubernetes.secret import Secret, SecretArgs
from pilothouse.kubernetes.service import Service, ServicePort
from tests.conftest import RunProgram
from tests.messages import DNS1123_SUBDOMAIN
from tests.pem import CERTIFICATE, PRIVATE_KEY

NS = "ingress-basic"


def nginx(color: str, ports: tuple[ServicePort, ...] = (ServicePort(80, target="http", name="http"),)) -> Service:
    pod = PodSpec(containers=(Container(name="nginx", image="nginxinc/nginx-unprivileged:1.27",
                                        ports=(Port.http(8080), Port.metrics(9113))),))
    app = Deployment(f"nginx-{color}", DeploymentArgs(name=f"nginx-{color}", namespace=NS, pod=pod))
    return app.expose(ports, name=f"nginx-{color}-svc")


def test_host_based_routing_as_in_the_course(run_program: RunProgram) -> None:
    def program() -> None:
        for color in ("blue", "green"):
            nginx(color).route([Route(host=f"{color}.example.com")], ingress_class="traefik")

    render = run_program(program)
    blue = render.one("kubernetes:networking.k8s.io/v1:Ingress", "nginx-blue-svc")
    assert blue.parent == render.one("kubernetes:core/v1:Service", "nginx-blue-svc").urn
    assert render.one("kubernetes:core/v1:Service", "nginx-blue-svc").urn in blue.options["dependencies"]
    assert blue.inputs["spec"] == {"ingressClassName": "traefik", "rules": [{"host": "blue.example.com", "http": {
        "paths": [{"path": "/", "pathType": "Prefix",
                   "backend": {"service": {"name": "nginx-blue-svc", "port": {"name": "http"}}}}]}}]}


def test_path_based_routing_of_two_apps_in_one_ingress(run_program: RunProgram) -> None:
    def program() -> None:
        blue, green = nginx("blue", (ServicePort(80, target="http"),)), nginx("green", (ServicePort(80, "http"),))
        Ingress("web", IngressArgs(name="web-ingress", namespace=NS, ingress_class="traefik", backends=(
            blue.backend(Route(path="/blue")), green.backend(Route(path="/green", path_type=PathType.EXACT)))))

    spec = run_program(program).one("kubernetes:networking.k8s.io/v1:Ingress").inputs["spec"]
    assert spec["rules"] == [{"http": {"paths": [
        {"path": "/blue", "pathType": "Prefix", "backend": {"service": {"name": "nginx-blue-svc",
                                                                         "port": {"number": 80}}}},
        {"path": "/green", "pathType": "Exact", "backend": {"service": {"name": "nginx-green-svc",
                                                                         "port": {"number": 80}}}}]}}]


def test_tls_from_a_tls_secret_of_the_same_namespace(run_program: RunProgram) -> None:
    def program() -> None:
        cert = Secret("shop-tls", SecretArgs.tls("shop-tls", NS, certificate=CERTIFICATE, private_key=PRIVATE_KEY))
        service = nginx("blue", (ServicePort(80, target="http", name="http"),
                                 ServicePort(9113, target="metrics", name="metrics")))
        service.route([Route(host="shop.example.com", port="http"), Route(host="shop.example.com", path="/api",
                                                                          port=80)],
                      ingress_class="traefik", tls=[Tls(cert, ("shop.example.com",))])

    render = run_program(program)
    ingress = render.one("kubernetes:networking.k8s.io/v1:Ingress")
    assert ingress.inputs["spec"]["tls"] == [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}]
    assert [p["path"] for p in ingress.inputs["spec"]["rules"][0]["http"]["paths"]] == ["/", "/api"]
    assert render.one("kubernetes:core/v1:Secret").urn in ingress.options["dependencies"]


def _route(routes: list[Route], tls: list[Tls] | None = None) -> Callable[[], object]:
    return lambda: nginx("blue", (ServicePort(80, target="http", name="http"),
                                  ServicePort(9113, target="metrics", name="metrics"))).route(
        routes, ingress_class="traefik", tls=tls or [])


@pytest.mark.parametrize(("program", "message"), [
    (_route([Route(host="shop.example.com"), Route(host="shop.example.com", port="metrics")]),
     "route.port: got None; expected a port named explicitly, as several serve Service 'nginx-blue-svc' "
     "(80/http, 9113/metrics)"),
    (_route([Route(port=8080)]),
     "route.port: got 8080; expected a port of Service 'nginx-blue-svc' (80/http, 9113/metrics)"),
    (_route([Route(host="shop.example.com", port="http"), Route(host="shop.example.com", port="metrics")]),
     "ingress.routes: got 'shop.example.com/'; expected one backend per host and path"),
    (_route([Route(host="shop.example.com", port="http")], [Tls("shop-tls", ("admin.example.com",))]),
     "ingress.tls.hosts: got 'admin.example.com'; expected a host the routes serve (shop.example.com)"),
    (lambda: Tls(Secret("db", SecretArgs(name="db", namespace=NS, data={"password": "x"})), ("a.example.com",)),
     "ingress.tls.secret: got 'db'; expected a Secret of type 'kubernetes.io/tls' (made with SecretArgs.tls)"),
    (lambda: Route(host="Shop.example.com"),
     f"route.host: got 'Shop.example.com'; expected a host name (optionally '*.' and a host name): "
     f"{DNS1123_SUBDOMAIN.partition(': ')[2]}"),
    (lambda: Route(host="10.0.0.1"), "route.host: got '10.0.0.1'; expected a DNS name, not an IP address"),
    (lambda: Route(path="/a//b"), "route.path: got '/a//b'; expected an absolute URL path such as '/api' (RFC 3986 "
                                  "characters, no wildcards: a Prefix path '/blue' already matches '/blue/...'), "
                                  "without '//'"),
    (lambda: Route(path="/blue/*"),
     "route.path: got '/blue/*'; expected an absolute URL path such as '/api' (RFC 3986 characters, no wildcards: "
     "a Prefix path '/blue' already matches '/blue/...')"),
    (lambda: Ingress("web", IngressArgs(name="web", namespace=NS, backends=())),
     "ingress.routes: got []; expected at least one route"),
    (lambda: Ingress("web", IngressArgs(name="web", namespace="other", backends=(
        nginx("blue").backend(Route()),))),
     "ingress.routes: got 'ingress-basic/nginx-blue-svc'; expected Services in the Ingress's namespace 'other'"),
])
def test_bad_routes_are_rejected_before_any_ingress(run_program: RunProgram, program: Callable[[], object],
                                                    message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == message


def test_wildcard_hosts_and_the_cluster_default_class(run_program: RunProgram) -> None:
    render = run_program(lambda: nginx("blue").route([Route(host="*.shop.example.com")], ingress_class=None))
    spec = render.one("kubernetes:networking.k8s.io/v1:Ingress").inputs["spec"]
    assert "ingressClassName" not in spec
    assert spec["rules"][0]["host"] == "*.shop.example.com"


def test_the_controller_is_let_into_an_isolated_namespace_on_the_routed_port(run_program: RunProgram) -> None:
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        pod = PodSpec(containers=(Container(name="web", image="shop/web:1.0", ports=(Port.http(8080),)),))
        service = Deployment("web", DeploymentArgs(name="web", namespace=shop, pod=pod)).expose(
            [ServicePort(80, target="http", name="http")])
        # Behind a NodePort the controller publishes no address: up must not wait for one.
        service.route([Route(host="shop.example.com")],
                      ingress_class=IngressClass("traefik", "ingress", publishes_address=False))

    render = run_program(program)
    ingress = render.one("kubernetes:networking.k8s.io/v1:Ingress").inputs
    assert ingress["metadata"]["annotations"] == {"pulumi.com/skipAwait": "true"}
    assert ingress["spec"]["ingressClassName"] == "traefik"
    policy = render.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "web-web-from-ingress").inputs
    assert policy["metadata"] == {"name": "allow-web-from-ingress", "namespace": "shop"}
    assert policy["spec"] == {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"], "ingress": [
        {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress"}}}],
         "ports": [{"port": 8080, "protocol": "TCP"}]}]}


def test_no_policy_where_traffic_already_flows(run_program: RunProgram) -> None:
    render = run_program(lambda: nginx("blue").route([Route()], ingress_class=IngressClass("traefik", "ingress")))
    assert not render.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")


def test_a_hand_made_backend_without_a_route_is_refused_naming_the_field() -> None:
    # Found by the constructor property test: IngressArgs read backend.route.key of a None route (AttributeError).
    with pytest.raises(InvalidValueError) as error:
        Backend(route=None, service="web", namespace="shop", port=80)  # type: ignore[arg-type]
    assert str(error.value) == "backend.route: got None; expected a value of type Route"
