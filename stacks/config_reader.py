"""Typed reads of one config object, each error naming the full config key.

Every read records the key it consumed, so :meth:`Fields.reject_unknown` can turn a typo
(``vnetCIDR`` for ``vnetCidr``) into a clear error instead of a silently ignored value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from typing import TypeVar

from pilothouse.errors import InvalidValueError, snake_to_camel

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

_MISSING = object()


class Fields:
    """The keys of one config object, read with their types checked."""

    def __init__(self, path: str, raw: object) -> None:
        if not isinstance(raw, Mapping):
            raise InvalidValueError(path, raw, "an object (a YAML mapping)")
        self.path = path
        self._raw: Mapping[str, object] = raw
        self._read: set[str] = set()

    def key(self, name: str) -> str:
        """The full config key of ``name``, as errors show it."""
        return f"{self.path}.{name}" if ":" in self.path or "." in self.path else f"{self.path}:{name}"

    def unset(self, name: str) -> bool:
        """Absent, null or empty: project-level defaults of optional keys are empty values."""
        return self._raw.get(name) in (None, "", {}, [])

    def _get(self, name: str, default: object) -> object:
        self._read.add(name)
        if not self.unset(name):
            return self._raw[name]
        if default is _MISSING:
            raise InvalidValueError(self.key(name), None, "a value: this key is required")
        return default

    def string(self, name: str, default: str | object | None = _MISSING, *,
               pattern: str | None = None, allowed: str = "a string") -> str:
        value = self._get(name, default)
        if not isinstance(value, str) or (pattern is not None and not re.fullmatch(pattern, value)):
            raise InvalidValueError(self.key(name), value, allowed)
        return value

    def optional_string(self, name: str, *, pattern: str | None = None,
                        allowed: str = "a string") -> str | None:
        if self.unset(name):
            self._read.add(name)
            return None
        return self.string(name, pattern=pattern, allowed=allowed)

    def integer(self, name: str, default: int | object = _MISSING, *,
                minimum: int, maximum: int) -> int:
        value = self._get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise InvalidValueError(self.key(name), value, f"an integer from {minimum} to {maximum}")
        return value

    def optional_integer(self, name: str, *, minimum: int, maximum: int) -> int | None:
        if self.unset(name):
            self._read.add(name)
            return None
        return self.integer(name, minimum=minimum, maximum=maximum)

    def boolean(self, name: str, default: bool | object = _MISSING) -> bool:
        value = self._get(name, default)
        if not isinstance(value, bool):
            raise InvalidValueError(self.key(name), value, "true or false")
        return value

    def choice(self, name: str, enum: type[E], default: E | object = _MISSING) -> E:
        value = self._get(name, default)
        if isinstance(value, enum):
            return value
        if isinstance(value, str) and value in {str(member) for member in enum}:
            return enum(value)
        allowed = ", ".join(repr(str(member)) for member in enum)
        raise InvalidValueError(self.key(name), value, f"one of {allowed}")

    def string_list(self, name: str, *, allowed: str = "a list of strings") -> tuple[str, ...]:
        value = self._get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise InvalidValueError(self.key(name), value, allowed)
        return tuple(value)

    def string_map(self, name: str) -> dict[str, str]:
        value = self._get(name, {})
        if not isinstance(value, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise InvalidValueError(self.key(name), value, "a mapping of strings to strings")
        return dict(value)

    def section(self, name: str, default: Mapping[str, object] | object = _MISSING) -> Fields:
        return Fields(self.key(name), self._get(name, default))

    def optional_section(self, name: str) -> Fields | None:
        if self.unset(name):
            self._read.add(name)
            return None
        return self.section(name)

    def sections(self, name: str) -> list[Fields]:
        value = self._get(name, [])
        if not isinstance(value, list):
            raise InvalidValueError(self.key(name), value, "a list of objects")
        return [Fields(f"{self.key(name)}[{index}]", item) for index, item in enumerate(value)]

    def forbid(self, name: str, allowed: str) -> None:
        """``name`` must be unset here (it belongs to another mode)."""
        self._read.add(name)
        if not self.unset(name):
            raise InvalidValueError(self.key(name), self._raw[name], allowed)

    def reject_unknown(self) -> None:
        unknown = sorted(set(self._raw) - self._read)
        if unknown:
            raise InvalidValueError(
                self.key(unknown[0]), self._raw[unknown[0]],
                f"no such key here; known keys: {', '.join(sorted(self._read))}")

    @contextmanager
    def building(self) -> Iterator[None]:
        """Report errors of a component value type built from these fields by config key."""
        try:
            yield
        except InvalidValueError as error:
            if ":" in error.field:  # raised by a read of these fields: already a config key
                raise
            section = self.path.rpartition(".")[2].rpartition(":")[2]
            head, _, rest = error.field.partition(".")
            # A value type named after this section ("quota.requests_cpu" under "...quota").
            field = rest if rest and snake_to_camel(head) == section else error.field
            raise error.within(self.path, snake_to_camel, field) from None
        self.reject_unknown()


def build(fields: Fields, factory: Callable[[], T]) -> T:
    """Build a component value type from ``fields``, errors named by config key."""
    with fields.building():
        return factory()
