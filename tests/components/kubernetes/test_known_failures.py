"""Issue 16's known failures: each input a user wrote, now refused before registration with the right message
(or, where the API server takes it, accepted with the right value)."""

from __future__ import annotations

import base64
import re
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pulumi
import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes import (
    AccessMode,
    ClaimTemplate,
    ConfigMap,
    ConfigMapArgs,
    Container,
    CronJobArgs,
    DaemonSet,
    DaemonSetArgs,
    Deployment,
    DeploymentArgs,
    HorizontalPodAutoscaler,
    HorizontalPodAutoscalerArgs,
    JobSpec,
    LabelSelector,
    LimitDefaults,
    Mount,
    Namespace,
    NamespaceArgs,
    PersistentVolumeClaim,
    PersistentVolumeClaimArgs,
    PodDisruptionBudget,
    PodDisruptionBudgetArgs,
    PodSpec,
    Port,
    Probe,
    Protocol,
    Quantity,
    Quota,
    Recreate,
    Resources,
    RestartPolicy,
    RollingUpdate,
    Secret,
    SecretArgs,
    SecretType,
    SecurityProfile,
    ServiceArgs,
    ServicePort,
    StatefulSet,
    StatefulSetArgs,
    StorageClassArgs,
    Timing,
    Toleration,
    Volume,
    require_nodes,
    spread_by,
)
from pilothouse.kubernetes.config_map import content_checksum
from pilothouse.kubernetes.ingress import Route
from pilothouse.kubernetes.workload import pod_labels as pod_labels_of
from pilothouse.offline import engine
from pilothouse.offline.render import manifest
from tests.conftest import RunProgram
from tests.messages import DNS1035_LABEL, DNS1123_LABEL, LABEL_KEY_NAME_PART

WEB = Container(name="web", image="shop/web:1.0", ports=(Port.http(8080),),
                resources=Resources.of(cpu="100m", memory="64Mi"))


def test_a_workload_whose_name_starts_with_a_digit_needs_a_service_name(run_program: RunProgram) -> None:
    def program() -> None:
        game = Deployment("game", DeploymentArgs(name="2048-game", namespace="games", pod=PodSpec(containers=(WEB,))))
        game.expose([ServicePort(80, target="http")])

    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == f"service.name: got '2048-game'; expected {DNS1035_LABEL}"


@pytest.mark.parametrize("memory", ["128m", "2999.8m"])  # the server rounds 2999.8m up to 3000m: no warning
def test_memory_in_thousandths_of_a_byte_is_refused(memory: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        Resources.of(cpu="250m", memory=memory)
    assert str(error.value) == (f"resources.memory: got '{memory}'; expected a whole number of bytes, such as "
                                "'128Mi' or '128M' ('m' means thousandths: '128m' is 0.128 bytes)")


@pytest.mark.parametrize(("kind", "threshold"), [("liveness", 3), ("startup", 2)])
def test_liveness_and_startup_probes_succeed_once(kind: str, threshold: int) -> None:
    probe = Probe.http("/healthz", timing=Timing(success_threshold=threshold))
    with pytest.raises(InvalidValueError) as error:
        Container(name="web", image="shop/web:1.0", ports=(Port.http(8080),),
                  liveness=probe if kind == "liveness" else None, startup=probe if kind == "startup" else None)
    assert str(error.value) == (f"container.{kind}.success_threshold: got {threshold}; expected 1 (the API server "
                                f"requires it for a {kind} probe)")


def test_a_statefulset_name_leaves_room_for_the_revision_hash() -> None:
    with pytest.raises(InvalidValueError) as error:
        StatefulSetArgs(name="a" * 55, namespace="shop", replicas=1, pod=PodSpec(containers=(WEB,)))
    assert str(error.value) == (f"stateful_set.name: got '{'a' * 55}'; expected at most 52 characters (the "
                                "controller labels each pod with the name and an 11-character hash)")
    StatefulSetArgs(name="a" * 52, namespace="shop", replicas=1, pod=PodSpec(containers=(WEB,)))


@pytest.mark.parametrize(("text", "value"), [
    ("512Ki", Decimal(512 * 2**10)), ("65536Ki", Decimal(65536 * 2**10)), ("2097152Ki", Decimal(2097152 * 2**10)),
    ("1Ei", Decimal(2**60)), ("1E", Decimal(10**18)),
])
def test_binary_and_exa_quantities_parse(text: str, value: Decimal) -> None:
    assert Quantity.parse(text).value == value


def test_a_huge_exponent_is_refused_not_a_crash() -> None:
    with pytest.raises(InvalidValueError) as error:
        Quantity.parse("1e99999999", "cpu")
    assert str(error.value) == ("cpu: got '1e99999999'; expected a quantity of at most 2^63-1 (9223372036854775807); "
                                "larger ones are capped by the API server")


def _web(replicas: int | None) -> Deployment:
    captured: list[Deployment] = []

    def build() -> None:
        captured.append(Deployment("web", DeploymentArgs(name="web", namespace="shop", replicas=replicas,
                                                         pod=PodSpec(containers=(WEB,)))))
    engine.run(build, stack="test")
    return captured[0]


@pytest.mark.parametrize(("replicas", "budget", "message"), [
    (1, {"min_available": 1}, "disruption_budget.min_available: got 1; expected fewer pods than the workload's 1 "
                              "replica(s), so that a node drain can evict one (raise the replicas, or use "
                              "max_unavailable=1)"),
    (3, {"min_available": 3}, "disruption_budget.min_available: got 3; expected fewer pods than the workload's 3 "
                              "replica(s), so that a node drain can evict one (raise the replicas, or use "
                              "max_unavailable=1)"),
    (3, {"min_available": 5}, "disruption_budget.min_available: got 5; expected fewer pods than the workload's 3 "
                              "replica(s), so that a node drain can evict one (raise the replicas, or use "
                              "max_unavailable=1)"),
    (3, {"min_available": "100%"}, "disruption_budget.min_available: got '100%'; expected less than 100% (100% "
                                   "blocks every node drain and cluster upgrade)"),
    (3, {"min_available": "90%"}, "disruption_budget.min_available: got '90%'; expected fewer pods than the "
                                  "workload's 3 replica(s), so that a node drain can evict one (raise the replicas, "
                                  "or use max_unavailable=1)"),
    (3, {"max_unavailable": 0}, "disruption_budget.max_unavailable: got 0; expected at least one pod (0 blocks every "
                                "node drain and cluster upgrade)"),
    (None, {"max_unavailable": "0%"}, "disruption_budget.max_unavailable: got '0%'; expected at least one pod (0 "
                                      "blocks every node drain and cluster upgrade)"),
])
def test_a_budget_that_allows_no_eviction_is_refused(replicas: int | None, budget: dict[str, int | str],
                                                     message: str) -> None:
    target = _web(replicas)
    with pytest.raises(InvalidValueError) as error:
        PodDisruptionBudgetArgs(target=target, min_available=budget.get("min_available"),
                                max_unavailable=budget.get("max_unavailable"))
    assert str(error.value) == message


@pytest.mark.parametrize(("replicas", "budget"), [(3, {"min_available": 2}), (3, {"min_available": "66%"}),
                                                  (None, {"min_available": 1}), (1, {"max_unavailable": 1}),
                                                  # scaled to 0: no pod for a drain to evict, no drain blocked
                                                  (0, {"min_available": 0}), (0, {"min_available": 1}),
                                                  (0, {"min_available": "50%"})])
def test_a_budget_that_lets_a_drain_evict_one_pod_is_accepted(replicas: int | None,
                                                              budget: dict[str, int | str]) -> None:
    PodDisruptionBudgetArgs(target=_web(replicas), min_available=budget.get("min_available"),
                            max_unavailable=budget.get("max_unavailable"))


def test_file_content_is_kept_exactly_and_binary_files_go_to_binary_data(run_program: RunProgram,
                                                                         tmp_path: Path) -> None:
    (tmp_path / "truststore.jks").write_bytes(b"\xfe\xed\xfe\xed\x00\x00\x00\x02")
    (tmp_path / "app.ini").write_bytes(b"[main]\r\nmode=prod\r\n")
    files = {"truststore.jks": tmp_path / "truststore.jks", "app.ini": tmp_path / "app.ini"}
    render = run_program(lambda: ConfigMap("trust", ConfigMapArgs(name="trust", namespace="shop", files=files)))
    config_map = render.one("kubernetes:core/v1:ConfigMap").inputs
    assert config_map["data"] == {"app.ini": "[main]\r\nmode=prod\r\n"}
    keystore = base64.b64encode(b"\xfe\xed\xfe\xed\x00\x00\x00\x02").decode()
    assert config_map["binaryData"] == {"truststore.jks": keystore}


def test_a_config_map_holds_at_most_one_mebibyte(run_program: RunProgram) -> None:
    with pytest.raises(InvalidValueError) as error:
        run_program(lambda: ConfigMap("big", ConfigMapArgs(name="big", namespace="shop", data={"a": "x" * 2**20})))
    assert str(error.value) == ("config_map.data: got '1048577 bytes'; expected at most 1048576 bytes of data in all "
                                "(the API server's limit, 1 MiB)")


def test_secret_values_may_be_bytes(run_program: RunProgram) -> None:
    keystore = b"\xfe\xed\xfe\xed\x00"

    def program() -> None:
        Secret("keys", SecretArgs(name="keys", namespace="shop", data={"keystore.jks": keystore, "user": "app"}))

    render = engine.run(program, stack="test")  # the render redacts Secret data; read the registered inputs
    secret = render.one("kubernetes:core/v1:Secret")
    assert sorted(secret.inputs["data"]) == ["keystore.jks", "user"]


def test_pulumi_outputs_are_values_like_any_other(run_program: RunProgram) -> None:
    def program() -> None:
        host = pulumi.Output.from_input("db.internal")  # another stack's output, as a program gets it
        settings = ConfigMap("web", ConfigMapArgs(name="web", namespace="shop", data={"DB_HOST": host}))
        container = Container(name="web", image="shop/web:1.0", ports=(Port.http(8080),),
                              env={"DB_HOST": host, "MODE": settings.key("DB_HOST")})
        Deployment("web", DeploymentArgs(name="web", namespace="shop", pod=PodSpec(containers=(container,))))

    render = run_program(program)
    assert render.one("kubernetes:core/v1:ConfigMap").inputs["data"] == {"DB_HOST": "db.internal"}
    env = render.one("kubernetes:apps/v1:Deployment").inputs["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env[0] == {"name": "DB_HOST", "value": "db.internal"}
    annotations = render.one("kubernetes:apps/v1:Deployment").inputs["spec"]["template"]["metadata"]["annotations"]
    assert annotations == {"checksum/configmap-web": content_checksum({"DB_HOST": "db.internal"})}


def test_an_output_that_resolves_to_something_else_than_text_is_refused(run_program: RunProgram) -> None:
    def program() -> None:
        ports: Any = pulumi.Output.from_input([80])  # an untyped program's output of the wrong type
        ConfigMap("web", ConfigMapArgs(name="web", namespace="shop", data={"PORTS": ports}))

    # Raised when the output resolves, inside the SDK's serialization, which wraps it with where it happened.
    with pytest.raises(ValueError, match=re.escape(
            "config_map.data['PORTS']: got [80]; expected text (a ConfigMap value is a string)")):
        run_program(program)


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Container(name="web", image="shop/web:1.0", env={"PORT": 8080}),  # type: ignore[dict-item]
     "container.env['PORT']: got 8080; expected text (quote numbers and booleans: '8080', 'true'), a Pulumi output "
     "of text, or an EnvValue"),
    (lambda: ConfigMapArgs(name="web", namespace="shop", data={"DEBUG": True}),  # type: ignore[dict-item]
     "config_map.data['DEBUG']: got True; expected text (quote numbers and booleans: '8080', 'true') or a Pulumi "
     "output of text"),
    (lambda: Port(8080, ""), "port.name: got ''; expected a port name, or None for no name"),
    (lambda: Route(host=""), "route.host: got ''; expected a host name, or None for any host"),
    (lambda: Route(path="/" + "a" * 1024),
     f"route.path: got '/{'a' * 39}... (1025 characters)'; expected a path of at most 1024 characters (an HTTPRoute "
     "path's limit)"),
])
def test_values_of_the_wrong_kind_are_refused_with_a_hint(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Container(name="web", image="shop/web:1.0", security="root"),  # type: ignore[arg-type]
     "container.security: got 'root'; expected one of 'restricted', 'host-reader', 'baseline', 'unconfined' "
     "(SecurityProfile)"),
    (lambda: Port(80, "http", "udp"),  # type: ignore[arg-type]
     "port.protocol: got 'udp'; expected one of 'TCP', 'UDP', 'SCTP' (Protocol)"),
    (lambda: Route(path_type="Bogus"),  # type: ignore[arg-type]
     "route.path_type: got 'Bogus'; expected one of 'Prefix', 'Exact' (PathType)"),
    (lambda: Port(10**5000), "port: got an integer of over 4000 digits; expected a port number from 1 to 65535"),
    (lambda: NamespaceArgs(name="a" * 100_000), f"name: got '{'a' * 199}... (100000 characters); expected "
                                                 f"{DNS1123_LABEL.partition(': ')[0]}: must be no more than 63 bytes"),
])
def test_choices_and_huge_values_are_refused_cleanly(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_a_choice_given_as_its_text_is_the_member() -> None:
    container = Container(name="web", image="shop/web:1.0", security="baseline")  # type: ignore[arg-type]
    assert container.security is SecurityProfile.BASELINE
    assert container.to_manifest()["securityContext"] == Container(
        name="web", image="shop/web:1.0", security=SecurityProfile.BASELINE).to_manifest()["securityContext"]


@pytest.mark.parametrize(("build", "message"), [
    (lambda: CronJobArgs(name="n", namespace="shop", schedule="0 3 * * *", time_zone="America",
                         job=JobSpec(pod=PodSpec(containers=(WEB,), restart_policy=RestartPolicy.NEVER))),
     "cron_job.time_zone: got 'America'; expected an IANA time zone name such as 'Asia/Seoul' or 'Etc/UTC' (no such "
     "zone in the time zone database)"),
    (lambda: Quantity.parse("1e" + "0" * 4999 + "3").value, None),
    (lambda: ServiceArgs(name="s", namespace="shop", selector={"bad key!": "x"}, ports=(ServicePort(80),)),
     f"service.selector['bad key!']: got 'bad key!'; expected a label key: {LABEL_KEY_NAME_PART}"),
    (lambda: PodDisruptionBudgetArgs(target=_web(3), max_unavailable="00%"),
     "disruption_budget.max_unavailable: got '00%'; expected at least one pod (0 blocks every node drain and cluster "
     "upgrade)"),
])
def test_edge_inputs_from_the_adversarial_trial(build: Any, message: str | None) -> None:
    if message is None:  # accepted, as the API server accepts it
        assert build() == Decimal(1000)
        return
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Mount(Volume.empty_dir("data"), "/data", sub_path="../../etc"),
     "mount.sub_path: got '../../etc'; expected a relative path inside the volume: must not contain '..'"),
    (lambda: Mount(Volume.empty_dir("data"), "/data", sub_path="/etc"),
     "mount.sub_path: got '/etc'; expected a relative path inside the volume: must be a relative path"),
    (lambda: Volume.csi("secrets", "Secrets-Store.CSI.k8s.io" + "x" * 40),
     "volume.driver: got 'Secrets-Store.CSI.k8s.ioxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'; expected a CSI driver "
     "name: must be no more than 63 bytes"),
    (lambda: Volume.csi("secrets", "secrets_store"),
     "volume.driver: got 'secrets_store'; expected a CSI driver name: a lowercase RFC 1123 subdomain must consist of "
     "lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
     "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
    (lambda: Volume.config_map("settings", "web", items={"app.conf": "../app.conf"}),
     "volume.items['app.conf']: got '../app.conf'; expected a relative file path inside the volume: must not "
     "contain '..'"),
    (lambda: Volume.secret("tls", "web", items={"tls.crt": "..crt"}),
     "volume.items['tls.crt']: got '..crt'; expected a relative file path inside the volume: must not start with "
     "'..'"),
    (lambda: Volume.secret("tls", "web", items={"tls/crt": "crt"}),
     "volume.items['tls/crt']: got 'tls/crt'; expected a data key: a valid config key must consist of alphanumeric "
     "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
     "'[-._a-zA-Z0-9]+')"),
    (lambda: Toleration("dedicated", "gpu nodes"),
     "toleration.value: got 'gpu nodes'; expected a label value: a valid label must be an empty string or consist "
     "of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
     "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
     "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
    (lambda: Volume.host_path("logs", "/var/../etc"),
     "volume.path: got '/var/../etc'; expected an absolute path on the node: must not contain '..'"),
    (lambda: Probe.http("/", 8080, headers={"bad header:": "x"}),
     "probe.headers['bad header:']: got 'bad header:'; expected an HTTP header name: a valid HTTP header must consist "
     "of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"),
    (lambda: Container(name="web", image="shop/web:1.0", run_as_user=-1),
     "container.run_as_user: got -1; expected a user id from 0 to 2147483647"),
    (lambda: PodSpec(containers=(WEB,), fs_group=2**31), "pod.fs_group: got 2147483648; expected a group id from 0 "
                                                          "to 2147483647"),
    (lambda: PodSpec(containers=(WEB,), dns_policy="Bogus"),
     "pod.dns_policy: got 'Bogus'; expected one of ClusterFirstWithHostNet, ClusterFirst, Default"),
    (lambda: PodSpec(containers=(WEB,), termination_grace_period_seconds=-5),
     "pod.termination_grace_period_seconds: got -5; expected an integer from 0 to 9223372036854775807"),
    (lambda: Timing(timeout_seconds=2**31), "probe.timeout_seconds: got 2147483648; expected an integer from 1 to "
                                            "2147483647"),
])
def test_fields_the_api_server_checks_are_checked(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_an_autoscaled_statefulset_leaves_its_count_to_the_autoscaler(run_program: RunProgram) -> None:
    def program() -> None:
        db = StatefulSet("db", StatefulSetArgs(name="db", namespace="shop", replicas=None,
                                               pod=PodSpec(containers=(WEB,))))
        HorizontalPodAutoscaler("db", HorizontalPodAutoscalerArgs(target=db, min_replicas=2, max_replicas=4))

    render = run_program(program)
    assert "replicas" not in render.one("kubernetes:apps/v1:StatefulSet").inputs["spec"]


def test_an_autoscaler_refuses_a_statefulset_with_a_fixed_count(run_program: RunProgram) -> None:
    def program() -> None:
        db = StatefulSet("db", StatefulSetArgs(name="db", namespace="shop", replicas=2,
                                               pod=PodSpec(containers=(WEB,))))
        HorizontalPodAutoscaler("db", HorizontalPodAutoscalerArgs(target=db, min_replicas=2, max_replicas=4))

    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == ("autoscaler.target.replicas: got 2; expected None on an autoscaled StatefulSet, so "
                                "Pulumi never resets the count the autoscaler chose")


def _claim(*modes: AccessMode) -> PersistentVolumeClaim:
    return PersistentVolumeClaim("data", PersistentVolumeClaimArgs(name="data", namespace="shop", size="1Gi",
                                                                   access_modes=modes))


ONE_NODE = ("while the pod mounts claim 'data', whose volume attaches to one node at a time (use a StatefulSet with "
            "a claim template per pod, or a claim with ReadWriteMany access)")


@pytest.mark.parametrize(("replicas", "strategy", "message"), [
    (1, None, "deployment.strategy: got None; expected Recreate() or RollingUpdate(max_surge=0) " + ONE_NODE
     + ": a surging rollout starts the new pod before the old one stops, and on another node it waits forever "
       "(Multi-Attach error)"),
    (1, RollingUpdate(max_surge=1, max_unavailable=0),
     "deployment.strategy: got RollingUpdate(max_surge=1, max_unavailable=0); expected Recreate() or "
     "RollingUpdate(max_surge=0) " + ONE_NODE + ": a surging rollout starts the new pod before the old one stops, "
     "and on another node it waits forever (Multi-Attach error)"),
    (2, Recreate(), "deployment.replicas: got 2; expected 0 or 1 " + ONE_NODE),
    (None, Recreate(), "deployment.replicas: got None; expected 0 or 1 " + ONE_NODE),
])
def test_a_deployment_on_a_one_node_claim_never_surges(run_program: RunProgram, replicas: int | None,
                                                        strategy: RollingUpdate | Recreate | None,
                                                        message: str) -> None:
    def program() -> None:
        data = _claim(AccessMode.READ_WRITE_ONCE)
        web = Container(name="web", image="shop/web:1.0", mounts=(Mount(data.volume(), "/data"),))
        DeploymentArgs(name="web", namespace="shop", replicas=replicas, strategy=strategy,
                       pod=PodSpec(containers=(web,)))

    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == message


@pytest.mark.parametrize(("modes", "read_only", "replicas", "strategy"), [
    ((AccessMode.READ_WRITE_ONCE,), False, 1, Recreate()),
    ((AccessMode.READ_WRITE_ONCE_POD,), False, 1, RollingUpdate(max_surge=0, max_unavailable=1)),
    ((AccessMode.READ_WRITE_ONCE,), False, 0, None),
    ((AccessMode.READ_WRITE_MANY,), False, 3, None),
    ((AccessMode.READ_ONLY_MANY,), True, 3, None),
])
def test_a_deployment_that_cannot_strand_a_pod_on_its_claim_is_accepted(
        run_program: RunProgram, modes: tuple[AccessMode, ...], read_only: bool, replicas: int,
        strategy: RollingUpdate | Recreate | None) -> None:
    def program() -> None:
        data = _claim(*modes)
        web = Container(name="web", image="shop/web:1.0", mounts=(Mount(data.volume(read_only=read_only), "/data"),))
        Deployment("web", DeploymentArgs(name="web", namespace="shop", replicas=replicas, strategy=strategy,
                                         pod=PodSpec(containers=(web,))))

    render = run_program(program)
    assert render.one("kubernetes:apps/v1:Deployment").inputs["spec"]["template"]["spec"]["volumes"][0] == {
        "name": "data", "persistentVolumeClaim": {"claimName": "data"} | ({"readOnly": True} if read_only else {})}


def test_a_daemon_set_refuses_a_one_node_claim(run_program: RunProgram) -> None:
    def program() -> None:
        agent = Container(name="agent", image="shop/agent:1.0",
                          mounts=(Mount(_claim(AccessMode.READ_WRITE_ONCE).volume(), "/data"),))
        DaemonSetArgs(name="agent", namespace="shop", pod=PodSpec(containers=(agent,)))

    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == ("daemon_set.pod.volumes: got 'data'; expected no claim whose volume attaches to one "
                                "node at a time (a DaemonSet runs a pod on every node; use a claim with ReadWriteMany "
                                "access)")


def _shared_claim_pod(one_node: bool = True) -> PodSpec:
    # what PersistentVolumeClaim.volume() gives for a ReadWriteOnce claim (one_node) or a ReadWriteMany one
    claim = replace(Volume.claim("data", "data"), one_node=one_node)
    worker = Container(name="worker", image="shop/worker:1.0", mounts=(Mount(claim, "/data"),))
    return PodSpec(containers=(worker,), restart_policy=RestartPolicy.NEVER)


@pytest.mark.parametrize("replicas", [2, None])
def test_a_stateful_set_whose_pods_share_a_one_node_claim_is_refused(replicas: int | None) -> None:
    pod = replace(_shared_claim_pod(), restart_policy=None)
    with pytest.raises(InvalidValueError) as error:
        StatefulSetArgs(name="db", namespace="shop", pod=pod, replicas=replicas)
    assert str(error.value) == (
        f"stateful_set.replicas: got {replicas}; expected 0 or 1 while the pod mounts claim 'data', whose volume "
        "attaches to one node at a time: a pod on another node waits forever (Multi-Attach error); give each pod its "
        "own claim with a claim template, or use a claim with ReadWriteMany access")


def test_one_stateful_pod_or_pods_with_claims_of_their_own_are_accepted() -> None:
    pod = replace(_shared_claim_pod(), restart_policy=None)
    StatefulSetArgs(name="db", namespace="shop", pod=pod, replicas=1)
    template = ClaimTemplate(name="data", size="1Gi")
    StatefulSetArgs(name="db", namespace="shop", replicas=3, claim_templates=(template,), pod=PodSpec(
        containers=(Container(name="db", image="shop/db:1.0", mounts=(template.mount("/data"),)),)))


def test_a_parallel_job_whose_pods_share_a_one_node_claim_is_refused() -> None:
    with pytest.raises(InvalidValueError) as error:
        JobSpec(pod=_shared_claim_pod(), parallelism=2)
    assert str(error.value) == (
        "job.parallelism: got 2; expected 1 while the pod mounts claim 'data', whose volume attaches to one node at a "
        "time: pods on other nodes would wait on it (Multi-Attach error) until the first ends, so the run is not "
        "parallel and may pass its deadline; use a claim with ReadWriteMany access")
    # one pod at a time: the Job controller starts no more pods than completions remain
    assert JobSpec(pod=_shared_claim_pod(), parallelism=2, completions=1).pods_at_once == 1
    JobSpec(pod=_shared_claim_pod(one_node=False), parallelism=4)


def test_a_dict_changed_after_construction_changes_nothing_that_was_checked(run_program: RunProgram) -> None:
    env, data, labels = {"MODE": "prod"}, {"mode": "prod"}, {"tier": "web"}
    web = Container(name="web", image="shop/web:1.0", env=env)
    config = ConfigMapArgs(name="web", namespace="shop", data=data)
    args = DeploymentArgs(name="web", namespace="shop", pod=PodSpec(containers=(web,)), labels=labels)
    env["bad name="], data["bad key!"], labels["bad key!"] = "x", "x", "x"

    def program() -> None:
        ConfigMap("web", config)
        Deployment("web", args)

    render = run_program(program)
    deployment = render.one("kubernetes:apps/v1:Deployment").inputs
    assert render.one("kubernetes:core/v1:ConfigMap").inputs["data"] == {"mode": "prod"}
    assert deployment["spec"]["template"]["spec"]["containers"][0]["env"] == [{"name": "MODE", "value": "prod"}]
    assert "bad key!" not in deployment["metadata"]["labels"]


@pytest.mark.parametrize("kind", [OrderedDict, lambda given: defaultdict(str, given), MappingProxyType])
def test_any_mapping_changed_after_construction_changes_nothing_that_was_checked(
        run_program: RunProgram, kind: Callable[[dict[str, Any]], Any]) -> None:
    data, counts = {"mode": "prod"}, {"pods": 10}
    given_data = kind(data)
    config = ConfigMapArgs(name="web", namespace="shop", data=given_data)
    quota = Quota(counts=OrderedDict(counts))
    affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "pool", "operator": "In", "values": ["apps"]}]}]}}}
    pod = PodSpec(containers=(WEB,), affinity=affinity)
    # a read-only view shows its dict's changes
    (data if isinstance(given_data, MappingProxyType) else given_data)["bad key!"] = "x"
    affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"].clear()

    def program() -> None:
        ConfigMap("web", config)
        Deployment("web", DeploymentArgs(name="web", namespace="shop", pod=pod))

    render = run_program(program)
    assert render.one("kubernetes:core/v1:ConfigMap").inputs["data"] == {"mode": "prod"}
    terms = render.one("kubernetes:apps/v1:Deployment").inputs["spec"]["template"]["spec"]["affinity"][
        "nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert terms == [{"matchExpressions": [{"key": "pool", "operator": "In", "values": ["apps"]}]}]
    assert quota.to_manifest() == {"hard": {"pods": "10"}}


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Resources(cpu_request=Quantity.parse("2"), cpu_limit=Quantity.parse("1")),
     "resources.cpu_limit: got '1'; expected a limit not below the cpu request 2"),
    (lambda: Resources(memory_request=Quantity.parse("128m")),
     "resources.memory_request: got '128m'; expected a whole number of bytes, such as '128Mi' or '128M' ('m' means "
     "thousandths: '128m' is 0.128 bytes)"),
    (lambda: LimitDefaults(max_memory=Quantity.parse("128m")),
     "limits.max_memory: got '128m'; expected a whole number of bytes, such as '128Mi' or '128M' ('m' means "
     "thousandths: '128m' is 0.128 bytes)"),
])
def test_resources_and_limits_built_directly_are_checked_as_their_factories_check(build: Callable[[], object],
                                                                                   message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


@pytest.mark.parametrize("budget", [{"max_unavailable": 0}, {"max_unavailable": "0%"}, {"min_available": "100%"},
                                    {"min_available": 5}])
def test_a_workload_scaled_to_0_takes_any_budget(budget: dict[str, int | str]) -> None:
    PodDisruptionBudgetArgs(target=_web(0), min_available=budget.get("min_available"),
                            max_unavailable=budget.get("max_unavailable"))


def _agent() -> DaemonSet:
    captured: list[DaemonSet] = []
    agent = Container(name="agent", image="shop/agent:1.0")
    engine.run(lambda: captured.append(DaemonSet("agent", DaemonSetArgs(name="agent", namespace="shop",
                                                                       pod=PodSpec(containers=(agent,))))),
               stack="test")
    return captured[0]


@pytest.mark.parametrize(("budget", "message"), [
    ({"max_unavailable": 1}, "disruption_budget.max_unavailable: got 1; expected min_available as a pod count for a "
                             "DaemonSet's pods (Kubernetes counts them for neither max_unavailable nor a percentage: "
                             "Kubernetes docs, 'Arbitrary workloads and arbitrary selectors')"),
    ({"min_available": "50%"}, "disruption_budget.min_available: got '50%'; expected min_available as a pod count "
                               "for a DaemonSet's pods (Kubernetes counts them for neither max_unavailable nor a "
                               "percentage: Kubernetes docs, 'Arbitrary workloads and arbitrary selectors')"),
])
def test_a_daemon_set_budget_the_disruption_controller_cannot_count_is_refused(budget: dict[str, int | str],
                                                                               message: str) -> None:
    agent = _agent()
    with pytest.raises(InvalidValueError) as error:
        PodDisruptionBudgetArgs(target=agent, min_available=budget.get("min_available"),
                                max_unavailable=budget.get("max_unavailable"))
    assert str(error.value) == message
    PodDisruptionBudgetArgs(target=agent, min_available=2)


def test_a_label_bump_changes_labels_in_place_and_never_the_selector(run_program: RunProgram) -> None:
    def program(version: str) -> Callable[[], None]:
        def declare() -> None:
            web = Deployment("web", DeploymentArgs(name="web", namespace="shop", pod=PodSpec(containers=(WEB,)),
                                                   labels={"app.kubernetes.io/version": version}))
            web.expose([ServicePort(80, target="http")])
            PodDisruptionBudget("web", PodDisruptionBudgetArgs(target=web, max_unavailable=1))
        return declare

    before, after = run_program(program("1.0")), run_program(program("1.1"))
    for render, version in ((before, "1.0"), (after, "1.1")):
        spec = render.one("kubernetes:apps/v1:Deployment").inputs["spec"]
        assert spec["selector"] == {"matchLabels": {"app": "web"}}
        assert spec["template"]["metadata"]["labels"] == {"app": "web", "app.kubernetes.io/version": version}
        assert render.one("kubernetes:core/v1:Service").inputs["spec"]["selector"] == {"app": "web"}
        assert render.one("kubernetes:policy/v1:PodDisruptionBudget").inputs["spec"]["selector"] == {
            "matchLabels": {"app": "web"}}


@pytest.mark.parametrize(("given", "selector", "pod_labels"), [
    ({"labels": {"app": "nginx", "tier": "web"}}, {"app": "nginx"}, {"app": "nginx", "tier": "web"}),
    ({"selector": {"app": "nginx", "tier": "web"}}, {"app": "nginx", "tier": "web"}, {"app": "nginx", "tier": "web"}),
    ({"selector": {"app": "nginx"}, "labels": {"app": "nginx", "team": "a"}}, {"app": "nginx"},
     {"app": "nginx", "team": "a"}),
])
def test_the_selector_defaults_to_the_app_label(given: dict[str, dict[str, str]], selector: dict[str, str],
                                                pod_labels: dict[str, str]) -> None:
    args = DeploymentArgs(name="web", namespace="shop", pod=PodSpec(containers=(WEB,)),
                          selector=given.get("selector", {}), labels=given.get("labels", {}))
    assert (args.selector, pod_labels_of(args.selector, args.labels)) == (selector, pod_labels)


def test_a_label_contradicting_the_selector_is_refused() -> None:
    with pytest.raises(InvalidValueError) as error:
        StatefulSetArgs(name="db", namespace="shop", pod=PodSpec(containers=(WEB,)), selector={"app": "db"},
                        labels={"app": "database"})
    assert str(error.value) == ("stateful_set.labels['app']: got 'database'; expected 'db' as in the selector, which "
                                "picks the pods by it (or leave the key to the selector)")


@pytest.mark.parametrize("data", [[("password", "hunter2")], "hunter 2", b"hunter2"])
def test_secret_data_that_is_not_a_mapping_is_never_shown(data: object) -> None:
    with pytest.raises(InvalidValueError) as error:
        SecretArgs(name="db", namespace="shop", data=data)  # type: ignore[arg-type]
    assert str(error.value) == "secret.data: got '[not shown]'; expected a mapping of data keys to values"


def test_a_bytearray_secret_value_is_refused_not_a_crash() -> None:
    with pytest.raises(InvalidValueError) as error:
        SecretArgs(name="db", namespace="shop", data={"p": bytearray(b"hunter2")})  # type: ignore[dict-item]
    assert str(error.value) == ("secret.data['p']: got '[not shown]'; expected str, bytes or a Pulumi Output of "
                                "them")


@pytest.mark.parametrize(("data", "type_", "message"), [
    ({"a": "x" * (512 * 1024), "b": b"y" * (512 * 1024 + 1)}, SecretType.OPAQUE,
     "secret.data: got '[not shown]'; expected at most 1048576 bytes of data in all"),
    ({".dockerconfigjson": "hunter2"}, SecretType.DOCKER_CONFIG_JSON,
     "secret.data['.dockerconfigjson']: got '[not shown]'; expected a JSON object (a Docker config.json)"),
    ({".dockerconfigjson": '["hunter2"]'}, SecretType.DOCKER_CONFIG_JSON,
     "secret.data['.dockerconfigjson']: got '[not shown]'; expected a JSON object (a Docker config.json)"),
])
def test_secrets_the_api_server_refuses_are_refused_unshown(data: dict[str, Any], type_: SecretType,
                                                           message: str) -> None:
    """ValidateSecret: at most MaxSecretSize bytes of data; a .dockerconfigjson that is a JSON object."""
    with pytest.raises(InvalidValueError) as error:
        SecretArgs(name="db", namespace="shop", data=data, type=type_)
    assert str(error.value) == message
    assert "hunter2" not in repr(error.value.value)


def test_a_secret_of_exactly_one_mebibyte_is_accepted() -> None:
    SecretArgs(name="db", namespace="shop", data={"a": "x" * (1024 * 1024)})


def test_a_one_node_claim_is_seen_whichever_mount_names_it_first(run_program: RunProgram) -> None:
    def program() -> None:
        data = _claim(AccessMode.READ_WRITE_ONCE)
        by_name = Container(name="a", image="shop/web:1.0", mounts=(Mount(Volume.claim("data", "data"), "/a"),))
        declared = Container(name="b", image="shop/web:1.0", mounts=(Mount(data.volume(), "/b"),))
        DeploymentArgs(name="web", namespace="shop", replicas=3, strategy=Recreate(),
                       pod=PodSpec(containers=(by_name, declared)))

    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == "deployment.replicas: got 3; expected 0 or 1 " + ONE_NODE


def test_a_huge_surge_percentage_counts_in_integers() -> None:
    args = DeploymentArgs(name="web", namespace="shop", replicas=3, pod=PodSpec(containers=(WEB,)),
                          strategy=RollingUpdate(max_surge="1" + "0" * 400 + "%"))
    assert args.peak_pods == 3 + 3 * 10**398


@pytest.mark.parametrize(("build", "message"), [
    (lambda: StatefulSetArgs(name="1db", namespace="shop", pod=PodSpec(containers=(WEB,))),
     "stateful_set.service_name: got None; expected a Service name starting with a letter: the set's name '1db' is "
     "not a DNS-1035 label, so it cannot name the headless Service"),
    (lambda: StatefulSetArgs(name="db", namespace="shop", pod=PodSpec(containers=(WEB,)), claim_templates=(
        ClaimTemplate("data", "1Gi"), ClaimTemplate("data", "2Gi"))),
     "stateful_set.claim_templates: got ['data', 'data']; expected claim templates with distinct names"),
])
def test_statefulset_names_that_would_fail_later_are_refused(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_a_quota_message_gives_exact_amounts(run_program: RunProgram) -> None:
    def container(memory: str) -> Container:
        return Container(name="web", image="shop/web:1.0", resources=Resources.of(cpu="10m", memory=memory))

    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop", quota=Quota.of(requests_memory="1Gi")))
        for name, memory in (("big", "1000000000"), ("small", "71Mi")):
            Deployment(name, DeploymentArgs(name=name, namespace=shop, strategy=Recreate(),
                                            pod=PodSpec(containers=(container(memory),))))

    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == ("deployment.resources: got 'requests.memory=71Mi'; expected at most 73741824 for 1 "
                                "pod(s) (replicas) of 71Mi each: namespace 'shop' allows 1Gi in all (its "
                                "ResourceQuota) and the pods counted before these take 1000000000")


@pytest.mark.parametrize(("build", "message"), [
    (lambda: DeploymentArgs(name="web", namespace="shop", pod=PodSpec(containers=(WEB,),
                                                                       restart_policy=RestartPolicy.NEVER)),
     "deployment.pod.restart_policy: got 'Never'; expected 'Always' or None: the controller restarts its pods "
     "(Never and OnFailure are for Jobs)"),
    (lambda: DaemonSetArgs(name="agent", namespace="ops", pod=PodSpec(containers=(WEB,)),
                           rolling_update=RollingUpdate(max_unavailable=0)),
     "daemon_set.rolling_update.max_unavailable: got 0; expected a pod count or percentage above 0 (a DaemonSet's "
     "update replaces pods in place)"),
])
def test_controller_settings_the_api_server_refuses_are_refused(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_an_autoscaler_maximum_fits_in_int32(run_program: RunProgram) -> None:
    def program() -> None:
        web = Deployment("web", DeploymentArgs(name="web", namespace="shop", replicas=None,
                                               pod=PodSpec(containers=(WEB,))))
        HorizontalPodAutoscalerArgs(target=web, max_replicas=2**31)

    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == "autoscaler.max_replicas: got 2147483648; expected an integer from 1 to 2147483647"


def test_an_empty_toleration_key_without_a_value_tolerates_every_taint() -> None:
    assert Toleration("").to_manifest() == {"key": "", "operator": "Exists"}
    with pytest.raises(InvalidValueError):
        Toleration("", "gpu")


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Volume.host_path("logs", "/var/log\x00"), "volume.path: got '/var/log\\x00'; expected a path without NUL "
                                                     "characters"),
    (lambda: PersistentVolumeClaimArgs(name="data", namespace="shop", size="0Gi"),
     "claim.size: got '0Gi'; expected more than zero bytes"),
    (lambda: Mount(Volume.empty_dir("data"), "/data\x00x"),
     "mount.path: got '/data\\x00x'; expected a path without NUL characters"),
    (lambda: Mount(Volume.empty_dir("data"), "/data", sub_path="a\x00b"),
     "mount.sub_path: got 'a\\x00b'; expected a path without NUL characters"),
    (lambda: Volume.config_map("conf", "app", items={"app.yaml": "conf\x00.yaml"}),
     "volume.items['app.yaml']: got 'conf\\x00.yaml'; expected a path without NUL characters"),
    (lambda: Container(name="app", image="nginx:1.27", working_dir="app"),
     "container.working_dir: got 'app'; expected an absolute path in the container"),
    (lambda: Container(name="app", image="nginx:1.27", working_dir="/app\x00"),
     "container.working_dir: got '/app\\x00'; expected a path without NUL characters"),
    (lambda: PersistentVolumeClaimArgs(name="data", namespace="shop", size="1Gi", access_modes=(
        AccessMode.READ_WRITE_ONCE_POD, AccessMode.READ_WRITE_ONCE)),
     "claim.access_modes: got ['ReadWriteOncePod', 'ReadWriteOnce']; expected ReadWriteOncePod alone: it may not "
     "be used with other access modes"),
    (lambda: StorageClassArgs(name="fast", provisioner="disk.csi.azure.com", parameters={"": "x"}),
     "storage_class.parameters: got ''; expected parameter names that are not empty"),
    (lambda: StorageClassArgs(name="fast", provisioner="disk.csi.azure.com", parameters={"skuName": "x" * 262138}),
     "storage_class.parameters: got '1 parameters, 262145 bytes'; expected at most 512 parameters of at most 262144 "
     "bytes in all, names and values"),
])
def test_paths_claims_and_classes_the_api_server_or_the_runtime_refuse_are_refused(build: Callable[[], object],
                                                                                  message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_the_largest_paths_and_class_parameters_kubernetes_takes_are_accepted() -> None:
    """What the API-server oracle showed taken: a mount path with '..' (only host paths refuse backsteps), a
    provisioner in upper case (lower-cased first), ReadWriteOncePod repeated."""
    Mount(Volume.empty_dir("data"), "/data/../x", sub_path="a/..b")
    StorageClassArgs(name="fast", provisioner="Disk.CSI.Azure.com")
    PersistentVolumeClaimArgs(name="data", namespace="shop", size="1Gi", access_modes=(
        AccessMode.READ_WRITE_ONCE_POD, AccessMode.READ_WRITE_ONCE_POD))
    Container(name="app", image="nginx:1.27", working_dir="/srv/app")
    StorageClassArgs(name="fast", provisioner="disk.csi.azure.com",
                     parameters={"skuName": "x" * (262144 - len("skuName"))})
    PersistentVolumeClaimArgs(name="data", namespace="shop", size="1Gi",
                              access_modes=(AccessMode.READ_WRITE_ONCE, AccessMode.READ_ONLY_MANY))


@pytest.mark.parametrize(("build", "message"), [
    (lambda: PodSpec(containers=(Container(name="a", image="nginx:1.27", ports=(Port(80, "web"),)),
                                 Container(name="b", image="nginx:1.27", ports=(Port(80, "proxy"),)))),
     "pod.containers['b'].ports: got '80/TCP'; expected a port number and protocol that no other container declares "
     "(container 'a' does)"),
    (lambda: PodSpec(containers=(Container(name="a", image="nginx:1.27", ports=(Port(80, "web"),)),
                                 Container(name="b", image="nginx:1.27", ports=(Port(81, "web"),)))),
     "pod.containers['b'].ports: got 'web'; expected a port name that no other container declares (container 'a' "
     "does)"),
    (lambda: PodSpec(containers=(Container(name="a", image="nginx:1.27"),), dns_policy="None"),
     "pod.dns_policy: got 'None'; expected one of ClusterFirstWithHostNet, ClusterFirst, Default"),
])
def test_pods_the_api_server_refuses_or_warns_about_are_refused(build: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_one_port_number_over_two_protocols_in_two_containers_is_accepted() -> None:
    PodSpec(containers=(Container(name="a", image="dns:1", ports=(Port(53, "dns-udp", Protocol.UDP),)),
                        Container(name="b", image="dns:1", ports=(Port(53, "dns-tcp"),))))


def test_a_port_clash_with_an_init_container_names_the_init_container_field() -> None:
    seed = Container(name="seed", image="nginx:1.27", ports=(Port(80, "seed"),))
    with pytest.raises(InvalidValueError) as error:
        PodSpec(init_containers=(seed,), containers=(Container(name="a", image="nginx:1.27", ports=(Port(80, "web"),)),
                                                     Container(name="b", image="nginx:1.27")))
    assert str(error.value) == ("pod.containers['a'].ports: got '80/TCP'; expected a port number and protocol that no "
                                "other container declares (container 'seed' does)")
    with pytest.raises(InvalidValueError) as error:
        PodSpec(init_containers=(seed, Container(name="seed-2", image="nginx:1.27", ports=(Port(81, "seed"),))),
                containers=(Container(name="b", image="nginx:1.27"),))
    assert str(error.value).startswith("pod.init_containers['seed-2'].ports: got 'seed';")


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Quota(name="Podz!"), "quota.name: got 'Podz!'; expected a DNS-1123 subdomain"),
    (lambda: Quota(counts={"podz": 1}), "quota.podz: got 'podz'; expected an object count a quota takes: one of pods, "
                                        "services, secrets, configmaps, persistentvolumeclaims, "
                                        "replicationcontrollers, resourcequotas, services.nodeports, "
                                        "services.loadbalancers, or 'count/<resource>.<group>'"),
    (lambda: Quota(counts={"pods": -1}), "quota.pods: got -1; expected a non-negative object count"),
    (lambda: Quota.of(pods=2**63), f"quota.pods: got {2**63}; expected a non-negative object count"),
])
def test_a_quota_built_directly_is_checked_as_one_built_by_of(build: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value).startswith(message)


def test_a_quota_counts_objects_of_any_kind_by_count_name() -> None:
    assert Quota(counts={"count/deployments.apps": 3}).to_manifest() == {"hard": {"count/deployments.apps": "3"}}


def test_a_statefulsets_udp_port_stays_udp_on_its_headless_service(run_program: RunProgram) -> None:
    dns = PodSpec(containers=(Container(name="dns", image="coredns/coredns:1.12.0", ports=(
        Port(53, protocol=Protocol.UDP), Port(53), Port(9153, "metrics"))),))

    def program() -> None:
        StatefulSet("dns", StatefulSetArgs(name="dns", namespace="shop", pod=dns))

    service = next(manifest(r) for r in run_program(program).of_type("kubernetes:core/v1:Service"))
    assert [(p["name"], p["port"], p["protocol"]) for p in service["spec"]["ports"]] == [
        ("port-53-udp", 53, "UDP"), ("port-53", 53, "TCP"), ("metrics", 9153, "TCP")]


def test_a_grace_period_is_an_int64() -> None:
    """``terminationGracePeriodSeconds`` is an int64, unlike most counts."""
    assert PodSpec(containers=(WEB,), termination_grace_period_seconds=2**40).termination_grace_period_seconds == 2**40
    with pytest.raises(InvalidValueError) as error:
        PodSpec(containers=(WEB,), termination_grace_period_seconds=2**63)
    assert str(error.value) == (f"pod.termination_grace_period_seconds: got {2**63}; expected an integer from 0 to "
                                f"{2**63 - 1}")


def test_an_autoscaler_may_target_more_than_ten_times_the_requests(run_program: RunProgram) -> None:
    def program() -> None:
        web = Deployment("web", DeploymentArgs(name="web", namespace="shop", replicas=None, pod=PodSpec(
            containers=(WEB,))))
        HorizontalPodAutoscaler("web", HorizontalPodAutoscalerArgs(target=web, max_replicas=4,
                                                                   cpu_utilization=1500))

    hpa = manifest(run_program(program).one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"))
    assert hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 1500


@pytest.mark.parametrize(("build", "message"), [
    (lambda: spread_by({"app": "web"}, "bad key!"),
     "spread.topology_key: got 'bad key!'; expected a label key: name part must consist of alphanumeric characters, "
     "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
     "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
    (lambda: require_nodes(LabelSelector()),
     "require_nodes.selector: got {}; expected at least one label or requirement (an empty node selector term "
     "matches no node: the pods would stay Pending)"),
    (lambda: JobSpec(pod=PodSpec(containers=(WEB,), restart_policy=RestartPolicy.NEVER), active_deadline_seconds=2**63),
     f"job.active_deadline_seconds: got {2**63}; expected an integer from 0 to {2**63 - 1}"),
])
def test_affinity_and_deadlines_are_checked_as_the_api_server_checks_them(build: Callable[[], object],
                                                                          message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_deadlines_are_int64_fields() -> None:
    """``activeDeadlineSeconds`` and ``startingDeadlineSeconds`` are int64 (batch/v1 types.go): 2^31 is valid."""
    run = JobSpec(pod=PodSpec(containers=(WEB,), restart_policy=RestartPolicy.NEVER), active_deadline_seconds=2**31)
    assert run.to_manifest()["activeDeadlineSeconds"] == 2**31
    CronJobArgs(name="nightly", namespace="shop", schedule="0 3 * * *", job=run, starting_deadline_seconds=2**31)
