"""A container of a pod: image, command, ports, env, resources, probes, mounts, confinement."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi

from pilothouse.counts import INT32_MAX, whole
from pilothouse.errors import InvalidValueError
from pilothouse.images.reference import ImageRef
from pilothouse.kubernetes.env import EnvValue, env_list, env_name
from pilothouse.kubernetes.names import dns_label
from pilothouse.kubernetes.ports import Port
from pilothouse.kubernetes.probes import Probe
from pilothouse.kubernetes.resources import Resources
from pilothouse.kubernetes.security import SecurityProfile, read_only_root, security_context
from pilothouse.kubernetes.volumes import Mount, Volume, linux_path
from pilothouse.typed import Checked

#: The only capability the Pod Security "restricted" profile lets a container add.
RESTRICTED_ADDABLE = frozenset({"NET_BIND_SERVICE"})
TMP = Volume.empty_dir("tmp")
TMP_MOUNT = Mount(TMP, "/tmp")


class PullPolicy(StrEnum):
    """A container's ``imagePullPolicy``: when the kubelet pulls its image.

    ``Always`` (checks the registry on every container start), ``IfNotPresent`` (pulls only when the node lacks the
    image) or ``Never`` (uses the node's copy only). ``Container.pull_policy=None`` leaves the field unset.
    """

    ALWAYS = "Always"
    IF_NOT_PRESENT = "IfNotPresent"
    NEVER = "Never"


@dataclass(frozen=True, kw_only=True)
class Container(Checked, prefix="container"):
    """One container. ``security`` defaults to :attr:`SecurityProfile.RESTRICTED`."""

    name: str
    #: A reference, or a pushed image's digest reference (``BuiltImage.image_ref``), checked when it resolves.
    image: str | ImageRef | pulumi.Output[str]
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    ports: tuple[Port, ...] = ()
    #: Literal text, a Pulumi output of text, or an :class:`EnvValue` (ConfigMap/Secret key, pod field).
    env: Mapping[str, str | pulumi.Output[str] | EnvValue] = field(default_factory=dict)
    resources: Resources | None = None
    liveness: Probe | None = None
    readiness: Probe | None = None
    startup: Probe | None = None
    mounts: tuple[Mount, ...] = ()
    security: SecurityProfile = SecurityProfile.RESTRICTED
    run_as_user: int | None = None
    #: Keep the root filesystem writable under ``restricted`` (off: a writable /tmp is mounted instead).
    writable_root: bool = False
    add_capabilities: tuple[str, ...] = ()
    #: ``None`` leaves Kubernetes' default (IfNotPresent for pinned tags).
    pull_policy: PullPolicy | None = None
    working_dir: str | None = None

    def __post_init__(self) -> None:
        dns_label("container.name", self.name)
        if isinstance(self.image, str):
            ImageRef.parse(self.image, "container.image")
        elif isinstance(self.image, pulumi.Output):
            object.__setattr__(self, "image", self.image.apply(_checked_image))
        if self.working_dir is not None:
            # The API server takes any text; runc refuses a relative process cwd and the container never starts.
            if not isinstance(self.working_dir, str) or not self.working_dir.startswith("/"):
                raise InvalidValueError("container.working_dir", self.working_dir, "an absolute path in the container")
            linux_path("container.working_dir", self.working_dir)
        self._check_ports_and_probes()
        for env_var, value in self.env.items():
            env_name(f"container.env[{env_var!r}]", env_var)
            if not isinstance(value, str | pulumi.Output | EnvValue):
                raise InvalidValueError(f"container.env[{env_var!r}]", value,
                                        "text (quote numbers and booleans: '8080', 'true'), a Pulumi output of text, "
                                        "or an EnvValue")
        if self.security is SecurityProfile.RESTRICTED and not set(self.add_capabilities) <= RESTRICTED_ADDABLE:
            raise InvalidValueError("container.add_capabilities", list(self.add_capabilities),
                                    "only NET_BIND_SERVICE under the restricted profile")
        if self.run_as_user is not None and not whole(self.run_as_user):  # IsValidUserID
            raise InvalidValueError("container.run_as_user", self.run_as_user, f"a user id from 0 to {INT32_MAX}")
        if self.run_as_user == 0 and self.security is SecurityProfile.RESTRICTED:
            raise InvalidValueError("container.run_as_user", 0, "a non-zero user id under the restricted profile")
        if self.security is SecurityProfile.HOST_READER and (self.add_capabilities or self.run_as_user is not None):
            raise InvalidValueError("container.security", str(self.security),
                                    "no added capabilities and no run_as_user with 'host-reader' (root, nothing else)")
        paths = [mount.path for mount in self.all_mounts]
        for index, path in enumerate(paths):
            if path in paths[:index]:
                raise InvalidValueError("container.mounts", path, "mount paths unique in the container")

    def _check_ports_and_probes(self) -> None:
        names = [port.name for port in self.ports if port.name is not None]
        for index, name in enumerate(names):
            if name in names[:index]:
                raise InvalidValueError("container.ports", name, "port names unique in the container")
        # One number over two protocols (DNS: 53/UDP and 53/TCP) is fine; twice with one protocol the API server
        # warns "duplicate port definition" (pkg/api/pod/warnings.go).
        pairs = [(port.number, str(port.protocol)) for port in self.ports]
        for index, (number, protocol) in enumerate(pairs):
            if (number, protocol) in pairs[:index]:
                raise InvalidValueError("container.ports", number, f"port numbers unique per protocol ({protocol}) "
                                                                   "in the container")
        numbers = sorted({number for number, _ in pairs})
        for kind in ("liveness", "readiness", "startup"):
            probe: Probe | None = getattr(self, kind)
            if probe is None:
                continue
            if isinstance(probe.port, str) and probe.port not in names:
                raise InvalidValueError(f"container.{kind}.port", probe.port,
                                        f"the name of one of the container's ports {sorted(names)}")
            if isinstance(probe.port, int) and numbers and probe.port not in numbers:
                # Ours: a container that declares its ports declares them all, so another number is a slip.
                raise InvalidValueError(f"container.{kind}.port", probe.port,
                                        f"one of the container's ports {numbers} (declare it in ports)")
            if kind != "readiness" and probe.timing.success_threshold not in (None, 1):
                # ValidateLivenessProbe / ValidateStartupProbe: "must be 1"
                raise InvalidValueError(f"container.{kind}.success_threshold", probe.timing.success_threshold,
                                        f"1 (the API server requires it for a {kind} probe)")

    @property
    def all_mounts(self) -> tuple[Mount, ...]:
        """The declared mounts plus the writable /tmp a read-only root filesystem needs."""
        has_tmp = any(mount.path == "/tmp" for mount in self.mounts)
        if read_only_root(self.security, writable_root=self.writable_root) and not has_tmp:
            return (*self.mounts, TMP_MOUNT)
        return self.mounts

    def port(self, ref: int | str) -> Port | None:
        """The container port named ``ref`` or numbered ``ref``."""
        return next((p for p in self.ports if ref in (p.name, p.number)), None)

    def to_manifest(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"name": self.name, "image": str(self.image) if isinstance(self.image, ImageRef)
                                else self.image}
        optional: dict[str, Any] = {
            "command": list(self.command), "args": list(self.args),
            "ports": [port.to_manifest() for port in self.ports],
            "env": env_list(self.env),
            "resources": self.resources.to_manifest() if self.resources else {},
            "livenessProbe": self.liveness.to_manifest() if self.liveness else {},
            "readinessProbe": self.readiness.to_manifest() if self.readiness else {},
            "startupProbe": self.startup.to_manifest() if self.startup else {},
            "volumeMounts": [mount.to_manifest() for mount in self.all_mounts],
            "securityContext": security_context(self.security, run_as_user=self.run_as_user,
                                                writable_root=self.writable_root,
                                                add_capabilities=self.add_capabilities),
            "imagePullPolicy": str(self.pull_policy) if self.pull_policy else None,
            "workingDir": self.working_dir,
        }
        spec.update({key: value for key, value in optional.items() if value})
        return spec


def _checked_image(reference: str) -> str:
    """A pushed image's reference, checked once it is known."""
    ImageRef.parse(reference, "container.image")
    return reference
