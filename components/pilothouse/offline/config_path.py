"""Config keys of Pulumi.yaml as paths, read and written as the Pulumi CLI does (v3.274.1).

A key the project declares names a place inside a stack's config value: ``o.x``, ``a[0]``, ``a["x.y"]``
(``resource.ParsePropertyPathStrict``, SDK/resource/properties_path.go:68-152). The CLI looks each one up in the
stack's config, and writes the declared default there when the stack has no value (``config.Map.Get`` and
``Set`` with ``path``, SDK/resource/config/map.go:150-354, object.go:182-351). Values are the offline reader's:
text, numbers, booleans, ``None``, lists and dicts, and its secure values (anything else is a leaf).

Citations: ``SDK`` = pulumi/sdk/v3@v3.274.1/go/common.
"""

from __future__ import annotations

from typing import Final

from pilothouse.offline import go_text

Element = str | int
#: A parsed path: names (text) and array indices.
Path = tuple[Element, ...]

#: What :func:`get` returns where the path leads nowhere.
ABSENT: Final = object()
#: The most elements :func:`key_path` takes (the CLI takes more; a value nested deeper than a stack file's values
#: may be, which yaml.v3 stops at 200 levels, is refused here rather than walked).
MAX_PATH_ELEMENTS = 200
#: The longest array :func:`put` makes for an index past the end of nothing (the CLI makes ``index + 1`` items,
#: however many that is; a bigger index is refused here rather than a render of that many nulls).
MAX_NEW_ITEMS = 10_000


class ConfigPathError(ValueError):
    """A key path the CLI refuses; ``str()`` is the CLI's text."""


def parse(text: str) -> Path:
    """``ParsePropertyPathStrict``: names are the text between ``.`` and ``[``; ``[N]`` is an index (decimal
    int64), ``["..."]`` a name that may hold any character (``\\"`` for a quote), ``[*]`` the name ``*``.
    Raises :class:`ConfigPathError` with the CLI's message."""
    if text.startswith("."):
        raise ConfigPathError("expected property path to start with a name or index")
    elements: list[Element] = []
    rest = text
    while rest:
        if rest[0] == ".":
            rest = rest[1:]
            if not rest:
                raise ConfigPathError("expected property path to end with a name or index")
            if rest[0] == "[":
                raise ConfigPathError("expected property name after '.'")
        elif rest[0] == "[":
            element, rest = _bracket(rest)
            elements.append(element)
        else:
            end = min((i for i in (rest.find("."), rest.find("[")) if i >= 0), default=len(rest))
            elements.append(rest[:end])
            rest = rest[end:]
    return tuple(elements)


def _bracket(rest: str) -> tuple[Element, str]:
    """The element ``rest`` opens with ``[``, and the text after its ``]``."""
    if rest.startswith('["'):
        name, i = [], 2
        while True:
            if i >= len(rest):
                raise ConfigPathError("missing closing quote in property name")
            if rest[i] == '"':
                i += 1
                break
            if rest.startswith('\\"', i):
                name.append('"')
                i += 2
            else:
                name.append(rest[i])
                i += 1
        if not rest.startswith("]", i):
            raise ConfigPathError("missing closing bracket in property access")
        return "".join(name), rest[i + 1:]
    end = rest.find("]")
    if end < 0:
        raise ConfigPathError("missing closing bracket in array index")
    segment = rest[1:end]
    if segment == "*":
        return "*", rest[end + 1:]
    try:
        return go_text.parse_int(segment), rest[end + 1:]
    except ValueError as error:
        raise ConfigPathError(f"invalid array index: {error}") from None


def key_path(name: str) -> Path:
    """The path a config key's name (the part after ``namespace:``) stands for, whose first element is the name of
    the stack's config key (``parseKeyPath``, map.go:332-354). Raises :class:`ConfigPathError`: a path the
    parser refuses, an empty one, one that does not start with a non-empty name, or one of more than
    :data:`MAX_PATH_ELEMENTS` elements."""
    try:
        path = parse(name)
    except ConfigPathError as error:
        raise ConfigPathError(f"invalid config key path: {error}") from None
    if not path:
        raise ConfigPathError("empty config key path")
    if len(path) > MAX_PATH_ELEMENTS:
        raise ConfigPathError(f"a path of {len(path)} elements: the render takes at most {MAX_PATH_ELEMENTS} (the "
                              "CLI takes more)")
    if not isinstance(path[0], str):
        raise ConfigPathError("first path segement of config key must be a string")  # sic, the CLI's spelling
    if not path[0]:
        raise ConfigPathError("config key is empty")
    return path


def text(path: Path) -> str:
    """``PropertyPath.String`` (properties_path.go:582-612): plain names joined with ``.``, indices as ``[N]``,
    a name with any character other than ASCII letters, digits and ``_`` as ``["..."]``."""
    out = []
    for i, element in enumerate(path):
        if isinstance(element, int):
            out.append(f"[{element}]")
        elif all(char == "_" or (char.isascii() and char.isalnum()) for char in element):
            out.append(element if i == 0 else f".{element}")
        else:
            out.append('["' + element.replace('"', '\\"') + '"]')
    return "".join(out)


def get(value: object, path: Path) -> object:
    """What ``path`` leads to inside ``value`` (an index into a list, a name into a dict), or :data:`ABSENT`
    (``object.Get``, object.go:182-208)."""
    for element in path:
        if isinstance(value, list):
            if not (isinstance(element, int) and 0 <= element < len(value)):
                return ABSENT
            value = value[element]
        elif isinstance(value, dict):
            if not (isinstance(element, str) and element in value):
                return ABSENT
            value = value[element]
        else:
            return ABSENT
    return value


def put(root: object, first: str, path: Path, new: object) -> object:
    """A copy of ``root`` (the stack's value of the config key ``first``, or :data:`ABSENT`) with ``new`` at
    ``path`` (``object.Set``, object.go:280-351): a missing container is made (a list for an index, ``index + 1``
    items long, a dict for a name), an index may be at most the list's length (one past its end appends), and a
    top-level value that is not a container is replaced. Raises :class:`ConfigPathError` with the CLI's message
    where the path does not fit the value."""
    if root is ABSENT:
        root = None
    return _put(root, (first,), path, new)


def _put(value: object, prefix: Path, path: Path, new: object) -> object:
    if not path:
        return new
    head = path[0]
    if not isinstance(value, (list, dict)):
        if value is not None and len(prefix) > 1:  # Go's COMPAT: only a top-level value is replaced
            raise ConfigPathError(f"{text(prefix)}: expected {'an array' if isinstance(head, int) else 'a map'}")
        if isinstance(head, int) and head + 1 > MAX_NEW_ITEMS:
            raise ConfigPathError(f"{text((*prefix, head))}: array index too large to render offline (the CLI "
                                  f"makes an array of {head + 1} items)")
        value = [None] * max(head + 1, 0) if isinstance(head, int) else {}
    prefix = (*prefix, head)
    if isinstance(value, dict):
        if not isinstance(head, str):
            raise ConfigPathError(f"{text(prefix)}: key for a map must be a string")
        if len(path) == 1 and not value and head == "secure" and isinstance(new, str):
            raise ConfigPathError('maps with the single key "secure" are reserved')
        return {**value, head: _put(value.get(head), prefix, path[1:], new)}
    if not isinstance(head, int):
        raise ConfigPathError(f"{text(prefix)}: key for an array must be an int")
    if not 0 <= head <= len(value):
        raise ConfigPathError(f"{text(prefix)}: array index out of range")
    items = [*value, None] if head == len(value) else list(value)
    items[head] = _put(items[head], prefix, path[1:], new)
    return items
