"""Where yaml.v3's encoder puts things, as the Pulumi CLI encodes a document it reads back (its messages then name
lines of that text): the order it writes a mapping's keys in, and the lines a value takes.

Sources: gopkg.in/yaml.v3 v3.0.1, sorter.go (``keyList.Less``), encode.go (``stringv``: a text with a line
break is written as a literal block), emitterc.go (``yaml_emitter_analyze_scalar``: when a block is not
allowed, and the text is double-quoted on one line instead); block style throughout, no line width limit
(``best_width`` -1).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Mapping


def key_order(keys: Iterable[str]) -> list[str]:
    """``keys`` in the order yaml.v3 writes a mapping's string keys: letters by code point, a run of digits by its
    number, letters before other characters (after them when following a digit)."""
    def compare(a: str, b: str) -> int:
        return -1 if _less(a, b) else 1 if _less(b, a) else 0

    return sorted(keys, key=functools.cmp_to_key(compare))


def entry_lines(value: object) -> int:
    """The lines a mapping entry ``key: value`` takes (the key's line included)."""
    if isinstance(value, Mapping) and value:
        return 1 + sum(entry_lines(item) for item in value.values())
    if isinstance(value, list) and value:
        return 1 + sum(_item_lines(item) for item in value)
    return 1 + _block_lines(value)


def lines_before(mapping: Mapping[str, object], key: str) -> int:
    """The lines the entries written before ``key``'s take in ``mapping``."""
    order = key_order(mapping)
    return sum(entry_lines(mapping[name]) for name in order[:order.index(key)])


def _item_lines(value: object) -> int:
    # A sequence item that is a collection starts on the dash's line.
    if isinstance(value, Mapping) and value:
        return sum(entry_lines(item) for item in value.values())
    if isinstance(value, list) and value:
        return sum(_item_lines(item) for item in value)
    return 1 + _block_lines(value)


def _block_lines(value: object) -> int:
    """The lines of a literal block under its indicator: none for a scalar written on the indicator's line."""
    if not isinstance(value, str) or "\n" not in value or not _block_allowed(value):
        return 0
    return value.count("\n") + (0 if value.endswith("\n") else 1)


def _block_allowed(text: str) -> bool:
    """A block scalar is refused for a text ending in a space, with a space before a line break, or with a
    character YAML cannot print."""
    if text.endswith(" ") or " \n" in text:
        return False
    return all(char in "\t\n" or _printable(char) for char in text)


def _printable(char: str) -> bool:
    # is_printable (yamlprivateh.go): #x20-#x7E, #x85, #xA0-#xD7FF, #xE000-#xFFFD except the BOM, #x10000 and up.
    code = ord(char)
    return (0x20 <= code <= 0x7E or code == 0x85 or 0xA0 <= code <= 0xD7FF
            or (0xE000 <= code <= 0xFFFD and code != 0xFEFF) or code >= 0x10000)


def _less(a: str, b: str) -> bool:
    """``keyList.Less`` for two strings (sorter.go:27-95)."""
    digits = False
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            digits = _is_digit(a[i])
            continue
        a_letter, b_letter = _is_letter(a[i]), _is_letter(b[i])
        if a_letter and b_letter:
            return a[i] < b[i]
        if a_letter or b_letter:
            return a_letter if digits else b_letter
        a_number = b_number = 0
        if a[i] == "0" or b[i] == "0":
            for j in range(i - 1, -1, -1):
                if not _is_digit(a[j]):
                    break
                if a[j] != "0":
                    a_number = b_number = 1
                    break
        a_end, a_number = _digit_run(a, i, a_number)
        b_end, b_number = _digit_run(b, i, b_number)
        if a_number != b_number:
            return a_number < b_number
        if a_end != b_end:
            return a_end < b_end
        return a[i] < b[i]
    return len(a) < len(b)


def _digit_run(text: str, start: int, number: int) -> tuple[int, int]:
    end = start
    while end < len(text) and _is_digit(text[end]):
        number = (number * 10 + ord(text[end]) - ord("0")) & 0xFFFFFFFFFFFFFFFF  # int64 arithmetic wraps
        end += 1
    return end, number - (1 << 64) if number >= 1 << 63 else number


def _is_digit(char: str) -> bool:
    return unicodedata.category(char) == "Nd"  # unicode.IsDigit


def _is_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L")  # unicode.IsLetter
