"""Namespace budgets: a ResourceQuota and the LimitRange defaults that make pods fit it.

A namespace with a quota keeps an account of the pods declared in it, so a workload the API
server would reject (it exceeds the quota, or it lacks requests the quota requires and no
LimitRange default fills them in) fails ``pulumi preview`` with a message saying why.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from pilothouse import api_validation
from pilothouse.counts import INT64_MAX
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.names import dns_subdomain
from pilothouse.kubernetes.pod_spec import PodSpec
from pilothouse.kubernetes.quantity import Quantity, QuantityInput, byte_quantity, quantity
from pilothouse.typed import Checked, checked_arguments

COMPUTE = ("requests.cpu", "requests.memory", "limits.cpu", "limits.memory")
#: The object counts a ResourceQuota takes by a bare name (``standardQuotaResources`` of the API server); any other
#: is a qualified name with a '/', such as ``count/deployments.apps``.
STANDARD_COUNTS = ("pods", "services", "secrets", "configmaps", "persistentvolumeclaims", "replicationcontrollers",
                   "resourcequotas", "services.nodeports", "services.loadbalancers")


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
        return cls(_optional(requests_cpu, "quota.requests_cpu"),
                   _optional_bytes(requests_memory, "quota.requests_memory"),
                   _optional(limits_cpu, "quota.limits_cpu"), _optional_bytes(limits_memory, "quota.limits_memory"),
                   _optional_bytes(requests_storage, "quota.requests_storage"), dict(sorted(counts.items())))

    def __post_init__(self) -> None:
        # Built directly too, not only through of(): ValidateResourceQuotaResourceName and a count of objects.
        dns_subdomain("quota.name", self.name)
        for resource, count in self.counts.items():
            if resource not in STANDARD_COUNTS and ("/" not in resource or api_validation.is_qualified_name(resource)):
                raise InvalidValueError(f"quota.{resource}", resource, f"an object count a quota takes: one of "
                                        f"{', '.join(STANDARD_COUNTS)}, or 'count/<resource>.<group>'")
            if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= INT64_MAX:
                raise InvalidValueError(f"quota.{resource}", count, "a non-negative object count")

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
    """Per-container defaults and bounds (a LimitRange of type Container); build it with :meth:`of`.

    Fields (CPU in cores, memory in bytes; ``None`` leaves each unset):
        default_request_cpu, default_request_memory: the request a container without one gets.
        default_limit_cpu, default_limit_memory: the limit a container without one gets (unset: the maximum).
        max_cpu, max_memory: the largest limit a container may have.

    Raises:
        InvalidValueError: naming a memory field that is not whole bytes, or as the API server refuses the
            LimitRange (``ValidateLimitRange``): ``limits.default_request_<kind>`` (above the default limit or the
            maximum) or ``limits.default_limit_<kind>`` (above the maximum).
    """

    default_request_cpu: Quantity | None = None
    default_request_memory: Quantity | None = None
    default_limit_cpu: Quantity | None = None
    default_limit_memory: Quantity | None = None
    max_cpu: Quantity | None = None
    max_memory: Quantity | None = None

    def __post_init__(self) -> None:
        for name in ("default_request_memory", "default_limit_memory", "max_memory"):
            value = getattr(self, name)
            if isinstance(value, Quantity):
                byte_quantity(value, f"limits.{name}")
        for kind in ("cpu", "memory"):
            request, limit = getattr(self, f"default_request_{kind}"), getattr(self, f"default_limit_{kind}")
            ceiling = getattr(self, f"max_{kind}")
            if request is not None and limit is not None and limit < request:
                raise InvalidValueError(f"limits.default_limit_{kind}", str(limit),
                                        f"a default limit not below the default request {request}")
            for name, value in (("request", request), ("limit", limit)):
                if value is not None and ceiling is not None and ceiling < value:
                    raise InvalidValueError(f"limits.default_{name}_{kind}", str(value),
                                            f"a default {name} not above the maximum {ceiling}")

    @classmethod
    @checked_arguments("limits")
    def of(cls, *, request_cpu: QuantityInput | None = None, request_memory: QuantityInput | None = None,
           limit_cpu: QuantityInput | None = None, limit_memory: QuantityInput | None = None,
           max_cpu: QuantityInput | None = None, max_memory: QuantityInput | None = None) -> LimitDefaults:
        """``LimitDefaults.of(request_cpu="100m", limit_cpu="500m", max_cpu="1")``; memory in bytes.

        Raises:
            InvalidValueError: as the class does, naming the argument (``limits.limit_cpu``), or a value that is
                not a quantity (memory: whole bytes).
        """
        try:
            return cls(_optional(request_cpu, "limits.request_cpu"),
                       _optional_bytes(request_memory, "limits.request_memory"),
                       _optional(limit_cpu, "limits.limit_cpu"), _optional_bytes(limit_memory, "limits.limit_memory"),
                       _optional(max_cpu, "limits.max_cpu"), _optional_bytes(max_memory, "limits.max_memory"))
        except InvalidValueError as error:
            # The class names its fields (default_limit_cpu); this factory's caller wrote limit_cpu.
            raise InvalidValueError(error.field.replace("limits.default_", "limits."), error.value,
                                    error.allowed) from None

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

        As Kubernetes does it: the LimitRange's default limit is its maximum when unset, its default request its
        default limit (``SetDefaults_LimitRangeItem``); a container's missing request takes its own limit, else the
        default request; a missing limit takes the default limit.
        """
        given = container.resources
        values: dict[str, Quantity | None] = {}
        for kind in ("cpu", "memory"):
            own_request = getattr(given, f"{kind}_request") if given else None
            own_limit = getattr(given, f"{kind}_limit") if given else None
            default_limit = getattr(self, f"default_limit_{kind}") or getattr(self, f"max_{kind}")
            limit = own_limit or default_limit
            request = own_request or own_limit or getattr(self, f"default_request_{kind}") or default_limit
            values[f"requests.{kind}"], values[f"limits.{kind}"] = request, limit
        return values


class LimitRangeError(InvalidValueError):
    """A container the namespace's LimitRange refuses, or leaves without a value its quota needs.

    ``setting`` is the :class:`LimitDefaults` field that decides (``max_cpu``, ``default_request_memory``);
    ``needed`` the container's limit a maximum refuses (``None``: no limit, or a missing value).
    """

    def __init__(self, field: str, value: object, allowed: str, *, setting: str, needed: Quantity | None) -> None:
        super().__init__(field, value, allowed)
        self.setting, self.needed = setting, needed


@dataclass(frozen=True)
class PodDemand(Checked, prefix="demand"):
    """The pods one workload adds to its namespace at its peak: ``copies`` (0 or more) of ``pod``.

    ``workload`` prefixes the fields errors name (``deployment``), ``counted`` says why that many pods
    (``replicas plus rolling-update surge``) and ``count_field`` names the field that sets the count.
    """

    workload: str
    pod: PodSpec
    copies: int
    counted: str
    count_field: str

    def __post_init__(self) -> None:
        # Unbounded above: a rolling update's surge may be any count (Kubernetes caps none).
        if isinstance(self.copies, bool) or not isinstance(self.copies, int) or self.copies < 0:
            raise InvalidValueError("demand.copies", self.copies, "a pod count of 0 or more")


@dataclass
class QuotaAccount:
    """The running total of what the workloads declared in one namespace ask for.

    ``used`` holds the totals by ResourceQuota key (``requests.cpu`` in cores, ``requests.memory`` in bytes,
    ``pods``). :meth:`admit` checks each workload as it is declared; :meth:`charge` and :meth:`overdrawn`
    check a whole set of workloads at once, before any is declared.
    """

    namespace: str
    quota: Quota
    limits: LimitDefaults = field(default_factory=LimitDefaults)
    used: dict[str, Decimal] = field(default_factory=dict)

    def admit(self, demand: PodDemand) -> None:
        """Add ``demand``; raise :class:`InvalidValueError` if the API server would reject its pods: beyond a
        LimitRange maximum, missing a value the quota needs, or more than the quota has left after the workloads
        declared before it."""
        share, refusals = self._share(demand)
        if refusals:
            raise refusals[0]
        for key, amount in share.items():
            before, ceiling = self.used.get(key, Decimal(0)), self._hard().get(key)
            if ceiling is None or before + amount <= ceiling:
                continue
            left = _format(max(ceiling - before, Decimal(0)), key)
            if key == "pods":
                raise InvalidValueError(demand.count_field, f"{demand.copies} pod(s)",
                                        f"at most {left} pod(s) ({demand.counted}): namespace '{self.namespace}' "
                                        f"allows {_format(ceiling, key)} pods and the pods counted before these "
                                        f"take {_format(before, key)}")
            each = _format(amount / demand.copies, key)
            source = " (its LimitRange's default, for a container that sets none)" if key in self._defaulted(
                demand.pod) else ""
            raise InvalidValueError(
                f"{demand.workload}.resources", f"{key}={_format(amount, key)}",
                f"at most {left} for {demand.copies} pod(s) ({demand.counted}) of {each} each{source}: namespace "
                f"'{self.namespace}' allows {self.quota.hard()[key]} in all (its ResourceQuota) and the pods counted "
                f"before these take {_format(before, key)}")
        self._add(share)

    def charge(self, demand: PodDemand) -> list[LimitRangeError]:
        """Add ``demand`` whatever the quota has left (see :meth:`overdrawn`); answer what :meth:`admit` would
        raise for its pods alone, every container's (a LimitRange maximum, a missing value)."""
        share, refusals = self._share(demand)
        self._add(share)
        return refusals

    def overdrawn(self) -> dict[str, tuple[str, str]]:
        """Each ResourceQuota key the totals exceed: ``(used, hard)``, as text (``"650m"``, ``"600m"``)."""
        return {key: (_format(self.used[key], key), _format(ceiling, key))
                for key, ceiling in self._hard().items() if self.used.get(key, Decimal(0)) > ceiling}

    def _hard(self) -> dict[str, Decimal]:
        hard = {key: value.value for key, value in self.quota.hard().items() if key in COMPUTE}
        if "pods" in self.quota.counts:
            hard["pods"] = Decimal(self.quota.counts["pods"])
        return hard

    def _add(self, share: dict[str, Decimal]) -> None:
        for key, amount in share.items():
            self.used[key] = self.used.get(key, Decimal(0)) + amount

    def _defaulted(self, pod: PodSpec) -> set[str]:
        """The quota keys (``requests.cpu``, ...) some container of ``pod`` takes from the LimitRange's defaults."""
        found = set()
        for container in (*pod.init_containers, *pod.containers):
            given, effective = container.resources, self.limits.effective(container)
            for kind in ("cpu", "memory"):
                own_request = getattr(given, f"{kind}_request") if given else None
                own_limit = getattr(given, f"{kind}_limit") if given else None
                if own_request is None and own_limit is None and effective[f"requests.{kind}"] is not None:
                    found.add(f"requests.{kind}")
                if own_limit is None and effective[f"limits.{kind}"] is not None:
                    found.add(f"limits.{kind}")
        return found

    def _share(self, demand: PodDemand) -> tuple[dict[str, Decimal], list[LimitRangeError]]:
        """What ``demand``'s pods take from the quota, by key (a missing value counts 0), and each refusal of a
        container, init containers included, by the LimitRange (a limit above its maximum, a request above the
        default limit, a value the quota needs and it leaves unset). As the API server counts a pod (``PodRequests``):
        its containers' sum, or its largest init container when that is more."""
        hard = self.quota.hard()
        per_pod: dict[str, Decimal] = dict.fromkeys(COMPUTE, Decimal(0))
        first_run: dict[str, Decimal] = dict.fromkeys(COMPUTE, Decimal(0))
        refusals: list[LimitRangeError] = []
        every = [(c, True) for c in demand.pod.init_containers] + [(c, False) for c in demand.pod.containers]
        for container, initializing in every:
            effective = self.limits.effective(container)
            for kind in ("cpu", "memory"):
                ceiling, limit = getattr(self.limits, f"max_{kind}"), effective[f"limits.{kind}"]
                if ceiling is not None and (limit is None or ceiling < limit):
                    refusals.append(LimitRangeError(
                        f"{demand.workload}.pod.containers[{container.name!r}].resources.{kind}_limit",
                        None if limit is None else str(limit),
                        f"a {kind} limit of at most {ceiling} (the LimitRange maximum of namespace '{self.namespace}')",
                        setting=f"max_{kind}", needed=limit))
                request = effective[f"requests.{kind}"]
                if request is not None and limit is not None and limit < request:
                    refusals.append(LimitRangeError(
                        f"{demand.workload}.pod.containers[{container.name!r}].resources.{kind}_request", str(request),
                        f"a {kind} request of at most {limit}, the default limit namespace '{self.namespace}' "
                        "gives a container that sets none (a request above its limit is refused)",
                        setting=f"default_limit_{kind}", needed=request))
            for key in COMPUTE:
                value = effective[key]
                if value is None and key in hard:
                    refusals.append(LimitRangeError(
                        f"{demand.workload}.pod.containers[{container.name!r}].resources", None,
                        f"a {key.replace('.', ' ')} value: namespace '{self.namespace}' has a quota on {key} and "
                        f"its LimitRange gives no default", setting=f"default_{key.replace('s.', '_')}", needed=None))
                amount = value.value if value is not None else Decimal(0)
                if initializing:  # init containers run one at a time, before the others (PodRequests)
                    first_run[key] = max(first_run[key], amount)
                else:
                    per_pod[key] += amount
        share = {key: max(amount, first_run[key]) * demand.copies for key, amount in per_pod.items()}
        return {**share, "pods": Decimal(demand.copies)}, refusals


def _format(total: Decimal, key: str) -> str:
    """A pod count, or a CPU or memory amount, exact: millicores (or cores with more digits), Mi (or bytes)."""
    if key == "pods":
        return f"{int(total)}"
    if key.endswith("cpu"):
        millis = total * 1000
        return f"{int(millis)}m" if millis == millis.to_integral_value() else f"{total.normalize():f}"
    return f"{int(total) // 2**20}Mi" if total % 2**20 == 0 else f"{int(total)}"
