"""Test any Pulumi Python program without a cloud: run it under Pulumi's mock engine and inspect what
it registered. Nothing is created, no credentials are read, nothing leaves the process.

    from pilothouse.testing import run

    def test_the_web_app_runs_three_replicas() -> None:
        render = run(my_program, config={"replicas": 3})
        deployment = render.one("kubernetes:apps/v1:Deployment", "web")
        assert deployment.inputs["spec"]["replicas"] == 3

What a resource's inputs look like is what the engine would be asked to create: camelCase keys,
Kubernetes objects as the API server receives them, secrets masked as ``"[secret]"`` and values
not known until deployment as ``"[unknown]"``.

Answers in place of the cloud are pluggable: ``stack_outputs`` for ``StackReference`` reads,
``invokes`` for functions (``get*``/``list*`` calls), ``reads`` for ``Resource.get`` of existing
objects. As in a real ``pulumi preview``, two resources with the same URN fail the run
(``DuplicateUrnError``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pilothouse.offline import engine, render
from pilothouse.offline.engine import DuplicateUrnError, Registration, Render
from pilothouse.offline.mocks import PLATFORM_OUTPUTS, OfflineMocks
from pilothouse.offline.render import is_kubernetes_object, manifest

__all__ = ["PLATFORM_OUTPUTS", "DuplicateUrnError", "Registration", "Render", "is_kubernetes_object", "manifest",
           "run", "run_project"]


def _config_value(value: object) -> str:
    # The CLI hands a program every value as a string; structured values (and numbers, booleans) as JSON.
    return value if isinstance(value, str) else json.dumps(value)


def _full_key(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def run(program: Callable[[], object], *, stack: str = "test", project: str = "test",
        config: Mapping[str, object] | None = None, secrets: Mapping[str, object] | None = None,
        stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
        invokes: Mapping[str, Callable[[Mapping[str, Any]], dict[str, Any]]] | None = None,
        reads: Mapping[str, Callable[[str], dict[str, Any]]] | None = None) -> Render:
    """Run ``program`` (a function declaring resources) as stack ``stack`` of project ``project``.

    - ``config``, ``secrets``: config values by key, ``"key"`` (in ``project``'s namespace) or
      ``"namespace:key"``; strings are passed as they are, anything else as JSON, as the Pulumi CLI
      passes structured values. ``secrets`` are marked secret (``pulumi.Config.require_secret``).
    - ``stack_outputs``: the outputs a ``StackReference`` to each stack name reads; a stack not
      listed reads the Pilothouse platform stack's outputs (``PLATFORM_OUTPUTS``). A name not among
      the outputs reads as ``None`` (``get_output``) or fails (``require_output``), as on a real stack.
    - ``invokes``: answers by function token (``"azure-native:resources:getResourceGroup"``), each
      called with the invoke's arguments; they replace or add to the built-in Azure answers. An
      invoke with no answer fails the run naming its token.
    - ``reads``: answers for ``Resource.get(name, id)`` by type token, called with the id; what they
      return is merged over the derived identity (for Kubernetes: ``apiVersion``, ``kind``,
      ``metadata.name`` and ``namespace`` from ``"namespace/name"``). Read objects are in the
      result with ``read=True`` and never among the managed Kubernetes objects.

    Returns the registrations sorted by URN, with the stack's outputs. Exceptions the program raises
    propagate unchanged; ``DuplicateUrnError`` when two resources share a URN.
    """
    values = {_full_key(project, key): _config_value(value) for key, value in (config or {}).items()}
    secret_values = {_full_key(project, key): _config_value(value) for key, value in (secrets or {}).items()}
    mocks = OfflineMocks(stack_outputs=stack_outputs, invokes=invokes, reads=reads)
    return engine.run(program, stack=stack, project=project, config={**values, **secret_values},
                      secret_keys=sorted(secret_values), mocks=mocks)


def run_project(project_dir: str | Path, stack: str) -> Render:
    """Run a whole Pulumi Python project (its ``__main__.py``, with ``Pulumi.yaml`` and
    ``Pulumi.<stack>.yaml`` read as the Pulumi CLI reads them), as ``pilothouse render`` does.

    Raises ``FileNotFoundError`` when the stack has no ``Pulumi.<stack>.yaml``."""
    return render.render_stack(Path(project_dir).resolve(), stack)
