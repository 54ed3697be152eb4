"""Text as Go's strconv writes it into the Pulumi CLI's messages (Go's src/strconv/quote.go, atoi.go)."""

from __future__ import annotations

_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
            "\\": "\\\\", '"': '\\"'}
_INT64 = 2**63


def quote(text: str) -> str:
    """``strconv.Quote`` (also ``%q`` and ``%#v`` of a string): printable characters as they are (Go's
    ``unicode.IsPrint``, Python's ``str.isprintable``: neither takes a control, format or separator character
    other than the space), the rest escaped. A lone surrogate (bytes that were not UTF-8) is its byte, ``\\xNN``."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char.isprintable():
            out.append(char)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out) + '"'


def parse_int(text: str) -> int:
    """``strconv.ParseInt(text, 10, 64)``: an optional sign and decimal digits, in int64. Raises ``ValueError``
    with Go's message (``strconv.ParseInt: parsing "x": invalid syntax`` / ``value out of range``); as Go, a
    number already out of range at a digit is a range error whatever follows it."""
    body = text[1:] if text[:1] in ("+", "-") else text
    value = 0
    for char in body:
        if not "0" <= char <= "9":
            break
        value = value * 10 + ord(char) - ord("0")
        if value >= 2**64:
            raise ValueError(f"strconv.ParseInt: parsing {quote(text)}: value out of range")
    else:
        if body:
            value = -value if text[0] == "-" else value
            if -_INT64 <= value < _INT64:
                return value
            raise ValueError(f"strconv.ParseInt: parsing {quote(text)}: value out of range")
    raise ValueError(f"strconv.ParseInt: parsing {quote(text)}: invalid syntax")
