"""The reference database (stacks/workloads.py) on its own, with its claim size and pod management from config.

``tests/e2e/test_claim_growth.py`` deploys it to the local control plane, then changes the claim template.
The storage class allows expansion; pre-provisioned volumes (the local control plane has no provisioner) are
bigger than any size the test asks for, so the claims bind.
"""

from __future__ import annotations

import pulumi

from pilothouse.kubernetes import (
    BindingMode,
    ClaimTemplate,
    Container,
    Mount,
    Namespace,
    NamespaceArgs,
    PersistentVolume,
    PersistentVolumeArgs,
    PodManagement,
    PodSpec,
    Port,
    Probe,
    ReclaimPolicy,
    Resources,
    StatefulSet,
    StatefulSetArgs,
    StorageClass,
    StorageClassArgs,
    Timing,
    Volume,
)
from pilothouse.kubernetes.storage import NO_PROVISIONER

REPLICAS = 2
config = pulumi.Config()

growable = StorageClass("growable", StorageClassArgs(
    name="pilothouse-growable", provisioner=NO_PROVISIONER, reclaim_policy=ReclaimPolicy.RETAIN,
    binding_mode=BindingMode.WAIT_FOR_FIRST_CONSUMER, allow_volume_expansion=True))
volumes = [PersistentVolume(f"volume-{ordinal}", PersistentVolumeArgs(
    name=f"pilothouse-claims-{ordinal}", storage_class=growable, size="8Gi",
    host_path=f"/var/lib/pilothouse/claims-{ordinal}")) for ordinal in range(REPLICAS)]
# The claims bound to the volumes go with the namespace: a destroy deletes the namespace first (PersistentVolume).
shop = Namespace("shop", NamespaceArgs(name="claims"), pulumi.ResourceOptions(depends_on=volumes))

data = ClaimTemplate("data", config.require("size"), storage_class=growable)
postgres = Container(
    name="postgres", image="postgres:16.4-alpine", ports=(Port(5432, "postgres"),), run_as_user=70,
    resources=Resources.of(cpu="100m", memory="128Mi", cpu_limit="500m", memory_limit="256Mi"),
    readiness=Probe.exec(["pg_isready", "-U", "postgres"], timing=Timing(period_seconds=10)),
    mounts=(data.mount("/var/lib/postgresql/data"), Mount(Volume.empty_dir("run"), "/var/run/postgresql")))
StatefulSet("db", StatefulSetArgs(
    name="db", namespace=shop, replicas=REPLICAS, claim_templates=(data,),
    pod_management=PodManagement(config.get("podManagement") or "OrderedReady"),
    pod=PodSpec(containers=(postgres,), fs_group=70)))
