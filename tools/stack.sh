#!/usr/bin/env bash
# Run a real Pulumi command on a stack of this project, offline:
#
#   tools/stack.sh up|preview|destroy STACK [extra pulumi args...]
#
# Uses the pinned toolchain (tools/bootstrap.sh) and the local file backend (tools/env.sh).
# When the stack's kubeconfig is the local control plane's, the control plane is started
# first; a stack pointed at another cluster (kind, minikube, Docker Desktop) deploys there.
set -euo pipefail

TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$TOOLS_DIR")
LOCAL_KUBECONFIG=.pilothouse/cluster/kubeconfig

usage() { echo "usage: tools/stack.sh up|preview|destroy STACK [pulumi args...]" >&2; exit 2; }
[ $# -ge 2 ] || usage
command=$1 stack=$2
shift 2
case "$command" in up|preview|destroy) ;; *) usage ;; esac
stack_file="$REPO_ROOT/Pulumi.$stack.yaml"
[ -f "$stack_file" ] || { echo "tools/stack.sh: no stack '$stack' ($stack_file does not exist)" >&2; exit 2; }

"$TOOLS_DIR/bootstrap.sh" >/dev/null
# shellcheck source=tools/env.sh
. "$TOOLS_DIR/env.sh"
cd "$REPO_ROOT"
if grep -Eq "^\s*pilothouse:kubeconfig:\s*$LOCAL_KUBECONFIG\s*$" "$stack_file"; then
    # One run at a time on this checkout's control plane; held until pulumi exits.
    lock=$("$TOOLS_DIR/cluster.sh" lockfile)
    exec 9>>"$lock"
    flock -w 600 9 || { echo "tools/stack.sh: another run held the local control plane for 10 minutes ($lock)" >&2; exit 75; }
    "$TOOLS_DIR/cluster.sh" up 9>&-   # the control plane's daemons must not inherit (and keep) the lock
fi
pulumi stack select --create "$stack" >/dev/null
case "$command" in
    up) exec pulumi up --yes --skip-preview --stack "$stack" "$@" ;;
    preview) exec pulumi preview --diff --stack "$stack" "$@" ;;
    destroy) exec pulumi destroy --yes --skip-preview --stack "$stack" "$@" ;;
esac
