"""StatefulSets, DaemonSets, Jobs, CronJobs, config, storage and scaling: rules and lifecycle options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.autoscaling import (
    HorizontalPodAutoscaler,
    HorizontalPodAutoscalerArgs,
    PodDisruptionBudget,
    PodDisruptionBudgetArgs,
)
from pilothouse.kubernetes.config_map import ConfigMap, ConfigMapArgs
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.deployment import Deployment, DeploymentArgs
from pilothouse.kubernetes.job import ConcurrencyPolicy, CronJob, CronJobArgs, Job, JobArgs, JobSpec
from pilothouse.kubernetes.pod_spec import PodSpec, RestartPolicy
from pilothouse.kubernetes.ports import Port
from pilothouse.kubernetes.resources import Resources
from pilothouse.kubernetes.secret import Secret, SecretArgs
from pilothouse.kubernetes.stateful_set import ClaimTemplate, PodManagement, StatefulSet, StatefulSetArgs
from pilothouse.kubernetes.storage import (
    AccessMode,
    PersistentVolume,
    PersistentVolumeArgs,
    PersistentVolumeClaim,
    PersistentVolumeClaimArgs,
    StorageClass,
    StorageClassArgs,
)
from pilothouse.kubernetes.volumes import Mount
from pilothouse.offline import engine
from pilothouse.offline.engine import SECRET
from pilothouse.offline.render import manifest
from tests.conftest import RunProgram
from tests.messages import CONFIG_KEY
from tests.pem import CERTIFICATE, PRIVATE_KEY

CRON = ("a schedule the API server's cron parser reads: five fields 'minute hour day-of-month month day-of-week' (day "
        "of week 0-6 or sun-sat; no L, W, # or seconds), a macro such as @daily, or '@every <duration>'; a time zone "
        "goes in time_zone")
WORKER = Container(name="worker", image="shop/worker:1.0", resources=Resources.of(cpu="100m", memory="64Mi"))
ONCE = PodSpec(containers=(WORKER,), restart_policy=RestartPolicy.NEVER)


def test_config_and_secret_changes_roll_the_pods(run_program: RunProgram, tmp_path: Path) -> None:
    nginx_conf = tmp_path / "nginx.conf"
    nginx_conf.write_text("worker_processes 1;\n")

    def program() -> None:
        config = ConfigMap("web", ConfigMapArgs(name="web", namespace="shop", data={"LOG_LEVEL": "info"},
                                                files={"nginx.conf": nginx_conf}))
        secret = Secret("db", SecretArgs(name="db", namespace="shop", data={"password": "hunter2"}))
        app = Container(name="web", image="shop/web:1.0", env={"LOG_LEVEL": config.key("LOG_LEVEL"),
                                                                "DB_PASSWORD": secret.key("password")},
                        mounts=(Mount(config.volume("conf"), "/etc/nginx/conf.d", read_only=True),))
        Deployment("web", DeploymentArgs(name="web", namespace="shop", pod=PodSpec(containers=(app,))))

    render = run_program(program)
    config_map = manifest(render.one("kubernetes:core/v1:ConfigMap"))
    assert config_map["data"] == {"LOG_LEVEL": "info", "nginx.conf": "worker_processes 1;\n"}
    secret = manifest(render.one("kubernetes:core/v1:Secret"))
    assert secret["type"] == "Opaque"
    annotations = render.one("kubernetes:apps/v1:Deployment").inputs["spec"]["template"]["metadata"]["annotations"]
    assert set(annotations) == {"checksum/configmap-web", "checksum/secret-db"}
    assert len(annotations["checksum/configmap-web"]) == 64
    assert annotations["checksum/secret-db"] == SECRET  # a digest of a secret is a secret too


@pytest.mark.parametrize(("build", "message"), [
    (lambda: ConfigMapArgs(name="web", namespace="shop", files={"a": Path("/does/not/exist")}),
     "config_map.files['a']: got '/does/not/exist'; expected the path of a readable file"),
    (lambda: ConfigMapArgs(name="web", namespace="shop", data={"bad key": "x"}),
     f"config_map.data['bad key']: got 'bad key'; expected {CONFIG_KEY}"),
    (lambda: SecretArgs(name="tls", namespace="shop", type=SecretArgs.tls("t", "shop", certificate=CERTIFICATE,
                                                                          private_key=PRIVATE_KEY).type,
                        data={"x": "y"}),
     "secret.data: got ['x']; expected the keys ['tls.crt', 'tls.key'] for type 'kubernetes.io/tls'"),
    (lambda: SecretArgs(name="empty", namespace="shop"), "secret.data: got {}; expected at least one key"),
])
def test_bad_config_is_rejected(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


@pytest.mark.parametrize(("key", "shown"), [("LEVEL", "'LEVEL'"), (["LOG_LEVEL"], "['LOG_LEVEL']"), (3, "3")])
def test_a_missing_config_key_is_caught(run_program: RunProgram, key: Any, shown: str) -> None:
    def program() -> None:
        ConfigMap("web", ConfigMapArgs(name="web", namespace="shop", data={"LOG_LEVEL": "info"})).key(key)

    with pytest.raises(InvalidValueError) as error:
        run_program(program)
    assert str(error.value) == f"env.key: got {shown}; expected a key of ConfigMap 'web' (LOG_LEVEL)"


def test_docker_registry_and_tls_secrets(run_program: RunProgram) -> None:
    def program() -> None:
        Secret("pull", SecretArgs.docker_registry("acr-pull", "shop", server="myacr.azurecr.io", username="u",
                                                  password="p"))
        Secret("tls", SecretArgs.tls("shop-tls", "shop", certificate=CERTIFICATE, private_key=PRIVATE_KEY))

    render = run_program(program)
    pull = manifest(render.one("kubernetes:core/v1:Secret", "pull"))
    assert pull["type"] == "kubernetes.io/dockerconfigjson"
    assert list(pull["data"]) == [".dockerconfigjson"]
    assert sorted(manifest(render.one("kubernetes:core/v1:Secret", "tls"))["data"]) == ["tls.crt", "tls.key"]


def test_stateful_set_lifecycle_and_storage_class(run_program: RunProgram) -> None:
    def program() -> None:
        disk = StorageClass("disk", StorageClassArgs.azure_disk("managed-premium"))
        data = ClaimTemplate("data", "10Gi", storage_class=disk)
        db = Container(name="db", image="postgres:16", ports=(Port(5432, "pg"),), mounts=(data.mount("/data"),))
        StatefulSet("db", StatefulSetArgs(name="db", namespace="shop", replicas=2, claim_templates=(data,),
                                          pod_management=PodManagement.PARALLEL, pod=PodSpec(containers=(db,))))

    render = run_program(program)
    stateful_set = render.one("kubernetes:apps/v1:StatefulSet")
    assert stateful_set.options["replaceOnChanges"] == sorted(
        ["spec.selector", "spec.serviceName", "spec.volumeClaimTemplates", "spec.podManagementPolicy"])
    assert stateful_set.options["deleteBeforeReplace"] is True
    spec = stateful_set.inputs["spec"]
    assert spec["volumeClaimTemplates"][0]["spec"]["storageClassName"] == "managed-premium"
    assert spec["podManagementPolicy"] == "Parallel"
    # Claims outlive the set; a bigger size grows each claim in place instead of replacing the set.
    assert "persistentVolumeClaimRetentionPolicy" not in spec
    assert stateful_set.options["ignoreChanges"] == ["spec.volumeClaimTemplates[0].spec.resources.requests.storage"]
    patches = render.of_type("kubernetes:core/v1:PersistentVolumeClaimPatch")
    assert [manifest(p) for p in patches] == [
        {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
         "metadata": {"name": f"data-db-{i}", "namespace": "shop", "annotations": {"pulumi.com/patchForce": "true",
                                                                        "pulumi.com/skipAwait": "true"}},
         "spec": {"resources": {"requests": {"storage": "10Gi"}}}} for i in range(2)]
    assert all(stateful_set.urn in p.options["dependencies"] and p.options["retainOnDelete"] for p in patches)
    assert "volumes" not in spec["template"]["spec"] or all(
        v["name"] != "data" for v in spec["template"]["spec"]["volumes"])
    assert manifest(render.one("kubernetes:storage.k8s.io/v1:StorageClass")) == {
        "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "managed-premium"},
        "provisioner": "disk.csi.azure.com", "parameters": {"skuName": "Premium_ZRS"}, "reclaimPolicy": "Delete",
        "allowVolumeExpansion": True, "volumeBindingMode": "WaitForFirstConsumer"}


@pytest.mark.parametrize(("build", "message"), [
    (lambda: StatefulSetArgs(name="db", namespace="shop", pod=PodSpec(containers=(
        Container(name="db", image="postgres:16", mounts=(ClaimTemplate("data", "1Gi").mount("/data"),)),))),
     "stateful_set.pod.mounts: got 'data'; expected the name of a claim template (none)"),
    (lambda: StatefulSetArgs(name="db", namespace="shop", replicas=10001,
                             pod=PodSpec(containers=(Container(name="db", image="postgres:16"),))),
     "stateful_set.replicas: got 10001; expected an integer from 0 to 10000, or None"),
    (lambda: ClaimTemplate("data", "1Gi", access_modes=(AccessMode.READ_WRITE_MANY,),
                           storage_class=_disk_class()),
     "claim_template.access_modes: got ['ReadWriteMany']; expected modes storage class 'managed' supports "
     "['ReadWriteOnce', 'ReadWriteOncePod']"),
    (lambda: PersistentVolumeClaimArgs(name="data", namespace="shop", size="ten gigs"),
     "claim.size: got 'ten gigs'; expected a Kubernetes quantity: a non-negative number with an optional suffix "
     "(n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei, or an exponent such as e3) such as '250m', '1', '64Mi' "
     "or '1Gi'"),
    (lambda: PersistentVolumeClaimArgs(name="data", namespace="shop", size="10Gm"),
     "claim.size: got '10Gm'; expected a Kubernetes quantity: a non-negative number with an optional suffix "
     "(n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei, or an exponent such as e3) such as '250m', '1', '64Mi' "
     "or '1Gi'"),
    (lambda: PersistentVolumeClaimArgs(name="data", namespace="shop", size="1500m"),
     "claim.size: got '1500m'; expected a whole number of bytes, such as '128Mi' or '128M' ('m' means thousandths: "
     "'128m' is 0.128 bytes)"),
])
def test_bad_storage_is_rejected(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def _disk_class() -> StorageClass:
    # A StorageClass is a resource: build it under the mock engine.
    holder: list[StorageClass] = []
    engine.run(lambda: holder.append(StorageClass("managed", StorageClassArgs.azure_disk("managed"))), stack="t")
    return holder[0]


def test_claims_skip_the_bound_wait_unless_asked(run_program: RunProgram) -> None:
    render = run_program(lambda: PersistentVolumeClaim("data", PersistentVolumeClaimArgs(
        name="data", namespace="shop", size="1Gi")))
    annotations = manifest(render.one("kubernetes:core/v1:PersistentVolumeClaim"))["metadata"]["annotations"]
    assert annotations == {"pulumi.com/skipAwait": "true"}


def test_job_and_cron_job_options(run_program: RunProgram) -> None:
    def program() -> None:
        spec = JobSpec(pod=ONCE, backoff_limit=2, active_deadline_seconds=600, ttl_seconds_after_finished=3600)
        Job("migrate", JobArgs(name="migrate", namespace="shop", job=spec))
        CronJob("report", CronJobArgs(name="report", namespace="shop", schedule="@daily", job=spec,
                                      time_zone="Asia/Seoul", concurrency=ConcurrencyPolicy.FORBID,
                                      successful_jobs_history_limit=3, failed_jobs_history_limit=1))

    render = run_program(program)
    job = render.one("kubernetes:batch/v1:Job")
    assert job.options["replaceOnChanges"] == ["spec"]
    assert job.inputs["spec"]["activeDeadlineSeconds"] == 600
    cron = render.one("kubernetes:batch/v1:CronJob").inputs["spec"]
    assert (cron["schedule"], cron["timeZone"], cron["concurrencyPolicy"]) == ("@daily", "Asia/Seoul", "Forbid")


@pytest.mark.parametrize(("build", "message"), [
    (lambda: JobSpec(pod=PodSpec(containers=(WORKER,))),
     "job.pod.restart_policy: got None; expected 'Never' or 'OnFailure' for a Job's pods"),
    (lambda: JobSpec(pod=ONCE, backoff_limit=-1),
     "job.backoff_limit: got -1; expected an integer from 0 to 2147483647"),
    (lambda: CronJobArgs(name="hello", namespace="shop", schedule="*/1 * * * * *", job=JobSpec(pod=ONCE)),
     f"cron_job.schedule: got '*/1 * * * * *'; expected exactly 5 fields (found 6); {CRON}"),
    (lambda: CronJobArgs(name="hello", namespace="shop", schedule="61 * * * *", job=JobSpec(pod=ONCE)),
     f"cron_job.schedule: got '61 * * * *'; expected each field within its range ('61' is not within 0-59); "
     f"{CRON}"),
    *((lambda schedule=schedule: CronJobArgs(name="hello", namespace="shop", schedule=schedule,
                                             job=JobSpec(pod=ONCE)),
       f"cron_job.schedule: got '{schedule}'; expected each field within its range ('{field}' is not within "
       f"{allowed}); {CRON}")
      for schedule, field, allowed in [("0 3 * * 7", "7", "0-6"), ("0 3 * * 5-7", "5-7", "0-6"),
                                       ("0 3 L * *", "L", "1-31"), ("0 3 * * 1#2", "1#2", "0-6"),
                                       ("0 3 15W * *", "15W", "1-31")]),
    (lambda: CronJobArgs(name="hello", namespace="shop", schedule="0 3 * * *", time_zone="Mars/Olympus",
                         job=JobSpec(pod=ONCE)),
     "cron_job.time_zone: got 'Mars/Olympus'; expected an IANA time zone name such as 'Asia/Seoul' or 'Etc/UTC' "
     "(no such zone in the time zone database)"),
    (lambda: CronJobArgs(name="a" * 53, namespace="shop", schedule="@hourly", job=JobSpec(pod=ONCE)),
     f"cron_job.name: got '{'a' * 53}'; expected at most 52 characters"),
])
def test_bad_jobs_are_rejected(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_autoscaler_and_disruption_budget(run_program: RunProgram) -> None:
    def program() -> None:
        web = Deployment("web", DeploymentArgs(name="web", namespace="shop", replicas=None,
                                               pod=PodSpec(containers=(WORKER,))))
        HorizontalPodAutoscaler("web", HorizontalPodAutoscalerArgs(target=web, min_replicas=2, max_replicas=10,
                                                                   memory_utilization=80))
        PodDisruptionBudget("web", PodDisruptionBudgetArgs(target=web, min_available=1))

    render = run_program(program)
    hpa = manifest(render.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"))
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
    assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu", "memory"]
    pdb = manifest(render.one("kubernetes:policy/v1:PodDisruptionBudget"))
    assert pdb["spec"] == {"selector": {"matchLabels": {"app": "web"}}, "minAvailable": 1}


def test_autoscaling_rules(run_program: RunProgram) -> None:
    def fixed() -> None:
        web = Deployment("web", DeploymentArgs(name="web", namespace="shop", replicas=3,
                                               pod=PodSpec(containers=(WORKER,))))
        HorizontalPodAutoscalerArgs(target=web, max_replicas=5)

    with pytest.raises(InvalidValueError) as error:
        run_program(fixed)
    assert str(error.value) == ("autoscaler.target.replicas: got 3; expected None on an autoscaled Deployment, so "
                                "Pulumi never resets the count the autoscaler chose")

    def no_requests() -> None:
        bare = Container(name="web", image="shop/web:1.0")
        web = Deployment("web", DeploymentArgs(name="web", namespace="shop", replicas=None,
                                               pod=PodSpec(containers=(bare,))))
        HorizontalPodAutoscalerArgs(target=web, max_replicas=5)

    with pytest.raises(InvalidValueError) as error:
        run_program(no_requests)
    assert str(error.value) == ("autoscaler.cpu_utilization: got 70; expected cpu requests on every container to "
                                "measure against, given or from the LimitRange of a namespace of ours (missing on "
                                "web)")


def test_preprovisioned_volumes_for_clusters_without_a_provisioner(run_program: RunProgram) -> None:
    def program() -> None:
        local = StorageClass("local", StorageClassArgs.preprovisioned("pilothouse-local"))
        PersistentVolume("pv", PersistentVolumeArgs(name="pv-0", storage_class=local, size="1Gi",
                                                    host_path="/var/lib/pilothouse/pv-0"))

    render = run_program(program)
    assert manifest(render.one("kubernetes:storage.k8s.io/v1:StorageClass"))["provisioner"] == (
        "kubernetes.io/no-provisioner")
    volume = manifest(render.one("kubernetes:core/v1:PersistentVolume"))
    assert volume["spec"] == {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                              "storageClassName": "pilothouse-local", "persistentVolumeReclaimPolicy": "Retain",
                              "hostPath": {"path": "/var/lib/pilothouse/pv-0", "type": "DirectoryOrCreate"}}


def test_fs_group_makes_volumes_writable_for_non_root() -> None:
    assert PodSpec(containers=(WORKER,), fs_group=70).to_manifest()["securityContext"] == {
        "runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}, "fsGroup": 70}
