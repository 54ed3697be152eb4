"""The kinds the render files under ``_cluster`` against the API server's discovery: every built-in or aggregated kind
it serves without a namespace is one of ours, by API group and kind, none of ours is served namespaced, and so is
Gateway API's ``GatewayClass`` (a custom resource the oracle installs; others the control plane may hold from other
tests are left out)."""

from __future__ import annotations

import pytest

from pilothouse.offline.kinds import CLUSTER_SCOPED_KINDS, group_of
from tests.oracle.server import Oracle

pytestmark = pytest.mark.e2e


def test_the_render_knows_every_kind_the_api_server_serves_without_a_namespace(oracle: Oracle) -> None:
    api = oracle.api
    definitions = (api.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions") or {}).get("items", [])
    custom = {definition["spec"]["group"] for definition in definitions} - {"gateway.networking.k8s.io"}
    groups = (api.get("/apis") or {}).get("groups", [])
    versions = ["v1"] + [version["groupVersion"] for group in groups if group["name"] not in custom
                         for version in group["versions"]]
    served = {((group_of(version), resource["kind"]), resource["namespaced"]) for version in versions
              for resource in (api.get(f"/api/{version}" if version == "v1" else f"/apis/{version}") or {}).get(
                  "resources", []) if "/" not in resource["name"]}
    cluster_scoped = {kind for kind, namespaced in served if not namespaced}
    assert cluster_scoped - CLUSTER_SCOPED_KINDS == set()
    assert {kind for kind, namespaced in served if namespaced} & CLUSTER_SCOPED_KINDS == set()
    assert {("gateway.networking.k8s.io", "GatewayClass"), ("", "Namespace"), ("apiregistration.k8s.io", "APIService"),
            ("apiextensions.k8s.io", "CustomResourceDefinition")} <= cluster_scoped
