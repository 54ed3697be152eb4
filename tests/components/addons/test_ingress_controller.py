"""The ingress controller: Traefik's chart with values its schema accepts, exposed per cluster kind."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pulumi
import pytest

from pilothouse.addons.chart import TRAEFIK, ChartSource
from pilothouse.addons.ingress_controller import IngressController, IngressControllerArgs, PublicEndpoint
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.gateway import Gateway, GatewayArgs, Listener
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs
from pilothouse.kubernetes.resources import Resources
from pilothouse.kubernetes.secret import Secret, SecretArgs
from pilothouse.kubernetes.service import ServiceType
from tests.components.addons.helpers import schema_errors
from tests.conftest import REPO, RunProgram
from tests.messages import DNS1123_SUBDOMAIN
from tests.pem import CERTIFICATE, PRIVATE_KEY

AKS = IngressControllerArgs(namespace="ingress", public_endpoint=PublicEndpoint(
    ip_name="pip-shop-prod-ingress", resource_group="rg-shop-prod", dns_label="shop-prod"))
LOCAL = IngressControllerArgs(namespace="ingress", replicas=1, service_type=ServiceType.NODE_PORT)


@pytest.mark.parametrize("args", [AKS, LOCAL, IngressControllerArgs(namespace="x", service_monitor=True),
                                  IngressControllerArgs(namespace="x", gateway_api=True)])
def test_values_are_accepted_by_the_chart_schema(args: IngressControllerArgs) -> None:
    assert schema_errors(TRAEFIK, args.values()) == []


def test_chart_release_with_ingress_provider_only(run_program: RunProgram) -> None:
    def program() -> None:
        namespace = Namespace("ingress", NamespaceArgs(name="ingress", isolated=False))
        IngressController("traefik", IngressControllerArgs(namespace=namespace, default_class=True))

    render = run_program(program)
    chart = render.one("kubernetes:helm.sh/v4:Chart", "traefik")
    assert chart.parent == render.one("pilothouse:addons:IngressController").urn
    assert render.one("kubernetes:core/v1:Namespace").urn in chart.options["dependencies"]
    # By default from its Helm repository, at the pinned version.
    assert (chart.inputs["chart"], chart.inputs["version"], chart.inputs["repositoryOpts"]) == (
        "traefik", "41.6.0", {"repo": "https://traefik.github.io/charts"})
    assert (chart.inputs["namespace"], chart.inputs["skipCrds"]) == ("ingress", True)
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
     f"ingress_controller.ingress_class: got 'Traefik'; expected {DNS1123_SUBDOMAIN}"),
    (lambda: PublicEndpoint(ip_name="pip", resource_group="rg", dns_label="Shop_Prod"),
     "ingress_controller.public_endpoint.dns_label: got 'Shop_Prod'; expected an Azure public IP DNS label: 3-63 "
     "lowercase letters, digits and '-', starting with a letter and ending with a letter or digit"),
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
    release = "https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/v1.7.0/config/crd/standard"
    assert crds.inputs["files"] == [f"{release}/gateway.networking.k8s.io_{kind}.yaml" for kind in (
        "gatewayclasses", "gateways", "grpcroutes", "httproutes", "referencegrants")]
    chart = render.one("kubernetes:helm.sh/v4:Chart")
    assert crds.urn in chart.options["dependencies"]
    values = chart.inputs["values"]
    assert values["providers"]["kubernetesGateway"] == {"enabled": True}
    # the chart makes the class; Gateways are the program's, typed and with TLS
    assert values["gatewayClass"] == {"enabled": True, "name": "traefik"}
    assert values["gateway"] == {"enabled": False}
    served_by = controllers[0].gateway_class
    assert served_by is not None
    assert (served_by.name, served_by.https_port, served_by.http_port, served_by.bound_ports,
            served_by.data_plane_namespace) == ("traefik", 8443, 8000, True, "ingress")
    assert served_by.after == (controllers[0].chart,)


def test_without_gateway_api_there_is_no_gateway_class(run_program: RunProgram) -> None:
    controllers: list[IngressController] = []
    values = run_program(lambda: controllers.append(IngressController("traefik", IngressControllerArgs(
        namespace="ingress")))).one("kubernetes:helm.sh/v4:Chart").inputs["values"]
    assert controllers[0].gateway_class is None
    assert values["gatewayClass"]["enabled"] is False


def test_a_gateway_on_traefik_listens_on_its_entry_points(run_program: RunProgram) -> None:
    def program() -> None:
        traefik = IngressController("traefik", IngressControllerArgs(namespace="ingress", gateway_api=True))
        assert traefik.gateway_class is not None
        tls = Secret("tls", SecretArgs.tls("tls", "ingress", certificate=CERTIFICATE, private_key=PRIVATE_KEY))
        with pytest.raises(InvalidValueError) as wrong_port:
            GatewayArgs(name="web", namespace="ingress", gateway_class=traefik.gateway_class,
                        listeners=(Listener.https(certificates=(tls,), port=443),))
        assert str(wrong_port.value) == (
            "gateway.listeners: got 'https: HTTPS on 443'; expected HTTPS on port 8443: GatewayClass 'traefik' "
            "programs listeners on its own ports only (HTTPS 8443, HTTP 8000)")
        # without a port, a listener takes the class's
        Gateway("web", GatewayArgs(name="web", namespace="ingress", gateway_class=traefik.gateway_class,
                                   redirect_http=True, listeners=(Listener.https(certificates=(tls,)),)))

    render = run_program(program)
    gateway = render.one("kubernetes:gateway.networking.k8s.io/v1:Gateway")
    assert gateway.inputs["spec"]["gatewayClassName"] == "traefik"
    assert [(each["name"], each["port"]) for each in gateway.inputs["spec"]["listeners"]] == [
        ("https", 8443), ("http-redirect", 8000)]
    # after Traefik's chart (which brings the class), in the Gateway's namespace where Traefik runs
    assert render.one("kubernetes:helm.sh/v4:Chart").urn in gateway.options["dependencies"]


def test_a_local_chart_folder_serves_air_gapped_installs(run_program: RunProgram) -> None:
    render = run_program(lambda: IngressController("traefik", IngressControllerArgs(
        namespace="ingress", gateway_api=True, charts=ChartSource.local("charts"))))
    chart = render.one("kubernetes:helm.sh/v4:Chart")
    assert chart.inputs["chart"] == "charts/traefik"
    assert "repositoryOpts" not in chart.inputs
    assert render.one("kubernetes:yaml/v2:ConfigGroup").inputs["files"] == [
        f"charts/gateway-api/gateway.networking.k8s.io_{kind}.yaml"
        for kind in ("gatewayclasses", "gateways", "grpcroutes", "httproutes", "referencegrants")]


def test_a_missing_local_chart_is_refused_when_declared(tmp_path: Path) -> None:
    with pytest.raises(InvalidValueError) as missing:
        IngressControllerArgs(namespace="ingress", charts=ChartSource.local(str(tmp_path)))
    assert str(missing.value) == (
        f"ingress_controller.charts: got '{tmp_path}/traefik'; expected an unpacked traefik chart 41.6.0 (make charts, "
        "or helm pull traefik --repo https://traefik.github.io/charts --version 41.6.0 --untar)")


def test_a_local_chart_of_another_version_is_refused(tmp_path: Path) -> None:
    (tmp_path / "traefik").mkdir()
    (tmp_path / "traefik" / "Chart.yaml").write_text("name: traefik\nversion: 40.0.0\n")
    with pytest.raises(InvalidValueError) as other:
        IngressControllerArgs(namespace="ingress", charts=ChartSource.local(str(tmp_path)))
    assert str(other.value) == (f"ingress_controller.charts: got \"{tmp_path}/traefik (name 'traefik', version "
                                "'40.0.0')\"; expected the pinned traefik chart 41.6.0")


def test_gateway_api_from_a_local_folder_needs_its_crds(tmp_path: Path) -> None:
    shutil.copytree(REPO / "charts" / "traefik", tmp_path / "traefik")
    with pytest.raises(InvalidValueError) as missing:
        IngressControllerArgs(namespace="ingress", gateway_api=True, charts=ChartSource.local(str(tmp_path)))
    assert str(missing.value) == (
        f"ingress_controller.charts: got '{tmp_path}/gateway-api/gateway.networking.k8s.io_gatewayclasses.yaml'; "
        "expected the Gateway API v1.7.0 CRD manifests (make charts)")


@pytest.mark.parametrize("content", ["version: [1, 2", "- version: 41.6.0", "41.6.0", "\tname: traefik", ""])
def test_a_local_chart_whose_metadata_is_not_a_chart_is_refused(tmp_path: Path, content: str) -> None:
    (tmp_path / "traefik").mkdir()
    (tmp_path / "traefik" / "Chart.yaml").write_text(content)
    with pytest.raises(InvalidValueError) as refused:
        IngressControllerArgs(namespace="ingress", charts=ChartSource.local(str(tmp_path)))
    assert str(refused.value).startswith("ingress_controller.charts: got ")


def test_a_local_chart_of_another_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "traefik").mkdir()
    (tmp_path / "traefik" / "Chart.yaml").write_text("name: nginx\nversion: 41.6.0\n")
    with pytest.raises(InvalidValueError, match="name 'nginx'"):
        IngressControllerArgs(namespace="ingress", charts=ChartSource.local(str(tmp_path)))


@pytest.mark.parametrize("charts", ["charts", None, 0, ChartSource])
def test_charts_must_be_a_chart_source(charts: object) -> None:
    with pytest.raises(InvalidValueError) as refused:
        IngressControllerArgs(namespace="ingress", charts=charts)  # type: ignore[arg-type]
    assert str(refused.value) == (f"ingress_controller.charts: got {charts!r}; "
                                  "expected ChartSource.repositories() or ChartSource.local(folder)")


@pytest.mark.parametrize("directory", ["", " charts", "charts\n", "a\x00b", 5, b"charts"])
def test_a_local_folder_must_be_a_clean_path(directory: object) -> None:
    with pytest.raises(InvalidValueError) as refused:
        ChartSource.local(directory)  # type: ignore[arg-type]
    assert str(refused.value).startswith(f"charts.directory: got {directory!r}; expected a folder")


def test_a_local_folder_may_be_a_path() -> None:
    assert ChartSource.local(REPO / "charts") == ChartSource(str(REPO / "charts"))


def test_gateway_api_crd_files_must_be_crds(tmp_path: Path) -> None:
    shutil.copytree(REPO / "charts" / "traefik", tmp_path / "traefik")
    shutil.copytree(REPO / "charts" / "gateway-api", tmp_path / "gateway-api")
    (tmp_path / "gateway-api" / "gateway.networking.k8s.io_httproutes.yaml").write_text("")
    with pytest.raises(InvalidValueError, match=re.escape("httproutes.yaml'; expected the Gateway API v1.7.0 CRD")):
        IngressControllerArgs(namespace="ingress", gateway_api=True, charts=ChartSource.local(str(tmp_path)))


def test_gateway_api_crds_of_another_release_are_refused(tmp_path: Path) -> None:
    # A folder assembled before the pin moved would install CRDs the typed objects were not checked against.
    shutil.copytree(REPO / "charts" / "traefik", tmp_path / "traefik")
    shutil.copytree(REPO / "charts" / "gateway-api", tmp_path / "gateway-api")
    gateways = tmp_path / "gateway-api" / "gateway.networking.k8s.io_gateways.yaml"
    gateways.write_text(gateways.read_text().replace("bundle-version: v1.7.0", "bundle-version: v1.5.1"))
    with pytest.raises(InvalidValueError) as refused:
        IngressControllerArgs(namespace="ingress", gateway_api=True, charts=ChartSource.local(str(tmp_path)))
    assert str(refused.value) == (f"ingress_controller.charts: got '{gateways}'; "
                                  "expected the Gateway API v1.7.0 CRD manifests (make charts)")


def test_traefik_in_an_isolated_namespace_is_refused(run_program: RunProgram) -> None:
    # Its pods carry no label the namespace's policies could let clients in by: the Gateway would be unreachable.
    def program() -> None:
        edge = Namespace("edge", NamespaceArgs(name="edge"))
        with pytest.raises(InvalidValueError) as error:
            IngressControllerArgs(namespace=edge, gateway_api=True)
        assert str(error.value) == ("ingress_controller.namespace: got 'edge'; expected a namespace that is not "
                                    "isolated (NamespaceArgs(isolated=False)): Traefik reaches the API server and "
                                    "every app, and clients reach it")

    run_program(program)
