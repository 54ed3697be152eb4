"""The rules as a pulumi-policy pack. ``serve()`` builds the PolicyPack, which starts its server: call it
from a policy pack folder's ``__main__.py`` (this repository's ``policy/``); the rules themselves live
in ``rules.py``."""

from __future__ import annotations

from collections.abc import Mapping

from pilothouse.extras import missing_extra
from pilothouse.policy.rules import RULES, Enforcement, Rule, Settings

try:
    from pulumi_policy import (
        EnforcementLevel,
        PolicyPack,
        ResourceValidationArgs,
        ResourceValidationPolicy,
        StackValidationArgs,
        StackValidationPolicy,
    )
except ModuleNotFoundError as missing:
    raise missing_extra(missing, "policy", "pilothouse.policy.pack") from None

LEVELS = {Enforcement.MANDATORY: EnforcementLevel.MANDATORY, Enforcement.ADVISORY: EnforcementLevel.ADVISORY}


def settings_of(config: Mapping[str, object]) -> Settings:
    defaults = Settings()
    return Settings(**{name: tuple(value) if isinstance(value, list) else value  # type: ignore[arg-type]
                       for name, value in config.items() if hasattr(defaults, name)})


def resource_policy(rule: Rule) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: object) -> None:
        for message in rule.messages(args.resource_type, args.props, settings_of(args.get_config())):
            report_violation(message)  # type: ignore[operator]

    return ResourceValidationPolicy(name=rule.id, description=rule.description,
                                    enforcement_level=LEVELS[rule.enforcement], validate=validate)


def stack_policy(rule: Rule) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: object) -> None:
        resources = [(r.resource_type, r.props) for r in args.resources]
        for message in rule.stack_messages(resources, settings_of(args.get_config())):
            report_violation(message)  # type: ignore[operator]

    return StackValidationPolicy(name=rule.id, description=rule.description,
                                 enforcement_level=LEVELS[rule.enforcement], validate=validate)


def serve(name: str = "pilothouse") -> None:
    """Serve every rule as the policy pack ``name`` (blocks until the engine is done with the pack)."""
    PolicyPack(name=name, policies=[
        resource_policy(rule) if rule.check is not None else stack_policy(rule) for rule in RULES])
