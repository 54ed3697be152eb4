"""Pulumi.yaml checked against the project's JSON schema as the Pulumi CLI checks it, with its messages.

``ValidateProject`` (sdk/go/common/workspace/project.go) validates the document against project.json
(sdk/go/common/workspace/project.json) with santhosh-tekuri/jsonschema v5.0.0 (schema.go: the order of its
checks; errors.go: ``quote``) and prints every error of the error tree, depth first, as
``#<instance location>: <message>``; an attribute an object does not allow gets a suggestion from the schema.
:data:`PROJECT` is that schema as Pulumi v3.274.1 ships it (later versions make a config key named ``secret`` a
boolean), its validation keywords only.

Where the validator walks a Go map (an object's properties and keys, its disallowed attribute names), the CLI's
order changes from run to run; here it is the schema's order, keys sorted.
"""

from __future__ import annotations

import json
import math
import re
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

Schema = Mapping[str, Any]

_TEXT: Schema = {"type": ["string", "null"]}
_STRINGS: Schema = {"type": "array", "items": {"type": "string"}}
_PLUGINS: Schema = {"type": "array", "items": {"$ref": "#/$defs/pluginOptions"}}
#: project.json's definitions.
DEFINITIONS: dict[str, Schema] = {
    "packageSpec": {"type": "object", "additionalProperties": False, "required": ["source"], "properties": {
        "source": {"type": "string"}, "version": {"type": "string"}, "parameters": _STRINGS,
        "pluginDownloadURL": {"type": "string"},
        "checksums": {"type": "object", "additionalProperties": {"type": "string"}}, "extensions": _STRINGS}},
    "pluginOptions": {"type": "object", "additionalProperties": False, "required": ["name", "path"], "properties": {
        "name": {"type": "string"}, "path": {"type": "string"}, "version": {"type": "string"}}},
    "simpleConfigType": {"enum": ["string", "integer", "boolean", "array", "object"]},
    "configItemsType": {
        "type": "object", "required": ["type"],
        "properties": {"type": {"oneOf": [{"$ref": "#/$defs/simpleConfigType"}, {"$ref": "#/$defs/configItemsType"}]},
                       "items": {"$ref": "#/$defs/configItemsType"}},
        "if": {"properties": {"type": {"const": "array"}}}, "then": {"required": ["items"]}},
    "configTypeDeclaration": {"type": "object", "additionalProperties": False, "properties": {
        "type": {"$ref": "#/$defs/simpleConfigType"}, "items": {"$ref": "#/$defs/configItemsType"},
        "description": {"type": "string"}, "secret": {"type": "boolean"}, "default": {}, "value": {}}},
}
#: project.json's root schema.
PROJECT: Schema = {"type": "object", "required": ["name"], "additionalProperties": True, "properties": {
    "name": {"type": "string", "minLength": 1},
    "description": _TEXT, "author": _TEXT, "website": _TEXT, "license": _TEXT,
    "runtime": {"oneOf": [{"type": "string", "minLength": 1}, {"type": "object", "additionalProperties": False,
                                                               "properties": {
                                                                   "name": {"type": "string", "minLength": 1},
                                                                   "options": {"type": "object",
                                                                               "additionalProperties": True}}}]},
    "main": _TEXT,
    "config": {"type": ["object", "string", "null"], "additionalProperties": {"oneOf": [
        {"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "array"},
        {"$ref": "#/$defs/configTypeDeclaration"}]}},
    "stackConfigDir": _TEXT,
    "backend": {"type": ["object", "null"], "additionalProperties": False, "properties": {"url": {"type": "string"}}},
    "options": {"type": ["object", "null"], "additionalProperties": False,
                "properties": {"refresh": {"type": "string", "const": "always"}}},
    "template": {"type": ["object", "null"], "additionalProperties": False, "properties": {
        "displayName": _TEXT, "description": _TEXT, "quickstart": _TEXT, "important": {"type": ["boolean", "null"]},
        "metadata": {"type": ["object", "null"], "additionalProperties": {"type": "string"}},
        "config": {"type": ["object", "null"], "additionalProperties": {"properties": {
            "description": _TEXT, "default": {}, "secret": {"type": ["boolean", "null"]}}}}}},
    "packages": {"type": "object", "additionalProperties": {"oneOf": [
        {"type": "string"}, {"$ref": "#/$defs/packageSpec"}]}},
    "plugins": {"type": "object", "properties": {"providers": _PLUGINS, "analyzers": _PLUGINS, "languages": _PLUGINS}},
}}
#: ``maxValidationAttributeDistance``: how far (Levenshtein, case-insensitive) a suggested attribute may be.
SUGGESTION_DISTANCE = 2


class InvalidJsonTypeError(Exception):
    """A value of no JSON type (a YAML ``!!timestamp``, an integer beyond int64, a mapping with a key that is not a
    string): the validator panics with ``InvalidJSONTypeError`` and ``ValidateProject`` returns only that, whatever
    else is wrong."""

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
    """Every schema error of a project document (its ``name`` checked before), one ``#/path: message`` text each
    (none: valid).

    Raises :class:`InvalidJsonTypeError` where the CLI's validator panics on a value of no JSON type."""
    error = _validate(PROJECT, document, "")
    return list(error.lines()) if error else []


#: The JSON type the validator gives each Go type yaml.v3 decodes into (``jsonType``); it panics on the others.
_JSON_TYPES = {"<nil>": "null", "bool": "boolean", "int": "number", "float64": "number", "string": "string",
               "[]interface {}": "array", "map[string]interface {}": "object"}


def go_type(value: object) -> str:
    """The Go type yaml.v3 decodes a YAML value into (``%T``): a class of the reader's may say (``GO_TYPE``)."""
    if go := getattr(value, "GO_TYPE", None):
        return str(go)
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "uint64" if value >= 1 << 63 else "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return "[]interface {}" if isinstance(value, list) else "map[string]interface {}"


def json_type(value: object) -> str:
    """The JSON type the validator sees a decoded YAML value as (every number is ``number``)."""
    found = go_type(value)
    if found not in _JSON_TYPES:
        raise InvalidJsonTypeError(found)
    return _JSON_TYPES[found]


def _validate(schema: Schema, value: object, location: str) -> _Error | None:
    """``Schema.validate`` for the keywords project.json uses, in the validator's order: ``type`` alone, then
    ``const``, ``enum``, an object's ``required``, ``properties`` and ``additionalProperties``, an array's
    ``items``, a string's ``minLength``, then ``$ref``, ``oneOf``, ``if``/``then``."""
    if "type" in schema:
        allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if wrong := _type(value, location, allowed):
            return wrong
    errors: list[_Error | None] = []
    if "const" in schema and not _equals(value, schema["const"]):
        errors.append(_Error(location, f"value must be {json.dumps(schema['const'])}"))
    if "enum" in schema and not any(_equals(value, option) for option in schema["enum"]):
        errors.append(_Error(location, "value must be one of " + ", ".join(map(json.dumps, schema["enum"]))))
    if isinstance(value, Mapping) and go_type(value) == "map[string]interface {}":  # not a map[any]any
        errors += _object(schema, value, location)
    if isinstance(value, list) and "items" in schema:
        errors += [_validate(schema["items"], item, f"{location}/{index}") for index, item in enumerate(value)]
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        errors.append(_Error(location, f"length must be >= {schema['minLength']}, but got {len(value)}"))
    if "$ref" in schema:
        errors.append(_ref(schema["$ref"], value, location))
    if "oneOf" in schema:
        errors.append(_one_of(schema["oneOf"], value, location))
    if "if" in schema and _validate(schema["if"], value, location) is None and (
            then := _validate(schema["then"], value, location)):
        errors.append(_Error(location, "if-then failed", [then]))
    found = [error for error in errors if error is not None]
    if len(found) <= 1:
        return found[0] if found else None
    return _Error(location, "", found)


def _type(value: object, location: str, allowed: list[str]) -> _Error | None:
    found = json_type(value)
    if found in allowed or ("integer" in allowed and found == "number" and _is_integer(value)):
        return None
    return _Error(location, f"expected {' or '.join(allowed)}, but got {found}")


def _is_integer(number: object) -> bool:
    # big.Rat.SetString(fmt.Sprint(v)).IsInt(): 2.0 and 1e21 are integers.
    return isinstance(number, int) or (isinstance(number, float) and math.isfinite(number) and number.is_integer())


def _equals(value: object, expected: str) -> bool:
    return json_type(value) == "string" and value == expected  # project.json compares with strings only


def _object(schema: Schema, value: Mapping[str, object], location: str) -> list[_Error | None]:
    properties: Mapping[str, Schema] = schema.get("properties", {})
    errors: list[_Error | None] = []
    if missing := [name for name in schema.get("required", ()) if name not in value]:
        errors.append(_Error(location, f"missing properties: {', '.join(map(_quote, missing))}"))
    errors += [_validate(properties[name], value[name], f"{location}/{_escape(name)}")
               for name in properties if name in value]
    others = sorted(name for name in value if name not in properties)
    extra = schema.get("additionalProperties")
    if extra is False and others:
        errors.append(_Error(location, _not_allowed(others, _path_attributes(location))))
    elif isinstance(extra, Mapping):
        errors += [_validate(extra, value[name], f"{location}/{_escape(name)}") for name in others]
    return errors


def _path_attributes(location: str) -> list[str]:
    """``getSchemaPathAttributes``: the properties the schema names for an instance location, found by following
    its tokens through properties and array items (none under a map's keys)."""
    schema = PROJECT
    for token in filter(None, location.split("/")):
        schema = _referenced(schema)
        if token in schema.get("properties", {}):
            schema = schema["properties"][token]
        elif token.isdigit() and "items" in schema:
            schema = schema["items"]
        else:
            return []
    return sorted(_referenced(schema).get("properties", {}))


def _referenced(schema: Schema) -> Schema:
    """The definition a schema of only ``$ref`` stands for; any other schema itself."""
    return DEFINITIONS[schema["$ref"].removeprefix("#/$defs/")] if "$ref" in schema else schema


def _not_allowed(names: list[str], allowed: list[str]) -> str:
    """The error for attributes an object does not take, with ``ValidateProject``'s hint from the attributes the
    schema names at that path."""
    message = f"additionalProperties {', '.join(map(_quote, names))} not allowed"
    match = re.search(r"'([0-9A-Za-z_][a-zA-Z0-9_]*)' not allowed$", message)
    if match is None or not allowed:
        return message
    if closest := closest_key(match[1], allowed):
        return f"{message}; did you mean '{closest}'?"
    quoted = [f"'{name}'" for name in allowed]
    if len(quoted) == 1:
        return f"{message}; the only allowed attribute is {quoted[0]}"
    return f"{message}; the allowed attributes are {', '.join(quoted[:-1])} and {quoted[-1]}"


def closest_key(needle: str, keys: list[str]) -> str | None:
    """``findClosestKey``: the first key, sorted, nearest ``needle`` (case-insensitive), if within
    :data:`SUGGESTION_DISTANCE`."""
    distance, closest = min(((_distance(needle.lower(), key.lower()), key) for key in sorted(keys)),
                            default=(SUGGESTION_DISTANCE + 1, ""))
    return closest if distance <= SUGGESTION_DISTANCE else None


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, by runes (each insertion, deletion and substitution counts 1)."""
    row = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, other in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (char != other))
    return row[-1]


def _ref(reference: str, value: object, location: str) -> _Error | None:
    """A ``$ref`` that failed: "doesn't validate with" the definition, over the referenced schema's errors."""
    name = reference.removeprefix("#/$defs/")
    error = _validate(DEFINITIONS[name], value, location)
    if error is None:
        return None
    causes = error.causes if not error.message else [error]
    return _Error(location, f"doesn't validate with {_quote('/$defs/' + name)}", causes)


def _one_of(options: list[Schema], value: object, location: str) -> _Error | None:
    failed, matched = [], []
    for index, option in enumerate(options):
        error = _validate(option, value, location)
        if error is None:
            matched.append(index)
            if len(matched) == 2:
                return _Error(location, f"valid against schemas at indexes {matched[0]} and {matched[1]}")
        else:
            failed.append(error)
    return None if matched else _Error(location, "oneOf failed", failed)


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
