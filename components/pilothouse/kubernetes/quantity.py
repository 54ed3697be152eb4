"""Kubernetes resource quantities (``250m``, ``1``, ``64Mi``, ``1Gi``) as validated values.

The grammar is the API server's (``ParseQuantity`` in ``k8s.io/apimachinery/pkg/api/resource``): an optional
sign, digits with an optional fraction, then one suffix: a binary one (``Ki``, ``Mi``, ``Gi``, ``Ti``, ``Pi``,
``Ei``), a decimal one (``n``, ``u``, ``m``, none, ``k``, ``M``, ``G``, ``T``, ``P``, ``E``) or a decimal
exponent (``e3``, ``E-2``). Three rules are stricter, deliberately: a negative quantity is refused (every
quantity Pilothouse takes is a request, a limit, a size or a quota, where the API server refuses one); so is
one above 2^63-1, which the API server documents it caps ("No quantity may represent a number greater than
2^63-1 in magnitude", ``resource.Quantity``); and so is one without a digit (``m``, ``Ki``, ``.``), which
the API server reads as zero.
"""

from __future__ import annotations

import decimal
import functools
from dataclasses import dataclass
from decimal import Decimal

from pilothouse.counts import INT64_MAX
from pilothouse.errors import InvalidValueError
from pilothouse.typed import Checked

_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_DIGITS = frozenset("0123456789")
#: The largest byte count whose thousandfold fits an int64: the API server checks bytes with MilliValue().
_BYTES_MAX = INT64_MAX // 1000
#: Exponents as large as the API server's int32 reads them, with room for Python's Decimal arithmetic.
_CONTEXT = decimal.Context(prec=60, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
_ALLOWED = ("a Kubernetes quantity: a non-negative number with an optional suffix (n, u, m, k, M, G, T, P, E, "
            "Ki, Mi, Gi, Ti, Pi, Ei, or an exponent such as e3) such as '250m', '1', '64Mi' or '1Gi'")


def _digits(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end] in _DIGITS:
        end += 1
    return end


#: A program writes the same few quantities for every container ('250m', '64Mi'), each read twice (parsed, then
#: checked by ``Quantity``): remembering the last few thousand is most of a large program's parsing (``make bench``).
@functools.lru_cache(maxsize=4096)
def quantity_value(text: str) -> Decimal | None:
    """The value of ``text`` as the API server's ``ParseQuantity`` reads it (``None`` where it refuses it),
    except that a text without a digit is ``None`` here (see the module's documentation)."""
    if not text:
        return None
    start = 1 if text[0] in "+-" else 0
    number_end = _digits(text, start)
    if number_end < len(text) and text[number_end] == ".":
        number_end = _digits(text, number_end + 1)
    # The suffix: letters from a fixed set, then an optional sign and digits (an exponent's).
    suffix_end = number_end
    while suffix_end < len(text) and text[suffix_end] in _SUFFIX_CHARS:
        suffix_end += 1
    if suffix_end < len(text) and text[suffix_end] in "+-":
        suffix_end += 1
    if _digits(text, suffix_end) != len(text):
        return None
    digits = text[start:number_end]
    if digits in ("", "."):  # the API server reads "m", "Ki" or "." as zero; a slip, refused here
        return None
    # Exact arithmetic: enough digits for every digit written (a 60-digit context rounded '1.000...01' to 1).
    context = _CONTEXT.copy()
    context.prec = max(_CONTEXT.prec, len(digits) + 40)
    magnitude = context.create_decimal(digits)
    magnitude = -magnitude if text[0] == "-" else magnitude
    suffix = text[number_end:]
    if suffix in _DECIMAL:
        return magnitude.scaleb(_DECIMAL[suffix], context)
    if suffix in _BINARY:
        return context.multiply(magnitude, Decimal(2 ** _BINARY[suffix]))
    if len(suffix) > 1 and suffix[0] in "eE":
        body = suffix[1:].lstrip("+-")
        if len(suffix) - 1 - len(body) > 1 or not body or set(body) - _DIGITS:
            return None
        significant = body.lstrip("0") or "0"
        if len(significant) > 19:  # beyond int64: strconv.ParseInt(..., 64) refuses it
            return None
        exponent = int(significant) * (-1 if suffix[1] == "-" else 1)
        if not -(2**63) <= exponent < 2**63:
            return None
        return magnitude.scaleb((exponent + 2**31) % 2**32 - 2**31, context)  # int32() keeps the low 32 bits
    return None


@dataclass(frozen=True)
class Quantity(Checked, prefix="quantity"):
    """A quantity kept exactly as written (renders are stable) with its numeric value (a ``Decimal`` of the
    unit: cores for CPU, bytes for memory and storage)."""

    text: str
    value: Decimal

    def __post_init__(self) -> None:
        # Built directly, the pair must agree: Quantity.parse is the way to build one from text.
        parsed = quantity_value(self.text) if isinstance(self.text, str) else None
        if parsed is None or parsed < 0 or parsed > INT64_MAX:
            raise InvalidValueError("quantity.text", self.text, _ALLOWED)
        if not isinstance(self.value, Decimal) or self.value.is_nan() or self.value != parsed:
            raise InvalidValueError("quantity.value", self.value, f"{parsed}, the value of '{self.text}' "
                                                                  "(Quantity.parse computes it)")

    @classmethod
    def parse(cls, text: str | int | float, field: str = "quantity") -> Quantity:
        """Read ``text``, or a number of units: a float is written as the API server writes a quantity, a whole
        number with the suffix ``m``, ``u`` or ``n`` where it has a fraction (``0.5`` is ``500m``, ``1e-05`` is
        ``10u``, ``2.0`` is ``2``), and refused with more than nine decimal places (``0.1 + 0.2``), which the API
        server would round up to the next ``n``.

        Raises:
            InvalidValueError: naming ``field``, when the API server would refuse the text, or it is negative
                or above 2^63-1 (see the module's documentation).
        """
        if isinstance(text, bool) or not isinstance(text, str | int | float):
            raise InvalidValueError(field, text, _ALLOWED)
        if isinstance(text, int) and not 0 <= text <= INT64_MAX:  # before str(), which refuses 4,300+ digits
            raise InvalidValueError(field, text, _ALLOWED if text < 0 else f"a quantity of at most 2^63-1 "
                                                 f"({INT64_MAX}); larger ones are capped by the API server")
        raw = _float_text(text, field) if isinstance(text, float) else str(text)
        value = quantity_value(raw)
        if value is None or value < 0:
            raise InvalidValueError(field, text, _ALLOWED)
        if value > INT64_MAX:
            raise InvalidValueError(field, text, f"a quantity of at most 2^63-1 ({INT64_MAX}); larger ones are "
                                                 "capped by the API server")
        return cls(raw, value)

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
#: The suffixes a float's text takes: the largest unit of which its value is a whole number.
_FLOAT_UNITS = ((0, ""), (-3, "m"), (-6, "u"), (-9, "n"))


def _float_text(number: float, field: str) -> str:
    """``number`` as quantity text (see :meth:`Quantity.parse`); the value it stands for is the shortest decimal
    that reads back as the float (``repr``), what the program's author wrote."""
    written = Decimal(float.__repr__(number))  # float's own: a subclass (numpy.float64) may write itself otherwise
    if not written.is_finite() or written < 0:
        raise InvalidValueError(field, number, _ALLOWED)
    if written > INT64_MAX:
        raise InvalidValueError(field, number, f"a quantity of at most 2^63-1 ({INT64_MAX}); larger ones are "
                                               "capped by the API server")
    for exponent, suffix in _FLOAT_UNITS:
        units = written.scaleb(-exponent, _CONTEXT)
        if units == units.to_integral_value():
            return f"{int(units)}{suffix}"
    raise InvalidValueError(field, number, "a number with at most nine decimal places (1n, the API server's finest "
                                           "unit: it rounds a finer value up to the next one)")


def quantity(value: QuantityInput, field: str) -> Quantity:
    """Accept a :class:`Quantity`, its text, or a number of units.

    Raises:
        InvalidValueError: naming ``field`` (see :meth:`Quantity.parse`).
    """
    return value if isinstance(value, Quantity) else Quantity.parse(value, field)


def byte_quantity(value: QuantityInput, field: str) -> Quantity:
    """A quantity of bytes (memory, storage): a whole number of them.

    The API server accepts ``128m`` of memory with only a warning, and the pod then fails in confusing ways:
    ``m`` means thousandths, so that is 0.128 bytes ("fractional byte value is invalid, must be an integer",
    ``pkg/api/pod/warnings.go``).

    Raises:
        InvalidValueError: naming ``field``: not a quantity, or not a whole number of bytes.
    """
    parsed = quantity(value, field)
    if parsed.value > _BYTES_MAX:
        raise InvalidValueError(field, parsed.text, f"at most {_BYTES_MAX} bytes (about 8 PiB): above it the API "
                                                    "server's fractional-byte check overflows and warns or not, "
                                                    "by chance")
    if parsed.value != parsed.value.to_integral_value():
        raise InvalidValueError(field, parsed.text, "a whole number of bytes, such as '128Mi' or '128M' ('m' means "
                                                    "thousandths: '128m' is 0.128 bytes)")
    return parsed
