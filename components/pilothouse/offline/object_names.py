"""The rule the API server holds each kind's ``metadata.name`` to, so that a render refuses what a create would.

Each built-in kind's validation passes one name function to ``ValidateObjectMeta`` (k8s.io/kubernetes v1.37.2,
``pkg/apis/*/validation/validation.go``); almost all of them are ``NameIsDNSSubdomain``, as is the one for custom
resources (apiextensions-apiserver v0.37.2, ``pkg/registry/customresource/validator.go``). The exceptions are listed
here; ``tests/oracle/test_object_names.py`` checks every rule against the API server (one deliberate difference: a
Service name, below). Kinds whose rule depends on more than the name (``IPAddress``, ``ClusterTrustBundle``,
``StorageVersion``, ``APIService``, ``CustomResourceDefinition``), ``CertificateSigningRequest`` and a v1 ``Event``
(any name) are held only to what every name is held to: a path segment
(:func:`~pilothouse.api_validation.is_path_segment_name`, checked by the render itself). Two kinds' names are also
held to a length for what is derived from them: a CronJob's (52 characters, ``ValidateCronJobCreate``) and a Job's
(63, its pods' labels: :func:`job_label_problems`).

A Helm release's name is held to Helm's rule (:func:`release_name_problems`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pilothouse.api_validation import is_config_map_key, is_dns1123_label, is_dns1123_subdomain
from pilothouse.offline.kinds import GroupKind, group_of

NameRule = Callable[[str], list[str]]

#: Kinds (by API group and kind) whose name is not a DNS-1123 subdomain; ``None``: no rule of its own.
EXCEPTIONS: dict[GroupKind, NameRule | None] = {
    ("", "Namespace"): is_dns1123_label,  # ValidateNamespaceName
    ("", "Service"): lambda name: is_dns1123_label(name) or _service_name_start(name),
    ("apps", "StatefulSet"): is_dns1123_label,  # ValidateStatefulSetName
    ("batch", "CronJob"): lambda name: [*is_dns1123_subdomain(name), *_cron_job_name_length(name)],
    ("coordination.k8s.io", "LeaseCandidate"): is_config_map_key,  # ValidLeaseCandidateName
    **{("rbac.authorization.k8s.io", kind): None  # ValidateRBACName: a path segment
       for kind in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")},
    ("", "Event"): None,  # ValidateEventCreate holds a v1 Event to the legacy rules only, which skip the name
    ("certificates.k8s.io", "CertificateSigningRequest"): None,
    ("certificates.k8s.io", "ClusterTrustBundle"): None,
    ("networking.k8s.io", "IPAddress"): None,
    ("internal.apiserver.k8s.io", "StorageVersion"): None,
    ("apiregistration.k8s.io", "APIService"): None,
    ("apiextensions.k8s.io", "CustomResourceDefinition"): None,
}


def _service_name_start(name: str) -> list[str]:
    """A Service name starts with a letter, as Pilothouse's own Service holds it to: a DNS-1035 label, which
    clusters before 1.36 require (RelaxedServiceNameValidation, on by default from 1.36, takes a DNS-1123 label)."""
    return [] if name[:1].isalpha() else ["must start with a letter: Kubernetes before 1.36 refuses a Service name "
                                          "that is not a DNS-1035 label"]


def _cron_job_name_length(name: str) -> list[str]:
    """``ValidateCronJobCreate``: the controller names each Job ``<name>-<11 characters>``, and a Job's name is a label
    value of its pods (at most 63 bytes)."""
    return ["must be no more than 52 characters"] if len(name.encode("utf-8", "surrogatepass")) > 52 else []


#: The labels the API server gives a Job's pods, whose value is the Job's name (``generateSelector``,
#: pkg/registry/batch/job/strategy.go), unless the Job selects its pods itself (``spec.manualSelector``).
JOB_NAME_LABELS = ("batch.kubernetes.io/job-name", "job-name")


def job_label_problems(name: str, manifest: Mapping[str, Any]) -> list[str]:
    """What the API server says of a ``batch/v1`` Job named ``name`` (its ``manifest``, as created) for the labels
    :data:`JOB_NAME_LABELS` it gives its pods: a label value, at most 63 bytes (the name's other characters are
    the subdomain's, which a label value takes)."""
    spec = manifest.get("spec")
    manual = isinstance(spec, Mapping) and spec.get("manualSelector") is True
    if manual or len(name.encode("utf-8", "surrogatepass")) <= 63:
        return []
    return [f"the labels {' and '.join(JOB_NAME_LABELS)} of its pods are its name unless spec.manualSelector: "
            "must be no more than 63 bytes"]


def indexed_job_name_problems(name: str, manifest: Mapping[str, Any]) -> list[str]:
    """What the API server says of the name of an Indexed ``batch/v1`` Job (its ``manifest``, as created): its last
    pod's hostname, ``<name>-<completions - 1>``, must be a DNS-1123 label (``validateNameAllowsCompletions``,
    pkg/apis/batch/validation/validation.go), in its own words."""
    spec = manifest.get("spec")
    completions = spec.get("completions") if isinstance(spec, Mapping) else None
    if (not isinstance(spec, Mapping) or spec.get("completionMode") != "Indexed" or isinstance(completions, bool)
            or not isinstance(completions, int) or completions <= 0):
        return []
    hostname = f"{name}-{completions - 1}"
    return [f"will not able to create pod with invalid DNS label: {hostname}"] if is_dns1123_label(hostname) else []


def name_problems(api_version: str, kind: str, name: str) -> list[str]:
    """What the API server says of ``name`` for an object of ``api_version`` (``apps/v1``, ``v1``) and ``kind``,
    in its own words; empty when it takes the name (as far as the name alone tells)."""
    rule = EXCEPTIONS.get((group_of(api_version), kind), is_dns1123_subdomain)
    return rule(name) if rule else []


#: ``validName`` of Helm's ``pkg/chartutil/validate_name.go`` (Helm v3.18.6, which the pulumi-kubernetes provider
#: links): a release name, at most :data:`RELEASE_NAME_MAX_LENGTH` bytes.
_RELEASE_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
RELEASE_NAME_MAX_LENGTH = 53


def release_name_problems(name: str) -> list[str]:
    """What Helm says of a release named ``name`` (``ValidateReleaseName``, which an install, and so a
    ``helm.sh/v4:Chart``'s template and a ``helm.sh/v3:Release``, runs first), in its own words; empty when it takes
    it."""
    if len(name.encode("utf-8", "surrogatepass")) <= RELEASE_NAME_MAX_LENGTH and _RELEASE_NAME.fullmatch(name):
        return []
    return [f"invalid release name, must match regex ^{_RELEASE_NAME.pattern}$ and the length must not be longer "
            f"than {RELEASE_NAME_MAX_LENGTH}"]
