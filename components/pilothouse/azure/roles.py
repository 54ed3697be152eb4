"""Role assignments with ids built from the current subscription and deterministic names."""

from __future__ import annotations

import uuid

import pulumi
from pulumi_azure_native import authorization

#: Built-in role definition ids (the same in every Azure tenant).
ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
#: Read the secrets of a Key Vault that uses Azure RBAC ("Key Vault Secrets User").
KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
#: Read and write them ("Key Vault Secrets Officer"), and everything on the vault's data ("Key Vault
#: Administrator"); Azure built-in roles, Security.
KEY_VAULT_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
KEY_VAULT_ADMINISTRATOR = "00482a5a-887f-4fb3-b363-3b7fe8e74483"
#: The built-in roles whose holders may read a vault's secret values.
KEY_VAULT_SECRET_READERS = frozenset({KEY_VAULT_SECRETS_USER, KEY_VAULT_SECRETS_OFFICER, KEY_VAULT_ADMINISTRATOR})
#: Azure RBAC for the Kubernetes API of an AKS cluster, at namespace scope ("Azure Kubernetes Service RBAC
#: Reader / Writer / Admin"; Azure built-in roles, Containers).
AKS_RBAC_READER = "7f6c6a51-bcf8-42ba-9220-52d62157d7db"
AKS_RBAC_WRITER = "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb"
AKS_RBAC_ADMIN = "3498e952-d568-435e-9b2c-8d77e338d7f7"


def role_definition_id(subscription_id: pulumi.Input[str], role: str) -> pulumi.Output[str]:
    return pulumi.Output.concat("/subscriptions/", subscription_id,
                                "/providers/Microsoft.Authorization/roleDefinitions/", role)


def assignment_name(scope: pulumi.Input[str], principal_id: pulumi.Input[str], role: str) -> pulumi.Output[str]:
    """The same (scope, principal, role) always gets the same assignment name: no duplicate on re-run."""
    return pulumi.Output.all(scope, principal_id).apply(
        lambda values: str(uuid.uuid5(uuid.NAMESPACE_URL, f"{values[0]}|{values[1]}|{role}")))


def assign_role(resource_name: str, *, scope: pulumi.Input[str], principal_id: pulumi.Input[str], role: str,
                parent: pulumi.Resource, principal_type: str = "ServicePrincipal") -> authorization.RoleAssignment:
    """Grant ``role`` on ``scope`` (and nothing wider) to a managed identity's service principal, or to the
    principal of ``principal_type`` (``Group``: an Entra ID group)."""
    subscription = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=parent))
    return authorization.RoleAssignment(
        resource_name, scope=scope, principal_id=principal_id, principal_type=principal_type,
        role_definition_id=role_definition_id(subscription.subscription_id, role),
        role_assignment_name=assignment_name(scope, principal_id, role),
        opts=pulumi.ResourceOptions(parent=parent))
