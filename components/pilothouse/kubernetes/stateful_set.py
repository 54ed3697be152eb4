"""StatefulSets: pods with stable names and their own volumes, behind a headless Service."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse import api_validation
from pilothouse.counts import MAX_REPLICAS, non_negative, replica_count
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.exposable import Exposable
from pilothouse.kubernetes.names import annotation_map, dns1035_label, dns_label
from pilothouse.kubernetes.pod_spec import PodSpec
from pilothouse.kubernetes.ports import Protocol
from pilothouse.kubernetes.quantity import QuantityInput
from pilothouse.kubernetes.quota import PodDemand
from pilothouse.kubernetes.service import ServicePort
from pilothouse.kubernetes.storage import AccessMode, StorageClass, StorageClassRef, claim_spec
from pilothouse.kubernetes.volumes import Mount, Volume
from pilothouse.kubernetes.workload import (
    SKIP_AWAIT,
    NamespaceRef,
    check_admitted,
    child_options,
    in_cluster_of,
    namespace_name,
    object_metadata,
    pod_labels,
    pod_template,
    require_restarts,
    select_pods,
)
from pilothouse.typed import Checked

#: StatefulSet fields the API server refuses to change in place.
IMMUTABLE = ["spec.selector", "spec.serviceName", "spec.volumeClaimTemplates", "spec.podManagementPolicy"]

#: Server-side apply may take a field from the manager that wrote it: the StatefulSet controller wrote the
#: claim's size when it created the claim.
_PATCH_FORCE = "pulumi.com/patchForce"


class PodManagement(StrEnum):
    """The StatefulSet's ``spec.podManagementPolicy``: how its pods are started and stopped.

    ``OrderedReady``: one at a time, in order; ``Parallel``: all at once. ``StatefulSetArgs.pod_management=None``
    leaves it unset. The API server refuses to change it in place, so a change replaces the StatefulSet.
    """

    ORDERED_READY = "OrderedReady"  # one pod at a time, in order (the course's database example)
    PARALLEL = "Parallel"


@dataclass(frozen=True)
class ClaimTemplate(Checked, prefix="claim_template"):
    """A volume each pod gets for itself (``<name>-<statefulset>-<ordinal>``), kept across restarts."""

    name: str
    size: QuantityInput
    access_modes: tuple[AccessMode, ...] = (AccessMode.READ_WRITE_ONCE,)
    storage_class: StorageClassRef | None = None

    def __post_init__(self) -> None:
        dns_label("claim_template.name", self.name)
        claim_spec("claim_template", self.size, self.access_modes, self.storage_class)

    def mount(self, path: str, *, read_only: bool = False) -> Mount:
        return Mount(Volume.from_claim_template(self.name), path, read_only=read_only)

    def to_manifest(self) -> dict[str, Any]:
        return {"metadata": {"name": self.name},
                "spec": claim_spec("claim_template", self.size, self.access_modes, self.storage_class)}

    def claim_name(self, stateful_set: str, ordinal: int) -> str:
        """The name of the claim the controller makes from this template for pod ``ordinal``."""
        return f"{self.name}-{stateful_set}-{ordinal}"


@dataclass(frozen=True, kw_only=True)
class StatefulSetArgs(Checked, prefix="stateful_set"):
    """What a :class:`StatefulSet` needs: pods with stable names, their own volumes, and a headless Service.

    Fields:
        name: a DNS-1123 label of at most 52 characters (each pod carries it plus an 11-character hash as a label
            value).
        namespace: a :class:`Namespace` of ours (its Pod Security level must admit the pod) or an existing
            namespace's name.
        pod: the pod template; it mounts claim template volumes with :meth:`ClaimTemplate.mount`.
        replicas: an integer from 0 to 10000 (default 1), or ``None`` when a :class:`HorizontalPodAutoscaler`
            owns the count.
        selector: the labels that pick its pods (default ``{"app": <labels' app, else name>}``); a change
            replaces the StatefulSet.
        labels: more labels of the StatefulSet and its pods; they change in place.
        annotations: annotations of the StatefulSet object (keys and values checked as the API server checks them).
        claim_templates: the volumes each pod gets for itself (:class:`ClaimTemplate`).
        service_name: see its comment; a DNS-1123 label (default ``None``: ``name``). The Service has a port for
            each container port.
        pod_management: :class:`PodManagement`; ``None`` (default) leaves it unset.
        partition: see its comment; ``None`` (default) leaves the update strategy unset.

    Claims outlive the StatefulSet (Kubernetes' ``Retain`` policy): data is deleted only with its claim, by hand
    or with a namespace of ours. A bigger ``size`` in a claim template grows the existing claims in place, with no
    pod restarted: the set keeps its template and a server-side patch raises each claim's request (the storage
    class must allow expansion; Kubernetes never shrinks a claim). That needs the claims' names, so a set whose
    ``replicas`` is ``None`` (autoscaled) is replaced instead (its claims kept), and only claims made after that
    get the new size. Any other change to the selector, service name, claim templates or pod management replaces
    the StatefulSet, the old one deleted first; its claims, and so the data, stay for the new one. When it is
    created, ``replicas`` pods are counted against the quota of a namespace of ours.

    Raises:
        InvalidValueError: naming ``stateful_set.name`` or ``stateful_set.service_name`` (not a DNS-1123 label),
            ``stateful_set.selector[<key>]`` or ``stateful_set.labels[<key>]`` (an invalid label, or a label
            contradicting the selector), ``stateful_set.replicas`` (not 0 to 10000 or ``None``; above 1 or
            ``None`` while the pod mounts a one-node claim, see :meth:`PodSpec.one_node_claim`),
            ``stateful_set.pod.mounts`` (a claim template mount without a matching template),
            ``stateful_set.pod.volumes`` (a pod volume named like a claim template, or a hostPath volume in a
            namespace that is not privileged) or ``stateful_set.pod.containers`` (a container profile the
            namespace's Pod Security level does not admit).
    """

    name: str
    namespace: NamespaceRef
    pod: PodSpec
    replicas: int | None = 1
    selector: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    claim_templates: tuple[ClaimTemplate, ...] = ()
    #: Name of the headless Service giving each pod its DNS name; created for you.
    service_name: str | None = None
    pod_management: PodManagement | None = None
    #: Pods with an ordinal at or above it are updated; lower ones wait (staged rollouts).
    partition: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "annotations", annotation_map("stateful_set.annotations", self.annotations))
        dns_label("stateful_set.name", self.name)
        if len(self.name) > 52:
            # Each pod is labelled controller-revision-hash=<name>-<10-character hash>, a label value of at most
            # 63 characters: with a longer name the controller can never create a pod (kubernetes#64023).
            raise InvalidValueError("stateful_set.name", self.name, "at most 52 characters (the controller labels "
                                                                    "each pod with the name and an 11-character hash)")
        select_pods(self, "stateful_set")
        if self.service_name is not None:
            dns1035_label("stateful_set.service_name", self.service_name)
        elif api_validation.is_dns1035_label(self.name):
            raise InvalidValueError("stateful_set.service_name", None,
                                    f"a Service name starting with a letter: the set's name '{self.name}' is not "
                                    "a DNS-1035 label, so it cannot name the headless Service")
        names = [t.name for t in self.claim_templates]
        if len(set(names)) != len(names):
            raise InvalidValueError("stateful_set.claim_templates", names, "claim templates with distinct names")
        if self.replicas is not None:
            replica_count("stateful_set.replicas", self.replicas, f"an integer from 0 to {MAX_REPLICAS}, or None")
        non_negative("stateful_set.partition", self.partition)
        templates = {t.name for t in self.claim_templates}
        for volume in self.pod.all_volumes():
            if volume.declared_by_controller and volume.name not in templates:
                raise InvalidValueError("stateful_set.pod.mounts", volume.name,
                                        f"the name of a claim template ({', '.join(sorted(templates)) or 'none'})")
            if volume.name in templates and not volume.declared_by_controller:
                raise InvalidValueError("stateful_set.pod.volumes", volume.name,
                                        "a volume name not already used by a claim template")
        claim = self.pod.one_node_claim()
        if claim is not None and (self.replicas is None or self.replicas > 1):
            raise InvalidValueError(
                "stateful_set.replicas", self.replicas,
                f"0 or 1 while the pod mounts claim '{claim}', whose volume attaches to one node at a time: a pod on "
                "another node waits forever (Multi-Attach error); give each pod its own claim with a claim template, "
                "or use a claim with ReadWriteMany access")
        check_admitted(self.namespace, self.pod, "stateful_set")
        require_restarts(self.pod, "stateful_set")

    def demand(self) -> PodDemand:
        """What it counts against its namespace's quota: its replicas (one when an autoscaler owns the count)."""
        counted = "replicas" if self.replicas is not None else "one, until its autoscaler adds more"
        return PodDemand("stateful_set", self.pod, 1 if self.replicas is None else self.replicas, counted,
                         "stateful_set.replicas")


class StatefulSet(Exposable, pulumi.ComponentResource):
    """A StatefulSet with the headless Service it needs, created before it: two objects, so a component."""

    def __init__(self, resource_name: str, args: StatefulSetArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self._admit_pods(resource_name, args, opts)
        super().__init__("pilothouse:kubernetes:StatefulSet", resource_name, None,
                         in_cluster_of(args.namespace, opts))
        self.args = args
        service_name = args.service_name or args.name
        # The protocol kept (a UDP port stays UDP); an unnamed port's name carries a protocol other than TCP, so one
        # number over two protocols gives two names.
        ports = [ServicePort(p.number, target=p.name or p.number, protocol=p.protocol, name=p.name or (
            f"port-{p.number}" if p.protocol is Protocol.TCP else f"port-{p.number}-{str(p.protocol).lower()}"))
                 for c in args.pod.containers for p in c.ports]
        self.headless_service = self.expose(ports, name=service_name, headless=True)
        spec: dict[str, Any] = {
            "serviceName": service_name,
            "selector": {"matchLabels": args.selector},
            "template": pod_template(pod_labels(args.selector, args.labels), args.pod)}
        if args.replicas is not None:  # None: an autoscaler owns the count
            spec["replicas"] = args.replicas
        if args.claim_templates:
            spec["volumeClaimTemplates"] = [t.to_manifest() for t in args.claim_templates]
        if args.pod_management is not None:
            spec["podManagementPolicy"] = str(args.pod_management)
        if args.partition is not None:
            spec["updateStrategy"] = {"type": "RollingUpdate", "rollingUpdate": {"partition": args.partition}}
        classes = [t.storage_class for t in args.claim_templates if isinstance(t.storage_class, StorageClass)]
        body: dict[str, Any] = {
            "metadata": object_metadata(args.name, args.namespace, pod_labels(args.selector, args.labels),
                                        args.annotations), "spec": spec}
        # A claim template's size is left out of the set's diff (a change would replace the set): the claims grow
        # in place instead, below.
        grown_in_place = [f"spec.volumeClaimTemplates[{i}].spec.resources.requests.storage"
                          for i in range(len(args.claim_templates))] if args.replicas is not None else []
        self.stateful_set = k8s.apps.v1.StatefulSet(
            resource_name, **body,
            opts=pulumi.ResourceOptions.merge(
                child_options(self, args.namespace, [*classes, self.headless_service, *args.pod.dependencies]),
                pulumi.ResourceOptions(replace_on_changes=IMMUTABLE, delete_before_replace=True,
                                       ignore_changes=grown_in_place)))
        self.claim_sizes = [self._claim_size(resource_name, template, ordinal)
                            for template in args.claim_templates for ordinal in range(args.replicas or 0)]
        self.name = args.name
        self.register_outputs({"name": self.name})

    def _claim_size(self, resource_name: str, template: ClaimTemplate,
                    ordinal: int) -> k8s.core.v1.PersistentVolumeClaimPatch:
        """The size of one claim the controller made, applied server-side once the set is ready (the claim's own
        readiness is the set's, so the patch does not wait for it)."""
        args = self.args
        return k8s.core.v1.PersistentVolumeClaimPatch(
            f"{resource_name}-{template.claim_name(args.name, ordinal)}",
            metadata={"name": template.claim_name(args.name, ordinal), "namespace": namespace_name(args.namespace),
                      "annotations": {_PATCH_FORCE: "true", SKIP_AWAIT: "true"}},
            spec={"resources": template.to_manifest()["spec"]["resources"]},
            # The size is a required field: deleting the patch (destroy, scale-down) leaves it on the claim.
            opts=pulumi.ResourceOptions.merge(child_options(self, args.namespace, [self.stateful_set]),
                                              pulumi.ResourceOptions(retain_on_delete=True)))
