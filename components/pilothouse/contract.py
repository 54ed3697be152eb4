"""The platform contract: what a platform stack exports for the app stacks built on it, and the typed reader app
stacks use (one ``StackReference``, every output checked present, the kubeconfig kept secret).

A platform program calls :func:`export_contract` once with every value; an app stack calls
:func:`read_contract` with the platform stack's name. The offline engine's ``StackReference`` answers every
output of the contract (``pilothouse.testing.PLATFORM_OUTPUTS``), so app stacks render and test without the
platform.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import pulumi

from pilothouse.errors import InvalidValueError, snake_to_camel
from pilothouse.typed import NOT_SHOWN


@dataclass(frozen=True)
class PlatformContract:
    """The platform's values as an app stack reads them; each field is the output ``snake_to_camel(field)``."""

    #: The cluster's kubeconfig (a secret): give it to a ``pulumi_kubernetes.Provider``.
    kubeconfig: pulumi.Output[str]
    cluster_name: pulumi.Output[str]
    resource_group_name: pulumi.Output[str]
    #: Where the team's images are pushed and pulled (``<name>.azurecr.io``).
    registry_login_server: pulumi.Output[str]
    #: The cluster's OIDC issuer, for workload identity federated credentials.
    oidc_issuer_url: pulumi.Output[str]
    #: The IngressClass routes attach to; ``""`` when the platform installs no ingress controller.
    ingress_class: pulumi.Output[str]
    #: The namespace of the ingress controller (its pods reach the routed ports); ``""`` without one.
    ingress_namespace: pulumi.Output[str]
    #: The Gateway apps' routes attach to (:meth:`pilothouse.kubernetes.Gateway.existing`), its name and namespace;
    #: ``""`` for both when the platform declares none.
    gateway_name: pulumi.Output[str]
    gateway_namespace: pulumi.Output[str]
    #: The namespace of Prometheus (its pods scrape the ``metrics`` ports); ``""`` without monitoring.
    monitoring_namespace: pulumi.Output[str]
    #: The platform's Key Vault (``https://<name>.vault.azure.net/``), which apps read as workload identities.
    key_vault_uri: pulumi.Output[str]
    #: Its name and resource id, and the Entra ID tenant it trusts: what a SecretProviderClass and a role grant
    #: need (``pilothouse.azure.key_vault.VaultRef.of``).
    key_vault_name: pulumi.Output[str]
    key_vault_id: pulumi.Output[str]
    tenant_id: pulumi.Output[str]


#: The outputs of the contract, by name (``snake_to_camel`` of :class:`PlatformContract`'s fields), in field order.
CONTRACT: tuple[str, ...] = tuple(snake_to_camel(f.name) for f in fields(PlatformContract))
#: The outputs exported and read as secrets.
SECRET_OUTPUTS = frozenset({"kubeconfig"})


def export_contract(values: Mapping[str, pulumi.Input[str]]) -> None:
    """Export the contract from a platform program: ``values`` maps every :data:`CONTRACT` key to its value
    (``""`` for an add-on the platform does not install); the kubeconfig is exported as a secret.

    Raises:
        InvalidValueError: naming ``contract`` (not a mapping, a key missing, or one the contract does not have) or
            ``contract[<key>]`` (not text or an output of text; a secret's value is not shown).
    """
    if not isinstance(values, Mapping):
        raise InvalidValueError("contract", type(values).__name__, f"a mapping of the keys {list(CONTRACT)}")
    if set(values) != set(CONTRACT):
        raise InvalidValueError("contract", sorted(map(str, values)), f"exactly the keys {list(CONTRACT)}")
    for key in CONTRACT:
        if not isinstance(values[key], str | pulumi.Output):
            shown = NOT_SHOWN if key in SECRET_OUTPUTS else values[key]
            raise InvalidValueError(f"contract[{key!r}]", shown, "text or a Pulumi output of text ('' for an "
                                                                 "add-on the platform does not install)")
    for key in CONTRACT:
        pulumi.export(key, pulumi.Output.secret(values[key]) if key in SECRET_OUTPUTS else values[key])


def read_contract(reference: pulumi.StackReference) -> PlatformContract:
    """The contract of the platform stack ``reference`` reads (``pulumi.StackReference("org/project/stack")``; read
    other outputs of that stack through the same reference). A platform stack that lacks an output fails the app
    stack's preview naming every missing output (``pulumi up`` on the platform first, or a platform older than
    this contract)."""

    if not isinstance(reference, pulumi.StackReference):
        raise InvalidValueError("reference", type(reference).__name__,
                                "a pulumi.StackReference to the platform stack")

    def complete(named: list[Any]) -> dict[str, Any]:
        stack, outputs = named
        missing = [key for key in CONTRACT if outputs.get(key) is None]
        if missing:
            raise InvalidValueError("reference", stack, f"a platform stack exporting the contract's outputs "
                                                            f"(missing: {', '.join(missing)})")
        for key in CONTRACT:
            if not isinstance(outputs[key], str):
                shown = NOT_SHOWN if key in SECRET_OUTPUTS else outputs[key]
                raise InvalidValueError(f"reference.outputs[{key!r}]", shown,
                                        "text, as the platform contract exports it")
        return dict(outputs)

    outputs = pulumi.Output.all(reference.name, reference.outputs).apply(complete)
    values = {f.name: _output(outputs, snake_to_camel(f.name)) for f in fields(PlatformContract)}
    return PlatformContract(**values)


def _output(outputs: pulumi.Output[dict[str, Any]], key: str) -> pulumi.Output[str]:
    value: pulumi.Output[str] = outputs.apply(lambda values: values[key])
    return pulumi.Output.secret(value) if key in SECRET_OUTPUTS else value
