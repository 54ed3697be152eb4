"""GUIDs as Microsoft Entra ID and Azure write them: object, client and role definition ids."""

from __future__ import annotations

import re

from pilothouse.errors import InvalidValueError

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def guid(field: str, value: str, what: str) -> str:
    """``value`` if it is a GUID written 8-4-4-4-12 hexadecimal digits (sent to Azure as written: braces, URNs or
    missing dashes are not).

    Raises:
        InvalidValueError: naming ``field``; ``what`` says what the GUID identifies ("an Entra ID group object id").
    """
    if not isinstance(value, str) or not _GUID.fullmatch(value):
        raise InvalidValueError(field, value, f"{what}: a GUID written 8-4-4-4-12 hexadecimal digits")
    return value
