"""BuiltImage under the mock engine: docker.Image inputs, credentials wiring, content tags, validation."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pulumi
import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.images import BuiltImage, BuiltImageArgs, ImageRef, RegistryCredentials
from pilothouse.images.context import context_digest, included_files
from pilothouse.offline.engine import SECRET, Render
from tests.conftest import REPO, RunProgram

SERVER = "crshopdev.azurecr.io"


def credentials(password: object = None) -> RegistryCredentials:
    secret = pulumi.Output.secret("token-password") if password is None else password
    return RegistryCredentials(server=SERVER, username="push-shop-web", password=secret)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _in_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    # Context paths are relative to the Pulumi project, where `pulumi up` runs.
    monkeypatch.chdir(REPO)


@pytest.fixture
def context(tmp_path: Path) -> Path:
    (tmp_path / "Dockerfile").write_text("FROM python:3.12.8-slim-bookworm\nCOPY app.py /srv/\nUSER 10001\n")
    (tmp_path / "app.py").write_text("print('hi')\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.md").write_text("not in the image\n")
    (tmp_path / ".dockerignore").write_text("# docs stay out\ndocs\n*.log\n")
    return tmp_path


def tag_of(context: Path, **settings: object) -> str:
    args = BuiltImageArgs(context=str(context), repository="shop/web", registry=credentials(), **settings)  # type: ignore[arg-type]
    digest = context_digest(*args.paths(), platform=args.platform, target=args.target, build_args=args.build_args)
    return "src-" + digest.removeprefix("sha256:")[:20]


def build(run_program: RunProgram, context: str, **settings: object) -> tuple[Render, dict[str, BuiltImage]]:
    built: dict[str, BuiltImage] = {}

    def program() -> None:
        built["image"] = image = BuiltImage("web", BuiltImageArgs(
            context=context, repository="shop/web", registry=credentials(), **settings))  # type: ignore[arg-type]
        pulumi.export("imageRef", image.image_ref)
        pulumi.export("imageName", image.image_name)

    return run_program(program), built


def test_the_docker_image_gets_context_platform_and_secret_credentials(run_program: RunProgram) -> None:
    render, built = build(run_program, "app", build_args={"APP_VERSION": "1.4.2"})
    image = render.one("docker:index/image:Image", "web")
    component = render.one("pilothouse:images:BuiltImage", "web")
    assert image.parent == component.urn
    tag = built["image"].tag
    assert image.inputs == {
        "build": {"args": {"APP_VERSION": "1.4.2"}, "builderVersion": "BuilderBuildKit", "context": "app",
                  "dockerfile": "app/Dockerfile", "platform": "linux/amd64"},
        "buildOnPreview": False,
        "imageName": f"{SERVER}/shop/web:{tag}",
        "registry": {"password": SECRET, "server": SERVER, "username": "push-shop-web"},
        "skipPush": False,
    }
    assert render.outputs["imageName"] == f"{SERVER}/shop/web:{tag}"
    pinned = ImageRef.parse(render.outputs["imageRef"])
    assert (pinned.registry, pinned.repository, pinned.tag) == (SERVER, "shop/web", None)
    assert pinned.digest is not None
    assert pinned.digest.startswith("sha256:")


def test_the_sample_apps_context_is_what_its_dockerignore_lets_through() -> None:
    assert included_files(REPO / "app") == ["__init__.py", "server.py"]


def test_an_unchanged_context_keeps_its_tag(context: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    first = tag_of(context)
    assert first == tag_of(context)
    assert first.startswith("src-")
    assert len(first) == 24
    # Another checkout of the same files in another place: same tag (paths are relative, times unread).
    copy = tmp_path_factory.mktemp("copy")
    for path in (context / name for name in included_files(context)):
        target = copy / path.relative_to(context)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    assert tag_of(copy) == first


def test_a_changed_or_new_file_changes_the_tag(context: Path) -> None:
    before = tag_of(context)
    (context / "app.py").write_text("print('hello')\n")
    changed = tag_of(context)
    assert changed != before
    (context / "extra.txt").write_text("x")
    assert tag_of(context) != changed


def test_a_dockerignored_file_does_not_change_the_tag(context: Path) -> None:
    before = tag_of(context)
    (context / "docs" / "notes.md").write_text("edited\n")
    (context / "build.log").write_text("noise\n")
    (context / "docs" / "more.md").write_text("new\n")
    assert tag_of(context) == before


def test_the_dockerfile_and_build_settings_change_the_tag(context: Path) -> None:
    before = tag_of(context)
    assert tag_of(context, platform="linux/arm64") != before
    assert tag_of(context, build_args={"APP_VERSION": "2"}) != before
    assert tag_of(context, target="runtime") != before
    (context / "Dockerfile").write_text("FROM python:3.12.9-slim-bookworm\nCOPY app.py /srv/\nUSER 10001\n")
    assert tag_of(context) != before


def test_dockerignore_follows_dockers_rules(tmp_path: Path) -> None:
    for name in ("a.txt", "keep.log", "x.log", "sub/x.log", "sub/deep/y.md", "node_modules/m.js"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    # Anchored at the root: '*.log' leaves sub/x.log; '**' crosses directories; '!' re-includes; './' and '/' clean.
    (tmp_path / ".dockerignore").write_text("*.log\n!keep.log\n**/*.md\n./node_modules/\n/.dockerignore\n")
    assert included_files(tmp_path) == ["a.txt", "keep.log", "sub/x.log"]


def test_the_same_program_registers_the_same_tag_twice(run_program: RunProgram) -> None:
    first, _ = build(run_program, "app")
    second, _ = build(run_program, "app")
    assert first.one("docker:index/image:Image").inputs == second.one("docker:index/image:Image").inputs


GOOD: Mapping[str, object] = {"context": "app", "repository": "shop/web"}


@pytest.mark.parametrize(("settings", "message"), [
    ({"context": "no/such/dir"}, "context: got 'no/such/dir'; expected an existing directory (the build context)"),
    ({"dockerfile": "Containerfile"}, "dockerfile: got 'Containerfile'; expected a file relative to the context 'app'"),
    ({"repository": "Shop/Web"}, "repository: got 'Shop/Web'; expected a repository path inside the registry, "
                                 "without registry host, tag or digest, such as 'shop/web' (lowercase components "
                                 "of letters, digits, '.', '_', '-')"),
    ({"repository": "crshop.azurecr.io/shop/web"}, "repository: got 'crshop.azurecr.io/shop/web'; expected a "
                                                   "repository path inside the registry, without registry host"),
    ({"repository": "shop/web:1.0"}, "repository: got 'shop/web:1.0'; expected a repository path"),
    ({"platform": "amd64"}, "platform: got 'amd64'; expected 'os/arch[/variant]' such as 'linux/amd64' or "
                            "'linux/arm64'"),
    ({"target": "-x"}, "target: got '-x'; expected a Dockerfile stage name such as 'runtime'"),
    ({"build_args": {"1BAD": "x"}}, "build_args: got '1BAD'; expected argument names of letters, digits and '_'"),
    ({"build_args": {"DB_PASSWORD": "hunter2"}},
     "build_args.DB_PASSWORD: got '[not shown]'; expected no secrets in build args: they stay readable in the "
     "image history and in Pulumi state; give secrets to the container at run time (a Kubernetes Secret)"),
    ({"build_args": {"NPM_TOKEN": "x"}}, "build_args.NPM_TOKEN: got '[not shown]'; expected no secrets"),
    ({"build_args": {"apiKey": "x"}}, "build_args.apiKey: got '[not shown]'; expected no secrets"),
    ({"build_args": {"VERSION": 3}}, "build_args.VERSION: got 'int'; expected a plain string known when the "
                                     "program runs (a Pulumi Output may carry a secret into the image history)"),
])
def test_bad_input_is_rejected_with_the_field_and_what_is_allowed(settings: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        BuiltImageArgs(registry=credentials(), **{**GOOD, **settings})  # type: ignore[arg-type]
    assert str(error.value).startswith(message)
    assert "hunter2" not in str(error.value)


def test_a_plain_text_password_is_refused_and_not_echoed() -> None:
    with pytest.raises(InvalidValueError) as error:
        credentials(password="hunter2")
    assert str(error.value) == (
        "registry.password: got '[not shown]'; expected a Pulumi secret Output (a RegistryPushToken's password or "
        "config.require_secret(...)), not plain text in the program")


def test_a_server_with_a_scheme_is_refused() -> None:
    with pytest.raises(InvalidValueError, match=r"^registry.server: got 'https://crshop.azurecr.io'; expected a "
                                                r"registry host name with an optional port and no scheme"):
        RegistryCredentials(server="https://crshop.azurecr.io", username="u", password=pulumi.Output.secret("p"))


def test_nothing_is_registered_when_the_input_is_bad(run_program: RunProgram) -> None:
    def program() -> None:
        BuiltImage("web", BuiltImageArgs(context="app", repository="shop/web", registry=credentials(),
                                         build_args={"SECRET_KEY": "x"}))

    with pytest.raises(InvalidValueError):
        run_program(program)
