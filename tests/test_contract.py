"""The platform contract: what a platform stack exports, read back typed by an app stack."""

from __future__ import annotations

import pulumi
import pytest

from pilothouse.contract import CONTRACT, SECRET_OUTPUTS, export_contract, read_contract
from pilothouse.errors import InvalidValueError
from pilothouse.offline import engine
from pilothouse.offline.engine import SECRET
from pilothouse.testing import PLATFORM_OUTPUTS, run

VALUES = {key: f"{key}-value" for key in CONTRACT}


def test_the_contract_names_every_output_an_app_stack_needs() -> None:
    assert CONTRACT == ("kubeconfig", "clusterName", "resourceGroupName", "registryLoginServer", "oidcIssuerUrl",
                        "ingressClass", "ingressNamespace", "monitoringNamespace", "keyVaultUri")
    assert frozenset({"kubeconfig"}) == SECRET_OUTPUTS
    assert set(CONTRACT) <= set(PLATFORM_OUTPUTS)  # the offline engine answers the whole contract


def test_a_platform_exports_it_and_an_app_stack_reads_it_typed() -> None:
    exported = engine.run(lambda: export_contract(VALUES), stack="platform")
    assert exported.outputs == {**VALUES, "kubeconfig": SECRET}

    seen: dict[str, str] = {}

    def app() -> None:
        contract = read_contract(pulumi.StackReference("org/platform/dev"))
        contract.registry_login_server.apply(lambda value: seen.setdefault("registry", value))
        pulumi.export("kubeconfig", contract.kubeconfig)
        pulumi.export("ingressClass", contract.ingress_class)

    read = run(app, stack="app", stack_outputs={"org/platform/dev": VALUES})
    assert seen == {"registry": "registryLoginServer-value"}
    assert read.outputs == {"kubeconfig": SECRET, "ingressClass": "ingressClass-value"}


def test_a_platform_without_the_contract_fails_naming_every_missing_output() -> None:
    def app() -> None:
        read_contract(pulumi.StackReference("org/platform/dev"))

    with pytest.raises(InvalidValueError) as error:
        run(app, stack="app", stack_outputs={"org/platform/dev": {"kubeconfig": "x", "clusterName": "aks"}})
    assert str(error.value) == (
        "platformStack: got 'org/platform/dev'; expected a platform stack exporting the contract's outputs "
        "(missing: resourceGroupName, registryLoginServer, oidcIssuerUrl, ingressClass, ingressNamespace, "
        "monitoringNamespace, keyVaultUri)")


def test_an_export_is_the_whole_contract() -> None:
    with pytest.raises(InvalidValueError) as error:
        engine.run(lambda: export_contract({**VALUES, "extra": "x"}), stack="platform")
    assert str(error.value).startswith("contract: got [")
    with pytest.raises(InvalidValueError):
        engine.run(lambda: export_contract({"kubeconfig": "x"}), stack="platform")


@pytest.mark.parametrize(("values", "message"), [
    (None, "contract: got 'NoneType'; expected a mapping of the keys"),
    ({**VALUES, "clusterName": None}, "contract['clusterName']: got None; expected text or a Pulumi output of text"),
    ({**VALUES, "kubeconfig": 5}, "contract['kubeconfig']: got '[not shown]'; expected text"),
])
def test_an_export_of_the_wrong_shape_is_refused(values: object, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        engine.run(lambda: export_contract(values), stack="platform")  # type: ignore[arg-type]
    assert str(error.value).startswith(message)


def test_a_platform_output_that_is_not_text_is_refused_and_a_reference_is_required() -> None:
    def app() -> None:
        read_contract(pulumi.StackReference("org/platform/dev"))

    with pytest.raises(InvalidValueError) as error:
        run(app, stack="app", stack_outputs={"org/platform/dev": {**VALUES, "clusterName": 5}})
    assert str(error.value) == "platformStack.clusterName: got 5.0; expected text, as the platform contract exports it"
    with pytest.raises(InvalidValueError) as error:
        engine.run(lambda: read_contract("org/platform/dev"), stack="app")  # type: ignore[arg-type]
    assert str(error.value) == "platformStack: got 'str'; expected a pulumi.StackReference to the platform stack"
