"""Pulumi stack files read as the Pulumi CLI (v3.274.1) reads them, down to the text the program receives.

The CLI decodes ``Pulumi.<stack>.yaml`` with Go's gopkg.in/yaml.v3 v3.0.1, re-encodes it, decodes it again
(sdk/go/common/workspace/loaders.go:173-233) and turns each top-level config value into text
(sdk/go/common/resource/config/object.go:403-419). This module follows those rules on top of PyYAML's
scanner, parser and composer (with libyaml's tab rules), with its own resolver and constructor.

Citations: ``Y3`` = gopkg.in/yaml.v3@v3.0.1, ``SDK`` = pulumi/sdk/v3@v3.274.1/go/common, ``GOJSON`` = Go's
encoding/json/encode.go, ``STRCONV`` = Go's strconv/ftoa.go.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple

from yaml.composer import Composer
from yaml.error import MarkedYAMLError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.scanner import Scanner, ScannerError

from pilothouse.offline import ciphertext, config_path, go_text, project_schema, yaml_layout

_CONFIG_KEY_FORM = "(configuration keys should be of the form `<namespace>:<name>`)"


class StackYamlError(ValueError):
    """What the CLI refuses in a project or stack file. ``cli_text`` is the CLI's own message after ``error: ``
    (may span lines); ``line`` the line the CLI names, if any; ``str()`` is one line naming the file."""

    def __init__(self, file_name: str, cli_text: str, line: int | None = None, where: str = "") -> None:
        self.file_name, self.cli_text, self.line, self.where = file_name, cli_text, line, where
        super().__init__(f"{file_name}: {cli_text.replace(chr(10) + '  ', ' ')}{where}")

    def within(self, stage: str) -> StackYamlError:
        """The same error as the CLI prints it from ``stage`` (e.g. ``getting stack configuration: ``)."""
        return StackYamlError(self.file_name, stage + self.cli_text, self.line, self.where)


@dataclass(frozen=True)
class GoTime:
    """A ``time.Time`` as yaml.v3 resolves a timestamp (Y3/resolve.go:294-330); local time taken as UTC."""

    GO_TYPE: ClassVar[str] = "time.Time"  # what a JSON schema validator calls it (no JSON type)

    moment: dt.datetime  # naive, wall clock at ``offset``
    nanos: int
    offset: int  # seconds east of UTC

    def _zone(self, sep: str) -> str:
        sign, rest = ("-", -self.offset) if self.offset < 0 else ("+", self.offset)
        return f"{sign}{rest // 3600:02d}{sep}{rest % 3600 // 60:02d}"

    def _fraction(self) -> str:
        return f".{self.nanos:09d}".rstrip("0") if self.nanos else ""

    def string(self) -> str:
        """Go's ``Time.String()`` ("2006-01-02 15:04:05.999999999 -0700 MST"), as object.go:490-491 uses it."""
        name = "UTC" if self.offset == 0 else self._zone("")
        return f"{self.moment:%Y-%m-%d %H:%M:%S}{self._fraction()} {self._zone('')} {name}"

    def rfc3339(self) -> str:
        """``time.RFC3339Nano``, as yaml.v3 (Y3/encode.go:385-389) and encoding/json write a time."""
        zone = "Z" if self.offset == 0 else self._zone(":")
        return f"{self.moment:%Y-%m-%dT%H:%M:%S}{self._fraction()}{zone}"


@dataclass(frozen=True)
class Secure:
    """A ``secure:`` ciphertext: a map of exactly one key ``secure`` with a string value (object.go:541-550)."""

    ciphertext: str


class AnyKeyMap(dict[str | None, Any]):
    """A mapping with a key that is not a string: yaml.v3 decodes it as ``map[any]any`` (Y3/decode.go:790-795,
    864-876). Keys are kept as Go's ``fmt.Sprintf("%v")`` text after the round trip (object.go:505-510); a null
    key is ``None``."""

    GO_TYPE: ClassVar[str] = "map[interface {}]interface {}"  # what a JSON schema validator calls it (no JSON type)
    #: The first key, as decoded, that is not a Go string (``None`` for a null key; :data:`NO_KEY` if every key
    #: decodes to a string, as a ``!!binary`` key does).
    foreign_key: object = None

    @classmethod
    def keyed_by(cls, keys: list[object]) -> AnyKeyMap:
        """An empty map that will hold ``keys`` (as decoded)."""
        out = cls()
        out.foreign_key = next((key for key in keys if not isinstance(key, str)), NO_KEY)
        return out

    def remapped(self, items: Iterable[tuple[str | None, Any]]) -> AnyKeyMap:
        """A map of ``items`` decoded from the same keys as this one."""
        out = AnyKeyMap(items)
        out.foreign_key = self.foreign_key
        return out


def _remapped(value: dict[Any, Any], items: Iterable[tuple[Any, Any]]) -> dict[Any, Any]:
    """A map like ``value`` (an :class:`AnyKeyMap` stays one, with its keys' origin) holding ``items``."""
    return value.remapped(items) if isinstance(value, AnyKeyMap) else dict(items)


#: :attr:`AnyKeyMap.foreign_key` of a map whose keys all decode to strings.
NO_KEY = object()


# ---------------------------------------------------------------------------------------------- scanning
class _Scanner(Reader, Scanner):
    """PyYAML's scanner with libyaml's tab rules (Y3/scannerc.go:1549-1563, 2772-2790): tabs separate tokens
    in flow context and where no simple key may start (after ``key:``), and are blanks inside plain scalars."""

    def scan_to_next_token(self) -> None:
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        while True:
            while self.peek() == " " or (self.peek() == "\t" and (self.flow_level or not self.allow_simple_key)):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in "\0\r\n\x85\u2028\u2029":
                    self.forward()
            if not self.scan_line_break():  # type: ignore[no-untyped-call]
                return
            if not self.flow_level:
                self.allow_simple_key = True

    def scan_plain_spaces(self, indent: int, start_mark: Any) -> list[str] | None:
        length = 0
        while self.peek(length) in " \t":
            length += 1
        whitespaces = self.prefix(length)
        self.forward(length)
        if self.peek() not in "\r\n\x85\u2028\u2029":
            return [whitespaces] if whitespaces else []
        line_break: str = self.scan_line_break()  # type: ignore[no-untyped-call]
        self.allow_simple_key = True
        breaks: list[str] = []
        while True:
            if self.column == 0 and self.prefix(3) in ("---", "...") and self.peek(3) in "\0 \t\r\n\x85\u2028\u2029":
                return None
            if self.peek() == "\t" and self.column < indent:
                raise ScannerError("while scanning a plain scalar", start_mark,
                                   "found a tab character that violates indentation", self.get_mark())
            if self.peek() in " \t":
                self.forward()
            elif self.peek() in "\r\n\x85\u2028\u2029":
                breaks.append(self.scan_line_break())  # type: ignore[no-untyped-call]
            else:
                break
        if line_break != "\n":
            return [line_break, *breaks]
        return breaks or [" "]


class _NoResolver:
    """Leaves an untagged node's tag empty: resolution happens in :func:`_resolve`, as yaml.v3 does."""

    def __init__(self) -> None:
        pass

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: object, value: object, implicit: object) -> str:
        return ""


class _Loader(_Scanner, Parser, Composer, _NoResolver):
    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _NoResolver.__init__(self)


_LIBYAML_PROBLEMS = [  # PyYAML's wording (and context) -> libyaml's (Y3/parserc.go, Y3/scannerc.go)
    (r"expected <block end>, but found .*", "while parsing a block mapping", "did not find expected key"),
    (r"expected <block end>, but found .*", "while parsing a block collection", "did not find expected '-' indicator"),
    (r"expected the node content, but found .*", None, "did not find expected node content"),
    (r"expected (.*), but (got|found) .*", None, r"did not find expected \1"),
    (r"mapping values are not allowed here", None, "mapping values are not allowed in this context"),
    (r"found character .* that cannot start any token", None, "found character that cannot start any token"),
]


def _syntax_error(error: MarkedYAMLError, file_name: str) -> StackYamlError:
    """The line as yaml.v3 prints it (Y3/decode.go:112-138): the context mark's line if not 0, else the problem
    mark's; 0-based, plus one only for scanner errors; no line when both are 0."""
    problem = error.problem or "unknown problem parsing YAML content"
    for pattern, context, libyaml in _LIBYAML_PROBLEMS:
        if re.fullmatch(pattern, problem) and context in (None, error.context):
            problem = re.sub(pattern, libyaml, problem)
            break
    line = 0
    for mark in (error.context_mark, error.problem_mark):
        if mark is not None and mark.line != 0:
            line = mark.line + (1 if isinstance(error, ScannerError) else 0)
            break
    mark = error.problem_mark
    where = f" (found at line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    prefix = f"line {line}: " if line else ""
    return StackYamlError(file_name, f"invalid YAML file: yaml: {prefix}{problem}", line or None, where)


#: The nesting this reader follows (yaml.v3 allows 10000; a stack file needs a handful).
_MAX_DEPTH = 200


def _compose(text: str, file_name: str) -> Node | None:
    """The first document's node tree (yaml.v3's Unmarshal reads only the first document)."""
    if text.startswith("\ufeff"):  # loaders.go:31-49
        text = text[1:]
    try:
        loader = _Loader(text)
    except ReaderError:  # NUL and other control characters (Y3/readerc.go: "control characters are not allowed")
        raise StackYamlError(file_name, "invalid YAML file: yaml: control characters are not allowed") from None
    try:
        return loader.get_node() if loader.check_node() else None
    except MarkedYAMLError as error:
        raise _syntax_error(error, file_name) from None
    except ReaderError:
        raise StackYamlError(file_name, "invalid YAML file: yaml: control characters are not allowed") from None
    except RecursionError:  # yaml.v3 nests up to 10000 levels (Y3/parserc.go max_flow_level); Python's stack less
        raise StackYamlError(file_name, f"invalid YAML file: yaml: exceeded max depth of {_MAX_DEPTH}") from None
    finally:
        loader.dispose()


# ---------------------------------------------------------------------------------------------- resolving
_HINTS = {**dict.fromkeys("+-", "S"), **dict.fromkeys("0123456789", "D"), **dict.fromkeys("yYnNtTfFoO~", "M"), ".": "."}
_SPECIAL: dict[str, tuple[str, object]] = {  # Y3/resolve.go:47-69
    **dict.fromkeys(["true", "True", "TRUE"], ("!!bool", True)),
    **dict.fromkeys(["false", "False", "FALSE"], ("!!bool", False)),
    **dict.fromkeys(["", "~", "null", "Null", "NULL"], ("!!null", None)),
    **dict.fromkeys([".nan", ".NaN", ".NAN"], ("!!float", math.nan)),
    **dict.fromkeys([".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"], ("!!float", math.inf)),
    **dict.fromkeys(["-.inf", "-.Inf", "-.INF"], ("!!float", -math.inf)),
    "<<": ("!!merge", "<<"),
}
_RESOLVABLE = {"", "!!str", "!!bool", "!!int", "!!float", "!!null", "!!timestamp"}
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")  # resolve.go:123
_GO_INT = re.compile(r"([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)")
_INT64, _UINT64 = 2**63, 2**64
_TIMESTAMP = re.compile(  # the formats of resolve.go:294-301, as time.Parse reads them
    r"(\d{4})-(\d\d?)-(\d\d?)(?:(?:([Tt])|( ))(\d\d?):(\d\d?):(\d\d?)(?:[.,](\d+))?(Z|[+-]\d\d:\d\d)?)?")


def _go_parse_int(text: str, *, unsigned: bool) -> int | None:
    """``strconv.ParseInt(text, 0, 64)`` / ``ParseUint``: base prefixes, a leading 0 for octal."""
    match = _GO_INT.fullmatch(text)
    if match is None or (unsigned and match[1]):
        return None
    digits = match[2]
    base, body = 10, digits
    if len(digits) > 1 and digits[0] == "0":
        base = {"x": 16, "o": 8, "b": 2}.get(digits[1].lower(), 8)
        body = digits if digits[1].isdigit() else digits[2:]
    value = int(body, base)
    value = -value if match[1] == "-" else value
    if unsigned:
        return value if value < _UINT64 else None
    return value if -_INT64 <= value < _INT64 else None


def _go_parse_float(text: str) -> float | None:
    """``strconv.ParseFloat(text, 64)`` for YAML-style floats; out of range is an error (resolve.go:204-209)."""
    value = float(text)
    return None if math.isinf(value) else value


def _parse_timestamp(text: str) -> GoTime | None:
    """yaml.v3's ``parseTimestamp`` (resolve.go:306-330)."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None or (match[6] is not None and match[5] is not None and match[10] is not None):
        return None  # "2006-1-2 15:4:5" takes no zone
    if match[4] is not None and match[10] is None:
        return None  # "2006-1-2T15:4:5Z07:00" needs one
    year, month, day, hour, minute, second = (int(match[i] or 0) for i in (1, 2, 3, 6, 7, 8))
    try:
        moment = dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    offset = 0
    if match[10] and match[10] != "Z":
        offset = (1 if match[10][0] == "+" else -1) * (int(match[10][1:3]) * 3600 + int(match[10][4:6]) * 60)
    return GoTime(moment, int((match[9] or "0")[:9].ljust(9, "0")), offset)


def _resolve(tag: str, text: str) -> tuple[str, object]:
    """yaml.v3's ``resolve`` (Y3/resolve.go:125-265): YAML 1.2 core schema as yaml.v3 reads plain scalars."""
    if tag not in _RESOLVABLE:
        return tag, text
    rtag, out = ("!!str", text) if tag == "!!str" else _resolve_untagged(tag, text)
    if tag in ("", rtag, "!!str"):
        return rtag, out
    if tag == "!!float" and rtag == "!!int":
        return "!!float", float(out)  # type: ignore[arg-type]
    raise ValueError(f"cannot decode {rtag} `{text}` as a {tag}")


def _resolve_untagged(tag: str, text: str) -> tuple[str, object]:
    hint = _HINTS.get(text[:1], "N" if not text else "")
    if not hint:
        return "!!str", text
    if text in _SPECIAL:
        return _SPECIAL[text]
    if hint == "." and re.fullmatch(r"\.[0-9]+([eE][-+]?[0-9]+)?", text):
        value = _go_parse_float(text)
        if value is not None:
            return "!!float", value
    if hint in "DS":
        if tag in ("", "!!timestamp") and (moment := _parse_timestamp(text)) is not None:
            return "!!timestamp", moment
        plain = text.replace("_", "")
        for unsigned in (False, True):
            if (number := _go_parse_int(plain, unsigned=unsigned)) is not None:
                return "!!int", number
        if _YAML_FLOAT.fullmatch(plain) and (value := _go_parse_float(plain)) is not None:
            return "!!float", value
        sign, rest = ("-", plain[1:]) if plain.startswith("-") else ("", plain)
        if rest[:2] in ("0b", "0o") and re.fullmatch("[01]+" if rest[1] == "b" else "[0-7]+", rest[2:]):
            number = int(sign + rest[2:], 2 if rest[1] == "b" else 8)
            if -_INT64 <= number < (_INT64 if sign else _UINT64):
                return "!!int", number
    return "!!str", text


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _decode_binary(text: str) -> str:
    """``!!binary``: base64 (newlines ignored) to a Go string; bytes that are not UTF-8 kept as surrogates."""
    try:
        data = base64.b64decode(re.sub(r"[\r\n]", "", text), validate=True)
    except binascii.Error:
        raise ValueError("!!binary value contains invalid base64 data") from None
    return data.decode("utf-8", errors="surrogateescape")


# ---------------------------------------------------------------------------------------------- constructing
def _scalar(node: ScalarNode) -> object:
    """yaml.v3's ``decoder.scalar`` into ``any`` (Y3/decode.go:563-580): quoted and block scalars and ``!!str``
    are strings (``indicatedString``, yaml.go:463-467), ``!!binary`` is decoded, anything else resolved."""
    tag = _short_tag(node.tag) if node.tag not in ("", "!") else ""
    if node.style and not tag:
        return node.value
    rtag, value = _resolve(tag, node.value)
    return _decode_binary(node.value) if rtag == "!!binary" else value


def _go_key_text(key: object) -> str | None:
    """A non-string key's text once encoded and decoded again (Go's ``%v`` after the round trip)."""
    if key is None:
        return None
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, float):
        return str(_round_trip_float(key)) if math.isfinite(key) else go_format_g(key)
    if isinstance(key, GoTime):
        return key.string()
    return str(key)


class _Budget:
    """yaml.v3's guard against alias bombs (Y3/decode.go:413-440): once more than 400,000 nodes were decoded, or
    more than 4,000 through aliases, aliases may not account for more than a ratio of them that falls from 99% to
    10% as the document grows; also a bound on nesting."""

    def __init__(self) -> None:
        self.decoded = self.through_aliases = 0
        self.seen: dict[int, int] = {}

    def count(self, node: Node, depth: int, file_name: str) -> None:
        self.decoded += 1
        if id(node) in self.seen:  # a node reached again is an alias
            self.through_aliases += 1
        self.seen[id(node)] = 1
        if depth > _MAX_DEPTH:
            raise StackYamlError(file_name, f"invalid YAML file: yaml: exceeded max depth of {_MAX_DEPTH}")
        if self.through_aliases > 100 and self.decoded > 1000 and (
                self.through_aliases / self.decoded > _allowed_alias_ratio(self.decoded)):
            raise StackYamlError(file_name, "invalid YAML file: yaml: document contains excessive aliasing")


def _allowed_alias_ratio(decoded: int) -> float:
    """Y3/decode.go:413-430."""
    if decoded <= 400_000:
        return 0.99
    if decoded >= 4_000_000:
        return 0.10
    return 0.99 - 0.89 * (decoded - 400_000) / 3_600_000


def _construct(node: Node, file_name: str, budget: _Budget | None = None, depth: int = 0) -> object:
    """yaml.v3's decode into ``any``, pass 1 (Y3/decode.go:318-1000): duplicate keys are an error at any depth
    (decode.go:769-782), ``<<`` merges, keys that are not all strings give a ``map[any]any``."""
    budget = budget or _Budget()
    budget.count(node, depth, file_name)
    if isinstance(node, ScalarNode):
        try:
            return _scalar(node)
        except ValueError as error:
            raise StackYamlError(file_name, f"invalid YAML file: yaml: {error}", node.start_mark.line + 1) from None
    if isinstance(node, SequenceNode):
        return [_construct(item, file_name, budget, depth + 1) for item in node.value]
    assert isinstance(node, MappingNode)
    pairs: list[tuple[Node, Node]] = node.value
    first_seen: dict[str, Node] = {}
    for later, _ in pairs:
        if not isinstance(later, ScalarNode):
            continue
        first = first_seen.setdefault(later.value, later)
        if first is not later:
            line = later.start_mark.line + 1
            raise StackYamlError(file_name, f"yaml: unmarshal errors:\n  line {line}: mapping key "
                                 f"{go_text.quote(later.value)} already defined at line {first.start_mark.line + 1}",
                                 line)
    merges = [value for key, value in pairs if _is_merge(key)]
    keys = [(_construct(key, file_name, budget, depth + 1), value) for key, value in pairs if not _is_merge(key)]
    string_keys = all(isinstance(key, ScalarNode) and (_is_merge(key) or _is_string_key(key)) for key, _ in pairs)
    out: dict[Any, Any] = {} if string_keys else AnyKeyMap.keyed_by([key for key, _ in keys])
    for key, value in keys:
        if isinstance(key, (list, dict)):
            raise StackYamlError(file_name, f"invalid YAML file: yaml: invalid map key: {key!r}")
        out[key if string_keys else _go_key_text(key)] = _construct(value, file_name, budget, depth + 1)
    for merge in merges:
        sources = merge.value if isinstance(merge, SequenceNode) else [merge]
        for source in sources:
            merged = _construct(source, file_name, budget, depth + 1)
            if not isinstance(merged, dict):
                raise StackYamlError(file_name, "invalid YAML file: yaml: map merge requires map or sequence of maps "
                                     "as the value")
            for key, value in merged.items():
                out.setdefault(key, value)
    return out


def _is_string_key(node: ScalarNode) -> bool:
    """``isStringMap`` (Y3/decode.go:864-876): the key's tag, once resolved, is ``!!str``."""
    return (bool(node.style) and node.tag in ("", "!")) or _resolve(_short_tag(node.tag), node.value)[0] == "!!str"


def _is_merge(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.value == "<<" and not node.style and node.tag in ("", "!")


def load_document(text: str, file_name: str) -> object:
    """The first YAML document of ``text`` as yaml.v3 decodes it into ``any`` (loaders.go:181): ``None``, bool,
    int (int64 or uint64 range), float, str, :class:`GoTime`, list, dict (:class:`AnyKeyMap` when a key is not a
    string). Raises :class:`StackYamlError` where yaml.v3 refuses the text."""
    node = _compose(text, file_name)
    return None if node is None else _construct(node, file_name)


# ---------------------------------------------------------------------------------------------- numbers as text
def _digits(value: float) -> tuple[str, int]:
    """Shortest round-tripping decimal digits of ``abs(value)`` and the decimal point's position (STRCONV)."""
    _, digits, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    text = "".join(map(str, digits))
    return text, len(text) + int(exponent)


def _format_e(value: float) -> str:
    digits, point = _digits(value)
    exponent = point - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{'-' if value < 0 else ''}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _format_f(value: float) -> str:
    sign = "-" if math.copysign(1, value) < 0 else ""
    if value == 0:
        return sign + "0"
    digits, point = _digits(value)
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def go_format_g(value: float) -> str:
    """``strconv.FormatFloat(value, 'g', -1, 64)`` (STRCONV, %e when the exponent is < -4 or >= 6 for the
    shortest form), as yaml.v3 writes a float (Y3/encode.go:391-406, ``.inf``/``.nan`` there)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return _format_f(value)
    exponent = _digits(value)[1] - 1
    return _format_e(value) if exponent < -4 or exponent >= 6 else _format_f(value)


def _go_float_text(value: float) -> str:
    """A float as json's ``UnsupportedValueError`` names it; for a non-finite one, what ``%g`` writes."""
    return "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")


def _json_float(value: float, in_object: bool) -> str:
    """encoding/json's float text (GOJSON:571-603): %e below 1e-6 or from 1e21 on, exponent without a leading 0."""
    if not math.isfinite(value):
        called = "error calling MarshalJSON for type config.object: json: " if in_object else ""
        raise ValueError(f"could not unmarshal map: json: {called}unsupported value: {_go_float_text(value)}")
    if value != 0 and (abs(value) < 1e-6 or abs(value) >= 1e21):
        return re.sub(r"e([-+])0(\d)$", r"e\1\2", _format_e(value))
    return _format_f(value)


def _round_trip_float(value: float) -> int | float:
    """A float encoded by yaml.v3 and decoded again: ``1.0`` is written ``1`` and read back as an int."""
    if not math.isfinite(value):
        return value
    reread = _resolve("", go_format_g(value))[1]
    assert isinstance(reread, (int, float))
    return reread


# ---------------------------------------------------------------------------------------------- stack files
def _config_object(value: object) -> object:
    """Pass 2: a pass-1 value after the round trip, as ``unmarshalObject`` (object.go:467-527) keeps it: times
    become ``Time.String()`` text, floats may become ints, ``{secure: <string>}`` becomes :class:`Secure`."""
    if isinstance(value, float):
        return _round_trip_float(value)
    if isinstance(value, GoTime):
        return value.string()
    if isinstance(value, list):
        return [_config_object(item) for item in value]
    if isinstance(value, AnyKeyMap):
        return {("<nil>" if key is None else key): _config_object(item) for key, item in value.items()}
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("secure"), str):
            return Secure(value["secure"])
        return {key: _config_object(item) for key, item in value.items()}
    return value


def _parse_key(key: str) -> str:
    """``config.ParseKey`` (SDK/resource/config/key.go:45-70): ``ns:name`` or ``ns:config:name``."""
    parts = key.split(":")
    if len(parts) == 2 or (len(parts) == 3 and parts[1] == "config"):
        return f"{parts[0]}:{parts[-1]}"
    raise ValueError(f"could not parse {key} as a configuration key {_CONFIG_KEY_FORM}")


def _go_type_error(value: object) -> str:
    tag = {bool: "!!bool", int: "!!int", float: "!!float", GoTime: "!!timestamp"}.get(type(value), "!!str")
    text = go_format_g(value) if isinstance(value, float) else (
        value.rfc3339() if isinstance(value, GoTime) else str(value).lower() if isinstance(value, bool) else value)
    return f"cannot unmarshal {tag} `{_terror_text(str(text))}` into map[string]config.Value"


def _terror_text(text: str) -> str:
    """A scalar's text as yaml.v3's type errors quote it (``terror``, Y3/decode.go:350-363): over 10 bytes, its
    first 7 and ``...``."""
    data = text.encode("utf-8", "surrogateescape")
    return text if len(data) <= 10 else data[:7].decode("utf-8", "surrogateescape") + "..."


def stack_config(text: str, file_name: str, project: str) -> dict[str, object]:
    """The ``config:`` section of a stack file as the CLI's ``config.Map`` holds it (loaders.go:173-233): each
    namespaced key to its value after the round trip (str, bool, int, float, ``None`` for an empty value, list,
    dict, :class:`Secure`), sorted by key. Keys without ``:`` get ``<project>:`` (loaders.go:61-89) unless the
    section has a key that is not a string (then none does, and pass 2 refuses them)."""
    try:
        return _stack_config(text, file_name, project)
    except StackYamlError as error:
        raise error.within("getting stack configuration: ") from None


def _stack_config(text: str, file_name: str, project: str) -> dict[str, object]:
    node = _compose(text, file_name)
    document = None if node is None else _construct(node, file_name)
    if document is None:
        return {}
    if not isinstance(document, dict) or isinstance(document, AnyKeyMap):
        raise StackYamlError(file_name, "expected a mapping of stack settings", 1)
    section = document.get("config")
    assert node is not None
    section_node = next((value for key, value in node.value if key.value == "config"), node)
    line = section_node.start_mark.line + 1
    if section is None:
        return {}
    if isinstance(section, list):
        raise StackYamlError(file_name, "invalid YAML file: could not unmarshal map: yaml: unmarshal errors:\n"
                             f"  line {line}: cannot unmarshal !!seq into map[string]config.Value", line)
    if not isinstance(section, dict):
        raise StackYamlError(file_name, "invalid YAML file: could not unmarshal map: yaml: unmarshal errors:\n"
                             f"  line {line}: {_go_type_error(section)}", line)
    namespaced = not isinstance(section, AnyKeyMap)
    values: dict[str, object] = {}
    for key, value in section.items():
        if key is not None:  # a null key is dropped by pass 2 (decode.go:406-409)
            values[key if ":" in key or not namespaced else f"{project}:{key}"] = _config_object(value)
    for key in sorted(values):  # values are unmarshalled in key order before keys are parsed (map.go:310-328)
        try:
            engine_value(values[key], decrypt=lambda ciphertext: ciphertext)
        except ValueError as error:
            if "invalid UTF-8" not in str(error):
                raise StackYamlError(file_name, f"invalid YAML file: {error}", _key_line(section_node, key)) from None
    try:
        return {_parse_key(key): values[key] for key in sorted(values)}
    except ValueError as error:
        raise StackYamlError(file_name, f"invalid YAML file: could not unmarshal map: {error}") from None


def _key_line(section: Node, key: str) -> int:
    for key_node, _ in section.value if isinstance(section, MappingNode) else []:
        if isinstance(key_node, ScalarNode) and key.endswith(key_node.value):
            return int(key_node.start_mark.line) + 1
    return int(section.start_mark.line) + 1


# ---------------------------------------------------------------------------------------------- engine text
def is_secret(value: object) -> bool:
    """Whether the program is told the key is secret: a :class:`Secure` at any depth (object.go:51-72)."""
    if isinstance(value, Secure):
        return True
    if isinstance(value, list):
        return any(is_secret(item) for item in value)
    return isinstance(value, dict) and any(is_secret(item) for item in value.values())


def _json_string(text: str) -> str:
    """encoding/json's string (GOJSON:1040-1110): ``<``, ``>``, ``&``, U+2028/9 escaped; bad UTF-8 as U+FFFD."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char in "\n\r\t\b\f":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}[char])
        elif code < 0x20 or char in "<>&\u2028\u2029":
            out.append(f"\\u{code:04x}")
        elif 0xDC80 <= code <= 0xDCFF:
            out.append("\ufffd")
        else:
            out.append(char)
    return "".join(out) + '"'


def _json(value: object, decrypt: Callable[[str], str]) -> str:
    """The object text the program gets: Go's json.Marshal, compact, keys sorted, after the engine re-reads it
    with ``UseNumber`` (object.go:438-479): an integer beyond int64 becomes a float64."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if -_INT64 <= value < _INT64 else _json_float(float(value), True)
    if isinstance(value, float):
        return _json_float(value, True)
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, Secure):
        return _json_string(decrypt(value.ciphertext))
    if isinstance(value, list):
        return "[" + ",".join(_json(item, decrypt) for item in value) + "]"
    assert isinstance(value, dict)
    return "{" + ",".join(f"{_json_string(key)}:{_json(value[key], decrypt)}" for key in sorted(value)) + "}"


def engine_value(value: object, *, decrypt: Callable[[str], str]) -> str:
    """The text the program receives for a top-level config value (``MarshalString``, object.go:403-419, after
    ``Decrypt``): scalars as their JSON text, strings verbatim, ``None`` as ``""``, a :class:`Secure` as its
    plaintext, lists and maps as JSON text with nested secrets decrypted. ``decrypt`` turns a ciphertext into
    its plaintext (raise ``ValueError("bad value")`` for one that is not valid, as the CLI does).

    Raises ``ValueError`` for ``.inf``/``.nan`` and for a string that is not UTF-8 (gRPC refuses it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _json_float(value, False)
    if isinstance(value, (str, Secure)):
        text = decrypt(value.ciphertext) if isinstance(value, Secure) else value
        if any(0xDC80 <= ord(char) <= 0xDCFF for char in text):
            raise ValueError("grpc: error while marshaling: string field contains invalid UTF-8")
        return text
    return _json(value, decrypt)




# ---------------------------------------------------------------------------------------------- project declarations
def _project_value(value: object) -> object:
    """A Pulumi.yaml value after its own decode, encode, decode round trip (loaders.go:111-136)."""
    if isinstance(value, float):
        return _round_trip_float(value)
    if isinstance(value, list):
        return [_project_value(item) for item in value]
    if isinstance(value, dict):
        return _remapped(value, ((key, _project_value(item)) for key, item in value.items()))
    return value


def _type_name(declaration: dict[str, Any]) -> str:
    """``InferFullTypeName`` (SDK/workspace/project.go:769-775)."""
    items = declaration.get("items")
    return f"array<{_type_name(items)}>" if isinstance(items, dict) else str(declaration.get("type", ""))


def _valid(declaration: dict[str, Any], value: object) -> bool:
    """``ValidateConfigValue`` (SDK/workspace/project.go:780-838)."""
    kind, items = declaration.get("type"), declaration.get("items")
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        if isinstance(value, str):  # strconv.Atoi: leading zeros are fine, the value must fit in 64 bits
            match = re.fullmatch(r"([+-]?)0*([0-9]*)", value)
            return (match is not None and value.lstrip("+-") != "" and len(match[2]) <= 19
                    and -_INT64 <= int(match[1] + (match[2] or "0")) < _INT64)
        if isinstance(value, float):  # Go's f == math.Trunc(f): an infinity is whole
            return not math.isnan(value) and (math.isinf(value) or value == math.trunc(value))
        return isinstance(value, int) and not isinstance(value, bool) and -_INT64 <= value < _INT64
    if kind == "boolean":
        return value in ("true", "false") or isinstance(value, bool)
    if kind == "object":
        return isinstance(value, dict) and not isinstance(value, AnyKeyMap)
    return isinstance(value, list) and isinstance(items, dict) and all(_valid(items, item) for item in value)


def check_project_schema(document: object, file_name: str) -> None:
    """A Pulumi.yaml document (from :func:`load_document`) as ``ValidateProject`` checks it (project.go:569-647):
    an object with string keys (``SimplifyMarshalledProject``), a non-empty text ``name`` (or the key nearest it),
    then project.json (:mod:`~pilothouse.offline.project_schema`), with its messages (every schema error at
    once)."""
    def fail(message: str) -> StackYamlError:
        return StackYamlError(file_name, f"could not validate '{file_name}': {message}")

    if not isinstance(document, dict):
        raise fail(f"expected project to be an object, was '{project_schema.go_type(document)}'")
    if isinstance(document, AnyKeyMap) and document.foreign_key is not NO_KEY:
        raise fail(f"expected only string keys, got '{_go_format_s(document.foreign_key)}'")
    if "name" not in document:
        closest = project_schema.closest_key("name", [key for key in document if isinstance(key, str)])
        raise fail("project is missing a 'name' attribute" + (f"; found '{closest}' instead" if closest else ""))
    if not isinstance(document["name"], str) or not document["name"]:
        raise fail("project is missing a non-empty string 'name' attribute")
    try:
        errors = project_schema.violations(document)
    except project_schema.InvalidJsonTypeError as error:
        raise fail(str(error)) from None
    if errors:
        occurred = "1 error occurred" if len(errors) == 1 else f"{len(errors)} errors occurred"
        raise fail(f"{occurred}:" + "".join(f"\n\t* {error}" for error in errors))


def _go_format_s(value: object) -> str:
    """Go's ``%s`` of a decoded YAML key that is no string (``%!s(int=1)``; a time prints its ``String()``)."""
    if isinstance(value, GoTime):
        return value.string()
    if value is None:
        return "%!s(<nil>)"
    text = go_format_g(value) if isinstance(value, float) else str(value).lower()
    return f"%!s({project_schema.go_type(value)}={text})"


def project_declarations(document: object, file_name: str) -> dict[str, dict[str, Any]]:
    """The ``config:`` declarations of a Pulumi.yaml document (from :func:`load_document`), shorthand values
    rewritten (project.go:495-526) and checked as the CLI loads a project: against project.json
    (:func:`check_project_schema`), read back after the rewrite, then as ``Project.Validate`` does
    (project.go:846-897)."""
    check_project_schema(document, file_name)
    section = document.get("config") if isinstance(document, dict) else None
    if isinstance(section, str):  # the old spelling of stackConfigDir (RewriteConfigPathIntoStackConfigDir)
        section = None
    name = document.get("name") if isinstance(document, dict) else None
    if isinstance(document, dict) and isinstance(section, dict):
        _check_read_back(document, section, str(name), file_name)
    declarations: dict[str, dict[str, Any]] = {}
    for key, raw in sorted((section or {}).items()):
        own = ":" not in key or key.startswith(f"{name}:")
        value = _project_value(raw)
        declaration = value if isinstance(value, dict) else {"default" if own else "value": value}
        declarations[key] = declaration
        fail = functools.partial(StackYamlError, file_name)
        prefix = f"could not unmarshal '{file_name}': "
        typed = "type" in declaration
        if declaration.get("default") is not None and declaration.get("value") is not None:
            raise fail(f"{prefix}project config '{key}' cannot have both a 'default' and 'value' attribute")
        if own and typed and declaration["type"] == "array" and "items" not in declaration:
            raise fail(f"{prefix}The configuration key '{key}' declares an array but does not specify the underlying "
                       "type via the 'items' attribute")
        if own and typed and declaration.get("default") is not None and not _valid(declaration, declaration["default"]):
            raise fail(f"{prefix}The default value specified for configuration key '{key}' is not of the expected "
                       f"type '{_type_name(declaration)}'")
        if not own and typed:
            raise fail(f"{prefix}Configuration key '{key}' is not namespaced by the project and should not define a "
                       "type")
        if not own and declaration.get("default") is not None:
            raise fail(f"{prefix}Configuration key '{key}' is not namespaced by the project and should not define a "
                       "default value. Did you mean to use the 'value' attribute instead of 'default'?")
        if not own and declaration.get("value") is None:
            raise fail(f"{prefix}Configuration key '{key}' is namespaced and must provide an attribute 'value'")
    return declarations


def _check_read_back(document: dict[str, Any], section: dict[str, Any], project: str, file_name: str) -> None:
    """The CLI rewrites each shorthand config value (a string, int, bool or list: ``isPrimitiveValue``, ``isArray``,
    project.go:439-451) as a declaration, writes the project as YAML and reads that back into its ``Project``
    (loaders.go:120-136). What the schema allows but that reading refuses: a float that is an integer (an integer
    shorthand for the schema, no shorthand for the rewrite, and no declaration), and an ``items`` whose ``type`` is
    itself an object (``ProjectConfigItemsType.Type`` is a string). yaml.v3's errors name lines of the text the CLI
    wrote (:mod:`~pilothouse.offline.yaml_layout`). An integer beyond int64 never gets here: the schema check
    panics on it."""
    if isinstance(document, AnyKeyMap):
        return
    config: dict[str, object] = {
        key: {"value" if ":" in key and not key.startswith(f"{project}:") else "default": value}
        if isinstance(value, (str, int, list)) else value for key, value in section.items()}
    errors: list[tuple[int, str]] = []  # lines counted from config's first key, 0
    line = 0
    for key in yaml_layout.key_order(config):
        value = config[key]
        if isinstance(value, float):
            text = go_format_g(value)
            errors.append((line, f"cannot unmarshal {_resolve('', text)[0]} `{_terror_text(text)}` into "
                                 "workspace.ProjectConfigType"))
        elif isinstance(value, dict) and value:
            errors += _items_read_back(value, line + 1)
        line += yaml_layout.entry_lines(key, value)
    if errors:  # only then is the rest of the document laid out
        first = 2 + yaml_layout.lines_before({**document, "config": config}, "config")
        raise StackYamlError(file_name, "yaml: unmarshal errors:" + "".join(
            f"\n  line {first + line}: {message}" for line, message in sorted(errors)))


def _items_read_back(declaration: dict[str, Any], first: int) -> list[tuple[int, str]]:
    """The ``items`` of a declaration (or of items) whose entries start on line ``first``: a ``type`` that is an
    object cannot be read into a string (its line: where the object starts)."""
    items = declaration.get("items")
    if not isinstance(items, dict) or not items:
        return []
    start = first + yaml_layout.lines_before(declaration, "items") + 1
    errors = _items_read_back(items, start)
    kind = items.get("type")
    if isinstance(kind, dict):
        errors.append((start + yaml_layout.lines_before(items, "type") + (1 if kind else 0),
                       "cannot unmarshal !!map into string"))
    return errors


def _default_object(value: object) -> object:
    """``createConfigValue`` (PKG/workspace/config.go:170-193): string, int and bool as ``%v`` text, anything else
    made of string-keyed maps (``SimplifyMarshalledValue``, SDK/workspace/project.go:529-561), through json.Marshal
    (times in RFC 3339) and read back by the engine (``unmarshalObject``, object.go:465-528: big integers become
    floats, a map of one text ``secure`` is a secure value). Raises ``ValueError`` with the CLI's message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int)) and (isinstance(value, str) or -_INT64 <= value < _INT64):
        return str(value)
    return _from_json(_simplified(value))


def _simplified(value: object) -> object:
    """``SimplifyMarshalledValue``: a map decoded with keys that are not all strings (:class:`AnyKeyMap`) becomes a
    plain map, or fails on its first key that is not a string; lists are walked, a plain map is not."""
    if isinstance(value, AnyKeyMap):
        if value.foreign_key is not NO_KEY:
            raise ValueError(f"expected only string keys, got '{_go_format_s(value.foreign_key)}'")
        return {str(key): _simplified(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_simplified(item) for item in value]
    return value


def _from_json(value: object) -> object:
    """``value`` through json.Marshal (maps in key order, as it walks them) and the engine's ``unmarshalObject``."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"json: unsupported value: {_go_float_text(value)}")
    if isinstance(value, AnyKeyMap):
        raise ValueError("json: unsupported type: map[interface {}]interface {}")
    if isinstance(value, GoTime):
        return value.rfc3339()
    if isinstance(value, int) and not isinstance(value, bool) and not -_INT64 <= value < _INT64:
        return float(value)
    if isinstance(value, list):
        return [_from_json(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("secure"), str):
            return Secure(value["secure"])
        return {key: _from_json(value[key]) for key in sorted(value)}
    return value


class _DeclaredKey(NamedTuple):
    """A Pulumi.yaml config key as the CLI reads it: its namespace, the first name of its path (the stack config key
    it starts in is :attr:`top`) and the rest of the path."""

    namespace: str
    name: str
    path: config_path.Path

    @property
    def top(self) -> str:
        return f"{self.namespace}:{self.name}"


@functools.lru_cache(maxsize=4096)  # each key is read twice per render: secrets' placeholders, then the declarations
def _declared_key(project: str, key: str) -> _DeclaredKey:
    """``key`` as the CLI reads it (``parseConfigKey``, PKG/workspace/config.go:157-166, then ``parseKeyPath``): the
    project's namespace when it names none; a namespaced key is parsed as the stack's keys are (``a:b:c`` is
    refused)."""
    namespace, name = (_parse_key(key) if ":" in key else f"{project}:{key}").split(":", 1)
    try:
        first, *path = config_path.key_path(name)
    except config_path.ConfigPathError as error:
        raise ValueError(f"getting stack config value for key '{namespace}:{name}': {error}") from None
    return _DeclaredKey(namespace, str(first), tuple(path))  # key_path starts with a name


def _coerce(text: str) -> object:
    """``coerce`` (SDK/resource/config/object.go:560-591): text set inside an object becomes a bool, or an
    integer when ``strconv`` reads it as int64 or uint64 and it does not start with ``0`` (``+1`` and ``-01``
    do: only the first character is looked at)."""
    if text in ("true", "false"):
        return text == "true"
    if len(text) > 1 and text[0] == "0":
        return text
    try:
        return go_text.parse_int(text)
    except ValueError:
        return int(text) if re.fullmatch(r"[0-9]+", text) and int(text) < _UINT64 else text


class _Merged(NamedTuple):
    """What :func:`_merge_defaults` found: each declared key's path, and the top-level keys whose default
    ``createConfigValue`` made an object value."""

    paths: dict[str, _DeclaredKey]
    object_defaults: set[str]


def _merge_defaults(project: str, stack: str, declarations: dict[str, dict[str, Any]],
                    values: dict[str, object]) -> _Merged:
    """``mergeConfig`` (PKG/workspace/config.go:66-157): project keys are paths
    (:mod:`~pilothouse.offline.config_path`); defaults fill what the stack lacks, in place; a key of the project's
    own with neither is missing."""
    missing: list[str] = []
    merged = _Merged({}, set())
    for key, declaration in declarations.items():  # sorted
        declared = merged.paths[key] = _declared_key(project, key)
        namespace, top, path = declared.namespace, declared.top, declared.path
        found = config_path.get(values.get(top, config_path.ABSENT), path) is not config_path.ABSENT
        default = declaration.get("default")
        default = declaration.get("value") if default is None else default  # a null default is no default
        if not found and default is None and namespace == project:
            missing.append(key)
        elif not found and default is not None:
            new = _default_object(default)
            values[top] = config_path.put(values.get(top, config_path.ABSENT), declared.name, path,
                                          _coerce(new) if isinstance(new, str) else new) if path else new
            if not path and not isinstance(new, str):  # createConfigValue made it an object value
                merged.object_defaults.add(top)
    if missing:
        values_word = "value" if len(missing) == 1 else "values"
        names = ", ".join(f"'{name}'" for name in missing[:-1]) + (" and " if len(missing) > 1 else "")
        raise ValueError(f"Stack '{stack}' is missing configuration {values_word} {names}'{missing[-1]}'")
    return merged


def _validate(stack: str, declarations: dict[str, dict[str, Any]], values: dict[str, object], merged: _Merged,
              decrypt: Callable[[str], str]) -> None:
    """``validateStackConfigValues`` (PKG/workspace/config.go:255-366): every value decrypts, then each declared
    key's secrecy and type are checked."""
    for value in values.values():
        engine_value(value, decrypt=decrypt)
    for key, declaration in declarations.items():
        top, path = merged.paths[key].top, merged.paths[key].path
        value = config_path.get(values.get(top, config_path.ABSENT), path)
        if "type" not in declaration or value is config_path.ABSENT:
            continue
        if declaration.get("secret") is True and not is_secret(value):
            raise ValueError(f"Stack '{stack}' with configuration key '{key}' must be encrypted as it's secret")
        text = engine_value(value, decrypt=decrypt)
        # An object value (``MarshalString``, object.go:403-419) is checked as the JSON it is: a map or a list, a
        # default that is not text, an integer or a bool, and a null found inside a map or list (JSON null); a
        # stack file's top-level number is text.
        if isinstance(value, (dict, list)) or (not path and top in merged.object_defaults):
            content = json.loads(text, parse_int=float)
        else:
            content = None if value is None and path else text
        if not _valid(declaration, content):
            raise ValueError(f"Stack '{stack}' with configuration key '{key}' must be of type "
                             f"'{_type_name(declaration)}'")


def _check_ciphertexts(settings: object, stack_file: str, values: dict[str, object]) -> None:
    """Where nothing is decrypted: a ciphertext the passphrase provider cannot open whatever the passphrase
    (:mod:`pilothouse.offline.ciphertext`) fails as ``pulumi preview`` fails on it."""
    if not ciphertext.passphrase_encrypted(settings):
        return

    def secures(value: object) -> Iterator[Secure]:
        if isinstance(value, Secure):
            yield value
        for item in value if isinstance(value, list) else value.values() if isinstance(value, dict) else ():
            yield from secures(item)

    for secure in secures(list(values.values())):
        found = ciphertext.problem(secure.ciphertext)
        if found is not None:
            raise StackYamlError(stack_file, f"validating stack config: {found}")


def _placeholders(project: str, declarations: dict[str, dict[str, Any]], values: dict[str, object],
                  placeholder: Callable[[str], str]) -> dict[str, object]:
    """``values`` with each :class:`Secure` holding ``placeholder(type)`` as its ciphertext, ``type`` the name of
    the type declared for its key path (``o.x`` declares inside ``o``, ``a[0]`` an array's first item) or, inside
    an array, for the array's items. Every key of ``declarations`` is one the CLI reads (:func:`_merge_defaults`
    read them first)."""
    declared: dict[tuple[object, ...], dict[str, Any]] = {}
    for key, declaration in declarations.items():
        declared_key = _declared_key(project, key)
        declared[(declared_key.top, *declared_key.path)] = declaration

    def substitute(value: object, path: tuple[object, ...], declaration: dict[str, Any] | None) -> object:
        declaration = declared.get(path, declaration)
        if isinstance(value, Secure):
            return Secure(placeholder(str(declaration.get("type", "")) if declaration else ""))
        if isinstance(value, list):
            items = declaration.get("items") if declaration else None
            return [substitute(item, (*path, index), items if isinstance(items, dict) else None)
                    for index, item in enumerate(value)]
        if isinstance(value, dict):
            return _remapped(value, ((key, substitute(item, (*path, key), None)) for key, item in value.items()))
        return value

    return {key: substitute(value, (key,), None) for key, value in values.items()}


class ProgramConfig(NamedTuple):
    """What a program receives: ``PULUMI_CONFIG`` (namespaced key to text, sorted), the sorted secret keys, and the
    project's name, which namespaces the keys."""

    config: dict[str, str]
    secret_keys: list[str]
    project: str


def program_config(project_text: str, project_file: str, stack_text: str, stack_file: str, *, stack: str,
                   decrypt: Callable[[str], str] | None = None,
                   placeholder: Callable[[str], str] | None = None) -> ProgramConfig:
    """What the program receives (:class:`ProgramConfig`), with the project's declared defaults applied and its
    declared types checked. Raises :class:`StackYamlError`
    whose ``cli_text`` is the CLI's message.

    Exactly one of ``decrypt`` and ``placeholder`` is given: ``decrypt`` turns a ciphertext into its plaintext (raise
    ``ValueError("bad value")`` for a bad one); where nothing can be decrypted, ``placeholder`` gives the plaintext
    of each secure value from the name of the type the project declares for it (``integer``, ``boolean``,
    ``string``, ``object``, ``array``; the items' type for an array's item; ``""`` where none is declared)."""
    if (decrypt is None) == (placeholder is None):
        raise TypeError("program_config() takes exactly one of decrypt and placeholder")
    try:
        document = load_document(project_text, project_file)
    except StackYamlError as error:
        raise error.within(f"could not unmarshal '{project_file}': ") from None
    declarations = project_declarations(document, project_file)  # the project checked as the CLI loads it
    assert isinstance(document, dict)
    project = document["name"]
    runtime = document.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name is not None and runtime_name != "python":
        raise StackYamlError(project_file, f"runtime: got {runtime_name!r}; only a Python program is run offline "
                                           "(runtime: python)")
    values = stack_config(stack_text, stack_file, project)
    if placeholder is not None:
        _check_ciphertexts(load_document(stack_text, stack_file), stack_file, values)
    try:
        merged = _merge_defaults(project, stack, declarations, values)
        if placeholder is not None:  # after the defaults: a default may be a secure value too
            values = _placeholders(project, declarations, values, placeholder)
            decrypt = str
        assert decrypt is not None
        _validate(stack, declarations, values, merged, decrypt)
        config = {key: engine_value(value, decrypt=decrypt) for key, value in sorted(values.items())}
    except ValueError as error:
        stage = "" if "grpc:" in str(error) else "validating stack config: "
        raise StackYamlError(stack_file, stage + str(error)) from None
    return ProgramConfig(config, sorted(key for key, value in values.items() if is_secret(value)), project)
