"""The base of workloads whose pods serve traffic: ``expose()`` derives the Service from them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol

import pulumi

from pilothouse.kubernetes.pod_spec import PodSpec
from pilothouse.kubernetes.quota import PodDemand
from pilothouse.kubernetes.selection import DeclaredPods
from pilothouse.kubernetes.service import Service, ServiceArgs, ServicePort, ServiceType
from pilothouse.kubernetes.service_monitor import Scraping
from pilothouse.kubernetes.traffic import TrafficPeer
from pilothouse.kubernetes.workload import NamespaceRef, pod_labels, with_reference_labels


class ExposableArgs(Protocol):
    """What the arguments of an exposable workload share."""

    @property
    def name(self) -> str: ...
    @property
    def namespace(self) -> NamespaceRef: ...
    @property
    def selector(self) -> dict[str, str]: ...
    @property
    def labels(self) -> dict[str, str]: ...
    #: The error prefix of the arguments' class (:class:`~pilothouse.typed.Checked`).
    field_prefix: ClassVar[str]
    @property
    def pod(self) -> PodSpec: ...
    def demand(self) -> PodDemand: ...


class Exposable(TrafficPeer):
    """A workload with named pods picked by its selector (its Service, disruption budget and autoscaler use it);
    mixed into the resource class that registers it."""

    def _admit_pods(self, resource_name: str, args: ExposableArgs, opts: pulumi.ResourceOptions | None) -> None:
        """Declare the pods to the namespace (selectors apart, quota) before anything is registered."""
        labels = with_reference_labels(pod_labels(args.selector, args.labels), args.pod)
        field = type(args).field_prefix  # deployment, stateful_set, daemon_set: the kind, in snake case
        kind = "".join(word.capitalize() for word in field.split("_"))
        self._peer(resource_name, args.namespace, DeclaredPods(
            kind=kind, name=args.name, selector=args.selector, labels=labels, selector_field=f"{field}.selector",
            labels_field=f"{field}.labels", pod_field=f"{field}.pod"), args.pod, args.demand(), opts)

    def expose(self, ports: Sequence[ServicePort], *, name: str | None = None,
               type: ServiceType = ServiceType.CLUSTER_IP, annotations: dict[str, str] | None = None,
               headless: bool = False, scraping: Scraping | None = None) -> Service:
        """A Service for these pods (a child of the workload): its selector is the workload's, and each port's
        target is checked against the pods' container ports.

        The keywords are :class:`ServiceArgs`' fields of the same names: ``name`` (default: the workload's),
        ``type`` (default ``ServiceType.CLUSTER_IP``; ``NODE_PORT``, ``LOAD_BALANCER``), ``annotations`` (default
        none), ``headless`` (no cluster IP, for a StatefulSet's pod DNS names; default false) and ``scraping``
        (from the monitoring add-on: a port named ``metrics`` is scraped by Prometheus; default none).

        Raises:
            InvalidValueError: as :class:`ServiceArgs` does, naming the field (a target port no container
                declares, a name that is not a DNS-1035 label, ...).
        """
        args = ServiceArgs(name=name or self.workload_name, namespace=self.namespace, selector=self.selector,
                           ports=tuple(ports), type=type, annotations=annotations or {}, pod=self.pod,
                           headless=headless, scraping=scraping)
        return Service(name or self.resource_name, args, pulumi.ResourceOptions(parent=self))
