"""Namespace budgets: a ResourceQuota and the LimitRange defaults that make pods fit it.

A namespace with a quota keeps an account of the pods declared in it, so a workload the API
server would reject (it exceeds the quota, or it lacks requests the quota requires and no
LimitRange default fills them in) fails ``pulumi preview`` with a message saying why.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.names import dns_subdomain
from pilothouse.kubernetes.pod_spec import PodSpec
from pilothouse.kubernetes.quantity import Quantity, QuantityInput, byte_quantity, quantity
from pilothouse.typed import Checked, checked_arguments

COMPUTE = ("requests.cpu", "requests.memory", "limits.cpu", "limits.memory")


def _optional(value: QuantityInput | None, field_name: str) -> Quantity | None:
    return None if value is None else quantity(value, field_name)


def _optional_bytes(value: QuantityInput | None, field_name: str) -> Quantity | None:
    return None if value is None else byte_quantity(value, field_name)


@dataclass(frozen=True)
class Quota(Checked, prefix="quota"):
    """Hard limits of one namespace: compute totals and object counts."""

    requests_cpu: Quantity | None = None
    requests_memory: Quantity | None = None
    limits_cpu: Quantity | None = None
    limits_memory: Quantity | None = None
    requests_storage: Quantity | None = None
    #: Object counts such as ``pods``, ``services``, ``persistentvolumeclaims``, ``configmaps``, ``secrets``.
    counts: dict[str, int] = field(default_factory=dict)
    #: Name of the ResourceQuota object.
    name: str = "quota"

    @classmethod
    @checked_arguments("quota")
    def of(cls, *, requests_cpu: QuantityInput | None = None, requests_memory: QuantityInput | None = None,
           limits_cpu: QuantityInput | None = None, limits_memory: QuantityInput | None = None,
           requests_storage: QuantityInput | None = None, **counts: int) -> Quota:
        """``Quota.of(requests_cpu="1", requests_memory="1Gi", limits_cpu="2", limits_memory="2Gi", pods=10)``."""
        for resource, count in counts.items():
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise InvalidValueError(f"quota.{resource}", count, "a non-negative object count")
        return cls(_optional(requests_cpu, "quota.requests_cpu"),
                   _optional_bytes(requests_memory, "quota.requests_memory"),
                   _optional(limits_cpu, "quota.limits_cpu"), _optional_bytes(limits_memory, "quota.limits_memory"),
                   _optional_bytes(requests_storage, "quota.requests_storage"), dict(sorted(counts.items())))

    def named(self, name: str) -> Quota:
        """The same quota as a ResourceQuota called ``name`` (default ``quota``)."""
        return replace(self, name=dns_subdomain("quota.name", name))

    def hard(self) -> dict[str, Quantity]:
        values = zip((*COMPUTE, "requests.storage"), (self.requests_cpu, self.requests_memory, self.limits_cpu,
                                                      self.limits_memory, self.requests_storage), strict=True)
        return {key: value for key, value in values if value is not None}

    def to_manifest(self) -> dict[str, Any]:
        hard: dict[str, Any] = {key: str(value) for key, value in self.hard().items()}
        hard.update({key: str(count) for key, count in self.counts.items()})
        return {"hard": hard}


@dataclass(frozen=True)
class LimitDefaults(Checked, prefix="limits"):
    """Per-container defaults and bounds (a LimitRange of type Container)."""

    default_request_cpu: Quantity | None = None
    default_request_memory: Quantity | None = None
    default_limit_cpu: Quantity | None = None
    default_limit_memory: Quantity | None = None
    max_cpu: Quantity | None = None
    max_memory: Quantity | None = None

    @classmethod
    @checked_arguments("limits")
    def of(cls, *, request_cpu: QuantityInput | None = None, request_memory: QuantityInput | None = None,
           limit_cpu: QuantityInput | None = None, limit_memory: QuantityInput | None = None,
           max_cpu: QuantityInput | None = None, max_memory: QuantityInput | None = None) -> LimitDefaults:
        defaults = cls(_optional(request_cpu, "limits.request_cpu"), _optional(request_memory, "limits.request_memory"),
                       _optional(limit_cpu, "limits.limit_cpu"), _optional(limit_memory, "limits.limit_memory"),
                       _optional(max_cpu, "limits.max_cpu"), _optional(max_memory, "limits.max_memory"))
        for kind in ("cpu", "memory"):
            request, limit = getattr(defaults, f"default_request_{kind}"), getattr(defaults, f"default_limit_{kind}")
            if request is not None and limit is not None and limit < request:
                raise InvalidValueError(f"limits.limit_{kind}", str(limit), f"a default limit not below the default "
                                                                            f"request {request}")
        return defaults

    def to_manifest(self) -> dict[str, Any]:
        limit: dict[str, Any] = {"type": "Container"}
        for key, values in (("defaultRequest", (self.default_request_cpu, self.default_request_memory)),
                            ("default", (self.default_limit_cpu, self.default_limit_memory)),
                            ("max", (self.max_cpu, self.max_memory))):
            entries = {name: str(v) for name, v in zip(("cpu", "memory"), values, strict=True) if v is not None}
            if entries:
                limit[key] = entries
        return {"limits": [limit]}

    def effective(self, container: Container) -> dict[str, Quantity | None]:
        """A container's requests and limits after the API server applies these defaults.

        As Kubernetes does it: a missing limit takes the default limit; a missing request takes the
        limit given on the container, else the default request, else the default limit.
        """
        given = container.resources
        values: dict[str, Quantity | None] = {}
        for kind in ("cpu", "memory"):
            own_request = getattr(given, f"{kind}_request") if given else None
            own_limit = getattr(given, f"{kind}_limit") if given else None
            limit = own_limit or getattr(self, f"default_limit_{kind}")
            request = own_request or own_limit or getattr(self, f"default_request_{kind}") or limit
            values[f"requests.{kind}"], values[f"limits.{kind}"] = request, limit
        return values


@dataclass
class QuotaAccount:
    """The running total of what the workloads declared in one namespace ask for."""

    namespace: str
    quota: Quota
    limits: LimitDefaults = field(default_factory=LimitDefaults)
    used: dict[str, Decimal] = field(default_factory=dict)
    pods: int = 0

    def admit(self, workload: str, pod: PodSpec, copies: int, *, counted: str, count_field: str) -> None:
        """Add ``copies`` pods of ``pod`` (``counted`` says why that many, ``count_field`` is the field that sets it);
        raise if the API server would reject them."""
        hard = self.quota.hard()
        per_pod: dict[str, Decimal] = dict.fromkeys(COMPUTE, Decimal(0))
        for container in pod.containers:
            effective = self.limits.effective(container)
            for kind in ("cpu", "memory"):
                ceiling, limit = getattr(self.limits, f"max_{kind}"), effective[f"limits.{kind}"]
                if ceiling is not None and (limit is None or ceiling < limit):
                    raise InvalidValueError(
                        f"{workload}.pod.containers[{container.name!r}].resources.{kind}_limit",
                        None if limit is None else str(limit),
                        f"a {kind} limit of at most {ceiling} (the LimitRange maximum of namespace '{self.namespace}')")
            for key in COMPUTE:
                value = effective[key]
                if value is None and key in hard:
                    raise InvalidValueError(
                        f"{workload}.pod.containers[{container.name!r}].resources", None,
                        f"a {key.replace('.', ' ')} value: namespace '{self.namespace}' has a quota on {key} and "
                        f"its LimitRange gives no default")
                per_pod[key] += value.value if value is not None else Decimal(0)
        for key in COMPUTE:
            before, share = self.used.get(key, Decimal(0)), per_pod[key] * copies
            if key in hard and before + share > hard[key].value:
                raise InvalidValueError(
                    f"{workload}.resources", f"{key}={_format(share, key)}",
                    f"at most {_format(max(hard[key].value - before, Decimal(0)), key)} for {copies} pod(s) "
                    f"({counted}): namespace '{self.namespace}' allows {hard[key]} in all (its ResourceQuota) and "
                    f"the workloads declared before this one take {_format(before, key)}")
            self.used[key] = before + share
        if "pods" in self.quota.counts and self.pods + copies > self.quota.counts["pods"]:
            raise InvalidValueError(count_field, f"{copies} pod(s)",
                                    f"at most {max(self.quota.counts['pods'] - self.pods, 0)} pod(s) ({counted}): "
                                    f"namespace '{self.namespace}' allows {self.quota.counts['pods']} pods and "
                                    f"the workloads declared before this one take {self.pods}")
        self.pods += copies


def _format(total: Decimal, key: str) -> str:
    """A CPU or memory amount, exact: millicores (or cores with more digits), Mi (or bytes)."""
    if key.endswith("cpu"):
        millis = total * 1000
        return f"{int(millis)}m" if millis == millis.to_integral_value() else f"{total.normalize():f}"
    return f"{int(total) // 2**20}Mi" if total % 2**20 == 0 else f"{int(total)}"
