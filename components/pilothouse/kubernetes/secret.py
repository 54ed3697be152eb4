"""Secrets whose values stay Pulumi secrets end to end; base64 is done for you."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.env import EnvValue, config_key
from pilothouse.kubernetes.names import dns_subdomain, labels
from pilothouse.kubernetes.volumes import Volume
from pilothouse.kubernetes.workload import NamespaceRef, namespace_name, object_metadata, object_options
from pilothouse.typed import NOT_SHOWN, Checked, checked_arguments

#: The most data a Secret may hold, in bytes (k8s.io/kubernetes pkg/apis/core ``MaxSecretSize``).
MAX_SECRET_BYTES = 1024 * 1024

#: A PEM block of each kind a ``kubernetes.io/tls`` Secret holds (RFC 7468): its armor and base64 body.
_PEM_CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----\s+[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----")
_PEM_KEY = re.compile(rb"-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----\s+[A-Za-z0-9+/=\s]+-----END \1-----")


class SecretType(StrEnum):
    """The Secret's ``type``, and the data keys each type requires.

    - ``Opaque`` (default): any keys.
    - ``kubernetes.io/tls``: ``tls.crt`` and ``tls.key`` (PEM), as Ingress TLS expects; :meth:`SecretArgs.tls`.
    - ``kubernetes.io/dockerconfigjson``: ``.dockerconfigjson``, an image pull Secret;
      :meth:`SecretArgs.docker_registry`.
    """

    OPAQUE = "Opaque"
    TLS = "kubernetes.io/tls"
    DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson"


def encode(value: str) -> str:
    """The base64 form Kubernetes stores in a Secret's ``data``."""
    return base64.b64encode(value.encode()).decode()


@dataclass(frozen=True, kw_only=True)
class SecretArgs(Checked, prefix="secret", secrets=("data",)):
    """What a :class:`Secret` needs: its name, namespace, type and data; checked when declared.

    Fields:
        name: a DNS-1123 subdomain.
        namespace: a :class:`Namespace` of ours (the Secret is created after it) or an existing namespace's name.
        data: see its comment; at least one key, each 1-253 letters, digits, ``-``, ``_`` or ``.``.
        type: :class:`SecretType` (default ``Opaque``); the TLS and docker-config types require their keys.
        labels: labels of the Secret object (keys and values checked as the API server checks them).

    Raises:
        InvalidValueError: naming ``secret.name`` (not a DNS-1123 subdomain), ``secret.data`` (no keys, without a
            key ``type`` requires, or more than 1 MiB of values known now), ``secret.data[<key>]`` (an invalid key)
            or ``secret.data['.dockerconfigjson']`` (not a JSON object). Values are never shown.
    """

    name: str
    namespace: NamespaceRef
    #: Plain values, text or bytes (a keystore); each is wrapped as a Pulumi secret and base64-encoded for you.
    data: Mapping[str, pulumi.Input[str] | pulumi.Input[bytes]] = field(default_factory=dict, repr=False)
    type: SecretType = SecretType.OPAQUE
    labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", labels("secret.labels", self.labels))
        dns_subdomain("secret.name", self.name)
        if not isinstance(self.data, Mapping):  # before iterating it: a list of pairs or a string holds the secret
            raise InvalidValueError("secret.data", NOT_SHOWN, "a mapping of data keys to values")
        if not self.data:
            raise InvalidValueError("secret.data", {}, "at least one key")
        for key, value in self.data.items():
            if isinstance(value, bytearray | memoryview):  # bytes-like, but not what the runtime serialises
                raise InvalidValueError(f"secret.data[{key!r}]", NOT_SHOWN, "str, bytes or a Pulumi Output of them")
        for key in self.data:
            config_key(f"secret.data[{key!r}]", key)
        required = {SecretType.TLS: {"tls.crt", "tls.key"}, SecretType.DOCKER_CONFIG_JSON: {".dockerconfigjson"}}
        missing = required.get(self.type, set()) - set(self.data)
        if missing:
            raise InvalidValueError("secret.data", sorted(self.data),
                                    f"the keys {sorted(missing)} for type '{self.type}'")
        # The API server's own limits (pkg/apis/core/validation ValidateSecret), on the values known now.
        known = {key: value.encode() if isinstance(value, str) else value for key, value in self.data.items()
                 if isinstance(value, str | bytes)}
        if sum(len(value) for value in known.values()) > MAX_SECRET_BYTES:
            raise InvalidValueError("secret.data", NOT_SHOWN, f"at most {MAX_SECRET_BYTES} bytes of data in all")
        for key, pem, what in (("tls.crt", _PEM_CERTIFICATE, "a PEM certificate chain (-----BEGIN CERTIFICATE-----)"),
                               ("tls.key", _PEM_KEY, "a PEM private key (-----BEGIN PRIVATE KEY-----)")):
            if self.type is SecretType.TLS and key in known and not pem.search(known[key]):
                # The API server stores it and warns ("tls: failed to find any PEM data"); no listener can use it.
                raise InvalidValueError(f"secret.data['{key}']", NOT_SHOWN, what)
        config = known.get(".dockerconfigjson")
        if self.type is SecretType.DOCKER_CONFIG_JSON and config is not None and not _is_json_object(config):
            raise InvalidValueError("secret.data['.dockerconfigjson']", NOT_SHOWN,
                                    "a JSON object (a Docker config.json)")

    def certificate_hosts(self) -> tuple[str, ...] | None:
        """The DNS names a ``kubernetes.io/tls`` Secret's certificate (its first, given as text now) is valid for (its
        subject alternative names); ``None`` when not known here (another type, a value known only at deployment, no
        ``cryptography`` package: the ``tls`` extra, no certificate it can read, or one without such names)."""
        certificate = self.data.get("tls.crt") if self.type is SecretType.TLS else None
        if not isinstance(certificate, str | bytes):
            return None
        try:
            from cryptography import x509  # noqa: PLC0415 - optional: the tls extra
        except ImportError:
            return None
        try:
            parsed = x509.load_pem_x509_certificate(certificate.encode() if isinstance(certificate, str)
                                                    else certificate)
            names = parsed.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except (ValueError, x509.ExtensionNotFound, x509.DuplicateExtension):  # unreadable: left to the cluster
            return None
        return tuple(name.lower() for name in names.get_values_for_type(x509.DNSName))

    @classmethod
    @checked_arguments("secret", secrets=("certificate", "private_key", "password"))
    def tls(cls, name: str, namespace: NamespaceRef, *, certificate: pulumi.Input[str],
            private_key: pulumi.Input[str]) -> SecretArgs:
        """A ``kubernetes.io/tls`` Secret, as Ingress TLS expects it (PEM certificate chain and key)."""
        return cls(name=name, namespace=namespace, type=SecretType.TLS,
                   data={"tls.crt": certificate, "tls.key": private_key})

    @classmethod
    @checked_arguments("secret", secrets=("certificate", "private_key", "password"))
    def docker_registry(cls, name: str, namespace: NamespaceRef, *, server: str, username: pulumi.Input[str],
                        password: pulumi.Input[str]) -> SecretArgs:
        """An image pull Secret, as ``kubectl create secret docker-registry`` makes it."""
        def config(user: str, secret: str) -> str:
            auth = encode(f"{user}:{secret}")
            return json.dumps({"auths": {server: {"username": user, "password": secret, "auth": auth}}},
                              sort_keys=True)

        dockerconfig = pulumi.Output.all(username, password).apply(lambda v: config(str(v[0]), str(v[1])))
        return cls(name=name, namespace=namespace, type=SecretType.DOCKER_CONFIG_JSON,
                   data={".dockerconfigjson": dockerconfig})


def _is_json_object(value: bytes) -> bool:
    try:
        return isinstance(json.loads(value), dict)
    except (ValueError, UnicodeDecodeError):
        return False


def _base64(value: object) -> str:
    return base64.b64encode(value).decode() if isinstance(value, bytes) else encode(str(value))


class Secret(k8s.core.v1.Secret):
    """A Secret; ``key()`` and ``volume()`` reference it, and pods using it roll when it changes."""

    def __init__(self, resource_name: str, args: SecretArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.args = args
        self.name = args.name
        #: The host names its certificate is valid for, when known here (:meth:`SecretArgs.certificate_hosts`, or
        #: those a :class:`~pilothouse.kubernetes.certificate.SelfSignedCertificate` made it for): a Gateway
        #: listener for another host is refused.
        self.certificate_hosts: tuple[str, ...] | None = args.certificate_hosts()
        values: pulumi.Output[dict[str, Any]] = pulumi.Output.all(**dict(args.data))
        values = pulumi.Output.secret(values)
        data = values.apply(lambda plain: {key: _base64(value) for key, value in sorted(plain.items())})
        # The checksum is itself a secret, so no digest of a secret value is stored in plain text.
        self.checksum: pulumi.Output[str] = pulumi.Output.secret(values.apply(
            lambda plain: hashlib.sha256(json.dumps(
                {key: _base64(value) if isinstance(value, bytes) else value for key, value in plain.items()},
                sort_keys=True).encode()).hexdigest()))
        body: dict[str, Any] = {"metadata": object_metadata(args.name, args.namespace, args.labels),
                                "type": str(args.type), "data": data}
        super().__init__(resource_name, opts=object_options(self, resource_name, opts, args.namespace), **body)

    @property
    def namespace_name(self) -> str:
        return namespace_name(self.args.namespace)

    @property
    def secret_type(self) -> str:
        return str(self.args.type)

    def key(self, key: str) -> EnvValue:
        if key not in self.args.data:
            raise InvalidValueError("env.key", key, f"a key of Secret '{self.name}' ({', '.join(self.args.data)})")
        return EnvValue.from_secret(self.name, key).rolling_on(f"secret-{self.name}", self.checksum)

    def volume(self, volume_name: str | None = None) -> Volume:
        return Volume.secret(volume_name or self.name, self.name).rolling_on(f"secret-{self.name}", self.checksum)
