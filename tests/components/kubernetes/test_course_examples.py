"""Every YAML example of the course, built with the typed API, renders to the course's object.

The course's objects run as root with Kubernetes' defaults; building them takes the explicit
opt-outs (``SecurityProfile.UNCONFINED``, ``automount_service_account_token=None``), which is
the point: the insecure object can be expressed, but never by accident.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from components.kubernetes.container import Container, PullPolicy
from components.kubernetes.deployment import Deployment, DeploymentArgs
from components.kubernetes.pod import Pod, PodArgs
from components.kubernetes.pod_spec import PodSpec
from components.kubernetes.ports import Port
from components.kubernetes.security import SecurityProfile
from components.kubernetes.service import ServicePort, ServiceType
from components.kubernetes.volumes import Mount, Volume
from offline.render import manifest
from tests.conftest import RunProgram

COURSE = Path(__file__).resolve().parents[2] / "fixtures" / "course"
UNCONFINED = SecurityProfile.UNCONFINED


def course(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((COURSE / name).read_text())
    return loaded


def pod_of(*containers: Container, **kwargs: Any) -> PodSpec:
    return PodSpec(containers=containers, automount_service_account_token=None, **kwargs)


def test_declarative_pod(run_program: RunProgram) -> None:
    args = PodArgs(name="decla-pod", namespace="default",
                   pod=pod_of(Container(name="memory-demo", image="nginx", security=UNCONFINED)))
    render = run_program(lambda: Pod("decla-pod", args))
    assert manifest(render.one("kubernetes:core/v1:Pod")) == course("declarative-pod.yaml")


def test_node_selector_pod(run_program: RunProgram) -> None:
    nginx = Container(name="nginx", image="nginx", pull_policy=PullPolicy.IF_NOT_PRESENT, security=UNCONFINED)
    args = PodArgs(name="nginx", namespace="default", labels={"env": "test"},
                   pod=pod_of(nginx, node_selector={"disktype": "ssd"}))
    render = run_program(lambda: Pod("nginx", args))
    assert manifest(render.one("kubernetes:core/v1:Pod")) == course("node-selector-pod.yaml")


def test_init_container_pod_shares_an_empty_dir(run_program: RunProgram) -> None:
    workdir = Volume.empty_dir("workdir")
    nginx = Container(name="nginx", image="nginx", ports=(Port(80),), security=UNCONFINED,
                      mounts=(Mount(workdir, "/usr/share/nginx/html"),))
    install = Container(name="install", image="busybox", security=UNCONFINED,
                        command=("wget", "-O", "/work-dir/index.html", "http://kubernetes.io"),
                        mounts=(Mount(workdir, "/work-dir"),))
    args = PodArgs(name="init-demo", namespace="default",
                   pod=pod_of(nginx, init_containers=(install,), dns_policy="Default"))
    render = run_program(lambda: Pod("init-demo", args))
    assert manifest(render.one("kubernetes:core/v1:Pod")) == course("init-demo-pod.yaml")


def test_nginx_deployment_with_change_cause(run_program: RunProgram) -> None:
    nginx = Container(name="nginx", image="nginx:1.7.9", ports=(Port(80),), security=UNCONFINED)
    args = DeploymentArgs(name="nginx-deployment", namespace="default", replicas=3, labels={"app": "nginx"},
                          change_cause="nginx:1.7.9", pod=pod_of(nginx))
    render = run_program(lambda: Deployment("nginx-deployment", args))
    assert manifest(render.one("kubernetes:apps/v1:Deployment")) == course("nginx-deployment.yaml")


def test_node_port_service_derives_its_selector(run_program: RunProgram) -> None:
    hello = Container(name="hello-node", image="hello-node:v1", ports=(Port(8080),), security=UNCONFINED)
    args = DeploymentArgs(name="hello-node", namespace="default", pod=pod_of(hello))

    def program() -> None:
        Deployment("hello-node", args).expose([ServicePort(80, target=8080, name="http", node_port=30036)],
                                              name="hello-node-svc", type_=ServiceType.NODE_PORT)

    render = run_program(program)
    assert manifest(render.one("kubernetes:core/v1:Service")) == course("hello-node-svc.yaml")
