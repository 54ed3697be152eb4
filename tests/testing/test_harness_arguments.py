"""pilothouse.testing refuses bad arguments before anything runs, and runs hermetically."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pulumi_kubernetes as k8s
import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.testing import FailedReadError, run


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"config": {1: "one"}}, "config[1]: got 1; expected a config key: 'name' or 'namespace:name'"),
    ({"config": {"a:b:c": "x"}}, "config['a:b:c']: got 'a:b:c'; expected a config key: 'name' or 'namespace:name'"),
    ({"config": {"": "x"}}, "config['']: got ''; expected a config key: 'name' or 'namespace:name'"),
    ({"config": {"k": b"x"}}, "config['k']: got b'x'; expected a string or a JSON value"),
    ({"config": {"k": float("nan")}}, "config['k']: got nan; expected a string or a JSON value"),
    ({"secrets": {"k": {1, 2}}}, "secrets['k']: got '[secret]'; expected a string or a JSON value"),
    ({"config": {"k": "1"}, "secrets": {"k": "2"}}, "secrets: got ['test:k']; expected keys not also in config"),
    ({"config": [("a", "b")]}, "config: got [('a', 'b')]; expected a mapping of config keys to values"),
    ({"project": "a:b"}, "project: got 'a:b'; expected a project name (no whitespace or ':')"),
    ({"stack_outputs": {"org/p/s": None}}, "stack_outputs['org/p/s']: got None; expected a mapping of output "
                                           "names to values"),
    ({"stack": "a b"}, "stack: got 'a b'; expected a stack name (a stack name may only contain alphanumeric, "
                       "hyphens, underscores, or periods: invalid character ' ' at position 1)"),
    ({"stack": None}, "stack: got None; expected a stack name (text)"),
    ({"secrets": [("k", "s3cr3t")]}, "secrets: got 'list'; expected a mapping of config keys to values"),
    ({"stack_outputs": ["x"]}, "stack_outputs: got ['x']; expected a mapping of names to answers, each a mapping "
                               "of output names to values"),
    ({"invokes": {"tok": 5}}, "invokes['tok']: got 5; expected a function of the invoke's arguments"),
    ({"reads": {1: len}}, "reads[1]: got 1; expected a name (text)"),
])
def test_the_harness_refuses_bad_arguments_before_running(kwargs: dict[str, object], message: str) -> None:
    ran = []
    with pytest.raises(InvalidValueError) as refused:
        run(lambda: ran.append(True), **kwargs)  # type: ignore[arg-type]
    assert str(refused.value) == message
    assert ran == []


def test_a_program_that_is_no_plain_function_is_refused() -> None:
    async def program() -> None:
        k8s.core.v1.ConfigMap("c")

    for given in (42, program):
        with pytest.raises(InvalidValueError) as refused:
            run(given)  # type: ignore[arg-type]
        assert str(refused.value).endswith("; expected a function that declares resources when called (not async, "
                                           "not a generator: the engine would never run its body)")


def test_the_environments_config_is_hidden_from_the_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_CONFIG", '{"test:k": "from-env"}')
    monkeypatch.setenv("PULUMI_CONFIG_TEST_K", "from-env")

    def program() -> None:
        pulumi.export("k", pulumi.Config().get("k"))

    assert run(program).outputs == {}  # an export of None is dropped: the key is unset
    assert run(program, config={"k": "given"}).outputs == {"k": "given"}


def test_a_read_answers_metadata_merged_and_refuses_ids_the_provider_would_not_take() -> None:
    def program() -> None:
        existing = k8s.core.v1.ConfigMap.get("shared", "platform/shared")
        pulumi.export("metadata", existing.metadata)

    render = run(program, reads={"kubernetes:core/v1:ConfigMap": lambda _id: {"metadata": {"labels": {"a": "b"}}}})
    assert render.outputs["metadata"] == {"labels": {"a": "b"}, "name": "shared", "namespace": "platform"}



def _cluster_role_in_a_namespace() -> None:
    k8s.rbac.v1.ClusterRole.get("x", "ns/admin")


def _deployment_under_two_slashes() -> None:
    k8s.apps.v1.Deployment.get("x", "a/b/c")


def _config_map_without_a_name() -> None:
    k8s.core.v1.ConfigMap.get("x", "ns/")


@pytest.mark.parametrize("program", [_cluster_role_in_a_namespace, _deployment_under_two_slashes,
                                     _config_map_without_a_name])
def test_a_read_of_an_id_the_provider_would_not_take_fails(program: Callable[[], None]) -> None:
    with pytest.raises(FailedReadError) as failed:
        run(program)
    assert ".get: id " in str(failed.value)


def test_a_read_without_an_id_fails_whatever_its_type() -> None:
    with pytest.raises(FailedReadError) as failed:
        run(lambda: k8s.core.v1.ConfigMap.get("x", ""))
    assert str(failed.value) == ("kubernetes:core/v1:ConfigMap.get('x', ''): an empty id names no existing resource "
                                 "to read")


def test_a_secret_quoted_by_the_sdk_in_an_error_is_masked() -> None:
    def program() -> None:
        pulumi.Config().require_secret_int("port")

    with pytest.raises(pulumi.ConfigTypeError) as failed:
        run(program, secrets={"port": "hunter2-SUPERSECRET"})
    assert "hunter2" not in str(failed.value)
    assert str(failed.value) == "Configuration 'test:port' value '[secret]' is not a valid 'int'"
