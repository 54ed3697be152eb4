"""Where yaml.v3's encoder puts things, as the Pulumi CLI encodes a document it reads back (its messages then name
lines of that text): the order it writes a mapping's keys in, and the lines a value takes.

Sources: gopkg.in/yaml.v3 v3.0.1, sorter.go (``keyList.Less``), encode.go (``stringv``: a text with a line
break is written as a literal block), emitterc.go (``yaml_emitter_analyze_scalar``: when a block is not
allowed, and the text is double-quoted on one line instead); block style throughout, no line width limit
(``best_width`` -1).
"""

from __future__ import annotations

import base64
import functools
import unicodedata
from collections.abc import Iterable, Mapping


def key_order(keys: Iterable[str]) -> list[str]:
    """``keys`` in the order yaml.v3 writes a mapping's string keys: letters by code point, a run of digits by its
    number, letters before other characters (after them when following a digit)."""
    def compare(a: str, b: str) -> int:
        return -1 if _less(a, b) else 1 if _less(b, a) else 0

    return sorted(keys, key=functools.cmp_to_key(compare))


def entry_lines(key: str, value: object) -> int:
    """The lines a mapping entry ``key: value`` takes. A key longer than 128 bytes, or of several lines, is no simple
    key: it is written on lines of its own (``? key``), and the value from the line after it (``: value``, where a
    collection starts as a sequence item does)."""
    return _value_lines(value) if _simple_key(key) else scalar_lines(key) + _item_lines(value)


def lines_before(mapping: Mapping[str, object], key: str) -> int:
    """The lines the entries written before ``key``'s take in ``mapping``."""
    order = key_order(mapping)
    return sum(entry_lines(name, mapping[name]) for name in order[:order.index(key)])


def scalar_lines(value: object) -> int:
    """The lines a scalar takes from where it starts: one, unless it is a text written over several lines, as a
    literal block (a text with a line feed: its header, then its lines) or single-quoted (a text with a line or
    paragraph separator and no line feed: one line more for each)."""
    if not isinstance(value, str):
        return 1
    if _invalid_utf8(value):  # written as base64 (!!binary), in lines of 70 characters once it has 70
        encoded = len(base64.b64encode(value.encode("utf-8", "surrogateescape")))
        return 1 + -(-encoded // 70) if encoded >= 70 else 1
    breaks = sum(value.count(char) for char in _BREAKS)
    if "\n" in value:
        if not _block_allowed(value):
            return 1  # double-quoted instead
        return 1 + breaks + (not value.endswith(_BREAKS)) - value.startswith(_BREAKS)
    if breaks and _single_quoted_allowed(value):
        return 1 + breaks
    return 1


#: The line breaks a literal block or a single-quoted text writes as such (a carriage return or NEL cannot be
#: printed: their text is double-quoted).
_BREAKS = ("\n", "\u2028", "\u2029")
#: Every character YAML reads as a line break (is_break, yamlprivateh.go).
_ANY_BREAK = (*_BREAKS, "\r", "\x85")


def _value_lines(value: object) -> int:
    if isinstance(value, Mapping) and value:
        return 1 + sum(entry_lines(str(key), item) for key, item in value.items())
    if isinstance(value, list) and value:
        return 1 + sum(_item_lines(item) for item in value)
    return scalar_lines(value)


def _item_lines(value: object) -> int:
    # A sequence item that is a collection starts on the dash's line.
    if isinstance(value, Mapping) and value:
        return sum(entry_lines(str(key), item) for key, item in value.items())
    if isinstance(value, list) and value:
        return sum(_item_lines(item) for item in value)
    return scalar_lines(value)


def _simple_key(key: str) -> bool:
    """``yaml_emitter_check_simple_key``: one line, and at most 128 bytes with its tag."""
    if _invalid_utf8(key):
        return len("!!binary") + len(base64.b64encode(key.encode("utf-8", "surrogateescape"))) <= 128
    return not any(char in key for char in _ANY_BREAK) and len(key.encode()) <= 128


def _invalid_utf8(text: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in text)  # bytes the YAML reader kept as surrogates


def _block_allowed(text: str) -> bool:
    """``yaml_emitter_analyze_scalar``: no block for a text ending in a space, with a space before a line break, or
    with a character YAML cannot print."""
    return not (text.endswith(" ") or _space_break(text) or _special(text))


def _single_quoted_allowed(text: str) -> bool:
    """No single quotes either for a text with a tab, a space after a line break, or what blocks refuse but a
    trailing space."""
    return not (_space_break(text) or _special(text) or "\t" in text
                or any(f"{char} " in text for char in _ANY_BREAK))


def _space_break(text: str) -> bool:
    return any(f" {char}" in text for char in _ANY_BREAK)


def _special(text: str) -> bool:
    return not all(char == "\t" or _printable(char) for char in text)


def _printable(char: str) -> bool:
    # is_printable (yamlprivateh.go), byte by byte: line feed, #x20-#x7E, #xA0-#xD7FF, #xE000-#xFFFD except the BOM;
    # not NEL nor anything from #x10000 on.
    code = ord(char)
    return code == 0x0A or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or (0xE000 <= code <= 0xFFFD
                                                                               and code != 0xFEFF)


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
