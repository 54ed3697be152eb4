"""Container environment variables: literals and references to ConfigMap/Secret keys or pod fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.names import dns_subdomain

_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]{1,253}$")


def config_key(field: str, key: str) -> str:
    """A ConfigMap or Secret data key."""
    if not _CONFIG_KEY.fullmatch(key):
        raise InvalidValueError(field, key, "a data key: 1-253 letters, digits, '-', '_' or '.'")
    return key


@dataclass(frozen=True)
class EnvValue:
    """Where an environment variable's value comes from."""

    source: Mapping[str, Any]
    #: (label, checksum) of the ConfigMap/Secret behind the value: pods roll when it changes.
    rollout: tuple[tuple[str, pulumi.Input[str]], ...] = field(default=(), compare=False)

    def rolling_on(self, label: str, checksum: pulumi.Input[str]) -> EnvValue:
        return replace(self, rollout=((label, checksum),))

    @classmethod
    def literal(cls, value: str) -> EnvValue:
        return cls({"value": value})

    @classmethod
    def from_config_map(cls, config_map: str, key: str, *, optional: bool = False) -> EnvValue:
        ref: dict[str, Any] = {"name": dns_subdomain("env.config_map", config_map), "key": config_key("env.key", key)}
        if optional:
            ref["optional"] = True
        return cls({"valueFrom": {"configMapKeyRef": ref}})

    @classmethod
    def from_secret(cls, secret: str, key: str, *, optional: bool = False) -> EnvValue:
        ref: dict[str, Any] = {"name": dns_subdomain("env.secret", secret), "key": config_key("env.key", key)}
        if optional:
            ref["optional"] = True
        return cls({"valueFrom": {"secretKeyRef": ref}})

    @classmethod
    def from_field(cls, path: str) -> EnvValue:
        """A pod field such as ``metadata.name``, ``status.podIP`` or ``spec.nodeName``."""
        return cls({"valueFrom": {"fieldRef": {"fieldPath": path}}})

    @property
    def secret_ref(self) -> tuple[str, str] | None:
        ref = self.source.get("valueFrom", {}).get("secretKeyRef")
        return None if ref is None else (ref["name"], ref["key"])

    @property
    def config_map_ref(self) -> tuple[str, str] | None:
        ref = self.source.get("valueFrom", {}).get("configMapKeyRef")
        return None if ref is None else (ref["name"], ref["key"])


EnvInput = Mapping[str, "str | EnvValue"]


def env_list(values: EnvInput) -> list[dict[str, Any]]:
    """The ``env`` list of a container, in the order given."""
    entries = []
    for name, value in values.items():
        if not _ENV_NAME.fullmatch(name):
            raise InvalidValueError(f"env[{name!r}]", name, "an environment variable name: letters, digits, '-', "
                                                             "'_' or '.', not starting with a digit")
        source = EnvValue.literal(value) if isinstance(value, str) else value
        entries.append({"name": name, **source.source})
    return entries
