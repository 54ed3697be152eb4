"""Push credentials for one ACR repository without the registry's admin user.

``RegistryPushToken`` creates a scope map granting only ``content/read``, ``content/write`` and
``metadata/read`` on one repository, a token bound to it, and the token's password, which stays a
Pulumi secret from the moment it exists: the same thing ``az acr token create --repository``
does by hand.

Why a dynamic resource for the password: Azure generates token passwords only through the
registry's ``generateCredentials`` action (the token's ``passwords[].value`` is read-only and a
token created through ARM has none), and pulumi-azure-native offers no resource or function for
that action (pulumi/pulumi-azure-native#3099). ``TokenPassword`` calls it with the deployment's own
Azure login (the ``getClientToken`` function), returns the password as a secret output, and
regenerates it only when the token, the password slot or the expiry changes.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi_azure_native import authorization, containerregistry

from pilothouse.errors import InvalidValueError
from pilothouse.images.built_image import RegistryCredentials
from pilothouse.images.reference import ImageRef
from pilothouse.typed import Checked

ARM_ENDPOINT = "https://management.azure.com"
GENERATE_CREDENTIALS_API_VERSION = "2023-07-01"
#: What pushing needs and nothing more (no delete, no other repository).
PUSH_ACTIONS = ("content/read", "content/write", "metadata/read")
_TOKEN_NAME = re.compile(r"[a-zA-Z0-9-]{5,50}")
_SCOPE_MAP_NAME = re.compile(r"[a-zA-Z0-9_-]{5,50}")
_PASSWORD_SLOTS = ("password1", "password2")

#: ``(method, url, bearer token, JSON body)`` -> ``(status, headers, JSON body)``.
Transport = Callable[[str, str, str, dict[str, Any] | None], tuple[int, dict[str, str], dict[str, Any]]]


def _derived_name(prefix: str, repository: str) -> str:
    """``push-shop-web``: the repository squeezed to what ACR token names allow, hashed when too long."""
    name = f"{prefix}-" + re.sub(r"[^a-zA-Z0-9]+", "-", repository).strip("-")
    if len(name) > 50:
        name = name[:41] + "-" + hashlib.sha256(repository.encode()).hexdigest()[:8]
    return name


@dataclass(frozen=True, kw_only=True)
class RegistryPushTokenArgs(Checked, prefix=""):
    """What a :class:`RegistryPushToken` needs: the registry, and the one repository its token may push to.

    Fields (details in each field's comment):
        registry_name, registry_id, login_server, resource_group_name: from the :class:`ContainerRegistry` and
            its resource group.
        repository: a repository path such as ``shop/web``: lowercase, without registry host, tag or digest.
        token_name: default ``None``: ``push-<repository>``, each run of characters other than letters and digits
            as ``-``; past 50 characters, its first 41 plus ``-`` and 8 hex digits of a hash.
        password_expiry: an ISO 8601 time with a zone (default ``None``: no expiry).

    Raises:
        InvalidValueError: naming ``repository`` (not such a path), ``token_name`` (not 5-50 letters, digits or
            ``-``) or ``password_expiry`` (not an ISO 8601 time with a zone).
    """

    #: The registry (``ContainerRegistry.name`` / ``.id`` / ``.login_server``) and its resource group.
    registry_name: pulumi.Input[str]
    registry_id: pulumi.Input[str]
    login_server: pulumi.Input[str]
    resource_group_name: pulumi.Input[str]
    #: The one repository the token may push to, such as ``shop/web``.
    repository: str
    #: Token name (5-50 letters, digits, '-'); derived from the repository when unset.
    token_name: str | None = None
    #: When the password stops working (ISO 8601, e.g. ``2027-01-01T00:00:00Z``); changing it rotates
    #: the password. ``None``: no expiry.
    password_expiry: str | None = None

    def __post_init__(self) -> None:
        allowed = "a repository path such as 'shop/web' (lowercase, no registry host, tag or digest)"
        try:
            ref = ImageRef.parse(f"registry.invalid/{self.repository}", "repository")
        except InvalidValueError:
            raise InvalidValueError("repository", self.repository, allowed) from None
        if ref.tag is not None or ref.repository != self.repository or "." in self.repository.split("/")[0]:
            raise InvalidValueError("repository", self.repository, allowed)
        if self.token_name is not None and not _TOKEN_NAME.fullmatch(self.token_name):
            raise InvalidValueError("token_name", self.token_name, "5-50 letters, digits or '-'")
        if self.password_expiry is not None:
            try:
                moment = datetime.fromisoformat(self.password_expiry)
            except ValueError:
                moment = None
            if moment is None or moment.tzinfo is None:
                raise InvalidValueError("password_expiry", self.password_expiry,
                                        "an ISO 8601 time with a zone, such as '2027-01-01T00:00:00Z'")

    @property
    def resolved_token_name(self) -> str:
        return self.token_name or _derived_name("push", self.repository)


class RegistryPushToken(pulumi.ComponentResource):
    """A repository-scoped ACR token; ``credentials`` is what ``BuiltImage`` logs in with.

    ``username`` is the token's name; ``password`` a Pulumi secret. The registry's admin user
    stays off.
    """

    def __init__(self, resource_name: str, args: RegistryPushTokenArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        token_name = args.resolved_token_name
        scope_map_name = token_name if _SCOPE_MAP_NAME.fullmatch(token_name) else _derived_name("scope",
                                                                                                 args.repository)
        super().__init__("pilothouse:azure:RegistryPushToken", resource_name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.actions = tuple(f"repositories/{args.repository}/{action}" for action in PUSH_ACTIONS)
        scope_map = containerregistry.ScopeMap(
            resource_name, scope_map_name=scope_map_name, registry_name=args.registry_name,
            resource_group_name=args.resource_group_name, actions=list(self.actions),
            description=f"push to {args.repository} only", opts=child)
        self.token = containerregistry.Token(
            resource_name, token_name=token_name, registry_name=args.registry_name,
            resource_group_name=args.resource_group_name, scope_map_id=scope_map.id,
            status=containerregistry.TokenStatus.ENABLED, opts=child)
        login = authorization.get_client_token_output(opts=pulumi.InvokeOutputOptions(parent=self))
        password = TokenPassword(resource_name, TokenPasswordInputs(
            registry_id=args.registry_id, token_id=self.token.id, expiry=args.password_expiry,
            access_token=pulumi.Output.secret(login.token)), child)
        self.scope_map = scope_map
        # The token's name is its username; derived from the id so users wait for the token to exist.
        self.username: pulumi.Output[str] = self.token.id.apply(lambda _: token_name)
        self.password: pulumi.Output[str] = pulumi.Output.secret(password.password)
        self.login_server: pulumi.Output[str] = pulumi.Output.from_input(args.login_server)
        self.credentials = RegistryCredentials(server=self.login_server, username=self.username,
                                               password=self.password)
        self.register_outputs({"loginServer": self.login_server, "username": self.username,
                               "password": self.password})


@dataclass(frozen=True, kw_only=True)
class TokenPasswordInputs:
    """The inputs of a :class:`TokenPassword`: which ACR token password slot to generate, and how to reach ARM.

    Fields:
        registry_id: the registry's Azure resource ID, whose ``generateCredentials`` action is called.
        token_id: the token's Azure resource ID.
        access_token: an ARM bearer token as a secret Output, as ``getClientToken`` returns it; a new one alone
            regenerates nothing.
        name: see its comment: ``"password1"`` (default) or ``"password2"``.
        expiry: when the password stops working, ISO 8601 (default ``None``: no expiry); not checked here
            (:class:`RegistryPushTokenArgs` checks it).
        arm_endpoint: the Azure Resource Manager endpoint (default :data:`ARM_ENDPOINT`).

    A change of ``registry_id``, ``token_id``, ``name``, ``expiry`` or ``arm_endpoint`` regenerates the password.

    Raises:
        InvalidValueError: naming ``name`` when it is not ``'password1'`` or ``'password2'``.
    """

    registry_id: pulumi.Input[str]
    token_id: pulumi.Input[str]
    access_token: pulumi.Output[str]
    #: The password slot regenerated: ACR tokens have two, so one can rotate while the other works.
    name: str = "password1"
    expiry: str | None = None
    arm_endpoint: str = ARM_ENDPOINT

    def __post_init__(self) -> None:
        if self.name not in _PASSWORD_SLOTS:
            raise InvalidValueError("name", self.name, "'password1' or 'password2'")


class TokenPassword(pulumi.dynamic.Resource, module="containerregistry", name="TokenPassword"):
    """A generated ACR token password (``generateCredentials``); ``password`` is a secret output."""

    password: pulumi.Output[str]
    username: pulumi.Output[str]

    def __init__(self, resource_name: str, inputs: TokenPasswordInputs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        props: dict[str, Any] = {
            "registryId": inputs.registry_id, "tokenId": inputs.token_id, "name": inputs.name,
            "expiry": inputs.expiry, "armEndpoint": inputs.arm_endpoint,
            "accessToken": pulumi.Output.secret(inputs.access_token), "password": None, "username": None}
        secret = pulumi.ResourceOptions(additional_secret_outputs=["password", "accessToken"])
        super().__init__(TokenPasswordProvider(), resource_name, props, pulumi.ResourceOptions.merge(opts, secret))


#: Inputs whose change regenerates the password; the access token is only the means.
_REPLACING = ("registryId", "tokenId", "name", "expiry", "armEndpoint")


def _urllib_transport(method: str, url: str, bearer: str,
                      body: dict[str, Any] | None) -> tuple[int, dict[str, str], dict[str, Any]]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {bearer}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return response.status, dict(response.headers), json.loads(raw) if raw else {}
    except urllib.error.HTTPError as error:
        # ARM's error body names the problem; it never contains the password.
        where = url.split("?", maxsplit=1)[0]
        raise RuntimeError(f"{method} {where}: HTTP {error.code}: {error.read().decode()[:500]}") from None


class TokenPasswordProvider(pulumi.dynamic.ResourceProvider):
    """Create = ARM ``generateCredentials`` for one password slot; delete leaves the token to its own deletion."""

    #: Long-running operations are polled at most this long.
    timeout_seconds = 300.0

    def __init__(self, transport: Transport = _urllib_transport, sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__()
        self._transport = transport
        self._sleep = sleep

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        replaces = [key for key in _REPLACING if _olds.get(key) != _news.get(key)]
        return pulumi.dynamic.DiffResult(changes=bool(replaces), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        body: dict[str, Any] = {"tokenId": props["tokenId"], "name": props["name"]}
        if props.get("expiry"):
            body["expiry"] = props["expiry"]
        url = (f"{props['armEndpoint'].rstrip('/')}{props['registryId']}/generateCredentials"
               f"?api-version={GENERATE_CREDENTIALS_API_VERSION}")
        result = self._call(url, props["accessToken"], body)
        passwords = {entry.get("name"): entry.get("value") for entry in result.get("passwords", [])}
        password = passwords.get(props["name"])
        if not password:
            raise RuntimeError(f"generateCredentials returned no {props['name']} for {props['tokenId']}")
        outs = {key: props.get(key) for key in _REPLACING}
        outs.update(username=result.get("username", ""), password=password)
        return pulumi.dynamic.CreateResult(id_=f"{props['tokenId']}/{props['name']}", outs=outs)

    def _call(self, url: str, bearer: str, body: dict[str, Any]) -> dict[str, Any]:
        status, headers, result = self._transport("POST", url, bearer, body)
        deadline = time.monotonic() + self.timeout_seconds
        # 202: a long-running operation; its Location answers 202 until the credentials are ready.
        while status == 202:
            location = headers.get("Location") or headers.get("location")
            if not location:
                raise RuntimeError("generateCredentials answered 202 without a Location to poll")
            if time.monotonic() > deadline:
                raise RuntimeError(f"generateCredentials did not finish within {self.timeout_seconds:.0f}s")
            self._sleep(float(headers.get("Retry-After") or headers.get("retry-after") or 5))
            status, headers, result = self._transport("GET", location, bearer, None)
        return result

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        # Deleting the token revokes its passwords; regenerating a slot replaces the old password.
        return None
