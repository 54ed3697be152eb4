"""Run a Pulumi program under Pulumi's own mock engine and record every registration.

This is the backbone of the offline render and of every component test: no CLI, no
cloud, no credentials, no network. What is recorded is what the program asks the
engine for: the register request of each resource, including its options.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.mocks import MockEngine, MockMonitor, MockSettings
from pulumi.runtime.settings import configure
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from pilothouse.offline.mocks import OfflineMocks

SECRET = "[secret]"
UNKNOWN = "[unknown]"
#: The root stack's type: the engine leaves it out of its children's URNs.
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


def urn_parts(urn: str) -> tuple[str, str, str, str]:
    """``urn:pulumi:<stack>::<project>::<qualified type>::<name>`` as (stack, project, qualified type, name); the name
    may itself hold ``::``."""
    head, project, qualified_type, name = urn.split("::", 3)
    return head.removeprefix("urn:pulumi:"), project, qualified_type, name


def engine_urn(stack: str, project: str, parent_type: str, type_: str, name: str) -> str:
    """The URN the engine gives a resource (``urn.New`` in the Pulumi SDK for Go): under its parent's whole qualified
    type ``parent_type``, none for the root stack (``""`` or :data:`ROOT_STACK_TYPE`)."""
    qualified = type_ if parent_type in ("", ROOT_STACK_TYPE) else f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"

# Signatures of the special values in Pulumi's property wire format.
_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
_UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


class FailedReadError(ValueError):
    """A ``Resource.get`` the provider would refuse (an id it cannot take), raised once the program is done."""


class DuplicateUrnError(RuntimeError):
    """Two resources of one program have the same URN (type, name and parent chain): the real engine
    refuses the program with this message (Pulumi's diagnostic 2001)."""

    def __init__(self, urn: str) -> None:
        super().__init__(f"Duplicate resource URN '{urn}'; try giving it a unique name")
        self.urn = urn


@dataclass(frozen=True)
class Registration:
    """One resource as the program registered it (or, with ``read``, read: ``StackReference``,
    ``Resource.get``; the engine does not manage those)."""

    urn: str
    type: str
    name: str
    parent: str
    provider: str
    custom: bool
    inputs: dict[str, Any]
    options: dict[str, Any]
    read: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"urn": self.urn, "type": self.type, "name": self.name, "parent": self.parent,
                "provider": self.provider, "custom": self.custom, "inputs": self.inputs,
                **self.options, **({"read": True} if self.read else {})}


@dataclass
class Render:
    """Everything one program run registered, sorted by URN, with the stack's outputs."""

    resources: list[Registration]
    outputs: dict[str, Any] = field(default_factory=dict)
    #: The config the program ran with, by full key (``kubernetes:namespace``), as the engine passes it (text,
    #: objects as JSON); secret values masked (:data:`SECRET`).
    config: dict[str, str] = field(default_factory=dict)

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name: str | None = None) -> Registration:
        """The single resource of ``type_`` (and ``name``); a clear failure otherwise."""
        found = [r for r in self.of_type(type_) if name is None or r.name == name]
        if len(found) != 1:
            names = [r.name for r in self.of_type(type_)]
            similar = difflib.get_close_matches(type_, sorted({r.type for r in self.resources}), n=3, cutoff=0.6)
            hint = f" (no resource has that type; types of a similar name: {similar})" if not names and similar else ""
            raise LookupError(f"expected one {type_} named {name!r}, found {len(found)} among {names}{hint}")
        return found[0]

    def children_of(self, parent: Registration) -> list[Registration]:
        return [r for r in self.resources if r.parent == parent.urn]

    def __iter__(self) -> Iterator[Registration]:
        return iter(self.resources)


def _masked(value: Any) -> Any:
    """A secret's shape with every leaf masked: map keys stay (they name things), values never do."""
    if isinstance(value, dict) and value.get(_SIG_KEY) is None:
        return {key: _masked(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return SECRET


def plain(value: Any) -> Any:
    """A wire-format property value as plain JSON: secrets masked, references as URNs."""
    if isinstance(value, dict):
        sig = value.get(_SIG_KEY)
        if sig == _SECRET_SIG:
            return _masked(value.get("value"))
        if sig == _RESOURCE_SIG:
            return value.get("urn", "")
        if sig == _OUTPUT_SIG:
            if value.get("secret"):
                return _masked(value.get("value"))
            return plain(value["value"]) if "value" in value else UNKNOWN
        return {key: plain(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if value == _UNKNOWN_VALUE:
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return int(value)  # protobuf Struct carries every number as a double
    return value


def _mask_secret_data(type_: str, inputs: dict[str, Any]) -> dict[str, Any]:
    # A Kubernetes Secret's payload is masked even when the program passed it in plain.
    if type_ == "kubernetes:core/v1:Secret":
        for key in ("data", "stringData"):
            if isinstance(inputs.get(key), dict):
                inputs[key] = {name: SECRET for name in inputs[key]}
    return inputs


class RecordingMonitor(MockMonitor):
    """Pulumi's MockMonitor, also keeping each register request and the stack's outputs."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: dict[str, Registration] = {}
        self.duplicates: list[str] = []
        self.empty_reads: list[str] = []
        self.outputs: dict[str, Any] = {}
        self._thread_loops: list[asyncio.AbstractEventLoop] = []
        self._lock = threading.Lock()
        self._closed = False

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The URN the engine gives (:func:`engine_urn`). The SDK's MockMonitor takes only the parent's last type, and
        the stack's, so two resources the engine tells apart could share one, and a render's URNs were not the
        stack's."""
        parent_type = urn_parts(parent)[2] if parent else ""
        return engine_urn(pulumi.get_stack(), pulumi.get_project(), parent_type, type_, name)

    @contextmanager
    def _thread_loop(self) -> Iterator[None]:
        """Around one call in a worker thread: give the thread an open event loop of ours before the SDK's
        MockMonitor makes one it never closes (``_ensure_event_loop``: it deserializes resource references on one);
        :meth:`close` closes them. A thread may hold a loop closed after an earlier run (the SDK's worker threads
        outlive runs): it gets a new one. A call still in flight when a failed run closed them closes its own."""
        loop = None
        if threading.current_thread() is not threading.main_thread():
            try:
                current: asyncio.AbstractEventLoop | None = asyncio.get_event_loop_policy().get_event_loop()
            except RuntimeError:  # none yet in this thread
                current = None
            if current is None or current.is_closed():
                loop = asyncio.new_event_loop()
                asyncio.set_event_loop(loop)
                with self._lock:
                    self._thread_loops.append(loop)
        try:
            yield
        finally:
            with self._lock:
                if loop is not None and self._closed:
                    loop.close()

    def close(self) -> None:
        """Close the worker threads' event loops, once the run is over."""
        with self._lock:
            self._closed = True
            for loop in self._thread_loops:
                loop.close()

    def Invoke(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        with self._thread_loop():
            return super().Invoke(request)

    def _record(self, urn: str, request: Any, custom: bool, inputs: dict[str, Any], *, read: bool = False,
                **options: Any) -> None:
        if urn in self.registrations:
            self.duplicates.append(urn)
            return
        self.registrations[urn] = Registration(
            urn=urn, type=request.type, name=request.name, parent=request.parent,
            provider=request.provider.rpartition("::")[0] if request.provider else "", custom=custom,
            inputs=inputs, read=read,
            options={"protect": False, "ignoreChanges": [], "replaceOnChanges": [], "deleteBeforeReplace": False,
                     "retainOnDelete": False, "dependencies": sorted(set(request.dependencies)), "aliases": [],
                     **options})

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        with self._thread_loop():
            response = super().RegisterResource(request)
        if request.type != ROOT_STACK_TYPE:
            self._record(
                response.urn, request, bool(request.custom),
                _mask_secret_data(request.type, plain(json_format.MessageToDict(request.object))),
                protect=bool(request.protect),
                ignoreChanges=sorted(request.ignoreChanges),
                replaceOnChanges=sorted(request.replaceOnChanges),
                deleteBeforeReplace=bool(request.deleteBeforeReplace),
                retainOnDelete=bool(request.retainOnDelete),
                aliases=sorted([json_format.MessageToDict(alias) for alias in request.aliases]
                               + [{"urn": urn} for urn in request.aliasURNs], key=repr))
        return response

    def ReadResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        """A resource read, not managed (``StackReference``, ``Resource.get``): recorded with its properties. One
        without an id is kept in :attr:`empty_reads` (the SDK's mock would take it for a new resource)."""
        if not request.id:
            self.empty_reads.append(f"{request.type}.get({request.name!r}, ''): an empty id names no existing "
                                    "resource to read")
        with self._thread_loop():
            response = super().ReadResource(request)
        self._record(response.urn, request, True, plain(json_format.MessageToDict(request.properties)), read=True)
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        if f"::{ROOT_STACK_TYPE}::" in request.urn:
            self.outputs.update(plain(json_format.MessageToDict(request.outputs)))
        return super().RegisterResourceOutputs(request)

    def render(self, config: dict[str, str]) -> Render:
        return Render(resources=[self.registrations[urn] for urn in sorted(self.registrations)],
                      outputs=dict(sorted(self.outputs.items())), config=config)


def run(program: Callable[[], object], *, stack: str, project: str = "pilothouse",
        config: Mapping[str, str] | None = None, secret_keys: Sequence[str] = (),
        mocks: pulumi.runtime.Mocks | None = None) -> Render:
    """Run ``program`` as the body of stack ``stack`` under the mock engine.

    ``config`` maps full keys (``pilothouse:environment``) to the string values the engine
    would pass (structured values as JSON). ``mocks`` answers for resources and invokes (default:
    ``OfflineMocks()``). Exceptions raised by the program propagate; two resources with one URN
    raise ``DuplicateUrnError`` once the program is done, as the real engine fails the update.
    """
    # The SDK falls back to PULUMI_CONFIG* variables for keys it was not given: a run sees only its own.
    hidden = {name: os.environ.pop(name) for name in list(os.environ) if name.startswith("PULUMI_CONFIG")}
    try:
        return _run(program, stack=stack, project=project, config=config, secret_keys=secret_keys, mocks=mocks)
    finally:
        os.environ.update(hidden)


class _QuietOnceRaised:
    """A loop's exception handler that drops "exception was never retrieved" for errors a failed run already raised
    to its caller, and passes every other report on to the handler the loop had.

    A registration that fails sets its error on each of the resource's output futures; the SDK awaits some and drops
    the rest (``Output.__init__`` stops at the value, before ``is_known``/``is_secret``), so each would log the
    error again when the collector frees it, long after the run, in whatever test runs then."""

    #: Marks an error on the error itself: exceptions take no weak references, and a registry holding them would keep
    #: each failed program alive.
    _MARK = "_pilothouse_raised"

    def __init__(self, previous: Callable[[asyncio.AbstractEventLoop, dict[str, Any]], object] | None) -> None:
        self.previous = previous

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if "never retrieved" in context.get("message", "") and self._raised(context.get("exception")):
            return
        if self.previous is None:
            loop.default_exception_handler(context)
        else:
            self.previous(loop, context)

    @classmethod
    def _raised(cls, error: BaseException | None) -> bool:
        """Whether a run raised ``error`` or one of its causes (the SDK sometimes raises the cause it wraps)."""
        seen: set[int] = set()
        while error is not None and id(error) not in seen:
            if getattr(error, cls._MARK, False):
                return True
            seen.add(id(error))
            error = error.__cause__ or error.__context__
        return False

    @classmethod
    def add(cls, error: BaseException) -> None:
        """Install the handler on the current event loop (once) and add ``error`` to what it keeps quiet."""
        loop = asyncio.get_event_loop()
        handler = loop.get_exception_handler()
        if not isinstance(handler, cls):
            loop.set_exception_handler(cls(handler))
        setattr(error, cls._MARK, True)


def _run(program: Callable[[], object], *, stack: str, project: str, config: Mapping[str, str] | None,
         secret_keys: Sequence[str], mocks: pulumi.runtime.Mocks | None) -> Render:
    pulumi.runtime.set_all_config(dict(config or {}), list(secret_keys))
    mocks = mocks or OfflineMocks()
    monitor = RecordingMonitor(mocks)
    # set_mocks() without its root stack: run_in_stack makes the one whose outputs we record.
    configure(MockSettings(
        monitor=monitor,
        monitor_features=set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures),
        engine=MockEngine(logging.getLogger("pilothouse.offline")),
        project=project, stack=stack, dry_run=False, organization="organization", callbacks=None,
    ))

    def body() -> None:
        program()

    try:
        _sync_await(run_in_stack(body))
    except BaseException as error:
        _QuietOnceRaised.add(error)
        raise
    finally:
        monitor.close()
    if failed := [*monitor.empty_reads, *getattr(mocks, "failed_reads", ())]:
        raise FailedReadError(failed[0])
    if monitor.duplicates:
        raise DuplicateUrnError(monitor.duplicates[0])
    return monitor.render({key: SECRET if key in secret_keys else str(value)
                           for key, value in sorted((config or {}).items())})
