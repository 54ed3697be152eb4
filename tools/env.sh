# Source this file (bash or zsh):  . tools/env.sh
# Puts the pinned toolchain on PATH and points Pulumi at repo-local, offline state.
# It does not build anything: run tools/bootstrap.sh first (it prints the same bin dir).

if [ -n "${BASH_SOURCE:-}" ]; then
    _ph_tools=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
else
    _ph_tools=$(cd "$(dirname "$0")" && pwd)
fi
_ph_root=$(dirname "$_ph_tools")

if _ph_bin=$("$_ph_tools/bootstrap.sh" --bin-dir); then
    [ -x "$_ph_bin/pulumi" ] || echo "tools/env.sh: $_ph_bin is not built yet; run tools/bootstrap.sh" >&2
    case ":$PATH:" in
        *":$_ph_bin:"*) ;;
        *) export PATH="$_ph_bin:$PATH" ;;
    esac
    export PILOTHOUSE_BIN_DIR="$_ph_bin"
fi

# Pulumi: local file backend and home inside the repo (.pilothouse/ is git-ignored),
# so nothing is read from or written to ~/.pulumi, and nothing is downloaded.
mkdir -p "$_ph_root/.pilothouse/state" "$_ph_root/.pilothouse/pulumi-home"
export PULUMI_HOME="$_ph_root/.pilothouse/pulumi-home"
export PULUMI_BACKEND_URL="file://$_ph_root/.pilothouse/state"
# LOCAL-ONLY passphrase for the secrets of the local stacks: not a secret, never use it elsewhere.
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-pilothouse-local-only}"
export PULUMI_SKIP_UPDATE_CHECK=true
# The Pulumi CLI is built without cgo, so it learns the user's name (which `pulumi destroy` and
# `stack rm` record) from $USER only; a minimal shell or CI runner may not set it.
export USER="${USER:-$(id -un 2>/dev/null || echo pilothouse)}"
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# Plugins are not taken from PATH: the language host is found next to `pulumi` (same bin
# dir) and the kubernetes provider in $PULUMI_HOME/plugins/resource-kubernetes-v<version>,
# where tools/bootstrap.sh installs it. (With plugins taken from PATH instead, every
# update prints "warning: using pulumi-resource-kubernetes from $PATH".)
export PULUMI_IGNORE_AMBIENT_PLUGINS=true

# Local control plane started by tools/cluster.sh up.
export PILOTHOUSE_KUBECONFIG="$_ph_root/.pilothouse/cluster/kubeconfig"
export KUBECONFIG="$PILOTHOUSE_KUBECONFIG"

unset _ph_tools _ph_root _ph_bin
