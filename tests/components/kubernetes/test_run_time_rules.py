"""Values the API server accepts that then break at run time (issue 16, section 3): each refused when declared, with
the source of the rule in the message or the code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

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
                   together: bool = False, first_together: bool = False) -> None:
    """The course's single-replica database and a nightly backup, both mounting one claim."""
    shop: Namespace | str = namespace or Namespace("shop", NamespaceArgs(name="shop"))
    data = PersistentVolumeClaim("data", PersistentVolumeClaimArgs(name="data", namespace=shop, size="10Gi",
                                                                   access_modes=(access,)))
    db_affinity = same_node_as({"app": "backup"}) if first_together else None
    db = Container(name="db", image="postgres:16", mounts=(Mount(data.volume(), "/var/lib/postgresql/data"),))
    Deployment("db", DeploymentArgs(name="db", namespace=shop, strategy=Recreate(),
                                    pod=PodSpec(containers=(db,), affinity=db_affinity)))
    backup = Container(name="backup", image="shop/backup:1.0", mounts=(Mount(data.volume(read_only=True), "/data"),))
    CronJob("backup", CronJobArgs(name="backup", namespace=shop, schedule="0 3 * * *",
                                  concurrency=ConcurrencyPolicy.FORBID, job=JobSpec(pod=PodSpec(
                                      containers=(backup,), restart_policy=RestartPolicy.NEVER,
                                      affinity=same_node_as({"app": "db"}) if together else None))))


def test_two_workloads_sharing_a_one_node_claim_are_refused(run_program: RunProgram) -> None:
    with pytest.raises(InvalidValueError) as error:
        run_program(_db_and_backup)
    assert str(error.value) == (
        "cron_job.job.pod.volumes: got 'data'; expected a claim no other workload mounts (Deployment 'db' in "
        "namespace 'shop' does): its volume attaches to one node at a time, and a pod of one on another node than the "
        "other's waits forever (Multi-Attach error); mount it from one workload, give the claim ReadWriteMany access, "
        "or keep the pods on one node (PodSpec(affinity=same_node_as(<the other's pod labels>)))")


@pytest.mark.parametrize("build", [
    lambda: _db_and_backup(together=True),  # the backup's pods go where the database's run
    lambda: _db_and_backup(first_together=True),  # or the database's where the backup's run
    lambda: _db_and_backup(access=AccessMode.READ_WRITE_MANY),
    lambda: _db_and_backup(namespace="shop"),  # a namespace of another program: its workloads are not seen
])
def test_a_one_node_claim_shared_on_one_node_or_a_shared_claim_is_accepted(run_program: RunProgram,
                                                                          build: Callable[[], None]) -> None:
    render = run_program(build)
    backup = render.one("kubernetes:batch/v1:CronJob", "backup").inputs
    pod = backup["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert {"name": "data", "persistentVolumeClaim": {"claimName": "data", "readOnly": True}} in pod["volumes"]


@pytest.mark.parametrize("affinity", [
    {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
        "labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "topology.kubernetes.io/zone"}]}},
    {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {
        "labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname"}}]}},
    {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
        "labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}]}},
    {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
        "labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname",
        "namespaces": ["other"]}]}},
    {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": "kubernetes.io/hostname"}},
])
def test_an_affinity_that_does_not_keep_the_pods_on_one_node_is_not_enough(affinity: dict[str, Any]) -> None:
    # another zone's node, a preference, another workload's pods, pods of another namespace, a malformed term
    assert not keeps_on_node_of(affinity, {"app": "db", "tier": "data"})
    assert keeps_on_node_of(same_node_as({"app": "db"}), {"app": "db", "tier": "data"})


def test_same_node_as_needs_labels() -> None:
    with pytest.raises(InvalidValueError) as error:
        same_node_as({})
    assert str(error.value) == ("same_node_as.labels: got {}; expected the labels of the other workload's pods (its "
                                "selector)")
