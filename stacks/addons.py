"""The cluster add-ons of an environment, installed before the workloads that use them."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pulumi

from pilothouse.addons.ingress_controller import IngressController, PublicEndpoint
from pilothouse.addons.log_agent import LogAgent
from pilothouse.addons.monitoring import Monitoring, PrometheusStorage
from pilothouse.kubernetes.gateway import Gateway
from pilothouse.kubernetes.ingress import IngressClass
from pilothouse.kubernetes.namespace import Namespace
from pilothouse.kubernetes.service_monitor import Scraping
from pilothouse.kubernetes.storage import AzureDiskSku, StorageClass, StorageClassArgs
from stacks.addons_config import AddonsConfig
from stacks.gateway import install_gateway


@dataclass(frozen=True)
class Addons:
    """What workloads need from the add-ons: where routes go (the Gateway, else the IngressClass) and how apps get
    scraped."""

    ingress_class: IngressClass | None = None
    #: The host apps are routed on (``None``: any host).
    host: str | None = None
    scraping: Scraping | None = None
    #: The stack's Gateway, which apps' HTTPRoutes attach to (``None``: none; routes are then Ingress objects).
    gateway: Gateway | None = None


def install_addons(config: AddonsConfig, namespaces: dict[str, Namespace], opts: pulumi.ResourceOptions, *,
                   public_endpoint: PublicEndpoint | None = None) -> Addons:
    """Install the configured add-ons in their (declared) namespaces."""
    addons, monitoring, served_by = Addons(), None, None
    if config.monitoring is not None:
        storage = None
        if config.prometheus_storage is not None:
            disk = StorageClass("monitoring-disk", StorageClassArgs.azure_disk(
                "pilothouse-monitoring", AzureDiskSku.PREMIUM_ZRS), opts)
            storage = PrometheusStorage(config.prometheus_storage, disk)
        monitoring = Monitoring("monitoring", replace(
            config.monitoring, namespace=namespaces[str(config.monitoring.namespace)], storage=storage), opts)
        addons = replace(addons, scraping=monitoring.scraping)
    if config.ingress is not None:
        controller = config.ingress.controller
        args = replace(controller, namespace=namespaces[str(controller.namespace)], public_endpoint=public_endpoint)
        # Its ServiceMonitor (when asked for) needs the monitoring stack's CRDs first.
        after = [monitoring] if monitoring is not None and args.service_monitor else []
        installed = IngressController("ingress", args,
                                      pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=after)))
        addons = replace(addons, ingress_class=installed.ingress_class, host=config.ingress.host)
        served_by = installed.gateway_class
    if config.gateway is not None:
        addons = replace(addons, gateway=install_gateway(config.gateway, namespaces, served_by, opts),
                         host=config.gateway.host)
    if config.log_agent is not None:
        LogAgent("log-agent", replace(config.log_agent, namespace=namespaces[str(config.log_agent.namespace)]), opts)
    return addons
