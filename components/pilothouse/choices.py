"""Fields that take one of a fixed set of values (a ``StrEnum``): a member, or its text, and nothing else."""

from __future__ import annotations

import dataclasses
import functools
import sys
import types
import typing
from enum import Enum
from typing import Any, TypeVar

from pilothouse.errors import InvalidValueError

E = TypeVar("E", bound=Enum)


def member(field: str, value: object, kind: type[E]) -> E:
    """``value`` as a member of ``kind``: the member itself, or its text (``"restricted"`` for
    ``SecurityProfile.RESTRICTED``), so that a plain string never slips past a check made by identity.

    Raises:
        InvalidValueError: naming ``field``, listing the allowed values.
    """
    try:
        return kind(value)
    except (ValueError, TypeError):
        allowed = ", ".join(repr(choice.value) for choice in kind)
        raise InvalidValueError(field, value, f"one of {allowed} ({kind.__name__})") from None


@functools.cache
def _choice_fields(cls: type) -> tuple[tuple[str, type[Enum], bool, bool], ...]:
    """The dataclass fields of ``cls`` typed with an enum or a tuple of one: name, enum, whether ``None`` is allowed,
    whether it is a tuple."""
    namespace = vars(sys.modules[cls.__module__])
    fields = []
    for field in dataclasses.fields(cls):
        try:  # each annotation alone: another field's may name a type imported only for type checking
            hint = eval(field.type, namespace) if isinstance(field.type, str) else field.type
        except NameError:
            continue
        union = typing.get_origin(hint) in (types.UnionType, typing.Union)
        options = typing.get_args(hint) if union else (hint,)
        kinds = [option for option in options if isinstance(option, type) and issubclass(option, Enum)]
        if len(kinds) == 1:
            fields.append((field.name, kinds[0], types.NoneType in options, False))
        elif typing.get_origin(hint) is tuple and typing.get_args(hint)[1:] == (Ellipsis,):
            (item,) = typing.get_args(hint)[:1]
            if isinstance(item, type) and issubclass(item, Enum):
                fields.append((field.name, item, False, True))
    return tuple(fields)


def coerce_choices(obj: Any, prefix: str) -> None:
    """Replace each enum-typed field of the frozen dataclass ``obj`` by its member (see :func:`member`), and each
    item of a tuple of them; errors name ``<prefix>.<field>`` (``<prefix>.<field>[<index>]``)."""
    cls: type = type(obj)
    for name, kind, optional, many in _choice_fields(cls):
        value, field = getattr(obj, name), f"{prefix}.{name}" if prefix else name
        if many and isinstance(value, tuple | list):
            object.__setattr__(obj, name, tuple(member(f"{field}[{i}]", item, kind) for i, item in enumerate(value)))
        elif not many and not (value is None and optional):
            object.__setattr__(obj, name, member(field, value, kind))
