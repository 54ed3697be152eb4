"""The rules as a pulumi-policy pack. ``serve()`` builds the PolicyPack, which starts its server: call it
from a policy pack folder's ``__main__.py`` (docs/policy.md, "The pack in a project of your own"); the rules
themselves live in ``rules.py``, each rule's settings as its config schema in ``config.py``."""

from __future__ import annotations

from collections.abc import Callable

from pilothouse.extras import missing_extra
from pilothouse.policy.config import mistakes, schema, settings_of
from pilothouse.policy.rules import RULES, Enforcement, Rule, Settings

try:
    from pulumi_policy import (
        EnforcementLevel,
        PolicyConfigSchema,
        PolicyPack,
        ResourceValidationArgs,
        ResourceValidationPolicy,
        StackValidationArgs,
        StackValidationPolicy,
    )
except ModuleNotFoundError as missing:
    raise missing_extra(missing, "policy", "pilothouse.policy.pack") from None

#: pulumi-policy's ``report_violation``: a message, and the URN of the resource at fault (for stack policies).
ReportViolation = Callable[[str, str | None], None]
LEVELS = {Enforcement.MANDATORY: EnforcementLevel.MANDATORY, Enforcement.ADVISORY: EnforcementLevel.ADVISORY}


def _configured(rule: Rule, args: ResourceValidationArgs | StackValidationArgs,
                report_violation: ReportViolation, reported: list[str]) -> Settings | None:
    """The rule's settings from its pack config, or ``None`` after reporting, once per run, the keys the engine's
    schema check lets through and the rule does not take (the engine validates the types against the schema)."""
    values = args.get_config()
    found = mistakes(rule, values)
    for mistake in found:
        if mistake not in reported:
            reported.append(mistake)
            report_violation(f"pack config: {mistake}", None)
    return None if found else settings_of(rule, values)


def _schema(rule: Rule) -> PolicyConfigSchema | None:
    return PolicyConfigSchema(properties=schema(rule)) if rule.settings else None


def resource_policy(rule: Rule) -> ResourceValidationPolicy:
    reported: list[str] = []

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        settings = _configured(rule, args, report_violation, reported)
        for message in rule.messages(args.resource_type, args.props, settings) if settings is not None else ():
            report_violation(message, None)

    return ResourceValidationPolicy(name=rule.id, description=rule.description, config_schema=_schema(rule),
                                    enforcement_level=LEVELS[rule.enforcement], validate=validate)


def stack_policy(rule: Rule) -> StackValidationPolicy:
    reported: list[str] = []

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        settings = _configured(rule, args, report_violation, reported)
        resources = [(r.resource_type, r.props) for r in args.resources]
        for message in rule.stack_messages(resources, settings) if settings is not None else ():
            report_violation(message, None)

    return StackValidationPolicy(name=rule.id, description=rule.description, config_schema=_schema(rule),
                                 enforcement_level=LEVELS[rule.enforcement], validate=validate)


def serve(name: str = "pilothouse") -> None:
    """Serve every rule as the policy pack ``name`` (blocks until the engine is done with the pack)."""
    PolicyPack(name=name, policies=[
        resource_policy(rule) if rule.check is not None else stack_policy(rule) for rule in RULES])
