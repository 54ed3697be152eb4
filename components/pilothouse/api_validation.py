"""The API server's own rules for names, labels, ports and keys, with its messages.

Each function is the Python form of the apimachinery function it names
(``k8s.io/apimachinery/pkg/api/validate/content`` and ``pkg/util/validation``, Kubernetes 1.37): it
returns the messages the API server would give, an empty list when the value is valid. Go's ``len`` counts
bytes, so lengths here count UTF-8 bytes; Go's character classes are ASCII, as ``re.ASCII`` makes them
here. ``tests/oracle`` checks each against a real API server.
"""

from __future__ import annotations

import re

DNS1123_LABEL_MAX_LENGTH = 63
DNS1123_SUBDOMAIN_MAX_LENGTH = 253
DNS1035_LABEL_MAX_LENGTH = 63
LABEL_VALUE_MAX_LENGTH = 63
_LABEL_KEY_MAX_LENGTH = 63
_PORT_NAME_MAX_LENGTH = 15

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + r"(\." + _DNS1123_LABEL_FMT + ")*"
_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE_FMT = "(" + _LABEL_KEY_FMT + ")?"
_CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"
_HTTP_HEADER_NAME_FMT = "[-A-Za-z0-9]+"


def _regex(fmt: str) -> re.Pattern[str]:
    return re.compile(fmt, re.ASCII)


_DNS1123_LABEL = _regex(_DNS1123_LABEL_FMT)
_DNS1123_SUBDOMAIN = _regex(_DNS1123_SUBDOMAIN_FMT)
_DNS1035_LABEL = _regex(_DNS1035_LABEL_FMT)
_LABEL_KEY = _regex(_LABEL_KEY_FMT)
_LABEL_VALUE = _regex(_LABEL_VALUE_FMT)
_CONFIG_MAP_KEY = _regex(_CONFIG_MAP_KEY_FMT)
_HTTP_HEADER_NAME = _regex(_HTTP_HEADER_NAME_FMT)
_PORT_NAME_CHARSET = _regex("[-a-z0-9]+")


def go_lower(value: str) -> str:
    """Go's ``strings.ToLower``: one character for one (Python lower-cases 'İ' to two characters, Go to 'i')."""
    return value.replace("\u0130", "i").lower()


def _size(value: str) -> int:
    return len(value.encode("utf-8", "surrogatepass"))


def _max_len(length: int) -> str:
    return f"must be no more than {length} bytes"


def _regex_error(message: str, fmt: str, *examples: str) -> str:
    if not examples:
        return f"{message} (regex used for validation is '{fmt}')"
    shown = " or ".join(f"'{example}', " for example in examples)
    return f"{message} (e.g. {shown}regex used for validation is '{fmt}')"


def is_dns1123_label(value: str) -> list[str]:
    """``IsDNS1123Label``: namespace names, and most names that become a DNS label or a label value."""
    errors = [_max_len(DNS1123_LABEL_MAX_LENGTH)] if _size(value) > DNS1123_LABEL_MAX_LENGTH else []
    if not _DNS1123_LABEL.fullmatch(value):
        if _DNS1123_SUBDOMAIN.fullmatch(value):
            errors.append("must not contain dots")
        else:
            errors.append(_regex_error(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                "start and end with an alphanumeric character", _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errors


def is_path_segment_name(value: str) -> list[str]:
    """``IsPathSegmentName`` (``content/path.go``): every object's name, which the API server puts in a URL path."""
    if value in (".", ".."):
        return [f"may not be '{value}'"]
    return [f"may not contain '{part}'" for part in ("/", "%") if part in value]


def is_dns1123_subdomain(value: str) -> list[str]:
    """``IsDNS1123Subdomain``: the names of most objects (ConfigMap, Secret, Deployment, ...)."""
    errors = [_max_len(DNS1123_SUBDOMAIN_MAX_LENGTH)] if _size(value) > DNS1123_SUBDOMAIN_MAX_LENGTH else []
    if not _DNS1123_SUBDOMAIN.fullmatch(value):
        errors.append(_regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
            "must start and end with an alphanumeric character", _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errors


def is_dns1035_label(value: str) -> list[str]:
    """``IsDNS1035Label``: Service names (they become DNS names that must not start with a digit)."""
    errors = [_max_len(DNS1035_LABEL_MAX_LENGTH)] if _size(value) > DNS1035_LABEL_MAX_LENGTH else []
    if not _DNS1035_LABEL.fullmatch(value):
        errors.append(_regex_error(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
            "alphabetic character, and end with an alphanumeric character", _DNS1035_LABEL_FMT, "my-name",
            "abc-123"))
    return errors


def is_wildcard_dns1123_subdomain(value: str) -> list[str]:
    """``IsWildcardDNS1123Subdomain``: ``*.`` followed by a subdomain (Ingress hosts)."""
    errors = [_max_len(DNS1123_SUBDOMAIN_MAX_LENGTH)] if _size(value) > DNS1123_SUBDOMAIN_MAX_LENGTH else []
    if not (value.startswith("*.") and _DNS1123_SUBDOMAIN.fullmatch(value[2:])):
        errors.append(_regex_error(
            "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must "
            "consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
            r"\*\." + _DNS1123_SUBDOMAIN_FMT, "*.example.com"))
    return errors


_LABEL_KEY_MESSAGE = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                      "alphanumeric character")


def is_qualified_name(value: str) -> list[str]:
    """``IsQualifiedName`` (``IsLabelKey``): label and annotation keys, ``[prefix/]name``."""
    parts = value.split("/")
    if len(parts) > 2:
        return ["a valid label key " + _regex_error(_LABEL_KEY_MESSAGE, _LABEL_KEY_FMT, "MyName", "my.name",
                                                    "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    errors = []
    name = parts[-1]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            errors += [f"prefix part {message}" for message in is_dns1123_subdomain(prefix)]
    if not name:
        errors.append("name part must be non-empty")
    elif _size(name) > _LABEL_KEY_MAX_LENGTH:
        errors.append("name part " + _max_len(_LABEL_KEY_MAX_LENGTH))
    if not _LABEL_KEY.fullmatch(name):
        errors.append("name part " + _regex_error(_LABEL_KEY_MESSAGE, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc"))
    return errors


def is_annotation_key(value: str) -> list[str]:
    """``ValidateAnnotations``' rule for a key: "QualifiedName except that case doesn't matter"."""
    return is_qualified_name(go_lower(value))


def is_label_value(value: str) -> list[str]:
    """``IsValidLabelValue``: empty, or up to 63 alphanumerics, '-', '_' or '.', alphanumeric at both ends."""
    errors = [_max_len(LABEL_VALUE_MAX_LENGTH)] if _size(value) > LABEL_VALUE_MAX_LENGTH else []
    if not _LABEL_VALUE.fullmatch(value):
        errors.append(_regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
            "must start and end with an alphanumeric character", _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errors


def is_valid_port_name(value: str) -> list[str]:
    """``IsValidPortName``: container port names and a Service's named target ports (an IANA service name)."""
    errors = [_max_len(_PORT_NAME_MAX_LENGTH)] if _size(value) > _PORT_NAME_MAX_LENGTH else []
    if not _PORT_NAME_CHARSET.fullmatch(value):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search("[a-z]", value):
        errors.append("must contain at least one letter (a-z)")
    if "--" in value:
        errors.append("must not contain consecutive hyphens")
    if value and (value[0] == "-" or value[-1] == "-"):
        errors.append("must not begin or end with a hyphen")
    return errors


def is_config_map_key(value: str) -> list[str]:
    """``IsConfigMapKey``: the keys of ConfigMap and Secret data (they become file names)."""
    errors = [_max_len(DNS1123_SUBDOMAIN_MAX_LENGTH)] if _size(value) > DNS1123_SUBDOMAIN_MAX_LENGTH else []
    if not _CONFIG_MAP_KEY.fullmatch(value):
        errors.append(_regex_error("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                                   _CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    return errors + _chdir_prefix(value)


_ENV_VAR_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
_ENV_VAR_NAME = _regex(_ENV_VAR_NAME_FMT)


def is_env_var_name(value: str) -> list[str]:
    """``IsEnvVarName``: the environment variable names every Kubernetes version accepts."""
    errors = [] if _ENV_VAR_NAME.fullmatch(value) else [_regex_error(
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and "
        "must not start with a digit", _ENV_VAR_NAME_FMT, "my.env-name", "MY_ENV.NAME", "MyEnvName1")]
    return errors + _chdir_prefix(value)


def is_http_header_name(value: str) -> list[str]:
    """``IsHTTPHeaderName``: the header names of HTTP probes."""
    if _HTTP_HEADER_NAME.fullmatch(value):
        return []
    return [_regex_error("a valid HTTP header must consist of alphanumeric characters or '-'", _HTTP_HEADER_NAME_FMT,
                         "X-Header-Name")]


#: Control characters no HTTP field value carries (RFC 9110, section 5.5); tab is allowed.
_HTTP_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def has_http_control(value: str) -> bool:
    """Whether ``value`` holds a character no HTTP field value carries (CR, LF, NUL, ...: RFC 9110, section 5.5).
    Not a rule of the API server's: a controller refuses such a header, or splits it, and Go's HTTP client (the
    kubelet's probes) refuses it ("invalid header field value")."""
    return _HTTP_CONTROL.search(value) is not None


def _chdir_prefix(value: str) -> list[str]:
    # hasChDirPrefix: a key that would be a file name may not be or start with a parent reference.
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


def is_csi_driver_name(value: str) -> list[str]:
    """``ValidateCSIDriverName`` (``pkg/apis/core/validation``): at most 63 bytes, a DNS-1123 subdomain once
    lower-cased."""
    if not value:
        return ["Required value"]
    errors = [_max_len(DNS1123_LABEL_MAX_LENGTH)] if _size(value) > DNS1123_LABEL_MAX_LENGTH else []
    return errors + is_dns1123_subdomain(go_lower(value))


def is_path_without_backsteps(value: str) -> list[str]:
    """``validatePathNoBacksteps``: no ``..`` element (a mount's ``mountPath``)."""
    return ["must not contain '..'"] if ".." in value.split("/") else []


def is_local_descending_path(value: str) -> list[str]:
    """``validateLocalDescendingPath``: a relative path with no ``..`` element (a mount's ``subPath``)."""
    return (["must be a relative path"] if value.startswith("/") else []) + is_path_without_backsteps(value)


def is_local_non_reserved_path(value: str) -> list[str]:
    """``ValidateLocalNonReservedPath``: a descending path that does not start with ``..`` either (the file an item
    of a ConfigMap or Secret volume becomes)."""
    if not value:
        return ["Required value"]
    errors = is_local_descending_path(value)
    if value.startswith("..") and not value.startswith("../"):
        errors.append("must not start with '..'")
    return errors
