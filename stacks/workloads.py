"""The course's scenario as code: a web app, its database, a migration Job, a report CronJob.

Built from the components only. On AKS the database's volumes come from an Azure Disk storage
class; on any other cluster (``target: kubeconfig``) from a pre-provisioned local class with one
node-directory volume per database replica, so the same objects deploy everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_random

from pilothouse.kubernetes.autoscaling import (
    HorizontalPodAutoscaler,
    HorizontalPodAutoscalerArgs,
    PodDisruptionBudget,
    PodDisruptionBudgetArgs,
)
from pilothouse.kubernetes.config_map import ConfigMap, ConfigMapArgs
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.deployment import Deployment, DeploymentArgs
from pilothouse.kubernetes.ingress import Route
from pilothouse.kubernetes.job import ConcurrencyPolicy, CronJob, CronJobArgs, Job, JobArgs, JobSpec
from pilothouse.kubernetes.namespace import Namespace
from pilothouse.kubernetes.pod_spec import PodSpec, RestartPolicy
from pilothouse.kubernetes.ports import Port
from pilothouse.kubernetes.probes import Probe, Timing
from pilothouse.kubernetes.resources import Resources
from pilothouse.kubernetes.secret import Secret, SecretArgs
from pilothouse.kubernetes.selectors import spread_by
from pilothouse.kubernetes.service import ServicePort
from pilothouse.kubernetes.stateful_set import ClaimTemplate, StatefulSet, StatefulSetArgs
from pilothouse.kubernetes.storage import (
    AzureDiskSku,
    PersistentVolume,
    PersistentVolumeArgs,
    StorageClass,
    StorageClassArgs,
)
from pilothouse.kubernetes.volumes import Mount, Volume
from stacks.addons import Addons
from stacks.config import StackConfig, Target

DB_IMAGE = "postgres:16.4-alpine"
DB_REPLICAS = 1
DB_SIZE = "1Gi"
#: Of a generated database password: 32 letters and digits, about 190 bits.
DB_PASSWORD_LENGTH = 32


@dataclass(frozen=True)
class LocalVolumes:
    """Where no provisioner runs (any target but AKS): the database's storage class and one node-directory volume
    per replica, made before the ``shop`` namespace, which depends on them. A bound volume is deleted only after
    its claim, and the claims go with the namespace: so ``destroy`` deletes the namespace first."""

    storage_class: StorageClass
    volumes: tuple[PersistentVolume, ...]


def local_volumes(opts: pulumi.ResourceOptions) -> LocalVolumes:
    local = StorageClass("local-volumes", StorageClassArgs.preprovisioned("pilothouse-local"), opts)
    return LocalVolumes(local, tuple(
        PersistentVolume(f"db-volume-{ordinal}", PersistentVolumeArgs(
            name=f"pilothouse-db-{ordinal}", storage_class=local, size=DB_SIZE,
            host_path=f"/var/lib/pilothouse/db-{ordinal}"), opts)
        for ordinal in range(DB_REPLICAS)))


def _storage(config: StackConfig, local: LocalVolumes | None, opts: pulumi.ResourceOptions) -> StorageClass:
    if config.target is Target.AKS or local is None:
        return StorageClass("database-disk", StorageClassArgs.azure_disk("pilothouse-disk", AzureDiskSku.PREMIUM_ZRS),
                            opts)
    return local.storage_class


class ReferenceWorkloads(pulumi.ComponentResource):
    """The reference workload set in the ``shop`` namespace; every object is its child.

    ``db_password`` is the database password when the stack chose one; without it a random one
    is generated once and kept, a secret, in the stack's state.
    """

    def __init__(self, resource_name: str, config: StackConfig, namespaces: dict[str, Namespace],
                 db_password: pulumi.Output[str] | None, addons: Addons, web_image: str | pulumi.Output[str],
                 local: LocalVolumes | None = None, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("pilothouse:stacks:ReferenceWorkloads", resource_name, None, opts)
        with_parent = pulumi.ResourceOptions(parent=self)
        if db_password is None:
            # Letters and digits only: the password ends up in connection strings and shell variables.
            # Protected with the stateful resources: a new password would lock the app out of its database.
            db_password = pulumi_random.RandomPassword(
                "db-password", length=DB_PASSWORD_LENGTH, special=False,
                opts=pulumi.ResourceOptions(parent=self, protect=config.protect)).result
        _build(config, namespaces, db_password, addons, web_image, local, with_parent)
        self.register_outputs({})


def _build(config: StackConfig, namespaces: dict[str, Namespace], db_password: pulumi.Input[str], addons: Addons,
           web_image: str | pulumi.Output[str], local: LocalVolumes | None, opts: pulumi.ResourceOptions) -> None:
    shop = namespaces["shop"]
    settings = ConfigMap("web-settings", ConfigMapArgs(name="web-settings", namespace=shop,
                                                       data={"GREETING": "Hello, Pilothouse",
                                                             "REQUIRE_DATABASE_PASSWORD": "true"}),
                         opts)
    database = Secret("db-credentials", SecretArgs(name="db-credentials", namespace=shop,
                                                   data={"password": db_password}), opts)
    _web(shop, settings, database, addons, web_image, opts)
    _database(config, shop, database, local, opts)
    migrate = Container(name="migrate", image=DB_IMAGE, run_as_user=70,
                        command=("sh", "-c", "echo migrating schema"),
                        env={"PGPASSWORD": database.key("password")},
                        resources=Resources.of(cpu="50m", memory="64Mi", cpu_limit="200m", memory_limit="128Mi"))
    once = JobSpec(pod=PodSpec(containers=(migrate,), restart_policy=RestartPolicy.NEVER), backoff_limit=4,
                   ttl_seconds_after_finished=None, active_deadline_seconds=600)
    Job("migrate", JobArgs(name="migrate", namespace=shop, job=once), opts)
    report = Container(name="report", image="busybox:1.37", run_as_user=65534,
                       args=("/bin/sh", "-c", "date; echo Hello from the Kubernetes cluster"),
                       resources=Resources.of(cpu="10m", memory="16Mi", cpu_limit="50m", memory_limit="32Mi"))
    CronJob("report", CronJobArgs(
        name="report", namespace=shop, schedule="*/15 * * * *", concurrency=ConcurrencyPolicy.FORBID,
        successful_jobs_history_limit=3, failed_jobs_history_limit=1,
        job=JobSpec(pod=PodSpec(containers=(report,), restart_policy=RestartPolicy.ON_FAILURE), backoff_limit=2)),
        opts)


def _web(shop: Namespace, settings: ConfigMap, database: Secret, addons: Addons, image: str | pulumi.Output[str],
         opts: pulumi.ResourceOptions) -> None:
    # The sample service of app/: it answers /healthz, /readyz (once it has its password) and /metrics.
    web_container = Container(
        name="web", image=image, ports=(Port.http(8080),),
        resources=Resources.of(cpu="100m", memory="64Mi", cpu_limit="250m", memory_limit="128Mi"),
        readiness=Probe.http("/readyz", timing=Timing(period_seconds=5)),
        liveness=Probe.http("/healthz", timing=Timing(initial_delay_seconds=5, period_seconds=10)),
        env={"GREETING": settings.key("GREETING"), "DATABASE_PASSWORD": database.key("password"),
             "REQUIRE_DATABASE_PASSWORD": settings.key("REQUIRE_DATABASE_PASSWORD")})
    labels = {"app": "web"}
    web = Deployment("web", DeploymentArgs(
        name="web", namespace=shop, replicas=None, change_cause="web, built from app/", revision_history_limit=5,
        pod=PodSpec(containers=(web_container,), affinity=spread_by(labels, "kubernetes.io/hostname"))), opts)
    # Metrics are served on the app's own port; the Service names that port "metrics" for Prometheus.
    service = web.expose([ServicePort(80, target="http", name="http"),
                          ServicePort(8080, target="http", name="metrics")], scraping=addons.scraping)
    if addons.ingress_class is not None:
        # The course's two routings: the app on its host, and its API under a path.
        service.route([Route(host=addons.host, port="http"), Route(host=addons.host, path="/api", port="http")],
                      ingress_class=addons.ingress_class)
    HorizontalPodAutoscaler("web", HorizontalPodAutoscalerArgs(target=web, min_replicas=2, max_replicas=4), opts)
    PodDisruptionBudget("web", PodDisruptionBudgetArgs(target=web, min_available=1), opts)


def _database(config: StackConfig, shop: Namespace, database: Secret, local: LocalVolumes | None,
              opts: pulumi.ResourceOptions) -> None:
    data = ClaimTemplate("data", DB_SIZE, storage_class=_storage(config, local, opts))
    postgres = Container(
        name="postgres", image=DB_IMAGE, ports=(Port(5432, "postgres"),), run_as_user=70,
        resources=Resources.of(cpu="100m", memory="128Mi", cpu_limit="500m", memory_limit="256Mi"),
        env={"POSTGRES_PASSWORD": database.key("password"), "PGDATA": "/var/lib/postgresql/data/pgdata"},
        readiness=Probe.exec(["pg_isready", "-U", "postgres"], timing=Timing(period_seconds=10)),
        liveness=Probe.tcp("postgres", timing=Timing(initial_delay_seconds=15, period_seconds=20)),
        mounts=(data.mount("/var/lib/postgresql/data"),
                Mount(Volume.empty_dir("run"), "/var/run/postgresql")))
    StatefulSet("db", StatefulSetArgs(name="db", namespace=shop, replicas=DB_REPLICAS, claim_templates=(data,),
                                      pod=PodSpec(containers=(postgres,), fs_group=70)), opts)

