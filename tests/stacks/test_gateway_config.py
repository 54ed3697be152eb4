"""The stack's Gateway from config (``pilothouse:gateway``): its class, namespace, host and certificate, each bad value
named by its key before anything is registered; and what the stacks build from it."""

from __future__ import annotations

from typing import Any

import pytest

import stacks
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.gateway import CertificateRef
from stacks.config import parse
from stacks.config_reader import InvalidConfigError
from tests.conftest import RunProgram
from tests.messages import DNS1123_SUBDOMAIN

NAMESPACES: list[dict[str, Any]] = [{"name": "shop", "labels": {"ingress.gateway.pilothouse.dev/public": "attach"}},
              {"name": "ingress", "isolated": False}, {"name": "edge"}]
LOCAL: dict[str, Any] = {"environment": "local", "target": "kubeconfig", "kubernetesVersion": "1.34",
                         "kubeconfig": "kubeconfig", "namespaces": NAMESPACES, "ingress": {"gatewayApi": True}}
GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"


def test_traefik_serves_the_gateway_by_default_with_a_self_signed_certificate() -> None:
    gateway = parse({**LOCAL, "gateway": {"host": "shop.localtest.me"}}).addons.gateway
    assert gateway is not None
    assert (gateway.name, gateway.namespace, gateway.provided_class, gateway.host, gateway.certificate) == (
        "public", "ingress", None, "shop.localtest.me", None)


def test_a_class_the_cluster_provides_and_an_issued_certificate() -> None:
    gateway = parse({**LOCAL, "ingress": {}, "gateway": {
        "class": "approuting-istio", "namespace": "edge", "certificate": {"name": "shop-tls", "namespace": "edge"}}},
    ).addons.gateway
    assert gateway is not None
    assert (gateway.provided_class, gateway.namespace, gateway.certificate) == (
        "approuting-istio", "edge", CertificateRef("shop-tls", "edge"))


@pytest.mark.parametrize(("changes", "message"), [
    ({"ingress": {}, "gateway": {"namespace": "edge"}},
     "pilothouse:gateway.class: got None; expected the name of a GatewayClass the cluster provides (AKS application "
     "routing's 'approuting-istio', Application Gateway for Containers' 'azure-alb-external'), or an ingress section "
     "with gatewayApi: true (Traefik then serves the Gateway)"),
    ({"ingress": {}, "gateway": {"class": "approuting-istio"}},
     "pilothouse:gateway.namespace: got nothing; expected a value: this key is required"),
    ({"gateway": {"class": "Istio"}}, f"pilothouse:gateway.class: got 'Istio'; expected {DNS1123_SUBDOMAIN}"),
    ({"gateway": {"namespace": "web"}},
     "pilothouse:gateway.namespace: got 'web'; expected one of the namespaces this stack declares (shop, ingress, "
     "edge)"),
    ({"gateway": {"name": "Public"}}, f"pilothouse:gateway.name: got 'Public'; expected {DNS1123_SUBDOMAIN}"),
    ({"gateway": {"name": "g" * 64}},
     f"pilothouse:gateway.name: got '{'g' * 64}'; expected a name of at most 63 characters, as the label "
     "'<namespace>.gateway.pilothouse.dev/<name>' carries it"),
    ({"gateway": {"host": "Shop.example.com"}},
     "pilothouse:gateway.host: got 'Shop.example.com'; expected a host name (optionally '*.' and a host name): "
     f"{DNS1123_SUBDOMAIN.partition(': ')[2]}"),
    ({"gateway": {"certificate": {"name": "tls"}}},
     "pilothouse:gateway.certificate.namespace: got nothing; expected a value: this key is required"),
    ({"gateway": {"certificate": {"name": "tls", "namespace": "edge", "kind": "Secret"}}},
     "pilothouse:gateway.certificate.kind: got 'Secret'; expected no such key here; known keys: name, namespace"),
    ({"gateway": {"certificate": {"name": "tls", "namespace": "nowhere"}}},
     "pilothouse:gateway.certificate.namespace: got 'nowhere'; expected one of the namespaces this stack declares "
     "(shop, ingress, edge)"),
    ({"gateway": {"name": 5}}, "pilothouse:gateway.name: got 5; expected a string"),
    ({"gateway": {"port": 443}},
     "pilothouse:gateway.port: got 443; expected no such key here; known keys: certificate, class, host, name, "
     "namespace"),
    ({"ingress": {"gatewayApi": True, "host": "shop.example.com"}, "gateway": {"name": "public"}},
     "pilothouse:ingress.host: got 'shop.example.com'; expected no value: the reference web app is routed through "
     "the Gateway (gateway.host)"),
    ({"environment": "prod", "gateway": {"name": "public"}},
     "pilothouse:gateway.certificate: got None; expected a Secret an issuer keeps valid ({name, namespace}: "
     "cert-manager, Key Vault) on environment 'prod': a self-signed certificate is for local and dev"),
    ({"referenceWorkloads": True, "namespaces": [{"name": "shop", "labels": {"team": "shop"}},
                                                 {"name": "ingress", "isolated": False}],
      "gateway": {"name": "public"}},
     "pilothouse:namespaces[0].labels['ingress.gateway.pilothouse.dev/public']: got None; expected 'attach' on "
     "namespace "
     "'shop': the reference web app's routes attach to Gateway 'public' from the namespaces carrying this label"),
])
def test_bad_gateway_config_names_its_key(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        parse({**LOCAL, **changes})
    assert not isinstance(error.value, InvalidConfigError), str(error.value)
    assert str(error.value) == message


def test_an_empty_gateway_section_is_no_gateway() -> None:
    # Pulumi.yaml gives the section the default {}: a stack without one routes with an Ingress.
    assert parse({**LOCAL, "gateway": {}}).addons.gateway is None


def test_the_reference_app_is_routed_through_the_gateway_over_https(run_program: RunProgram) -> None:
    config = parse({**LOCAL, "referenceWorkloads": True, "gateway": {"host": "shop.localtest.me"}, "namespaces": [
        {**NAMESPACES[0], "quota": {"pods": 20}}, *NAMESPACES[1:]]})
    render = run_program(lambda: stacks.build(config))
    gateway = render.one(GATEWAY)
    assert gateway.inputs["metadata"] == {"name": "public", "namespace": "ingress"}
    assert [(each["name"], each["port"], each["protocol"], each.get("hostname")) for each in
            gateway.inputs["spec"]["listeners"]] == [("https", 8443, "HTTPS", "shop.localtest.me"),
                                                     ("http-redirect", 8000, "HTTP", None)]
    assert render.one("kubernetes:core/v1:Secret", "public-tls").inputs["type"] == "kubernetes.io/tls"
    web = render.one(ROUTE, "web").inputs["spec"]
    assert web["hostnames"] == ["shop.localtest.me"]
    assert web["rules"] == [
        {"matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
         "backendRefs": [{"name": "web", "port": 80, "weight": 1}]},
        {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
         "backendRefs": [{"name": "web", "port": 80, "weight": 90}, {"name": "web-canary", "port": 80, "weight": 10}]}]
    assert not render.of_type("kubernetes:networking.k8s.io/v1:Ingress")


def test_a_refused_ingress_section_adds_no_gateway_errors() -> None:
    with pytest.raises(InvalidValueError) as error:
        parse({**LOCAL, "ingress": {"gatewayApi": True, "replicas": 0}, "gateway": {"host": "shop.localtest.me"}})
    assert str(error.value) == "pilothouse:ingress.replicas: got 0; expected an integer from 1 to 20"
