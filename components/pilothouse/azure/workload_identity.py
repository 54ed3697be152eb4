"""Azure workload identity for one Kubernetes ServiceAccount: a user-assigned managed identity that trusts the
account's tokens from the cluster's OIDC issuer, and the least-privilege roles it is granted.

The flow (AKS docs, "Use Microsoft Entra Workload ID with AKS"): the cluster's OIDC issuer signs the account's
projected token; the identity's federated credential trusts exactly ``system:serviceaccount:<namespace>:<name>``
from that issuer with the audience ``api://AzureADTokenExchange``; pods running as the account (labelled
``azure.workload.identity/use: "true"``, see :class:`~pilothouse.kubernetes.service_account.ServiceAccount`)
exchange it for Entra ID tokens of the identity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import pulumi
from pulumi_azure_native import managedidentity

from pilothouse.azure.cluster import AksCluster
from pilothouse.azure.naming import Naming, ResourceKind
from pilothouse.azure.roles import assign_role
from pilothouse.contract import PlatformContract
from pilothouse.errors import InvalidValueError
from pilothouse.guids import guid
from pilothouse.kubernetes.names import dns_label, dns_subdomain
from pilothouse.kubernetes.pod_spec import PullSecretRef
from pilothouse.kubernetes.service_account import ServiceAccountArgs
from pilothouse.kubernetes.workload import NamespaceRef, namespace_name
from pilothouse.typed import Checked, by_type

#: The audience the token exchange expects in the account's token.
TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"
#: A federated identity credential's name ("Federated identity credential" REST reference: 3-120 characters,
#: letters, digits, '-' and '_', starting with a letter or digit).
_CREDENTIAL_NAME = re.compile(r"[a-zA-Z0-9][-\w]{2,119}", re.ASCII)
#: The id of one Azure resource: ``/subscriptions/<GUID>/resourceGroups/<group>/providers/<Namespace>/<type>/<name>``
#: and optional child ``/<type>/<name>`` pairs, no empty or dot segment, no whitespace.
_SEGMENT = r"(?!\.{1,2}(?:/|$))[^/\s\x00-\x1f\x7f]+"
_RESOURCE_ID = re.compile(
    r"/subscriptions/[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}/resourceGroups/(?!\.{1,2}/)[-\w.()]+"
    rf"/providers/[A-Za-z][\w.]*(?:/{_SEGMENT}/{_SEGMENT})+", re.ASCII | re.IGNORECASE)  # ids ignore case


@dataclass(frozen=True, kw_only=True)
class RoleGrant(Checked, prefix="role"):
    """One built-in role on one Azure resource, for a workload's identity.

    Fields:
        label: a DNS-1123 label naming the grant in the Pulumi resource names (``vault``).
        role: the role definition's GUID (:data:`KEY_VAULT_SECRETS_USER`, ...), the same in every tenant.
        scope: the resource id the role applies to (``vault.id``); a subscription or a resource group is refused
            (least privilege: one resource).
    """

    label: str
    role: str
    scope: pulumi.Input[str]

    def __post_init__(self) -> None:
        dns_label("role.label", self.label)
        guid("role.role", self.role, "a role definition id")
        if isinstance(self.scope, str) and not _RESOURCE_ID.fullmatch(self.scope):
            raise InvalidValueError("role.scope", self.scope, "the id of one Azure resource "
                                                              "(/subscriptions/<GUID>/resourceGroups/<group>/providers/"
                                                              "<namespace>/<type>/<name>), not a subscription or a "
                                                              "resource group")


@dataclass(frozen=True, kw_only=True)
class ClusterIssuer(Checked, prefix="cluster_issuer"):
    """The OIDC issuer of a cluster another stack owns (the platform's AKS, whose workload identity is always on):
    what a :class:`WorkloadIdentity` of an app stack trusts; :meth:`of` reads it from the platform contract.
    Field: ``oidc_issuer_url`` (text or an output of text)."""

    oidc_issuer_url: pulumi.Input[str]
    #: The platform's clusters run the workload identity webhook (``ClusterSpec.workload_identity``).
    workload_identity: ClassVar[bool] = True

    def __post_init__(self) -> None:
        # Entra ID trusts an issuer by its https URL; text known now is checked now (the contract's is an output).
        url = self.oidc_issuer_url
        if isinstance(url, str) and not re.fullmatch(r"https://[^\s/?#]+(/[^\s?#]*)?", url, re.ASCII):
            raise InvalidValueError("cluster_issuer.oidc_issuer_url", url, "the cluster's OIDC issuer, an https URL "
                                                                          "such as 'https://<region>.oic.prod-aks."
                                                                          "azure.com/<tenant>/<guid>/'")

    @classmethod
    def of(cls, contract: PlatformContract) -> ClusterIssuer:
        """The platform cluster's issuer, from its contract (:func:`~pilothouse.contract.read_contract`)."""
        if not isinstance(contract, PlatformContract):
            raise InvalidValueError("cluster_issuer.contract", by_type(contract),
                                    "a PlatformContract (read_contract(...))")
        return cls(oidc_issuer_url=contract.oidc_issuer_url)


@dataclass(frozen=True, kw_only=True)
class WorkloadIdentityArgs(Checked, prefix="workload_identity"):
    """What a :class:`WorkloadIdentity` needs; checked when declared.

    Fields:
        naming: the environment's naming; the identity is named ``id-<workload>-<env>-<region>-<namespace>-<account>``.
        resource_group_name: where the identity lives.
        cluster: an :class:`AksCluster` of this program with workload identity on (``ClusterSpec.workload_identity``,
            the default), or the :class:`ClusterIssuer` of another stack's (an app stack's ``ClusterIssuer.of(
            platform)``).
        namespace: the ServiceAccount's namespace (a DNS-1123 label).
        service_account: the ServiceAccount's name (a DNS-1123 subdomain without dots: the identity's and the
            credential's Azure names carry it).
        roles: what the identity may do (:class:`RoleGrant`), each (role, scope) once; default none.

    Raises:
        InvalidValueError: naming ``workload_identity.cluster`` (workload identity off),
            ``workload_identity.namespace``, ``workload_identity.service_account`` (not a name Kubernetes or Azure
            takes) or ``workload_identity.roles`` (a grant given twice).
    """

    naming: Naming
    resource_group_name: pulumi.Input[str]
    cluster: AksCluster | ClusterIssuer
    namespace: str
    service_account: str
    roles: tuple[RoleGrant, ...] = ()

    def __post_init__(self) -> None:
        if not self.cluster.workload_identity:
            raise InvalidValueError("workload_identity.cluster", False, "a cluster with workload identity on "
                                                                        "(ClusterSpec.workload_identity=True)")
        dns_label("workload_identity.namespace", self.namespace)
        dns_subdomain("workload_identity.service_account", self.service_account)
        if "." in self.service_account:
            raise InvalidValueError("workload_identity.service_account", self.service_account,
                                    "a name without '.' (the Azure names of the identity and its federated "
                                    "credential carry it; Azure takes letters, digits, '-' and '_')")
        try:
            identity = self.identity_name  # Naming checks it against Azure's rule for identity names
            if not _CREDENTIAL_NAME.fullmatch(self.credential_name):
                raise InvalidValueError(f"federated credential name of {identity}", self.credential_name,
                                        "3-120 letters, digits, '-' and '_'")
        except InvalidValueError as error:
            raise InvalidValueError("workload_identity.service_account", self.service_account,
                                    f"a shorter name: the Azure names carrying it must fit ({error})") from None
        for index, grant in enumerate(self.roles):
            earlier = self.roles[:index]
            if any(g.label == grant.label or _same_grant(g, grant) for g in earlier):
                raise InvalidValueError("workload_identity.roles", grant.label,
                                        "each grant once: its own label, and each role once per scope")

    @property
    def credential_name(self) -> str:
        """``<namespace>_<account>``: '_' is in neither name, so two accounts never share an Azure name."""
        return f"{self.namespace}_{self.service_account}"

    @property
    def identity_name(self) -> str:
        return self.naming.name(ResourceKind.USER_ASSIGNED_IDENTITY, self.credential_name)

    @property
    def subject(self) -> str:
        """The token subject the federated credential trusts."""
        return f"system:serviceaccount:{self.namespace}:{self.service_account}"


class WorkloadIdentity(pulumi.ComponentResource):
    """The Azure side of one ServiceAccount's workload identity: the identity, its federated credential and its
    role assignments. :meth:`service_account` gives the Kubernetes side."""

    client_id: pulumi.Output[str]
    principal_id: pulumi.Output[str]

    def __init__(self, resource_name: str, args: WorkloadIdentityArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("pilothouse:azure:WorkloadIdentity", resource_name, None, opts)
        self.args = args
        child = pulumi.ResourceOptions(parent=self)
        issuer: pulumi.Input[str | None] = args.cluster.oidc_issuer_url
        identity = managedidentity.UserAssignedIdentity(
            resource_name, resource_name_=args.identity_name, resource_group_name=args.resource_group_name,
            location=args.naming.location, tags=args.naming.tags, opts=child)
        managedidentity.FederatedIdentityCredential(
            resource_name, federated_identity_credential_resource_name=args.credential_name,
            resource_name_=args.identity_name, resource_group_name=args.resource_group_name,
            issuer=pulumi.Output.from_input(issuer).apply(_issuer), subject=args.subject,
            audiences=[TOKEN_EXCHANGE_AUDIENCE], opts=pulumi.ResourceOptions(parent=self, depends_on=[identity]))
        for grant in args.roles:
            assign_role(f"{resource_name}-{grant.label}", scope=grant.scope, principal_id=identity.principal_id,
                        role=grant.role, parent=self)
        self.client_id = identity.client_id
        self.principal_id = identity.principal_id
        self.register_outputs({"clientId": self.client_id, "principalId": self.principal_id})

    def service_account(self, namespace: NamespaceRef, *,
                        image_pull_secrets: tuple[PullSecretRef | str, ...] = ()) -> ServiceAccountArgs:
        """The :class:`ServiceAccountArgs` of the account this identity trusts, in ``namespace`` (a
        :class:`Namespace` of ours, or its name; it must be the identity's), with its client id."""
        if namespace_name(namespace) != self.args.namespace:
            raise InvalidValueError("workload_identity.namespace", namespace_name(namespace),
                                    f"'{self.args.namespace}', the namespace the identity trusts")
        return ServiceAccountArgs(name=self.args.service_account, namespace=namespace, azure_client_id=self.client_id,
                                  image_pull_secrets=image_pull_secrets)


def _same_grant(one: RoleGrant, other: RoleGrant) -> bool:
    """The same role on the same scope: Azure compares ids without case (a second assignment would conflict); an
    output scope is the same as itself (``vault.resource_id`` twice)."""
    if not isinstance(one.scope, str) or not isinstance(other.scope, str):
        return one.role.lower() == other.role.lower() and one.scope is other.scope
    return (one.role.lower(), one.scope.lower().rstrip("/")) == (other.role.lower(), other.scope.lower().rstrip("/"))


def _issuer(url: str | None) -> str:
    if not url:
        raise InvalidValueError("workload_identity.cluster", None, "a cluster that publishes an OIDC issuer URL")
    return url
