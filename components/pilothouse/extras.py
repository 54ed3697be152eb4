"""The optional parts of Pilothouse and the extra that installs each one's SDK."""

from __future__ import annotations


class MissingExtraError(ModuleNotFoundError):
    """A part of Pilothouse was imported without the extra that installs its SDK; the message names the extra."""


def missing_extra(error: ModuleNotFoundError, extra: str, part: str) -> ModuleNotFoundError:
    """What to raise when importing an SDK that ``pilothouse[extra]`` installs failed with ``error``:
    a :class:`MissingExtraError` naming the extra (``part`` of Pilothouse needs it) instead of the bare name of a
    package the user never asked for; ``error`` itself when something else is missing.

        try:
            import pulumi_docker as docker
        except ModuleNotFoundError as missing:
            raise missing_extra(missing, "images", "pilothouse.images.BuiltImage") from None
    """
    if error.name is None:
        return error
    package = error.name.partition(".")[0]
    return MissingExtraError(f"{part} needs the '{extra}' extra: install Pilothouse with [{extra}] "
                               f"(module {package!r} is not installed)", name=package)
