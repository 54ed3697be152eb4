"""ConfigMaps from literals and files; their keys become env values and volumes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.errors import InvalidValueError
from components.kubernetes.env import EnvValue, config_key
from components.kubernetes.names import dns_subdomain
from components.kubernetes.volumes import Volume
from components.kubernetes.workload import NamespaceRef, child_options, object_metadata


@dataclass(frozen=True, kw_only=True)
class ConfigMapArgs:
    name: str
    namespace: NamespaceRef
    data: dict[str, str] = field(default_factory=dict)
    #: Keys whose value is the content of a file, read when the program runs (``--from-file``).
    files: dict[str, Path] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    immutable: bool = False

    def __post_init__(self) -> None:
        dns_subdomain("config_map.name", self.name)
        for key in (*self.data, *self.files):
            config_key(f"config_map.data[{key!r}]", key)
        for key in set(self.data) & set(self.files):
            raise InvalidValueError(f"config_map.files[{key!r}]", key, "a key not also given as a literal in data")
        for key, path in self.files.items():
            if not Path(path).is_file():
                raise InvalidValueError(f"config_map.files[{key!r}]", str(path), "the path of a readable file")

    def all_data(self) -> dict[str, str]:
        contents = {key: Path(path).read_text() for key, path in self.files.items()}
        return dict(sorted({**self.data, **contents}.items()))


def content_checksum(data: Mapping[str, Any]) -> str:
    """A stable digest of a data map: put on a pod template, a change rolls the pods."""
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class ConfigMap(pulumi.ComponentResource):
    """A ConfigMap; ``key()`` and ``volume()`` reference it and carry its checksum to the pods."""

    def __init__(self, resource_name: str, args: ConfigMapArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("pilothouse:kubernetes:ConfigMap", resource_name, None, opts)
        self.args = args
        self.data = args.all_data()
        self.checksum = content_checksum(self.data)
        body: dict[str, Any] = {"metadata": object_metadata(args.name, args.namespace, args.labels),
                                "data": self.data}
        if args.immutable:
            body["immutable"] = True
        self.config_map = k8s.core.v1.ConfigMap(resource_name, opts=child_options(self, args.namespace), **body)
        self.name = args.name
        self.register_outputs({"name": self.name})

    def key(self, key: str) -> EnvValue:
        if key not in self.data:
            raise InvalidValueError("env.key", key, f"a key of ConfigMap '{self.name}' ({', '.join(self.data)})")
        return EnvValue.from_config_map(self.name, key).rolling_on(f"configmap-{self.name}", self.checksum)

    def volume(self, volume_name: str | None = None) -> Volume:
        return Volume.config_map(volume_name or self.name, self.name).rolling_on(
            f"configmap-{self.name}", self.checksum)
