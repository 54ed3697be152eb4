"""Kubernetes object names, label keys and label values, checked as the API server does."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pilothouse.errors import InvalidValueError

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_LABEL_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")


def dns_label(field: str, value: str) -> str:
    """A DNS-1123 label: the rule for namespace, service and most object names."""
    if not _DNS_LABEL.fullmatch(value):
        raise InvalidValueError(
            field, value,
            "a DNS-1123 label: 1-63 lowercase letters, digits or '-', starting and ending alphanumeric")
    return value


def qualified_name(field: str, key: str, what: str = "a label key") -> str:
    """An optional DNS-subdomain prefix and '/', then a 1-63 character name (label keys, provisioners)."""
    prefix, _, name = key.rpartition("/")
    if (prefix and not _DNS_SUBDOMAIN.fullmatch(prefix)) or not _LABEL_NAME.fullmatch(name):
        raise InvalidValueError(
            field, key,
            f"{what}: an optional DNS subdomain prefix and '/', then 1-63 letters, digits, "
            "'-', '_' or '.', starting and ending alphanumeric")
    return key


def label_key(field: str, key: str) -> str:
    """A label or annotation key."""
    return qualified_name(field, key)


def labels(field: str, values: Mapping[str, str]) -> dict[str, str]:
    """A validated label map, sorted by key so renders are stable."""
    for key, value in values.items():
        label_key(f"{field}[{key!r}]", key)
        if not _LABEL_VALUE.fullmatch(value):
            raise InvalidValueError(
                f"{field}[{key!r}]", value,
                "a label value: empty or 1-63 letters, digits, '-', '_' or '.', "
                "starting and ending alphanumeric")
    return dict(sorted(values.items()))


def dns_subdomain(field: str, value: str) -> str:
    """A DNS-1123 subdomain: the rule for ConfigMap, Secret and most other object names."""
    if not _DNS_SUBDOMAIN.fullmatch(value):
        raise InvalidValueError(
            field, value,
            "a DNS-1123 subdomain: 1-253 lowercase letters, digits, '-' or '.', starting and ending alphanumeric")
    return value
