"""A self-signed TLS certificate for a Gateway's HTTPS listener where no issuer runs (the ``local`` stack).

Made once and never again: a random seed is generated on the first ``pulumi up`` and kept, a secret, in the stack's
state; the key and certificate are derived from it, so every later preview renders the same bytes and shows no
change. The key is ECDSA P-256 (``derive_private_key``), the signature deterministic ECDSA (RFC 6979), the validity
from 2000-01-01 with no well-defined expiration (``99991231235959Z``, RFC 5280 section 4.1.2.5). Browsers warn about
it, as about any self-signed certificate; ``curl --insecure`` or ``--cacert`` with ``tls.crt`` reaches the app.

On AKS the certificate comes from an issuer (cert-manager, or Key Vault): the Gateway names that Secret (config
``gateway.certificate``).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence

import pulumi
import pulumi_random
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from pilothouse.kubernetes.namespace import Namespace
from pilothouse.kubernetes.secret import Secret, SecretArgs

#: Of the seed: 32 bytes, the size of a P-256 private key.
SEED_BYTES = 32
_NOT_BEFORE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
_NO_EXPIRY = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)


def self_signed(seed: bytes, hosts: Sequence[str]) -> tuple[str, str]:
    """``(certificate, private key)`` in PEM for ``hosts`` (DNS names; ``*.`` wildcards allowed; none: a certificate
    for ``localhost``), the same for the same seed and hosts."""
    names = list(dict.fromkeys(hosts)) or ["localhost"]
    # A scalar in [1, n-1] from the seed: the curve order n is just below 2**256.
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    key = ec.derive_private_key(int.from_bytes(hashlib.sha256(seed).digest()) % (order - 1) + 1, ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0].removeprefix("*.")[:64])])
    serial = int.from_bytes(hashlib.sha256(b"serial:" + seed).digest()[:16]) >> 1 or 1  # positive, at most 20 bytes
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


class SelfSignedCertificate(pulumi.ComponentResource):
    """A ``kubernetes.io/tls`` Secret named ``name`` in ``namespace`` holding a self-signed certificate for
    ``hosts``, made once from a seed kept in the stack's state (:func:`self_signed`)."""

    def __init__(self, resource_name: str, *, name: str, namespace: Namespace, hosts: Sequence[str],
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("pilothouse:stacks:SelfSignedCertificate", resource_name, None, opts)
        seed = pulumi_random.RandomBytes(f"{resource_name}-seed", length=SEED_BYTES,
                                         opts=pulumi.ResourceOptions(parent=self))
        pair = seed.hex.apply(lambda value: self_signed(bytes.fromhex(value), tuple(hosts)))
        #: The Secret a listener presents (``Listener.https(certificates=(secret,))``).
        self.secret = Secret(name, SecretArgs.tls(
            name, namespace, certificate=pair.apply(lambda p: p[0]),
            private_key=pulumi.Output.secret(pair.apply(lambda p: p[1]))), pulumi.ResourceOptions(parent=self))
        self.register_outputs({})
