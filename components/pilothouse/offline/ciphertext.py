"""What the passphrase secrets provider refuses in a ciphertext before it tries the passphrase.

Offline nothing is decrypted, but a ``secure:`` value the Pulumi CLI cannot even open (hand-edited, cut short)
fails ``pulumi preview`` whatever the passphrase: ``symmetricCrypter.DecryptValue``
(sdk/go/common/resource/config/crypt.go) wants ``v1:<nonce>:<ciphertext>``, both in standard base64 as Go's
``encoding/base64`` decodes it, and a 12-byte nonce. Whether the passphrase opens it cannot be told offline.
"""

from __future__ import annotations

import base64
import re

#: Go's ``base64.StdEncoding`` alphabet; ``=`` pads.
_ALPHABET = re.compile(rb"[A-Za-z0-9+/]")
#: AES-GCM's standard nonce size (``aesgcm.NonceSize()``), in bytes.
_NONCE_BYTES = 12


def passphrase_encrypted(settings: object) -> bool:
    """Whether the stack file's top-level settings (its YAML document) make the CLI decrypt with a passphrase: an
    ``encryptionsalt`` and no secrets provider of another kind (``GetSecretsManager``, pkg/cmd/pulumi/stack/
    secrets.go)."""
    if not isinstance(settings, dict):
        return False
    provider, salt = settings.get("secretsprovider"), settings.get("encryptionsalt")
    return provider in (None, "", "passphrase", "default") and bool(salt)


def problem(ciphertext: str) -> str | None:
    """The CLI's error for a ciphertext the passphrase provider cannot open whatever the passphrase, ``None`` for one
    of the right shape."""
    parts = ciphertext.split(":")
    if len(parts) != 3:
        return "bad value"
    if parts[0] != "v1":
        return "unknown value version"
    decoded = []
    for part in parts[1:]:
        offset = _corrupt_at(part.encode("utf-8", "surrogateescape"))
        if offset is not None:
            return f"bad value: illegal base64 data at input byte {offset}"
        decoded.append(base64.b64decode(re.sub(rb"[\r\n]", b"", part.encode())))
    return "bad value: nonce size is incorrect" if len(decoded[0]) != _NONCE_BYTES else None


def _corrupt_at(src: bytes) -> int | None:
    """The offset of Go's ``CorruptInputError`` for ``StdEncoding.DecodeString(src)`` (``decodeQuantum``,
    encoding/base64/base64.go): each quantum of 4 characters, newlines skipped, padding only at the end."""
    at = 0
    while at < len(src):
        taken = 0
        while taken < 4:
            if at == len(src):
                return None if taken == 0 else at - taken
            char = src[at:at + 1]
            at += 1
            if _ALPHABET.fullmatch(char):
                taken += 1
            elif char in (b"\n", b"\r"):
                continue
            elif char != b"=" or taken < 2:
                return at - 1
            else:
                return _after_padding(src, at, taken)
    return None


def _after_padding(src: bytes, at: int, taken: int) -> int | None:
    """The rest of ``src`` after a ``=`` at ``at - 1`` in a quantum of ``taken`` characters: a second ``=`` after two,
    then only newlines."""
    if taken == 2:
        at = _skip_newlines(src, at)
        if at == len(src):
            return len(src)
        if src[at:at + 1] != b"=":
            return at - 1
        at += 1
    at = _skip_newlines(src, at)
    return at if at < len(src) else None


def _skip_newlines(src: bytes, at: int) -> int:
    while at < len(src) and src[at:at + 1] in (b"\n", b"\r"):
        at += 1
    return at
