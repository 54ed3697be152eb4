"""Kubernetes object names, label keys and label values, checked by the API server's own rules.

The rules and messages are apimachinery's (:mod:`pilothouse.api_validation`); each error says which
rule applies, then what the API server would say.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping

from pilothouse import api_validation
from pilothouse.errors import InvalidValueError


def check(field: str, value: object, rule: Callable[[str], list[str]], what: str) -> str:
    """``value`` when ``rule`` (a :mod:`~pilothouse.api_validation` function) finds nothing wrong with it.

    Raises:
        InvalidValueError: naming ``field``, with ``what`` the value must be and the API server's messages.
    """
    if not isinstance(value, str):
        raise InvalidValueError(field, value, f"{what} (a string)")
    if errors := rule(value):
        raise InvalidValueError(field, value, f"{what}: {'; '.join(errors)}")
    return value


def dns_label(field: str, value: str) -> str:
    """A DNS-1123 label (at most 63 bytes): namespace names, and names used as a label value or a DNS label."""
    return check(field, value, api_validation.is_dns1123_label, "a DNS-1123 label")


#: The domain name label of an Azure public IP (``<label>.<region>.cloudapp.azure.com``), also set through the
#: Azure cloud provider's Service annotation: 3-63 lowercase letters, digits and '-', starting with a letter and
#: ending with a letter or digit (Azure's rule for Microsoft.Network/publicIPAddresses dnsSettings.domainNameLabel,
#: as PSRule for Azure's Azure.PublicIP.DNSLabel states it).
_AZURE_DNS_LABEL = re.compile(r"[a-z][a-z0-9-]{1,61}[a-z0-9]")


def azure_dns_label(field: str, value: str) -> str:
    """The DNS label of an Azure public IP: 3-63 lowercase letters, digits and '-', starting with a letter."""
    if not isinstance(value, str) or not _AZURE_DNS_LABEL.fullmatch(value):
        raise InvalidValueError(field, value, "an Azure public IP DNS label: 3-63 lowercase letters, digits and '-', "
                                              "starting with a letter and ending with a letter or digit")
    return value


def dns1035_label(field: str, value: str) -> str:
    """A DNS-1035 label (starts with a letter, at most 63 bytes): Service names."""
    return check(field, value, api_validation.is_dns1035_label, "a DNS-1035 label (Service names start with a letter)")


def dns_subdomain(field: str, value: str) -> str:
    """A DNS-1123 subdomain (at most 253 bytes): ConfigMap, Secret and most other object names."""
    return check(field, value, api_validation.is_dns1123_subdomain, "a DNS-1123 subdomain")


def qualified_name(field: str, key: str, what: str = "a label key") -> str:
    """An optional DNS-subdomain prefix and '/', then a name of at most 63 bytes (label keys, provisioners)."""
    return check(field, key, api_validation.is_qualified_name, what)


def label_key(field: str, key: str) -> str:
    """A label or annotation key."""
    return qualified_name(field, key)


def label_value(field: str, value: str) -> str:
    """A label value: empty, or at most 63 bytes of alphanumerics, '-', '_' or '.', alphanumeric at both ends."""
    return check(field, value, api_validation.is_label_value, "a label value")


def labels(field: str, values: Mapping[str, str]) -> dict[str, str]:
    """A validated label map, sorted by key so renders are stable."""
    if not isinstance(values, Mapping):
        raise InvalidValueError(field, values, "a mapping of label keys to label values")
    for key, value in values.items():
        label_key(f"{field}[{key!r}]", key)
        label_value(f"{field}[{key!r}]", value)
    return dict(sorted(values.items()))


#: The API server's limit on the total size of an object's annotations, keys and values (``TotalAnnotationSizeLimitB``).
ANNOTATIONS_MAX_BYTES = 256 * 1024


def annotation_map(field: str, values: Mapping[str, str]) -> dict[str, str]:
    """Validated annotations: qualified-name keys, string values, at most 256 KiB in all; sorted by key."""
    if not isinstance(values, Mapping):
        raise InvalidValueError(field, values, "a mapping of annotation keys to strings")
    total = 0
    for key, value in values.items():
        check(f"{field}[{key!r}]", key, api_validation.is_annotation_key, "an annotation key")
        if not isinstance(value, str):
            raise InvalidValueError(f"{field}[{key!r}]", value, "a string (annotation values are text)")
        total += len(key.encode(errors="surrogatepass")) + len(value.encode(errors="surrogatepass"))
    if total > ANNOTATIONS_MAX_BYTES:
        raise InvalidValueError(field, f"{total} bytes", f"annotations of at most {ANNOTATIONS_MAX_BYTES} bytes in all")
    return dict(sorted(values.items()))


def shortened(name: str, limit: int) -> str:
    """``name`` when it has at most ``limit`` characters, else its start and a digest of all of it: a derived
    object's name that stays within Kubernetes' limit (63 for a label, 253 for a subdomain) and distinct."""
    if len(name) <= limit:
        return name
    return f"{name[:limit - 11].rstrip('-.')}-{hashlib.sha256(name.encode()).hexdigest()[:10]}"
