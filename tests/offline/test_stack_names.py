"""Stack names as the Pulumi CLI takes them (``ParseStackName``); the messages recorded from `pulumi stack init`
(v3.274.1) on 2026-12-02."""

from __future__ import annotations

import pytest

from pilothouse.offline.stack_config import StackConfigError, stack_name

CLI_SAYS = "a stack name may only contain alphanumeric, hyphens, underscores, or periods: invalid character "


@pytest.mark.parametrize(("given", "message"), [
    ("a b", CLI_SAYS + "' ' at position 1"),
    ("dév", CLI_SAYS + "'Ã' at position 1"),  # Go shows the first byte of é as a rune
    ("🙂", CLI_SAYS + "'ð' at position 0"),
    ("a:b", CLI_SAYS + "':' at position 1"),
    ("a\tb", CLI_SAYS + "'\\t' at position 1"),
    ("a/b", CLI_SAYS + "'/' at position 1"),
    ("", "a stack name may not be empty"),
    ("x" * 101, "a stack name cannot exceed 100 characters"),
])
def test_a_name_the_cli_refuses_is_refused_with_its_message(given: str, message: str) -> None:
    with pytest.raises(StackConfigError) as error:
        stack_name(given)
    assert str(error.value) == message


@pytest.mark.parametrize(("given", "name"), [("dev", "dev"), ("prod.eu_1-a", "prod.eu_1-a"), ("x" * 100, "x" * 100),
                                             ("organization/shop/dev", "dev")])
def test_a_name_the_cli_takes_is_the_stacks_own(given: str, name: str) -> None:
    assert stack_name(given) == name
