"""The render's name check (``is_path_segment_name``) against the API server: RBAC names are checked by that rule
alone (``ValidateRBACName``), so a Role of each name shows what the API server takes."""

from __future__ import annotations

import pytest

from pilothouse.api_validation import is_path_segment_name
from tests.oracle.server import NAMESPACE_PREFIX, Oracle

pytestmark = pytest.mark.e2e

NAMESPACE = "oracle-path-segments"
NAMES = (".", "..", "...", "/", "%", "a/b", "a%2Fb", "../x", "x/..", ".a", "a.", "a:b", "system:aggregate-to-view",
         "a b", "A", "é", "a\\b", "a..b", "-", "_")


@pytest.mark.parametrize("name", NAMES)
def test_a_name_is_refused_exactly_when_the_api_server_refuses_it(name: str, oracle: Oracle) -> None:
    oracle.check([{"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": NAMESPACE.removeprefix(NAMESPACE_PREFIX)}}])
    reply = oracle.dry_run({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                            "metadata": {"name": name, "namespace": NAMESPACE}, "rules": []})
    assert (reply.status in (200, 201)) == (not is_path_segment_name(name)), reply.message
    for problem in is_path_segment_name(name):  # the API server's own words
        assert problem in reply.message
