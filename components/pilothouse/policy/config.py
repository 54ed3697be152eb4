"""Pack config: per policy, its enforcement level and the :class:`Settings` it takes, in the shape
``pulumi preview --policy-pack-config FILE`` reads (``{"k8s-image-registry": {"enforcementLevel": "mandatory",
"allowed_registries": ["acr.example.io"]}}``), for the pack (as each policy's config schema, which the engine
validates) and for ``pilothouse policy --config FILE`` (checked here, with the engine's rules)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from pilothouse.errors import InvalidValueError
from pilothouse.policy.rules import RULES, Enforcement, Rule, Settings

#: A setting's JSON schema by its :class:`Settings` annotation.
_SCHEMAS: dict[str, dict[str, Any]] = {"tuple[str, ...]": {"type": "array", "items": {"type": "string"}},
                                       "str": {"type": "string"}}
_ANNOTATIONS = {f.name: str(f.type) for f in fields(Settings)}
#: The levels a pack config may give (Pulumi's ``EnforcementLevel``; ``remediate`` is for packs that remediate).
LEVELS = ("advisory", "mandatory", "disabled")


def schema(rule: Rule) -> dict[str, dict[str, Any]]:
    """The JSON schema of each setting ``rule`` takes, with its default (the pack's ``PolicyConfigSchema``)."""
    defaults = Settings()
    return {name: {**_SCHEMAS[_ANNOTATIONS[name]], "default": _plain(getattr(defaults, name))}
            for name in rule.settings}


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def mistakes(rule: Rule, values: Mapping[str, object]) -> list[str]:
    """What is wrong with the config ``values`` of ``rule`` (besides its ``enforcementLevel``), one message per
    key naming ``<policy>.<key>``, the value and what is allowed: a key the rule does not take, or a value of
    another type than the setting's (a list of text, or text)."""
    found = []
    for key, value in values.items():
        if key == "enforcementLevel":
            continue
        if key not in rule.settings:
            expected = f"one of the settings {rule.id} takes: {list(rule.settings)}" if rule.settings else (
                f"no setting: {rule.id} takes none")
            found.append(str(InvalidValueError(f"{rule.id}.{key}", value, expected)))
        elif _ANNOTATIONS[key] == "str" and not isinstance(value, str):
            found.append(str(InvalidValueError(f"{rule.id}.{key}", value, "text")))
        elif _ANNOTATIONS[key] != "str" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            found.append(str(InvalidValueError(f"{rule.id}.{key}", value, "a list of text")))
    return found


def settings_of(rule: Rule, values: Mapping[str, object], base: Settings | None = None) -> Settings:
    """``base`` (default :class:`Settings`) with the settings ``values`` gives ``rule`` (keys it does not take are
    :func:`mistakes`, left out here)."""
    given: dict[str, Any] = {key: tuple(value) if isinstance(value, list) else value
                             for key, value in values.items() if key in rule.settings}
    return replace(base or Settings(), **given)


class PackConfigError(ValueError):
    """A pack config ``pilothouse policy --config`` cannot run with; ``mistakes`` holds every one, and ``str()`` all
    of them, one per line."""

    def __init__(self, found: list[str]) -> None:
        super().__init__("\n".join(found))
        self.mistakes = tuple(found)


@dataclass(frozen=True)
class RuleConfig:
    """What a pack config makes of one rule.

    Fields:
        enforcement: its level, the rule's own unless the config gives one; ``None`` when the config disables it.
        settings: the :class:`Settings` it runs with.
    """

    enforcement: Enforcement | None
    settings: Settings


def read(config: object, base: Settings | None = None) -> dict[str, RuleConfig]:
    """Every rule's :class:`RuleConfig` under the pack config ``config`` (the parsed JSON of a
    ``--policy-pack-config`` file); ``base`` gives the settings a rule's own entry does not.

    Raises:
        PackConfigError: naming every mistake at once: a policy the pack does not have, an entry that is not an
            object, a level that is not one of :data:`LEVELS`, a setting as :func:`mistakes` finds it.
    """
    if not isinstance(config, Mapping):
        raise PackConfigError([str(InvalidValueError("policy pack config", config,
                                                     "a JSON object of policy names"))])
    by_id = {rule.id: rule for rule in RULES}
    found = [str(InvalidValueError("policy pack config", policy, "the name of a policy of the pack"))
             for policy in config if policy not in by_id]
    result: dict[str, RuleConfig] = {}
    for rule in RULES:
        values = config.get(rule.id, {})
        if not isinstance(values, Mapping):
            found.append(str(InvalidValueError(rule.id, values, "a JSON object of its settings")))
            continue
        level = values.get("enforcementLevel", str(rule.enforcement))
        if level not in LEVELS:
            found.append(str(InvalidValueError(f"{rule.id}.enforcementLevel", level, f"one of {list(LEVELS)}")))
        found += mistakes(rule, values)
        if level in LEVELS:
            result[rule.id] = RuleConfig(None if level == "disabled" else Enforcement(level),
                                         settings_of(rule, values, base))
    if found:
        raise PackConfigError(found)
    return result
