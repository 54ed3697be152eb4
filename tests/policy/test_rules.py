"""Every policy rule with a passing and a failing case; our stacks pass; an insecure sample is caught."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from pilothouse.policy.offline import check, report
from pilothouse.policy.rules import RULES, Enforcement, Settings, evaluate
from tests.conftest import STACKS

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
SECURE_CONTAINER: dict[str, Any] = {
    "name": "web", "image": "myacr.azurecr.io/shop/web:1.4.2",
    "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
    "securityContext": {"runAsNonRoot": True, "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                        "capabilities": {"drop": ["ALL"]}},
    "readinessProbe": {"httpGet": {"path": "/", "port": 8080}}, "livenessProbe": {"tcpSocket": {"port": 8080}},
    "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}],
}


def deployment(container: dict[str, Any] | None = None, volumes: list[Any] | None = None) -> dict[str, Any]:
    pod: dict[str, Any] = {"containers": [container or SECURE_CONTAINER]}
    if volumes:
        pod["volumes"] = volumes
    return {"metadata": {"name": "web", "namespace": "shop"}, "spec": {"template": {"spec": pod}}}


def changed(**security: Any) -> dict[str, Any]:
    container = copy.deepcopy(SECURE_CONTAINER)
    for key, value in security.items():
        if key in ("image", "env", "resources"):
            container[key] = value
        elif value is None:
            container.pop(key, None)
        else:
            container["securityContext"][key] = value
    return container


CLUSTER = "azure-native:containerservice:ManagedCluster"
GOOD_CLUSTER: dict[str, Any] = {
    "enableRBAC": True, "aadProfile": {"enableAzureRBAC": True}, "disableLocalAccounts": True,
    "networkProfile": {"networkPolicy": "cilium"}, "apiServerAccessProfile": {"enablePrivateCluster": True},
    "addonProfiles": {"omsagent": {"enabled": True}}, "tags": {"environment": "prod"},
    "agentPoolProfiles": [{"name": "system", "availabilityZones": ["1", "2", "3"]}],
}

CASES: list[tuple[str, str, dict[str, Any], dict[str, Any], str]] = [
    ("k8s-requests-limits", DEPLOYMENT, deployment(), deployment(changed(resources={})),
     "container 'web' declares no requests.cpu, requests.memory, limits.memory"),
    ("k8s-non-root", DEPLOYMENT, deployment(), deployment(changed(runAsNonRoot=False)),
     "container 'web' may run as root (set runAsNonRoot: true)"),
    ("k8s-no-privileged", DEPLOYMENT, deployment(), deployment(changed(capabilities={"add": ["SYS_ADMIN"]})),
     "container 'web' adds capabilities ['SYS_ADMIN'] beyond ['NET_BIND_SERVICE']"),
    ("k8s-read-only-root", DEPLOYMENT, deployment(), deployment(changed(readOnlyRootFilesystem=False)),
     "container 'web' has a writable root filesystem"),
    ("k8s-host-paths", DEPLOYMENT, deployment(volumes=[{"name": "logs", "hostPath": {"path": "/var/log/pods"}}]),
     deployment(volumes=[{"name": "root", "hostPath": {"path": "/etc"}}]),
     "volume 'root' mounts host path /etc (allowed: ['/var/log', '/proc', '/sys'])"),
    ("k8s-probes", DEPLOYMENT, deployment(), deployment(changed(readinessProbe=None)),
     "container 'web' has no readinessProbe"),
    ("k8s-image-pinned", DEPLOYMENT, deployment(), deployment(changed(image="nginx")),
     "container 'web' image 'nginx' is not pinned to a tag or digest"),
    ("k8s-load-balancers", "kubernetes:core/v1:Service",
     {"metadata": {"name": "ingress", "labels": {"app.kubernetes.io/component": "controller"}},
      "spec": {"type": "LoadBalancer"}},
     {"metadata": {"name": "web"}, "spec": {"type": "LoadBalancer"}},
     "Service 'web' is a LoadBalancer but not an ingress controller's"),
    ("k8s-no-secret-literals", DEPLOYMENT, deployment(),
     deployment(changed(env=[{"name": "DB_PASSWORD", "value": "hunter2"}])),
     "container 'web' passes DB_PASSWORD as a literal; use a Secret"),
    ("k8s-gateway-routes-scoped", "kubernetes:gateway.networking.k8s.io/v1:Gateway",
     {"metadata": {"name": "public"}, "spec": {"listeners": [
         {"name": "https", "allowedRoutes": {"namespaces": {"from": "Selector"}}}]}},
     {"metadata": {"name": "public"}, "spec": {"listeners": [
         {"name": "https", "allowedRoutes": {"namespaces": {"from": "All"}}}]}},
     "listener 'https' of Gateway 'public' admits routes from every namespace; name the namespaces that may attach"),
    ("acr-admin-user-off", "azure-native:containerregistry:Registry", {"adminUserEnabled": False},
     {"adminUserEnabled": True}, "the registry's admin user is enabled"),
    ("aks-rbac", CLUSTER, GOOD_CLUSTER, {**GOOD_CLUSTER, "aadProfile": {}},
     "the cluster lacks Kubernetes RBAC with Entra ID and Azure RBAC"),
    ("aks-local-accounts-prod", CLUSTER, GOOD_CLUSTER, {**GOOD_CLUSTER, "disableLocalAccounts": False},
     "local accounts are enabled on a production cluster"),
    ("aks-network-policy", CLUSTER, GOOD_CLUSTER, {**GOOD_CLUSTER, "networkProfile": {}},
     "the cluster has no network policy engine"),
    ("aks-api-server-restricted", CLUSTER, GOOD_CLUSTER, {**GOOD_CLUSTER, "apiServerAccessProfile": {}},
     "the production API server is public to every address"),
    ("aks-container-insights", CLUSTER, GOOD_CLUSTER, {**GOOD_CLUSTER, "addonProfiles": {}},
     "Container Insights is off"),
    ("aks-prod-zones", "azure-native:containerservice:AgentPool",
     {"agentPoolName": "apps", "availabilityZones": ["1", "2"], "tags": {"environment": "prod"}},
     {"agentPoolName": "apps", "availabilityZones": ["1"], "tags": {"environment": "prod"}},
     "production node pool 'apps' is in fewer than two zones"),
    ("storage-no-public-blobs", "azure-native:storage:StorageAccount", {"allowBlobPublicAccess": False}, {},
     "the storage account allows public blob access"),
]


def messages(rule_id: str, type_: str, props: dict[str, Any], settings: Settings | None = None) -> list[str]:
    rule = next(r for r in RULES if r.id == rule_id)
    assert rule.check is not None
    return list(rule.check(type_, props, settings or Settings()))


@pytest.mark.parametrize(("rule_id", "type_", "good", "bad", "message"), CASES, ids=[c[0] for c in CASES])
def test_rule_passes_good_and_catches_bad(rule_id: str, type_: str, good: dict[str, Any], bad: dict[str, Any],
                                          message: str) -> None:
    assert messages(rule_id, type_, good) == []
    assert any(found.startswith(message) for found in messages(rule_id, type_, bad)), messages(rule_id, type_, bad)


def test_every_rule_has_a_case() -> None:
    covered = {case[0] for case in CASES} | {"k8s-image-registry", "k8s-namespace-governance",
                                             "k8s-selectors-pick-pods",  # tests/policy/test_selection.py
                                             "k8s-gateway-https-prod"}  # tests/policy/test_gateways.py
    assert covered == {rule.id for rule in RULES}


def test_registry_allow_list() -> None:
    settings = Settings(allowed_registries=("myacr.azurecr.io",))
    assert messages("k8s-image-registry", DEPLOYMENT, deployment(), settings) == []
    assert messages("k8s-image-registry", DEPLOYMENT, deployment(changed(image="docker.io/library/nginx:1.27")),
                    settings) == ["container 'web' image 'docker.io/library/nginx:1.27' is not from "
                                  "['myacr.azurecr.io']"]


def test_namespace_governance_is_a_stack_rule() -> None:
    quota = ("quota", "kubernetes:core/v1:ResourceQuota", {"metadata": {"namespace": "shop"}})
    limits = ("defaults", "kubernetes:core/v1:LimitRange", {"metadata": {"namespace": "shop"}})
    web = ("web", DEPLOYMENT, deployment())
    governance = [v.message for v in evaluate([web]) if v.rule.id == "k8s-namespace-governance"]
    assert governance == ["namespace 'shop' runs workloads without a ResourceQuota",
                          "namespace 'shop' runs workloads without a LimitRange"]
    assert [v for v in evaluate([web, quota, limits]) if v.rule.id == "k8s-namespace-governance"] == []


def test_an_app_stack_in_a_namespace_another_stack_governs_passes_when_configured() -> None:
    web = ("web", DEPLOYMENT, deployment())
    settings = Settings(governed_elsewhere=("shop",))
    assert [v for v in evaluate([web], settings) if v.rule.id == "k8s-namespace-governance"] == []
    other = ("api", DEPLOYMENT, {**deployment(), "metadata": {"name": "api", "namespace": "payments"}})
    assert [v.message for v in evaluate([web, other], settings) if v.rule.id == "k8s-namespace-governance"] == [
        "namespace 'payments' runs workloads without a ResourceQuota",
        "namespace 'payments' runs workloads without a LimitRange"]


def test_a_deliberately_insecure_sample_is_caught() -> None:
    root = {"name": "app", "image": "nginx:latest", "securityContext": {"privileged": True},
            "env": [{"name": "API_TOKEN", "value": "t0ken"}]}
    sample = [("app", DEPLOYMENT, deployment(root, [{"name": "host", "hostPath": {"path": "/"}}])),
              ("registry", "azure-native:containerregistry:Registry", {"adminUserEnabled": True})]
    violated = {v.rule.id for v in evaluate(sample) if v.rule.enforcement is Enforcement.MANDATORY}
    assert violated == {"k8s-requests-limits", "k8s-non-root", "k8s-no-privileged", "k8s-host-paths",
                        "k8s-image-pinned", "k8s-no-secret-literals", "k8s-namespace-governance",
                        "acr-admin-user-off"}


@pytest.mark.parametrize("stack", STACKS)
def test_our_stacks_pass_every_mandatory_rule(stack: str, rendered: dict[str, Path]) -> None:
    mandatory = [v for v in check(rendered[stack]) if v.rule.enforcement is Enforcement.MANDATORY]
    assert mandatory == [], report(mandatory)


def test_a_node_agent_may_run_as_confined_root_when_it_says_why() -> None:
    root = changed(runAsNonRoot=False, runAsUser=0)
    agent = deployment(root)
    (rule,) = [r for r in RULES if r.id == "k8s-non-root"]
    assert rule.check is not None
    daemon_set = "kubernetes:apps/v1:DaemonSet"
    assert list(rule.check(daemon_set, agent, Settings())) == [
        "container 'web' may run as root (set runAsNonRoot: true)"]
    agent["metadata"]["annotations"] = {"policy.pilothouse.io/runs-as-root": "reads root-owned container logs"}
    assert list(rule.check(daemon_set, agent, Settings())) == []
    # Only DaemonSets, and only while root keeps nothing else: a writable root filesystem voids it.
    assert list(rule.check(DEPLOYMENT, agent, Settings())) != []
    agent["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnlyRootFilesystem"] = False
    assert list(rule.check(daemon_set, agent, Settings())) != []
