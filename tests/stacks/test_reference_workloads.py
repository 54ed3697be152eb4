"""The reference workload set is in every stack's render, its database password is never plain, and a namespace it
does not fit is refused by the stack's config, before anything is registered."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stacks
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.namespace import NamespaceArgs
from pilothouse.kubernetes.quota import LimitDefaults, Quota
from pilothouse.offline import engine
from pilothouse.offline.engine import SECRET
from pilothouse.offline.render import manifests
from stacks.config import parse
from stacks.config_reader import InvalidConfigError
from stacks.reference import Sources, misfits, reference_set
from stacks.workloads import DB_PASSWORD_LENGTH
from tests.conftest import STACKS, RunProgram

REFERENCE_SET = {("ConfigMap", "web-settings"), ("Secret", "db-credentials"), ("Deployment", "web"),
                 ("Service", "web"), ("HTTPRoute", "web"), ("ServiceMonitor", "web"),
                 ("Deployment", "web-canary"), ("Service", "web-canary"),
                 ("HorizontalPodAutoscaler", "web"), ("PodDisruptionBudget", "web"), ("StatefulSet", "db"),
                 ("Service", "db"), ("Job", "migrate"), ("CronJob", "report"), ("ResourceQuota", "quota"),
                 ("LimitRange", "defaults"), ("ServiceAccount", "web"),
                 *(("NetworkPolicy", f"allow-{client}-to-db-5432-{side}-{digest}")
                   for client, digest in (("web", "338de1bd"), ("web-canary", "798bdb89"), ("migrate", "e6202076"),
                                          ("report", "c70d0060"))
                   for side in ("egress", "ingress"))}


def registrations(render: Path, type_: str) -> list[dict[str, Any]]:
    resources: list[dict[str, Any]] = json.loads((render / "resources.json").read_text())
    return [resource for resource in resources if resource["type"] == type_]


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_renders_the_whole_reference_set(rendered: dict[str, Path], stack: str) -> None:
    shop = {(obj["kind"], obj["metadata"]["name"]) for _, obj in manifests(rendered[stack])
            if obj["metadata"].get("namespace") == "shop"}
    assert sorted(REFERENCE_SET - shop) == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_generated_password_is_nowhere_in_the_render(rendered: dict[str, Path], stack: str) -> None:
    # The offline mocks generate "x" * length: it must not surface in any object or recorded input.
    generated = "x" * DB_PASSWORD_LENGTH
    files = [path for path in rendered[stack].rglob("*") if path.is_file()]
    assert files
    assert [str(path) for path in files if generated in path.read_text()] == []
    secret = next(obj for _, obj in manifests(rendered[stack]) if obj["kind"] == "Secret"
                  and obj["metadata"]["name"] == "db-credentials")
    assert base64.b64decode(secret["data"]["password"]).decode() == SECRET


def test_local_takes_its_password_from_config_and_aks_stacks_generate_one(rendered: dict[str, Path]) -> None:
    # local runs for real here, where only the Kubernetes provider is built: it must not need random's.
    assert registrations(rendered["local"], "random:index/randomPassword:RandomPassword") == []
    for stack, protected in (("dev", False), ("prod", True)):
        [password] = registrations(rendered[stack], "random:index/randomPassword:RandomPassword")
        assert password["inputs"] == {"length": DB_PASSWORD_LENGTH, "special": False}
        assert password["protect"] is protected, stack


# The smallest shop quota the reference set fits at its peak: web 2 pods (1 + surge) and 3 more from its autoscaler
# (max 4), its canary 2 (1 + surge), db 1, migrate 1, report 1: 10 pods.
FITS = {"requestsCpu": "860m", "requestsMemory": "656Mi", "limitsCpu": "2500m", "limitsMemory": "1312Mi", "pods": 10}
LOCAL = {"environment": "local", "target": "kubeconfig", "kubernetesVersion": "1.34", "kubeconfig": "kubeconfig",
         "referenceWorkloads": True}


def _shop(quota: dict[str, Any], limits: dict[str, Any] | None = None) -> dict[str, Any]:
    return {**LOCAL, "namespaces": [{"name": "shop", "quota": quota, **({"limits": limits} if limits else {})}]}


def test_a_quota_the_reference_set_fits_exactly_is_accepted_and_registers(run_program: RunProgram) -> None:
    config = parse(_shop(FITS, {"maxCpu": "500m", "maxMemory": "256Mi"}))
    render = run_program(lambda: stacks.build(config))
    assert render.one("kubernetes:core/v1:ResourceQuota").inputs["spec"]["hard"]["pods"] == "10"


def test_every_quota_setting_the_reference_set_exceeds_is_named_by_its_key_before_registration() -> None:
    short = {"requestsCpu": "859m", "requestsMemory": "655Mi", "limitsCpu": "2499m", "limitsMemory": "1311Mi",
             "pods": 9}
    with pytest.raises(InvalidConfigError) as error:
        parse(_shop(short, {"maxCpu": "499m", "maxMemory": "255Mi"}))
    peak = "(pods: web 2, web's autoscaler 3, web-canary 2, db 1, migrate 1, report 1)"
    assert str(error.value).splitlines() == [
        "7 errors:",
        "  pilothouse:namespaces[0].limits.maxCpu: got '499m'; expected at least 500m: the reference workload 'db' "
        "sets pod.containers['postgres'].resources.cpu_limit to 500m",
        "  pilothouse:namespaces[0].limits.maxMemory: got '255Mi'; expected at least 256Mi: the reference workload "
        "'db' sets pod.containers['postgres'].resources.memory_limit to 256Mi",
        *(f"  pilothouse:namespaces[0].quota.{key}: got {given}; expected at least {needed}: what the reference "
          f"workloads ask of {resource} in namespace 'shop' at their peak {peak}"
          for key, given, needed, resource in (("requestsCpu", "'859m'", "860m", "requests.cpu"),
                                               ("requestsMemory", "'655Mi'", "656Mi", "requests.memory"),
                                               ("limitsCpu", "'2499m'", "2500m", "limits.cpu"),
                                               ("limitsMemory", "'1311Mi'", "1312Mi", "limits.memory"),
                                               ("pods", "9", "10", "pods")))]


def test_limit_range_defaults_are_applied_before_the_quota_is_counted() -> None:
    # Every reference container sets its own requests and limits: defaults change nothing, a lower maximum does.
    assert parse(_shop(FITS, {"requestCpu": "1", "limitCpu": "2", "requestMemory": "1Gi"})).reference_workloads
    assert misfits(NamespaceArgs(name="shop")) == []


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(requests_cpu=st.integers(800, 900), requests_memory=st.integers(620, 690), limits_cpu=st.integers(2450, 2550),
       limits_memory=st.integers(1260, 1360), pods=st.integers(8, 11), max_cpu=st.none() | st.integers(450, 550),
       max_memory=st.none() | st.integers(230, 280))
def test_the_config_check_refuses_exactly_what_registration_refuses(
        requests_cpu: int, requests_memory: int, limits_cpu: int, limits_memory: int, pods: int,
        max_cpu: int | None, max_memory: int | None) -> None:
    """The check before registration and the components' own count as they are declared agree, both ways."""
    namespace = NamespaceArgs(name="shop", quota=Quota.of(
        requests_cpu=f"{requests_cpu}m", requests_memory=f"{requests_memory}Mi", limits_cpu=f"{limits_cpu}m",
        limits_memory=f"{limits_memory}Mi", pods=pods), limits=LimitDefaults.of(
        max_cpu=None if max_cpu is None else f"{max_cpu}m",
        max_memory=None if max_memory is None else f"{max_memory}Mi"))
    config = replace(parse({**LOCAL, "referenceWorkloads": False, "namespaces": [{"name": "shop"}]}),
                     namespaces=(namespace,), reference_workloads=True)
    try:
        engine.run(lambda: stacks.build(config), stack="test")
    except InvalidValueError:
        registered = False
    else:
        registered = True
    assert registered == (misfits(namespace) == [])


def test_object_counts_and_storage_are_refused_before_registration_too() -> None:
    counts = {"configmaps": 1, "secrets": 0, "services": 1, "persistentvolumeclaims": 0}
    with pytest.raises(InvalidConfigError) as error:
        parse(_shop({**FITS, **counts, "requestsStorage": "512Mi"}))
    assert str(error.value).splitlines() == [
        "5 errors:",
        "  pilothouse:namespaces[0].quota.configmaps: got 1; expected at least 2: the configmaps the reference "
        "workloads keep in namespace 'shop' (and Kubernetes' own kube-root-ca.crt)",
        *(f"  pilothouse:namespaces[0].quota.{kind}: got {given}; expected at least {needed}: the {kind} the "
          f"reference workloads keep in namespace 'shop'"
          for kind, given, needed in (("secrets", 0, 1), ("services", 1, 3), ("persistentvolumeclaims", 0, 1))),
        "  pilothouse:namespaces[0].quota.requestsStorage: got '512Mi'; expected at least 1Gi: what the database's "
        "claims request in namespace 'shop'"]


def test_the_counted_objects_are_those_the_stack_renders(rendered: dict[str, Path]) -> None:
    shop = [obj for _, obj in manifests(rendered["local"]) if obj["metadata"].get("namespace") == "shop"]
    kinds = {"ConfigMap": "configmaps", "Secret": "secrets", "Service": "services"}
    rendered_counts = {kinds[obj["kind"]]: 0 for obj in shop if obj["kind"] in kinds}
    for obj in shop:
        if obj["kind"] in kinds:
            rendered_counts[kinds[obj["kind"]]] += 1
    [database] = [obj for obj in shop if obj["kind"] == "StatefulSet"]
    claims = len(database["spec"]["volumeClaimTemplates"]) * database["spec"]["replicas"]
    expected = reference_set(Sources.named("shop")).objects()
    assert expected == {**rendered_counts, "configmaps": rendered_counts["configmaps"] + 1,  # kube-root-ca.crt
                        "persistentvolumeclaims": claims}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_on_aks_the_web_app_reads_its_password_from_key_vault_as_its_workload_identity(
        rendered: dict[str, Path], stack: str) -> None:
    resources = {(r["type"], r["name"]): r for r in json.loads((rendered[stack] / "resources.json").read_text())}
    vault = resources[("azure-native:keyvault:Vault", "vault")]
    assert vault["inputs"]["properties"]["enableRbacAuthorization"] is True
    assert vault["inputs"]["properties"].get("enablePurgeProtection") is (True if stack == "prod" else None)
    assert resources[("azure-native:keyvault:Secret", "vault.db-password")]["inputs"]["properties"] == {
        "value": SECRET}
    credential = resources[("azure-native:managedidentity:FederatedIdentityCredential", "web")]["inputs"]
    assert credential["subject"] == "system:serviceaccount:shop:web"
    grant = resources[("azure-native:authorization:RoleAssignment", "web-vault")]["inputs"]
    assert grant["roleDefinitionId"].endswith("/4633458b-17de-408a-b874-0445c86b69e6")  # Key Vault Secrets User
    assert grant["scope"].endswith(f"/{vault['inputs']['vaultName']}")  # the vault's id, nothing wider
    shop = {(obj["kind"], obj["metadata"]["name"]): obj for _, obj in manifests(rendered[stack])
            if obj["metadata"].get("namespace") == "shop"}
    classes = shop[("SecretProviderClass", "web-vault")]["spec"]
    assert classes["parameters"]["keyvaultName"] == vault["inputs"]["vaultName"]
    pod = shop[("Deployment", "web")]["spec"]["template"]
    assert pod["metadata"]["labels"]["azure.workload.identity/use"] == "true"
    volume = {"name": "web-vault", "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": True,
                                           "volumeAttributes": {"secretProviderClass": "web-vault"}}}
    assert volume in pod["spec"]["volumes"]
    [web] = pod["spec"]["containers"]
    password = next(env for env in web["env"] if env["name"] == "DATABASE_PASSWORD")
    assert password["valueFrom"] == {"secretKeyRef": {"name": "web-vault", "key": "db-password"}}


def test_locally_the_web_app_reads_the_kubernetes_secret(rendered: dict[str, Path]) -> None:
    [web] = [obj for _, obj in manifests(rendered["local"]) if obj["kind"] == "Deployment"
             and obj["metadata"]["name"] == "web"]
    [container] = web["spec"]["template"]["spec"]["containers"]
    password = next(env for env in container["env"] if env["name"] == "DATABASE_PASSWORD")
    assert password["valueFrom"]["secretKeyRef"]["name"] == "db-credentials"
    assert registrations(rendered["local"], "azure-native:keyvault:Vault") == []
