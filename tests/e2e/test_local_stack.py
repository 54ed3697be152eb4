"""End to end: real `pulumi up / preview / destroy` of the local stack against the local control plane.

Runs on a copy of the project (so config changes never touch the working tree) with a
throw-away file backend, the pinned toolchain from ``tools/bootstrap.sh`` and the control plane
of ``tools/cluster.sh``. Nothing here is mocked: the Pulumi engine, the language host, the
Kubernetes provider and the API server are the real programs.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from pilothouse.kubernetes import (
    CertificateRef,
    Container,
    Deployment,
    DeploymentArgs,
    Gateway,
    GatewayArgs,
    HTTPBackend,
    HTTPMatch,
    HTTPRoute,
    HTTPRouteArgs,
    HTTPRule,
    Listener,
    Namespace,
    NamespaceArgs,
    PodSpec,
    Port,
    Service,
    ServicePort,
    attach_label,
)
from pilothouse.kubernetes.certificate import SEED_BYTES, self_signed
from pilothouse.offline import engine
from pilothouse.offline.render import manifests
from tests.conftest import REPO, render_cli
from tests.e2e.kube import KubeApi
from tests.e2e.toolchain import toolchain_env
from tests.oracle.server import CRD_FILES, Oracle

pytestmark = pytest.mark.e2e
STACK = "local"
SECRET_PROVIDER_CLASS_CRD = next(path for path in CRD_FILES if "secretproviderclasses" in path.name)


#: A Kubernetes object's progress line (charts and config groups are components and never say "created").
PROGRESS = re.compile(r"^\s*[-+~]+\s+(?P<type>kubernetes:(?!helm\.sh/|yaml/)\S+) (?P<name>\S+) (?P<step>\w+) \([^)]*\)")


def in_flight(output: str) -> str:
    """The Kubernetes objects whose last progress line in ``output`` is not a finished step, with that line."""
    last: dict[tuple[str, str], re.Match[str]] = {}
    for line in output.splitlines():
        if (match := PROGRESS.match(line)) is not None:
            last[match["type"], match["name"]] = match
    return "\n".join(match.string.strip() for match in last.values()
                     if match["step"] not in ("created", "updated", "deleted", "replaced")) or "(nothing)"


class Project:
    """A copy of the project wired to the repo's venv, toolchain and control plane."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root, self.env = root, env

    def pulumi(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        try:
            result = subprocess.run(["pulumi", *args, "--non-interactive"], cwd=self.root, env=self.env,
                                    capture_output=True, text=True, check=False, timeout=600)
        except subprocess.TimeoutExpired as timeout:  # say what the engine was still waiting for
            output = (timeout.stdout.decode(errors="replace") if isinstance(timeout.stdout, bytes)
                      else timeout.stdout or "")
            pytest.fail(f"pulumi {' '.join(args)} timed out after 600 s; still in flight:\n{in_flight(output)}")
        if check and result.returncode != 0:
            pytest.fail(f"pulumi {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def resources(self, stack: str) -> list[dict[str, Any]]:
        state = json.loads(self.pulumi("stack", "export", "--stack", stack).stdout)
        resources: list[dict[str, Any]] = state["deployment"].get("resources") or []
        return resources


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, cluster: KubeApi) -> Project:
    root = tmp_path_factory.mktemp("e2e") / "project"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".venv*", ".git", "build", ".pilothouse", "*.egg-info",
                                                              "__pycache__", ".*_cache"))
    for shared in (".venv", ".pilothouse"):
        os.symlink(REPO / shared, root / shared)
    backend = tmp_path_factory.mktemp("backend")
    project = Project(root, toolchain_env(backend))
    project.pulumi("stack", "select", "--create", STACK)
    return project


@pytest.fixture(scope="module")
def render(tmp_path_factory: pytest.TempPathFactory, project: Project) -> Path:
    out = tmp_path_factory.mktemp("e2e-render") / STACK
    result = render_cli(STACK, out, project.root)
    assert result.returncode == 0, result.stderr
    return out


def _status(obj: dict[str, Any]) -> dict[str, Any]:
    status: dict[str, Any] = obj.get("status") or {}
    return status


#: When an object of these kinds counts as done; any other kind only has to exist.
READY: dict[str, Callable[[dict[str, Any]], bool]] = {
    "Deployment": lambda obj: _status(obj).get("readyReplicas", 0) == obj["spec"].get("replicas", 1),
    "StatefulSet": lambda obj: _status(obj).get("readyReplicas", 0) == obj["spec"].get("replicas", 1),
    "DaemonSet": lambda obj: _status(obj).get("numberReady", 0) == _status(obj).get("desiredNumberScheduled", -1),
    "Job": lambda obj: _status(obj).get("succeeded", 0) >= 1,
}


class TestLocalStack:
    """In order: up, no-op preview, a one-value change, a bad value, a move to another backend, destroy."""

    def test_up_creates_every_rendered_object(self, project: Project, render: Path, cluster: KubeApi) -> None:
        project.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
        rendered = list(manifests(render))
        assert rendered
        for _, manifest in rendered:
            path = cluster.path_of(manifest)
            check = READY.get(manifest["kind"])
            live = cluster.wait_for(path, check) if check else cluster.get(path)
            assert live is not None, f"{path} is in the render but not in the API server"
            assert live["metadata"].get("labels", {}) | manifest["metadata"].get("labels", {}) == \
                live["metadata"].get("labels", {}), f"{path} lacks the rendered labels"

    def test_traffic_rules_select_the_pods_the_api_server_runs(self, render: Path, cluster: KubeApi) -> None:
        """Each NetworkPolicy's pod selector matches the pod template of a live workload, as the API server stored
        it: a Job's pods are picked by the ``batch.kubernetes.io/job-name`` label its defaulting adds."""
        live: list[tuple[str, dict[str, str]]] = []
        for _, manifest in manifests(render):
            if manifest["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"):
                obj = cluster.get(cluster.path_of(manifest))
                assert obj is not None
                spec = obj["spec"]["jobTemplate"]["spec"] if obj["kind"] == "CronJob" else obj["spec"]
                live.append((obj["metadata"]["namespace"], spec["template"]["metadata"].get("labels") or {}))
        for _, policy in manifests(render):
            selector = policy["spec"].get("podSelector", {}).get("matchLabels") if policy["kind"] == "NetworkPolicy" \
                else None
            if selector:
                namespace = policy["metadata"]["namespace"]
                assert any(ns == namespace and selector.items() <= labels.items() for ns, labels in live), (
                    f"NetworkPolicy {namespace}/{policy['metadata']['name']} selects no live pod template")

    def test_the_workload_identity_objects_of_aks_are_created_for_real(self, tmp_path: Path, project: Project,
                                                                       cluster: KubeApi) -> None:
        """On dev and prod the web app runs as a workload identity and reads the vault through a
        SecretProviderClass; ``local`` has no Azure, so the dev render's ServiceAccount and SecretProviderClass are
        created here (not dry-run) in a namespace of their own, next to the CRD the AKS add-on installs, and read
        back as sent."""
        result = render_cli("dev", tmp_path / "dev", project.root)
        assert result.returncode == 0, result.stderr
        wanted = [m for _, m in manifests(tmp_path / "dev") if m["metadata"].get("namespace") == "shop"
                  and m["kind"] in ("ServiceAccount", "SecretProviderClass")]
        assert sorted(m["kind"] for m in wanted) == ["SecretProviderClass", "ServiceAccount"]
        Oracle(cluster).install_crds([SECRET_PROVIDER_CLASS_CRD])
        namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "e2e-identity"}}
        assert cluster.request("POST", "/api/v1/namespaces", namespace).status == 201
        try:
            for manifest in wanted:
                sent = {**manifest, "metadata": {**manifest["metadata"], "namespace": "e2e-identity"}}
                reply = cluster.request("POST", f"{cluster.collection_of(sent)}?fieldValidation=Strict", sent)
                assert (reply.status, reply.warnings) == (201, ()), reply.message
                live = cluster.get(cluster.path_of(sent))
                assert live is not None
                for key in ("spec", "automountServiceAccountToken", "imagePullSecrets"):
                    assert live.get(key) == sent.get(key), key
                assert live["metadata"].get("annotations") == sent["metadata"].get("annotations")
        finally:
            cluster.request("DELETE", "/api/v1/namespaces/e2e-identity")

    def test_the_addons_run_from_their_charts(self, cluster: KubeApi) -> None:
        # Chart objects are rendered by the provider at preview time, not in the offline render.
        for path in ("/apis/apps/v1/namespaces/ingress/deployments/ingress-traefik",
                     "/apis/apps/v1/namespaces/monitoring/deployments/monitoring-kube-prometheus-operator",
                     "/apis/apps/v1/namespaces/monitoring/deployments/monitoring-kube-state-metrics",
                     "/apis/apps/v1/namespaces/monitoring/daemonsets/monitoring-prometheus-node-exporter"):
            kind = path.split("/")[-2]
            assert cluster.wait_for(path, READY["DaemonSet" if kind == "daemonsets" else "Deployment"]), path
        # Their Services reach the pods, host-network ones (node-exporter) included: the pods' IPs are addresses
        # an EndpointSlice accepts.
        for service in ("ingress/ingress-traefik", "monitoring/monitoring-prometheus-node-exporter"):
            namespace, name = service.split("/")
            cluster.wait_for(f"/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices"
                             f"?labelSelector=kubernetes.io/service-name={name}",
                             lambda found: any(item.get("endpoints") for item in found["items"]))
        assert cluster.get("/apis/networking.k8s.io/v1/ingressclasses/traefik") is not None
        assert cluster.get("/apis/monitoring.coreos.com/v1/namespaces/monitoring/prometheuses") is not None

    def test_the_gateway_presents_a_certificate_made_once_for_its_host(self, project: Project,
                                                                        cluster: KubeApi) -> None:
        """The stack's Gateway terminates TLS with the self-signed certificate of its host (no issuer runs here):
        a real key pair, its seed kept as a secret in the stack's state (so a second preview renders the same)."""
        secret = cluster.get("/api/v1/namespaces/ingress/secrets/public-tls")
        assert secret is not None
        assert secret["type"] == "kubernetes.io/tls"
        certificate = x509.load_pem_x509_certificate(base64.b64decode(secret["data"]["tls.crt"]))
        key = serialization.load_pem_private_key(base64.b64decode(secret["data"]["tls.key"]), password=None)
        assert certificate.public_key() == key.public_key()
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert names.get_values_for_type(x509.DNSName) == ["shop.localtest.me"]
        [seed] = [r for r in project.resources(STACK)
                  if r["type"] == "pulumi-python:dynamic/pilothouse:CertificateSeed"]
        assert "ciphertext" in seed["outputs"]["hex"]  # a secret in the state, never plain
        gateway = cluster.get("/apis/gateway.networking.k8s.io/v1/namespaces/ingress/gateways/public")
        assert gateway is not None
        [https] = [each for each in gateway["spec"]["listeners"] if each["protocol"] == "HTTPS"]
        assert [ref["name"] for ref in https["tls"]["certificateRefs"]] == ["public-tls"]

    def test_the_gateway_api_objects_are_created_for_real(self, cluster: KubeApi) -> None:
        """The Gateway API objects of a program (``_gateway_program``: an HTTPS Gateway of class ``traefik`` whose
        certificate is in another namespace, its HTTP redirect, a weighted split, a backend across namespaces and the
        derived ReferenceGrants) created for real (not dry-run, strict field validation) with the CRDs the stack
        installed, and read back as sent. The local nodes are simulated (kwok): no controller runs, so whether
        Traefik accepts them is not observed here. Workloads are left out: a route needs its Services."""
        render = engine.run(_gateway_program, stack="e2e")
        wanted = ("Namespace", "Service", "ReferenceGrant", "Gateway", "HTTPRoute")  # in creation order
        objects = sorted((r.inputs for r in render.resources if r.inputs.get("kind") in wanted),
                         key=lambda obj: wanted.index(obj["kind"]))
        assert sorted({obj["kind"] for obj in objects}) == sorted(wanted)
        certificate = _self_signed("*.e2e-gateway.test")
        namespaces = [obj["metadata"]["name"] for obj in objects if obj["kind"] == "Namespace"]
        try:
            for obj in [*objects[:len(namespaces)], certificate, *objects[len(namespaces):]]:
                reply = cluster.request("POST", f"{cluster.collection_of(obj)}?fieldValidation=Strict", obj)
                assert (reply.status, reply.warnings) == (201, ()), f"{obj['kind']}: {reply.message}"
            for obj in objects:
                if obj["kind"] in ("ReferenceGrant", "Gateway", "HTTPRoute"):
                    live = cluster.get(cluster.path_of(obj))
                    assert live is not None
                    # the API server fills in defaults (a backend's group and kind, a listener's allowed kinds)
                    assert _within(obj["spec"], live["spec"]), f"{obj['kind']} {obj['metadata']['name']}"
        finally:
            for namespace in namespaces:
                cluster.request("DELETE", f"/api/v1/namespaces/{namespace}")

    def test_second_preview_has_no_changes(self, project: Project) -> None:
        project.pulumi("preview", "--expect-no-changes", "--stack", STACK)

    def test_the_policy_pack_runs_and_passes(self, project: Project) -> None:
        result = project.pulumi("preview", "--policy-pack", "policy", "--stack", STACK)
        assert "pilothouse@v0.0.1" in result.stdout
        assert "mandatory" not in result.stdout.lower()

    def test_one_config_value_changes_one_resource(self, project: Project, cluster: KubeApi) -> None:
        project.pulumi("config", "set", "--path", "namespaces[0].labels.team", "payments", "--stack", STACK)
        preview = json.loads(project.pulumi("preview", "--json", "--stack", STACK).stdout)
        changed = [step["urn"].rpartition("::")[2] for step in preview["steps"] if step["op"] != "same"]
        assert changed == ["shop"], preview["changeSummary"]
        project.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
        namespace = cluster.get("/api/v1/namespaces/shop")
        assert namespace is not None
        assert namespace["metadata"]["labels"]["team"] == "payments"

    def test_a_bad_config_value_creates_nothing(self, project: Project) -> None:
        config = yaml.safe_load((project.root / f"Pulumi.{STACK}.yaml").read_text())
        config["config"]["pilothouse:environment"] = "Local"
        (project.root / "Pulumi.e2ebad.yaml").write_text(yaml.safe_dump(config))
        project.pulumi("stack", "select", "--create", "e2ebad")
        result = project.pulumi("up", "--yes", "--skip-preview", "--stack", "e2ebad", check=False)
        assert result.returncode != 0
        assert ("invalid stack config: pilothouse:environment: got 'Local'; expected 2-8 lowercase letters and "
                "digits, starting with a letter") in result.stdout + result.stderr
        created = [r["type"] for r in project.resources("e2ebad") if not r["type"].startswith("pulumi:pulumi:")]
        assert created == []
        project.pulumi("stack", "rm", "--yes", "--force", "--stack", "e2ebad")

    def test_the_cli_and_the_offline_render_read_the_same_values(self, project: Project) -> None:
        """YAML forms the Pulumi CLI reads its own way (Go's YAML, its conversions, the project's declared types): a
        real ``pulumi preview`` and the offline render see the same values, so they refuse the same ones with the
        same messages."""
        text = (REPO / f"Pulumi.{STACK}.yaml").read_text()  # as committed (an earlier test set a value)
        for written, tricky in [('  pilothouse:kubernetesVersion: "1.37"', "  pilothouse:kubernetesVersion: 1.30"),
                                ("        team: shop\n", "        team: shop\n        release: 2024-06-01\n"),
                                ("        pods: 20\n", "        pods: 0x10\n"),  # 16 pods: accepted by both
                                ("      isolated: false\n", "      isolated: False\n")]:  # false: accepted by both
            assert written in text
            text = text.replace(written, tricky, 1)
        label = ("a label value: a valid label must be an empty string or consist of alphanumeric characters, '-', "
                 "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value', "
                 " or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
        self._same_refusal(project, "e2eyaml", text, [
            "invalid stack config: 2 errors:",
            "  pilothouse:kubernetesVersion: got '1.3'; expected a Kubernetes version '1.MINOR' or '1.MINOR.PATCH' "
            "with MINOR from 30 to 37 (ASCII digits, no leading zeros), quoted in the stack file ('1.30' unquoted is "
            "the number 1.3)",
            f"  pilothouse:namespaces[0].labels['release']: got '2024-06-01 00:00:00 +0000 UTC'; expected {label}"])
        # A value of another type than Pulumi.yaml declares: the CLI refuses it before the program runs.
        self._same_refusal(project, "e2etype", text.replace("config:\n", "config:\n  pilothouse:protect: no\n", 1),
                           ["Stack 'e2etype' with configuration key 'protect' must be of type 'boolean'"])

    @staticmethod
    def _same_refusal(project: Project, stack: str, text: str, expected: list[str]) -> None:
        (project.root / f"Pulumi.{stack}.yaml").write_text(text)
        project.pulumi("stack", "select", "--create", stack)
        preview = project.pulumi("preview", "--stack", stack, check=False)
        offline = render_cli(stack, project.root / "build" / stack, project.root)
        assert preview.returncode != 0
        assert offline.returncode == 2
        for output in (preview.stdout + preview.stderr, offline.stderr):
            lines = [line.strip() for line in output.splitlines()]
            # The last mention: the preview's diagnostics repeat the first line in its progress display.
            starts = [index for index, line in enumerate(lines) if line.endswith(expected[0])]
            assert starts, output
            assert lines[starts[-1] + 1:starts[-1] + len(expected)] == [line.strip() for line in expected[1:]], output
        project.pulumi("stack", "rm", "--yes", "--force", "--stack", stack)

    def test_the_stack_moves_to_another_backend(self, project: Project,
                                                tmp_path_factory: pytest.TempPathFactory) -> None:
        # README's way from the file backend to a team's: state copied, secrets re-encrypted, usable as is.
        root = tmp_path_factory.mktemp("moved") / "project"
        shutil.copytree(project.root, root, symlinks=True)
        target = tmp_path_factory.mktemp("target-backend")
        moved = Project(root, {**project.env, "PULUMI_BACKEND_URL": f"file://{target}"})
        moved.pulumi("stack", "migrate", project.env["PULUMI_BACKEND_URL"], STACK, "--secrets-provider", "passphrase",
                     "--yes")
        assert [r["urn"] for r in moved.resources(STACK)] == [r["urn"] for r in project.resources(STACK)]
        moved.pulumi("preview", "--expect-no-changes", "--stack", STACK)

    def test_destroy_removes_everything(self, project: Project, render: Path, cluster: KubeApi) -> None:
        project.pulumi("destroy", "--yes", "--skip-preview", "--stack", STACK)
        assert [r for r in project.resources(STACK) if not r["type"].startswith("pulumi:pulumi:")] == []
        for _, manifest in manifests(render):
            if manifest["kind"] == "Namespace":
                cluster.wait_gone(cluster.path_of(manifest))


def _gateway_program() -> None:
    """A Gateway of class ``traefik`` on Traefik's entry points (websecure 8443, web 8000 for the redirect), its
    certificate in a namespace of its own; a weighted split into an app namespace carrying the attach label, and a
    path into a backend namespace the route reaches through a ReferenceGrant."""
    edge = Namespace("edge", NamespaceArgs(name="e2e-gw-edge", isolated=False))
    Namespace("certs", NamespaceArgs(name="e2e-gw-certs", isolated=False))
    shop = Namespace("shop", NamespaceArgs(name="e2e-gw-shop", labels=attach_label("e2e", namespace=edge),
                                           isolated=False))
    api = Namespace("api", NamespaceArgs(name="e2e-gw-api", isolated=False))
    gateway = Gateway("e2e", GatewayArgs(
        name="e2e", namespace=edge, gateway_class="traefik", redirect_http=True, redirect_port=8000,
        listeners=(Listener.https(port=8443, hostname="*.e2e-gateway.test",
                                  certificates=(CertificateRef("e2e-tls", "e2e-gw-certs"),)),)))

    def service(name: str, namespace: Namespace) -> Service:
        pod = PodSpec(containers=(Container(name="web", image="nginx:1.27", ports=(Port.http(8080),)),))
        return Deployment(name, DeploymentArgs(name=name, namespace=namespace, pod=pod)).expose(
            (ServicePort(80, target="http", name="http"),))

    blue, green, orders = service("blue", shop), service("green", shop), service("orders", api)
    HTTPRoute("shop", HTTPRouteArgs(name="shop", namespace=shop, gateway=gateway, hostnames=("shop.e2e-gateway.test",),
                                    rules=(HTTPRule(matches=(HTTPMatch(path="/api"),),
                                                    backends=(HTTPBackend(service=orders),)),
                                           HTTPRule(backends=(HTTPBackend(service=blue, weight=90),
                                                              HTTPBackend(service=green, weight=10))))))


def _self_signed(host: str) -> dict[str, Any]:
    """The ``kubernetes.io/tls`` Secret ``e2e-tls`` of ``e2e-gw-certs``: a self-signed pair for ``host`` (the API
    server parses the pair, and warns on anything else)."""
    pair = dict(zip(("tls.crt", "tls.key"), self_signed(os.urandom(SEED_BYTES), [host]), strict=True))
    data = {name: base64.b64encode(pem.encode()).decode() for name, pem in pair.items()}
    return {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls", "data": data,
            "metadata": {"name": "e2e-tls", "namespace": "e2e-gw-certs"}}


def _within(sent: Any, live: Any) -> bool:
    """Whether everything ``sent`` holds is in ``live`` as sent (``live`` may add defaults)."""
    if isinstance(sent, dict):
        return isinstance(live, dict) and all(key in live and _within(value, live[key]) for key, value in sent.items())
    if isinstance(sent, list):
        return isinstance(live, list) and len(sent) == len(live) and all(map(_within, sent, live))
    return bool(sent == live)
