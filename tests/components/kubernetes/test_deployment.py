from __future__ import annotations

from typing import Any

import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.deployment import Deployment, DeploymentArgs, Recreate, RollingUpdate
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs, PodSecurityLevel
from pilothouse.kubernetes.pod_spec import PodSpec
from pilothouse.kubernetes.ports import Port, Protocol
from pilothouse.kubernetes.security import SecurityProfile
from pilothouse.kubernetes.service import ServiceArgs, ServicePort, ServiceType
from pilothouse.kubernetes.volumes import HostPathType, Mount, Volume
from tests.conftest import RunProgram
from tests.messages import DNS1123_LABEL

WEB = PodSpec(containers=(Container(name="web", image="shop/web:1.0", ports=(Port.http(8080),)),))


def test_the_service_is_a_child_of_its_deployment_with_derived_selector(run_program: RunProgram) -> None:
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        web = Deployment("web", DeploymentArgs(name="web", namespace=shop, pod=WEB, replicas=2,
                                               strategy=RollingUpdate(max_surge=1, max_unavailable=0),
                                               revision_history_limit=5))
        web.expose([ServicePort(80, target="http", name="http")])

    render = run_program(program)
    deployment = render.one("kubernetes:apps/v1:Deployment", "web")
    service = render.one("kubernetes:core/v1:Service", "web")
    assert deployment.parent.endswith("::pulumi:pulumi:Stack::pilothouse-test")  # the object itself, no wrapper
    assert service.parent == deployment.urn
    assert render.one("kubernetes:core/v1:Namespace").urn in deployment.options["dependencies"]
    spec = deployment.inputs["spec"]
    assert spec["selector"] == {"matchLabels": {"app": "web"}}
    assert spec["template"]["metadata"]["labels"] == {"app": "web"}
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    assert spec["revisionHistoryLimit"] == 5
    assert service.inputs["spec"] == {"selector": {"app": "web"}, "ports": [
        {"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"}]}


def test_autoscaled_deployment_leaves_replicas_alone(run_program: RunProgram) -> None:
    render = run_program(lambda: Deployment("web", DeploymentArgs(name="web", namespace="shop", pod=WEB,
                                                                  replicas=None, strategy=Recreate())))
    spec = render.one("kubernetes:apps/v1:Deployment").inputs["spec"]
    assert "replicas" not in spec
    assert spec["strategy"] == {"type": "Recreate"}


def rejected_in(run_program: RunProgram, namespace: NamespaceArgs, pod: PodSpec) -> str:
    def program() -> None:
        DeploymentArgs(name="web", namespace=Namespace(namespace.name, namespace), pod=pod)

    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    return str(error.value)


def test_a_pod_the_namespace_would_reject_fails_before_registration(run_program: RunProgram) -> None:
    nginx = PodSpec(containers=(Container(name="nginx", image="nginx:1.27", security=SecurityProfile.BASELINE),))
    assert rejected_in(run_program, NamespaceArgs(name="shop"), nginx) == (
        "deployment.pod.containers: got 'baseline'; expected containers the namespace 'shop' admits under "
        "Pod Security 'restricted' (profiles ['restricted'])")


def test_host_path_needs_a_privileged_namespace(run_program: RunProgram) -> None:
    logs = Volume.host_path("logs", "/var/log", HostPathType.DIRECTORY)
    agent = PodSpec(containers=(Container(name="agent", image="agent:1", security=SecurityProfile.UNCONFINED,
                                          mounts=(Mount(logs, "/var/log", read_only=True),)),))
    baseline = NamespaceArgs(name="ops", pod_security=PodSecurityLevel.BASELINE)
    assert rejected_in(run_program, baseline, agent) == (
        "deployment.pod.containers: got 'unconfined'; expected containers the namespace 'ops' admits under Pod "
        "Security 'baseline' (profiles ['baseline', 'host-reader', 'restricted'])")
    privileged = NamespaceArgs(name="ops", pod_security=PodSecurityLevel.PRIVILEGED)
    baseline_agent = PodSpec(containers=(Container(name="agent", image="agent:1", security=SecurityProfile.BASELINE,
                                                   mounts=(Mount(logs, "/var/log", read_only=True),)),))
    assert rejected_in(run_program, baseline, baseline_agent) == (
        "deployment.pod.volumes: got 'logs'; expected no hostPath volume in namespace 'ops' (Pod Security "
        "'baseline' forbids them)")
    run_program(lambda: DeploymentArgs(name="agent", namespace=Namespace("ops", privileged), pod=agent))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"name": "Web"}, f"deployment.name: got 'Web'; expected {DNS1123_LABEL}"),
    ({"replicas": -1}, "deployment.replicas: got -1; expected an integer from 0 to 10000, or None"),
    ({"replicas": 1.5}, "deployment.replicas: got 1.5; expected an integer from 0 to 10000, or None"),
    ({"replicas": True}, "deployment.replicas: got True; expected an integer from 0 to 10000, or None"),
    ({"revision_history_limit": -1},
     "deployment.revision_history_limit: got -1; expected an integer from 0 to 2147483647"),
])
def test_bad_deployments_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        DeploymentArgs(**{"name": "web", "namespace": "shop", "pod": WEB, **kwargs})
    assert str(error.value) == message


@pytest.mark.parametrize(("build", "message"), [
    (lambda: RollingUpdate(max_unavailable="150%"), "rolling_update.max_unavailable: got '150%'; expected a pod "
                                                    "count (>= 0) or a percentage from '0%' to '100%' such as '25%'"),
    (lambda: RollingUpdate(max_surge="٣%"), "rolling_update.max_surge: got '٣%'; expected a pod count (>= 0) or a "
                                            "percentage like '25%'"),
    (lambda: RollingUpdate(max_surge=0, max_unavailable="00%"), "rolling_update.max_unavailable: got '00%'; expected "
                                                                "a value above 0 when max_surge is 0 (or the rollout "
                                                                "cannot progress)"),
    (lambda: RollingUpdate(max_surge=0, max_unavailable=0), "rolling_update.max_unavailable: got 0; expected a "
                                                            "value above 0 when max_surge is 0 (or the rollout "
                                                            "cannot progress)"),
])
def test_bad_strategies_are_rejected(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_one_port_number_serves_two_protocols() -> None:
    """Port 53 over UDP and TCP (DNS) is one number twice, which the API server allows."""
    args = ServiceArgs(name="dns", namespace="shop", selector={"app": "web"}, pod=WEB, ports=(
        ServicePort(53, target=8080, name="dns-udp", protocol=Protocol.UDP), ServicePort(53, target=8080, name="dns")))
    assert [(port.port, str(port.protocol)) for port in args.ports] == [(53, "UDP"), (53, "TCP")]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"ports": (ServicePort(80, target=9090),)}, "service.target: got 9090; expected a port the workload's "
                                                 "containers declare (http)"),
    ({"ports": (ServicePort(80, target=8080, node_port=30036),)}, "service.node_port: got 30036; expected no "
                                                                  "nodePort on a ClusterIP Service (use type "
                                                                  "NodePort or LoadBalancer)"),
    ({"ports": (ServicePort(80, target=8080), ServicePort(81, target=8080))},
     "service.ports: got [None, None]; expected a unique name for every port of a multi-port Service"),
    ({"ports": ()}, "service.ports: got []; expected at least one port (only a headless Service may have none)"),
    # The API server refuses a port, or a node port, twice with one protocol (ValidateService: Duplicate value).
    ({"ports": (ServicePort(80, target=8080, name="a"), ServicePort(80, target=8080, name="b"))},
     "service.ports[1].port: got 80; expected a port not already used by ports[0] with protocol TCP"),
    ({"type": ServiceType.NODE_PORT,
      "ports": (ServicePort(80, target=8080, name="a", node_port=30080),
                ServicePort(81, target=8080, name="b", node_port=30080))},
     "service.ports[1].node_port: got 30080; expected a node port not already used by ports[0] with protocol TCP"),
    ({"ports": (ServicePort(80, target=8080),), "headless": True, "type": ServiceType.NODE_PORT},
     "service.type: got 'NodePort'; expected 'ClusterIP' for a headless Service"),
])
def test_bad_services_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        ServiceArgs(**{"name": "web", "namespace": "shop", "selector": {"app": "web"}, "pod": WEB, **kwargs})
    assert str(error.value) == message


def test_node_port_range_is_checked() -> None:
    with pytest.raises(InvalidValueError) as error:
        ServicePort(80, node_port=8080)
    assert str(error.value) == "service.node_port: got 8080; expected a NodePort from 30000 to 32767"
