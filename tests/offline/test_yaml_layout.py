"""yaml.v3's layout as the Pulumi CLI writes a project back (pilothouse.offline.yaml_layout). The orders and line
counts here are the ones tests/e2e/test_project_config.py saw the real CLI name."""

from __future__ import annotations

import pytest

from pilothouse.offline.yaml_layout import entry_lines, key_order, lines_before


def test_keys_in_yaml_v3s_order() -> None:
    keys = ["x9a", "x9", "x10", "xa", "x_", "x09", "x", "X", "x0", "x00", "é", "e", "x\u0663", "x3"]
    assert key_order(keys) == ["X", "e", "x", "x_", "x0", "x00", "x3", "x9", "x9a", "x09", "x10", "x\u0663", "xa",
                               "é"]


@pytest.mark.parametrize(("value", "lines"), [
    ("text", 1), (2, 1), (None, 1), ([], 1), ({}, 1),
    ("l1\nl2\nl3", 4),  # a literal block under its indicator
    ("l1\nl2\n", 3), ("a\n\nb", 4), ("a\n\n", 3),
    ("\nb", 2), ("\n\nb", 3), ("\n", 1), ("\n\n\n", 3),  # a leading line break takes no line of its own
    ("x\ny\u2028z", 4), ("a\nb\u2029", 3), ("\u2028\nb", 3),  # separators break a block's lines too
    ("x\u2028y", 2), ("\u2028x", 2), ("x\u2028\u2028y", 3), ("x\u2029y\u2028z", 3),  # single-quoted
    ("x \u2028y", 1), ("x\u2028 y", 1), ("x\t\u2028y", 1),  # double-quoted instead
    ("l1 \nl2", 1), ("x\u0001\nz", 1), ("ends in a space\n ", 1), ("x\ny\x85", 1), ("x\ny\U0001f600", 1),
    ("x\ty\nz", 3),
    ("\udcff" * 60, 1 + 2),  # not UTF-8: base64 (!!binary), 80 characters in lines of 70
    ("\udcff" * 51, 1),
    ([1, [2, 3], {"a": 1, "b": [4]}, {}], 1 + 1 + 2 + 3 + 1),  # a collection item starts on the dash's line
    ({"a": {"b": {"c": 1}}, "d": [1, 2]}, 1 + 3 + 3),
])
def test_the_lines_an_entry_takes(value: object, lines: int) -> None:
    assert entry_lines("key", value) == lines


@pytest.mark.parametrize(("key", "value", "lines"), [
    ("k" * 128, "x", 1),
    ("k" * 129, "x", 2),  # ? key, then : value
    ("é" * 65, "x", 2),  # 130 bytes
    ("k" * 129, {"type": "string", "default": "x"}, 3),  # the value's first entry on the ':' line
    ("a\nb", {"default": "x"}, 4),  # a literal block key
    ("a\u2028b", {"default": "x"}, 3),
])
def test_a_key_that_is_not_simple_takes_lines_of_its_own(key: str, value: object, lines: int) -> None:
    assert entry_lines(key, value) == lines


def test_the_lines_before_a_key_count_the_entries_written_first() -> None:
    mapping = {"b": [1, 2], "a10": "x", "a2": {"default": "l1\nl2"}, "c": 1}
    assert lines_before(mapping, "a10") == 4  # a2: its key, default's, two lines of text
    assert lines_before(mapping, "c") == 4 + 1 + 3
