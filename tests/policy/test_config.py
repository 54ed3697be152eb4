"""Pack config: per policy, its level and settings, as `pulumi preview --policy-pack-config` and
`pilothouse policy --config` read it."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from pilothouse.policy.config import PackConfigError, mistakes, read, schema
from pilothouse.policy.rules import RULES, Enforcement, Settings, evaluate
from tests.policy.test_rules import DEPLOYMENT, SECURE_CONTAINER, deployment

BY_ID = {rule.id: rule for rule in RULES}


def test_every_setting_is_taken_by_a_rule_and_every_rule_takes_real_settings() -> None:
    taken = {name for rule in RULES for name in rule.settings}
    assert taken == {f.name for f in fields(Settings)}


def test_a_rules_schema_types_each_setting_with_its_default() -> None:
    assert schema(BY_ID["k8s-host-paths"]) == {
        "allowed_host_paths": {"type": "array", "items": {"type": "string"}, "default": ["/var/log", "/proc", "/sys"]}}
    assert schema(BY_ID["k8s-load-balancers"]) == {
        "ingress_label": {"type": "string", "default": "app.kubernetes.io/component"}}
    assert schema(BY_ID["k8s-probes"]) == {}


def test_a_config_gives_each_rule_its_level_and_settings() -> None:
    web = ("web", DEPLOYMENT, {**deployment({**SECURE_CONTAINER, "image": "docker.io/nginx:1.27"})})
    config = read({"k8s-namespace-governance": {"governed_elsewhere": ["shop"]},
                   "k8s-image-registry": {"enforcementLevel": "mandatory", "allowed_registries": ["acr.example.io"]},
                   "k8s-probes": {"enforcementLevel": "disabled"}}, Settings(allowed_registries=("docker.io",)))
    found = {(v.rule.id, v.enforcement) for v in evaluate([web], config=config)}
    assert ("k8s-image-registry", Enforcement.MANDATORY) in found  # its own settings beat the base's docker.io
    assert not {rule for rule, _ in found} & {"k8s-namespace-governance", "k8s-probes"}
    assert config["k8s-probes"].enforcement is None
    assert config["k8s-non-root"].enforcement is Enforcement.MANDATORY  # not in the config: the rule's own


def test_every_mistake_of_a_config_is_named_at_once() -> None:
    with pytest.raises(PackConfigError) as error:
        read({"k8s-no-such-rule": {}, "k8s-probes": {"enforcementLevel": "warn", "allowed_registries": []},
              "k8s-host-paths": {"allowed_host_paths": "/var/log"}, "k8s-image-registry": ["acr.io"],
              "k8s-load-balancers": {"ingress_label": 5, "allowed_registry": ["x"]}})
    assert error.value.mistakes == (
        "policy pack config: got 'k8s-no-such-rule'; expected the name of a policy of the pack",
        "k8s-host-paths.allowed_host_paths: got '/var/log'; expected a list of text",
        "k8s-probes.enforcementLevel: got 'warn'; expected one of ['advisory', 'mandatory', 'disabled']",
        "k8s-probes.allowed_registries: got []; expected no setting: k8s-probes takes none",
        "k8s-image-registry: got ['acr.io']; expected a JSON object of its settings",
        "k8s-load-balancers.ingress_label: got 5; expected text",
        "k8s-load-balancers.allowed_registry: got ['x']; expected one of the settings k8s-load-balancers takes: "
        "['ingress_label']")
    with pytest.raises(PackConfigError) as error:
        read(["k8s-probes"])
    assert error.value.mistakes == ("policy pack config: got ['k8s-probes']; expected a JSON object of policy names",)


def test_mistakes_leave_the_level_to_the_caller() -> None:
    assert mistakes(BY_ID["k8s-image-registry"], {"enforcementLevel": "mandatory", "allowed_registries": ["a"]}) == []


def policy_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pilothouse", "policy", *args], capture_output=True, text=True,
                          check=False)


def write_render(folder: Path, resources: list[dict[str, Any]]) -> Path:
    folder.mkdir()
    (folder / "resources.json").write_text(json.dumps(resources))
    return folder


def test_the_cli_takes_the_pack_config_file(tmp_path: Path) -> None:
    render = write_render(tmp_path / "render", [
        {"name": "web", "type": DEPLOYMENT, "custom": True, "inputs": deployment()}])
    assert policy_cli(str(render)).returncode == 1  # shop has neither quota nor LimitRange here
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"k8s-namespace-governance": {"governed_elsewhere": ["shop"]}}))
    result = policy_cli(str(render), "--config", str(config))
    assert (result.returncode, result.stdout) == (0, "policy: no violations\n")
    config.write_text(json.dumps({"k8s-namespace-governance": {"enforcementLevel": "advisory"}}))
    result = policy_cli(str(render), "--config", str(config))
    assert result.returncode == 0
    assert result.stdout.startswith("k8s-namespace-governance (advisory): ")
    config.write_text(json.dumps({"k8s-probes": {"governed_elsewhere": "shop"}, "nope": {}}))
    result = policy_cli(str(render), "--config", str(config))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"error: --config {config}: policy pack config: got 'nope'; expected the name of a "
                             "policy of the pack\n"
                             f"error: --config {config}: k8s-probes.governed_elsewhere: got 'shop'; expected no "
                             "setting: k8s-probes takes none\n")
    config.write_text("{not json")
    result = policy_cli(str(render), "--config", str(config))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: --config {config}: not a policy pack config (Expecting property name")
