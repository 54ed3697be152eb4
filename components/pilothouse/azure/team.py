"""Onboarding a team onto the platform: its governed namespace, Azure RBAC on that namespace for its Entra ID
group, and a workload identity per ServiceAccount it runs as."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pulumi

from pilothouse.azure.cluster import AksCluster
from pilothouse.azure.naming import Naming
from pilothouse.azure.roles import AKS_RBAC_ADMIN, AKS_RBAC_READER, AKS_RBAC_WRITER, assign_role
from pilothouse.azure.workload_identity import RoleGrant, WorkloadIdentity, WorkloadIdentityArgs
from pilothouse.errors import InvalidValueError
from pilothouse.guids import guid
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs
from pilothouse.kubernetes.pod_spec import PullSecretRef, pull_secret_names
from pilothouse.kubernetes.service_account import ServiceAccount
from pilothouse.typed import Checked


class NamespaceRole(StrEnum):
    """What a team's group may do in its namespace, as an AKS built-in role for Azure RBAC at namespace scope
    ("Use Azure RBAC for Kubernetes authorization"): ``reader`` (read most objects, not Secrets), ``writer``
    (read and write most objects, Secrets included; no Roles), ``admin`` (also Roles and RoleBindings)."""

    READER = "reader"
    WRITER = "writer"
    ADMIN = "admin"

    @property
    def role_definition(self) -> str:
        return {NamespaceRole.READER: AKS_RBAC_READER, NamespaceRole.WRITER: AKS_RBAC_WRITER,
                NamespaceRole.ADMIN: AKS_RBAC_ADMIN}[self]


@dataclass(frozen=True, kw_only=True)
class TeamIdentity(Checked, prefix="identity"):
    """A ServiceAccount of the team's namespace with an Azure identity and what that identity may do
    (:class:`RoleGrant`), and the image pull secrets of every pod that runs as it (Secrets of type
    ``kubernetes.io/dockerconfigjson`` of the namespace, or their names, each once: checked with the team's
    :class:`TeamNamespaceArgs`)."""

    service_account: str
    roles: tuple[RoleGrant, ...] = ()
    image_pull_secrets: tuple[PullSecretRef | str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TeamNamespaceArgs(Checked, prefix="team"):
    """What a :class:`TeamNamespace` needs; checked when declared.

    Fields:
        naming, resource_group_name: where the identities live (:class:`WorkloadIdentityArgs`).
        cluster: the :class:`AksCluster` (Azure RBAC for Kubernetes on, as Pilothouse always builds it); the
            namespace is created through its provider.
        namespace: the team's namespace (:class:`NamespaceArgs`: restricted, default-deny, quota).
        group_object_id: the object id (a GUID) of the team's Microsoft Entra ID group.
        role: what the group may do in the namespace (default :attr:`NamespaceRole.WRITER`); nothing outside it.
        identities: ServiceAccounts with an Azure identity (:class:`TeamIdentity`), each name once.

    Raises:
        InvalidValueError: naming ``team.group_object_id`` (not a GUID) or ``team.identities`` (a ServiceAccount
            given twice), or a field of :class:`WorkloadIdentityArgs`.
    """

    naming: Naming
    resource_group_name: pulumi.Input[str]
    cluster: AksCluster
    namespace: NamespaceArgs
    group_object_id: str
    role: NamespaceRole = NamespaceRole.WRITER
    identities: tuple[TeamIdentity, ...] = ()

    def __post_init__(self) -> None:
        guid("team.group_object_id", self.group_object_id, "an Entra ID group object id")
        names = [identity.service_account for identity in self.identities]
        for index, name in enumerate(names):
            if name in names[:index]:
                raise InvalidValueError("team.identities", name, "each ServiceAccount once")
        for index, identity in enumerate(self.identities):
            self.identity_args(identity)
            # Before the namespace and the identities are registered: the ServiceAccount comes after them.
            pull_secret_names(f"team.identities[{index}].image_pull_secrets", identity.image_pull_secrets,
                              self.namespace.name)

    def identity_args(self, identity: TeamIdentity) -> WorkloadIdentityArgs:
        return WorkloadIdentityArgs(naming=self.naming, resource_group_name=self.resource_group_name,
                                    cluster=self.cluster, namespace=self.namespace.name,
                                    service_account=identity.service_account, roles=identity.roles)


class TeamNamespace(pulumi.ComponentResource):
    """A team's namespace on an AKS cluster: the :class:`Namespace` (``namespace``), its group's role on it (an
    Azure role assignment scoped to ``<cluster id>/namespaces/<name>``), and per :class:`TeamIdentity` a
    :class:`WorkloadIdentity` with its :class:`ServiceAccount` (:meth:`service_account`).

    Children, for ``resource_name`` ``team``: ``team-namespace`` (the Namespace component), ``team-<role>`` (the
    role assignment), ``team-<account>`` (each identity component and its ServiceAccount).
    """

    def __init__(self, resource_name: str, args: TeamNamespaceArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("pilothouse:azure:TeamNamespace", resource_name, None, opts)
        self.args = args
        in_cluster = pulumi.ResourceOptions(parent=self, providers={"kubernetes": args.cluster.provider})
        self.namespace = Namespace(f"{resource_name}-namespace", args.namespace, in_cluster)
        scope = pulumi.Output.concat(args.cluster.resource_id, "/namespaces/", args.namespace.name)
        assign_role(f"{resource_name}-{args.role}", scope=scope, principal_id=args.group_object_id,
                    role=args.role.role_definition, parent=self, principal_type="Group")
        self._accounts: dict[str, ServiceAccount] = {}
        for identity in args.identities:
            azure = WorkloadIdentity(f"{resource_name}-{identity.service_account}", args.identity_args(identity),
                                     pulumi.ResourceOptions(parent=self))
            self._accounts[identity.service_account] = ServiceAccount(
                f"{resource_name}-{identity.service_account}",
                azure.service_account(self.namespace, image_pull_secrets=identity.image_pull_secrets), in_cluster)
        self.register_outputs({"namespace": self.namespace.name})

    def service_account(self, name: str) -> ServiceAccount:
        """The ServiceAccount of the :class:`TeamIdentity` named ``name``, for ``PodSpec(service_account=...)``.

        Raises:
            InvalidValueError: naming ``team.service_account`` (no such identity).
        """
        if not isinstance(name, str) or name not in self._accounts:
            raise InvalidValueError("team.service_account", name,
                                    f"one of the team's identities ({', '.join(self._accounts) or 'none'})")
        return self._accounts[name]
