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
    program_config,
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
        check_project_schema({"name": "shop", "main": 1}, "Pulumi.yaml")
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


@pytest.mark.parametrize(("key", "shown"), [
    ("1", "%!s(int=1)"), ("true", "%!s(bool=true)"), ("1.5", "%!s(float64=1.5)"), ("~", "%!s(<nil>)"),
    ("18446744073709551615", "%!s(uint64=18446744073709551615)"),
    ("!!timestamp 2001-01-01", "2001-01-01 00:00:00 +0000 UTC"),
])
def test_a_project_key_that_is_not_text(key: str, shown: str) -> None:
    with pytest.raises(StackYamlError) as error:
        check_project_schema(load_document(f"name: shop\n{key}: x\n", "Pulumi.yaml"), "Pulumi.yaml")
    assert error.value.cli_text == f"could not validate 'Pulumi.yaml': expected only string keys, got '{shown}'"


@pytest.mark.parametrize("text", ["  1: a\n", "  k:\n    ~: 1\n", "  k:\n    ? !!binary YWJj\n    : 1\n"])
def test_a_mapping_keyed_by_what_is_not_text_stops_the_check(text: str) -> None:
    with pytest.raises(InvalidJsonTypeError) as error:
        violations(_config(text))
    assert str(error.value) == "jsonschema: invalid jsonType: map[interface {}]interface {}"


def test_a_key_of_another_namespace_gives_its_value() -> None:
    with pytest.raises(StackYamlError) as error:
        project_declarations(_config("  aws:region:\n    description: where\n"), "Pulumi.yaml")
    assert error.value.cli_text == ("could not unmarshal 'Pulumi.yaml': Configuration key 'aws:region' is namespaced "
                                    "and must provide an attribute 'value'")


def test_a_value_over_ten_bytes_is_cut_as_yaml_v3_quotes_it() -> None:
    with pytest.raises(StackYamlError) as error:
        project_declarations(_config("  a: 12345678901.0\n"), "Pulumi.yaml")
    assert error.value.cli_text == ("yaml: unmarshal errors:\n  line 2: cannot unmarshal !!float `1.23456...` into "
                                    "workspace.ProjectConfigType")


@pytest.mark.parametrize(("text", "message"), [
    ("- shop\n", "expected project to be an object, was '[]interface {}'"),
    ("1.5\n", "expected project to be an object, was 'float64'"),
    ("nmae: shop\n", "project is missing a 'name' attribute; found 'nmae' instead"),
    ("Name: shop\n", "project is missing a 'name' attribute; found 'Name' instead"),
    ("description: shop\n", "project is missing a 'name' attribute"),
    ("name: 5\n", "project is missing a non-empty string 'name' attribute"),
    ("name: ''\n", "project is missing a non-empty string 'name' attribute"),
])
def test_the_document_and_its_name_before_the_schema(text: str, message: str) -> None:
    with pytest.raises(StackYamlError) as error:
        check_project_schema(load_document(text, "Pulumi.yaml"), "Pulumi.yaml")
    assert error.value.cli_text == f"could not validate 'Pulumi.yaml': {message}"


@pytest.mark.parametrize(("text", "errors"), [
    ("description: 5\n", ["#/description: expected string or null, but got number"]),
    ("runtime:\n  name: python\n  optins: {}\n", [
        "#/runtime: oneOf failed", "#/runtime: expected string, but got object",
        "#/runtime: additionalProperties 'optins' not allowed"]),  # no hint: the runtime's schema names no attribute
    ("runtime: ''\n", ["#/runtime: oneOf failed", "#/runtime: length must be >= 1, but got 0",
                       "#/runtime: expected object, but got string"]),
    ("backend:\n  ulr: x\n", ["#/backend: additionalProperties 'ulr' not allowed; did you mean 'url'?"]),
    ("options:\n  refresh: never\n", ['#/options/refresh: value must be "always"']),
    ("template:\n  quick: x\n", ["#/template: additionalProperties 'quick' not allowed; the allowed attributes are "
                                "'config', 'description', 'displayName', 'important', 'metadata' and 'quickstart'"]),
    ("plugins:\n  providers:\n    - name: a\n      verson: 1\n", [
        "#/plugins/providers/0: doesn't validate with '/$defs/pluginOptions'",
        "#/plugins/providers/0: missing properties: 'path'",
        "#/plugins/providers/0: additionalProperties 'verson' not allowed; did you mean 'version'?"]),
    ("packages:\n  p:\n    source: x\n    foo: 1\n", [  # under a map's keys: no hint
        "#/packages/p: oneOf failed", "#/packages/p: expected string, but got object",
        "#/packages/p: doesn't validate with '/$defs/packageSpec'",
        "#/packages/p: additionalProperties 'foo' not allowed"]),
])
def test_the_rest_of_the_project_schema(text: str, errors: list[str]) -> None:
    document = load_document("name: shop\n" + text, "Pulumi.yaml")
    assert isinstance(document, dict)
    assert violations(document) == errors


def test_a_project_key_is_parsed_as_the_stack_s_keys_are() -> None:
    with pytest.raises(StackYamlError) as error:
        program_config("name: shop\nconfig:\n  a:b:c: 1\n", "Pulumi.yaml", "config: {}\n", "Pulumi.dev.yaml",
                       stack="dev", decrypt=str)
    assert error.value.cli_text == ("validating stack config: could not parse a:b:c as a configuration key "
                                    "(configuration keys should be of the form `<namespace>:<name>`)")


def test_a_mapping_keyed_by_what_is_not_text_where_no_type_is_asked() -> None:
    # The validator applies object keywords to map[string]any only: under template.config, no type is asked.
    assert violations(_config("  a: b\ntemplate:\n  config:\n    k:\n      ~: 1\n      x: 2\n")) == []
