"""ConfigMaps from literals and files; their keys become env values and volumes."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.env import EnvValue, config_key
from pilothouse.kubernetes.names import dns_subdomain, labels
from pilothouse.kubernetes.volumes import Volume
from pilothouse.kubernetes.workload import NamespaceRef, object_metadata, object_options
from pilothouse.typed import Checked


@dataclass(frozen=True, kw_only=True)
class ConfigMapArgs(Checked, prefix="config_map"):
    """What a :class:`ConfigMap` needs: its name, namespace and data; checked when declared.

    Fields:
        name: a DNS-1123 subdomain.
        namespace: a :class:`Namespace` of ours (the ConfigMap is created after it) or an existing namespace's name.
        data: literal keys and values (``--from-literal``); keys are 1-253 letters, digits, ``-``, ``_`` or ``.``.
        files: see its comment; a key may not be both in ``data`` and in ``files``.
        labels: labels of the ConfigMap object (keys and values checked as the API server checks them).
        immutable: mark the ConfigMap ``immutable: true``, so its data cannot be updated in place (default ``False``).

    Raises:
        InvalidValueError: naming ``config_map.name`` (not a DNS-1123 subdomain), ``config_map.data[<key>]`` (an
            invalid key, also for keys of ``files``) or ``config_map.files[<key>]`` (a key also in ``data``, or a
            path that is not a file).
    """

    name: str
    namespace: NamespaceRef
    #: Literal values, or Pulumi outputs of text (another stack's output), checked when they resolve.
    data: Mapping[str, str | pulumi.Output[str]] = field(default_factory=dict)
    #: Keys whose value is the content of a file, read when the program runs (``--from-file``): UTF-8 text goes
    #: to ``data`` byte for byte, anything else to ``binaryData``.
    files: dict[str, Path] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    immutable: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", labels("config_map.labels", self.labels))
        dns_subdomain("config_map.name", self.name)
        for key in (*self.data, *self.files):
            config_key(f"config_map.data[{key!r}]", key)
        for key, value in self.data.items():
            if not isinstance(value, str | pulumi.Output):
                raise InvalidValueError(f"config_map.data[{key!r}]", value,
                                        "text (quote numbers and booleans: '8080', 'true') or a Pulumi output of text")
        for key in set(self.data) & set(self.files):
            raise InvalidValueError(f"config_map.files[{key!r}]", key, "a key not also given as a literal in data")
        for key, path in self.files.items():
            if not Path(path).is_file():
                raise InvalidValueError(f"config_map.files[{key!r}]", str(path), "the path of a readable file")

    def all_data(self) -> dict[str, str | pulumi.Output[str]]:
        """The text entries: the literals and every file that is UTF-8, byte for byte (CRLF stays CRLF)."""
        return dict(sorted({**self.data, **self._file_contents()[0]}.items()))

    def binary_data(self) -> dict[str, str]:
        """The files that are not UTF-8 text (a Java keystore, an image), base64-encoded for ``binaryData``."""
        return dict(sorted(self._file_contents()[1].items()))

    def _file_contents(self) -> tuple[dict[str, str], dict[str, str]]:
        text, binary = {}, {}
        for key, path in self.files.items():
            content = Path(path).read_bytes()
            try:
                text[key] = content.decode("utf-8")
            except UnicodeDecodeError:
                binary[key] = base64.b64encode(content).decode()
        return text, binary


#: The API server's limit on a ConfigMap's data and binaryData together (``core.MaxSecretSize``, 1 MiB).
MAX_SIZE = 1024 * 1024


def content_checksum(data: Mapping[str, Any]) -> str:
    """A stable digest of a data map: put on a pod template, a change rolls the pods."""
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _text(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidValueError(f"config_map.data[{key!r}]", value, "text (a ConfigMap value is a string)")
    return value


class ConfigMap(k8s.core.v1.ConfigMap):
    """A ConfigMap; ``key()`` and ``volume()`` reference it and carry its checksum to the pods."""

    def __init__(self, resource_name: str, args: ConfigMapArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.args = args
        self.name = args.name
        # A value from an output is checked when it resolves, before it is sent or digested.
        self.entries = {key: value if isinstance(value, str) else value.apply(functools.partial(_text, key))
                        for key, value in args.all_data().items()}
        binary = args.binary_data()
        size = sum(len(key) + len(value.encode()) for key, value in self.entries.items()
                   if isinstance(value, str)) + sum(len(key) + len(base64.b64decode(value))
                                                    for key, value in binary.items())
        if size > MAX_SIZE:  # ValidateConfigMap: the data and binaryData together
            raise InvalidValueError("config_map.data", f"{size} bytes", f"at most {MAX_SIZE} bytes of data in all "
                                                                        "(the API server's limit, 1 MiB)")
        everything = {**self.entries, **{f"binary:{key}": value for key, value in binary.items()}}
        self.checksum: pulumi.Input[str]
        if all(isinstance(value, str) for value in everything.values()):
            self.checksum = content_checksum(everything)
        else:
            self.checksum = pulumi.Output.all(**everything).apply(content_checksum)
        body: dict[str, Any] = {"metadata": object_metadata(args.name, args.namespace, args.labels),
                                "data": self.entries}
        if binary:
            body["binary_data"] = binary
        if args.immutable:
            body["immutable"] = True
        super().__init__(resource_name, opts=object_options(self, resource_name, opts, args.namespace), **body)

    def key(self, key: str) -> EnvValue:
        if not isinstance(key, str) or key not in self.entries:
            raise InvalidValueError("env.key", key,
                                    f"a key of ConfigMap '{self.name}' ({', '.join(self.entries)})")
        return EnvValue.from_config_map(self.name, key).rolling_on(f"configmap-{self.name}", self.checksum)

    def volume(self, volume_name: str | None = None) -> Volume:
        return Volume.config_map(volume_name or self.name, self.name).rolling_on(
            f"configmap-{self.name}", self.checksum)
