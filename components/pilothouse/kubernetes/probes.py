"""Liveness, readiness and startup probes: HTTP GET, exec and TCP socket."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pilothouse import api_validation
from pilothouse.choices import member
from pilothouse.counts import INT32_MAX
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.names import check
from pilothouse.kubernetes.ports import port_name, port_number
from pilothouse.typed import Checked, checked_arguments

PortRef = int | str


def port_ref(field_name: str, port: PortRef) -> PortRef:
    """A port by number (1-65535) or by the name of a container port."""
    return port_name(field_name, port) if isinstance(port, str) else port_number(field_name, port)




class Scheme(StrEnum):
    """The scheme of an HTTP probe, sent as ``httpGet.scheme``: ``HTTP`` (default, then omitted) or ``HTTPS``."""

    HTTP = "HTTP"
    HTTPS = "HTTPS"


@dataclass(frozen=True, kw_only=True)
class Timing(Checked, prefix="probe"):
    """Probe timing; ``None`` leaves the Kubernetes default (0s delay, 10s period, 1s timeout, 1/3)."""

    initial_delay_seconds: int | None = None
    period_seconds: int | None = None
    timeout_seconds: int | None = None
    success_threshold: int | None = None
    failure_threshold: int | None = None

    def __post_init__(self) -> None:
        for name, minimum in (("initial_delay_seconds", 0), ("period_seconds", 1), ("timeout_seconds", 1),
                              ("success_threshold", 1), ("failure_threshold", 1)):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or not minimum <= value <= INT32_MAX):
                raise InvalidValueError(f"probe.{name}", value, f"an integer from {minimum} to {INT32_MAX}")

    def to_manifest(self) -> dict[str, int]:
        names = {"initial_delay_seconds": "initialDelaySeconds", "period_seconds": "periodSeconds",
                 "timeout_seconds": "timeoutSeconds", "success_threshold": "successThreshold",
                 "failure_threshold": "failureThreshold"}
        return {key: getattr(self, name) for name, key in names.items() if getattr(self, name) is not None}


@dataclass(frozen=True)
class Probe(Checked, prefix="probe"):
    """One probe: build it with :meth:`http`, :meth:`exec` or :meth:`tcp`."""

    handler: Mapping[str, Any]
    timing: Timing = field(default_factory=Timing)
    #: The port the probe targets, so a container can check the name exists.
    port: PortRef | None = None

    @classmethod
    @checked_arguments("probe")
    def http(cls, path: str = "/", port: PortRef = "http", *, headers: Mapping[str, str] | None = None,
             scheme: Scheme = Scheme.HTTP, timing: Timing | None = None) -> Probe:
        if not path.startswith("/"):
            raise InvalidValueError("probe.path", path, "an absolute HTTP path starting with '/'")
        get: dict[str, Any] = {"path": path, "port": port_ref("probe.port", port)}
        for name, value in (headers or {}).items():
            check(f"probe.headers[{name!r}]", name, api_validation.is_http_header_name, "an HTTP header name")
            if not isinstance(value, str) or api_validation.has_http_control(value):
                # The API server takes any value; the kubelet's HTTP client refuses one with CR, LF or NUL
                # (Go net/http: "invalid header field value"), so the probe fails on every try.
                raise InvalidValueError(f"probe.headers[{name!r}]", value, "a header value without control "
                                        "characters (CR, LF, NUL; RFC 9110 section 5.5)")
        if headers:
            get["httpHeaders"] = [{"name": name, "value": value} for name, value in headers.items()]
        scheme = member("probe.scheme", scheme, Scheme)
        if scheme is not Scheme.HTTP:
            get["scheme"] = str(scheme)
        return cls({"httpGet": get}, timing or Timing(), port)

    @classmethod
    @checked_arguments("probe")
    def exec(cls, command: Sequence[str], *, timing: Timing | None = None) -> Probe:
        if isinstance(command, str) or not command:
            raise InvalidValueError("probe.command", command,
                                    "a non-empty list of arguments such as ['cat', '/tmp/healthy']")
        return cls({"exec": {"command": list(command)}}, timing or Timing())

    @classmethod
    @checked_arguments("probe")
    def tcp(cls, port: PortRef, *, timing: Timing | None = None) -> Probe:
        return cls({"tcpSocket": {"port": port_ref("probe.port", port)}}, timing or Timing(), port)

    def to_manifest(self) -> dict[str, Any]:
        return {**self.handler, **self.timing.to_manifest()}
