"""A mutation corpus over every key of the three stack files, on config parsing alone (nothing is registered).

Every key (nested ones too) of ``Pulumi.local.yaml``, ``Pulumi.dev.yaml`` and ``Pulumi.prod.yaml``, as the Pulumi CLI
hands them to the program, is replaced by values of the wrong type, empty, null, huge, unicode and hostile text, and
every object gets an unknown key. Each case must parse, or fail with :class:`InvalidValueError` whose every line names
a config key the reader knows and shows the value given (a secret never). Valid values for each kind of key must
parse. The counts are printed.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.offline.stack_config import read
from pilothouse.offline.stack_yaml import load_document
from pilothouse.typed import NOT_SHOWN
from stacks.config import PROJECT, parse, raw_config
from stacks.config_reader import Fields, InvalidConfigError

REPO = Path(__file__).resolve().parent.parent.parent
STACKS = ("local", "dev", "prod")
HUGE = "x" * 100_000

#: Values of every kind put in place of each key: wrong types, empty, null, huge, unicode, hostile text.
MUTATIONS: tuple[object, ...] = (
    None, "", 0, -1, 2**70, 1.5, True, [], {}, ["x"], {"a": 1}, HUGE, "ｓｈｏｐ", "é", "日本", "\u0663",
    "a\nb", "${HOME}", "'; rm -rf /", " padded ", "\x00", "1.30", "no",
)
#: Valid values each kind of key takes beyond the stack files' own (a refusal of any is a defect).
VALID: dict[str, tuple[object, ...]] = {
    "environment": ("ab", "prod2", "qa"),
    "kubernetesVersion": ("1.30", "1.37", "1.34.0", "1.34.12"),
    "network.vnetCidr": ("10.0.0.0/8", "10.10.0.0/16", "172.16.0.0/16"),
    "network.serviceCidr": ("10.0.0.0/16", "100.64.0.0/12", "10.0.0.0/28"),
    "namespaces[+].name": ("a", "team-1", "x" * 63, "kube"),
    "namespaces[].labels": ({"team": "shop", "example.com/owner": "a_b.c-d",
                             "ingress.gateway.pilothouse.dev/public": "attach"},),
    "namespaces[].quota.requestsCpu": ("2", "900m", "1.5", "2e3"),
    "namespaces[].quota.requestsMemory": ("2Gi", "700Mi", "1G", "1e9"),
    "nodePools[].name": ("apps", "a", "pool12345678"),
    "nodePools[].zones": (["1"], ["1", "2", "3"], []),
    "nodePools[].maxSurge": ("33%", 1, "1"),
    "ingress.host": ("shop.example.com", "*.example.com"),
    "ingress.replicas": (1, 20),
    "monitoring.retention": ("1d", "12h", "1h30m"),
}


@functools.cache
def _stack_config(stack: str) -> tuple[dict[str, object], frozenset[str]]:
    files = read(REPO, stack)
    secrets = frozenset(key.removeprefix(f"{PROJECT}:") for key in files.secret_keys)
    texts = raw_config(files.config)
    return {key: json.loads(text) if text[:1] in "{[" and text and key not in secrets else text
            for key, text in texts.items()}, secrets


def _engine_config(stack: str) -> tuple[dict[str, Any], frozenset[str]]:
    """The stack's config as the program receives it, its objects and lists decoded to be changed (a copy)."""
    raw, secrets = _stack_config(stack)
    return copy.deepcopy(raw), secrets


def _engine_text(value: object) -> str:
    """A top-level value as the engine passes it: text, objects and lists as compact JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _engine(config: dict[str, Any]) -> dict[str, str]:
    return {key: _engine_text(value) for key, value in config.items()}


def _paths(value: object, path: str = "") -> Iterator[str]:
    """Every key path inside ``value``: ``network.vnetCidr``, ``namespaces[0].quota.pods``; a key holding a dot
    quoted, as config paths quote it: ``namespaces[0].labels['ingress.gateway.pilothouse.dev/public']``."""
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}['{key}']" if "." in key else f"{path}.{key}" if path else key
            yield child
            yield from _paths(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict | list):
                yield from _paths(item, f"{path}[{index}]")


_SEGMENT = re.compile(r"\['([^']*)'\]|([^.\[\]]+)|\[(\d+)\]")


def _segments(path: str) -> list[str | int]:
    return [quoted or name or int(index) for quoted, name, index in _SEGMENT.findall(path)]


def _set(config: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    changed = copy.deepcopy(config)
    *parents, last = _segments(path)
    target: Any = changed
    for segment in parents:
        target = target[segment]
    target[last] = value
    return changed


def _generic(key: str) -> str:
    """``pilothouse:namespaces[1].quota.pods`` -> ``namespaces[].quota.pods`` (map keys dropped)."""
    key = key.removeprefix(f"{PROJECT}:")
    key = re.sub(r"\['.*?'\]|\[\".*?\"\]", "", key)
    return re.sub(r"\[\d+\]", "[]", key)


@pytest.fixture(scope="module")
def known_keys() -> set[str]:
    """Every config key the reader reads, as :func:`_generic` writes them (recorded over the stack files)."""
    seen: set[str] = set()
    original, forbid = Fields._get, Fields.forbid

    def recording(self: Fields, name: str, default: object, stand_in: object, **form: str) -> tuple[object, bool]:
        seen.add(_generic(self.key(name)))
        return original(self, name, default, stand_in, **form)

    def recording_forbid(self: Fields, name: str, allowed: str) -> None:
        seen.add(_generic(self.key(name)))
        forbid(self, name, allowed)

    Fields._get, Fields.forbid = recording, recording_forbid  # type: ignore[method-assign]
    try:
        for stack in STACKS:
            raw, secrets = _engine_config(stack)
            parse(_engine(raw), secrets)
            # The sections only some stacks use.
            parse(_engine({**raw, "logAgent": {"sink": "elasticsearch", "host": "es", "port": 9200, "tls": True,
                                       "index": "k8s", "namespace": "monitoring", "nodeSelector": {}},
                   "monitoring": {"retention": "1d", "storageSize": "10Gi", "scrapeInterval": "30s",
                                  "alertmanager": False, "nodeExporter": True, "namespace": "monitoring"}}
                  if stack != "local" else raw), secrets)
    finally:
        Fields._get, Fields.forbid = original, forbid  # type: ignore[method-assign]
    return seen


def _check_error(error: InvalidValueError, secrets: frozenset[str], known: set[str], key: str,
                 given: object) -> None:
    errors = error.errors if isinstance(error, InvalidConfigError) else (error,)
    assert "Traceback" not in str(error)
    for one in errors:
        assert one.field.startswith(f"{PROJECT}:"), f"{one} names no config key"
        generic = _generic(one.field)
        if one.allowed.startswith("no such key here"):  # the key the user wrote, named as written
            assert one.field == key or one.field.startswith((f"{key}.", f"{key}[")), f"{one}: not under {key}"
            continue
        assert generic.removesuffix("[]") in known or generic.rpartition(".")[0] in known, (
            f"{one}: no such config key ({generic})")
        if _generic(one.field) == _generic(key) and generic.removeprefix(f"{PROJECT}:") not in secrets:
            parts = [*given, *given.values()] if isinstance(given, dict) else given if isinstance(given, list) else []
            as_text = _engine_text(given) if "." not in key and "[" not in key else given
            shown = one.value in (given, as_text, "(plain text)", *parts) or given in (None, "", [], {})
            assert shown, f"{str(one)[:300]}: the value given was {repr(given)[:60]}"
        if one.field.removeprefix(f"{PROJECT}:") in secrets:
            assert one.value == NOT_SHOWN, f"{one}: a secret is shown"


def _cases() -> Iterator[tuple[str, str, object]]:
    for stack in STACKS:
        raw, _ = _engine_config(stack)
        for path in sorted(set(_paths(raw))):
            for value in MUTATIONS:
                yield stack, path, value
        for path in ["", *sorted({p for p in _paths(raw) if isinstance(_get(raw, p), dict)})]:
            yield stack, f"{path}.unknownKey" if path else "unknownKey", "x"


def _get(config: object, path: str) -> object:
    for segment in _segments(path):
        config = config[segment]  # type: ignore[index]
    return config


def test_the_mutation_corpus(known_keys: set[str], capsys: pytest.CaptureFixture[str]) -> None:
    outcomes = {"accepted": 0, "refused": 0}
    cases = list(_cases())
    for stack, path, value in cases:
        raw, secrets = _engine_config(stack)
        mutated = _set(raw, path, value)
        try:
            parse(_engine(mutated), secrets)
        except InvalidValueError as error:
            outcomes["refused"] += 1
            _check_error(error, secrets, known_keys, f"{PROJECT}:{path}", value)
        else:
            outcomes["accepted"] += 1
    with capsys.disabled():
        print(f"\nconfig mutation corpus: {len(cases)} cases over {len(STACKS)} stacks: {outcomes}")
    assert len(cases) >= 200


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize(("key", "values"), sorted(VALID.items()))
def test_valid_values_are_accepted(stack: str, key: str, values: tuple[object, ...]) -> None:
    raw, secrets = _engine_config(stack)
    if key == "namespaces[+].name":  # a namespace of its own, next to the stack's
        for value in values:
            parse(_engine({**raw, "namespaces": [*raw["namespaces"], {"name": value}]}), secrets)
        return
    paths = [p for p in _paths(raw) if re.sub(r"\[\d+\]", "[]", p) == key]
    if not paths and "[" not in key and "." not in key:  # a top-level key the stack leaves to its default
        paths = [key]
    for path in paths:
        for value in values:
            mutated = _set(raw, path, value)
            if key == "network.serviceCidr" and "network" in raw:
                mutated["network"]["dnsServiceIp"] = str(value).split("/")[0][:-1] + "10"
            if key == "network.vnetCidr" and "network" in raw:
                continue  # the subnets are inside the stack's own VNet: its ranges are covered by the unit tests
            parse(_engine(mutated), secrets)


def _declared() -> dict[str, dict[str, Any]]:
    project = load_document((REPO / "Pulumi.yaml").read_text(), "Pulumi.yaml")
    assert isinstance(project, dict)
    declared: dict[str, dict[str, Any]] = project["config"]
    return declared


def test_pulumi_yaml_declares_and_describes_every_key_the_reader_reads(known_keys: set[str]) -> None:
    """Pulumi.yaml's ``config:`` block is the stack files' reference: it declares exactly the keys the reader reads,
    and each object key's description names every key read inside it."""
    declared = _declared()
    assert set(declared) == {key for key in known_keys if "." not in key and "[" not in key}
    for key, declaration in declared.items():
        inside = {re.split(r"[.\[]", nested.removeprefix(key).lstrip("[].").lstrip("."))[0]
                  for nested in known_keys if nested.startswith((f"{key}.", f"{key}[]."))}
        undocumented = sorted(name for name in inside if not re.search(rf"\b{name}\b", declaration["description"]))
        assert not undocumented, f"Pulumi.yaml's description of {key} does not name {undocumented}"


@pytest.mark.parametrize("stack", STACKS)
def test_pulumi_yaml_defaults_are_the_reader_defaults(stack: str) -> None:
    """A key left out reads as the key set to Pulumi.yaml's default: one default per setting, whichever place a
    program gets its config from (the CLI applies Pulumi.yaml's; the reader has its own for keys a program built
    without the CLI leaves out)."""
    raw, secrets = _engine_config(stack)
    for key, declaration in _declared().items():
        if "default" not in declaration or key in ("environment", "target"):
            continue
        without = {name: value for name, value in raw.items() if name != key}
        try:
            left_out = parse(_engine(without), secrets)
        except InvalidValueError:
            continue  # required by the reader: only the CLI's default applies
        assert parse(_engine({**without, key: declaration["default"]}), secrets) == left_out, key
