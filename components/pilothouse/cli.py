"""The ``pilothouse`` command (also ``python -m pilothouse``), for any Pulumi Python project:

- ``pilothouse render --stack S --out DIR``: the stack's resources and Kubernetes manifests, rendered
  under the mock engine, with no cloud and no credentials;
- ``pilothouse diff --stack S --base REV``: what the working tree changes against git revision REV,
  as PR-ready Markdown (replacements flagged);
- ``pilothouse policy DIR``: the policy rules over a render (needs the ``policy`` extra).
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import os
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import pulumi

from pilothouse.errors import InvalidValueError
from pilothouse.extras import MissingExtraError
from pilothouse.offline import diff, render, stack_config
from pilothouse.offline.engine import DuplicateUrnError, FailedReadError, Render
from pilothouse.offline.mocks import UnansweredInvokeError
from pilothouse.offline.stack_config import StackConfigError, has_stack_file, stack_file, stack_name
from pilothouse.policy.rules import Enforcement, Settings


def _program_line(error: BaseException, project: Path) -> str:
    """`` (file:line)`` of the last frame of ``error`` in the program's own code, if any, the file relative to the
    project folder."""
    found, roots = "", _program_roots(project)
    frame = error.__traceback__
    while frame is not None:
        file = Path(frame.tb_frame.f_code.co_filename)
        if _in_program(file, roots):
            found = f" ({os.path.relpath(file, project)}:{frame.tb_lineno})"
        frame = frame.tb_next
    return found


#: This library's own folder, as imported and resolved: inside a project that keeps its source (this repository's
#: components/), its files are never the program's line.
_LIBRARY = (Path(__file__).parent, Path(__file__).resolve().parent)


def _program_roots(project: Path) -> tuple[Path, ...]:
    """The folders whose files are the program's own: the project's, and the program's where ``main`` puts it."""
    try:
        return project, stack_config.program(project).workdir
    except (FileNotFoundError, StackConfigError):
        return (project,)


def _in_program(file: Path, roots: tuple[Path, ...]) -> bool:
    return (any(file.is_relative_to(root) for root in roots) and "site-packages" not in file.parts
            and not any(file.is_relative_to(library) for library in _LIBRARY))


def _user_traceback(error: Exception, project: Path) -> str:
    """``error``'s traceback from the first frame in the project's own code on, as the Pulumi CLI's Python host
    shows a program's unhandled exception (``_get_user_stacktrace``); all of it when no frame is the project's, and
    a syntax error as its file, line and caret."""
    if isinstance(error, SyntaxError):
        return "".join(traceback.format_exception_only(error))
    start, roots = error.__traceback__, _program_roots(project)
    while start is not None and not _in_program(Path(start.tb_frame.f_code.co_filename), roots):
        start = start.tb_next
    return "".join(traceback.format_exception(type(error), error, start or error.__traceback__))


def _render(args: argparse.Namespace) -> int:
    project = args.project.resolve()
    try:
        result = render.render_stack(project, args.stack)
    except InvalidValueError as error:  # one line naming the field, the value and the program's line
        print(f"error: {error}{_program_line(error, project)}", file=sys.stderr)
        return 2
    except (pulumi.RunError, FileNotFoundError, DuplicateUrnError, FailedReadError, StackConfigError) as error:
        print(f"error: {error}", file=sys.stderr)  # nothing was written
        return 2
    except SystemExit as exit_:  # the program stopped itself before the render was complete
        print(f"error: the program exited (sys.exit({exit_.code!r})) before it finished; nothing written",
              file=sys.stderr)
        return 2
    except (MissingExtraError, UnansweredInvokeError) as error:
        print(f"error: {error}{_program_line(error, project)}", file=sys.stderr)
        return 2
    except Exception as error:  # the program's own bug, shown as the Pulumi CLI shows it
        print(f"error: Program failed with an unhandled exception:\n{_user_traceback(error, project)}", end="",
              file=sys.stderr)
        return 2
    try:
        count = render.write(result, args.out)
    except (render.DuplicateObjectError, render.InvalidObjectNameError) as error:
        print("".join(f"error: {line}\n" for line in str(error).splitlines()).removesuffix("\n"),
              "; nothing written", sep="", file=sys.stderr)
        return 2
    except (render.NotARenderError, OSError) as error:
        print(f"error: --out {args.out}: {error}", file=sys.stderr)
        return 2
    print(f"rendered stack '{args.stack}': {len(result.resources)} resources, "
          f"{count} Kubernetes manifests -> {args.out}")
    return 0


def _render_in_subprocess(project: Path, stack: str, out: Path, paths: list[str]) -> None:
    # A fresh interpreter per revision: each imports its own revision's code, and with --path its own
    # copy of the library (PYTHONPATH comes before the installed packages).
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*(str(project / path) for path in paths),
                                         *filter(None, [os.environ.get("PYTHONPATH")])])
    subprocess.run([sys.executable, "-m", "pilothouse", "render", "--project", str(project),
                    "--stack", stack, "--out", str(out)],
                   check=True, cwd=project, env=env, stdout=subprocess.DEVNULL)


def _diff(args: argparse.Namespace) -> int:
    project = args.project.resolve()
    if not project.is_dir():
        print(f"error: --project {args.project}: not a folder", file=sys.stderr)
        return 2
    try:
        args.stack = stack_name(args.stack)  # the stack's own name, whose config file each revision may have
    except StackConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.max_chars < 0:
        print(f"error: --max-chars: got {args.max_chars}; expected a number of characters, 0 for no limit",
              file=sys.stderr)
        return 2
    for folder in args.link:
        if Path(folder).is_absolute() or ".." in Path(folder).parts:
            print(f"error: --link {folder}: expected a folder inside the project (relative, no '..')", file=sys.stderr)
            return 2
    resolved = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "--short", f"{args.base}^{{commit}}"],
                              cwd=project, capture_output=True, text=True, check=False)
    if resolved.returncode != 0:
        print(f"error: --base {args.base}: not a commit of the git repository at {project}", file=sys.stderr)
        return 2
    rev = resolved.stdout.strip()
    try:
        return _diff_against(args, project, rev)
    except subprocess.CalledProcessError:
        print("error: a render failed (its error is above); no diff", file=sys.stderr)
        return 2


def _neither_has(project: Path, stack: str, rev: str) -> str:
    """What a diff says of a stack that has a config file neither at ``rev`` nor in the working tree."""
    try:
        where = os.path.relpath(stack_file(project, stack), project)
    except FileNotFoundError as error:  # no project file in the working tree either
        return str(error)
    return f"no stack '{stack}': {where} exists neither at {rev} nor in the working tree"


def _diff_against(args: argparse.Namespace, project: Path, rev: str) -> int:
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=project, capture_output=True, text=True,
                         check=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="pilothouse-diff-") as tmp:
        worktree, base_out, head_out = Path(tmp, "base"), Path(tmp, "render-base"), Path(tmp, "render-head")
        base_project = worktree / project.relative_to(Path(top).resolve())  # the project may be a subfolder
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(worktree), rev],
                       cwd=project, check=True)
        try:
            new_stack = not has_stack_file(base_project, args.stack)
            if new_stack:  # as `pulumi preview` of a stack that does not exist yet: everything is added
                render.write(Render(resources=[], outputs={}), base_out)
            else:
                for folder in args.link:
                    if (project / folder).exists() and not (base_project / folder).exists():
                        (base_project / folder).symlink_to((project / folder).resolve(), target_is_directory=True)
                _render_in_subprocess(base_project, args.stack, base_out, args.path)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=project, check=True)
        gone = not has_stack_file(project, args.stack)
        if new_stack and gone:
            print(f"error: {_neither_has(project, args.stack, rev)}", file=sys.stderr)
            return 2
        if gone:  # the branch removes the stack: all of it goes
            render.write(Render(resources=[], outputs={}), head_out)
        else:
            _render_in_subprocess(project, args.stack, head_out, args.path)
        try:
            compared = diff.compare(base_out, head_out)
        except diff.AliasConflictError as error:
            for conflict in error.conflicts:
                print(f"error: {conflict}", file=sys.stderr)
            print("error: pulumi preview fails on these aliases; no diff", file=sys.stderr)
            return 2
    title = f"Offline diff of stack {diff.code(args.stack)}: `{rev}` → working tree"
    if new_stack:
        title += f" (the stack has no config file at `{rev}`: all of it is new)"
    if gone:
        title += " (the working tree has no config file for the stack: all of it goes)"
    print(diff.to_markdown(compared, title, args.max_chars or None), end="")
    return 0


def _policy(args: argparse.Namespace) -> int:
    try:
        from pilothouse.policy import offline  # noqa: PLC0415 - needs the optional pulumi-policy
    except ModuleNotFoundError as missing:
        print(f"error: {missing}", file=sys.stderr)  # names the extra to install
        return 2
    from pilothouse.policy import config  # noqa: PLC0415 - imported with offline, which needs the extra
    settings = Settings(allowed_registries=tuple(args.allowed_registry),
                        governed_elsewhere=tuple(args.governed_elsewhere))
    try:
        configured = config.read(json.loads(args.config.read_text()), settings) if args.config else None
    except config.PackConfigError as error:
        for mistake in error.mistakes:
            print(f"error: --config {args.config}: {mistake}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as error:  # JSONDecodeError is a ValueError
        print(f"error: --config {args.config}: not a policy pack config ({error})", file=sys.stderr)
        return 2
    try:
        violations = offline.check(args.render, settings, configured)
    except (OSError, ValueError) as error:  # JSONDecodeError is a ValueError
        print(f"error: {args.render}: not a render folder of `pilothouse render` ({error})", file=sys.stderr)
        return 2
    print(offline.report(violations), end="")
    return 1 if any(v.enforcement is Enforcement.MANDATORY for v in violations) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pilothouse", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {importlib.metadata.version('pilothouse')}")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, handler, summary in (
            ("render", _render, "run a stack's program under the mock engine and write every resource and manifest"),
            ("diff", _diff, "what a stack's render changes against a git revision, as pull-request Markdown")):
        command = commands.add_parser(name, help=summary, description=summary)
        command.add_argument("--stack", required=True, help="the stack, as Pulumi.<stack>.yaml names it")
        command.add_argument("--project", type=Path, default=Path.cwd(),
                             help="the folder of Pulumi.yaml (default: the working folder)")
        command.set_defaults(handler=handler)
        if name == "render":
            command.add_argument("--out", type=Path, required=True,
                                 help="the render folder: replaced whole, only when it is empty or an earlier render")
        else:
            command.add_argument("--base", required=True, help="git revision to compare against")
            command.add_argument("--path", action="append", default=[],
                                 help="a folder of the project imported first in each revision (repeatable)")
            command.add_argument("--max-chars", type=int, default=60_000,
                                 help="cut the Markdown to this many characters, whole lines, saying what is left "
                                      "out (default 60000: a pull-request comment takes 65536; 0: never cut)")
            command.add_argument("--link", action="append", default=[],
                                 help="a folder of the working tree that git does not track (built charts, say), "
                                      "linked into the earlier revision's checkout (repeatable)")
    policy = commands.add_parser("policy", help="the policy rules over a render folder",
                                 description="the policy rules over a render folder")
    policy.add_argument("render", type=Path, help="a folder written by `pilothouse render`")
    policy.add_argument("--allowed-registry", action="append", default=[], help="registries images may come from")
    policy.add_argument("--governed-elsewhere", action="append", default=[],
                        help="a namespace another stack governs (repeatable)")
    policy.add_argument("--config", type=Path,
                        help="a policy pack config, as `pulumi preview --policy-pack-config` reads it: per policy, "
                             "its enforcementLevel (advisory, mandatory, disabled) and settings")
    policy.set_defaults(handler=_policy)
    args = parser.parse_args(argv)
    return int(args.handler(args))


def run() -> None:
    """The console script: ``main`` in a one-shot process.

    What the program allocates lives until the end anyway, so the cyclic garbage collector only slows
    it down (a fifth of a render), and so would tearing the interpreter down object by object once the
    output is written.
    """
    gc.disable()
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
