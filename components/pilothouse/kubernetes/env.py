"""Container environment variables: literals and references to ConfigMap/Secret keys or pod fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi

from pilothouse import api_validation
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.names import check, dns_subdomain
from pilothouse.kubernetes.volumes import Volume
from pilothouse.typed import Checked, checked_arguments

#: The pod fields an environment variable may take (``validEnvDownwardAPIFieldPathExpressions``, and
#: ``spec.host``, which the API server converts to ``spec.nodeName``).
POD_FIELDS = frozenset({"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.host",
                        "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"})
_SUBSCRIPT = re.compile(r"(metadata\.(?:labels|annotations))\['(.*)'\]", re.ASCII | re.DOTALL)


def config_key(field: str, key: str) -> str:
    """A ConfigMap or Secret data key (``IsConfigMapKey``: at most 253 letters, digits, '-', '_' or '.', not
    ``.``, ``..`` or starting with ``..``)."""
    return check(field, key, api_validation.is_config_map_key, "a data key")


def env_name(field: str, name: str) -> str:
    """An environment variable name as every Kubernetes version takes it (``IsEnvVarName``).

    Deliberately stricter than Kubernetes 1.34 and later, which take any printable ASCII but '=': the stricter
    names work on every cluster and in every shell.
    """
    return check(field, name, api_validation.is_env_var_name, "an environment variable name")


def pod_field(field: str, path: str) -> str:
    """A pod field an environment variable may take: one of :data:`POD_FIELDS`, or one label or annotation
    (``metadata.labels['app']``)."""
    subscript = _SUBSCRIPT.fullmatch(path) if isinstance(path, str) else None
    if subscript is not None:  # the API server lower-cases an annotation key before checking it
        annotation = subscript[1].endswith("annotations")
        check(field, subscript[2], api_validation.is_annotation_key if annotation else api_validation.is_qualified_name,
              "an annotation key" if annotation else "a label key")
        return path
    if path not in POD_FIELDS:
        raise InvalidValueError(field, path, f"one of {', '.join(sorted(POD_FIELDS))}, or "
                                             "metadata.labels['<key>'] / metadata.annotations['<key>']")
    return path


@dataclass(frozen=True)
class EnvValue(Checked, prefix="env"):
    """Where an environment variable's value comes from."""

    source: Mapping[str, Any]
    #: (label, checksum) of the ConfigMap/Secret behind the value: pods roll when it changes.
    rollout: tuple[tuple[str, pulumi.Input[str]], ...] = field(default=(), compare=False)
    #: A volume the pod must mount for the value to exist (a Secret the Secrets Store CSI driver syncs only while
    #: a pod mounts its volume); :class:`PodSpec` refuses a pod without it.
    needs_volume: Volume | None = field(default=None, compare=False)

    def rolling_on(self, label: str, checksum: pulumi.Input[str]) -> EnvValue:
        return replace(self, rollout=((label, checksum),))

    def mounted_with(self, volume: Volume) -> EnvValue:
        return replace(self, needs_volume=volume)

    @classmethod
    @checked_arguments("env")
    def literal(cls, value: pulumi.Input[str]) -> EnvValue:
        """A value given as text, or as a Pulumi output of text (another stack's output)."""
        return cls({"value": value})

    @classmethod
    @checked_arguments("env")
    def from_config_map(cls, config_map: str, key: str, *, optional: bool = False) -> EnvValue:
        ref: dict[str, Any] = {"name": dns_subdomain("env.config_map", config_map), "key": config_key("env.key", key)}
        if optional:
            ref["optional"] = True
        return cls({"valueFrom": {"configMapKeyRef": ref}})

    @classmethod
    @checked_arguments("env")
    def from_secret(cls, secret: str, key: str, *, optional: bool = False) -> EnvValue:
        ref: dict[str, Any] = {"name": dns_subdomain("env.secret", secret), "key": config_key("env.key", key)}
        if optional:
            ref["optional"] = True
        return cls({"valueFrom": {"secretKeyRef": ref}})

    @classmethod
    @checked_arguments("env")
    def from_field(cls, path: str) -> EnvValue:
        """A pod field such as ``metadata.name``, ``status.podIP`` or ``spec.nodeName`` (see :func:`pod_field`)."""
        return cls({"valueFrom": {"fieldRef": {"fieldPath": pod_field("env.field", path)}}})

    @property
    def secret_ref(self) -> tuple[str, str] | None:
        ref = self.source.get("valueFrom", {}).get("secretKeyRef")
        return None if ref is None else (ref["name"], ref["key"])

    @property
    def config_map_ref(self) -> tuple[str, str] | None:
        ref = self.source.get("valueFrom", {}).get("configMapKeyRef")
        return None if ref is None else (ref["name"], ref["key"])


EnvInput = Mapping[str, "str | pulumi.Output[str] | EnvValue"]


def env_list(values: EnvInput) -> list[dict[str, Any]]:
    """The ``env`` list of a container, in the order given."""
    entries = []
    for name, value in values.items():
        env_name(f"env[{name!r}]", name)
        source = value if isinstance(value, EnvValue) else EnvValue.literal(value)
        entries.append({"name": name, **source.source})
    return entries
