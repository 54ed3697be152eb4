"""Fields that take one of a fixed set of values (a ``StrEnum``): a member, or its text, and nothing else."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

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

