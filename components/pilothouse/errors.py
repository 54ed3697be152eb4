"""The one error type every Pilothouse validation raises."""

from __future__ import annotations

import re

import pulumi


class InvalidValueError(ValueError, pulumi.RunError):
    """A value was rejected before any resource was registered.

    The message always names the field, the value given and what is allowed, so the
    person reading it can fix the input without opening the source. It is also a
    ``pulumi.RunError``: when a program lets it escape, ``pulumi up`` and ``pulumi preview`` print
    the message as one line (``error: port: got 80800; expected ...``) instead of a traceback.
    """

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{_bounded(field)}: got {shown(value)}; expected {allowed}")


#: The longest value or field a message repeats in full; longer ones are cut, with their length.
_SHOWN = 200


def _bounded(text: str) -> str:
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}... ({len(text)} characters)"


#: An object's default repr, whose memory address differs from run to run.
_ADDRESS = re.compile(r"<([\w.]+) object at 0x[0-9a-fA-F]+>")


def shown(value: object) -> str:
    """``repr(value)``, cut to a readable length (a megabyte key is not repeated in full), never failing (Python
    refuses to write integers of more than 4300 digits, inside a list too; a value's own ``__repr__`` may raise:
    such a value is shown by its type), and the same on every run (an object's memory address is left out:
    ``<pulumi.output.Output>``)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"an integer of {len(str(abs(value))) if value.bit_length() < 14000 else 'over 4000'} digits"
    if isinstance(value, str) and len(value) > _SHOWN:  # its own length, not its repr's (quotes, escapes)
        return f"{repr(value)[:_SHOWN]}... ({len(value)} characters)"
    try:
        return _bounded(_ADDRESS.sub(r"<\1>", repr(value)))
    except Exception:
        return f"a {type(value).__name__} that cannot be shown"


def snake_to_camel(path: str) -> str:
    """``service_cidr.x_y`` -> ``serviceCidr.xY``: Python field paths as config keys."""

    def camel(part: str) -> str:
        head, *rest = part.split("_")
        return head + "".join(word.capitalize() for word in rest)

    return ".".join(camel(part) for part in path.split("."))
