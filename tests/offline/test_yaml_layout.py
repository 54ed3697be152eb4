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
    ("l1\nl2\n", 3),
    ("l1 \nl2", 1), ("x\u0001\nz", 1), ("ends in a space\n ", 1),  # no block allowed: double-quoted
    ("x\ty\nz", 3),
    ([1, [2, 3], {"a": 1, "b": [4]}, {}], 1 + 1 + 2 + 3 + 1),  # a collection item starts on the dash's line
    ({"a": {"b": {"c": 1}}, "d": [1, 2]}, 1 + 3 + 3),
])
def test_the_lines_an_entry_takes(value: object, lines: int) -> None:
    assert entry_lines(value) == lines


def test_the_lines_before_a_key_count_the_entries_written_first() -> None:
    mapping = {"b": [1, 2], "a10": "x", "a2": {"default": "l1\nl2"}, "c": 1}
    assert lines_before(mapping, "a10") == 4  # a2: its key, default's, two lines of text
    assert lines_before(mapping, "c") == 4 + 1 + 3
