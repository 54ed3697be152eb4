"""ServiceAccounts: the identity a workload's pods run as, in the cluster and, through workload identity, in Azure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.errors import InvalidValueError
from pilothouse.guids import guid
from pilothouse.kubernetes.names import annotation_map, dns_subdomain, labels
from pilothouse.kubernetes.pod_spec import PullSecretRef, pull_secret_names
from pilothouse.kubernetes.workload import NamespaceRef, namespace_name, object_metadata, object_options
from pilothouse.typed import Checked

#: The annotation the Azure workload identity webhook reads: the client id of the user-assigned managed identity
#: the account's tokens are exchanged for ("Use Microsoft Entra Workload ID with AKS", service account labels and
#: annotations).
CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id"
#: The pod label that makes the webhook project the account's token into the pod and set ``AZURE_CLIENT_ID``,
#: ``AZURE_TENANT_ID`` and ``AZURE_FEDERATED_TOKEN_FILE`` (same source, pod labels).
USE_LABEL = "azure.workload.identity/use"


@dataclass(frozen=True, kw_only=True)
class ServiceAccountArgs(Checked, prefix="service_account"):
    """What a :class:`ServiceAccount` needs; checked when declared.

    Fields:
        name: a DNS-1123 subdomain (``ValidateServiceAccountName``).
        namespace: a :class:`Namespace` of ours (the account is created after it) or an existing namespace's name.
        automount_token: mount an API token into pods that run as this account (default ``False``: pods that do
            not call the Kubernetes API get no credential for it; a pod may still ask for one itself).
        image_pull_secrets: Secrets of type ``kubernetes.io/dockerconfigjson`` in the same namespace (a
            :class:`Secret` of this program, or the name of one), added to every pod that runs as this account.
        azure_client_id: the client id (a GUID, or an output of one) of the Azure user-assigned managed identity
            whose federated credential trusts ``system:serviceaccount:<namespace>:<name>``; pods running as the
            account then get Azure tokens for it (Azure workload identity). ``None`` (default): no Azure identity.
        labels, annotations: of the ServiceAccount object, checked as the API server checks them.

    Raises:
        InvalidValueError: naming ``service_account.name``, ``service_account.image_pull_secrets`` (not a
            ``kubernetes.io/dockerconfigjson`` Secret, or one in another namespace), ``service_account.azure_client_id``
            (not a GUID), ``service_account.labels[<key>]`` or ``service_account.annotations`` (the client-id
            annotation is set through ``azure_client_id`` only).
    """

    name: str
    namespace: NamespaceRef
    automount_token: bool = False
    image_pull_secrets: tuple[PullSecretRef | str, ...] = ()
    azure_client_id: pulumi.Input[str] | None = None
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        dns_subdomain("service_account.name", self.name)
        object.__setattr__(self, "labels", labels("service_account.labels", self.labels))
        object.__setattr__(self, "annotations", annotation_map("service_account.annotations", self.annotations))
        if isinstance(self.azure_client_id, str):  # the API server counts it in the annotations' 256 KiB
            with_client_id = {**self.annotations, CLIENT_ID_ANNOTATION: self.azure_client_id}
            annotation_map("service_account.annotations", with_client_id)
        if CLIENT_ID_ANNOTATION in self.annotations:
            raise InvalidValueError("service_account.annotations", CLIENT_ID_ANNOTATION,
                                    "annotations without the workload identity client id: set azure_client_id")
        pull_secret_names("service_account.image_pull_secrets", self.image_pull_secrets,
                          namespace_name(self.namespace))
        if isinstance(self.azure_client_id, str):
            guid("service_account.azure_client_id", self.azure_client_id, "a managed identity's client id")


class ServiceAccount(k8s.core.v1.ServiceAccount):
    """A ServiceAccount; give it to :class:`PodSpec` as ``service_account`` and the pods run as it, created after
    it, and labelled for the workload identity webhook when it has an Azure identity."""

    def __init__(self, resource_name: str, args: ServiceAccountArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        self.args = args
        self.name = args.name
        annotations: dict[str, Any] = dict(args.annotations)
        if args.azure_client_id is not None:
            annotations[CLIENT_ID_ANNOTATION] = args.azure_client_id
        body: dict[str, Any] = {"metadata": object_metadata(args.name, args.namespace, args.labels, annotations),
                                "automount_service_account_token": args.automount_token}
        pulls = pull_secret_names("service_account.image_pull_secrets", args.image_pull_secrets,
                                  namespace_name(args.namespace))
        if pulls:
            body["image_pull_secrets"] = [{"name": name} for name in pulls]
        secrets = [s for s in args.image_pull_secrets if isinstance(s, pulumi.Resource)]
        super().__init__(resource_name, opts=object_options(self, resource_name, opts, args.namespace, secrets), **body)

    @property
    def namespace_name(self) -> str:
        return namespace_name(self.args.namespace)

    @property
    def pod_labels(self) -> dict[str, str]:
        """The labels pods running as this account need: the workload identity webhook's, with an Azure identity."""
        return {USE_LABEL: "true"} if self.args.azure_client_id is not None else {}
