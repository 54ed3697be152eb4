"""Pulumi.yaml checked against the project's JSON schema as the Pulumi CLI checks it, with its messages.

``ValidateProject`` (sdk/go/common/workspace/project.go) validates the document against project.json
(sdk/go/common/workspace/project.json, Pulumi v3.274.1: later versions make a config key named ``secret`` a
boolean) with santhosh-tekuri/jsonschema v5.0.0 (schema.go, errors.go) and prints every error of the
error tree, depth first, as ``#<instance location>: <message>``. Checked here: the settings read offline,
``main`` and ``stackConfigDir`` (their types) and ``config`` (its type, and each declaration: a string,
integer, boolean or array shorthand, or an object of the attributes ``ConfigTypeDeclaration`` allows, with
``items`` as ``configItemsType`` nests them). The rest of the schema (``runtime``, ``plugins``, ...) is not.

Where the validator walks a Go map (a declaration's attributes, the config keys, an object's disallowed
attribute names), the CLI's order changes from run to run; here it is the schema's order, keys sorted.
"""

from __future__ import annotations

import json
import math
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

#: The settings read offline whose JSON types ``ValidateProject`` checks, in the schema's order.
PROJECT_TYPES = {"main": ("string", "null"), "config": ("object", "string", "null"),
                 "stackConfigDir": ("string", "null")}
#: ``simpleConfigType``'s enum, in its order.
SIMPLE_TYPES = ("string", "integer", "boolean", "array", "object")
#: A config declaration's attributes (``configTypeDeclaration.properties``), in the schema's order.
DECLARATION_ATTRIBUTES = ("type", "items", "description", "secret", "default", "value")
#: The shorthand forms a config key takes (``config.additionalProperties.oneOf``), before the declaration.
_SHORTHANDS = ("string", "integer", "boolean", "array")


class InvalidJsonTypeError(Exception):
    """A value of no JSON type (a YAML ``!!timestamp``, an integer beyond int64): the validator panics with
    ``InvalidJSONTypeError`` and ``ValidateProject`` returns only that, whatever else is wrong."""

    def __init__(self, go_type: str) -> None:
        super().__init__(f"jsonschema: invalid jsonType: {go_type}")


@dataclass
class _Error:
    """One node of the validator's error tree (``ValidationError``): an empty message only wraps its causes."""

    location: str
    message: str
    causes: list[_Error] = field(default_factory=list)

    def lines(self) -> Iterator[str]:
        """The node and its causes, depth first, as ``ValidateProject`` appends them to its multierror."""
        if self.location and self.message:
            yield f"#{self.location}: {self.message}"
        for cause in self.causes:
            yield from cause.lines()


def violations(document: Mapping[str, object]) -> list[str]:
    """Every schema error of the settings checked offline, one ``#/path: message`` text each (none: valid).

    Raises :class:`InvalidJsonTypeError` where the CLI's validator panics on a value of no JSON type."""
    errors: list[_Error] = []
    for key, allowed in PROJECT_TYPES.items():
        if key not in document:
            continue
        location, value = f"/{key}", document[key]
        wrong = _type(value, location, allowed)
        if wrong is not None:
            errors.append(wrong)
        elif key == "config" and isinstance(value, Mapping):
            errors.extend(_config(value, location))
    return [line for error in errors for line in error.lines()]


def json_type(value: object) -> str:
    """The JSON type the validator sees a decoded YAML value as (``jsonType``: every number is ``number``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) and value >= 1 << 63:
        raise InvalidJsonTypeError("uint64")  # yaml.v3 decodes it so, and jsonType knows int and int64 only
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    raise InvalidJsonTypeError(getattr(value, "GO_TYPE", type(value).__name__))


def _type(value: object, location: str, allowed: tuple[str, ...]) -> _Error | None:
    """The ``type`` keyword: it fails alone (the validator returns before any other keyword)."""
    found = json_type(value)
    if found in allowed or ("integer" in allowed and found == "number" and _is_integer(value)):
        return None
    return _Error(location, f"expected {' or '.join(allowed)}, but got {found}")


def _is_integer(number: object) -> bool:
    # big.Rat.SetString(fmt.Sprint(v)).IsInt(): 2.0 and 1e21 are integers.
    return isinstance(number, int) or (isinstance(number, float) and math.isfinite(number) and number.is_integer())


def _config(section: Mapping[str, object], location: str) -> list[_Error]:
    """``config``: every key a shorthand value or a declaration (``additionalProperties.oneOf``)."""
    errors = []
    for key in sorted(section):
        value, at = section[key], f"{location}/{_escape(key)}"
        shorthands = [_type(value, at, (kind,)) for kind in _SHORTHANDS]
        declaration = _ref(_declaration(value, at), at, "configTypeDeclaration")
        if declaration is not None and all(shorthands):
            errors.append(_Error(at, "oneOf failed", [*(error for error in shorthands if error), declaration]))
    return errors


def _declaration(value: object, location: str) -> _Error | None:
    """``configTypeDeclaration``: an object of the known attributes, ``type`` one of the simple types."""
    if wrong := _type(value, location, ("object",)):
        return wrong
    assert isinstance(value, Mapping)
    errors: list[_Error | None] = []
    if "type" in value:
        errors.append(_ref(_simple_type(value["type"], f"{location}/type"), f"{location}/type", "simpleConfigType"))
    if "items" in value:
        errors.append(_ref(_items(value["items"], f"{location}/items"), f"{location}/items", "configItemsType"))
    for name, kind in (("description", "string"), ("secret", "boolean")):
        if name in value:
            errors.append(_type(value[name], f"{location}/{name}", (kind,)))
    unknown = sorted(name for name in value if name not in DECLARATION_ATTRIBUTES)
    if unknown:
        errors.append(_Error(location, f"additionalProperties {', '.join(map(_quote, unknown))} not allowed"))
    return _all(errors, location)


def _simple_type(value: object, location: str) -> _Error | None:
    """``simpleConfigType``: an enum of the type names."""
    json_type(value)  # equals() asks every value's type, and panics on a time
    if isinstance(value, str) and value in SIMPLE_TYPES:
        return None
    return _Error(location, "value must be one of " + ", ".join(json.dumps(name) for name in SIMPLE_TYPES))


def _items(value: object, location: str) -> _Error | None:
    """``configItemsType``: an object with a ``type`` (a simple type, or items nested again), and ``items`` when
    that type is ``array``."""
    if wrong := _type(value, location, ("object",)):
        return wrong
    assert isinstance(value, Mapping)
    errors: list[_Error | None] = []
    if "type" not in value:
        errors.append(_Error(location, "missing properties: 'type'"))
    else:
        at = f"{location}/type"
        simple = _ref(_simple_type(value["type"], at), at, "simpleConfigType")
        nested = _ref(_items(value["type"], at), at, "configItemsType")
        if simple is not None and nested is not None:
            errors.append(_Error(at, "oneOf failed", [simple, nested]))
    if "items" in value:
        errors.append(_ref(_items(value["items"], f"{location}/items"), f"{location}/items", "configItemsType"))
    is_array = "type" not in value or (json_type(value["type"]) == "string" and value["type"] == "array")
    if is_array and "items" not in value:  # if: {type: {const: array}} then: {required: [items]}
        errors.append(_Error(location, "if-then failed", [_Error(location, "missing properties: 'items'")]))
    return _all(errors, location)


def _all(errors: list[_Error | None], location: str) -> _Error | None:
    """A schema's errors as the validator returns them: none, the one, or a wrapper of them all."""
    found = [error for error in errors if error is not None]
    if len(found) <= 1:
        return found[0] if found else None
    return _Error(location, "", found)


def _ref(error: _Error | None, location: str, definition: str) -> _Error | None:
    """A ``$ref`` that failed: "doesn't validate with" the definition, over the referenced schema's errors."""
    if error is None:
        return None
    causes = error.causes if not error.message else [error]
    return _Error(location, f"doesn't validate with {_quote('/$defs/' + definition)}", causes)


def _escape(token: str) -> str:
    """An instance location's token: JSON pointer escapes, then Go's ``url.PathEscape``."""
    return urllib.parse.quote(token.replace("~", "~0").replace("/", "~1"), safe="$&+:=@")


def _quote(text: str) -> str:
    """The validator's ``quote`` (errors.go): single quotes; control characters, backslash and U+2028/9 escaped; a
    double quote dropped (its switch writes nothing for it)."""
    out = []
    for char in text:
        if char < " ":
            named = {"\n": "\\n", "\r": "\\r", "\f": "\\f", "\t": "\\t"}
            out.append(named.get(char, f"\\u00{ord(char):02x}"))
        elif char == "\\":
            out.append("\\\\")
        elif char == '"':
            continue
        elif char in "\u2028\u2029":
            out.append(f"\\u202{ord(char) & 0xF:x}")
        else:
            out.append(char)
    return "'" + "".join(out) + "'"
