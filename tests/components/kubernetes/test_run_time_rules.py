"""Values the API server accepts that then break at run time (issue 16, section 3): each refused when declared, with
the source of the rule in the message or the code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes import (
    AccessMode,
    ConcurrencyPolicy,
    Container,
    CronJob,
    CronJobArgs,
    Deployment,
    DeploymentArgs,
    JobSpec,
    Mount,
    Namespace,
    NamespaceArgs,
    PersistentVolumeClaim,
    PersistentVolumeClaimArgs,
    PodSpec,
    Probe,
    Recreate,
    RestartPolicy,
    SecretArgs,
    Volume,
    same_node_as,
)
from pilothouse.kubernetes.attachments import keeps_on_node_of
from pilothouse.kubernetes.selection import DeclaredPods
from tests.conftest import RunProgram
from tests.pem import CERTIFICATE, PRIVATE_KEY


def _report(one_node: bool) -> JobSpec:
    claim = replace(Volume.claim("data", "data"), one_node=one_node)  # as PersistentVolumeClaim.volume() gives it
    worker = Container(name="report", image="shop/report:1.0", mounts=(Mount(claim, "/data"),))
    return JobSpec(pod=PodSpec(containers=(worker,), restart_policy=RestartPolicy.NEVER))


@pytest.mark.parametrize(("concurrency", "shown"), [(None, "None"), (ConcurrencyPolicy.ALLOW, "'Allow'")])
def test_a_cron_job_that_may_overlap_on_a_one_node_claim_is_refused(concurrency: ConcurrencyPolicy | None,
                                                                    shown: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        CronJobArgs(name="report", namespace="shop", schedule="*/5 * * * *", job=_report(True), concurrency=concurrency)
    assert str(error.value) == (
        f"cron_job.concurrency: got {shown}; expected 'Forbid' (or 'Replace') while the pod mounts claim 'data', whose "
        "volume attaches to one node at a time: with 'Allow', the default, a run due while the last one goes on waits "
        "on it (Multi-Attach error)")


@pytest.mark.parametrize("concurrency", [ConcurrencyPolicy.FORBID, ConcurrencyPolicy.REPLACE])
def test_a_cron_job_whose_runs_never_overlap_may_mount_a_one_node_claim(concurrency: ConcurrencyPolicy) -> None:
    CronJobArgs(name="report", namespace="shop", schedule="*/5 * * * *", job=_report(True), concurrency=concurrency)
    CronJobArgs(name="report", namespace="shop", schedule="*/5 * * * *", job=_report(False))  # ReadWriteMany


@pytest.mark.parametrize("value", ["a\r\nX-Injected: 1", "a\nb", "a\x00", "\x7f"])
def test_a_probe_header_value_the_kubelet_cannot_send_is_refused(value: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        Probe.http("/healthz", headers={"X-Probe": value})
    assert str(error.value) == (f"probe.headers['X-Probe']: got {value!r}; expected a header value without control "
                                "characters (CR, LF, NUL; RFC 9110 section 5.5)")


def test_a_probe_header_value_with_a_tab_is_sent_as_is() -> None:
    probe = Probe.http("/healthz", headers={"X-Probe": "a\tb"})
    assert probe.handler["httpGet"]["httpHeaders"] == [{"name": "X-Probe", "value": "a\tb"}]


@pytest.mark.parametrize(("pair", "field", "what"), [
    (("CERT", PRIVATE_KEY), "tls.crt", "a PEM certificate chain (-----BEGIN CERTIFICATE-----)"),
    ((CERTIFICATE, "KEY"), "tls.key", "a PEM private key (-----BEGIN PRIVATE KEY-----)"),
    ((PRIVATE_KEY, CERTIFICATE), "tls.crt", "a PEM certificate chain (-----BEGIN CERTIFICATE-----)"),
    ((CERTIFICATE, "-----BEGIN PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----"), "tls.key",
     "a PEM private key (-----BEGIN PRIVATE KEY-----)"),
])
def test_a_tls_secret_that_is_not_a_pem_pair_is_refused_without_showing_it(pair: tuple[str, str], field: str,
                                                                            what: str) -> None:
    # The API server stores it with a warning ("tls: failed to find any PEM data"); no listener can present it.
    with pytest.raises(InvalidValueError) as error:
        SecretArgs.tls("tls", "shop", certificate=pair[0], private_key=pair[1])
    assert str(error.value) == f"secret.data['{field}']: got '[not shown]'; expected {what}"


def test_a_pem_pair_is_accepted() -> None:
    args = SecretArgs.tls("tls", "shop", certificate=CERTIFICATE, private_key=PRIVATE_KEY)
    assert args.data["tls.crt"] == CERTIFICATE


def _db_and_backup(*, access: AccessMode = AccessMode.READ_WRITE_ONCE, namespace: str | None = None,
                   together: bool = False, db_follows: bool = False, second_db: bool = False) -> None:
    """The course's single-replica database and a nightly backup, both mounting one claim."""
    shop: Namespace | str = namespace or Namespace("shop", NamespaceArgs(name="shop"))
    data = PersistentVolumeClaim("data", PersistentVolumeClaimArgs(name="data", namespace=shop, size="10Gi",
                                                                   access_modes=(access,)))
    db_affinity = same_node_as({"app": "backup"}) if db_follows else None
    db = Container(name="db", image="postgres:16", mounts=(Mount(data.volume(), "/var/lib/postgresql/data"),))
    for name in ("db", "db-replica") if second_db else ("db",):
        Deployment(name, DeploymentArgs(name=name, namespace=shop, strategy=Recreate(), pod=PodSpec(
            containers=(db,), affinity=same_node_as({"app": "db"}) if name == "db-replica" else db_affinity)))
    backup = Container(name="backup", image="shop/backup:1.0", mounts=(Mount(data.volume(read_only=True), "/data"),))
    CronJob("backup", CronJobArgs(name="backup", namespace=shop, schedule="0 3 * * *",
                                  concurrency=ConcurrencyPolicy.FORBID, job=JobSpec(pod=PodSpec(
                                      containers=(backup,), restart_policy=RestartPolicy.NEVER,
                                      affinity=same_node_as({"app": "db"}) if together else None))))


SHARED = ("a claim no other workload mounts ({other} in namespace 'shop' does): its volume attaches to one node at a "
          "time, and a pod on another node than the other's waits (Multi-Attach error), forever when both keep "
          "running; mount it from one workload, give the claim ReadWriteMany access, or let a Job's or CronJob's pods "
          "follow the other's to their node (PodSpec(affinity=same_node_as(<the other's selector>)))")


SHARED_WITH_DB = SHARED.format(other="Deployment 'db'")


@pytest.mark.parametrize(("build", "message"), [
    (_db_and_backup, f"cron_job.job.pod.volumes: got 'data'; expected {SHARED_WITH_DB}"),
    # the database following the backup's pods would wait forever on the next run's node
    (lambda: _db_and_backup(db_follows=True),
     f"cron_job.job.pod.volumes: got 'data'; expected {SHARED_WITH_DB}"),
    # two workloads that keep running: whichever moves first waits forever
    (lambda: _db_and_backup(second_db=True, together=True),
     f"deployment.pod.volumes: got 'data'; expected {SHARED_WITH_DB}"),
    (lambda: _db_and_backup(access=AccessMode.READ_WRITE_ONCE_POD, together=True),
     "cron_job.job.pod.volumes: got 'data'; expected a claim no other workload mounts (Deployment 'db' in namespace "
     "'shop' does): its access mode is ReadWriteOncePod, one pod of the cluster at a time"),
])
def test_two_workloads_sharing_a_one_node_claim_are_refused(run_program: RunProgram, build: Callable[[], None],
                                                           message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        run_program(build)
    assert str(error.value) == message


@pytest.mark.parametrize("build", [
    lambda: _db_and_backup(together=True),  # the backup's pods go where the database's run
    lambda: _db_and_backup(access=AccessMode.READ_WRITE_MANY),
    lambda: _db_and_backup(namespace="shop"),  # a namespace of another program: its workloads are not seen
])
def test_a_one_node_claim_shared_on_one_node_or_a_shared_claim_is_accepted(run_program: RunProgram,
                                                                          build: Callable[[], None]) -> None:
    render = run_program(build)
    backup = render.one("kubernetes:batch/v1:CronJob", "backup").inputs
    pod = backup["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert {"name": "data", "persistentVolumeClaim": {"claimName": "data", "readOnly": True}} in pod["volumes"]


def test_a_refused_workload_leaves_no_claim_behind(run_program: RunProgram) -> None:
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop"), pulumi.ResourceOptions(provider=k8s.Provider("one")))
        data = PersistentVolumeClaim("data", PersistentVolumeClaimArgs(name="data", namespace=shop, size="1Gi"))
        db = PodSpec(containers=(Container(name="db", image="postgres:16", mounts=(Mount(data.volume(), "/d"),)),))
        args = DeploymentArgs(name="db", namespace=shop, strategy=Recreate(), pod=db)
        with pytest.raises(InvalidValueError, match=r"^opts\.provider: "):
            Deployment("db", args, pulumi.ResourceOptions(provider=k8s.Provider("two")))
        Deployment("db", args)  # the corrected one: neither its pods nor its claim were recorded

    assert run_program(program).one("kubernetes:apps/v1:Deployment").name == "db"


DB = DeclaredPods(kind="Deployment", name="db", selector={"app": "db"}, labels={"app": "db", "tier": "data"},
                  selector_field="deployment.selector", labels_field="deployment.labels", pod_field="deployment.pod")
_REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"


def _term(**term: Any) -> dict[str, Any]:
    return {"podAffinity": {_REQUIRED: [{"labelSelector": {"matchLabels": {"app": "db"}},
                                         "topologyKey": "kubernetes.io/hostname", **term}]}}


@pytest.mark.parametrize("affinity", [
    _term(topologyKey="topology.kubernetes.io/zone"),  # another node of the zone
    {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {
        "labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname"}}]}},  # a wish
    _term(labelSelector={"matchLabels": {"tier": "data"}}),  # other workloads' pods may carry it too
    _term(labelSelector={"matchLabels": {"app": "db", "tier": "cache"}}),  # none of the database's pods
    _term(namespaces=["other"]),  # pods of another namespace
    _term(labelSelector={"matchLabels": {"app": "db"}, "matchExpressions": [
        {"key": "tier", "operator": "NotIn", "values": ["data"]}]}),
    {"podAffinity": {_REQUIRED: "kubernetes.io/hostname"}},  # malformed
    None,
])
def test_an_affinity_that_does_not_keep_the_pods_on_the_node_of_those_pods_is_not_enough(
        affinity: dict[str, Any] | None) -> None:
    assert not keeps_on_node_of(affinity, DB, "shop")


@pytest.mark.parametrize("affinity", [
    same_node_as({"app": "db"}), same_node_as({"app": "db", "tier": "data"}),
    _term(namespaces=["shop"], matchLabelKeys=[], mismatchLabelKeys=None),  # fields that change nothing
    _term(labelSelector={"matchLabels": {"app": "db"}, "matchExpressions": []}),
])
def test_an_affinity_that_keeps_the_pods_on_the_node_of_those_pods_only(affinity: dict[str, Any]) -> None:
    assert keeps_on_node_of(affinity, DB, "shop")


def test_same_node_as_needs_labels() -> None:
    with pytest.raises(InvalidValueError) as error:
        same_node_as({})
    assert str(error.value) == ("same_node_as.labels: got {}; expected the labels of the other workload's pods (its "
                                "selector)")


@pytest.mark.parametrize("flag", ["one_node", "one_pod"])
@pytest.mark.parametrize("source", [{"emptyDir": {}}, {}, {"persistentVolumeClaim": {}}])
def test_only_a_claims_volume_is_marked_as_attaching_to_one_node(flag: str, source: dict[str, Any]) -> None:
    with pytest.raises(InvalidValueError) as error:
        Volume("data", source, one_node=flag == "one_node", one_pod=flag == "one_pod")
    assert str(error.value) == (f"volume.{flag}: got True; expected False for a volume other than a claim's "
                                "(PersistentVolumeClaim.volume() sets it)")
