from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pilothouse.azure.naming import Naming, ResourceKind, check_name
from pilothouse.azure.regions import REGION_CODES
from pilothouse.errors import InvalidValueError


def naming() -> Naming:
    return Naming(workload="shop", environment="dev", location="koreacentral")


def test_names_follow_the_convention() -> None:
    names = naming()
    assert names.name(ResourceKind.RESOURCE_GROUP) == "rg-shop-dev-krc"
    assert names.name(ResourceKind.MANAGED_CLUSTER) == "aks-shop-dev-krc"
    assert names.name(ResourceKind.CONTAINER_REGISTRY) == "crshopdevkrc"
    assert names.name(ResourceKind.SUBNET, "nodes") == "snet-shop-dev-krc-nodes"
    assert names.dns_prefix == "shop-dev"


def test_tags_name_environment_workload_and_owner() -> None:
    assert naming().tags == {"environment": "dev", "managed-by": "pilothouse", "workload": "shop"}


@pytest.mark.parametrize(
    ("field", "kwargs", "message"),
    [
        ("workload", {"workload": "Shop"},
         "workload: got 'Shop'; expected 2-12 lowercase letters and digits, starting with a letter"),
        ("workload", {"workload": "averyveryverylongname"},
         "workload: got 'averyveryverylongname'; expected 2-12 lowercase letters and digits, "
         "starting with a letter"),
        ("environment", {"environment": "dev-1"},
         "environment: got 'dev-1'; expected 2-8 lowercase letters and digits, starting with a letter"),
    ],
)
def test_bad_naming_inputs_are_rejected(field: str, kwargs: dict[str, str], message: str) -> None:
    values = {"workload": "shop", "environment": "dev", "location": "koreacentral", **kwargs}
    with pytest.raises(InvalidValueError) as error:
        Naming(**values)
    assert str(error.value) == message
    assert error.value.field == field


def test_unknown_region_lists_the_known_ones() -> None:
    with pytest.raises(InvalidValueError, match=r"^location: got 'korea'; expected an Azure region name "
                       r"such as 'koreacentral' \(known: australiaeast, .*westus3\)$"):
        Naming(workload="shop", environment="dev", location="korea")


@pytest.mark.parametrize(
    ("kind", "name", "rule"),
    [
        (ResourceKind.CONTAINER_REGISTRY, "acr1", "5-50 lowercase letters and digits only"),
        (ResourceKind.CONTAINER_REGISTRY, "my-registry", "5-50 lowercase letters and digits only"),
        (ResourceKind.LINUX_NODE_POOL, "userpool12345", "1-12 lowercase letters and digits, starting with a letter"),
        (ResourceKind.LINUX_NODE_POOL, "1pool", "1-12 lowercase letters and digits, starting with a letter"),
        (ResourceKind.WINDOWS_NODE_POOL, "winpool", "1-6 lowercase letters and digits, starting with a letter"),
        (ResourceKind.DNS_PREFIX, "-shop", "1-54 letters, digits or '-', starting and ending alphanumeric"),
        (ResourceKind.RESOURCE_GROUP, "rg.", "1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'"),
    ],
)
def test_azure_rules_per_type(kind: ResourceKind, name: str, rule: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        check_name(kind, name, "name")
    assert str(error.value) == f"name: got {name!r}; expected a valid {kind} name: {rule}"


@pytest.mark.parametrize(("kind", "name"), [(ResourceKind.LINUX_NODE_POOL, "userpool1234"),
                                            (ResourceKind.WINDOWS_NODE_POOL, "win1"),
                                            (ResourceKind.CONTAINER_REGISTRY, "a" * 50)])
def test_names_at_the_limits_pass(kind: ResourceKind, name: str) -> None:
    assert check_name(kind, name, "name") == name


@given(workload=st.from_regex(r"[a-z][a-z0-9]{1,11}", fullmatch=True),
       environment=st.from_regex(r"[a-z][a-z0-9]{1,7}", fullmatch=True),
       location=st.sampled_from(sorted(REGION_CODES)))
def test_every_valid_convention_gives_valid_azure_names(workload: str, environment: str, location: str) -> None:
    names = Naming(workload=workload, environment=environment, location=location)
    kinds = [kind for kind in ResourceKind if kind not in (ResourceKind.LINUX_NODE_POOL,
                                                           ResourceKind.WINDOWS_NODE_POOL,
                                                           ResourceKind.DNS_PREFIX)]
    for kind in kinds:
        assert check_name(kind, names.name(kind), "name")
    assert names.dns_prefix
