"""The ingress controller: Traefik's chart with values its schema accepts, exposed per cluster kind."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pytest

from pilothouse.addons.chart import TRAEFIK
from pilothouse.addons.ingress_controller import IngressController, IngressControllerArgs, PublicEndpoint
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs
from pilothouse.kubernetes.resources import Resources
from pilothouse.kubernetes.service import ServiceType
from tests.components.addons.helpers import schema_errors
from tests.conftest import RunProgram

AKS = IngressControllerArgs(namespace="ingress", public_endpoint=PublicEndpoint(
    ip_name="pip-shop-prod-ingress", resource_group="rg-shop-prod", dns_label="shop-prod"))
LOCAL = IngressControllerArgs(namespace="ingress", replicas=1, service_type=ServiceType.NODE_PORT)


@pytest.mark.parametrize("args", [AKS, LOCAL, IngressControllerArgs(namespace="x", service_monitor=True),
                                  IngressControllerArgs(namespace="x", gateway_api=True)])
def test_values_are_accepted_by_the_chart_schema(args: IngressControllerArgs) -> None:
    assert schema_errors(TRAEFIK, args.values()) == []


def test_chart_release_with_ingress_provider_only(run_program: RunProgram) -> None:
    def program() -> None:
        namespace = Namespace("ingress", NamespaceArgs(name="ingress"))
        IngressController("traefik", IngressControllerArgs(namespace=namespace, default_class=True))

    render = run_program(program)
    chart = render.one("kubernetes:helm.sh/v4:Chart", "traefik")
    assert chart.parent == render.one("pilothouse:addons:IngressController").urn
    assert render.one("kubernetes:core/v1:Namespace").urn in chart.options["dependencies"]
    assert (chart.inputs["chart"], chart.inputs["namespace"], chart.inputs["skipCrds"]) == (
        "charts/traefik", "ingress", True)
    values = chart.inputs["values"]
    assert values["providers"] == {"kubernetesCRD": {"enabled": False}, "kubernetesGateway": {"enabled": False},
                                   "kubernetesIngress": {"enabled": True, "ingressClass": "traefik",
                                                         "publishedService": {"enabled": True}}}
    assert not render.of_type("kubernetes:yaml/v2:ConfigGroup")
    assert values["ingressClass"] == {"enabled": True, "isDefaultClass": True, "name": "traefik"}
    assert values["podDisruptionBudget"] == {"enabled": True, "maxUnavailable": 1}
    assert values["resources"] == {"requests": {"cpu": "100m", "memory": "128Mi"},
                                   "limits": {"cpu": "500m", "memory": "256Mi"}}


def test_aks_load_balancer_takes_the_platform_ip_and_dns_label(run_program: RunProgram) -> None:
    service = run_program(lambda: IngressController("traefik", AKS)).one(
        "kubernetes:helm.sh/v4:Chart").inputs["values"]["service"]
    assert service == {"spec": {"type": "LoadBalancer"}, "annotations": {
        "service.beta.kubernetes.io/azure-pip-name": "pip-shop-prod-ingress",
        "service.beta.kubernetes.io/azure-load-balancer-resource-group": "rg-shop-prod",
        "service.beta.kubernetes.io/azure-dns-label-name": "shop-prod"}}


def test_local_cluster_needs_no_load_balancer(run_program: RunProgram) -> None:
    values = run_program(lambda: IngressController("traefik", LOCAL)).one(
        "kubernetes:helm.sh/v4:Chart").inputs["values"]
    assert values["service"] == {"spec": {"type": "NodePort"}}
    assert values["podDisruptionBudget"]["enabled"] is False


@pytest.mark.parametrize(("build", "message"), [
    (lambda: IngressControllerArgs(namespace="ingress", replicas=0),
     "ingress_controller.replicas: got 0; expected an integer of at least 1"),
    (lambda: IngressControllerArgs(namespace="ingress", service_type=ServiceType.NODE_PORT,
                                   public_endpoint=PublicEndpoint(ip_name="pip", resource_group="rg")),
     "ingress_controller.service_type: got 'NodePort'; expected 'LoadBalancer' when a public endpoint is given"),
    (lambda: IngressControllerArgs(namespace="ingress", resources=Resources.of(cpu="100m", memory="64Mi")),
     "ingress_controller.resources: got {'requests': {'cpu': '100m', 'memory': '64Mi'}}; expected requests and "
     "limits for cpu and memory (namespace quotas require limits)"),
    (lambda: IngressControllerArgs(namespace="ingress", ingress_class="Traefik"),
     "ingress_controller.ingress_class: got 'Traefik'; expected a DNS-1123 subdomain: 1-253 lowercase letters, "
     "digits, '-' or '.', starting and ending alphanumeric"),
    (lambda: PublicEndpoint(ip_name="pip", resource_group="rg", dns_label="Shop_Prod"),
     "ingress_controller.public_endpoint.dns_label: got 'Shop_Prod'; expected a DNS-1123 label: 1-63 lowercase "
     "letters, digits or '-', starting and ending alphanumeric"),
])
def test_bad_controller_settings_are_rejected(build: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_platform_outputs_flow_into_the_annotations(run_program: RunProgram) -> None:
    endpoint = PublicEndpoint(ip_name=pulumi.Output.from_input("pip-from-platform"), resource_group="rg")
    values = run_program(lambda: IngressController("traefik", IngressControllerArgs(
        namespace="ingress", public_endpoint=endpoint))).one("kubernetes:helm.sh/v4:Chart").inputs["values"]
    assert values["service"]["annotations"]["service.beta.kubernetes.io/azure-pip-name"] == "pip-from-platform"


def test_gateway_api_installs_its_crds_first_and_a_gateway_routes_attach_to(run_program: RunProgram) -> None:
    controllers: list[IngressController] = []
    render = run_program(lambda: controllers.append(IngressController("traefik", IngressControllerArgs(
        namespace="ingress", gateway_api=True))))
    crds = render.one("kubernetes:yaml/v2:ConfigGroup", "traefik-gateway-api")
    assert crds.inputs["files"] == ["charts/gateway-api/*.yaml"]
    chart = render.one("kubernetes:helm.sh/v4:Chart")
    assert crds.urn in chart.options["dependencies"]
    values = chart.inputs["values"]
    assert values["providers"]["kubernetesGateway"] == {"enabled": True}
    assert values["gateway"]["listeners"]["web"]["namespacePolicy"] == {"from": "All"}
    gateway = controllers[0].ingress_class.gateway
    assert gateway is not None
    assert gateway.parent_ref() == {"name": "traefik", "namespace": "ingress", "sectionName": "web"}
