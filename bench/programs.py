"""The two N-app programs the overhead benchmark compares: Pilothouse components against a
hand-written raw pulumi-kubernetes program that registers the same Kubernetes objects.

Each app is a ConfigMap, an autoscaled Deployment reading it, a Service, an HPA, a PDB and an
Ingress route, all in one namespace (``bench`` unless given).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.kubernetes import (
    ConfigMap,
    ConfigMapArgs,
    Container,
    Deployment,
    DeploymentArgs,
    HorizontalPodAutoscaler,
    HorizontalPodAutoscalerArgs,
    Namespace,
    NamespaceArgs,
    PodDisruptionBudget,
    PodDisruptionBudgetArgs,
    PodSpec,
    Port,
    Probe,
    Resources,
    ServicePort,
)
from pilothouse.kubernetes.ingress import IngressClass, Route

NAMESPACE = "bench"
IMAGE = "nginxinc/nginx-unprivileged:1.27"
SETTINGS = {"LOG_LEVEL": "info"}
#: No controller publishes an address in the benchmark's cluster, so `pulumi up` must not wait for one.
INGRESS_CLASS = IngressClass("traefik", publishes_address=False)

Program = Callable[[], None]


def app_name(index: int) -> str:
    return f"app-{index:04d}"


def pilothouse(n: int, namespace_name: str = NAMESPACE) -> Program:
    """N apps declared with Pilothouse components."""

    def program() -> None:
        namespace = Namespace(namespace_name, NamespaceArgs(name=namespace_name, isolated=False))
        for index in range(n):
            name = app_name(index)
            settings = ConfigMap(f"{name}-settings", ConfigMapArgs(name=f"{name}-settings", namespace=namespace,
                                                                    data=SETTINGS))
            container = Container(name="app", image=IMAGE, ports=(Port.http(),),
                                  env={"LOG_LEVEL": settings.key("LOG_LEVEL")},
                                  resources=Resources.of(cpu="50m", memory="32Mi", memory_limit="64Mi"),
                                  readiness=Probe.http("/"))
            app = Deployment(name, DeploymentArgs(name=name, namespace=namespace, replicas=None,
                                                  pod=PodSpec(containers=(container,))))
            service = app.expose([ServicePort(80, target="http", name="http")])
            service.route([Route(host=f"{name}.{namespace_name}.example.com")], ingress_class=INGRESS_CLASS)
            HorizontalPodAutoscaler(name, HorizontalPodAutoscalerArgs(target=app, min_replicas=1, max_replicas=3))
            PodDisruptionBudget(name, PodDisruptionBudgetArgs(target=app, min_available=1))

    return program


def _checksum(data: dict[str, str]) -> str:
    # What Pilothouse puts on the pod template, so a settings change rolls the pods.
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def raw(n: int, namespace_name: str = NAMESPACE) -> Program:
    """The same objects, written by hand with pulumi-kubernetes."""

    def program() -> None:
        namespace = k8s.core.v1.Namespace(namespace_name, metadata={"name": namespace_name, "labels": {
            "app.kubernetes.io/managed-by": "pilothouse",
            **{f"pod-security.kubernetes.io/{mode}": "restricted" for mode in ("enforce", "audit", "warn")}}})
        checksum = _checksum(SETTINGS)
        for index in range(n):
            _raw_app(app_name(index), namespace_name, namespace, checksum)

    return program


def _raw_app(name: str, ns: str, namespace: k8s.core.v1.Namespace, checksum: str) -> None:
    in_namespace: dict[str, Any] = {"depends_on": [namespace]}
    labels = {"app": name}
    k8s.core.v1.ConfigMap(f"{name}-settings", metadata={"name": f"{name}-settings", "namespace": ns},
                          data=SETTINGS, opts=_opts(**in_namespace))
    container = {
        "name": "app", "image": IMAGE,
        "ports": [{"containerPort": 8080, "name": "http"}],
        "env": [{"name": "LOG_LEVEL", "valueFrom": {"configMapKeyRef": {"name": f"{name}-settings",
                                                                         "key": "LOG_LEVEL"}}}],
        "resources": {"requests": {"cpu": "50m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}},
        "readinessProbe": {"httpGet": {"path": "/", "port": "http"}},
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
        "securityContext": {"allowPrivilegeEscalation": False, "seccompProfile": {"type": "RuntimeDefault"},
                            "capabilities": {"drop": ["ALL"]}, "runAsNonRoot": True,
                            "readOnlyRootFilesystem": True},
    }
    deployment = k8s.apps.v1.Deployment(name, opts=_opts(**in_namespace), metadata={
        "name": name, "namespace": ns, "labels": labels}, spec={
        "selector": {"matchLabels": labels},
        "template": {
            "metadata": {"labels": labels, "annotations": {f"checksum/configmap-{name}-settings": checksum}},
            "spec": {"containers": [container], "volumes": [{"name": "tmp", "emptyDir": {}}],
                     "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
                     "automountServiceAccountToken": False}}})
    service = k8s.core.v1.Service(name, opts=_opts(**in_namespace), metadata={"name": name, "namespace": ns},
                                  spec={"selector": labels,
                                        "ports": [{"port": 80, "protocol": "TCP", "targetPort": "http",
                                                   "name": "http"}]})
    k8s.networking.v1.Ingress(name, opts=_opts(depends_on=[namespace, service]), metadata={
        "name": name, "namespace": ns, "annotations": {"pulumi.com/skipAwait": "true"}}, spec={
        "ingressClassName": INGRESS_CLASS.name,
        "rules": [{"host": f"{name}.{ns}.example.com", "http": {"paths": [{
            "path": "/", "pathType": "Prefix",
            "backend": {"service": {"name": name, "port": {"name": "http"}}}}]}}]})
    k8s.autoscaling.v2.HorizontalPodAutoscaler(name, opts=_opts(depends_on=[namespace, deployment]), metadata={
        "name": name, "namespace": ns}, spec={
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
        "minReplicas": 1, "maxReplicas": 3,
        "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                                 "averageUtilization": 70}}}]})
    k8s.policy.v1.PodDisruptionBudget(name, opts=_opts(depends_on=[namespace, deployment]), metadata={
        "name": name, "namespace": ns}, spec={"selector": {"matchLabels": labels}, "minAvailable": 1})


def _opts(**options: Any) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(**options)


PROGRAMS: dict[str, Callable[[int, str], Program]] = {"pilothouse": pilothouse, "raw": raw}
