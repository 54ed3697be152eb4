"""Public value and argument types check their fields' Python types when built, as mypy would.

A plain Python slip (``ports=Port.http(8080)`` without the tuple, ``pod=None``) used to surface as a
``TypeError`` or ``AttributeError`` deep inside a check, a 50-line traceback through Pulumi. Each class that
derives from :class:`Checked` instead refuses such a value with an :class:`InvalidValueError` naming the field,
the value and the type it takes. The check follows the field's annotation: a fast predicate for the forms the
public classes use, typeguard's ``check_type`` for any other.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import functools
import inspect
import sys
import types
import typing
from collections.abc import Callable
from enum import Enum
from typing import Any, ClassVar

import pulumi
from typeguard import CollectionCheckStrategy, TypeCheckError, check_type

from pilothouse.choices import member
from pilothouse.errors import InvalidValueError

#: Names ``pulumi.Input``'s forward references use, for resolving annotations that mention it.
_PULUMI_NAMES = {"Output": pulumi.Output, "T": Any}


def _resolve(annotations: dict[str, Any], module: str) -> dict[str, Any]:
    """Each annotation resolved alone, its forward references (pulumi.Input's) too; one naming a type imported only
    for type checking is left out."""
    namespace = {**_PULUMI_NAMES, **vars(sys.modules[module])}
    resolved = {}
    for name, annotation in annotations.items():
        holder = type("Holder", (), {"__annotations__": {name: annotation}})
        try:
            resolved[name] = typing.get_type_hints(holder, namespace)[name]
        except NameError:
            continue
    return resolved


@functools.cache
def field_types(cls: type) -> tuple[tuple[str, Any], ...]:
    """The dataclass fields of ``cls`` with their resolved annotations, each in the module of the class that declares
    it (a base class's fields in its own module); a field whose annotation names a type imported only for type
    checking is left out."""
    resolved: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        owner = next(klass for klass in cls.__mro__ if field.name in vars(klass).get("__annotations__", {}))
        resolved.update(_resolve({field.name: field.type}, owner.__module__))
    return tuple(resolved.items())


@functools.cache
def _choice_fields(cls: type) -> tuple[tuple[str, type[Enum], bool, bool], ...]:
    """The fields of ``cls`` typed with an enum or a tuple of one: name, enum, whether ``None`` is allowed,
    whether it is a tuple."""
    fields = []
    for name, hint in field_types(cls):
        union = typing.get_origin(hint) in (types.UnionType, typing.Union)
        options = typing.get_args(hint) if union else (hint,)
        kinds = [option for option in options if isinstance(option, type) and issubclass(option, Enum)]
        if len(kinds) == 1:
            fields.append((name, kinds[0], types.NoneType in options, False))
        elif typing.get_origin(hint) is tuple and typing.get_args(hint)[1:] == (Ellipsis,):
            (item,) = typing.get_args(hint)[:1]
            if isinstance(item, type) and issubclass(item, Enum):
                fields.append((name, item, False, True))
    return tuple(fields)


def coerce_choices(obj: Any, prefix: str) -> None:
    """Replace each enum-typed field of the frozen dataclass ``obj`` by its member (see
    :func:`pilothouse.choices.member`), and each item of a tuple of them; errors name ``<prefix>.<field>``
    (``<prefix>.<field>[<index>]``)."""
    cls: type = type(obj)
    for name, kind, optional, many in _choice_fields(cls):
        value, field = getattr(obj, name), _field_name(prefix, name)
        if many and isinstance(value, tuple | list):
            object.__setattr__(obj, name, tuple(member(f"{field}[{i}]", item, kind) for i, item in enumerate(value)))
        elif not many and not (value is None and optional):
            object.__setattr__(obj, name, member(field, value, kind))


def describe(hint: Any) -> str:
    """A type as a user reads it: ``tuple[Container, ...]``, ``str | None``, ``str | Output``."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        # pulumi.Input also admits an Awaitable; no one passes one, so the message leaves it out.
        return " | ".join(describe(arg) for arg in args if typing.get_origin(arg) is not collections.abc.Awaitable)
    if origin is None:
        return "None" if hint is types.NoneType else getattr(hint, "__name__", str(hint))
    shown = [arg for arg in args if arg is not Any]
    if not shown:
        return str(origin.__name__)
    inner = f"{describe(shown[0])}, ..." if len(args) == 2 and args[1] is Ellipsis else ", ".join(
        describe(arg) for arg in shown)
    return f"{origin.__name__}[{inner}]"


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


@functools.cache
def _tuple_fields(cls: type) -> frozenset[str]:
    """The fields of ``cls`` annotated with a tuple and nothing that takes text."""
    def tuple_only(hint: Any) -> bool:
        options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
        return all(typing.get_origin(option) is tuple or option is types.NoneType for option in options)
    return frozenset(name for name, hint in field_types(cls) if tuple_only(hint))


def _field_name(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _takes_tuple(hint: Any) -> bool:
    options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    return any(typing.get_origin(option) is tuple for option in options)


def _as_tuple(value: Any, hint: Any) -> Any:
    """A list given for a ``tuple[X, ...]`` field, as the tuple the frozen class keeps (a natural slip, no harm)."""
    return tuple(value) if isinstance(value, list) and _takes_tuple(hint) else value


#: What an error shows in place of a secret field's value.
NOT_SHOWN = "[not shown]"

#: Values an error shows as they are; any other object by its type (a Container's repr is a screenful).
_SHOWN_AS_IS = (str, bytes, int, float, bool, types.NoneType, list, tuple, dict)


class _Kind:
    """A value shown by its type: ``got a Container``."""

    def __init__(self, value: object) -> None:
        self.name = type(value).__name__

    def __repr__(self) -> str:
        return f"{'an' if self.name[:1] in 'AEIOUaeiou' else 'a'} {self.name}"


def by_type(value: object) -> object:
    """What an error shows for a value best named by its type (an object whose repr has an address): ``got a Pod``."""
    return _Kind(value)


def _shown(value: object, secret: bool) -> object:
    """What a type error shows of ``value``: itself when short and plain, else its type; a secret, never."""
    return NOT_SHOWN if secret else value if isinstance(value, _SHOWN_AS_IS) else _Kind(value)


#: Values that hold no text, told apart by their exact type before any ``isinstance`` (the hot path).
_NO_TEXT = frozenset({int, float, bool, types.NoneType})


_MAPPING_TYPES: dict[type, bool] = {}


def _is_mapping(kind: type) -> bool:
    """Whether values of ``kind`` are mappings; worked out once per type (``isinstance`` against the ``Mapping`` ABC is
    a Python-level call, and every field of every checked object is asked)."""
    known = _MAPPING_TYPES.get(kind)
    if known is None:
        known = _MAPPING_TYPES[kind] = issubclass(kind, collections.abc.Mapping)
    return known


def _unencodable(value: Any) -> bool:
    """Whether ``value`` holds text that is not valid Unicode (a lone surrogate): the API server takes UTF-8 only,
    and Pulumi fails on it while registering, after other resources were."""
    kind = type(value)
    if kind in _NO_TEXT:
        return False
    if isinstance(value, str):
        if value.isascii():
            return False
        try:
            value.encode()
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, tuple | list):
        return any(_unencodable(item) for item in value)
    if _is_mapping(kind):
        return any(_unencodable(key) or _unencodable(item) for key, item in value.items())
    return False


Predicate = Callable[[Any], bool]


def _is_protocol(hint: Any) -> bool:
    """Whether ``hint`` is a ``typing.Protocol`` class (checked structurally, member by member)."""
    return bool(getattr(hint, "_is_protocol", False))


def _is_plain_class(hint: Any) -> bool:
    """Whether ``hint`` is checked by ``isinstance`` alone: a class, but not ``float`` (which takes an int and no bool)
    nor a Protocol (see :func:`_predicate`)."""
    return isinstance(hint, type) and typing.get_origin(hint) is None and hint is not float and not _is_protocol(hint)


@functools.cache
def _predicate(hint: Any) -> Predicate | None:
    """A fast check for the annotation forms the public classes use (classes, unions, ``tuple[X, ...]``, fixed-length
    tuples, ``dict``/``Mapping``, ``Any``, Pulumi outputs); ``None`` for any other form, which typeguard checks. A
    field is checked on every construction, so this is on the hot path of every program (``make bench``)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return lambda value: True
    if origin in (typing.Union, types.UnionType):
        # Plain classes (``Quantity | None``, the common case) are one isinstance call; a runtime-checkable
        # Protocol's isinstance walks its members on every call, so it goes last.
        plain = tuple(arg for arg in args if _is_plain_class(arg))
        options = [_predicate(arg) for arg in sorted((arg for arg in args if arg not in plain), key=_is_protocol)]
        if any(option is None for option in options):
            return None
        checks = tuple(typing.cast(list[Predicate], options))
        if not checks:
            return lambda value: isinstance(value, plain)
        return lambda value: isinstance(value, plain) or any(check(value) for check in checks)
    if origin is None and isinstance(hint, type):
        if hint is float:  # as mypy and typeguard: an int is a float
            return lambda value: isinstance(value, int | float) and not isinstance(value, bool)
        if hint is int:
            return lambda value: isinstance(value, int)
        if _is_protocol(hint):
            # An Output has every attribute (lifted), so it meets any Protocol: and asking makes lifted outputs that
            # fail when the program's outputs resolve.
            return lambda value: not isinstance(value, pulumi.Output) and isinstance(value, hint)
        return lambda value: isinstance(value, hint)
    if origin is tuple and args:
        return _tuple_predicate(args)
    if origin in (dict, collections.abc.Mapping) and len(args) == 2:
        key, item = _predicate(args[0]), _predicate(args[1])
        if key is None or item is None:
            return None
        kind = dict if origin is dict else collections.abc.Mapping
        return lambda value: isinstance(value, kind) and all(key(k) and item(v) for k, v in value.items())
    if isinstance(origin, type) and issubclass(origin, pulumi.Output | collections.abc.Awaitable):
        return lambda value: isinstance(value, origin)  # what an output will hold is checked when it resolves
    return None


def _tuple_predicate(args: tuple[Any, ...]) -> Predicate | None:
    """``tuple[X, ...]``, or a tuple of fixed length whose items each have their own type (``tuple[str, int]``)."""
    if len(args) == 2 and args[1] is Ellipsis:
        each = _predicate(args[0])
        if each is None:
            return None
        items: Predicate = each
        return lambda value: isinstance(value, tuple) and all(map(items, value))
    if Ellipsis in args:
        return None
    positions = [_predicate(arg) for arg in args]
    if any(position is None for position in positions):
        return None
    checks = tuple(typing.cast(list[Predicate], positions))

    def fixed(value: Any) -> bool:
        if not isinstance(value, tuple):
            return False
        items = tuple(value)  # what it iterates: a subclass may report another length
        return len(items) == len(checks) and all(check(item) for check, item in zip(checks, items, strict=True))
    return fixed


def _fits(value: Any, hint: Any, fast: Predicate | None) -> bool:
    if fast is not None:
        return fast(value)
    try:
        check_type(value, hint, collection_check_strategy=CollectionCheckStrategy.ALL_ITEMS)
    except TypeCheckError:
        return False
    return True


@dataclasses.dataclass(frozen=True)
class _FieldCheck:
    """How one field of a checked class is checked: worked out once per class, used on every construction."""

    name: str
    hint: Any
    fast: Predicate | None
    takes_tuple: bool  # a list given for it becomes the tuple


@functools.cache
def _field_checks(cls: type) -> tuple[_FieldCheck, ...]:
    return tuple(_FieldCheck(name, hint, _predicate(hint), _takes_tuple(hint)) for name, hint in field_types(cls))


def _copied(value: Any) -> Any:
    """``value`` with every mapping (as a dict) and list in it copied, all the way down; anything else shared."""
    if _is_mapping(type(value)):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


def check_fields(obj: Any, prefix: str, secrets: frozenset[str] = frozenset()) -> None:
    """Check every field of ``obj`` against its annotation (a list given for a tuple becomes the tuple, a mapping is
    copied as a dict, nested ones too, so that the caller changing it later changes nothing checked). Errors
    name ``<prefix>.<field>`` (``<field>`` with an empty prefix) and never show the value of a field in
    ``secrets``.

    Raises:
        InvalidValueError: naming the field, with the type it takes.
    """
    cls: type = type(obj)
    for field in _field_checks(cls):
        name = field.name
        value = given = getattr(obj, name)
        if field.takes_tuple and isinstance(given, list):
            value = tuple(given)
        elif _is_mapping(type(given)):
            # A copy: the caller's mapping, changed after this check (env["X"] = ...), must not change what was
            # checked; nested dicts and lists too (an affinity is a tree of them).
            value = _copied(given)
        if not _fits(value, field.hint, field.fast):
            example = ("" if not isinstance(value, str) or name not in _tuple_fields(cls) or name in secrets
                       else f": a tuple, such as ({value!r},)")
            raise InvalidValueError(_field_name(prefix, name), _shown(value, name in secrets),
                                    f"a value of type {describe(field.hint)}{example}")
        if _unencodable(value):
            raise InvalidValueError(_field_name(prefix, name), NOT_SHOWN if name in secrets else value,
                                    "text that is valid Unicode (no lone surrogates: the API server takes UTF-8)")
        if value is not given:
            object.__setattr__(obj, name, value)


class Checked:
    """Base of a public dataclass whose fields take the types they are annotated with, or fail with an
    :class:`InvalidValueError`.

    Subclass with the prefix its errors use: ``class DeploymentArgs(Checked, prefix="deployment")``; an empty
    prefix names fields alone (classes whose fields map to config keys); ``secrets`` names fields whose value an
    error never shows. Enum fields take their member or its text (:func:`coerce_choices`); the class's own
    ``__post_init__`` then runs, its precise messages first; the type check follows, and also runs when the
    class's own checks trip over a value of the wrong type (a ``TypeError`` or ``AttributeError``), so that
    the user sees the field and the type it takes.
    """

    field_prefix: ClassVar[str]

    def __init_subclass__(cls, *, prefix: str, secrets: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.field_prefix = prefix
        own: Callable[[Any], None] | None = cls.__dict__.get("__post_init__")
        hidden = frozenset(secrets)

        def post_init(self: Any) -> None:
            coerce_choices(self, prefix)
            # An output where an object belongs (a stack reference's value for a KeyVault), or among a tuple's
            # items, would not fail the own checks: they would read its attributes as lifted outputs, which fail
            # later inside the engine with no field named; text where a tuple belongs (("a") for ("a",)) would be
            # checked character by character. With either among the fields, the types come first.
            kind: type = type(self)
            tuple_only = _tuple_fields(kind)
            types_first = False
            for name in _field_names(kind):
                value = getattr(self, name)
                if isinstance(value, pulumi.Output) or (isinstance(value, str) and name in tuple_only) or (
                        type(value) is tuple and any(isinstance(item, pulumi.Output) for item in value)):
                    types_first = True
                    break
            if types_first:
                check_fields(self, prefix, hidden)
            try:
                if own is not None:
                    own(self)
            except InvalidValueError:
                raise
            except (TypeError, AttributeError, KeyError, ValueError, IndexError):
                check_fields(self, prefix, hidden)  # the wrong type behind it, named
                raise
            if not types_first:
                check_fields(self, prefix, hidden)

        cls.__post_init__ = post_init  # type: ignore[attr-defined]


F = typing.TypeVar("F", bound=Callable[..., Any])


def checked_arguments(prefix: str, secrets: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Check a public factory's arguments against its annotations, as :class:`Checked` checks fields: a value of
    another type is an :class:`InvalidValueError` naming ``<prefix>.<parameter>`` (never showing the value of a
    parameter in ``secrets``). Put it under ``@classmethod``.
    """
    def decorate(function: F) -> F:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            hints = _argument_types(function)
            for name, value in signature.bind(*args, **kwargs).arguments.items():
                hint, kind = hints.get(name), signature.parameters[name].kind
                # **counts: int annotates each keyword's value, *items: str each item
                given = (value.items() if kind is inspect.Parameter.VAR_KEYWORD else enumerate(value)
                         if kind is inspect.Parameter.VAR_POSITIONAL else [(None, value)])
                for key, item in given:
                    if hint is not None and not _fits(_as_tuple(item, hint), hint, _predicate(hint)):
                        raise InvalidValueError(_field_name(prefix, name if key is None else str(key)),
                                                _shown(item, name in secrets), f"a value of type {describe(hint)}")
            return function(*args, **kwargs)

        return typing.cast(F, checked)

    return decorate


@functools.cache
def _argument_types(function: Callable[..., Any]) -> dict[str, Any]:
    annotations = {name: hint for name, hint in function.__annotations__.items() if name != "return"}
    return _resolve(annotations, function.__module__)
