"""The one error type every Pilothouse validation raises."""

from __future__ import annotations

from collections.abc import Callable


class InvalidValueError(ValueError):
    """A value was rejected before any resource was registered.

    The message always names the field, the value given and what is allowed, so the
    person reading it can fix the input without opening the source.
    """

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: got {value!r}; expected {allowed}")

    def within(self, prefix: str, rename: Callable[[str], str] = str) -> InvalidValueError:
        """The same error, with its field placed under ``prefix`` (e.g. a config key)."""
        return InvalidValueError(f"{prefix}.{rename(self.field)}", self.value, self.allowed)


def snake_to_camel(path: str) -> str:
    """``service_cidr.x_y`` -> ``serviceCidr.xY``: Python field paths as config keys."""

    def camel(part: str) -> str:
        head, *rest = part.split("_")
        return head + "".join(word.capitalize() for word in rest)

    return ".".join(camel(part) for part in path.split("."))
