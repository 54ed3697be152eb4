"""Kubernetes resource quantities (``250m``, ``1``, ``64Mi``, ``1Gi``) as validated values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pilothouse.errors import InvalidValueError

_SUFFIXES: dict[str, Decimal] = {
    "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1),
    "k": Decimal("1e3"), "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"),
    "P": Decimal("1e15"), "E": Decimal("1e18"),
    "Ki": Decimal(2**10), "Mi": Decimal(2**20), "Gi": Decimal(2**30), "Ti": Decimal(2**40),
    "Pi": Decimal(2**50), "Ei": Decimal(2**60),
}
_QUANTITY = re.compile(r"^(?P<number>\+?(\d+(\.\d*)?|\.\d+))(?P<suffix>[numkMGTPE]i?|[eE][-+]?\d+)?$")
_ALLOWED = ("a Kubernetes quantity: a non-negative number with an optional suffix "
            "(m, k, M, G, T, Ki, Mi, Gi, Ti...) such as '250m', '1', '64Mi' or '1Gi'")


@dataclass(frozen=True)
class Quantity:
    """A quantity kept exactly as written (renders are stable) with its numeric value."""

    text: str
    value: Decimal

    @classmethod
    def parse(cls, text: str | int | float, field: str = "quantity") -> Quantity:
        raw = str(text)
        match = _QUANTITY.fullmatch(raw)
        if isinstance(text, bool) or match is None:
            raise InvalidValueError(field, text, _ALLOWED)
        suffix = match["suffix"] or ""
        if suffix[:1] in ("e", "E"):
            scale = Decimal(10) ** int(suffix[1:])
        elif suffix in _SUFFIXES:
            scale = _SUFFIXES[suffix]
        else:
            raise InvalidValueError(field, text, _ALLOWED)
        return cls(raw, Decimal(match["number"]) * scale)

    @classmethod
    def cpu_millis(cls, millis: int) -> Quantity:
        return cls.parse(f"{millis}m", "cpu")

    @classmethod
    def mebibytes(cls, amount: int) -> Quantity:
        return cls.parse(f"{amount}Mi", "memory")

    @classmethod
    def gibibytes(cls, amount: int) -> Quantity:
        return cls.parse(f"{amount}Gi", "memory")

    def __str__(self) -> str:
        return self.text

    def __lt__(self, other: Quantity) -> bool:
        return self.value < other.value

    def __le__(self, other: Quantity) -> bool:
        return self.value <= other.value


QuantityInput = Quantity | str | int | float


def quantity(value: QuantityInput, field: str) -> Quantity:
    """Accept a :class:`Quantity`, its text, or a whole number of units."""
    return value if isinstance(value, Quantity) else Quantity.parse(value, field)
