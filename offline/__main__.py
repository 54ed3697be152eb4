"""``python -m offline render|diff``: offline renders and render diffs of a Pulumi project."""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pulumi

from offline import diff, render


def _render(args: argparse.Namespace) -> int:
    try:
        result = render.render_stack(args.project.resolve(), args.stack)
    except (pulumi.RunError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)  # nothing was written
        return 2
    count = render.write(result, args.out)
    print(f"rendered stack '{args.stack}': {len(result.resources)} resources, "
          f"{count} Kubernetes manifests -> {args.out}")
    return 0


def _render_in_subprocess(project: Path, stack: str, out: Path) -> None:
    # A fresh interpreter per revision: each imports its own revision's components.
    subprocess.run([sys.executable, "-m", "offline", "render", "--project", str(project),
                    "--stack", stack, "--out", str(out)],
                   check=True, cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.DEVNULL)


def _diff(args: argparse.Namespace) -> int:
    project = args.project.resolve()
    rev = subprocess.run(["git", "rev-parse", "--short", args.base], cwd=project, check=True,
                         capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="pilothouse-diff-") as tmp:
        worktree, base_out, head_out = Path(tmp, "base"), Path(tmp, "render-base"), Path(tmp, "render-head")
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(worktree), rev],
                       cwd=project, check=True)
        try:
            _render_in_subprocess(worktree, args.stack, base_out)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=project, check=True)
        _render_in_subprocess(project, args.stack, head_out)
        summary = diff.to_markdown(diff.compare(base_out, head_out),
                                   f"Offline diff of stack `{args.stack}`: `{rev}` → working tree")
    print(summary, end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, handler in (("render", _render), ("diff", _diff)):
        command = commands.add_parser(name)
        command.add_argument("--stack", required=True)
        command.add_argument("--project", type=Path, default=Path.cwd())
        command.set_defaults(handler=handler)
        if name == "render":
            command.add_argument("--out", type=Path, required=True)
        else:
            command.add_argument("--base", required=True, help="git revision to compare against")
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    # A one-shot process: what the program allocates lives until the end anyway, so the cyclic
    # garbage collector only slows it down (a fifth of a render), and so would tearing the
    # interpreter down object by object once the output is written.
    gc.disable()
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
