"""Container resource requests and limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.quantity import Quantity, QuantityInput, byte_quantity, quantity
from pilothouse.typed import Checked, checked_arguments


@dataclass(frozen=True)
class Resources(Checked, prefix="resources"):
    """Requests (what the scheduler reserves) and limits (what the kernel enforces); build it with :meth:`of`.

    Fields: CPU in cores, memory in whole bytes (at most 8 PiB); ``None`` leaves each unset.

    Raises:
        InvalidValueError: naming ``resources.memory_request`` or ``resources.memory_limit`` (not whole bytes), or
            ``resources.cpu_limit`` / ``resources.memory_limit`` (below the request: ``ValidateResourceRequirements``).
    """

    cpu_request: Quantity | None = None
    memory_request: Quantity | None = None
    cpu_limit: Quantity | None = None
    memory_limit: Quantity | None = None

    def __post_init__(self) -> None:
        for name in ("memory_request", "memory_limit"):
            value = getattr(self, name)
            if isinstance(value, Quantity):
                byte_quantity(value, f"resources.{name}")
        for kind in ("cpu", "memory"):
            request, limit = getattr(self, f"{kind}_request"), getattr(self, f"{kind}_limit")
            if request is not None and limit is not None and limit < request:
                raise InvalidValueError(f"resources.{kind}_limit", str(limit),
                                        f"a limit not below the {kind} request {request}")

    @classmethod
    @checked_arguments("resources")
    def of(cls, *, cpu: QuantityInput | None = None, memory: QuantityInput | None = None,
           cpu_limit: QuantityInput | None = None, memory_limit: QuantityInput | None = None) -> Resources:
        """``Resources.of(cpu="250m", memory="64Mi", memory_limit="128Mi")``; each value validated."""
        def parsed(value: QuantityInput | None, field: str) -> Quantity | None:
            return None if value is None else quantity(value, field)

        def memory_bytes(value: QuantityInput | None, field: str) -> Quantity | None:
            return None if value is None else byte_quantity(value, field)

        return cls(parsed(cpu, "resources.cpu"), memory_bytes(memory, "resources.memory"),
                   parsed(cpu_limit, "resources.cpu_limit"), memory_bytes(memory_limit, "resources.memory_limit"))

    def to_manifest(self) -> dict[str, Any]:
        spec: dict[str, dict[str, str]] = {}
        for section, values in (("requests", (self.cpu_request, self.memory_request)),
                                ("limits", (self.cpu_limit, self.memory_limit))):
            entries = {name: str(value) for name, value in zip(("cpu", "memory"), values, strict=True)
                       if value is not None}
            if entries:
                spec[section] = entries
        return spec
