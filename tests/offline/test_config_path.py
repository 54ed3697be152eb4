"""Pulumi.yaml config keys as paths (pilothouse.offline.config_path) and Go's strconv text (go_text).

What the CLI does with whole projects is in tests/fixtures/stack_config/corpus.json (the ``path/`` cases, recorded
from Pulumi CLI v3.274.1); the strconv figures below were printed by Go's own strconv.Quote and ParseInt."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pilothouse.offline import config_path, go_text
from pilothouse.offline.config_path import ABSENT, ConfigPathError

# What Go's strconv printed for each input: Quote, and ParseInt(s, 10, 64)'s error ("" when it parsed).
GO_STRCONV = {
    "": ('""', 'strconv.ParseInt: parsing "": invalid syntax'),
    "\a\b\v\f\r": ('"\\a\\b\\v\\f\\r"', 'strconv.ParseInt: parsing "\\a\\b\\v\\f\\r": invalid syntax'),
    "+": ('"+"', 'strconv.ParseInt: parsing "+": invalid syntax'),
    "+5": ('"+5"', ""),
    "-9223372036854775808": ('"-9223372036854775808"', ""),
    "-9223372036854775809": ('"-9223372036854775809"',
                             'strconv.ParseInt: parsing "-9223372036854775809": value out of range'),
    "9223372036854775808": ('"9223372036854775808"',
                            'strconv.ParseInt: parsing "9223372036854775808": value out of range'),
    "18446744073709551616x": ('"18446744073709551616x"',
                              'strconv.ParseInt: parsing "18446744073709551616x": value out of range'),
    "1844674407370955161x": ('"1844674407370955161x"',
                             'strconv.ParseInt: parsing "1844674407370955161x": invalid syntax'),
    'q"b\\\\': ('"q\\"b\\\\\\\\"', 'strconv.ParseInt: parsing "q\\"b\\\\\\\\": invalid syntax'),
    "tab\tnl\n": ('"tab\\tnl\\n"', 'strconv.ParseInt: parsing "tab\\tnl\\n": invalid syntax'),
    "x\x00y": ('"x\\x00y"', 'strconv.ParseInt: parsing "x\\x00y": invalid syntax'),
    "\x7f": ('"\\x7f"', 'strconv.ParseInt: parsing "\\x7f": invalid syntax'),
    "\x85": ('"\\u0085"', 'strconv.ParseInt: parsing "\\u0085": invalid syntax'),
    "\xad": ('"\\u00ad"', 'strconv.ParseInt: parsing "\\u00ad": invalid syntax'),
    "é": ('"é"', 'strconv.ParseInt: parsing "é": invalid syntax'),
    "\u0661": ('"\u0661"', 'strconv.ParseInt: parsing "\u0661": invalid syntax'),  # not a digit to Go
    "\u200b": ('"\\u200b"', 'strconv.ParseInt: parsing "\\u200b": invalid syntax'),
    "\u2028": ('"\\u2028"', 'strconv.ParseInt: parsing "\\u2028": invalid syntax'),
    "\u3000": ('"\\u3000"', 'strconv.ParseInt: parsing "\\u3000": invalid syntax'),
    "\ue000": ('"\\ue000"', 'strconv.ParseInt: parsing "\\ue000": invalid syntax'),
    "\ufeff": ('"\\ufeff"', 'strconv.ParseInt: parsing "\\ufeff": invalid syntax'),
    "\U0001f600": ('"\U0001f600"', 'strconv.ParseInt: parsing "\U0001f600": invalid syntax'),
}


@pytest.mark.parametrize("text", GO_STRCONV)
def test_strconv_as_go_prints_it(text: str) -> None:
    quoted, error = GO_STRCONV[text]
    assert go_text.quote(text) == quoted
    if error:
        with pytest.raises(ValueError, match=r"^strconv\.ParseInt: ") as raised:
            go_text.parse_int(text)
        assert str(raised.value) == error
    else:
        assert go_text.parse_int(text) == int(text)


@pytest.mark.parametrize(("text", "path"), [
    ("a", ("a",)), ("a.b", ("a", "b")), ("a[0]", ("a", 0)), ('a["x.y"]', ("a", "x.y")), ('a["x\\"y"]', ("a", 'x"y')),
    ("a..b", ("a", "b")), ('a["b"]c', ("a", "b", "c")), ("a[*]", ("a", "*")), ("a[-1]", ("a", -1)),
    ("a[+1]", ("a", 1)), ('[""]', ("",)), ("é.ü", ("é", "ü")), ("a b.c d", ("a b", "c d")), ("", ()),
])
def test_paths_the_cli_parses(text: str, path: config_path.Path) -> None:
    assert config_path.parse(text) == path


@pytest.mark.parametrize(("text", "message"), [
    (".a", "expected property path to start with a name or index"),
    ("a.", "expected property path to end with a name or index"),
    ("a.[0]", "expected property name after '.'"),
    ("a[", "missing closing bracket in array index"),
    ('a["x', "missing closing quote in property name"),
    ('a["x"y', "missing closing bracket in property access"),
    ("a[x]", 'invalid array index: strconv.ParseInt: parsing "x": invalid syntax'),
    ("a[]", 'invalid array index: strconv.ParseInt: parsing "": invalid syntax'),
])
def test_paths_the_cli_refuses(text: str, message: str) -> None:
    with pytest.raises(ConfigPathError) as error:
        config_path.parse(text)
    assert str(error.value) == message


@pytest.mark.parametrize(("name", "message"), [
    ("", "empty config key path"),
    ("[0]", "first path segement of config key must be a string"),
    ('[""]', "config key is empty"),
    ("a[", "invalid config key path: missing closing bracket in array index"),
])
def test_key_paths_the_cli_refuses(name: str, message: str) -> None:
    with pytest.raises(ConfigPathError) as error:
        config_path.key_path(name)
    assert str(error.value) == message


_NAMES = st.text(min_size=1).filter(lambda name: not name.endswith("\\"))
_PATHS = st.tuples(_NAMES, st.lists(st.one_of(_NAMES, st.integers(0, 2**63 - 1)), max_size=4))


@given(_PATHS)
def test_a_path_written_as_the_cli_writes_it_reads_back(parts: tuple[str, list[config_path.Element]]) -> None:
    # A name that ends in a backslash does not read back in the CLI either: its quote would be escaped.
    path = (parts[0], *parts[1])
    assert config_path.parse(config_path.text(path)) == path


_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3))
_VALUES = st.recursive(_LEAVES, lambda children: st.one_of(
    st.lists(children, max_size=3), st.dictionaries(st.sampled_from("abc"), children, max_size=3)), max_leaves=8)
_STEPS = st.lists(st.one_of(st.sampled_from("abc"), st.integers(0, 3)), min_size=1, max_size=3)


@given(_VALUES | st.just(ABSENT), _STEPS, _LEAVES)
def test_what_is_put_is_got_and_the_value_given_is_not_changed(root: object, steps: list[config_path.Element],
                                                                new: object) -> None:
    before = repr(root)
    try:
        changed = config_path.put(root, "k", tuple(steps), new)
    except ConfigPathError:
        return
    assert config_path.get(changed, tuple(steps)) == new
    assert repr(root) == before


def test_an_index_that_would_make_a_huge_array_is_refused() -> None:
    assert config_path.put(ABSENT, "a", (2,), 1) == [None, None, 1]
    with pytest.raises(ConfigPathError) as error:
        config_path.put(ABSENT, "a", (config_path.MAX_NEW_ITEMS,), 1)
    assert str(error.value) == ("a[10000]: array index too large to render offline (the CLI makes an array of "
                                "10001 items)")


def test_a_path_deeper_than_the_render_walks_is_refused() -> None:
    assert len(config_path.key_path("a" + "[0]" * 199)) == config_path.MAX_PATH_ELEMENTS
    with pytest.raises(ConfigPathError) as error:
        config_path.key_path("a" + "[0]" * 200)
    assert str(error.value) == "a path of 201 elements: the render takes at most 200 (the CLI takes more)"
