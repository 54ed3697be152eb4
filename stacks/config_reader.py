"""Typed reads of the stack's config objects, every error named by its full config key, all reported at once.

Every read records the key it consumed, so :meth:`Fields.reject_unknown` can turn a typo (``vnetCIDR`` for
``vnetCidr``) into a clear error instead of a silently ignored value. A read that fails does not stop the reading:
its error goes to the :class:`Report` all the fields of one config share and the read answers a stand-in value, so
the next keys are still checked. The value types built from a section (:func:`build`) are not built from stand-ins:
their own checks run only on sections whose every read succeeded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from typing import TypeVar

from pilothouse.errors import InvalidValueError, snake_to_camel
from pilothouse.typed import NOT_SHOWN

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

_MISSING = object()


class _Nothing:
    """What an error shows for a key that is absent or null: ``got nothing``."""

    def __repr__(self) -> str:
        return "nothing"


_NOTHING = _Nothing()
#: A snake_case field name inside a message ("inside vnet_cidr 10.0.0.0/16"), not a quoted example ('my_value').
_FIELD_NAME = re.compile(r"(?<!['\w])[a-z]+(?:_[a-z]+)+\b(?!')")


class InvalidConfigError(InvalidValueError):
    """Several config values were refused: the count first, then one line per error (key, value, what is allowed).

    ``errors`` holds each one; ``field``, ``value`` and ``allowed`` are the first one's.
    """

    def __init__(self, errors: list[InvalidValueError]) -> None:
        first = errors[0]
        super().__init__(first.field, first.value, first.allowed)
        self.errors = tuple(errors)
        self.args = (f"{len(errors)} errors:\n" + "\n".join(f"  {error}" for error in errors),)


class SkippedError(Exception):
    """A value could not be built because something it is built from was refused (that error is in the report)."""


class Report:
    """The errors of one reading of the config, in the order they were found."""

    def __init__(self) -> None:
        self.errors: list[InvalidValueError] = []

    def add(self, error: InvalidValueError) -> None:
        if all(str(error) != str(known) for known in self.errors):
            self.errors.append(error)

    def refused(self, key: str) -> bool:
        """A value at ``key`` or inside it was refused (a check across its values would only repeat that)."""
        return any(error.field == key or error.field.startswith((f"{key}.", f"{key}[")) for error in self.errors)

    def attempt(self, factory: Callable[[], T]) -> T | None:
        """``factory()``, or ``None`` when it was refused (its error reported) or built from a refused value."""
        try:
            return factory()
        except SkippedError:
            return None
        except InvalidValueError as error:
            self.add(error)
            return None

    def check(self) -> None:
        """Raise what was found: the one error, or :class:`InvalidConfigError` with all of them."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise InvalidConfigError(self.errors)


def required(value: T | None) -> T:
    """``value``, built by :meth:`Report.attempt`; stops the building of what needs it when it was refused."""
    if value is None:
        raise SkippedError
    return value


class Fields:
    """The keys of one config object, read with their types checked.

    ``secrets`` are the keys (full config keys) whose values are secrets: an error never shows them.
    ``engine_text``: the values are the text the Pulumi engine passes for top-level keys (objects and lists as JSON
    text, booleans as ``true``/``false``); each read decodes what its type needs, nothing else.
    """

    def __init__(self, path: str, raw: object, report: Report | None = None,
                 secrets: frozenset[str] = frozenset(), *, engine_text: bool = False) -> None:
        self.path = path
        self.report = Report() if report is None else report
        self.secrets = secrets
        self._engine_text = engine_text
        self._read: set[str] = set()
        if isinstance(raw, Mapping):
            self._raw: Mapping[str, object] = raw
        else:  # reported once here; the keys read from it answer stand-ins, unreported
            self.report.add(InvalidValueError(path, self._shown(path, raw), "an object (a YAML mapping)"))
            self._raw, self._muted = {}, True
            return
        self._muted = False

    def key(self, name: str) -> str:
        """The full config key of ``name``, as errors show it."""
        return f"{self.path}.{name}" if ":" in self.path or "." in self.path else f"{self.path}:{name}"

    def _shown(self, key: str, value: object) -> object:
        return NOT_SHOWN if key in self.secrets else value

    def refuse(self, name: str, value: object, allowed: str) -> None:
        """Report ``value`` of key ``name`` as refused (a rule of the config layer, not of a read)."""
        self.report.add(InvalidValueError(self.key(name), self._shown(self.key(name), value), allowed))

    def unset(self, name: str, *, json_text: bool = False) -> bool:
        """Absent, null or empty: project-level defaults of optional keys are empty values. ``json_text``: the key
        takes an object or a list, so the engine's text ``{}`` or ``[]`` is empty too."""
        value = self._raw.get(name)
        return value in (None, "", {}, []) or (json_text and self._engine_text and value in ("{}", "[]"))

    def _get(self, name: str, default: object, stand_in: object, *, decode: str = "") -> tuple[object, bool]:
        """The value of ``name`` (its default when unset) and whether it was given; a required key that is unset
        is reported and answered by ``stand_in``. ``decode``: the engine text's form this read takes (``json``:
        objects and lists; ``bool``: ``true``/``false``)."""
        self._read.add(name)
        if not self.unset(name, json_text=decode == "json"):
            value = self._raw[name]
            if self._engine_text and isinstance(value, str):
                value = _decoded(value, decode)
            return value, True
        if default is _MISSING:
            if not self._muted:
                self.refuse(name, _NOTHING if self._raw.get(name) is None else self._raw[name],
                            "a value: this key is required")
            return stand_in, False
        return default, False

    def _refused(self, name: str, value: object, allowed: str, stand_in: T) -> T:
        if not self._muted:
            self.refuse(name, value, allowed)
        return stand_in

    def string(self, name: str, default: str | object | None = _MISSING, *,
               pattern: str | None = None, allowed: str = "a string") -> str:
        value, given = self._get(name, default, "")
        if given and (not isinstance(value, str) or (pattern is not None and not re.fullmatch(pattern, value))):
            return self._refused(name, value, allowed, "")
        return value  # type: ignore[return-value]  # a str, or the caller's default

    def _optional(self, name: str, read: Callable[[], T]) -> T | None:
        """``read()`` of key ``name``, or ``None`` when it is unset or refused (no check then runs on a stand-in)."""
        if self.unset(name):
            self._read.add(name)
            return None
        before = len(self.report.errors)
        value = read()
        return None if self._muted or len(self.report.errors) > before else value

    def optional_string(self, name: str, *, pattern: str | None = None,
                        allowed: str = "a string") -> str | None:
        """The value, or ``None`` when unset or refused."""
        return self._optional(name, lambda: self.string(name, pattern=pattern, allowed=allowed))

    def integer(self, name: str, default: int | object = _MISSING, *,
                minimum: int, maximum: int) -> int:
        value, given = self._get(name, default, minimum)
        if given and (isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum):
            return self._refused(name, value, f"an integer from {minimum} to {maximum}", minimum)
        return value  # type: ignore[return-value]

    def optional_integer(self, name: str, *, minimum: int, maximum: int) -> int | None:
        """The value, or ``None`` when unset or refused."""
        return self._optional(name, lambda: self.integer(name, minimum=minimum, maximum=maximum))

    def boolean(self, name: str, default: bool | object = _MISSING) -> bool:
        value, given = self._get(name, default, False, decode="bool")
        if given and not isinstance(value, bool):
            return self._refused(name, value, "true or false", False)
        return value  # type: ignore[return-value]

    def choice(self, name: str, enum: type[E], default: E | object = _MISSING) -> E:
        first = next(iter(enum))
        value, _ = self._get(name, default, first)
        if isinstance(value, enum):
            return value
        if isinstance(value, str) and value in {str(member) for member in enum}:
            return enum(value)
        allowed = ", ".join(repr(str(member)) for member in enum)
        return self._refused(name, value, f"one of {allowed}", first)

    def string_list(self, name: str, *, allowed: str = "a list of strings") -> tuple[str, ...]:
        value, _ = self._get(name, [], [], decode="json")
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return self._refused(name, value, allowed, ())
        return tuple(value)

    def string_map(self, name: str) -> dict[str, str]:
        value, _ = self._get(name, {}, {}, decode="json")
        if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
            return self._refused(name, value, "a mapping of strings to strings", {})
        wrong = [key for key, item in value.items() if not isinstance(item, str)]
        for key in wrong:  # named entry by entry, as a config path quotes a key: labels['app.kubernetes.io/name']
            self._refused(f"{name}['{key}']", value[key], "a string", None)
        return {} if wrong else dict(value)

    def section(self, name: str, default: Mapping[str, object] | object = _MISSING) -> Fields:
        value, _ = self._get(name, default, {}, decode="json")
        return self._child(self.key(name), value)

    def _child(self, path: str, value: object) -> Fields:
        child = Fields(path, value if not self._muted else {}, self.report, self.secrets)
        child._muted = child._muted or self._muted
        return child

    def optional_section(self, name: str) -> Fields | None:
        if self.unset(name, json_text=True):
            self._read.add(name)
            return None
        return self.section(name)

    def sections(self, name: str) -> list[Fields]:
        value, _ = self._get(name, [], [], decode="json")
        if not isinstance(value, list):
            return self._refused(name, value, "a list of objects", [])
        return [self._child(f"{self.key(name)}[{index}]", item) for index, item in enumerate(value)]

    def forbid(self, name: str, allowed: str) -> None:
        """``name`` must be unset here (it belongs to another mode)."""
        self._read.add(name)
        if not self.unset(name, json_text=True):
            self._refused(name, self._raw[name], allowed, None)

    def reject_unknown(self) -> None:
        for name in sorted(set(self._raw) - self._read):
            self._refused(name, self._raw[name], f"no such key here; known keys: {', '.join(sorted(self._read))}",
                          None)

    def config_key(self, field: str, keys: Mapping[str, str]) -> str:
        """The config key of a value type's field path (``quota.requests_cpu``, ``user_pools[1].name``).

        ``keys`` maps a field path (its longest leading part found) whose config key is not its camelCase name to
        that key: relative to this section (``""``: the section itself), or a full key (with ``:``). A leading
        segment named after this section is dropped (``quota.requests_cpu`` under ``...quota``).
        """
        for known in sorted(keys, key=len, reverse=True):
            if field == known or field.startswith((f"{known}.", f"{known}[")):
                target, rest = keys[known], field[len(known):]
                break
        else:
            head, separator, tail = _split(field)
            section = self.path.rpartition(".")[2].rpartition(":")[2].partition("[")[0]
            if separator == "." and snake_to_camel(head) == section:
                head, separator, tail = _split(tail)
            target, rest = snake_to_camel(head), f"{separator}{tail}"
        rest = snake_to_camel(rest) if rest else ""
        if ":" in target:
            return f"{target}{rest}"
        if not target:
            return f"{self.path}{rest}"
        return f"{self.key(target)}{rest}"

    def _config_error(self, error: InvalidValueError, keys: Mapping[str, str]) -> InvalidValueError:
        allowed = _FIELD_NAME.sub(lambda match: snake_to_camel(match.group(0)), error.allowed)
        key = error.field if ":" in error.field else self.config_key(error.field, keys)
        return InvalidValueError(key, self._shown(key, error.value), allowed)

    def attempt(self, factory: Callable[[], T], keys: Mapping[str, str] | None = None) -> T | None:
        """``factory()`` (a component's own check or value type), or ``None`` when it refused a value: that error is
        reported, its field path named by config key (``keys``: see :meth:`config_key`)."""
        try:
            return factory()
        except SkippedError:
            return None
        except InvalidValueError as error:
            if not self._muted:  # a check of stand-ins: the section's own error is reported
                self.report.add(self._config_error(error, keys or {}))
            return None

    def needs(self, *names: str) -> None:
        """Stop building what depends on keys ``names`` when one was refused (raises :class:`SkippedError`)."""
        if self._muted or any(self.report.refused(self.key(name)) for name in names):
            raise SkippedError

    @contextmanager
    def building(self, keys: Mapping[str, str]) -> Iterator[None]:
        """Report errors of a component value type built from these fields by config key; stop what needs it.

        A factory reads every key before it builds anything (the value types it needs from other sections are built
        beforehand and passed in with :func:`required`), so the keys left unread are unknown even when the build
        stops."""
        before = len(self.report.errors)
        try:
            yield
        except InvalidValueError as error:
            if len(self.report.errors) == before and not self._muted:  # not a consequence of a refused read
                self.report.add(self._config_error(error, keys))
            raise SkippedError from None
        finally:
            self.reject_unknown()
        if len(self.report.errors) > before or self._muted:
            raise SkippedError


def _decoded(text: str, form: str) -> object:
    """Engine text as a read of ``form`` takes it: JSON objects and lists, ``true``/``false``; else the text."""
    if form == "bool" and text in ("true", "false"):
        return text == "true"
    if form == "json" and text[:1] in ("{", "["):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    return text


def _split(field: str) -> tuple[str, str, str]:
    """``quota.requests_cpu`` -> (``quota``, ``.``, ``requests_cpu``); ``user_pools[1].name`` -> (``user_pools``,
    ``[``, ``1].name``)."""
    match = re.match(r"([^.\[]*)([.\[]?)(.*)", field, re.DOTALL)
    assert match is not None  # the pattern matches any text
    return match.group(1), match.group(2), match.group(3)


def build(fields: Fields, factory: Callable[[], T], keys: Mapping[str, str] | None = None) -> T:
    """Build a component value type from ``fields``, errors named by config key (``keys``: see
    :meth:`Fields.config_key`). Raises :class:`SkippedError` when a read or the value type refused a value (the
    error is in the report)."""
    with fields.building(keys or {}):
        return factory()
