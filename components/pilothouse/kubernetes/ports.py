"""Container and service ports, with the Kubernetes ranges checked."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pilothouse import api_validation
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.names import check
from pilothouse.typed import Checked, checked_arguments

NODE_PORT_RANGE = range(30000, 32768)


class Protocol(StrEnum):
    """The protocol of a port: ``TCP`` (default), ``UDP`` or ``SCTP``.

    Sent as the ``protocol`` of a container port (omitted for TCP), of a Service port and of a NetworkPolicy port.
    """

    TCP = "TCP"
    UDP = "UDP"
    SCTP = "SCTP"


def port_number(field: str, number: int) -> int:
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 65535:
        raise InvalidValueError(field, number, "a port number from 1 to 65535")
    return number


def port_name(field: str, name: str) -> str:
    """A container port's name, or a Service's named target port: an IANA service name (``IsValidPortName``:
    at most 15 lowercase letters, digits and single hyphens, with a letter, no hyphen at either end)."""
    if name == "":
        raise InvalidValueError(field, name, "a port name, or None for no name")
    return check(field, name, api_validation.is_valid_port_name, "a port name")


@dataclass(frozen=True)
class Port(Checked, prefix="port"):
    """A port a container listens on; a name lets probes and Services refer to it."""

    number: int
    name: str | None = None
    protocol: Protocol = Protocol.TCP

    def __post_init__(self) -> None:
        port_number("port", self.number)
        if self.name is not None:
            port_name("port.name", self.name)

    @classmethod
    @checked_arguments("port")
    def http(cls, number: int = 8080) -> Port:
        return cls(number, "http")

    @classmethod
    @checked_arguments("port")
    def metrics(cls, number: int = 9090) -> Port:
        return cls(number, "metrics")

    def to_manifest(self) -> dict[str, Any]:
        port: dict[str, Any] = {"containerPort": self.number}
        if self.name is not None:
            port["name"] = self.name
        if self.protocol is not Protocol.TCP:
            port["protocol"] = str(self.protocol)
        return port


def node_port(field: str, number: int) -> int:
    if isinstance(number, bool) or not isinstance(number, int) or number not in NODE_PORT_RANGE:
        raise InvalidValueError(field, number, f"a NodePort from {NODE_PORT_RANGE.start} to {NODE_PORT_RANGE.stop - 1}")
    return number
