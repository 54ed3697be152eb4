from __future__ import annotations

import pytest

from pilothouse.azure.naming import Naming
from pilothouse.azure.resource_group import ResourceGroup, ResourceGroupArgs
from pilothouse.errors import InvalidValueError
from tests.conftest import RunProgram

NAMING = Naming(workload="shop", environment="dev", location="koreacentral")


def test_creates_a_named_tagged_group_under_the_component(run_program: RunProgram) -> None:
    render = run_program(lambda: ResourceGroup("platform", ResourceGroupArgs(naming=NAMING)))
    component = render.one("pilothouse:azure:ResourceGroup", "platform")
    group = render.one("azure-native:resources:ResourceGroup")
    assert group.parent == component.urn
    assert group.inputs == {"location": "koreacentral", "resourceGroupName": "rg-shop-dev-krc",
                            "tags": {"environment": "dev", "managed-by": "pilothouse", "workload": "shop"}}
    assert group.options["protect"] is False


def test_protect_is_passed_to_the_group(run_program: RunProgram) -> None:
    render = run_program(lambda: ResourceGroup("platform", ResourceGroupArgs(naming=NAMING, protect=True)))
    assert render.one("azure-native:resources:ResourceGroup").options["protect"] is True


def test_adopting_an_existing_group_creates_nothing(run_program: RunProgram) -> None:
    names: list[str] = []

    def program() -> None:
        group = ResourceGroup("platform", ResourceGroupArgs(naming=NAMING, existing_name="rg-legacy"))
        group.name.apply(names.append)

    render = run_program(program)
    assert render.of_type("azure-native:resources:ResourceGroup") == []
    assert names == ["rg-legacy"]


def test_a_bad_existing_name_fails_before_registration() -> None:
    with pytest.raises(InvalidValueError, match=r"^existing_name: got 'rg\.'; expected a valid resource group name"):
        ResourceGroupArgs(naming=NAMING, existing_name="rg.")
