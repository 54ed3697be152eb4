"""Every public constructor takes arbitrary values and either builds or raises ``InvalidValueError`` (issue 16).

Two property tests over every public dataclass of ``pilothouse.kubernetes``, ``.addons``, ``.azure`` and
``.images``: values of the declared types (strings that are plausible or arbitrary, any integers, nested objects
built the same way), and the same with values of other Python types mixed in. Anything but ``InvalidValueError``
(``TypeError``, ``AttributeError``, ``decimal.InvalidOperation``, ...) fails. Fields typed with a Pulumi resource
get one built under the mock engine; Pulumi outputs are real ``Output`` objects.
"""

from __future__ import annotations

import collections.abc
import contextlib
import dataclasses
import functools
import inspect
import os
import types
import typing
from pathlib import Path
from typing import Any

import pulumi
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pilothouse.addons
import pilothouse.azure
import pilothouse.images
import pilothouse.kubernetes
from pilothouse.azure.secret_provider_class import SecretProviderClassArgs
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes import (
    AllowedRoutes,
    Container,
    Deployment,
    DeploymentArgs,
    Gateway,
    GatewayArgs,
    Listener,
    Namespace,
    NamespaceArgs,
    PodSpec,
    Port,
    Secret,
    SecretArgs,
    ServiceAccount,
    ServiceAccountArgs,
    ServicePort,
    StatefulSet,
    StatefulSetArgs,
    StorageClass,
    StorageClassArgs,
)
from pilothouse.offline import engine
from pilothouse.typed import field_types
from tests.conftest import RunProgram
from tests.pem import CERTIFICATE

EXAMPLES = int(os.environ.get("PILOTHOUSE_CONSTRUCTOR_EXAMPLES", "100"))

#: Strings a user would plausibly write, so that generated objects get past their first field often.
PLAUSIBLE = ["web", "a", "db", "shop", "8080", "http", "/data", "/", "10Gi", "1Gi", "100m", "64Mi", "app", "x.y/z",
             "nginx:1.27", "0 3 * * *", "UTC", "example.com", "/api", "key", "value", "25%", "0%", "100%", "",
             "Europe/Berlin", "metadata.name", "requests.cpu", "disk.csi.azure.com", "restricted", "10.0.0.0/16",
             "koreacentral", "Standard_D4ds_v5", "1.34"]
#: Values of other Python types than a field declares.
WRONG = st.sampled_from(["web", 3, 2.5, None, b"x", ["a"], ("a",), {"a": "b"}, True, object(), -1, 10**30])


class QuietOutput(pulumi.Output[Any]):
    """An Output that hypothesis can print: ``Output.__getattr__`` lifts any attribute, ``_repr_pretty_`` too, into
    a new Output that fails when the program's outputs resolve."""

    def __getattr__(self, item: str) -> Any:
        if item.startswith("_"):
            raise AttributeError(item)
        return super().__getattr__(item)


def _output(value: str, *, secret: bool) -> pulumi.Output[str]:
    output = pulumi.Output.secret(value) if secret else pulumi.Output.from_input(value)
    output.__class__ = QuietOutput
    return output


def _public_dataclasses() -> list[type]:
    found = []
    for module in (pilothouse.kubernetes, pilothouse.addons, pilothouse.azure, pilothouse.images):
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isclass(value) and dataclasses.is_dataclass(value):
                found.append(value)
    return found


CLASSES = _public_dataclasses()


class Strategies:
    """Strategies for the declared types, with the resources the program built for resource-typed fields."""

    def __init__(self, resources: tuple[pulumi.Resource, ...], wrong: bool) -> None:
        self.resources, self.wrong = resources, wrong

    @functools.cache  # noqa: B019 - one instance per test run
    def builds(self, cls: type) -> st.SearchStrategy[Any]:
        """``cls`` built from generated fields; ``None`` where it refused them with ``InvalidValueError``. Any
        other exception escapes, failing the test with the fields as its example."""
        def attempt(**fields: Any) -> Any:
            try:
                return cls(**fields)
            except InvalidValueError:
                return None

        fields = {}
        for name, hint in field_types(cls):
            strategy = self.of(hint)
            fields[name] = st.one_of(strategy, WRONG) if self.wrong else strategy
        return st.builds(attempt, **fields)

    def of(self, hint: Any) -> st.SearchStrategy[Any]:
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin in (typing.Union, types.UnionType):
            return st.one_of([self.of(arg) for arg in args])
        if origin is collections.abc.Awaitable:
            return st.just("web").map(lambda text: _output(text, secret=False))
        if hint is pulumi.Output or origin is pulumi.Output:
            return st.sampled_from(["web", "10Gi"]).map(lambda text: _output(text, secret=True))
        # A resource, or a protocol an object of this program meets (AccountRef, PullSecretRef).
        if isinstance(hint, type) and (issubclass(hint, pulumi.Resource) or getattr(hint, "_is_protocol", False)):
            return st.sampled_from([r for r in self.resources if isinstance(r, hint)])
        if dataclasses.is_dataclass(hint):  # a nested object, or None where it was refused
            return st.deferred(lambda: self.builds(typing.cast(type, hint)))
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return st.lists(self.of(args[0]), max_size=3).map(tuple)
            return st.tuples(*(self.of(arg) for arg in args))
        if origin in (dict, collections.abc.Mapping):
            return st.dictionaries(self.of(args[0]), self.of(args[1]), max_size=3)
        if hint is Path:
            return st.sampled_from([Path("README.md"), Path("app"), Path("missing.txt"), Path("/")])
        if hint is Any:
            return st.one_of(st.none(), st.text(max_size=10), st.integers(), st.dictionaries(st.text(), st.text()))
        if hint is str:
            return st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=30))
        if hint is int:
            return st.one_of(st.sampled_from([0, 1, 2, 3, 80, 8080, 1000, 65535]), st.integers())
        return st.from_type(hint)


def _check(run_program: RunProgram, cls: type, *, wrong: bool) -> None:
    def program() -> None:
        disk = StorageClass("disk", StorageClassArgs.azure_disk("disk"))
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        pod = PodSpec(containers=(Container(name="web", image="shop/web:1.0"),))
        web = Deployment("web", DeploymentArgs(name="web", namespace="shop", replicas=2, pod=pod))
        db = StatefulSet("db", StatefulSetArgs(name="db", namespace="shop", replicas=2, pod=pod))
        tls = Secret("tls", SecretArgs(name="tls", namespace="shop", data={"a": "b"}))
        pull = Secret("pull", SecretArgs.docker_registry("pull", "shop", server="r.example.com", username="u",
                                                         password="p"))
        account = ServiceAccount("web", ServiceAccountArgs(name="web", namespace="shop"))
        api = Deployment("api", DeploymentArgs(name="api", namespace="shop", pod=PodSpec(containers=(
            Container(name="api", image="shop/api:1.0", ports=(Port.http(8080),)),))))
        service = api.expose((ServicePort(80, target="http", name="http"),))
        gateway = Gateway("public", GatewayArgs(name="public", namespace="shop", gateway_class="traefik",
                                                listeners=(Listener.http(),), allowed_routes=AllowedRoutes.all()))
        strategies = Strategies((disk, shop, web, db, tls, pull, account, service, gateway), wrong)

        @settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck), deadline=None, database=None)
        @given(strategies.builds(cls))
        def build(built: object) -> None:
            assert built is None or isinstance(built, cls)

        build()

    # A generated Output may resolve to a value its field refuses: checked when it resolves, as documented.
    with contextlib.suppress(InvalidValueError):
        run_program(program)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_values_of_the_declared_types_build_or_are_refused(run_program: RunProgram, cls: type) -> None:
    _check(run_program, cls, wrong=False)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_values_of_other_types_are_refused_naming_the_field(run_program: RunProgram, cls: type) -> None:
    _check(run_program, cls, wrong=True)


def test_a_wrong_type_names_the_field_and_the_type() -> None:
    web = Container(name="web", image="shop/web:1.0")
    with pytest.raises(InvalidValueError) as error:
        PodSpec(containers=web)  # type: ignore[arg-type]
    assert str(error.value) == "pod.containers: got a Container; expected a value of type tuple[Container, ...]"


def test_a_list_is_taken_for_a_tuple() -> None:
    spec = PodSpec(containers=[Container(name="web", image="shop/web:1.0")])  # type: ignore[arg-type]
    assert isinstance(spec.containers, tuple)


def test_a_secret_of_the_wrong_type_is_never_shown() -> None:
    with pytest.raises(InvalidValueError) as error:
        pilothouse.kubernetes.SecretArgs(name="db", namespace="shop", data={"password": 12345})  # type: ignore[dict-item]
    assert "12345" not in str(error.value)
    assert str(error.value) == ("secret.data: got '[not shown]'; expected a value of type "
                                "Mapping[str, str | Output | bytes]")



def test_a_tuple_of_choices_takes_their_text() -> None:
    claim = pilothouse.kubernetes.PersistentVolumeClaimArgs(name="data", namespace="shop", size="1Gi",
                                                            access_modes=("ReadWriteOnce",))  # type: ignore[arg-type]
    assert claim.access_modes == (pilothouse.kubernetes.AccessMode.READ_WRITE_ONCE,)
    with pytest.raises(InvalidValueError) as error:
        pilothouse.kubernetes.PersistentVolumeClaimArgs(name="data", namespace="shop", size="1Gi",
                                                        access_modes=("RWO",))  # type: ignore[arg-type]
    assert str(error.value) == ("claim.access_modes[0]: got 'RWO'; expected one of 'ReadWriteOnce', 'ReadOnlyMany', "
                                "'ReadWriteMany', 'ReadWriteOncePod' (AccessMode)")


def test_the_repr_of_arguments_never_shows_a_secret() -> None:
    args = pilothouse.kubernetes.SecretArgs(name="db", namespace="shop", data={"password": "hunter2"})
    assert "hunter2" not in repr(args)


def test_text_that_is_not_valid_unicode_is_refused_before_registration() -> None:
    with pytest.raises(InvalidValueError) as error:
        pilothouse.kubernetes.ConfigMapArgs(name="web", namespace="shop", data={"a": "\udc80"})
    assert str(error.value) == ("config_map.data: got {'a': '\\udc80'}; expected text that is valid Unicode (no lone "
                                "surrogates: the API server takes UTF-8)")


class _Unprintable:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


@pytest.mark.parametrize(("build", "message"), [
    (lambda: pilothouse.kubernetes.Toleration(_Unprintable()),  # type: ignore[arg-type]
     "toleration.key: got a _Unprintable that cannot be shown; expected a label key (a string)"),
    (lambda: pilothouse.kubernetes.Mount(pilothouse.kubernetes.Volume.empty_dir("v"), [10**5000]),  # type: ignore[arg-type]
     "mount.path: got a list that cannot be shown; expected an absolute path in the container"),
    # an object's memory address would make the message differ from run to run
    (lambda: pilothouse.kubernetes.ConfigMapArgs(name="web", namespace="shop", labels={
        "team": pulumi.Output.from_input("shop")}),  # type: ignore[dict-item]
     "config_map.labels['team']: got <pulumi.output.Output>; expected a label value (a string)"),
])
def test_a_value_that_cannot_be_shown_is_named_by_its_type(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


@pytest.mark.parametrize(("build", "message"), [
    (lambda: pilothouse.kubernetes.Volume.config_map("v", "cm", items=[("a", "b")]),  # type: ignore[arg-type]
     "volume.items: got [('a', 'b')]; expected a value of type Mapping[str, str] | None"),
    (lambda: pilothouse.kubernetes.Volume.csi("v", "d.io", attributes="ab"),  # type: ignore[arg-type]
     "volume.attributes: got 'ab'; expected a value of type Mapping[str, str] | None"),
    (lambda: pilothouse.kubernetes.Probe.http(5),  # type: ignore[arg-type]
     "probe.path: got 5; expected a value of type str"),
    (lambda: pilothouse.images.ImageRef.parse(5),  # type: ignore[arg-type]
     "image.text: got 5; expected a value of type str"),
    (lambda: pilothouse.kubernetes.SecretArgs.tls("tls", "shop", certificate=CERTIFICATE,
                                                  private_key=12345),  # type: ignore[arg-type]
     "secret.private_key: got '[not shown]'; expected a value of type str | Output"),
])
def test_factories_check_their_arguments(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_an_output_where_an_object_belongs_is_refused_before_the_own_checks_read_it() -> None:
    """Read as lifted outputs, its attributes would fail later inside the engine with no field named."""
    def program() -> None:
        vault = pulumi.Output.from_input("https://kv-shop.vault.azure.net/")
        SecretProviderClassArgs(name="db", namespace="shop", vault=vault,  # type: ignore[arg-type]
                                identity=vault, secrets=("db-password",))  # type: ignore[arg-type]

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="dev")
    assert str(error.value) == ("secret_provider_class.vault: got an Output; expected a value of type KeyVault | "
                                "VaultRef")


def test_text_where_a_tuple_belongs_is_refused_before_the_own_checks_read_it_by_character() -> None:
    """``ports="http"`` for ``("http",)`` (as ``secrets="db-password"`` was read: "got 's'; each secret once")."""
    with pytest.raises(InvalidValueError) as error:
        Container(name="app", image="nginx:1.27", ports="http")  # type: ignore[arg-type]
    assert str(error.value) == ("container.ports: got 'http'; expected a value of type tuple[Port, ...]: a tuple, "
                                "such as ('http',)")


@pytest.mark.parametrize(("fields", "message"), [
    ({"service_account": "output"}, "pod.service_account: got an Output; expected a value of type AccountRef | str | "
                                    "None"),
    ({"image_pull_secrets": ("output",)}, "pod.image_pull_secrets: got (<pulumi.output.Output>,); expected a value "
                                          "of type tuple[PullSecretRef | str, ...]"),
])
def test_an_output_where_a_protocol_belongs_is_refused_without_reading_it(fields: dict[str, Any],
                                                                         message: str) -> None:
    """An Output has every attribute (each a lifted output), so it would meet any Protocol, and reading them makes
    outputs that fail when the program's outputs resolve; also among a tuple's items."""
    def program() -> None:
        output = pulumi.Output.from_input("web")
        given: dict[str, Any] = {name: output if value == "output" else tuple(output for _ in value)
                                 for name, value in fields.items()}
        PodSpec(containers=(Container(name="web", image="shop/web:1.0"),), **given)

    with pytest.raises(InvalidValueError) as error:
        engine.run(program, stack="dev")
    assert str(error.value) == message
