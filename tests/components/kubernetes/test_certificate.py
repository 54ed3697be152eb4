"""A self-signed certificate: the same bytes from the same seed (no diff on a second preview), a valid
key pair for the configured host."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.certificate import SEED_BYTES, SelfSignedCertificate, self_signed
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs
from tests.conftest import RunProgram

SEED = bytes(range(32))


def test_the_same_seed_gives_the_same_bytes_and_another_seed_others() -> None:
    assert self_signed(SEED, ["shop.localtest.me"]) == self_signed(SEED, ["shop.localtest.me"])
    assert self_signed(SEED, ["shop.localtest.me"])[1] != self_signed(bytes(32), ["shop.localtest.me"])[1]
    assert self_signed(SEED, ["shop.localtest.me"])[0] != self_signed(SEED, ["www.localtest.me"])[0]


def test_the_certificate_is_for_its_hosts_signed_by_its_own_key_and_does_not_expire() -> None:
    certificate_pem, key_pem = self_signed(SEED, ["shop.localtest.me", "*.localtest.me", "shop.localtest.me"])
    certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
    key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert certificate.public_key() == key.public_key()
    certificate.verify_directly_issued_by(certificate)  # self-signed: raises when the signature is wrong
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["shop.localtest.me", "*.localtest.me"]
    assert certificate.not_valid_after_utc == datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False


def test_without_a_host_the_certificate_names_localhost() -> None:
    certificate = x509.load_pem_x509_certificate(self_signed(SEED, [])[0].encode())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]


@settings(max_examples=25, deadline=None)
@given(seed=st.binary(min_size=SEED_BYTES, max_size=SEED_BYTES))
def test_every_seed_gives_a_valid_pair(seed: bytes) -> None:
    certificate_pem, key_pem = self_signed(seed, ["shop.localtest.me"])
    certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
    key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    assert certificate.public_key() == key.public_key()
    assert certificate.serial_number > 0


def test_the_component_keeps_its_seed_in_state_and_makes_a_tls_secret(run_program: RunProgram) -> None:
    def program() -> None:
        shop = Namespace("shop", NamespaceArgs(name="shop"))
        SelfSignedCertificate("public-certificate", name="public-tls", namespace=shop, hosts=["shop.localtest.me"])

    render = run_program(program)
    seed = render.one("pulumi-python:dynamic/pilothouse:CertificateSeed")
    assert "hex" not in seed.inputs  # made by the provider on create, never an input
    secret = render.one("kubernetes:core/v1:Secret", "public-tls").inputs
    assert (secret["metadata"], secret["type"]) == ({"name": "public-tls", "namespace": "shop"}, "kubernetes.io/tls")


def test_a_host_that_is_not_a_host_name_is_refused_before_anything_is_registered() -> None:
    with pytest.raises(InvalidValueError) as error:
        SelfSignedCertificate("c", name="tls", namespace="shop", hosts=["shop.localtest.me", "Shop!"])
    assert str(error.value).startswith("certificate.hosts[1]: got 'Shop!'; expected a host name")


@pytest.mark.parametrize(("seed", "hosts", "message"), [
    ("a" * 32, [], "certificate.seed: got 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'; expected 32 bytes"),
    (b"", [], "certificate.seed: got '(not shown)'; expected 32 bytes"),
    (None, [], "certificate.seed: got None; expected 32 bytes"),
    (SEED, "example.com", "certificate.hosts: got 'example.com'; expected a list of host names"),
    (SEED, {"a.com", "b.com"}, "certificate.hosts: got "),  # a set's order differs between runs
    (SEED, None, "certificate.hosts: got None; expected a list of host names"),
    (SEED, [5], "certificate.hosts[0]: got 5; expected "),
    (SEED, ["*."], "certificate.hosts[0]: got '*.'; expected "),
    (SEED, ["bücher.de"], "certificate.hosts[0]: got 'bücher.de'; expected "),
    (SEED, ["10.0.0.1"], "certificate.hosts[0]: got '10.0.0.1'; expected "),
])
def test_bad_seeds_and_hosts_are_refused_naming_the_field(seed: Any, hosts: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        self_signed(seed, hosts)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(("fields", "message"), [
    ({"hosts": "localhost"}, "certificate.hosts: got 'localhost'; expected a list of host names"),
    ({"hosts": None}, "certificate.hosts: got None; expected a list of host names"),
    ({"name": "Bad_Name"}, "certificate.name: got 'Bad_Name'; expected "),
    ({"namespace": 5}, "certificate.namespace: got 5; expected a Namespace or a namespace's name"),
])
def test_a_bad_argument_registers_nothing(run_program: RunProgram, fields: dict[str, Any], message: str) -> None:
    def program() -> None:
        with pytest.raises(InvalidValueError) as error:
            SelfSignedCertificate("c", **{"name": "tls", "namespace": "edge", "hosts": ["a.com"], **fields})
        assert str(error.value).startswith(message)

    assert [r.type for r in run_program(program).resources if not r.type.startswith("pulumi:")] == []


def test_a_long_first_host_gives_its_first_label_as_common_name() -> None:
    host = "a" * 63 + ".bcdef.com"
    certificate = x509.load_pem_x509_certificate(self_signed(SEED, [host])[0].encode())
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "a" * 63
