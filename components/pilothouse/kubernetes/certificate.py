"""A self-signed TLS certificate Secret for a Gateway's HTTPS listener where no issuer runs (a local cluster, a dev
environment): ``pilothouse[tls]``.

Made once and never again: a random seed is generated on the first ``pulumi up`` (a Python dynamic resource: no
provider plugin to install) and kept, a secret, in the stack's state; the key and certificate are derived from it, so
every later preview renders the same bytes and shows no change. The key is ECDSA P-256 (``derive_private_key``), the
signature deterministic ECDSA (RFC 6979), the validity from 2000-01-01 with no well-defined expiration
(``99991231235959Z``, RFC 5280 section 4.1.2.5). Browsers warn about it, as about any self-signed certificate;
``curl --cacert tls.crt`` (or ``--insecure``) reaches the app.

Where an issuer runs, name its Secret instead (:class:`~pilothouse.kubernetes.gateway.CertificateRef`): cert-manager's
``Certificate``, or a Key Vault certificate synced by the Secrets Store CSI driver.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi.dynamic

from pilothouse.errors import InvalidValueError
from pilothouse.extras import missing_extra
from pilothouse.kubernetes.ingress import route_host
from pilothouse.kubernetes.names import dns_label, dns_subdomain
from pilothouse.kubernetes.namespace import Namespace
from pilothouse.kubernetes.secret import Secret, SecretArgs
from pilothouse.kubernetes.workload import NamespaceRef

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
except ModuleNotFoundError as missing:  # pragma: no cover - depends on the install
    raise missing_extra(missing, "tls", "pilothouse.kubernetes.certificate") from None

#: Of the seed: 32 bytes, the size of a P-256 private key.
SEED_BYTES = 32
#: The order of P-256's base point (SEC 2, section 2.4.2): a private key is a scalar in [1, n-1].
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_NOT_BEFORE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
_NO_EXPIRY = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)


def certificate_hosts(hosts: Sequence[str]) -> tuple[str, ...]:
    """``hosts`` checked (a list or tuple of host names as a Gateway listener takes them, ``*.`` wildcards allowed),
    duplicates dropped, in order.

    Raises:
        InvalidValueError: naming ``certificate.hosts`` (text or another type where a list belongs) or
            ``certificate.hosts[<i>]`` (not a host name: an IP address, upper case, non-ASCII).
    """
    if not isinstance(hosts, list | tuple):
        raise InvalidValueError("certificate.hosts", hosts, "a list of host names")
    for index, host in enumerate(hosts):
        route_host(f"certificate.hosts[{index}]", host)
    return tuple(dict.fromkeys(hosts))


def self_signed(seed: bytes, hosts: Sequence[str]) -> tuple[str, str]:
    """``(certificate, private key)`` in PEM for ``hosts`` (:func:`certificate_hosts`; none: a certificate for
    ``localhost``), the same for the same seed and hosts.

    Raises:
        InvalidValueError: naming ``certificate.seed`` (not :data:`SEED_BYTES` bytes) or what
            :func:`certificate_hosts` refuses.
    """
    if not isinstance(seed, bytes | bytearray) or len(seed) != SEED_BYTES:
        raise InvalidValueError("certificate.seed", "(not shown)" if isinstance(seed, bytes | bytearray) else seed,
                                f"{SEED_BYTES} bytes")
    names = list(certificate_hosts(hosts)) or ["localhost"]
    key = ec.derive_private_key(int.from_bytes(hashlib.sha256(seed).digest()) % (_P256_ORDER - 1) + 1,
                                ec.SECP256R1())
    # A common name is at most 64 characters (RFC 5280, ub-common-name); clients match the alternative names.
    common_name = names[0].removeprefix("*.")
    if len(common_name) > 64:
        common_name = common_name.partition(".")[0]
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    # Positive and at most 20 octets (RFC 5280 section 4.1.2.2).
    serial = int.from_bytes(hashlib.sha256(b"serial:" + seed).digest()[:16]) >> 1 or 1
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(serial).not_valid_before(_NOT_BEFORE).not_valid_after(_NO_EXPIRY)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name) for name in names]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256(), ecdsa_deterministic=True))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return certificate.public_bytes(serialization.Encoding.PEM).decode(), key_pem.decode()


class _SeedProvider(pulumi.dynamic.ResourceProvider):
    """Create: :data:`SEED_BYTES` random bytes (hex); nothing ever changes them (no inputs)."""

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        return pulumi.dynamic.CreateResult(id_=secrets.token_hex(8), outs={"hex": secrets.token_hex(SEED_BYTES)})

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        return pulumi.dynamic.DiffResult(changes=False)


class CertificateSeed(pulumi.dynamic.Resource, module="pilothouse", name="CertificateSeed"):
    """Random bytes made on create and kept, a secret, in the stack's state (``hex``)."""

    hex: pulumi.Output[str]

    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_SeedProvider(), resource_name, {"hex": None},
                         pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=["hex"])))


class SelfSignedCertificate(pulumi.ComponentResource):
    """A ``kubernetes.io/tls`` Secret named ``name`` in ``namespace`` holding a self-signed certificate for ``hosts``,
    made once (:func:`self_signed` of a :class:`CertificateSeed`); ``secret`` is what a listener presents
    (``Listener.https(certificates=(certificate.secret,))``).

    Raises:
        InvalidValueError: naming ``certificate.name`` (not a DNS-1123 subdomain), ``certificate.namespace`` or what
            :func:`certificate_hosts` refuses; before anything is registered.
    """

    def __init__(self, resource_name: str, *, name: str, namespace: NamespaceRef, hosts: Sequence[str] = (),
                 opts: pulumi.ResourceOptions | None = None) -> None:
        names = certificate_hosts(hosts)
        dns_subdomain("certificate.name", name)
        if isinstance(namespace, str):
            dns_label("certificate.namespace", namespace)
        elif not isinstance(namespace, Namespace):
            raise InvalidValueError("certificate.namespace", namespace, "a Namespace or a namespace's name")
        super().__init__("pilothouse:kubernetes:SelfSignedCertificate", resource_name, None, opts)
        seed = CertificateSeed(f"{resource_name}-seed", pulumi.ResourceOptions(parent=self))
        pair = seed.hex.apply(lambda value: self_signed(bytes.fromhex(value), names))
        self.secret = Secret(name, SecretArgs.tls(
            name, namespace, certificate=pair.apply(lambda p: p[0]),
            private_key=pulumi.Output.secret(pair.apply(lambda p: p[1]))), pulumi.ResourceOptions(parent=self))
        self.secret.certificate_hosts = names or ("localhost",)
        self.register_outputs({})
