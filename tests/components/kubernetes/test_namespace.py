from __future__ import annotations

import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs, PodSecurityLevel
from tests.conftest import RunProgram
from tests.messages import DNS1123_LABEL, LABEL_KEY_NAME_PART


def test_namespace_enforces_restricted_pod_security(run_program: RunProgram) -> None:
    render = run_program(lambda: Namespace("shop", NamespaceArgs(name="shop", labels={"team": "shop"})))
    component = render.one("pilothouse:kubernetes:Namespace", "shop")
    namespace = render.one("kubernetes:core/v1:Namespace", "shop")
    assert namespace.parent == component.urn
    assert namespace.inputs == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "shop", "labels": {
            "app.kubernetes.io/managed-by": "pilothouse",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
            "team": "shop",
        }},
    }


def test_opting_out_of_restricted_is_visible(run_program: RunProgram) -> None:
    args = NamespaceArgs(name="agents", pod_security=PodSecurityLevel.PRIVILEGED)
    render = run_program(lambda: Namespace("agents", args))
    labels = render.one("kubernetes:core/v1:Namespace").inputs["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "privileged"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "Shop"}, f"name: got 'Shop'; expected {DNS1123_LABEL}"),
        ({"name": "shop", "labels": {"-team": "x"}},
         f"labels['-team']: got '-team'; expected a label key: {LABEL_KEY_NAME_PART}"),
        ({"name": "shop", "labels": {"/team": "x"}},
         "labels['/team']: got '/team'; expected a label key: prefix part must be non-empty"),
    ],
)
def test_bad_namespaces_are_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        NamespaceArgs(**kwargs)  # type: ignore[arg-type]
    assert str(error.value) == message
