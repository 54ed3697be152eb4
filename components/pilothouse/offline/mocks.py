"""What the mock engine answers in place of Azure and Kubernetes: the one place to look.

Resource ids and computed outputs are derived from names only, so renders are
deterministic. Invokes return realistic shapes: the AKS credentials call returns a
base64 kubeconfig just as Azure does, so code that decodes it runs unchanged.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import pulumi
import yaml

from pilothouse.contract import SECRET_OUTPUTS
from pilothouse.offline.kinds import CLUSTER_SCOPED_KINDS

SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
TENANT_ID = "11111111-1111-1111-1111-111111111111"
OBJECT_ID = "22222222-2222-2222-2222-222222222222"

Props = dict[str, Any]


def _arm_id(inputs: Mapping[str, Any], provider_path: str, name_key: str) -> str:
    group = inputs.get("resourceGroupName", "rg")
    return (f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/"
            f"{provider_path}/{inputs.get(name_key, 'unnamed')}")


def _resource_group(inputs: Mapping[str, Any]) -> tuple[str, Props]:
    name = inputs["resourceGroupName"]
    rid = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{name}"
    return rid, {"name": name, "id": rid}


def _registry(inputs: Mapping[str, Any]) -> tuple[str, Props]:
    rid = _arm_id(inputs, "Microsoft.ContainerRegistry/registries", "registryName")
    return rid, {"name": inputs["registryName"], "loginServer": f"{inputs['registryName']}.azurecr.io"}


def _managed_cluster(inputs: Mapping[str, Any]) -> tuple[str, Props]:
    rid = _arm_id(inputs, "Microsoft.ContainerService/managedClusters", "resourceName")
    name = inputs["resourceName"]
    return rid, {
        "name": name,
        "fqdn": f"{inputs.get('dnsPrefix', name)}.hcp.{inputs.get('location', 'region')}.azmk8s.io",
        "oidcIssuerProfile": {"issuerURL": f"https://oidc.example.invalid/{name}/"},
        "identityProfile": {"kubeletidentity": {"objectId": OBJECT_ID, "clientId": OBJECT_ID,
                                                "resourceId": rid + "/kubelet"}},
        "identity": {"principalId": OBJECT_ID, "tenantId": TENANT_ID, "type": "SystemAssigned"},
    }


def _identity(inputs: Mapping[str, Any]) -> tuple[str, Props]:
    rid = _arm_id(inputs, "Microsoft.ManagedIdentity/userAssignedIdentities", "resourceName")
    return rid, {"principalId": OBJECT_ID, "clientId": OBJECT_ID, "tenantId": TENANT_ID}


def _workspace(inputs: Mapping[str, Any]) -> tuple[str, Props]:
    rid = _arm_id(inputs, "Microsoft.OperationalInsights/workspaces", "workspaceName")
    return rid, {"customerId": OBJECT_ID}


def fake_kubeconfig(cluster: str) -> str:
    """A syntactically complete kubeconfig for ``cluster`` with no usable credential."""
    return (
        "apiVersion: v1\nkind: Config\n"
        f"clusters:\n- name: {cluster}\n  cluster:\n    server: https://{cluster}.hcp.example.invalid:443\n"
        f"contexts:\n- name: {cluster}\n  context:\n    cluster: {cluster}\n    user: {cluster}-user\n"
        f"current-context: {cluster}\n"
        f"users:\n- name: {cluster}-user\n  user:\n    token: offline-render-placeholder\n"
    )


#: What a StackReference reads when the caller names no outputs for that stack: every output of the platform
#: contract (:mod:`pilothouse.contract`; its secret ones as secrets), and the reference platform's ``webImage``.
PLATFORM_OUTPUTS: Mapping[str, Any] = {
    "kubeconfig": fake_kubeconfig("platform"), "clusterName": "aks-platform", "resourceGroupName": "rg-platform",
    "registryLoginServer": "crplatform.azurecr.io", "oidcIssuerUrl": "https://oidc.example.invalid/platform/",
    "ingressClass": "traefik", "ingressNamespace": "ingress", "gatewayName": "public",
    "gatewayNamespace": "ingress", "monitoringNamespace": "monitoring",
    "keyVaultUri": "https://kv-platform.vault.azure.net/", "keyVaultName": "kv-platform",
    "keyVaultId": ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-platform/providers/"
                   "Microsoft.KeyVault/vaults/kv-platform"),
    "tenantId": "00000000-0000-0000-0000-000000000001",
    "webImage": f"crplatform.azurecr.io/shop/web@sha256:{'0' * 64}"}


def _docker_image(inputs: Mapping[str, Any]) -> tuple[str, Props]:
    """A pushed image: its repo digest derived from the image name, as a registry would answer."""
    name = str(inputs.get("imageName", "image"))
    repository = name.rsplit(":", 1)[0] if ":" in name.rsplit("/", 1)[-1] else name
    digest = hashlib.sha256(name.encode()).hexdigest()
    return name, {"repoDigest": f"{repository}@sha256:{digest}", "baseImageName": name,
                  "registryServer": (inputs.get("registry") or {}).get("server", "")}


def _token_password(inputs: Mapping[str, Any]) -> tuple[str, Props]:
    """An ACR token password from generateCredentials: a placeholder, never a usable credential."""
    token_id = str(inputs.get("tokenId", "token"))
    return f"{token_id}/{inputs.get('name', 'password1')}", {
        "username": token_id.rsplit("/", 1)[-1], "password": "offline-render-placeholder"}


def _random_password(inputs: Mapping[str, Any]) -> tuple[str, Props]:
    """A generated password: a placeholder of the requested length, never a usable credential."""
    return "none", {"result": "x" * int(inputs.get("length", 16))}


def _certificate_seed(_inputs: Mapping[str, Any]) -> tuple[str, Props]:
    """A self-signed certificate's seed: zeros (a placeholder, the same on every render)."""
    return "seed", {"hex": "00" * 32}


#: Computed state per resource type; any other Azure resource gets an ARM-shaped id from its
#: type and name inputs, anything else the id ``<name>-id``.
RESOURCE_STATE: dict[str, Callable[[Mapping[str, Any]], tuple[str, Props]]] = {
    "azure-native:resources:ResourceGroup": _resource_group,
    "azure-native:containerregistry:Registry": _registry,
    "azure-native:containerservice:ManagedCluster": _managed_cluster,
    "azure-native:managedidentity:UserAssignedIdentity": _identity,
    "azure-native:operationalinsights:Workspace": _workspace,
    "docker:index/image:Image": _docker_image,
    "pulumi-python:dynamic/containerregistry:TokenPassword": _token_password,
    "random:index/randomPassword:RandomPassword": _random_password,
    "pulumi-python:dynamic/pilothouse:CertificateSeed": _certificate_seed,
}


def _generic_azure_id(type_: str, name: str, inputs: Mapping[str, Any]) -> str:
    _, module, kind = type_.split(":")
    own_name = next((str(value) for key, value in sorted(inputs.items())
                     if key.endswith("Name") and key != "resourceGroupName" and isinstance(value, str)), name)
    return _arm_id({**inputs, "n": own_name}, f"Microsoft.{module}/{kind}", "n")


def _user_credentials(args: Mapping[str, Any]) -> Props:
    kubeconfig = fake_kubeconfig(str(args.get("resourceName", "cluster")))
    value = base64.b64encode(kubeconfig.encode()).decode()
    return {"kubeconfigs": [{"name": "clusterUser", "value": value}]}


def _resource_group_lookup(args: Mapping[str, Any]) -> Props:
    name = args["resourceGroupName"]
    return {"name": name, "id": f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{name}",
            "location": "koreacentral", "tags": {}}


def _decode_yaml(args: Mapping[str, Any]) -> Props:
    """``kubernetes:yaml:decode``, which ``yaml.ConfigFile`` and ``ConfigGroup`` (v1) call with a file's text: its
    documents that have a ``kind`` and an ``apiVersion``, as the provider's ``decodeYaml`` keeps them
    (invoke_decode_yaml.go; the provider's default namespace, which it also sets, is the render's to apply)."""
    documents = yaml.safe_load_all(str(args.get("text", "")))
    return {"result": [document for document in documents
                       if isinstance(document, dict) and document.get("kind") and document.get("apiVersion")]}


class UnansweredInvokeError(NotImplementedError):
    """The program calls a function (an invoke) the mocks have no answer for: ``pilothouse.testing.run`` takes one
    in ``invokes=``; ``kubernetes:helm:template`` (``helm.v3.Chart``) needs the chart itself, which a render does
    not fetch."""

    def __init__(self, token: str) -> None:
        hint = (": helm.v3.Chart templates its chart through the provider, which a render does not run; "
                "helm.v4.Chart renders offline (its objects are the provider's at preview)"
                if token == "kubernetes:helm:template" else "")
        super().__init__(f"no mock answer for invoke {token!r}: pass one in invokes= (pilothouse.testing.run){hint}")
        self.token = token


#: Invoke results by function token.
INVOKES: dict[str, Callable[[Mapping[str, Any]], Props]] = {
    "kubernetes:yaml:decode": _decode_yaml,
    "azure-native:authorization:getClientToken": lambda _: {"token": "offline-render-placeholder"},
    "azure-native:authorization:getClientConfig": lambda _: {
        "clientId": OBJECT_ID, "objectId": OBJECT_ID, "subscriptionId": SUBSCRIPTION_ID,
        "tenantId": TENANT_ID},
    "azure-native:containerservice:listManagedClusterUserCredentials": _user_credentials,
    "azure-native:containerservice:listManagedClusterAdminCredentials": _user_credentials,
    "azure-native:resources:getResourceGroup": _resource_group_lookup,
}


def _kubernetes_read(type_: str, resource_id: str) -> Props:
    """An existing Kubernetes object read by ``.get(name, "namespace/name")`` (``"name"`` for a kind of
    no namespace): its identity, as the API server would return it (``apiVersion`` and ``kind`` from
    the type token). Raises ``ValueError`` for an id the provider would not take."""
    _, group_version, kind = type_.split(":") if type_.count(":") == 2 else (None, "", type_)
    group, _, version = group_version.rpartition("/")
    namespace, _, name = resource_id.rpartition("/")
    cluster_scoped = (group if group != "core" else "", kind) in CLUSTER_SCOPED_KINDS
    if not name or "/" in namespace or (namespace and cluster_scoped):
        raise ValueError(f"{type_}.get: id {resource_id!r} is not "
                         + ("'name' (its kind has no namespace)" if cluster_scoped else "'namespace/name' or 'name'"))
    metadata = {"name": name, **({"namespace": namespace} if namespace else {})}
    api_version = version if group in ("core", "") else f"{group}/{version}"
    return {"apiVersion": api_version, "kind": kind, "metadata": metadata}


class OfflineMocks(pulumi.runtime.Mocks):
    """Mocks answering for Azure and Kubernetes with deterministic, realistic values.

    ``stack_outputs`` maps a referenced stack's name (as passed to ``StackReference``) to its outputs;
    a stack not listed reads ``PLATFORM_OUTPUTS``. ``invokes`` adds or overrides invoke answers by
    function token (the function gets the invoke's arguments). ``reads`` answers ``Resource.get``
    reads by type token: the function gets the id and returns the object's properties, merged over
    what is derived (a Kubernetes object's ``apiVersion``, ``kind`` and ``metadata``).
    """

    def __init__(self, *, stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
                 invokes: Mapping[str, Callable[[Mapping[str, Any]], Props]] | None = None,
                 reads: Mapping[str, Callable[[str], Props]] | None = None) -> None:
        self.stack_outputs = dict(stack_outputs or {})
        #: Reads the provider would refuse, in the order the program made them.
        self.failed_reads: list[str] = []
        self.invokes = {**INVOKES, **(invokes or {})}
        self.reads = dict(reads or {})

    def _stack_reference(self, name: str) -> tuple[str, Props]:
        outputs = self.stack_outputs.get(name, PLATFORM_OUTPUTS)
        secret = sorted(SECRET_OUTPUTS & outputs.keys()) if name not in self.stack_outputs else []
        return name, {"name": name, "outputs": dict(outputs), "secretOutputNames": secret}

    def _read(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        resource_id = str(args.resource_id)
        if args.typ == "pulumi:pulumi:StackReference":
            return self._stack_reference(str(args.inputs.get("name", resource_id)))
        try:
            derived = _kubernetes_read(args.typ, resource_id) if args.typ.startswith("kubernetes:") else {}
        except ValueError as refused:
            # Recorded, not raised: the SDK would leave the read's other futures failed and unretrieved.
            # The engine raises it once the program is done (FailedReadError).
            self.failed_reads.append(str(refused))
            return resource_id, dict(args.inputs)
        answer = self.reads.get(args.typ)
        given = answer(resource_id) if answer else {}
        if not isinstance(given, Mapping):
            raise TypeError(f"the reads answer for {args.typ} returned {type(given).__name__}, not a mapping")
        metadata = {**derived.get("metadata", {}), **(given.get("metadata") or {})}
        return resource_id, {**args.inputs, **derived, **given, **({"metadata": metadata} if metadata else {})}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if args.resource_id:
            return self._read(args)
        state_of = RESOURCE_STATE.get(args.typ)
        if state_of is None and args.typ.startswith("azure-native:"):
            return _generic_azure_id(args.typ, args.name, args.inputs), dict(args.inputs)
        if state_of is None:
            return f"{args.name}-id", dict(args.inputs)
        resource_id, computed = state_of(args.inputs)
        return resource_id, {**args.inputs, **computed}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        answer = self.invokes.get(args.token)
        if answer is None:
            raise UnansweredInvokeError(args.token)
        given = answer(args.args)
        if not isinstance(given, Mapping):
            raise TypeError(f"the invokes answer for {args.token} returned {type(given).__name__}, not a mapping")
        return dict(given), []
