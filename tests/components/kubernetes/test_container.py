"""Containers and pod specs: the secure defaults and every rule they check."""

from __future__ import annotations

from typing import Any

import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.images.reference import ImageRef
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.pod_spec import PodSpec, RestartPolicy, TaintEffect, Toleration
from pilothouse.kubernetes.ports import Port, Protocol
from pilothouse.kubernetes.probes import Probe
from pilothouse.kubernetes.security import SecurityProfile
from pilothouse.kubernetes.volumes import Mount, Volume
from tests.messages import DNS1123_LABEL, LABEL_KEY_NAME_PART

RESTRICTED_CONTEXT = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
                      "readOnlyRootFilesystem": True, "runAsNonRoot": True,
                      "seccompProfile": {"type": "RuntimeDefault"}}


def test_restricted_by_default_with_a_writable_tmp() -> None:
    container = Container(name="api", image="myacr.azurecr.io/shop/api:1.4.2", ports=(Port.http(8080),))
    assert container.to_manifest() == {
        "name": "api", "image": "myacr.azurecr.io/shop/api:1.4.2",
        "ports": [{"containerPort": 8080, "name": "http"}],
        "securityContext": RESTRICTED_CONTEXT,
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    assert PodSpec(containers=(container,)).to_manifest() == {
        "containers": [container.to_manifest()], "volumes": [{"name": "tmp", "emptyDir": {}}],
        "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        "automountServiceAccountToken": False}


def test_baseline_allows_root_but_not_escalation() -> None:
    context = Container(name="nginx", image="nginx", security=SecurityProfile.BASELINE).to_manifest()["securityContext"]
    assert context == {"allowPrivilegeEscalation": False, "seccompProfile": {"type": "RuntimeDefault"}}


def test_writable_root_and_a_user_id_are_explicit() -> None:
    manifest = Container(name="app", image="app:1", writable_root=True, run_as_user=1000,
                         add_capabilities=("NET_BIND_SERVICE",)).to_manifest()
    assert manifest["securityContext"] == {**RESTRICTED_CONTEXT, "readOnlyRootFilesystem": False, "runAsUser": 1000,
                                           "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}
    assert "volumeMounts" not in manifest


def test_image_refs_render_fully_qualified() -> None:
    container = Container(name="web", image=ImageRef.parse("nginx"))
    assert container.to_manifest()["image"] == "docker.io/library/nginx:latest"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"name": "Web"}, f"container.name: got 'Web'; expected {DNS1123_LABEL}"),
    ({"image": "Nginx:latest"}, "container.image: got 'Nginx:latest'; expected an image reference "
                                "'[registry/][namespace/]name[:tag][@sha256:digest]' with a lowercase repository, "
                                "such as 'nginx:1.27' or 'myacr.azurecr.io/shop/api:1.4.2'"),
    ({"ports": (Port(80), Port(80))},
     "container.ports: got 80; expected port numbers unique per protocol (TCP) in the container"),
    ({"ports": (Port(80, "web"),), "readiness": Probe.http("/ready", "http")},
     "container.readiness.port: got 'http'; expected the name of one of the container's ports ['web']"),
    ({"add_capabilities": ("SYS_ADMIN",)},
     "container.add_capabilities: got ['SYS_ADMIN']; expected only NET_BIND_SERVICE under the restricted profile"),
    ({"run_as_user": 0}, "container.run_as_user: got 0; expected a non-zero user id under the restricted profile"),
    ({"mounts": (Mount(Volume.empty_dir("a"), "/data"), Mount(Volume.empty_dir("b"), "/data"))},
     "container.mounts: got '/data'; expected mount paths unique in the container"),
])
def test_bad_containers_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        Container(**{"name": "web", "image": "nginx:1.27", **kwargs})
    assert str(error.value) == message


def test_pod_spec_scheduling_fields() -> None:
    spec = PodSpec(containers=(Container(name="agent", image="agent:1", writable_root=True),),
                   node_selector={"disktype": "ssd"}, restart_policy=RestartPolicy.NEVER,
                   tolerations=(Toleration("kubernetes.azure.com/scalesetpriority", "spot", TaintEffect.NO_SCHEDULE),
                                Toleration("dedicated")),
                   service_account="agent", automount_service_account_token=True)
    manifest = spec.to_manifest()
    assert manifest["nodeSelector"] == {"disktype": "ssd"}
    assert manifest["restartPolicy"] == "Never"
    assert manifest["tolerations"] == [
        {"key": "kubernetes.azure.com/scalesetpriority", "operator": "Equal", "value": "spot", "effect": "NoSchedule"},
        {"key": "dedicated", "operator": "Exists"}]
    assert manifest["serviceAccountName"] == "agent"
    assert manifest["automountServiceAccountToken"] is True


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"containers": ()}, "pod.containers: got []; expected at least one container"),
    ({"init_containers": (Container(name="web", image="busybox"),)},
     "pod.containers: got 'web'; expected container names unique in the pod"),
    ({"volumes": (Volume.empty_dir("tmp", memory=True),)},
     "pod.volumes: got 'tmp'; expected one definition per volume name (two different volumes share this name)"),
    ({"node_selector": {"disk type": "ssd"}},
     f"pod.node_selector['disk type']: got 'disk type'; expected a label key: {LABEL_KEY_NAME_PART}"),
])
def test_bad_pod_specs_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        PodSpec(**{"containers": (Container(name="web", image="nginx:1.27"),), **kwargs})
    assert str(error.value) == message


def test_one_port_number_over_two_protocols() -> None:
    """DNS listens on 53 over UDP and TCP: the API server takes it (one number per protocol)."""
    dns = Container(name="dns", image="coredns/coredns:1.11.1",
                    ports=(Port(53, "dns", protocol=Protocol.UDP), Port(53, "dns-tcp")))
    assert [port.to_manifest() for port in dns.ports] == [
        {"containerPort": 53, "name": "dns", "protocol": "UDP"}, {"containerPort": 53, "name": "dns-tcp"}]
