"""pilothouse.testing: any program under the mock engine, with pluggable answers, failing as the real engine does."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s
import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.offline.engine import RecordingMonitor
from pilothouse.offline.mocks import OfflineMocks
from pilothouse.testing import (
    DuplicateObjectError,
    DuplicateUrnError,
    InvalidObjectNameError,
    UnansweredInvokeError,
    is_kubernetes_object,
    manifest,
    run,
    run_project,
)


def test_config_is_passed_as_the_cli_passes_it_and_secrets_stay_masked() -> None:
    def program() -> None:
        config = pulumi.Config()
        data = {"replicas": str(config.require_int("replicas")), "tags": ",".join(config.require_object("tags"))}
        k8s.core.v1.ConfigMap("settings", metadata={"name": "settings"}, data=data)
        k8s.core.v1.Secret("db", metadata={"name": "db"}, string_data={"password": config.require_secret("password")})

    render = run(program, config={"replicas": 3, "tags": ["a", "b"]}, secrets={"password": "hunter2"})
    assert manifest(render.one("kubernetes:core/v1:ConfigMap"))["data"] == {"replicas": "3", "tags": "a,b"}
    assert render.one("kubernetes:core/v1:Secret").inputs["stringData"] == {"password": "[secret]"}
    assert "hunter2" not in repr(render.resources)


def test_stack_reference_outputs_are_the_callers() -> None:
    def program() -> None:
        platform = pulumi.StackReference("acme/platform/prod")
        k8s.core.v1.ConfigMap("c", metadata={"name": "c"}, data={"class": platform.require_output("ingressClass")})

    render = run(program, stack_outputs={"acme/platform/prod": {"ingressClass": "approuting-istio"}})
    assert manifest(render.one("kubernetes:core/v1:ConfigMap"))["data"] == {"class": "approuting-istio"}


def test_an_unlisted_stack_reads_the_platform_contract() -> None:
    def program() -> None:
        platform = pulumi.StackReference("organization/pilothouse/dev")
        pulumi.export("registry", platform.require_output("registryLoginServer"))

    assert run(program).outputs == {"registry": "crplatform.azurecr.io"}


def test_a_get_of_an_existing_object_is_read_not_managed() -> None:
    def program() -> None:
        existing = k8s.core.v1.ConfigMap.get("shared", "platform/shared")
        pulumi.export("kind", existing.kind)
        pulumi.export("namespace", existing.metadata.namespace)
        pulumi.export("data", existing.data)

    render = run(program, reads={"kubernetes:core/v1:ConfigMap": lambda _id: {"data": {"region": "koreacentral"}}})
    assert render.outputs == {"data": {"region": "koreacentral"}, "kind": "ConfigMap", "namespace": "platform"}
    [read] = render.resources
    assert read.read
    assert not is_kubernetes_object(read)


def test_invokes_are_pluggable_and_a_missing_one_names_its_token() -> None:
    def program() -> None:
        result = pulumi.runtime.invoke("acme:index:getZone", {"name": "shop"}).value
        pulumi.export("zone", result["id"])

    assert run(program, invokes={"acme:index:getZone": lambda args: {"id": f"zone-{args['name']}"}}).outputs == {
        "zone": "zone-shop"}
    with pytest.raises(Exception, match=r"no mock answer for invoke 'acme:index:getZone'"):
        run(program)


def test_two_resources_with_one_urn_fail_as_the_real_engine_fails() -> None:
    def program() -> None:
        k8s.core.v1.ConfigMap("web", metadata={"name": "web-a"})
        k8s.core.v1.ConfigMap("web", metadata={"name": "web-b"})

    with pytest.raises(DuplicateUrnError) as duplicate:
        run(program, project="shop", stack="dev")
    urn = "urn:pulumi:dev::shop::kubernetes:core/v1:ConfigMap::web"
    assert str(duplicate.value) == f"Duplicate resource URN '{urn}'; try giving it a unique name"


def _project(folder: Path, main: str) -> Path:
    """A Pulumi project ``dup`` in ``folder`` whose program is ``main``, with an empty ``dev`` stack."""
    project = folder / "dup"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: dup\nruntime: python\n")
    (project / "Pulumi.dev.yaml").write_text("config: {}\n")
    (project / "__main__.py").write_text(main)
    return project


TWO_OF_ONE_OBJECT = ("import pulumi_kubernetes as k8s\n"
                     "k8s.core.v1.ConfigMap('web-a', metadata={'name': 'web', 'namespace': 'shop'})\n"
                     "k8s.core.v1.ConfigMap('web-b', metadata={'name': 'web', 'namespace': 'shop'})\n")


def test_two_resources_declaring_one_kubernetes_object_fail_as_the_render_fails(tmp_path: Path) -> None:
    message = ("two resources of the program declare one Kubernetes object, shop/ConfigMap-web (resources 'web-a' "
               "and 'web-b'): pulumi-kubernetes 4.29 and later refuse the second create ('already exists'), earlier "
               "versions let both manage it and deleting either deletes it; give one of them another name")
    with pytest.raises(DuplicateObjectError) as duplicate:
        run(lambda: exec(TWO_OF_ONE_OBJECT, {}))
    assert str(duplicate.value) == message
    with pytest.raises(DuplicateObjectError) as duplicate:
        run_project(_project(tmp_path, TWO_OF_ONE_OBJECT), "dev")
    assert str(duplicate.value) == message


def test_an_object_name_that_cannot_be_a_file_name_fails_as_the_render_fails() -> None:
    with pytest.raises(InvalidObjectNameError) as refused:
        run(lambda: k8s.core.v1.Secret("key", metadata={"name": "a/b"}))
    assert str(refused.value) == ("Secret 'a/b' (resource 'key'): the API server refuses it: metadata.name may not "
                                  "contain '/'")


def test_the_render_command_fails_on_a_duplicate_urn_and_writes_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path, "import pulumi_kubernetes as k8s\n"
                                 "k8s.core.v1.ConfigMap('web', metadata={'name': 'a'})\n"
                                 "k8s.core.v1.ConfigMap('web', metadata={'name': 'b'})\n")
    out = tmp_path / "render"
    result = subprocess.run([sys.executable, "-m", "pilothouse", "render", "--project", str(project), "--stack", "dev",
                             "--out", str(out)], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr == ("error: Duplicate resource URN "
                             "'urn:pulumi:dev::dup::kubernetes:core/v1:ConfigMap::web'; "
                             "try giving it a unique name\n")
    assert not out.exists()



def test_a_run_leaves_no_event_loop_open() -> None:
    # The mock engine answers in worker threads, each with an event loop: closed after each run.
    script = ("import gc, pulumi_kubernetes as k8s\nfrom pilothouse.testing import run\n"
              "for _ in range(2):\n    run(lambda: k8s.core.v1.ConfigMap('c', metadata={'name': 'c'}))\ngc.collect()\n")
    result = subprocess.run([sys.executable, "-W", "default::ResourceWarning", "-c", script],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "ResourceWarning" not in result.stderr


def test_a_failed_runs_error_is_raised_once_not_logged_again_when_collected() -> None:
    # A failed registration leaves its error on output futures the SDK never awaits; collected after the run, each
    # would log "Future exception was never retrieved". Other never-retrieved errors still reach the loop's handler.
    script = textwrap.dedent("""\
        import asyncio, gc, pulumi
        from pilothouse.kubernetes import ConfigMap, ConfigMapArgs
        from pilothouse.testing import run

        def program():
            ConfigMap("c", ConfigMapArgs(name="c", namespace="shop", data={"k": pulumi.Output.from_input([80])}))

        asyncio.get_event_loop().set_exception_handler(lambda loop, context: print("handled", context["message"]))
        for _ in range(4):
            try:
                run(program)
            except ValueError:
                print("raised")
            gc.collect()
        unrelated = asyncio.get_event_loop().create_future()
        unrelated.set_exception(KeyError("other"))
        del unrelated
        gc.collect()
        """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["raised"] * 4 + [
        "handled Future exception was never retrieved"]
    assert "never retrieved" not in result.stderr


def test_outputs_made_outside_a_run_and_runs_inside_a_running_loop_work() -> None:
    # Runs share the thread's event loop, as Pulumi's own test decorator does: an output made before the run
    # resolves in it, and a run from an async test pumps that test's loop.
    given = pulumi.Output.from_input("from-the-test")
    render = run(lambda: k8s.core.v1.ConfigMap("c", metadata={"name": "c"}, data={"key": given}))
    assert render.one("kubernetes:core/v1:ConfigMap").inputs["data"] == {"key": "from-the-test"}


def test_a_run_from_inside_a_running_event_loop_uses_that_loop() -> None:
    async def caller() -> list[str]:
        render = run(lambda: k8s.core.v1.ConfigMap("c", metadata={"name": "c"}))
        return [r.name for r in render.resources]

    assert asyncio.run(caller()) == ["c"]


def test_each_project_run_imports_its_own_modules(tmp_path: Path) -> None:
    # Two projects with a helper.py each, then one of them edited: each run sees what a fresh process would.
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
        (tmp_path / name / "Pulumi.dev.yaml").write_text("config: {}\n")
        (tmp_path / name / "__main__.py").write_text("import pulumi\nimport helper\n\n"
                                                     "pulumi.export('who', helper.WHO)\n")
        (tmp_path / name / "helper.py").write_text(f"WHO = {name!r}\n")
    assert [run_project(tmp_path / name, "dev").outputs["who"] for name in ("a", "b")] == ["a", "b"]
    (tmp_path / "a" / "helper.py").write_text("WHO = 'a, edited'\n")
    assert run_project(tmp_path / "a", "dev").outputs["who"] == "a, edited"
    assert "helper" not in sys.modules


def test_a_qualified_stack_name_is_the_stacks_own() -> None:
    render = run(lambda: k8s.core.v1.ConfigMap("c", metadata={"name": "c"}), stack="organization/shop/dev",
                 project="shop")
    assert render.one("kubernetes:core/v1:ConfigMap").urn == "urn:pulumi:dev::shop::kubernetes:core/v1:ConfigMap::c"


def test_an_invoke_answer_that_is_no_mapping_names_its_token() -> None:
    def program() -> None:
        pulumi.runtime.invoke("shop:index:lookup", {})

    with pytest.raises(TypeError, match=r"^the invokes answer for shop:index:lookup returned list, not a mapping$"):
        run(program, invokes={"shop:index:lookup": lambda _args: [1, 2]})  # type: ignore[dict-item, return-value]


def test_a_secret_is_masked_in_the_errors_a_failure_was_raised_from_and_a_short_one_only_as_a_word() -> None:
    def program() -> None:
        pulumi.Config().require_secret_int("pin")

    with pytest.raises(pulumi.config.ConfigTypeError) as error:
        run(program, secrets={"pin": "s3cr3t-VALUE"})
    context = error.value.__context__
    assert context is not None
    assert "s3cr3t-VALUE" not in str(error.value) + repr(context.args)

    def fails() -> None:
        raise RuntimeError("expected a replica count; got e") from KeyError(["e", "s3cr3t-VALUE"])

    with pytest.raises(RuntimeError) as raised:
        run(fails, secrets={"flag": "e", "token": "s3cr3t-VALUE"})
    assert str(raised.value) == "expected a replica count; got [secret]"
    assert raised.value.__cause__ is not None
    assert raised.value.__cause__.args == (["[secret]", "[secret]"],)


def test_config_values_reach_the_program_as_the_cli_writes_them() -> None:
    # As `pulumi config set --path`/a stack file would hand them over (the stack-file reader's corpus is the CLI's).
    def program() -> None:
        config = pulumi.Config()
        pulumi.export("values", {key: config.get(key) for key in ("whole", "map", "none")})

    given = {"whole": 1.0, "map": {"b": [1.0], "a": 2.0, "c": "<&>"}, "none": None}
    assert run(program, config=given).outputs["values"] == {
        "whole": "1", "map": '{"a":2,"b":[1],"c":"\\u003c\\u0026\\u003e"}', "none": ""}


def test_a_call_still_in_flight_when_the_run_closed_its_loops_closes_its_own() -> None:
    # A failed run closes the worker threads' loops while another call may still be on its way in one.
    monitor = RecordingMonitor(OfflineMocks())
    monitor.close()
    made: list[asyncio.AbstractEventLoop] = []

    def late_call() -> None:
        with monitor._thread_loop():
            made.append(asyncio.get_event_loop_policy().get_event_loop())

    worker = threading.Thread(target=late_call)
    worker.start()
    worker.join()
    assert len(made) == 1
    assert made[0].is_closed()


def test_a_registration_that_is_no_object_has_no_manifest() -> None:
    render = run(lambda: k8s.core.v1.ConfigMap.get("read", "shop/settings"))
    with pytest.raises(ValueError, match="has no manifest") as refused:
        manifest(render.one("kubernetes:core/v1:ConfigMap", "read"))
    assert str(refused.value) == ("kubernetes:core/v1:ConfigMap 'read' is not a Kubernetes object the program manages "
                                  "or patches: it has no manifest")


def test_a_project_runs_with_the_test_s_answers(tmp_path: Path) -> None:
    project = _project(tmp_path, (
        "import pulumi\n"
        "ref = pulumi.StackReference('acme/network/prod')\n"
        "zone = pulumi.runtime.invoke('acme:dns:getZone', {'name': 'shop'}).value\n"
        "pulumi.export('vnet', ref.get_output('vnetId'))\n"
        "pulumi.export('zone', zone['id'])\n"))
    result = run_project(project, "dev", stack_outputs={"acme/network/prod": {"vnetId": "vnet-1"}},
                         invokes={"acme:dns:getZone": lambda args: {"id": f"zone-{args['name']}"}})
    assert result.outputs == {"vnet": "vnet-1", "zone": "zone-shop"}
    with pytest.raises(UnansweredInvokeError, match=r"^no mock answer for invoke 'acme:dns:getZone'"):
        run_project(project, "dev", stack_outputs={"acme/network/prod": {"vnetId": "vnet-1"}})
    with pytest.raises(InvalidValueError, match=r"^invokes\['acme:dns:getZone'\]: got 'zone'; expected a function"):
        run_project(project, "dev", invokes={"acme:dns:getZone": "zone"})  # type: ignore[dict-item]
