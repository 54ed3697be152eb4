"""Build an image from a Dockerfile context and push it, tagged by content and consumed by digest.

The tag is derived from the context's content (``src-`` and 20 hex digits of
:func:`~pilothouse.images.context.context_digest`), so rebuilding an unchanged context is no
diff; what workloads use is ``image_ref``, the pushed ``<server>/<repository>@sha256:...``, so a
Deployment changes exactly when the image's content does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pulumi

from pilothouse.errors import InvalidValueError
from pilothouse.extras import missing_extra
from pilothouse.images.context import content_tag, context_digest
from pilothouse.images.reference import ImageRef
from pilothouse.typed import Checked

try:
    import pulumi_docker as docker
except ModuleNotFoundError as missing:
    raise missing_extra(missing, "images", "pilothouse.images.BuiltImage") from None

_SERVER = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?")
_PLATFORM = re.compile(r"(linux|windows)/(amd64|arm64|arm|386|ppc64le|s390x|riscv64)(/v[5-8])?")
_STAGE = re.compile(r"[a-zA-Z][a-zA-Z0-9_.-]{0,127}")
_BUILD_ARG = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Words that make a build arg look like a secret: build args stay readable in the image history.
_SECRET_WORDS = frozenset({"PASSWORD", "PASSWD", "PWD", "SECRET", "SECRETS", "TOKEN", "CREDENTIAL", "CREDENTIALS",
                           "KEY", "APIKEY", "PRIVATE", "AUTH"})
_HIDDEN = "[not shown]"


@dataclass(frozen=True, kw_only=True)
class RegistryCredentials(Checked, prefix="registry", secrets=("password",)):
    """Where to push and how to log in. The password must be a Pulumi secret Output, never plain text.

    From ACR: ``RegistryPushToken(...).credentials``; from elsewhere, a secret config value
    (``config.require_secret("registryPassword")``).
    """

    server: pulumi.Input[str]
    username: pulumi.Input[str]
    password: pulumi.Output[str] = field(repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.server, str) and not _SERVER.fullmatch(self.server):
            raise InvalidValueError("registry.server", self.server,
                                    "a registry host name with an optional port and no scheme, "
                                    "such as 'myacr.azurecr.io' or 'localhost:5000'")
        if not isinstance(self.password, pulumi.Output):
            # Never echo the value: it is a password.
            raise InvalidValueError("registry.password", _HIDDEN,
                                    "a Pulumi secret Output (a RegistryPushToken's password or "
                                    "config.require_secret(...)), not plain text in the program")


@dataclass(frozen=True, kw_only=True)
class BuiltImageArgs(Checked, prefix="", secrets=("build_args",)):
    """What a :class:`BuiltImage` needs: a build context, a repository and where to push; checked when declared.

    Fields (details in each field's comment):
        context: the build context directory.
        repository: the repository path inside the registry.
        registry: the registry server and its login (:class:`RegistryCredentials`).
        dockerfile: the Dockerfile, relative to the context (default ``"Dockerfile"``).
        platform: ``os/arch[/variant]`` (default ``"linux/amd64"``).
        target: a stage name (default ``None``: no target given to the build).
        build_args: plain build-time strings (default none).

    The Dockerfile, the included files of the context, the platform, the target and the build args make up the
    image's content tag.

    Raises:
        InvalidValueError: naming ``context`` (not an existing directory), ``dockerfile`` (not a file in the
            context), ``repository`` (with a registry host, tag or digest, or not a lowercase path), ``platform``
            (not a known ``os/arch[/variant]``), ``target`` (not a stage name), ``build_args`` (a name not of
            letters, digits and ``_``) or ``build_args.<NAME>`` (a name with a secret-like word such as
            ``PASSWORD``, ``TOKEN`` or ``KEY``, or a value that is not a plain string; secret values are not shown).
    """

    #: The build context directory, relative to the Pulumi project (where ``pulumi up`` runs).
    context: str
    #: The repository inside the registry, such as ``shop/web`` (no registry host, no tag).
    repository: str
    registry: RegistryCredentials
    #: The Dockerfile, relative to the context.
    dockerfile: str = "Dockerfile"
    #: ``os/arch[/variant]``; AKS's default node pools are ``linux/amd64``.
    platform: str = "linux/amd64"
    #: A stage of a multi-stage Dockerfile to stop at.
    target: str | None = None
    #: Build-time variables. Plain, non-secret strings only: they stay readable in the image history.
    build_args: Mapping[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        context = Path(self.context)
        if not context.is_dir():
            raise InvalidValueError("context", self.context, "an existing directory (the build context)")
        if not (context / self.dockerfile).is_file():
            raise InvalidValueError("dockerfile", self.dockerfile, f"a file relative to the context {self.context!r}")
        self._check_repository()
        if not _PLATFORM.fullmatch(self.platform):
            raise InvalidValueError("platform", self.platform,
                                    "'os/arch[/variant]' such as 'linux/amd64' or 'linux/arm64'")
        if self.target is not None and not _STAGE.fullmatch(self.target):
            raise InvalidValueError("target", self.target, "a Dockerfile stage name such as 'runtime'")
        for name, value in self.build_args.items():
            self._check_build_arg(name, value)

    def _check_repository(self) -> None:
        allowed = ("a repository path inside the registry, without registry host, tag or digest, "
                   "such as 'shop/web' (lowercase components of letters, digits, '.', '_', '-')")
        first = self.repository.split("/", 1)[0]
        if "." in first or ":" in first or first == "localhost" or "@" in self.repository:
            raise InvalidValueError("repository", self.repository, allowed)
        try:
            ref = ImageRef.parse(f"registry.invalid/{self.repository}", "repository")
        except InvalidValueError:
            raise InvalidValueError("repository", self.repository, allowed) from None
        if ref.tag is not None or ref.repository != self.repository:
            raise InvalidValueError("repository", self.repository, allowed)

    @staticmethod
    def _check_build_arg(name: str, value: object) -> None:
        if not isinstance(name, str) or not _BUILD_ARG.fullmatch(name):
            raise InvalidValueError("build_args", name, "argument names of letters, digits and '_'")
        if set(re.split(r"[_\W]+", name.upper())) & _SECRET_WORDS:
            raise InvalidValueError(f"build_args.{name}", _HIDDEN,
                                    "no secrets in build args: they stay readable in the image history and "
                                    "in Pulumi state; give secrets to the container at run time (a Kubernetes "
                                    "Secret)")
        if not isinstance(value, str):
            raise InvalidValueError(f"build_args.{name}", type(value).__name__,
                                    "a plain string known when the program runs (a Pulumi Output may "
                                    "carry a secret into the image history)")

    def paths(self) -> tuple[Path, Path]:
        """The context and the Dockerfile as the builder gets them: relative paths stay relative."""
        context = PurePosixPath(Path(self.context).as_posix())
        return Path(str(context)), Path(str(PurePosixPath(context, self.dockerfile)))


class BuiltImage(pulumi.ComponentResource):
    """One image built from ``args.context`` and pushed to ``args.registry``.

    ``tag`` (a plain string) and ``context_digest`` are known before anything runs;
    ``image_name`` is ``<server>/<repository>:<tag>``; ``image_ref`` is the pushed
    ``<server>/<repository>@sha256:...`` that workloads should use.
    """

    def __init__(self, resource_name: str, args: BuiltImageArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        context, dockerfile = args.paths()
        digest = context_digest(context, dockerfile, platform=args.platform, target=args.target,
                                build_args=args.build_args)
        super().__init__("pilothouse:images:BuiltImage", resource_name, None, opts)
        self.context_digest = digest
        self.tag = content_tag(digest)
        credentials = args.registry
        self.image_name: pulumi.Output[str] = pulumi.Output.concat(
            credentials.server, "/", args.repository, ":", self.tag)
        self.image = docker.Image(
            resource_name,
            image_name=self.image_name,
            build=docker.DockerBuildArgs(
                context=context.as_posix(), dockerfile=dockerfile.as_posix(), platform=args.platform,
                target=args.target, args=dict(sorted(args.build_args.items())) or None,
                builder_version=docker.BuilderVersion.BUILDER_BUILD_KIT),
            registry=docker.RegistryArgs(server=credentials.server, username=credentials.username,
                                         password=pulumi.Output.secret(credentials.password)),
            build_on_preview=False, skip_push=False,
            opts=pulumi.ResourceOptions(parent=self))
        self.image_ref: pulumi.Output[str] = self.image.repo_digest.apply(_pinned)
        self.register_outputs({"imageName": self.image_name, "imageRef": self.image_ref, "tag": self.tag})


def _pinned(repo_digest: str) -> str:
    """The pushed reference, checked to be ``<server>/<repository>@sha256:<digest>``."""
    ref = ImageRef.parse(repo_digest, "repo_digest")
    if ref.digest is None:
        raise InvalidValueError("repo_digest", repo_digest, "a reference pinned by digest after the push")
    return repo_digest
