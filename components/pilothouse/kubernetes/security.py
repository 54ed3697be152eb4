"""Container security profiles: restricted unless a weaker one is chosen, visibly."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class SecurityProfile(StrEnum):
    """How a container is confined.

    - ``restricted`` (default): the Pod Security "restricted" profile plus a read-only root
      filesystem (a writable ``/tmp`` emptyDir is mounted for you).
    - ``host-reader``: root, but with every capability dropped, a read-only root filesystem and no
      privilege escalation; for node agents that read root-owned host files (container logs).
    - ``baseline``: no privilege escalation and the runtime's seccomp profile, but root and the
      default capabilities allowed; for images that cannot run as non-root (the course's nginx).
    - ``unconfined``: nothing set; an explicit opt-out that shows in code review.
    """

    RESTRICTED = "restricted"
    HOST_READER = "host-reader"
    BASELINE = "baseline"
    UNCONFINED = "unconfined"


def read_only_root(profile: SecurityProfile, *, writable_root: bool) -> bool:
    """Whether ``profile`` mounts the root filesystem read-only (``writable_root`` only counts under restricted)."""
    return profile is SecurityProfile.HOST_READER or (profile is SecurityProfile.RESTRICTED and not writable_root)


def security_context(profile: SecurityProfile, *, run_as_user: int | None, writable_root: bool,
                     add_capabilities: tuple[str, ...]) -> dict[str, Any]:
    """The container ``securityContext`` of ``profile``."""
    if profile is SecurityProfile.UNCONFINED:
        return {}
    context: dict[str, Any] = {"allowPrivilegeEscalation": False, "seccompProfile": {"type": "RuntimeDefault"}}
    if profile is SecurityProfile.HOST_READER:
        # Root reads root-owned files through the owner bits alone: no capability is needed.
        return context | {"capabilities": {"drop": ["ALL"]}, "runAsNonRoot": False, "runAsUser": 0,
                          "readOnlyRootFilesystem": read_only_root(profile, writable_root=writable_root)}
    if profile is SecurityProfile.RESTRICTED:
        capabilities: dict[str, list[str]] = {"drop": ["ALL"]}
        if add_capabilities:
            capabilities["add"] = list(add_capabilities)
        context |= {"capabilities": capabilities, "runAsNonRoot": True,
                    "readOnlyRootFilesystem": read_only_root(profile, writable_root=writable_root)}
    elif add_capabilities:
        context["capabilities"] = {"add": list(add_capabilities)}
    if run_as_user is not None:
        context["runAsUser"] = run_as_user
    return context
