"""The pilothouse command's answers to a user's mistakes: one line, exit 2, nothing written or deleted."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pilothouse.offline import stack_config
from tests.conftest import REPO

PROGRAM = """import pulumi_kubernetes as k8s
from pilothouse.kubernetes import Port

k8s.core.v1.ConfigMap("settings", metadata={"name": "settings"})
Port.http(80800)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "Pulumi.yaml").write_text("name: shop\nruntime: python\n")
    (folder / "Pulumi.dev.yaml").write_text("config: {}\n")
    (folder / "__main__.py").write_text(PROGRAM)
    return folder


def pilothouse(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pilothouse", *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


def test_a_bad_value_is_one_line_pointing_at_the_programs_line(project: Path) -> None:
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: port: got 80800; expected a port number from 1 to 65535 (__main__.py:5)\n"
    assert not (project / "build").exists()


def test_an_out_folder_that_is_not_a_render_is_never_replaced(project: Path) -> None:
    (project / "__main__.py").write_text(PROGRAM.replace("Port.http(80800)\n", ""))
    precious = project / "notes"
    precious.mkdir()
    (precious / "todo.txt").write_text("keep me")
    result = pilothouse("render", "--stack", "dev", "--out", "notes", cwd=project)
    assert result.returncode == 2
    assert result.stderr == ("error: --out notes: notes exists and is not an earlier render (only resources.json, "
                             "outputs.json, manifests/, patches/ and charts/); choose another --out or remove it "
                             "yourself\n")
    assert (precious / "todo.txt").read_text() == "keep me"
    assert pilothouse("render", "--stack", "dev", "--out", "build", cwd=project).returncode == 0
    again = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)  # an earlier render is replaced
    assert again.returncode == 0, again.stderr


def test_a_base_that_is_not_a_commit_is_one_line(project: Path) -> None:
    subprocess.run(["git", "init", "--quiet"], cwd=project, check=True)
    result = pilothouse("diff", "--stack", "dev", "--base", "origin/main", cwd=project)
    assert result.returncode == 2
    assert result.stderr == f"error: --base origin/main: not a commit of the git repository at {project}\n"


@pytest.mark.parametrize("link", ["../outside", "/etc"])
def test_a_link_outside_the_project_is_refused(project: Path, link: str) -> None:
    result = pilothouse("diff", "--stack", "dev", "--base", "HEAD", "--link", link, cwd=project)
    assert result.returncode == 2
    assert result.stderr == f"error: --link {link}: expected a folder inside the project (relative, no '..')\n"


@pytest.mark.parametrize("out", [".", "", "/", "..", "/etc"])
def test_the_working_folder_its_parents_and_top_level_folders_are_never_an_out(project: Path, out: str) -> None:
    (project / "__main__.py").write_text(PROGRAM.replace("Port.http(80800)\n", ""))
    result = pilothouse("render", "--stack", "dev", "--out", out, cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: --out {Path(out)}: ")
    assert "give a folder of its own" in result.stderr
    assert (project / "__main__.py").is_file()


def test_a_render_folder_with_a_stranger_inside_is_not_replaced(project: Path) -> None:
    (project / "__main__.py").write_text(PROGRAM.replace("Port.http(80800)\n", ""))
    assert pilothouse("render", "--stack", "dev", "--out", "build", cwd=project).returncode == 0
    (project / "build" / "thesis.txt").write_text("mine")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert result.returncode == 2
    assert (project / "build" / "thesis.txt").read_text() == "mine"


@pytest.mark.parametrize(("file", "content", "message"), [
    # The Pulumi CLI's own messages (tests/fixtures/stack_config/corpus.json), with the file, line and column.
    ("Pulumi.yaml", "name: [shop", "error: Pulumi.yaml: could not unmarshal 'Pulumi.yaml': invalid YAML file: yaml: "
                                   "did not find expected ',' or ']' (found at line 1, column 12)\n"),
    ("Pulumi.yaml", "- shop\n",
     "error: Pulumi.yaml: could not validate 'Pulumi.yaml': expected project to be an object, was '[]interface {}'\n"),
    ("Pulumi.dev.yaml", "config: [a]\n",
     "error: Pulumi.dev.yaml: getting stack configuration: invalid YAML file: could not unmarshal map: yaml: unmarshal "
     "errors: line 1: cannot unmarshal !!seq into map[string]config.Value\n"),
    ("Pulumi.dev.yaml", "config:\n  shop:a: 1\n  shop:a: 2\n",
     "error: Pulumi.dev.yaml: getting stack configuration: yaml: unmarshal errors: line 3: mapping key \"shop:a\" "
     "already defined at line 2\n"),
    ("Pulumi.dev.yaml", "config:\n\tshop:a: 1\n",
     "error: Pulumi.dev.yaml: getting stack configuration: invalid YAML file: yaml: line 2: found character that "
     "cannot start any token (found at line 2, column 1)\n"),
])
def test_a_project_file_pulumi_cannot_read_is_one_line(project: Path, file: str, content: str, message: str) -> None:
    (project / file).write_text(content)
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert (result.returncode, result.stderr) == (2, message)


def test_a_folder_that_is_not_a_project_is_one_line(tmp_path: Path) -> None:
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, f"error: {tmp_path} is not a Pulumi project folder "
                                                     "(no Pulumi.yaml)\n")


@pytest.mark.parametrize(("stack_files", "listed"), [
    ((), "no stack has a config file yet: `pulumi config set` writes one"),
    (("Pulumi.eu.prod.yaml", "Pulumi.dev.yaml"), "stacks: dev, eu.prod"),  # a stack name may hold a period
])
def test_a_stack_without_a_config_file_names_those_that_have_one(tmp_path: Path, stack_files: tuple[str, ...],
                                                                  listed: str) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: shop\nruntime: python\n")
    for name in stack_files:
        (tmp_path / name).write_text("config: {}\n")
    with pytest.raises(FileNotFoundError) as error:
        stack_config.read(tmp_path, "staging")
    assert str(error.value) == f"no stack 'staging': Pulumi.staging.yaml does not exist ({listed})"


def test_a_program_that_exits_early_is_not_a_render(project: Path) -> None:
    (project / "__main__.py").write_text("import sys\nsys.exit(0)\n")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert (result.returncode, result.stderr) == (
        2, "error: the program exited (sys.exit(0)) before it finished; nothing written\n")


@pytest.mark.parametrize("content", [
    None, "{", "[1, 2]", '[{"name": "x"}]',
    '[{"name": "x", "type": "kubernetes:core/v1:Pod", "custom": true, "inputs": "junk"}]',
    '[{"name": "x", "type": null, "custom": true, "inputs": {}}]'])
def test_policy_on_a_folder_that_is_not_a_render_is_one_line(tmp_path: Path, content: str | None) -> None:
    if content is not None:
        (tmp_path / "resources.json").write_text(content)
    result = pilothouse("policy", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {tmp_path}: not a render folder of `pilothouse render` (")


def test_a_declared_secret_given_in_plain_text_is_refused_as_the_cli_refuses_it(project: Path) -> None:
    (project / "__main__.py").write_text("import pulumi\npulumi.export('pw', pulumi.Config().get('dbPassword'))\n")
    (project / "Pulumi.yaml").write_text("name: shop\nruntime: python\nconfig:\n"
                                         "  dbPassword:\n    type: string\n    secret: true\n")
    (project / "Pulumi.dev.yaml").write_text("config:\n  shop:dbPassword: hunter2\n")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert (result.returncode, result.stderr) == (
        2, "error: Pulumi.dev.yaml: validating stack config: Stack 'dev' with configuration key 'dbPassword' must be "
           "encrypted as it's secret\n")
    (project / "Pulumi.dev.yaml").write_text("config:\n  shop:dbPassword:\n    secure: AAABAJzM3Zq4k1xJrQ==\n")
    assert pilothouse("render", "--stack", "dev", "--out", "build", cwd=project).returncode == 0


def test_a_secret_read_as_a_number_or_a_boolean_renders_where_the_project_declares_its_type(project: Path) -> None:
    # Offline nothing is decrypted; a declared type gives the placeholder a value of that type, so that the CLI's
    # type check and the SDK's typed getters take it as they take the real value.
    (project / "__main__.py").write_text("import pulumi\n"
                                         "config = pulumi.Config()\n"
                                         "pulumi.export('port', config.require_secret_int('port'))\n"
                                         "pulumi.export('debug', config.require_secret_bool('debug'))\n"
                                         "pulumi.export('token', config.require_secret('token'))\n")
    (project / "Pulumi.yaml").write_text("name: shop\nruntime: python\nconfig:\n"
                                         "  port:\n    type: integer\n    secret: true\n"
                                         "  debug:\n    type: boolean\n    secret: true\n")
    (project / "Pulumi.dev.yaml").write_text("config:\n" + "".join(
        f"  shop:{key}:\n    secure: AAABAJzM3Zq4k1xJrQ==\n" for key in ("port", "debug", "token")))
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert json.loads((project / "build" / "outputs.json").read_text()) == {
        "debug": "[secret]", "port": "[secret]", "token": "[secret]"}


@pytest.mark.parametrize(("program", "message"), [
    ("pulumi.Config().require_secret_int('port')",
     "Configuration 'shop:port' is a secret the offline render cannot decrypt, read as 'int': declare it in "
     "Pulumi.yaml (config: port: {type: integer, secret: true}) and the render gives it 0"),
    ("pulumi.Config().get_bool('port')",
     "Configuration 'shop:port' is a secret the offline render cannot decrypt, read as 'bool': declare it in "
     "Pulumi.yaml (config: port: {type: boolean, secret: true}) and the render gives it false"),
    ("pulumi.Config().require_float('port')",
     "Configuration 'shop:port' is a secret the offline render cannot decrypt, read as 'float': the render gives "
     "it the text 'offline-render-secret' (a value of another type only to a key of the project that Pulumi.yaml "
     "declares integer or boolean): read it as text (require_secret) and convert it in the program"),
    ("pulumi.Config('aws').require_secret_int('retries')",
     "Configuration 'aws:retries' is a secret the offline render cannot decrypt, read as 'int': the render gives "
     "it the text 'offline-render-secret' (a value of another type only to a key of the project that Pulumi.yaml "
     "declares integer or boolean): read it as text (require_secret) and convert it in the program"),
    ("pulumi.Config().require_int('size')",  # not a secret: the SDK's own message
     "Configuration 'shop:size' value 'large' is not a valid 'int'"),
    ("pulumi.Config().require_secret_bool('replicas')",
     "Configuration 'shop:replicas' is a secret the offline render cannot decrypt, read as 'bool': Pulumi.yaml "
     "declares it integer, so the render gives it 0, which a getter of 'bool' refuses, as it refuses the real value"),
    ("pulumi.Config().require_secret_int('a.b')",  # a dotted key is not declared as it is: it would be a path
     "Configuration 'shop:a.b' is a secret the offline render cannot decrypt, read as 'int': the render gives it "
     "the text 'offline-render-secret' (a value of another type only to a key of the project that Pulumi.yaml "
     "declares integer or boolean): read it as text (require_secret) and convert it in the program"),
    ("pulumi.Config().require_secret_int('a\\nb')",
     "Configuration 'shop:a\\nb' is a secret the offline render cannot decrypt, read as 'int': the render gives it "
     "the text 'offline-render-secret' (a value of another type only to a key of the project that Pulumi.yaml "
     "declares integer or boolean): read it as text (require_secret) and convert it in the program"),
    ("pulumi.Config().require_int('obj')",  # an object holding a secret: the SDK's own message, as in a preview
     "Configuration 'shop:obj' value '{\"inner\":\"offline-render-secret\"}' is not a valid 'int'"),
])
def test_a_secret_read_as_another_type_than_its_placeholder_says_how_to_declare_it(project: Path, program: str,
                                                                                   message: str) -> None:
    (project / "__main__.py").write_text(f"import pulumi\n{program}\n")
    (project / "Pulumi.yaml").write_text("name: shop\nruntime: python\nconfig:\n"
                                         "  replicas:\n    type: integer\n    secret: true\n")
    (project / "Pulumi.dev.yaml").write_text("config:\n  shop:size: large\n  shop:obj:\n    inner:\n      secure: x\n"
                                             + "".join(f"  {key}:\n    secure: AAABAJzM3Zq4k1xJrQ==\n" for key in (
                                                 "shop:port", "aws:retries", "shop:replicas", "shop:a.b",
                                                 '"shop:a\\nb"')))
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert (result.returncode, result.stderr) == (2, f"error: {message}\n")
    assert not (project / "build").exists()


def test_project_settings_of_a_type_the_schema_refuses_are_refused_all_at_once(project: Path) -> None:
    # The CLI's messages (ValidateProject against project.json), in the schema's order; one each is compared with
    # `pulumi preview` in tests/e2e/test_project_layout.py.
    (project / "Pulumi.yaml").write_text("name: shop\nruntime: python\nstackConfigDir: [src]\nconfig: 5\nmain: true\n")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert (result.returncode, result.stderr) == (
        2, "error: Pulumi.yaml: could not validate 'Pulumi.yaml': 3 errors occurred:\n"
           "\t* #/main: expected string or null, but got boolean\n"
           "\t* #/config: expected object or string or null, but got number\n"
           "\t* #/stackConfigDir: expected string or null, but got array\n")


def test_two_resources_declaring_one_kubernetes_object_is_one_line(project: Path) -> None:
    # Two resource names, one object: pulumi-kubernetes 4.29+ refuses the second create ("already exists").
    (project / "__main__.py").write_text('import pulumi_kubernetes as k8s\n\n'
                                         'k8s.core.v1.ConfigMap("a", metadata={"name": "settings"})\n'
                                         'k8s.core.v1.ConfigMap("b", metadata={"name": "settings"})\n')
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert (result.returncode, result.stderr) == (
        2, "error: two resources of the program declare one Kubernetes object, default/ConfigMap-settings (resources "
           "'a' and 'b'): pulumi-kubernetes 4.29 and later refuse the second create ('already exists'), earlier "
           "versions let both manage it and deleting either deletes it; give one of them another name; nothing "
           "written\n")
    assert not (project / "build").exists()


def committed(repository: Path) -> None:
    """``repository`` made a git repository with everything in it committed."""
    for command in (["init", "--quiet"], ["add", "."],
                    ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "base"]):
        subprocess.run(["git", *command], cwd=repository, check=True)


def test_aliases_the_engine_refuses_are_errors_not_a_diff(project: Path) -> None:
    (project / "__main__.py").write_text(PROGRAM.replace("Port.http(80800)\n", ""))
    committed(project)
    (project / "__main__.py").write_text(
        "import pulumi, pulumi_kubernetes as k8s\n"
        "for name in ('a', 'b'):\n"
        "    k8s.core.v1.ConfigMap(name, metadata={'name': name}, opts=pulumi.ResourceOptions(aliases=["
        "pulumi.Alias(name='settings')]))\n")
    result = pilothouse("diff", "--stack", "dev", "--base", "HEAD", cwd=project)
    urn = "urn:pulumi:dev::shop::kubernetes:core/v1:ConfigMap::{}".format
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"error: Duplicate resource alias '{urn('settings')}' applied to resource with URN "
                             f"'{urn('b')}' conflicting with resource with URN '{urn('a')}'\n"
                             "error: pulumi preview fails on these aliases; no diff\n")


def test_a_project_in_a_subfolder_of_its_repository_and_a_stack_new_since_the_base_diff(project: Path) -> None:
    # The project is shop/ of the repository; the dev stack gets a ConfigMap, the staging stack is new.
    (project / "__main__.py").write_text(PROGRAM.replace("Port.http(80800)\n", ""))
    committed(project.parent)
    (project / "__main__.py").write_text(PROGRAM.replace("Port.http(80800)\n", "k8s.core.v1.ConfigMap('more')\n"))
    (project / "Pulumi.staging.yaml").write_text("config: {}\n")
    for cwd, where in ((project.parent, ["--project", "shop"]), (project, [])):
        result = pilothouse("diff", "--stack", "dev", "--base", "HEAD", *where, cwd=cwd)
        assert result.returncode == 0, result.stderr
        assert "**1 to add, 0 to change (0 replaced), 0 to remove**" in result.stdout
    result = pilothouse("diff", "--stack", "staging", "--base", "HEAD", cwd=project)
    assert result.returncode == 0, result.stderr
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=project, capture_output=True, text=True,
                          check=True).stdout.strip()
    assert result.stdout.startswith(f"### Offline diff of stack `staging`: `{head}` → working tree (the stack has "
                                    f"no config file at `{head}`: all of it is new)\n")
    assert "**2 to add, 0 to change (0 replaced), 0 to remove**" in result.stdout


def test_a_bug_in_the_program_is_shown_from_the_programs_frames_as_the_pulumi_cli_shows_it(project: Path) -> None:
    (project / "helper.py").write_text("def go():\n    raise RuntimeError('boom')\n")
    (project / "__main__.py").write_text("import helper\n\nhelper.go()\n")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "error: Program failed with an unhandled exception:\nTraceback (most recent call last):\n"
        f'  File "{project}/__main__.py", line 3, in <module>\n    helper.go()\n'
        f'  File "{project}/helper.py", line 2, in go\n    raise RuntimeError(\'boom\')\nRuntimeError: boom\n')
    (project / "__main__.py").write_text("def f(:\n    pass\n")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert result.returncode == 2
    assert result.stderr == (f'error: Program failed with an unhandled exception:\n  File "{project}/__main__.py", '
                             "line 1\n    def f(:\n          ^\nSyntaxError: invalid syntax\n")
    assert not (project / "build").exists()


def test_a_part_imported_without_its_extra_is_one_line(project: Path) -> None:
    (project / "__main__.py").write_text(
        "from pilothouse.extras import missing_extra\n\n"
        "raise missing_extra(ModuleNotFoundError(name='cryptography'), 'tls', 'pilothouse.kubernetes.certificate')\n")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("error: pilothouse.kubernetes.certificate needs the 'tls' extra: install Pilothouse with "
                             "[tls] (module 'cryptography' is not installed) (__main__.py:3)\n")


def test_names_the_api_server_refuses_are_refused_all_at_once_and_nothing_is_written(project: Path) -> None:
    victim = project.parent / "victim.yaml"
    victim.write_text("keep me")
    (project / "__main__.py").write_text(
        "import pulumi_kubernetes as k8s\n"
        "k8s.core.v1.ConfigMap('up', metadata={'name': '../../victim', 'namespace': 'shop'})\n"
        "k8s.core.v1.ConfigMap('abs', metadata={'name': 'x', 'namespace': '/tmp/abs'})\n"
        "k8s.core.v1.ConfigMap('nul', metadata={'name': 'a\\x00b', 'namespace': 'shop'})\n"
        "k8s.helm.v4.Chart('chart', chart='nginx', name='..')\n")
    result = pilothouse("render", "--stack", "dev", "--out", "new/parents/build", cwd=project)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [  # objects by URN, then charts
        "error: ConfigMap 'x' (resource 'abs'): the API server refuses it: metadata.namespace '/tmp/abs': a lowercase "
        "RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an "
        "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        "error: ConfigMap 'a\\x00b' (resource 'nul'): the API server refuses it: metadata.name may not contain a NUL "
        "byte",
        "error: ConfigMap '../../victim' (resource 'up'): the API server refuses it: metadata.name may not contain '/'",
        "error: Helm chart (resource 'chart'): release name '..': invalid release name, must match regex "
        "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53; "
        "nothing written"]
    assert victim.read_text() == "keep me"
    assert not (project / "new").exists()


def test_a_long_name_and_a_chart_left_to_its_defaults_get_files_of_their_own(project: Path) -> None:
    (project / "__main__.py").write_text(
        "import pulumi_kubernetes as k8s\n"
        "k8s.core.v1.ConfigMap('long', metadata={'name': 'n' * 253, 'namespace': 'shop'})\n"
        "k8s.helm.v4.Chart('nginx', chart='nginx')\n")  # the release named after the resource, in 'default'
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert result.returncode == 0, result.stderr
    [long] = (project / "build/manifests/shop").iterdir()
    stem = f"ConfigMap-{'n' * 253}"  # cut to 150 bytes and a hash of it
    assert long.name == f"{stem[:150]}-{hashlib.sha256(stem.encode()).hexdigest()[:8]}.yaml"
    assert (project / "build/charts/default/nginx.yaml").is_file()


def test_a_stack_the_branch_removes_goes_whole_and_a_missing_project_is_one_line(project: Path) -> None:
    (project / "__main__.py").write_text(PROGRAM.replace("Port.http(80800)\n", ""))
    committed(project)
    (project / "Pulumi.dev.yaml").unlink()
    result = pilothouse("diff", "--stack", "dev", "--base", "HEAD", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "(the working tree has no config file for the stack: all of it goes)" in result.stdout
    assert "**0 to add, 0 to change (0 replaced), 1 to remove**" in result.stdout
    result = pilothouse("diff", "--stack", "prod", "--base", "HEAD", cwd=project)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=project, capture_output=True, text=True,
                          check=True).stdout.strip()
    assert (result.returncode, result.stderr) == (
        2, f"error: no stack 'prod': Pulumi.prod.yaml exists neither at {head} nor in the working tree\n")
    result = pilothouse("diff", "--stack", "dev", "--base", "HEAD", "--project", "nowhere", cwd=project)
    assert (result.returncode, result.stderr) == (2, "error: --project nowhere: not a folder\n")
    (project / "stacks").mkdir()
    (project / "Pulumi.yaml").write_text("name: shop\nruntime: python\nstackConfigDir: stacks\n")
    result = pilothouse("diff", "--stack", "prod", "--base", "HEAD", cwd=project)
    assert (result.returncode, result.stderr) == (
        2, f"error: no stack 'prod': stacks/Pulumi.prod.yaml exists neither at {head} nor in the working tree\n")
    (project / "Pulumi.yaml").unlink()
    result = pilothouse("diff", "--stack", "prod", "--base", "HEAD", cwd=project)
    assert (result.returncode, result.stderr) == (
        2, f"error: {project} is not a Pulumi project folder (no Pulumi.yaml)\n")


def test_diff_takes_stack_names_as_the_cli_does(project: Path) -> None:
    result = pilothouse("diff", "--stack", "a b", "--base", "HEAD", cwd=project)
    assert (result.returncode, result.stderr) == (2, "error: a stack name may only contain alphanumeric, hyphens, "
                                                     "underscores, or periods: invalid character ' ' at position 1\n")


def test_a_project_of_yml_files_renders_as_the_cli_reads_it(project: Path) -> None:
    (project / "Pulumi.yaml").rename(project / "Pulumi.yml")
    (project / "Pulumi.dev.yaml").write_text("config:\n  shop:tier: gold\n")
    (project / "Pulumi.dev.yaml").rename(project / "Pulumi.dev.yml")
    (project / "__main__.py").write_text("import pulumi\n\npulumi.export('tier', pulumi.Config().require('tier'))\n")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert json.loads((project / "build/outputs.json").read_text()) == {"tier": "gold"}
    (project / "Pulumi.json").write_text("{}")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert (result.returncode, result.stderr) == (
        2, "error: Pulumi.json: a project file in JSON is not read offline (only Pulumi.yaml or Pulumi.yml)\n")


@pytest.mark.parametrize("runtime", ["nodejs", "{name: go, options: {}}"])
def test_a_project_in_another_language_is_one_line(project: Path, runtime: str) -> None:
    (project / "Pulumi.yaml").write_text(f"name: shop\nruntime: {runtime}\n")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    name = "nodejs" if runtime == "nodejs" else "go"
    assert (result.returncode, result.stderr) == (
        2, f"error: Pulumi.yaml: runtime: got '{name}'; only a Python program is run offline (runtime: python)\n")


def test_the_programs_line_is_never_in_a_copy_of_the_library_the_project_keeps(project: Path) -> None:
    # As this repository keeps it: the library's source under components/, first on the path.
    (project / "components").symlink_to(REPO / "components", target_is_directory=True)
    result = subprocess.run([sys.executable, "-m", "pilothouse", "render", "--stack", "dev", "--out", "build"],
                            cwd=project, capture_output=True, text=True, check=False,
                            env={**os.environ, "PYTHONPATH": str(project / "components")})
    assert (result.returncode, result.stderr) == (
        2, "error: port: got 80800; expected a port number from 1 to 65535 (__main__.py:5)\n")


def test_a_stack_file_is_looked_for_where_the_cli_keeps_it(tmp_path: Path) -> None:
    assert not stack_config.has_stack_file(tmp_path, "dev")  # no project
    (tmp_path / "Pulumi.yaml").write_text("name: shop\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text("config: {}\n")
    (tmp_path / "Pulumi.prod.yaml").write_text("config: {}\n")  # not where this project keeps them
    assert stack_config.has_stack_file(tmp_path, "dev")
    assert not stack_config.has_stack_file(tmp_path, "prod")
    (tmp_path / "Pulumi.yaml").write_text("name: [\n")  # unreadable: the render names the problem
    assert stack_config.has_stack_file(tmp_path, "prod")


def test_the_program_imports_what_the_language_host_lets_it_import(project: Path) -> None:
    # `python -m pilothouse` puts the working folder on the import path; the Pulumi CLI does not run the program so.
    (project / "Pulumi.yaml").write_text("name: shop\nruntime: python\nmain: app/program.py\n")
    (project / "app").mkdir()
    (project / "app" / "program.py").write_text(
        "import pulumi\ntry:\n    import helper\nexcept ImportError:\n    helper = None\n"
        "pulumi.export('helper', helper is not None)\n")
    (project / "helper.py").write_text("")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert json.loads((project / "build" / "outputs.json").read_text()) == {"helper": False}


def test_a_program_outside_the_project_folder_is_shown_from_its_own_frames(project: Path) -> None:
    program = project.parent / "program"
    program.mkdir()
    (program / "__main__.py").write_text("import helper\n\nhelper.boom()\n")
    (program / "helper.py").write_text("from pilothouse.kubernetes import Port\n\n\ndef boom() -> None:\n"
                                       "    Port.http(80800)\n    raise ValueError('boom')\n")
    (project / "Pulumi.yaml").write_text("name: shop\nruntime: python\nmain: ../program\n")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert result.stderr == ("error: port: got 80800; expected a port number from 1 to 65535 "
                             "(../program/helper.py:5)\n")
    (program / "helper.py").write_text("def boom() -> None:\n    raise ValueError('boom')\n")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert result.stderr == ("error: Program failed with an unhandled exception:\nTraceback (most recent call last):\n"
                             f'  File "{program}/__main__.py", line 3, in <module>\n    helper.boom()\n'
                             f'  File "{program}/helper.py", line 2, in boom\n'
                             "    raise ValueError('boom')\nValueError: boom\n")


@pytest.mark.parametrize(("main", "reason"), [
    ("loop", "too many levels of symbolic links"),
    ("__main__.py/x", "not a directory"),
    ("m" * 300, "file name too long"),
])
def test_a_main_the_system_cannot_stat_is_one_line_with_gos_reason(project: Path, main: str, reason: str) -> None:
    # The CLI's message (getPwdMain's os.Stat), as `pulumi preview` gave it for each.
    (project / "loop").symlink_to(project / "loop")
    (project / "Pulumi.yaml").write_text(f"name: shop\nruntime: python\nmain: {main}\n")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert (result.returncode, result.stderr) == (
        2, f"error: project 'main' could not be read: stat {project / main}: {reason}\n")


@pytest.mark.parametrize(("stack_file", "similar"), [("config:\n  shop:host: a\n", "shop:host"),
                                                     ("config:\n  shopp:hots: a\n", "shopp:hots"),
                                                     ("config:\n  shop:region: a\n", None)])
def test_a_missing_config_key_names_a_similar_one_the_stack_has(project: Path, stack_file: str,
                                                                 similar: str | None) -> None:
    (project / "__main__.py").write_text("import pulumi\npulumi.Config().require('hots')\n")
    (project / "Pulumi.dev.yaml").write_text(stack_file)
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    hint = f"\tthe stack's config has '{similar}': a typo?\n" if similar else ""
    assert (result.returncode, result.stderr) == (
        2, "error: Missing required configuration variable 'shop:hots'\n"
           f"\tplease set a value using the command `pulumi config set shop:hots <value>`\n{hint}")


def test_a_v1_config_file_renders_and_a_v3_chart_is_one_line(project: Path) -> None:
    (project / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-file\n---\n# empty\n")
    (project / "__main__.py").write_text(
        "import pulumi_kubernetes as k8s\n"
        "k8s.yaml.ConfigFile('app', file='app.yaml')\n")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load((project / "build/manifests/default/ConfigMap-from-file.yaml").read_text())["kind"] == \
        "ConfigMap"
    (project / "__main__.py").write_text(
        "import pulumi_kubernetes as k8s\n"
        "k8s.helm.v3.Chart('web', k8s.helm.v3.ChartOpts(chart='nginx'))\n")
    result = pilothouse("render", "--stack", "dev", "--out", "build", cwd=project)
    assert (result.returncode, result.stderr) == (2, (
        "error: no mock answer for invoke 'kubernetes:helm:template': pass one in invokes= (pilothouse.testing.run): "
        "helm.v3.Chart templates its chart through the provider, which a render does not run; helm.v4.Chart renders "
        "offline (its objects are the provider's at preview)\n"))  # called from the SDK's own task: no program line


def test_each_command_and_option_says_what_it_is_and_the_version_is_the_package_s(project: Path) -> None:
    assert pilothouse("--version", cwd=project).stdout == f"pilothouse {importlib.metadata.version('pilothouse')}\n"
    listed = " ".join(pilothouse("--help", cwd=project).stdout.split())
    assert all(command in listed for command in ("render run a stack's program", "diff what a stack's render",
                                                 "policy the policy rules"))
    for command in ("render", "diff"):
        help_text = " ".join(pilothouse(command, "--help", cwd=project).stdout.split())
        assert "--stack STACK the stack, as Pulumi.<stack>.yaml names it" in help_text
        assert "--project PROJECT the folder of Pulumi.yaml" in help_text
