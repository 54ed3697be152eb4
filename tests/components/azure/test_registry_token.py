"""RegistryPushToken under the mock engine, and the password provider against a fake ARM."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pilothouse.azure.registry_token import (
    GENERATE_CREDENTIALS_API_VERSION,
    RegistryPushToken,
    RegistryPushTokenArgs,
    TokenPasswordProvider,
)
from pilothouse.errors import InvalidValueError
from pilothouse.images import BuiltImage, BuiltImageArgs
from pilothouse.offline.engine import SECRET, Render
from tests.conftest import REPO, RunProgram

REGISTRY_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/crshopdev"
TOKEN_ID = REGISTRY_ID + "/tokens/push-shop-web"


def token_args(**overrides: Any) -> RegistryPushTokenArgs:
    fields: dict[str, Any] = {"registry_name": "crshopdev", "registry_id": REGISTRY_ID,
                              "login_server": "crshopdev.azurecr.io", "resource_group_name": "rg",
                              "repository": "shop/web", **overrides}
    return RegistryPushTokenArgs(**fields)


def push(run_program: RunProgram, monkeypatch: pytest.MonkeyPatch) -> Render:
    monkeypatch.chdir(REPO)

    def program() -> None:
        token = RegistryPushToken("web", token_args())
        image = BuiltImage("web", BuiltImageArgs(context="app", repository="shop/web", registry=token.credentials))
        pulumi.export("imageRef", image.image_ref)
        pulumi.export("username", token.username)
        pulumi.export("password", token.password)

    return run_program(program)


def test_a_scope_map_for_one_repository_a_token_and_a_secret_password(run_program: RunProgram,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    render = push(run_program, monkeypatch)
    component = render.one("pilothouse:azure:RegistryPushToken", "web")
    scope_map = render.one("azure-native:containerregistry:ScopeMap", "web")
    token = render.one("azure-native:containerregistry:Token", "web")
    password = render.one("pulumi-python:dynamic/containerregistry:TokenPassword", "web")
    assert {scope_map.parent, token.parent, password.parent} == {component.urn}
    assert scope_map.inputs["actions"] == ["repositories/shop/web/content/read",
                                           "repositories/shop/web/content/write",
                                           "repositories/shop/web/metadata/read"]
    assert scope_map.inputs["scopeMapName"] == "push-shop-web"
    assert token.inputs["tokenName"] == "push-shop-web"
    assert token.inputs["status"] == "enabled"
    assert scope_map.urn in token.options["dependencies"]
    assert token.inputs["scopeMapId"] != "[unknown]"
    # The Azure login used to generate the password and the password itself are secrets.
    assert password.inputs["accessToken"] == SECRET
    assert password.inputs["__provider"] == SECRET
    assert password.inputs["name"] == "password1"
    assert password.inputs["registryId"] == REGISTRY_ID
    assert token.urn in password.options["dependencies"]
    assert render.outputs["password"] == SECRET
    assert render.outputs["username"] == "push-shop-web"
    # No registry admin credentials are read anywhere.
    assert not [r for r in render if "listRegistryCredentials" in r.type]


def test_built_image_logs_in_with_the_token(run_program: RunProgram, monkeypatch: pytest.MonkeyPatch) -> None:
    render = push(run_program, monkeypatch)
    image = render.one("docker:index/image:Image", "web")
    assert image.inputs["registry"] == {"password": SECRET, "server": "crshopdev.azurecr.io",
                                        "username": "push-shop-web"}
    password = render.one("pulumi-python:dynamic/containerregistry:TokenPassword", "web")
    assert password.urn in image.options["dependencies"]
    assert render.outputs["imageRef"].startswith("crshopdev.azurecr.io/shop/web@sha256:")


@pytest.mark.parametrize(("overrides", "message"), [
    ({"repository": "Shop"}, "repository: got 'Shop'; expected a repository path such as 'shop/web' (lowercase, "
                             "no registry host, tag or digest)"),
    ({"repository": "shop/web:1"}, "repository: got 'shop/web:1'; expected a repository path"),
    ({"repository": "crshopdev.azurecr.io/web"}, "repository: got 'crshopdev.azurecr.io/web'; expected"),
    ({"token_name": "ci"}, "token_name: got 'ci'; expected 5-50 letters, digits or '-'"),
    ({"token_name": "push_web"}, "token_name: got 'push_web'; expected 5-50 letters, digits or '-'"),
    ({"password_expiry": "next year"}, "password_expiry: got 'next year'; expected an ISO 8601 time with a zone, "
                                       "such as '2027-01-01T00:00:00Z'"),
    ({"password_expiry": "2027-01-01T00:00:00"}, "password_expiry: got '2027-01-01T00:00:00'; expected an ISO"),
])
def test_bad_token_input_is_rejected(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        token_args(**overrides)
    assert str(error.value).startswith(message)


def test_long_repositories_get_a_short_hashed_token_name() -> None:
    name = token_args(repository="team/" + "a" * 60).resolved_token_name
    assert len(name) == 50
    assert name.startswith("push-team-aaaa")
    assert token_args(token_name="ci-pusher").resolved_token_name == "ci-pusher"


class FakeArm:
    """ARM's generateCredentials: 202 with a Location first, then the credentials."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str, dict[str, Any] | None]] = []

    def __call__(self, method: str, url: str, bearer: str,
                 body: dict[str, Any] | None) -> tuple[int, dict[str, str], dict[str, Any]]:
        self.calls.append((method, url, bearer, body))
        if method == "POST":
            return 202, {"Location": "https://arm.example.invalid/operations/1", "Retry-After": "1"}, {}
        return 200, {}, {"username": "push-shop-web", "passwords": [
            {"name": "password1", "value": "generated-1"}, {"name": "password2", "value": "generated-2"}]}


PROPS = {"registryId": REGISTRY_ID, "tokenId": TOKEN_ID, "name": "password1", "expiry": "2027-01-01T00:00:00Z",
         "armEndpoint": "https://arm.example.invalid/", "accessToken": "bearer-1"}


def test_create_generates_the_slots_password_through_arm() -> None:
    arm, slept = FakeArm(), list[float]()
    result = TokenPasswordProvider(arm, slept.append).create(dict(PROPS))
    method, url, bearer, body = arm.calls[0]
    assert (method, bearer) == ("POST", "bearer-1")
    assert url == (f"https://arm.example.invalid{REGISTRY_ID}/generateCredentials"
                   f"?api-version={GENERATE_CREDENTIALS_API_VERSION}")
    assert body == {"tokenId": TOKEN_ID, "name": "password1", "expiry": "2027-01-01T00:00:00Z"}
    assert arm.calls[1][:2] == ("GET", "https://arm.example.invalid/operations/1")
    assert slept == [1.0]
    assert result.id == f"{TOKEN_ID}/password1"
    assert result.outs is not None
    assert result.outs["password"] == "generated-1"
    assert result.outs["username"] == "push-shop-web"
    assert "accessToken" not in result.outs  # the Azure login is not kept as an output


def test_a_new_azure_login_alone_is_no_diff_a_new_expiry_rotates() -> None:
    provider = TokenPasswordProvider(FakeArm())
    same = provider.diff("id", dict(PROPS), {**PROPS, "accessToken": "bearer-2"})
    assert not same.changes
    rotated = provider.diff("id", dict(PROPS), {**PROPS, "expiry": "2028-01-01T00:00:00Z"})
    assert rotated.changes
    assert rotated.replaces == ["expiry"]


def test_a_missing_password_is_an_error() -> None:
    def empty(*_: object) -> tuple[int, dict[str, str], dict[str, Any]]:
        return 200, {}, {"username": "u", "passwords": []}

    with pytest.raises(RuntimeError, match="generateCredentials returned no password1"):
        TokenPasswordProvider(empty).create(dict(PROPS))
