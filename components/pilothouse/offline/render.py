"""Render a stack offline: every resource as JSON, every Kubernetes object as YAML.

Layout of a render folder::

    resources.json                      every registration, sorted by URN
    outputs.json                        the stack's outputs (secrets masked)
    manifests/<namespace>/<Kind>-<name>.yaml   one file per Kubernetes object
                                        (cluster-scoped objects under ``_cluster``)
    patches/<namespace>/<Kind>-<name>.yaml     one file per server-side patch of an object someone
                                        else creates (a StatefulSet's claims)
    charts/<namespace>/<release>.yaml   one file per Helm chart: chart path and values (the
                                        provider renders its objects at preview/up time)

Two renders of the same commit are byte-identical: keys sorted, no timestamps, ids
derived from names.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
import os
import re
import runpy
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pulumi
import yaml

from pilothouse.api_validation import go_lower, is_dns1035_label, is_dns1123_label, is_path_segment_name
from pilothouse.errors import shown
from pilothouse.offline import engine, kinds, stack_config
from pilothouse.offline.engine import Registration, Render
from pilothouse.offline.object_names import (
    indexed_job_name_problems,
    job_label_problems,
    name_problems,
    release_name_problems,
)

_REDACTED_B64 = base64.b64encode(engine.SECRET.encode()).decode()


class DuplicateObjectError(ValueError):
    """Two resources render the same Kubernetes object (kind, namespace and name)."""


class InvalidObjectNameError(ValueError):
    """An object whose kind, name or namespace the API server refuses (``..``, ``/``: it would not even stay inside
    the render folder as a file name)."""


#: The longest file name most file systems take, in bytes.
_FILE_NAME_MAX_BYTES = 255


@contextmanager
def _inside(program: stack_config.Program) -> Iterator[None]:
    """Run as the Pulumi language host does: from the program's folder, importable from there when ``main`` is a
    folder; the program's own modules the run imported are forgotten afterwards, so the next run (another project
    with a ``helper.py`` of its own, or this one edited) imports its own, as a fresh process would."""
    previous_cwd, previous_path, previous_modules = Path.cwd(), list(sys.path), set(sys.modules)
    # `python -m pilothouse` (or -c) put the working folder first on the import path; the language host does not.
    sys.path[:] = [entry for entry in sys.path if entry not in ("", str(previous_cwd))]
    os.chdir(program.workdir)
    if program.importable:
        sys.path.insert(0, str(program.workdir))
    try:
        yield
    finally:
        os.chdir(previous_cwd)
        sys.path[:] = previous_path
        for name in set(sys.modules) - previous_modules:
            if _imported_from(sys.modules[name], program.workdir):
                del sys.modules[name]


def _imported_from(module: object, project_dir: Path) -> bool:
    """Whether ``module`` was found in ``project_dir`` itself (``helper.py``, ``stacks/...``), not through another
    path entry inside it (a library's source root such as ``components/``)."""
    file = getattr(module, "__file__", None)
    if not file or not Path(file).is_relative_to(project_dir):
        return False
    top = getattr(module, "__name__", "").partition(".")[0]
    return Path(file).relative_to(project_dir).parts[0] in (top, f"{top}.py")


class UndecryptedSecretError(pulumi.ConfigTypeError):
    """The program reads a secret config value as a type its offline placeholder is not (``require_secret_int`` of
    a key the project does not declare ``integer``): the render cannot decrypt it, and says how to type it."""

    def __init__(self, error: pulumi.ConfigTypeError, project: str) -> None:
        super().__init__(error.key, error.value, error.expect_type)
        namespace, _, name = error.key.partition(":")
        declared = _DECLARABLE.get(error.expect_type)
        declared_as = {value: type_name for type_name, value in stack_config.TYPED_PLACEHOLDERS.items()}.get(
            error.value)
        if declared_as is not None:
            remedy = (f"Pulumi.yaml declares it {declared_as}, so the render gives it {error.value}, which a getter of "
                      f"'{error.expect_type}' refuses, as it refuses the real value")
        elif declared is not None and namespace == project and _PLAIN_KEY.fullmatch(name):
            remedy = (f"declare it in Pulumi.yaml (config: {name}: {{type: {declared}, secret: true}}) and the render "
                      f"gives it {stack_config.TYPED_PLACEHOLDERS[declared]}")
        else:  # no type Pulumi.yaml can declare (a float, an object) or no key of the project's own
            remedy = (f"the render gives it the text '{error.value}' (a value of another type only to a key of the "
                      "project that Pulumi.yaml declares integer or boolean): read it as text "
                      "(require_secret) and convert it in the program")
        self.args = (f"Configuration '{_printable(error.key)}' is a secret the offline render cannot decrypt, read as "
                     f"'{error.expect_type}': {remedy}",)


#: The SDK's typed getters (``ConfigTypeError.expect_type``) whose type a project can declare in Pulumi.yaml.
_DECLARABLE = {"int": "integer", "bool": "boolean"}
#: A key the message can show declared as it is (a dot would make it a path; other characters need quoting).
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _printable(text: str) -> str:
    """``text`` with control characters escaped, so that a message stays one line."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


class MissingConfigError(pulumi.ConfigMissingError):
    """The program requires a config key the stack does not set, and the stack's config has a key of a similar name
    (``difflib``'s ratio at least 0.8): the SDK's message, and the similar key (a typo in the program or the stack
    file)."""

    def __init__(self, error: pulumi.ConfigMissingError, similar: str) -> None:
        super().__init__(error.key, error.secret)
        self.args = (f"{self.args[0]}\n\tthe stack's config has '{_printable(similar)}': a typo?",)


def render_stack(project_dir: Path, stack: str, mocks: pulumi.runtime.Mocks | None = None) -> Render:
    """Run the project's program for ``stack`` under the mock engine: its ``__main__.py``, or what ``Pulumi.yaml``'s
    ``main`` names, as the Pulumi CLI runs it (:func:`~pilothouse.offline.stack_config.program`); ``mocks`` answer
    for resources, invokes and reads (default: :class:`~pilothouse.offline.mocks.OfflineMocks`).

    Secret config values cannot be decrypted offline and stand for placeholders
    (:data:`~pilothouse.offline.stack_config.TYPED_PLACEHOLDERS`). Raises :class:`UndecryptedSecretError` when the
    program reads one as a type its placeholder is not, :class:`MissingConfigError` when it requires a key the stack
    does not set but sets one of a similar name, and whatever the program itself raises."""
    files = stack_config.read(project_dir, stack)
    program = stack_config.program(project_dir)
    try:
        with _inside(program):
            return engine.run(
                lambda: runpy.run_path(str(program.file), run_name="__main__"),
                stack=files.stack, project=files.project, config=files.config, secret_keys=files.secret_keys,
                mocks=mocks)
    except pulumi.ConfigMissingError as error:
        similar = difflib.get_close_matches(error.key, files.config, n=1, cutoff=0.8)
        if not similar:
            raise
        raise MissingConfigError(error, similar[0]) from None
    except pulumi.ConfigTypeError as error:
        placeholders = (stack_config.SECRET_PLACEHOLDER, *stack_config.TYPED_PLACEHOLDERS.values())
        if error.key not in files.secret_keys or error.value not in placeholders:
            raise  # a plain value, or an object holding a secret: the SDK's own message, as in a preview
        raise UndecryptedSecretError(error, files.project) from None


#: pulumi-kubernetes' own modules of resources that are no Kubernetes object: Helm, YAML and kustomize groups.
_PULUMI_MODULES = frozenset({"helm.sh/v3", "helm.sh/v4", "yaml", "yaml/v2", "kustomize", "kustomize/v2"})


def _is_kubernetes_type(registration: Registration) -> bool:
    group = registration.type.split(":")
    return (registration.custom and not registration.read and group[0] == "kubernetes" and len(group) == 3
            and group[1] not in _PULUMI_MODULES)


def is_patch(registration: Registration) -> bool:
    """A server-side patch of a Kubernetes object the program does not create: a ``<Kind>Patch`` type whose object
    is a ``<Kind>`` (a custom resource whose own kind ends in ``Patch`` is an object)."""
    return (_is_kubernetes_type(registration)
            and registration.type.rpartition(":")[2] == f"{registration.inputs.get('kind')}Patch")


def is_kubernetes_object(registration: Registration) -> bool:
    """A plain Kubernetes object the program manages (not a provider, Helm release, YAML group, patch or an
    existing object it only reads)."""
    return _is_kubernetes_type(registration) and not is_patch(registration)


def is_helm_chart(registration: Registration) -> bool:
    """A Helm chart the provider templates into objects at preview and up (``helm.sh/v4:Chart``)."""
    return registration.type == "kubernetes:helm.sh/v4:Chart"


def is_helm_release(registration: Registration) -> bool:
    """A Helm release: a chart's template (:func:`is_helm_chart`), or a release Helm installs and keeps
    (``helm.sh/v3:Release``, not written to a render's ``charts/``)."""
    return (is_helm_chart(registration)
            or (registration.type == "kubernetes:helm.sh/v3:Release" and not registration.read))


#: What a second resource of one object, one chart's release or one Helm release does.
_SECOND_CREATE = ("pulumi-kubernetes 4.29 and later refuse the second create ('already exists'), earlier versions let "
                  "both manage it and deleting either deletes it")
_SECOND_TEMPLATE = ("charts name their objects after the release (.Release.Name), so both declare them: "
                    "pulumi-kubernetes 4.29 and later refuse the second create ('already exists'), earlier versions "
                    "let both manage them")
_SECOND_INSTALL = "Helm refuses the second install ('cannot re-use a name that is still in use')"


def manifest(registration: Registration) -> dict[str, Any]:
    """The object the Kubernetes provider would be asked to create (or, for a patch, to apply); Secret data
    redacted. Raises ``ValueError`` for a registration that is neither (:func:`is_kubernetes_object`,
    :func:`is_patch`): a component, a provider, a Helm chart, an object only read."""
    if not (is_kubernetes_object(registration) or is_patch(registration)):
        raise ValueError(f"{registration.type} {shown(registration.name)} is not a Kubernetes object the program "
                         "manages or patches: it has no manifest")
    obj = dict(registration.inputs)
    if obj.get("kind") == "Secret" and isinstance(obj.get("data"), dict):
        obj["data"] = {key: _REDACTED_B64 for key in obj["data"]}
    return obj


def manifest_path(registration: Registration, default_namespace: object = "default",
                  namespace_source: str = "the provider's namespace",
                  cluster_scoped: Collection[kinds.GroupKind] = kinds.CLUSTER_SCOPED_KINDS,
                  autonaming: bool = True) -> Path:
    """Where a render folder keeps the object of ``registration``: ``<namespace>/<Kind>-<name>.yaml``, ``_cluster``
    for a cluster-scoped kind, ``default_namespace`` (what its provider puts such an object in,
    :func:`default_namespaces`; ``namespace_source`` names where that comes from in messages) for no namespace
    (absent, null or empty, as the API server fills it in). An object without ``metadata.name`` (a
    program of pulumi-kubernetes objects left to its autonaming: ``<resource name>-<8 random characters>``) is
    ``<Kind>-<resource name>-<8 characters of a hash of its URN>.yaml``, deterministic and never another's; a file
    name that would pass 255 bytes keeps the first 150 bytes of the name and a hash of it.

    With ``autonaming`` (pulumi-kubernetes' default: no ``pulumi:autonaming`` config), the name the provider gives an
    object with neither ``name`` nor ``generateName`` (``AssignNameIfAutonamable``: ``<resource name>-`` and 8
    hexadecimal digits) is held to the kind's rule as a given name is.

    Raises ``InvalidObjectNameError`` for what the API server refuses: ``metadata`` that is no object, a ``kind``
    or ``apiVersion`` that is no group/version text, a name or namespace that is not text, a name its kind's rule
    (:mod:`~pilothouse.offline.object_names`) refuses, a namespace (its own or its provider's) that is not a
    DNS-1123 label; a patch without a name (the provider refuses it). Names and namespaces known only at deployment
    (or masked secrets) are not checked."""
    inputs = registration.inputs
    metadata, kind, api_version = inputs.get("metadata"), inputs.get("kind"), inputs.get("apiVersion")
    metadata = {} if metadata is None or not _known(metadata) else metadata  # unknown: nothing to check
    if not isinstance(metadata, dict) or not isinstance(kind, str) or not kind or not _is_group_version(api_version):
        given = {"metadata": metadata, "kind": kind, "apiVersion": api_version}
        raise InvalidObjectNameError(f"resource {shown(registration.name)} ({shown(registration.type)}): the API "
                                     f"server refuses it: no object of apiVersion, kind and metadata {shown(given)}")
    name, namespace = metadata.get("name"), metadata.get("namespace")
    namespace = default_namespace if namespace in (None, "") else namespace
    namespaced = (kinds.group_of(api_version), kind) not in cluster_scoped
    # A kind is a DNS-1035 label of mixed case (ValidateCustomResourceDefinitionNames; built-in kinds are too).
    refused = [f"kind {problem}" for problem in _path_segment_problems(kind)] or [
        f"kind: may have mixed case, but should otherwise match: {problem}"
        for problem in is_dns1035_label(go_lower(kind))]
    if kinds.is_built_in_group(kinds.group_of(api_version)) and kind.endswith("List") and not is_patch(registration):
        refused.append("kind: pulumi-kubernetes refuses a List: list resources exist for compatibility with YAML "
                       "manifests and Helm charts, and cannot be created directly; declare each item instead")
    generate = metadata.get("generateName")
    if generate is not None and not isinstance(generate, str):
        refused.append(f"metadata.generateName: must be text, got {shown(generate)}")
    elif generate and _known(generate) and not name:  # ValidateObjectMeta: the kind's rule, a trailing '-' allowed
        refused += [f"metadata.generateName: {problem}"
                    for problem in name_problems(str(api_version), kind, re.sub("-$", "a", generate))]
    autonamed = autonaming and not name and not generate and not is_patch(registration)
    checked, field = (name, "metadata.name") if name else (
        f"{registration.name}-{'0' * 8}",
        f"metadata.name (the provider names it {shown(registration.name + '-')} and 8 random hexadecimal digits)")
    if name is not None and not isinstance(name, str):
        refused.append(f"metadata.name: must be text, got {shown(name)}")
    elif (name or autonamed) and _known(checked):
        refused += _name_problems(str(api_version), kind, checked, field, inputs) if not refused else []
    elif is_patch(registration) and not name:
        refused.append("metadata.name: a patch names the object it patches (pulumi-kubernetes refuses it without)")
    if namespaced and not isinstance(namespace, str):
        refused.append(f"metadata.namespace: must be text, got {shown(namespace)}")
    elif namespaced and isinstance(namespace, str) and _known(namespace):
        source = "metadata.namespace" if metadata.get("namespace") else namespace_source
        refused += [f"{source} {shown(namespace)}: {problem}" for problem in is_dns1123_label(namespace)]
    if refused:
        subject = shown(name) if name is not None else "without a name"
        raise InvalidObjectNameError(f"{_unquoted(kind)} {subject} (resource {shown(registration.name)}): the API "
                                     f"server refuses it: {'; '.join(refused)}")
    base = name or f"{registration.name}-{_urn_hash(registration)}"
    return Path(_file_safe(str(namespace)) if namespaced else "_cluster") / _fitted(_file_safe(f"{kind}-{base}"),
                                                                                    ".yaml")


def _name_problems(api_version: str, kind: str, name: str, field: str, inputs: dict[str, Any]) -> list[str]:
    """What the API server says of an object's ``name`` (given, or the provider's: ``field`` says which): a path
    segment, its kind's rule, and for a Job its pods' hostnames and labels."""
    refused = [f"{field} {problem}" for problem in _path_segment_problems(name)]
    refused = refused or [f"{field}: {problem}" for problem in name_problems(api_version, kind, name)]
    if refused or (api_version, kind) != ("batch/v1", "Job"):
        return refused
    spec = inputs.get("spec")
    manual_selector = spec.get("manualSelector") if isinstance(spec, dict) else None
    return [*(f"{field}: {problem}" for problem in indexed_job_name_problems(name, inputs)),
            *(f"spec.template.labels: {problem}" for problem in (
                job_label_problems(name, inputs) if _known(manual_selector or False) else []))]


#: Characters no file name on one of the common file systems may hold (Windows': ``<>:"/\|?*`` and control
#: characters), and ``%``, which writes them: ``%`` and its two hexadecimal digits for each byte.
_NOT_IN_FILE_NAMES = re.compile(r'[<>:"/\\|?*%\x00-\x1f\x7f]')


#: Names Windows keeps for devices, whatever their case or extension (a namespace ``con``, a release ``aux``).
_DEVICE_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"{port}{n}" for port in ("COM", "LPT") for n in range(10))})


def _file_safe(text: str) -> str:
    """``text`` as a file name every common file system takes (an RBAC name ``system:reader``, a resource name
    ``../x``, a namespace ``con``): each character of :data:`_NOT_IN_FILE_NAMES` percent-encoded, which no other text
    reads as (``%`` is encoded too), and the first character of a Windows device name."""
    def encoded(part: str) -> str:
        return "".join(f"%{byte:02X}" for byte in part.encode("utf-8", "surrogatepass"))

    safe = _NOT_IN_FILE_NAMES.sub(lambda match: encoded(match.group()), text)
    return encoded(safe[0]) + safe[1:] if safe.partition(".")[0].upper() in _DEVICE_NAMES else safe


def _fitted(stem: str, suffix: str) -> str:
    """``stem + suffix``, or when that passes 255 bytes (a name of 253 characters is valid; its file name is not),
    the first 150 bytes of ``stem``, ``-`` and 8 characters of a hash of it, then ``suffix``."""
    if len((stem + suffix).encode("utf-8", "surrogatepass")) <= _FILE_NAME_MAX_BYTES:
        return stem + suffix
    return f"{_first_bytes(stem, 150)}-{hashlib.sha256(stem.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}{suffix}"


def _unquoted(text: str) -> str:
    """``text`` in a message: control characters escaped, cut past 200 characters with its length."""
    shown_text = text if len(text) <= 200 else f"{text[:200]}... ({len(text)} characters)"
    return _printable(shown_text)


def _first_bytes(text: str, size: int) -> str:
    """The longest start of ``text`` whose UTF-8 takes at most ``size`` bytes."""
    return text.encode("utf-8", "surrogatepass")[:size].decode("utf-8", "ignore")


def _is_group_version(api_version: object) -> bool:
    """``schema.ParseGroupVersion``: ``version`` or ``group/version``, each part non-empty."""
    return isinstance(api_version, str) and api_version.count("/") <= 1 and all(api_version.split("/"))


def _known(value: object) -> bool:
    """Whether ``value`` is there and is what it says (not a value only known at deployment, not a masked secret)."""
    return value is not None and value not in (engine.UNKNOWN, engine.SECRET)


def _urn_hash(registration: Registration) -> str:
    return hashlib.sha256(registration.urn.encode()).hexdigest()[:8]


def _path_segment_problems(text: str) -> list[str]:
    # A NUL byte is refused by every name rule of the API server, and by every file system.
    return [*is_path_segment_name(text), *(["may not contain a NUL byte"] if "\0" in text else [])]


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class NotARenderError(ValueError):
    """The output folder cannot take a render: it holds something other than an earlier render, or it
    is the working folder or one of its parents. It is never replaced."""


#: What a render folder holds at its top level (``write`` makes nothing else).
RENDER_ENTRIES = frozenset({"resources.json", "outputs.json", "manifests", "patches", "charts"})


def _check_out(out: Path) -> None:
    """``out`` may be replaced: it does not exist, or it is an empty folder or an earlier render, and it
    holds neither the working folder nor the process's own files."""
    if out.is_symlink():
        raise NotARenderError(f"{out} is a symbolic link; give the folder itself")
    if file := next((parent for parent in out.parents if parent.exists() and not parent.is_dir()), None):
        raise NotARenderError(f"{out} is inside {file}, which is a file; give a folder")
    resolved = out.resolve()
    if resolved == Path.cwd().resolve() or resolved in Path.cwd().resolve().parents or len(resolved.parts) < 3:
        raise NotARenderError(f"{out} is the working folder, one of its parents or a top-level folder; "
                              "give a folder of its own (for example build/dev)")
    if not out.exists():
        return
    entries = {entry.name for entry in out.iterdir()} if out.is_dir() else None
    if entries is None or (entries and ("resources.json" not in entries or not entries <= RENDER_ENTRIES)):
        raise NotARenderError(f"{out} exists and is not an earlier render (only resources.json, outputs.json, "
                              "manifests/, patches/ and charts/); choose another --out or remove it yourself")


def write(render: Render, out: Path) -> int:
    """Write ``render`` to ``out``, replacing it whole (a half-written render never exists);
    return how many Kubernetes manifests it holds.

    Raises ``NotARenderError`` when ``out`` is not an empty folder or an earlier render, is a symbolic
    link, or is the working folder, one of its parents or a top-level folder: a mistyped ``--out``
    never deletes anything else; ``InvalidObjectNameError`` or ``DuplicateObjectError`` (:func:`_files`) before
    anything is written, even ``out``'s parents.
    """
    _check_out(out)
    files = _files(render)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        (staging / "resources.json").write_text(_json([r.as_json() for r in render]))
        (staging / "outputs.json").write_text(_json(render.outputs))
        for where, content in files.items():
            path = staging / where
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yaml.safe_dump(content, sort_keys=True, default_flow_style=False))
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sum(where.parts[0] == "manifests" for where in files)


def check_objects(render: Render) -> None:
    """Raise ``InvalidObjectNameError`` naming every Kubernetes object of ``render`` whose kind, name or namespace
    the API server or pulumi-kubernetes refuses (a name is held to its kind's rule,
    :mod:`~pilothouse.offline.object_names`; a namespace is a DNS-1123 label; a kind a mixed-case DNS-1035 label and
    no built-in ``List``) and every Helm release name Helm refuses, then every object two resources manage, one per
    line; else ``DuplicateObjectError`` naming every such object: what :func:`write` checks.

    An object is its cluster (the provider it is declared with), API group, kind, namespace (its provider's, when
    it names none: :func:`default_namespaces`; none for a cluster-scoped kind, :mod:`kinds`) and name,
    so one name on two clusters, or in two API groups, is two objects (but for kinds two groups serve: an
    ``events.k8s.io`` Event is a core one, :func:`~pilothouse.offline.kinds.stored_as`); so is a Helm release. Patches
    (``<Kind>Patch``) are not objects of their own: several may patch one object, as pulumi-kubernetes allows.
    A kind is cluster-scoped by its API group and name: the built-in ones, and custom kinds of
    ``CustomResourceDefinition`` objects the render holds (:mod:`~pilothouse.offline.kinds`); other custom kinds are
    taken as namespaced."""
    _files(render)


#: The stack config key of the default Kubernetes provider's namespace.
DEFAULT_PROVIDER_NAMESPACE_KEY = "kubernetes:namespace"
#: The stack config key of Pulumi's autonaming settings, which replace a provider's own names (the render does not
#: work them out: names left to them are not checked).
AUTONAMING_KEY = "pulumi:autonaming"


def default_namespaces(render: Render) -> dict[str, object]:
    """The namespace each Kubernetes provider of ``render`` puts an object that names none in, by the provider's URN
    (``""``: the default provider), as pulumi-kubernetes decides it: the provider's ``namespace`` (for the default
    provider, the stack's ``kubernetes:namespace`` config), else (``None``) the namespace of the kubeconfig context
    it deploys with, which a render cannot know: such objects are filed under ``default``, and are one object with
    each other but not with one declared in ``default``. Source: pulumi-kubernetes' provider configuration,
    ``namespace`` ("1. .metadata.namespace set on the resource. 2. This namespace parameter. 3. namespace set for
    the active context in the kubeconfig")."""
    return {"": render.config.get(DEFAULT_PROVIDER_NAMESPACE_KEY) or None,
            **{provider.urn: provider.inputs.get("namespace") or None for provider in render.resources
               if provider.type == "pulumi:providers:kubernetes"}}


#: In an object's identity, the namespace its provider puts it in when it is not known here.
_PROVIDERS_NAMESPACE = "(its provider's namespace)"


def _namespace_source(provider: str) -> str:
    if not provider:
        return f"the stack's {DEFAULT_PROVIDER_NAMESPACE_KEY} config"
    return f"the namespace of provider {shown(provider.rpartition('::')[2])}"


def _files(render: Render) -> dict[Path, Any]:
    """Each file of the render's ``manifests/``, ``patches/`` and ``charts/`` and what it holds (see
    :func:`check_objects`). Two objects of one path (one name on two clusters or in two API groups, two patches of
    one object, names that differ only in case) are kept apart: each after the first by URN has ``-<8 characters of
    a hash of its URN>`` in its file name."""
    namespaces = default_namespaces(render)
    cluster_scoped = kinds.CLUSTER_SCOPED_KINDS | kinds.declared(r.inputs for r in filter(is_kubernetes_object, render))
    files: dict[Path, Any] = {}
    placed: set[str] = set()
    owners: dict[tuple[str, ...], Registration] = {}
    refused, duplicates = [], []

    def owned(identity: tuple[str, ...], registration: Registration, what: str, consequence: str) -> bool:
        """Whether another resource manages the object ``identity`` already (then it is listed as a duplicate)."""
        first = owners.setdefault(identity, registration)
        if first is not registration:
            # Resources of one name under two parents are told apart by their URNs.
            one, other = ((first.name, registration.name) if first.name != registration.name
                          else (first.urn, registration.urn))
            duplicates.append(f"two resources of the program declare one {what} (resources {shown(one)} and "
                              f"{shown(other)}): {consequence}; give one of them another name")
        return first is not registration

    def place(where: Path, registration: Registration, content: Any) -> None:
        stem, taken = where.stem, 0
        while _caseless(where) in placed:  # a name that is another's kept-apart name is kept apart again
            taken += 1
            where = where.with_name(_fitted(f"{stem}-{_urn_hash(registration)}{'-' * (taken - 1)}", where.suffix))
        files[where] = content
        placed.add(_caseless(where))

    for folder, registration in [*(("manifests", r) for r in filter(is_kubernetes_object, render)),
                                 *(("patches", r) for r in filter(is_patch, render))]:
        try:
            where = manifest_path(registration, namespaces.get(registration.provider) or "default",
                                  _namespace_source(registration.provider), cluster_scoped,
                                  autonaming=AUTONAMING_KEY not in render.config)
        except InvalidObjectNameError as error:
            refused.append(str(error))
            continue
        metadata = registration.inputs.get("metadata")
        name = metadata.get("name") if isinstance(metadata, dict) else None
        own = isinstance(metadata, dict) and metadata.get("namespace") not in (None, "")
        group, kind = kinds.stored_as(kinds.group_of(registration.inputs["apiVersion"]), registration.inputs["kind"])
        # Objects that take their provider's namespace share it, whatever it is (masked, or its kubeconfig's).
        namespace = where.parent.name if own or where.parent.name == "_cluster" or _known(
            namespaces.get(registration.provider)) else _PROVIDERS_NAMESPACE
        identity = (registration.provider, group, namespace, kind, str(name))
        what = f"Kubernetes object, {_unquoted(where.with_suffix('').as_posix())}"
        known = name and _known(name) and _known(namespace)
        if folder == "manifests" and known and owned(identity, registration, what, _SECOND_CREATE):
            continue
        place(folder / where, registration, manifest(registration))
    for release in filter(is_helm_release, render):
        problems, release_identity, where = _helm_release(release, namespaces)
        if problems:
            refused.append(f"Helm {'chart' if is_helm_chart(release) else 'release'} (resource "
                           f"{shown(release.name)}): {'; '.join(problems)}")
        elif release_identity and owned(release_identity, release,
                                        f"Helm release, {_unquoted('/'.join(release_identity[2:]))}",
                                _SECOND_TEMPLATE if is_helm_chart(release) else _SECOND_INSTALL):
            continue
        elif is_helm_chart(release):
            place(where, release, release.inputs)
    if refused:  # with the duplicates, so that one run lists every problem
        raise InvalidObjectNameError("\n".join([*refused, *duplicates]))
    if duplicates:
        raise DuplicateObjectError("\n".join(duplicates))
    return files


def _helm_release(release: Registration,
                  namespaces: dict[str, object]) -> tuple[list[str], tuple[str, ...] | None, Path]:
    """A Helm release's problems (a name or namespace that is not text, a namespace that is no DNS-1123 label, a name
    Helm refuses), its identity (``None`` when its name is not known here: unknown, masked, or made by the provider
    at random) and the file of a chart's arguments.

    pulumi-kubernetes' defaults: a Chart's release is named after the resource, a Release's after the resource and
    8 random hexadecimal digits (only their length and characters are known); both in their provider's namespace."""
    chart = is_helm_chart(release)
    given_namespace, given_name = release.inputs.get("namespace"), release.inputs.get("name")
    problems = [f"{field}: must be text, got {shown(value)}" for field, value in
                (("namespace", given_namespace), ("name", given_name))
                if value is not None and not isinstance(value, str)]
    if problems:
        return problems, None, Path()
    provider_namespace = namespaces.get(release.provider)
    namespace = str(given_namespace or provider_namespace or "default")
    source = "namespace" if given_namespace else _namespace_source(release.provider)
    name = str(given_name or (release.name if chart else ""))
    named = shown(name) if name else f"{shown(release.name + '-')} and 8 random hexadecimal digits"
    problems = [*(f"{source} {shown(namespace)}: {p}" for p in (is_dns1123_label(namespace) if _known(namespace)
                                                                 else [])),
                *(f"release name {named}: {p}"
                  for p in (release_name_problems(name or f"{release.name}-{'0' * 8}") if _known(name) else []))]
    shared = namespace if given_namespace or _known(provider_namespace) else _PROVIDERS_NAMESPACE
    identity = (release.provider, release.type, shared, name) if name and _known(name) and _known(shared) else None
    return problems, identity, Path("charts", _file_safe(namespace), _fitted(_file_safe(name), ".yaml"))


def _caseless(path: Path) -> str:
    """``path`` as a file system that ignores case and Unicode normalisation sees it (macOS and Windows by default:
    ``Role-Admin`` and ``Role-admin`` are one file there), so that a render written there loses no object. Upper-cased
    before folding: Windows compares names upper-cased (a dotless i, U+0131, is an ``I`` there), macOS case-folded;
    the key may join names neither joins, which only keeps one more file apart."""
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", path.as_posix()).upper().casefold())


def manifests(out: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every manifest of a render folder, in path order."""
    for path in sorted((out / "manifests").rglob("*.yaml")):
        yield path, yaml.safe_load(path.read_text())
