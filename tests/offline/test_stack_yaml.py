"""Differential test: the offline reader of Pulumi.yaml / Pulumi.<stack>.yaml against the real Pulumi CLI.

tests/fixtures/stack_config/corpus.json holds what Pulumi CLI v3.274.1 handed a Python program (or the error it
printed) for each case. ``{{secret:TEXT}}`` in a case stands for a ciphertext of TEXT: here a test ciphertext
that :func:`decrypt` reverses (the one real ciphertext a result shows is used as is).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

from pilothouse.offline.stack_yaml import StackYamlError, load_document, program_config

CORPUS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "stack_config" / "corpus.json").read_text())

# The corpus shows this ciphertext of "x" in a plain (not secret) object's text.
REAL_CIPHERTEXTS = {"x": "v1:IeWdwo8BXiVSKZcd:CJfGHaszvEp260uO/N3uvY8="}

def ciphertext(plaintext: str) -> str:
    return REAL_CIPHERTEXTS.get(plaintext) or "v1:test:" + base64.b64encode(plaintext.encode()).decode()


def decrypt(text: str) -> str:
    for plaintext, real in REAL_CIPHERTEXTS.items():
        if text == real:
            return plaintext
    if not text.startswith("v1:test:"):
        raise ValueError("bad value")
    return base64.b64decode(text[len("v1:test:"):]).decode()


def expand(text: str) -> str:
    return re.sub(r"\{\{secret:(.*?)\}\}", lambda match: ciphertext(match[1]), text)


def run(case: dict[str, Any]) -> dict[str, Any]:
    try:
        config, secret_keys, _ = program_config(expand(case["project_yaml"]), "<project-dir>/Pulumi.yaml",
                                                expand(case["stack_yaml"]), "Pulumi.dev.yaml", stack="dev",
                                                decrypt=decrypt)
    except StackYamlError as error:
        return {"error": "error: " + error.cli_text}
    return {"config": config, "secret_keys": secret_keys}


@pytest.mark.parametrize("case", CORPUS, ids=[case["name"] for case in CORPUS])
def test_matches_the_cli(case: dict[str, Any]) -> None:
    allowed = [case["result"], *case.get("nondeterministic_results_seen", [])]
    assert run(case) in allowed


def _bomb(levels: int) -> str:
    return "a0: &a0 [x, x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, levels))


@pytest.mark.parametrize(("text", "message"), [
    (_bomb(30), "invalid YAML file: yaml: document contains excessive aliasing"),
    ("a: " + "[" * 600 + "]" * 600, "invalid YAML file: yaml: exceeded max depth of 200"),
    ("a: b\x00\n", "invalid YAML file: yaml: control characters are not allowed"),
    ("# a comment \x01\na: 1\n", "invalid YAML file: yaml: control characters are not allowed"),
])
def test_hostile_documents_are_refused_quickly(text: str, message: str) -> None:
    """What yaml.v3 refuses to decode (an alias bomb, control characters), and nesting deeper than a stack file
    needs, is one error, never a hang or a traceback."""
    with pytest.raises(StackYamlError) as error:
        load_document(text, "Pulumi.dev.yaml")
    assert str(error.value) == f"Pulumi.dev.yaml: {message}"


def test_a_project_default_that_is_not_a_number_is_not_an_integer() -> None:
    with pytest.raises(StackYamlError) as error:
        program_config("name: demo\nconfig:\n  n:\n    type: integer\n    default: .nan\n", "Pulumi.yaml",
                       "config: {}\n", "Pulumi.dev.yaml", stack="dev", decrypt=lambda text: text)
    assert "'n'" in str(error.value)


def test_offline_each_secret_stands_for_a_placeholder_of_its_declared_type() -> None:
    project = ("name: demo\nconfig:\n  n:\n    type: integer\n  flags:\n    type: array\n    items:\n"
               "      type: boolean\n  db.port:\n    type: integer\n")
    stack = ("config:\n  demo:n:\n    secure: a\n  demo:flags:\n  - secure: b\n  - true\n  demo:t:\n    secure: c\n"
             "  demo:db:\n    port:\n      secure: d\n    host:\n      secure: e\n")
    received = program_config(project, "Pulumi.yaml", stack, "Pulumi.dev.yaml", stack="dev",
                              placeholder=lambda type_name: {"integer": "0", "boolean": "false"}.get(
                                  type_name, f"text{type_name}"))
    assert received.config == {"demo:db": '{"host":"text","port":"0"}', "demo:flags": '["false",true]',
                               "demo:n": "0", "demo:t": "text"}
    assert received.secret_keys == ["demo:db", "demo:flags", "demo:n", "demo:t"]


def test_offline_a_secure_default_stands_for_a_placeholder_too() -> None:
    # The CLI decrypts a Pulumi.yaml default of {secure: <ciphertext>} with the stack's key (a typed key's default
    # cannot be one: the project is refused): the render, which has none, gives it a placeholder, as it gives a stack
    # file's secure value; it handed the ciphertext over as the value.
    project = ("name: demo\nconfig:\n  token:\n    default:\n      secure: v1:abc\n"
               "  db.password:\n    default:\n      secure: v1:def\n")
    received = program_config(project, "Pulumi.yaml", "config: {}\n", "Pulumi.dev.yaml", stack="dev",
                              placeholder=lambda type_name: f"placeholder{type_name}")
    assert received.config == {"demo:db": '{"password":"placeholder"}', "demo:token": "placeholder"}
    assert received.secret_keys == ["demo:db", "demo:token"]


@pytest.mark.parametrize("given", [{}, {"decrypt": str, "placeholder": str}])
def test_a_secret_is_either_decrypted_or_stood_for(given: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match=r"^program_config\(\) takes exactly one of decrypt and placeholder$"):
        program_config("name: demo\n", "Pulumi.yaml", "config: {}\n", "Pulumi.dev.yaml", stack="dev", **given)


@pytest.mark.parametrize(("settings", "checked"), [
    ("encryptionsalt: v1:c2FsdA==:v1:AAAA\n", True),
    ("encryptionsalt: v1:c2FsdA==:v1:AAAA\nsecretsprovider: passphrase\n", True),
    ("encryptionsalt: v1:c2FsdA==:v1:AAAA\nsecretsprovider: awskms://alias/key\n", False),  # another provider's
    ("", False),  # the backend's own provider: its ciphertexts are another shape
])
def test_offline_a_ciphertext_is_checked_only_where_the_passphrase_provider_opens_it(settings: str,
                                                                                     checked: bool) -> None:
    # The messages themselves are compared with `pulumi preview` in tests/e2e/test_ciphertexts.py.
    stack = settings + "config:\n  demo:t:\n    secure: v1:garbage\n"
    if checked:
        with pytest.raises(StackYamlError, match=r"^Pulumi.dev.yaml: validating stack config: bad value$"):
            program_config("name: demo\n", "Pulumi.yaml", stack, "Pulumi.dev.yaml", stack="dev", placeholder=str)
    else:
        assert program_config("name: demo\n", "Pulumi.yaml", stack, "Pulumi.dev.yaml", stack="dev",
                              placeholder=str).secret_keys == ["demo:t"]


def test_the_docs_count_the_corpus_as_it_is() -> None:
    repo = Path(__file__).parents[2]
    for doc in ("README.md", "docs/offline.md"):
        counts = re.findall(r"(\d+) (?:cases|results) recorded from the real", (repo / doc).read_text())
        assert counts, doc
        assert set(counts) == {str(len(CORPUS))}, doc
