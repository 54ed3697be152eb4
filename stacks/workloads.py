"""The course's scenario as code: a web app, its database, a migration Job, a report CronJob.

Built from the components only. On AKS the database's volumes come from an Azure Disk storage
class; on any other cluster (``target: kubeconfig``) from a pre-provisioned local class with one
node-directory volume per database replica, so the same objects deploy everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
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
from pilothouse.kubernetes.deployment import Deployment
from pilothouse.kubernetes.env import EnvValue
from pilothouse.kubernetes.http_route import HTTPMatch, HTTPRoute, HTTPRouteArgs, HTTPRule
from pilothouse.kubernetes.ingress import Route
from pilothouse.kubernetes.job import CronJob, Job
from pilothouse.kubernetes.namespace import Namespace
from pilothouse.kubernetes.routes import HTTPBackend
from pilothouse.kubernetes.secret import Secret, SecretArgs
from pilothouse.kubernetes.service import ServicePort
from pilothouse.kubernetes.service_account import ServiceAccount, ServiceAccountArgs
from pilothouse.kubernetes.stateful_set import StatefulSet
from pilothouse.kubernetes.storage import (
    AzureDiskSku,
    PersistentVolume,
    PersistentVolumeArgs,
    StorageClass,
    StorageClassArgs,
)
from pilothouse.kubernetes.volumes import Volume
from stacks.addons import Addons
from stacks.config import StackConfig, Target
from stacks.reference import (
    CANARY,
    CANARY_PERCENT,
    CREDENTIALS,
    DB_REPLICAS,
    DB_SIZE,
    DISK_CLASS,
    NAMESPACE,
    SETTINGS,
    SETTINGS_DATA,
    WEB_ACCOUNT,
    WEB_MAX_REPLICAS,
    WEB_MIN_REPLICAS,
    ReferenceSet,
    Sources,
    reference_set,
)

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
        return StorageClass("database-disk", StorageClassArgs.azure_disk(DISK_CLASS, AzureDiskSku.PREMIUM_ZRS), opts)
    return local.storage_class


@dataclass(frozen=True)
class WebAccess:
    """How the web app reaches its database password: the account it runs as, the value, what it mounts for it."""

    account: ServiceAccount
    password: EnvValue
    volumes: tuple[Volume, ...] = ()


#: Makes the web app's :class:`WebAccess` in the ``shop`` namespace, given the password (on AKS: through Key Vault,
#: ``stacks.platform.vault_access``); without one, the web app reads the Kubernetes Secret as the others do.
WebAccessFactory = Callable[[Namespace, pulumi.Input[str], pulumi.ResourceOptions], WebAccess]


class ReferenceWorkloads(pulumi.ComponentResource):
    """The reference workload set in the ``shop`` namespace; every object is its child.

    ``db_password`` is the database password when the stack chose one; without it a random one
    is generated once and kept, a secret, in the stack's state.
    """

    def __init__(self, resource_name: str, config: StackConfig, namespaces: dict[str, Namespace],
                 db_password: pulumi.Output[str] | None, addons: Addons, web_image: str | pulumi.Output[str],
                 local: LocalVolumes | None = None, web_access: WebAccessFactory | None = None,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("pilothouse:stacks:ReferenceWorkloads", resource_name, None, opts)
        with_parent = pulumi.ResourceOptions(parent=self)
        if db_password is None:
            # Letters and digits only: the password ends up in connection strings and shell variables.
            # Protected with the stateful resources: a new password would lock the app out of its database.
            db_password = pulumi_random.RandomPassword(
                "db-password", length=DB_PASSWORD_LENGTH, special=False,
                opts=pulumi.ResourceOptions(parent=self, protect=config.protect)).result
        _build(config, namespaces, db_password, addons, web_image, local, web_access, with_parent)
        self.register_outputs({})


def _build(config: StackConfig, namespaces: dict[str, Namespace], db_password: pulumi.Input[str], addons: Addons,
           web_image: str | pulumi.Output[str], local: LocalVolumes | None, web_access: WebAccessFactory | None,
           opts: pulumi.ResourceOptions) -> None:
    shop = namespaces[NAMESPACE]
    settings = ConfigMap(SETTINGS, ConfigMapArgs(name=SETTINGS, namespace=shop, data=SETTINGS_DATA), opts)
    credentials = Secret(CREDENTIALS, SecretArgs(name=CREDENTIALS, namespace=shop, data={"password": db_password}),
                         opts)
    if web_access is not None:
        access = web_access(shop, db_password, opts)
    else:
        access = WebAccess(ServiceAccount(WEB_ACCOUNT, ServiceAccountArgs(name=WEB_ACCOUNT, namespace=shop), opts),
                           credentials.key("password"))
    workloads = reference_set(Sources(namespace=shop, web_image=web_image, setting=settings.key,
                                      credential=credentials.key, storage_class=_storage(config, local, opts),
                                      web_account=access.account, web_password=access.password,
                                      web_volumes=access.volumes))
    database = StatefulSet("db", workloads.database, opts)
    web, canary = _web(workloads, addons, opts)
    # Through the namespace's default deny: each client of the database, to its port only.
    for client in (web, canary, Job("migrate", workloads.migrate, opts), CronJob("report", workloads.report, opts)):
        client.allow_to(database, "postgres")


def _web(workloads: ReferenceSet, addons: Addons, opts: pulumi.ResourceOptions) -> tuple[Deployment, Deployment]:
    """The web app and its canary, routed through the stack's Gateway (else its IngressClass)."""
    web, canary = Deployment("web", workloads.web, opts), Deployment(CANARY, workloads.canary, opts)
    # Metrics are served on the app's own port; the Service names that port "metrics" for Prometheus.
    service = web.expose([ServicePort(80, target="http", name="http"),
                          ServicePort(8080, target="http", name="metrics")], scraping=addons.scraping)
    canary_service = canary.expose([ServicePort(80, target="http", name="http")])
    if addons.gateway is not None:
        # The course's two routings, host and path, with its blue/green split as a canary: the app on its host
        # (CANARY_PERCENT of the requests to the canary), its API under a path (the app only).
        HTTPRoute("web", HTTPRouteArgs(
            name="web", namespace=workloads.web.namespace, gateway=addons.gateway,
            hostnames=(addons.host,) if addons.host else (), rules=(
                HTTPRule(matches=(HTTPMatch(path="/api"),), backends=(HTTPBackend(service=service, port="http"),)),
                HTTPRule(backends=(HTTPBackend(service=service, port="http", weight=100 - CANARY_PERCENT),
                                   HTTPBackend(service=canary_service, weight=CANARY_PERCENT))))), opts)
    elif addons.ingress_class is not None:
        service.route([Route(host=addons.host, port="http"), Route(host=addons.host, path="/api", port="http")],
                      ingress_class=addons.ingress_class)
    HorizontalPodAutoscaler("web", HorizontalPodAutoscalerArgs(target=web, min_replicas=WEB_MIN_REPLICAS,
                                                               max_replicas=WEB_MAX_REPLICAS), opts)
    PodDisruptionBudget("web", PodDisruptionBudgetArgs(target=web, min_available=1), opts)
    return web, canary
