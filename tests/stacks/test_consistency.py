"""Cross-object consistency of every stack's render: what a real API server and controllers would need.

Each rule reads only the rendered manifests, independently of the components that wrote them:
Services select pods that exist, Ingress backends and ServiceMonitors name existing Services and
ports, env and volume references name existing ConfigMap/Secret keys, claims name existing storage
classes, network policies select pods, and each namespace quota admits its workloads at full scale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pilothouse.kubernetes.quantity import Quantity
from pilothouse.offline.render import manifests
from tests.conftest import STACKS

WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"}

Objects = dict[tuple[str, str, str], dict[str, Any]]  # (kind, namespace, name) -> manifest


def objects(render: Path) -> Objects:
    found = {}
    for _, obj in manifests(render):
        metadata = obj["metadata"]
        found[(obj["kind"], metadata.get("namespace", ""), metadata["name"])] = obj
    return found


def of_kind(found: Objects, kind: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for (k, namespace, name), obj in sorted(found.items()):
        if k == kind:
            yield namespace, name, obj


def template(obj: dict[str, Any]) -> dict[str, Any]:
    """The pod template (metadata + spec) of a workload, with the labels the API server adds to a Job's pods
    (``batch.kubernetes.io/job-name``, the Job's defaulting)."""
    if obj["kind"] == "Pod":
        return obj
    spec = obj["spec"]
    if obj["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod: dict[str, Any] = spec["template"]
    if obj["kind"] == "Job":
        metadata = pod.get("metadata") or {}
        labels = {**(metadata.get("labels") or {}), "batch.kubernetes.io/job-name": obj["metadata"]["name"]}
        return {**pod, "metadata": {**metadata, "labels": labels}}
    return pod


def pods(found: Objects) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(namespace, workload, pod template) of every workload."""
    for (kind, namespace, _), obj in sorted(found.items()):
        if kind in WORKLOADS:
            yield namespace, obj, template(obj)


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


@pytest.fixture(scope="module", params=STACKS)
def render(request: pytest.FixtureRequest, rendered: dict[str, Path]) -> Objects:
    return objects(rendered[request.param])


def test_services_select_pods_that_declare_their_target_ports(render: Objects) -> None:
    for namespace, name, service in of_kind(render, "Service"):
        selector = service["spec"].get("selector") or {}
        matched = [pod for ns, _, pod in pods(render)
                   if ns == namespace and selects(selector, (pod.get("metadata") or {}).get("labels") or {})]
        assert matched, f"Service {namespace}/{name} selects no pods"
        for port in service["spec"].get("ports") or []:
            target = port.get("targetPort", port["port"])
            for pod in matched:
                declared = {p.get("name") for c in pod["spec"]["containers"] for p in c.get("ports") or []}
                declared |= {p["containerPort"] for c in pod["spec"]["containers"] for p in c.get("ports") or []}
                assert target in declared, f"Service {namespace}/{name} targets {target!r}, pods declare {declared}"


def _service_port(render: Objects, namespace: str, service: str, port: dict[str, Any]) -> bool:
    obj = render.get(("Service", namespace, service))
    ports = (obj or {}).get("spec", {}).get("ports") or []
    return any(port.get("name") == p.get("name") if "name" in port else port.get("number") == p["port"]
               for p in ports)


def test_ingress_backends_and_monitors_name_existing_services_and_ports(render: Objects) -> None:
    for namespace, name, ingress in of_kind(render, "Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                assert _service_port(render, namespace, backend["name"], backend["port"]), (
                    f"Ingress {namespace}/{name} routes to {backend}, which no Service serves")
    for namespace, name, monitor in of_kind(render, "ServiceMonitor"):
        selector = monitor["spec"]["selector"]["matchLabels"]
        services = [s for ns, _, s in of_kind(render, "Service")
                    if ns == namespace and selects(selector, s["metadata"].get("labels") or {})]
        assert services, f"ServiceMonitor {namespace}/{name} selects no Service"
        for endpoint in monitor["spec"]["endpoints"]:
            assert all(_service_port(render, namespace, s["metadata"]["name"], {"name": endpoint["port"]})
                       for s in services), f"ServiceMonitor {namespace}/{name} scrapes a port no Service names"


def _data_keys(render: Objects, kind: str, namespace: str, name: str) -> set[str] | None:
    """The keys of a ConfigMap or Secret of the render, or of a Secret a SecretProviderClass of the render syncs
    (its ``secretObjects``: the CSI driver keeps it while a pod mounts the class)."""
    obj = render.get((kind, namespace, name))
    if obj is not None:
        return set(obj.get("data") or {}) | set(obj.get("stringData") or {})
    synced = [item for (found, ns, _), spc in render.items() if found == "SecretProviderClass" and ns == namespace
              for item in spc["spec"].get("secretObjects") or [] if kind == "Secret" and item["secretName"] == name]
    return {data["key"] for item in synced for data in item.get("data") or []} if synced else None


def test_env_and_volumes_name_existing_config_keys(render: Objects) -> None:
    refs = {"configMapKeyRef": "ConfigMap", "secretKeyRef": "Secret"}
    for namespace, workload, pod in pods(render):
        where = f"{workload['kind']} {namespace}/{workload['metadata']['name']}"
        for container in [*pod["spec"].get("initContainers", []), *pod["spec"]["containers"]]:
            for env in container.get("env") or []:
                for ref, kind in refs.items():
                    source = (env.get("valueFrom") or {}).get(ref)
                    if source is not None:
                        keys = _data_keys(render, kind, namespace, source["name"]) or set()
                        assert source["key"] in keys, (
                            f"{where} env {env['name']} reads {kind} {source['name']} key {source['key']}")
        for volume in pod["spec"].get("volumes") or []:
            for field, kind, key in (("configMap", "ConfigMap", "name"), ("secret", "Secret", "secretName")):
                if field in volume:
                    assert _data_keys(render, kind, namespace, volume[field][key]) is not None, (
                        f"{where} mounts missing {kind} {volume[field][key]}")


def test_claims_name_existing_storage_classes(render: Objects) -> None:
    classes = {name for _, name, _ in of_kind(render, "StorageClass")}
    claims = [(f"PVC {ns}/{name}", pvc["spec"]) for ns, name, pvc in of_kind(render, "PersistentVolumeClaim")]
    claims += [(f"StatefulSet {ns}/{name} claim {t['metadata']['name']}", t["spec"])
               for ns, name, sts in of_kind(render, "StatefulSet") for t in sts["spec"].get("volumeClaimTemplates", [])]
    for where, spec in claims:
        assert spec.get("storageClassName") in classes, f"{where} names storage class {spec.get('storageClassName')}"


def test_network_policies_select_pods(render: Objects) -> None:
    for namespace, name, policy in of_kind(render, "NetworkPolicy"):
        selector = (policy["spec"].get("podSelector") or {}).get("matchLabels") or {}
        if selector:
            assert any(ns == namespace and selects(selector, (pod.get("metadata") or {}).get("labels") or {})
                       for ns, _, pod in pods(render)), f"NetworkPolicy {namespace}/{name} selects no pods"


def _scale(render: Objects, namespace: str, workload: dict[str, Any]) -> int:
    """Pods a workload may run at once: its replicas, or its autoscaler's maximum."""
    for ns, _, hpa in of_kind(render, "HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        if ns == namespace and (target["kind"], target["name"]) == (workload["kind"], workload["metadata"]["name"]):
            return int(hpa["spec"]["maxReplicas"])
    if workload["kind"] in ("Deployment", "StatefulSet"):
        return int(workload["spec"].get("replicas", 1))
    return 1


def test_each_quota_admits_its_workloads_at_full_scale(render: Objects) -> None:
    for namespace, _, quota in of_kind(render, "ResourceQuota"):
        hard = quota["spec"]["hard"]
        used: dict[str, Decimal] = defaultdict(Decimal)
        for ns, workload, pod in pods(render):
            if ns != namespace or workload["kind"] == "DaemonSet":  # one per node: not a fixed count
                continue
            copies = _scale(render, namespace, workload)
            used["pods"] += copies
            for container in pod["spec"]["containers"]:
                for section in ("requests", "limits"):
                    for resource, amount in (container.get("resources") or {}).get(section, {}).items():
                        used[f"{section}.{resource}"] += Quantity.parse(amount).value * copies
        for key, amount in used.items():
            if key in hard:
                assert amount <= Quantity.parse(hard[key]).value, (
                    f"namespace {namespace}: workloads need {key} {amount}, the quota allows {hard[key]}")
