"""What the pinned pulumi-azure-native offers for AKS's Gateway API, so that docs/kubernetes.md ("Which controller
serves a Gateway") stays true: its ManagedCluster API version lacks ``ingressProfile.gatewayAPI`` and application
routing's Gateway API implementations (pulumi/pulumi-azure-native#4788), so ``approuting-istio`` is switched on with
the Azure CLI. When an upgrade brings the fields, this fails: wire them into ``ClusterSpec`` and drop the CLI step."""

from __future__ import annotations

import inspect

from pulumi_azure_native import containerservice


def test_the_pinned_sdk_cannot_switch_on_the_managed_gateway_api() -> None:
    profile = inspect.signature(containerservice.ManagedClusterIngressProfileArgs).parameters
    routing = inspect.signature(containerservice.ManagedClusterIngressProfileWebAppRoutingArgs).parameters
    assert "gateway_api" not in profile
    assert "web_app_routing" in profile
    assert not [name for name in routing if "gateway" in name]
