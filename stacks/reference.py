"""The course's reference workloads as values: the arguments of each workload, built one way whether they are about
to be registered (:mod:`stacks.workloads`) or only counted against their namespace's quota while the stack's config
is read, before anything is registered (:func:`misfits`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pulumi

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.autoscaling import autoscaled
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.deployment import DeploymentArgs
from pilothouse.kubernetes.env import EnvValue
from pilothouse.kubernetes.job import ConcurrencyPolicy, CronJobArgs, JobArgs, JobSpec
from pilothouse.kubernetes.namespace import NamespaceArgs
from pilothouse.kubernetes.pod_spec import AccountRef, PodSpec, RestartPolicy
from pilothouse.kubernetes.ports import Port
from pilothouse.kubernetes.probes import Probe, Timing
from pilothouse.kubernetes.quantity import Quantity, quantity
from pilothouse.kubernetes.quota import LimitDefaults, LimitRangeError, PodDemand, Quota, QuotaAccount
from pilothouse.kubernetes.resources import Resources
from pilothouse.kubernetes.selectors import spread_by
from pilothouse.kubernetes.stateful_set import ClaimTemplate, StatefulSetArgs
from pilothouse.kubernetes.storage import StorageClassRef
from pilothouse.kubernetes.volumes import SECRETS_STORE_DRIVER, Mount, Volume
from pilothouse.kubernetes.workload import NamespaceRef

#: The namespace the reference workloads run in.
NAMESPACE = "shop"
DB_IMAGE = "postgres:16.4-alpine"
DB_REPLICAS = 1
DB_SIZE = "1Gi"
#: The ConfigMap the web app reads its settings from, and its entries.
SETTINGS = "web-settings"
SETTINGS_DATA = {"GREETING": "Hello, Pilothouse", "REQUIRE_DATABASE_PASSWORD": "true"}
#: The Secret holding the database password, under the key ``password``.
CREDENTIALS = "db-credentials"
#: The web app's autoscaler bounds.
WEB_MIN_REPLICAS, WEB_MAX_REPLICAS = 2, 4
#: The web app's canary (one pod of the same app) and its share of the requests for ``/`` through the Gateway, in
#: percent: the course's blue/green traffic split as a canary.
CANARY, CANARY_PERCENT = "web-canary", 10
#: The ServiceAccount the web app runs as (its own identity; no API token; on AKS its Azure workload identity).
WEB_ACCOUNT = "web"
#: On AKS: the database password's name in the platform's Key Vault, and the SecretProviderClass (and the Secret
#: the driver syncs) through which the web app reads it.
VAULT_PASSWORD = "db-password"
VAULT_SYNCED = "web-vault"
#: The Azure Disk storage class the database's claims use on AKS.
DISK_CLASS = "pilothouse-disk"


@dataclass(frozen=True)
class Sources:
    """What the reference workloads take from objects made before them.

    ``setting`` and ``credential`` give the environment value of a key of the :data:`SETTINGS` ConfigMap and of the
    :data:`CREDENTIALS` Secret (from the objects themselves, so pods roll when they change); ``web_account`` is the
    ServiceAccount the web app runs as (:data:`WEB_ACCOUNT`); ``web_password`` its database password and
    ``web_volumes`` what it mounts for it (on AKS: Key Vault through the Secrets Store CSI driver, which keeps a
    Secret of it, :data:`VAULT_SYNCED`, while the pods run).
    """

    namespace: NamespaceRef
    web_image: str | pulumi.Output[str]
    setting: Callable[[str], EnvValue]
    credential: Callable[[str], EnvValue]
    storage_class: StorageClassRef
    web_account: AccountRef | str
    web_password: EnvValue
    web_volumes: tuple[Volume, ...] = ()

    @classmethod
    def named(cls, namespace: str, *, from_vault: bool = False) -> Sources:
        """Sources by name only, for counting pods and objects before any object exists (no rollout checksums, a
        stand-in image: neither changes what the pods ask of the quota); ``from_vault``: the web app reads its
        password from Key Vault (AKS)."""
        password = EnvValue.from_secret(CREDENTIALS, "password")
        volumes: tuple[Volume, ...] = ()
        if from_vault:
            volumes = (Volume.csi(VAULT_SYNCED, SECRETS_STORE_DRIVER, read_only=True),)
            password = EnvValue.from_secret(VAULT_SYNCED, VAULT_PASSWORD).mounted_with(volumes[0])
        return cls(namespace, "web", lambda key: EnvValue.from_config_map(SETTINGS, key),
                   lambda key: EnvValue.from_secret(CREDENTIALS, key), DISK_CLASS, WEB_ACCOUNT, password, volumes)


@dataclass(frozen=True)
class ReferenceSet:
    """The web app (autoscaled from :data:`WEB_MIN_REPLICAS` to :data:`WEB_MAX_REPLICAS`) and its one-pod canary,
    its database, the migration Job and the report CronJob."""

    web: DeploymentArgs
    canary: DeploymentArgs
    database: StatefulSetArgs
    migrate: JobArgs
    report: CronJobArgs

    def objects(self) -> dict[str, int]:
        """The objects the set keeps in its namespace, by ResourceQuota count name, with the root CA ConfigMap
        Kubernetes puts in every namespace (``kube-root-ca.crt``), which a quota counts too: the settings
        ConfigMap, the credentials Secret (and on AKS the one the CSI driver syncs from Key Vault), the web, canary
        and database Services, a claim per database replica."""
        claims = len(self.database.claim_templates) * (self.database.replicas or 1)
        synced = sum(1 for v in self.web.pod.volumes if v.source.get("csi", {}).get("driver") == SECRETS_STORE_DRIVER)
        return {"configmaps": 2, "secrets": 1 + synced, "services": 3, "persistentvolumeclaims": claims}

    def storage(self) -> Quantity:
        """What the database's claims request in all (``requests.storage``)."""
        total = int(sum(quantity(t.size, "claim_template.size").value for t in self.database.claim_templates))
        total *= self.database.replicas or 1
        unit, power = next((unit, power) for unit, power in (("Gi", 30), ("Mi", 20), ("", 0)) if total % 2**power == 0)
        return Quantity.parse(f"{total >> power}{unit}")

    def demands(self) -> tuple[tuple[str, PodDemand], ...]:
        """Every pod the set may run at its peak, as its components count them, by the object that runs them."""
        return (("web", self.web.demand()), ("web's autoscaler", autoscaled(self.web, WEB_MAX_REPLICAS)),
                (CANARY, self.canary.demand()), ("db", self.database.demand()), ("migrate", self.migrate.demand()),
                ("report", self.report.demand()))


def reference_set(sources: Sources) -> ReferenceSet:
    web = _web(sources)
    return ReferenceSet(web=web, canary=_canary(web), database=_database(sources), migrate=_migrate(sources),
                        report=_report(sources))


def misfits(namespace: NamespaceArgs, *, from_vault: bool = False) -> list[InvalidValueError]:
    """Each setting of ``namespace``'s quota or LimitRange the reference set does not fit at its peak, as an error
    naming the setting's :class:`NamespaceArgs` path (``quota.requests_cpu``, ``quota.pods``, ``limits.max_memory``),
    its value and what the set needs; empty when the set fits.

    The components count the same pods as they are declared (:class:`QuotaAccount`); this finds the same refusals
    before anything is registered, all of them at once.
    """
    quota, limits = namespace.quota or Quota(), namespace.limits or LimitDefaults()
    account = QuotaAccount(namespace.name, quota, limits)
    workloads = reference_set(Sources.named(namespace.name, from_vault=from_vault))
    demands = workloads.demands()
    refused: dict[str, tuple[str, LimitRangeError]] = {}
    for name, demand in demands:
        for error in account.charge(demand):
            known = refused.get(error.setting)
            if known is None or (error.needed is not None and known[1].needed is not None
                                 and error.needed > known[1].needed):
                refused[error.setting] = name, error
    found: dict[str, InvalidValueError] = {}
    for setting, (name, error) in refused.items():
        field = error.field.partition(".")[2]
        found[setting] = InvalidValueError(
            f"limits.{setting.removeprefix('default_')}", _shown(getattr(limits, setting)),
            f"a value that admits the reference workload '{name}' ({error})" if error.needed is None else
            f"at least {error.needed}: the reference workload '{name}' sets {field} to {error.needed}")
    peak = ", ".join(f"{name} {demand.copies}" for name, demand in demands if demand.copies)
    for key, (needed, _) in account.overdrawn().items():
        setting = f"quota.{key.replace('.', '_')}"
        given = quota.counts[key] if key == "pods" else _shown(quota.hard()[key])
        found[setting] = InvalidValueError(
            setting, given, f"at least {needed}: what the reference workloads ask of {key} in namespace "
                            f"'{namespace.name}' at their peak (pods: {peak})")
    for kind, count in workloads.objects().items():
        if quota.counts.get(kind, count) < count:
            also = " (and Kubernetes' own kube-root-ca.crt)" if kind == "configmaps" else ""
            found[f"quota.{kind}"] = InvalidValueError(
                f"quota.{kind}", quota.counts[kind],
                f"at least {count}: the {kind} the reference workloads keep in namespace '{namespace.name}'{also}")
    storage = workloads.storage()
    if quota.requests_storage is not None and quota.requests_storage < storage:
        found["quota.requests_storage"] = InvalidValueError(
            "quota.requests_storage", str(quota.requests_storage),
            f"at least {storage}: what the database's claims request in namespace '{namespace.name}'")
    return list(found.values())


def _shown(value: Quantity | None) -> str | None:
    return None if value is None else str(value)


def _web(sources: Sources) -> DeploymentArgs:
    # The sample service of app/: it answers /healthz, /readyz (once it has its password) and /metrics.
    container = Container(
        name="web", image=sources.web_image, ports=(Port.http(8080),),
        resources=Resources.of(cpu="100m", memory="64Mi", cpu_limit="250m", memory_limit="128Mi"),
        readiness=Probe.http("/readyz", timing=Timing(period_seconds=5)),
        liveness=Probe.http("/healthz", timing=Timing(initial_delay_seconds=5, period_seconds=10)),
        env={"GREETING": sources.setting("GREETING"), "DATABASE_PASSWORD": sources.web_password,
             "REQUIRE_DATABASE_PASSWORD": sources.setting("REQUIRE_DATABASE_PASSWORD")})
    return DeploymentArgs(
        name="web", namespace=sources.namespace, replicas=None, change_cause="web, built from app/",
        revision_history_limit=5,
        pod=PodSpec(containers=(container,), affinity=spread_by({"app": "web"}, "kubernetes.io/hostname"),
                    service_account=sources.web_account, volumes=sources.web_volumes))


def _canary(web: DeploymentArgs) -> DeploymentArgs:
    """One pod of the web app under its own name (its own Service: a route splits requests between the two)."""
    return replace(web, name=CANARY, selector={}, replicas=1, change_cause="web's canary, built from app/",
                   pod=replace(web.pod, affinity=None))


def _database(sources: Sources) -> StatefulSetArgs:
    data = ClaimTemplate("data", DB_SIZE, storage_class=sources.storage_class)
    postgres = Container(
        name="postgres", image=DB_IMAGE, ports=(Port(5432, "postgres"),), run_as_user=70,
        resources=Resources.of(cpu="100m", memory="128Mi", cpu_limit="500m", memory_limit="256Mi"),
        env={"POSTGRES_PASSWORD": sources.credential("password"), "PGDATA": "/var/lib/postgresql/data/pgdata"},
        readiness=Probe.exec(["pg_isready", "-U", "postgres"], timing=Timing(period_seconds=10)),
        liveness=Probe.tcp("postgres", timing=Timing(initial_delay_seconds=15, period_seconds=20)),
        mounts=(data.mount("/var/lib/postgresql/data"),
                Mount(Volume.empty_dir("run"), "/var/run/postgresql")))
    return StatefulSetArgs(name="db", namespace=sources.namespace, replicas=DB_REPLICAS, claim_templates=(data,),
                           pod=PodSpec(containers=(postgres,), fs_group=70))


def _migrate(sources: Sources) -> JobArgs:
    container = Container(name="migrate", image=DB_IMAGE, run_as_user=70,
                          command=("sh", "-c", "echo migrating schema"),
                          env={"PGPASSWORD": sources.credential("password")},
                          resources=Resources.of(cpu="50m", memory="64Mi", cpu_limit="200m", memory_limit="128Mi"))
    once = JobSpec(pod=PodSpec(containers=(container,), restart_policy=RestartPolicy.NEVER), backoff_limit=4,
                   ttl_seconds_after_finished=None, active_deadline_seconds=600)
    return JobArgs(name="migrate", namespace=sources.namespace, job=once)


def _report(sources: Sources) -> CronJobArgs:
    container = Container(name="report", image="busybox:1.37", run_as_user=65534,
                          args=("/bin/sh", "-c", "date; echo Hello from the Kubernetes cluster"),
                          resources=Resources.of(cpu="10m", memory="16Mi", cpu_limit="50m", memory_limit="32Mi"))
    return CronJobArgs(
        name="report", namespace=sources.namespace, schedule="*/15 * * * *", concurrency=ConcurrencyPolicy.FORBID,
        successful_jobs_history_limit=3, failed_jobs_history_limit=1,
        job=JobSpec(pod=PodSpec(containers=(container,), restart_policy=RestartPolicy.ON_FAILURE), backoff_limit=2))
