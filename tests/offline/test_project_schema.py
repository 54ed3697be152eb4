"""Pulumi.yaml's schema checks (pilothouse.offline.project_schema), with the messages the Pulumi CLI prints
(tests/e2e/test_project_schema.py compares them with the real CLI; tests/offline/test_stack_yaml.py with the
recorded corpus)."""

from __future__ import annotations

import pytest

from pilothouse.offline.project_schema import InvalidJsonTypeError, violations
from pilothouse.offline.stack_yaml import (
    GoTime,
    StackYamlError,
    check_project_schema,
    load_document,
    project_declarations,
)

SHORTHANDS_FAILED = ["oneOf failed", "expected string, but got {0}", "expected integer, but got {0}",
                     "expected boolean, but got {0}", "expected array, but got {0}",
                     "doesn't validate with '/$defs/configTypeDeclaration'"]


def _refused(key: str, found: str) -> list[str]:
    return [f"#/config/{key}: " + line.format(found) for line in SHORTHANDS_FAILED]


def _config(text: str) -> dict[str, object]:
    document = load_document("name: shop\nconfig:\n" + text, "Pulumi.yaml")
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize("text", [
    "  s: text\n  i: 1\n  f: 2.0\n  big: 1e21\n  b: true\n  l: [1, x]\n",
    "  secret: text\n",  # an ordinary key (Pulumi v3.274.1; later versions make it a boolean)
    "  d:\n    type: string\n    description: text\n    secret: true\n    default: x\n    value: y\n",
    "  d:\n    default: !!timestamp 2024-01-01\n",  # default and value take anything
    "  a:\n    type: array\n    items:\n      type: array\n      items:\n        type: integer\n",
    "  a:\n    type: array\n    items:\n      type:\n        type: string\n",  # items' type nests items again
    "  a:\n    type: array\n",  # Project.Validate wants its items, the schema does not
])
def test_what_the_schema_allows(text: str) -> None:
    assert violations(_config(text)) == []


@pytest.mark.parametrize(("text", "errors"), [
    ("  f:\n    type: float\n", [*_refused("f", "object"),
                                  "#/config/f/type: doesn't validate with '/$defs/simpleConfigType'",
                                  '#/config/f/type: value must be one of "string", "integer", "boolean", "array", '
                                  '"object"']),
    ("  k:\n    typ: integer\n", [*_refused("k", "object"), "#/config/k: additionalProperties 'typ' not allowed"]),
    ("  k:\n    typ: 1\n    zz: 2\n    aa: 3\n",
     [*_refused("k", "object"), "#/config/k: additionalProperties 'aa', 'typ', 'zz' not allowed"]),
    ('  k:\n    "a\\"b\\tc\\\\": 1\n',
     [*_refused("k", "object"), "#/config/k: additionalProperties 'ab\\tc\\\\' not allowed"]),
    ("  s1: 1.5\n", [*_refused("s1", "number"), "#/config/s1: expected object, but got number"]),
    ("  n:\n", [*_refused("n", "null"), "#/config/n: expected object, but got null"]),
    ('  "we/ird~ key;é": 1.5\n', [*_refused("we~1ird~0%20key%3B%C3%A9", "number"),
                                  "#/config/we~1ird~0%20key%3B%C3%A9: expected object, but got number"]),
    ("  d:\n    description: 5\n    secret: 'no'\n", [*_refused("d", "object"),
                                                       "#/config/d/description: expected string, but got number",
                                                       "#/config/d/secret: expected boolean, but got string"]),
    ("  secret: 1.5\n", [*_refused("secret", "number"), "#/config/secret: expected object, but got number"]),
    ("  a:\n    items:\n      type: float\n", [
        *_refused("a", "object"), "#/config/a/items: doesn't validate with '/$defs/configItemsType'",
        "#/config/a/items/type: oneOf failed", "#/config/a/items/type: doesn't validate with '/$defs/simpleConfigType'",
        '#/config/a/items/type: value must be one of "string", "integer", "boolean", "array", "object"',
        "#/config/a/items/type: doesn't validate with '/$defs/configItemsType'",
        "#/config/a/items/type: expected object, but got string"]),
    ("  a:\n    items: {}\n", [*_refused("a", "object"),
                               "#/config/a/items: doesn't validate with '/$defs/configItemsType'",
                               "#/config/a/items: missing properties: 'type'", "#/config/a/items: if-then failed",
                               "#/config/a/items: missing properties: 'items'"]),
    ("  a:\n    items:\n      type: array\n", [*_refused("a", "object"),
                                                "#/config/a/items: doesn't validate with '/$defs/configItemsType'",
                                                "#/config/a/items: if-then failed",
                                                "#/config/a/items: missing properties: 'items'"]),
])
def test_what_the_schema_refuses(text: str, errors: list[str]) -> None:
    assert violations(_config(text)) == errors


def test_every_setting_is_checked_at_once() -> None:
    document = {"main": 1, "config": {"a": None, "b": "ok"}, "stackConfigDir": []}
    assert violations(document) == ["#/main: expected string or null, but got number",
                                    *_refused("a", "null"), "#/config/a: expected object, but got null",
                                    "#/stackConfigDir: expected string or null, but got array"]


@pytest.mark.parametrize("document", [
    {"main": GoTime.__new__(GoTime)},
    {"config": {"k": {"type": "string", "description": GoTime.__new__(GoTime)}}},
    {"config": {"a": {"items": {"type": GoTime.__new__(GoTime)}}}},
])
def test_a_value_of_no_json_type_stops_the_check(document: dict[str, object]) -> None:
    with pytest.raises(InvalidJsonTypeError, match=r"^jsonschema: invalid jsonType: time\.Time$"):
        violations(document)


def test_the_cli_message_counts_the_errors() -> None:
    with pytest.raises(StackYamlError) as one:
        check_project_schema({"main": 1}, "Pulumi.yaml")
    assert one.value.cli_text == ("could not validate 'Pulumi.yaml': 1 error occurred:\n"
                                  "\t* #/main: expected string or null, but got number")
    with pytest.raises(StackYamlError) as time:
        check_project_schema(_config("  t: !!timestamp 2024-01-01\n"), "Pulumi.yaml")
    assert time.value.cli_text == "could not validate 'Pulumi.yaml': jsonschema: invalid jsonType: time.Time"


def test_an_integer_beyond_int64_stops_the_check() -> None:
    with pytest.raises(InvalidJsonTypeError, match=r"^jsonschema: invalid jsonType: uint64$"):
        violations(_config("  big: 18446744073709551615\n"))


@pytest.mark.parametrize(("text", "lines"), [
    ("config:\n  s1: 2.0\n", ["line 2: cannot unmarshal !!int `2` into workspace.ProjectConfigType"]),
    ('author: "a\\nb\\nc"\nconfig:\n  s1: 2.0\n',  # written before config, as a block of three lines
     ["line 6: cannot unmarshal !!int `2` into workspace.ProjectConfigType"]),
    ("config:\n  a10: 2.0\n  a2: [1, 2]\n  a1: x\n  b: 1e21\n",
     ["line 8: cannot unmarshal !!int `2` into workspace.ProjectConfigType",
      "line 9: cannot unmarshal !!float `1e+21` into workspace.ProjectConfigType"]),
    ("config:\n  a:\n    type: array\n    items:\n      type:\n        type: string\n  b: 3.0\n",
     ["line 5: cannot unmarshal !!map into string",  # items (written before type) holds that map from line 5
      "line 7: cannot unmarshal !!int `3` into workspace.ProjectConfigType"]),
])
def test_what_the_cli_cannot_read_back_after_rewriting_shorthands(text: str, lines: list[str]) -> None:
    with pytest.raises(StackYamlError) as error:
        project_declarations(load_document("name: shop\nruntime: python\n" + text, "Pulumi.yaml"), "Pulumi.yaml")
    assert error.value.cli_text == "yaml: unmarshal errors:" + "".join(f"\n  {line}" for line in lines)
