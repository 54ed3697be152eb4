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
(``DuplicateUrnError``); as in ``pilothouse render``, so do two resources declaring one Kubernetes object
(``DuplicateObjectError``) and an object whose name the API server refuses (``InvalidObjectNameError``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pilothouse.errors import InvalidValueError
from pilothouse.offline import engine, render
from pilothouse.offline.engine import DuplicateUrnError, FailedReadError, Registration, Render
from pilothouse.offline.mocks import PLATFORM_OUTPUTS, OfflineMocks, UnansweredInvokeError
from pilothouse.offline.render import DuplicateObjectError, InvalidObjectNameError, is_kubernetes_object, manifest
from pilothouse.offline.stack_config import StackConfigError, stack_name
from pilothouse.offline.stack_yaml import engine_value

__all__ = ["PLATFORM_OUTPUTS", "DuplicateObjectError", "DuplicateUrnError", "FailedReadError", "InvalidObjectNameError",
           "Registration", "Render", "UnansweredInvokeError", "is_kubernetes_object", "manifest", "run", "run_project"]


_KEY = re.compile(r"[^:\s]+(:[^:\s]+)?")


def _config(field: str, project: str, given: Mapping[str, object] | None) -> dict[str, str]:
    """``given`` as the CLI hands it to a program: full keys, every value a string (structured values,
    numbers and booleans as the CLI writes them: :func:`~pilothouse.offline.stack_yaml.engine_value`). Raises
    ``InvalidValueError`` naming ``field[key]``."""
    if given is None:
        return {}
    if not isinstance(given, Mapping):  # a secret's value is never shown, even where it is misplaced
        raise InvalidValueError(field, given if field != "secrets" else type(given).__name__,
                                "a mapping of config keys to values")
    values = {}
    for key, value in given.items():
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise InvalidValueError(f"{field}[{key!r}]", key, "a config key: 'name' or 'namespace:name'")
        try:  # the CLI's own conversion: 1.0 as 1, None as "", maps compact with sorted keys and HTML escaped
            text = engine_value(value, decrypt=str)
        except (AssertionError, TypeError, ValueError):
            shown = "[secret]" if field == "secrets" else value
            raise InvalidValueError(f"{field}[{key!r}]", shown, "a string or a JSON value") from None
        values[key if ":" in key else f"{project}:{key}"] = text
    return values


def _answers(field: str, given: object, valid: Callable[[Any], bool], expected: str) -> None:
    """``given`` is ``None`` or a mapping of names (text) to what ``valid`` takes; else ``InvalidValueError``."""
    if given is None:
        return
    if not isinstance(given, Mapping):
        raise InvalidValueError(field, given, f"a mapping of names to answers, each {expected}")
    for key, answer in given.items():
        if not isinstance(key, str):
            raise InvalidValueError(f"{field}[{key!r}]", key, "a name (text)")
        if not valid(answer):
            raise InvalidValueError(f"{field}[{key!r}]", answer, expected)


def _mocks(stack_outputs: Mapping[str, Mapping[str, Any]] | None, invokes: Mapping[str, Callable[..., Any]] | None,
           reads: Mapping[str, Callable[..., Any]] | None) -> OfflineMocks:
    """The mocks answering with the test's answers, each checked (``InvalidValueError``)."""
    _answers("stack_outputs", stack_outputs, lambda outputs: isinstance(outputs, Mapping) and all(
        isinstance(key, str) for key in outputs), "a mapping of output names to values")
    _answers("invokes", invokes, callable, "a function of the invoke's arguments")
    _answers("reads", reads, callable, "a function of the read's id")
    return OfflineMocks(stack_outputs=stack_outputs, invokes=invokes, reads=reads)


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

    Returns the registrations sorted by URN, with the stack's outputs. Exceptions the program raises propagate
    unchanged; ``UnansweredInvokeError`` for an invoke ``invokes`` does not answer; ``DuplicateUrnError`` when two
    resources share a URN; ``DuplicateObjectError`` when two declare one Kubernetes object (cluster, API group,
    kind, namespace, name) or Helm release, ``InvalidObjectNameError`` for an object whose name, namespace or kind
    the API server or pulumi-kubernetes refuses, or a release name Helm refuses, listing duplicates too
    (:func:`~pilothouse.offline.render.check_objects`); ``FailedReadError`` for a
    ``Resource.get`` whose id the provider would not take. ``InvalidValueError`` (before anything runs) for a
    ``program`` that is not a plain function (an ``async`` or generator function's body would never run), a stack
    name the Pulumi CLI refuses (``organization/project/dev`` is taken as ``dev``), a config key that is not
    ``name`` or ``namespace:name``, a value that is not JSON, a key given both as config and as a secret, a project
    name with ``:`` or whitespace, or ``stack_outputs``, ``invokes`` or ``reads`` that are not mappings of names to
    output mappings and functions; an answer that returns no mapping fails the run naming its token.
    ``PULUMI_CONFIG*`` variables of the environment are hidden from the program while it runs. A secret value quoted
    in an exception's message (the SDK's ``ConfigTypeError`` quotes the value it could not convert) is masked as
    ``[secret]``. After a failed run, the event loop's exception handler no longer logs that error as "exception was
    never retrieved" (the SDK leaves it on outputs it never awaits); every other report reaches the handler the loop
    had.
    """
    if not callable(program) or inspect.iscoroutinefunction(program) or inspect.isgeneratorfunction(program):
        raise InvalidValueError("program", program, "a function that declares resources when called (not async, "
                                                    "not a generator: the engine would never run its body)")
    try:
        name = stack_name(stack) if isinstance(stack, str) else ""
    except StackConfigError as refused:
        raise InvalidValueError("stack", stack, f"a stack name ({refused})") from None
    if not name:
        raise InvalidValueError("stack", stack, "a stack name (text)")
    if not isinstance(project, str) or not _KEY.fullmatch(project) or ":" in project:
        raise InvalidValueError("project", project, "a project name (no whitespace or ':')")
    values, secret_values = _config("config", project, config), _config("secrets", project, secrets)
    if both := sorted(values.keys() & secret_values.keys()):
        raise InvalidValueError("secrets", both, "keys not also in config")
    mocks = _mocks(stack_outputs, invokes, reads)
    try:
        result = engine.run(program, stack=name, project=project, config={**values, **secret_values},
                            secret_keys=sorted(secret_values), mocks=mocks)
        render.check_objects(result)
    except Exception as error:
        _mask(error, secret_values.values())
        raise
    return result


#: Secret values shorter than this are masked only as whole words: a secret "e" or "true" would garble every message.
_WHOLE_WORDS_BELOW = 6


def _mask(error: BaseException, secrets: Iterable[str]) -> None:
    """Replace each secret value in ``error``'s message and string attributes, and in those of the errors it was
    raised from or during (``__cause__``, ``__context__``, which pytest prints too), with ``[secret]`` (the Pulumi
    SDK quotes a config value it cannot convert, secret or not). Short values only as whole words."""
    patterns = [re.compile(re.escape(secret) if len(secret) >= _WHOLE_WORDS_BELOW
                           else rf"(?<!\w){re.escape(secret)}(?!\w)")
                for secret in sorted((secret for secret in secrets if secret), key=len, reverse=True)]

    def masked(value: object) -> object:
        if isinstance(value, str):
            for pattern in patterns:
                value = pattern.sub(engine.SECRET, value)
            return value
        if isinstance(value, list | tuple):
            return type(value)(masked(item) for item in value)
        return value

    seen: set[int] = set()
    chain: list[BaseException | None] = [error]
    while chain:
        chained = chain.pop()
        if chained is None or id(chained) in seen:
            continue
        seen.add(id(chained))
        chained.args = tuple(masked(arg) for arg in chained.args)
        for name, value in list(vars(chained).items()):
            if isinstance(value, str | list | tuple):
                setattr(chained, name, masked(value))
        chain += [chained.__cause__, chained.__context__]


def run_project(project_dir: str | Path, stack: str, *, stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
                invokes: Mapping[str, Callable[[Mapping[str, Any]], Mapping[str, Any]]] | None = None,
                reads: Mapping[str, Callable[[str], Mapping[str, Any]]] | None = None) -> Render:
    """Run a whole Pulumi Python project (its ``__main__.py`` or what ``Pulumi.yaml``'s ``main`` names, with
    ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml``, in ``stackConfigDir`` if set, read as the Pulumi CLI reads them),
    as ``pilothouse render`` does; ``stack_outputs``, ``invokes`` and ``reads`` answer as for :func:`run` (the
    stack file gives the config).

    Raises ``FileNotFoundError`` when the stack has no ``Pulumi.<stack>.yaml`` or ``main`` does not exist, and
    what :func:`run` raises for what the program declares or for answers that are not mappings of functions."""
    result = render.render_stack(Path(project_dir).resolve(), stack, _mocks(stack_outputs, invokes, reads))
    render.check_objects(result)
    return result
