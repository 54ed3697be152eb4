"""One naming convention and tag set for every Azure resource Pilothouse creates.

Names follow ``<abbreviation>-<workload>-<environment>-<region code>`` (Cloud Adoption
Framework style), squeezed to alphanumerics where Azure allows nothing else (ACR). Every
name is checked against its resource type's own Azure rules, so a name Azure would
reject fails here, before anything is registered.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from pilothouse.azure.regions import region_code
from pilothouse.errors import InvalidValueError
from pilothouse.typed import Checked

WORKLOAD_PATTERN = re.compile(r"^[a-z][a-z0-9]{1,11}$")
ENVIRONMENT_PATTERN = re.compile(r"^[a-z][a-z0-9]{1,7}$")


@dataclass(frozen=True)
class NameRule:
    """Azure's naming rule for one resource type."""

    abbreviation: str
    pattern: re.Pattern[str]
    description: str
    separator: str = "-"
    #: A length a conventional name may exceed (a global name of few characters): past it, the name keeps its
    #: beginning and ends with a digest of the whole, so two environments' names stay apart.
    max_length: int | None = None


class ResourceKind(StrEnum):
    """Azure resource types Pilothouse names."""

    RESOURCE_GROUP = "resource group"
    VIRTUAL_NETWORK = "virtual network"
    SUBNET = "subnet"
    CONTAINER_REGISTRY = "container registry"
    MANAGED_CLUSTER = "AKS cluster"
    DNS_PREFIX = "AKS DNS prefix"
    LOG_ANALYTICS_WORKSPACE = "Log Analytics workspace"
    LINUX_NODE_POOL = "Linux node pool"
    WINDOWS_NODE_POOL = "Windows node pool"
    PUBLIC_IP = "public IP address"
    NAT_GATEWAY = "NAT gateway"
    USER_ASSIGNED_IDENTITY = "user-assigned identity"
    KEY_VAULT = "key vault"


RULES: dict[ResourceKind, NameRule] = {
    ResourceKind.RESOURCE_GROUP: NameRule(
        "rg", re.compile(r"^[-\w.()]{0,89}[-\w()]$"),
        "1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'"),
    ResourceKind.VIRTUAL_NETWORK: NameRule(
        "vnet", re.compile(r"^[a-zA-Z0-9][-\w.]{0,62}\w$"),
        "2-64 letters, digits, '-', '_' or '.', starting alphanumeric, ending alphanumeric or '_'"),
    ResourceKind.SUBNET: NameRule(
        "snet", re.compile(r"^[a-zA-Z0-9]([-\w.]{0,78}\w)?$"),
        "1-80 letters, digits, '-', '_' or '.', starting alphanumeric, ending alphanumeric or '_'"),
    ResourceKind.CONTAINER_REGISTRY: NameRule(
        "cr", re.compile(r"^[a-z0-9]{5,50}$"), "5-50 lowercase letters and digits only", ""),
    ResourceKind.MANAGED_CLUSTER: NameRule(
        "aks", re.compile(r"^[a-zA-Z0-9]([-\w]{0,61}[a-zA-Z0-9])?$"),
        "1-63 letters, digits, '-' or '_', starting and ending alphanumeric"),
    ResourceKind.DNS_PREFIX: NameRule(
        "", re.compile(r"^[a-zA-Z0-9]([-a-zA-Z0-9]{0,52}[a-zA-Z0-9])?$"),
        "1-54 letters, digits or '-', starting and ending alphanumeric"),
    ResourceKind.LOG_ANALYTICS_WORKSPACE: NameRule(
        "log", re.compile(r"^[a-zA-Z0-9][-a-zA-Z0-9]{2,61}[a-zA-Z0-9]$"),
        "4-63 letters, digits or '-', starting and ending alphanumeric"),
    ResourceKind.LINUX_NODE_POOL: NameRule(
        "", re.compile(r"^[a-z][a-z0-9]{0,11}$"),
        "1-12 lowercase letters and digits, starting with a letter", ""),
    ResourceKind.WINDOWS_NODE_POOL: NameRule(
        "", re.compile(r"^[a-z][a-z0-9]{0,5}$"),
        "1-6 lowercase letters and digits, starting with a letter", ""),
    ResourceKind.PUBLIC_IP: NameRule(
        "pip", re.compile(r"^[a-zA-Z0-9]([-\w.]{0,78}\w)?$"),
        "1-80 letters, digits, '-', '_' or '.', starting alphanumeric, ending alphanumeric or '_'"),
    ResourceKind.NAT_GATEWAY: NameRule(
        "ng", re.compile(r"^[a-zA-Z0-9]([-\w.]{0,78}\w)?$"),
        "1-80 letters, digits, '-', '_' or '.', starting alphanumeric, ending alphanumeric or '_'"),
    ResourceKind.USER_ASSIGNED_IDENTITY: NameRule(
        "id", re.compile(r"^[a-zA-Z0-9][-\w]{2,127}$"),
        "3-128 letters, digits, '-' or '_', starting alphanumeric"),
    # Microsoft.KeyVault naming rules: globally unique, 3-24, letters, digits and single hyphens.
    ResourceKind.KEY_VAULT: NameRule(
        "kv", re.compile(r"^(?=.{3,24}$)[a-zA-Z](?!.*--)[-a-zA-Z0-9]*[a-zA-Z0-9]$"),
        "3-24 letters, digits and single '-', starting with a letter and ending alphanumeric", max_length=24),
}


def check_name(kind: ResourceKind, name: str, field: str) -> str:
    """Return ``name`` if Azure accepts it for ``kind``; raise a clear error otherwise."""
    rule = RULES[kind]
    if not rule.pattern.fullmatch(name):
        raise InvalidValueError(field, name, f"a valid {kind} name: {rule.description}")
    return name


@dataclass(frozen=True)
class Naming(Checked, prefix=""):
    """The naming convention of one environment of one workload in one region."""

    workload: str
    environment: str
    location: str

    def __post_init__(self) -> None:
        if not WORKLOAD_PATTERN.fullmatch(self.workload):
            raise InvalidValueError(
                "workload", self.workload, "2-12 lowercase letters and digits, starting with a letter")
        if not ENVIRONMENT_PATTERN.fullmatch(self.environment):
            raise InvalidValueError(
                "environment", self.environment,
                "2-8 lowercase letters and digits, starting with a letter")
        region_code(self.location)

    def name(self, kind: ResourceKind, suffix: str = "") -> str:
        """The conventional name of a ``kind`` resource, validated against Azure's rules."""
        rule = RULES[kind]
        parts = [rule.abbreviation, self.workload, self.environment, region_code(self.location), suffix]
        name = rule.separator.join(part for part in parts if part)
        if rule.max_length is not None and len(name) > rule.max_length:
            digest = hashlib.sha256(name.encode()).hexdigest()[:8]
            name = f"{name[:rule.max_length - 9].rstrip(rule.separator)}{rule.separator}{digest}"
        return check_name(kind, name, f"{kind} name")

    @property
    def dns_prefix(self) -> str:
        """DNS prefix of the AKS API server FQDN: ``<workload>-<environment>``."""
        name = f"{self.workload}-{self.environment}"
        return check_name(ResourceKind.DNS_PREFIX, name, "dns prefix")

    @property
    def tags(self) -> dict[str, str]:
        """Tags every taggable Azure resource carries."""
        return {"environment": self.environment, "managed-by": "pilothouse", "workload": self.workload}
