#!/usr/bin/env bash
# Builds the pinned toolchain (see tools/versions.env and tools/README.md) from Go
# modules into a cache outside the repository, and prints the bin dir on stdout.
#
#   tools/bootstrap.sh              build what is missing, print the bin dir
#   tools/bootstrap.sh --bin-dir    print the bin dir only (no build)
#   tools/bootstrap.sh --sync-mods  rewrite tools/mods/*/go.mod+go.sum from versions.env
#
# Environment:
#   PILOTHOUSE_TOOLS_CACHE   cache root (default ~/.cache/pilothouse/tools)
#   PILOTHOUSE_SYSTEM_PULUMI auto (default): use a `pulumi` already on PATH when it is
#                            >= PULUMI_VERSION instead of building one; never: always build
#   PILOTHOUSE_BUILD_P       go build -p value (default 2)
#   PILOTHOUSE_BUILD_JOBS    components built at once (default 2): the biggest builds spend
#                            long stretches compiling one package on one core
set -euo pipefail

TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$TOOLS_DIR")
MODS_DIR="$TOOLS_DIR/mods"
CACHE=${PILOTHOUSE_TOOLS_CACHE:-$HOME/.cache/pilothouse/tools}
BUILD_P=${PILOTHOUSE_BUILD_P:-2}
BUILD_JOBS=${PILOTHOUSE_BUILD_JOBS:-2}

log() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { printf 'bootstrap: ERROR: %s\n' "$*" >&2; exit 1; }

# shellcheck source=versions.env
. "$TOOLS_DIR/versions.env"
# shellcheck source=gomod.sh
. "$TOOLS_DIR/gomod.sh"
for v in PULUMI_VERSION PULUMI_LANGUAGE_PYTHON_VERSION PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION \
    PULUMI_KUBERNETES_VERSION KUBERNETES_VERSION ETCD_VERSION KWOK_VERSION; do
    [ -n "${!v:-}" ] || die "$v is not set in tools/versions.env"
done

command -v go >/dev/null 2>&1 || die "go is not on PATH (Go >= 1.26 is required to build the tools)"
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local
GO_VERSION=$(go env GOVERSION)
GO_PLATFORM=$(go env GOOS)/$(go env GOARCH)

COMPONENTS="pulumi pulumi-language-python kubernetes-provider kubernetes etcd kwok"
# Build order, longest cold build first so the parallel lanes end together (measured build
# times: tools/README.md); the language host after the CLI, whose packages it shares.
BUILD_ORDER="kubernetes-provider pulumi kubernetes kwok etcd pulumi-language-python"

# ---------------------------------------------------------------------------
# Component definitions: which versions.env keys and which wrapper module feed each
# component, and how it is built. The hash of a component covers its keys, its wrapper
# files, the Go version and the source of its build function, so an unchanged
# component is never rebuilt.
# ---------------------------------------------------------------------------
# Wrapper module (tools/mods/<dir>) of a component.
comp_mod() {
    case $1 in
        pulumi-language-python) echo pulumi ;;
        *) echo "$1" ;;
    esac
}

comp_vars() {
    case $1 in
        pulumi) echo PULUMI_VERSION ;;
        pulumi-language-python) echo PULUMI_VERSION PULUMI_LANGUAGE_PYTHON_VERSION ;;
        kubernetes-provider) echo PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION PULUMI_KUBERNETES_VERSION ;;
        kubernetes) echo KUBERNETES_VERSION ;;
        etcd) echo ETCD_VERSION ;;
        kwok) echo KWOK_VERSION ;;
    esac
}

comp_bins() {
    case $1 in
        pulumi) echo pulumi ;;
        pulumi-language-python) echo pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python ;;
        kubernetes-provider) echo pulumi-resource-kubernetes ;;
        kubernetes) echo kube-apiserver kube-controller-manager kube-scheduler ;;
        etcd) echo etcd ;;
        kwok) echo kwok ;;
    esac
}

sha() { sha256sum | cut -c1-16; }

comp_hash() {
    local name=$1 v
    {
        echo "go=$GO_VERSION platform=$GO_PLATFORM"
        for v in $(comp_vars "$name"); do echo "$v=${!v}"; done
        (cd "$MODS_DIR/$(comp_mod "$name")" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
        declare -f go_build apply_versions "build_${name//-/_}"
    } | sha
}

overall_hash() {
    local c
    for c in $COMPONENTS; do echo "$c=$(comp_hash "$c")"; done | sha
}

# Sets BIN (the bin dir) and SP (path of a usable system pulumi, or empty).
select_bin() {
    if SP=$(system_pulumi); then
        # The bin dir content then depends on the machine: give it its own directory.
        BIN="$CACHE/$(overall_hash)-system-pulumi/bin"
    else
        SP=""
        BIN="$CACHE/$(overall_hash)/bin"
    fi
}

# go build with the project's reproducibility flags. $1 = output, $2 = extra -ldflags, rest = packages.
go_build() {
    local out=$1 ldextra=$2
    shift 2
    go build -p "$BUILD_P" -trimpath -ldflags "-s -w $ldextra" -o "$out" "$@"
}

# Applies versions.env to the wrapper module in the current directory (a copy in the
# cache, or tools/mods/<name> with --sync-mods) and tidies it if that changed anything.
apply_versions() {
    local name=$1 before
    before=$(cat go.mod)
    case $name in
        pulumi | pulumi-language-python)
            go mod edit -require="github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION" \
                -require="github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION" ;;
        kubernetes-provider)
            go mod edit -require="github.com/pulumi/pulumi-kubernetes/provider/v4@$PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION" ;;
        kubernetes)
            # k8s.io/kubernetes replaces its staging modules with ./staging/...; a module that
            # depends on it must replace each of them with the published v0.<minor>.<patch>.
            local staging kmod args=() m
            staging="v0.${KUBERNETES_VERSION#v1.}"
            kmod=$(go_module_dir kubernetes "k8s.io/kubernetes@$KUBERNETES_VERSION")/go.mod || return 1
            for m in $(sed -n 's#^[[:space:]]*\(k8s.io/[^ ]*\) => ./staging/.*#\1#p' "$kmod"); do
                args+=("-replace=$m=$m@$staging")
            done
            go mod edit -require="k8s.io/kubernetes@$KUBERNETES_VERSION" "${args[@]}" ;;
        etcd)
            go mod edit -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION" ;;
        kwok)
            go mod edit -require="sigs.k8s.io/kwok@$KWOK_VERSION" ;;
    esac
    if [ "$before" != "$(cat go.mod)" ] || [ ! -f go.sum ]; then
        log "$name: versions changed relative to the committed go.mod; running go mod tidy"
        go mod tidy >&2
    fi
}

build_pulumi() {
    go_build "$1/pulumi" "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
        github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

build_pulumi_language_python() {
    local out=$1 sdk
    go_build "$out/pulumi-language-python" "-X main.version=$PULUMI_LANGUAGE_PYTHON_VERSION" \
        ./cmd/pulumi-language-python
    # The exec shim the language host runs with python, and the plugin that serves Python dynamic resources
    # (pilothouse.kubernetes.certificate's seed), ship in the sdk/v3 module.
    sdk=$(go_module_dir pulumi-language-python github.com/pulumi/pulumi/sdk/v3)
    install -m 0755 "$sdk/python/cmd/pulumi-language-python-exec" "$out/pulumi-language-python-exec"
    install -m 0755 "$sdk/python/dist/pulumi-resource-pulumi-python" "$out/pulumi-resource-pulumi-python"
}

build_kubernetes_provider() {
    local out=$1 prov
    # Upstream's main embeds a schema generated from this module's schema.json.
    prov=$(go_module_dir kubernetes-provider github.com/pulumi/pulumi-kubernetes/provider/v4)
    install -m 0644 "$prov/cmd/pulumi-resource-kubernetes/schema.json" schema.json
    install -m 0644 "$prov/cmd/pulumi-resource-kubernetes/terraform-mapping.json" terraform-mapping.json
    go_build "$out/pulumi-resource-kubernetes" \
        "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$PULUMI_KUBERNETES_VERSION" .
}

build_kubernetes() {
    local out=$1 v=$KUBERNETES_VERSION minor ld="" p c
    minor=${v#v1.}
    minor=${minor%%.*}
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        ld+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
        ld+=" -X $p.buildDate=1970-01-01T00:00:00Z"
    done
    for c in kube-apiserver kube-controller-manager kube-scheduler; do
        log "kubernetes: building $c"
        go_build "$out/$c" "$ld" "./cmd/$c"
    done
}

build_etcd() {
    go_build "$1/etcd" "" .
}

build_kwok() {
    local ld="-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" src f
    go_build "$1/kwok" "$ld" sigs.k8s.io/kwok/cmd/kwok
    # The kwok binary has no built-in stages (kwokctl normally supplies them): collect the
    # module's default node/pod lifecycle stages for tools/cluster.sh (kwok --config).
    src=$(go_module_dir kwok sigs.k8s.io/kwok)/kustomize/stage
    mkdir -p "$1/../share"
    for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
        pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
        [ -f "$src/$f" ] || die "kwok: stage $f not found in $src"
        echo "---"
        cat "$src/$f"
    done > "$1/../share/kwok-stages.yaml"
}

# ---------------------------------------------------------------------------

system_pulumi() {
    # Prints the path of a usable pulumi already on PATH (outside our cache), if allowed.
    [ "${PILOTHOUSE_SYSTEM_PULUMI:-auto}" = auto ] || return 1
    local p ver
    p=$(command -v pulumi 2>/dev/null) || return 1
    case $(readlink -f "$p") in "$(readlink -f "$CACHE")"/*) return 1 ;; esac
    ver=$("$p" version 2>/dev/null | tr -d '[:space:]') || return 1
    [ -n "$ver" ] || return 1
    # sort -V puts the smaller first; usable when the pinned version is not greater.
    [ "$(printf '%s\n%s\n' "${ver#v}" "${PULUMI_VERSION#v}" | sort -V | head -1)" = "${PULUMI_VERSION#v}" ] || return 1
    echo "$p"
}

build_component() {
    local name=$1 hash dir work tmp start
    hash=$(comp_hash "$name")
    dir="$CACHE/components/$name-$hash"
    if [ -f "$dir/.complete" ]; then
        log "$name: up to date ($dir)"
        return 0
    fi
    log "$name: building ($(for v in $(comp_vars "$name"); do printf '%s=%s ' "$v" "${!v}"; done))"
    start=$(date +%s)
    work="$CACHE/work/$name-$hash"
    tmp="$dir.tmp.$$"
    rm -rf "$work" "$tmp"
    mkdir -p "$work" "$tmp/bin" "$tmp/share"
    cp -R "$MODS_DIR/$(comp_mod "$name")/." "$work/"
    # Not in an `||`/`if` context, so that `set -e` stops the subshell at the first error.
    local rc=0
    set +e
    (
        set -e
        cd "$work"
        apply_versions "$name"
        "build_${name//-/_}" "$tmp/bin"
    )
    rc=$?
    set -e
    [ $rc = 0 ] || { rm -rf "$tmp"; die "$name: build failed (work dir kept: $work)"; }
    local b
    for b in $(comp_bins "$name"); do
        [ -x "$tmp/bin/$b" ] || { rm -rf "$tmp"; die "$name: $b was not produced"; }
    done
    echo "$(($(date +%s) - start))" > "$tmp/build-seconds"
    date -u +%FT%TZ > "$tmp/.complete"
    rm -rf "$dir"
    mv "$tmp" "$dir"
    rm -rf "$work"
    log "$name: built in $(cat "$dir/build-seconds")s"
}

# build_all SYSTEM_PULUMI: builds every missing component, BUILD_JOBS at a time; stops with the
# names of the components that failed (each has said why above).
build_all() {
    local sp=$1 c failed="" pids=() names=() i
    for c in $BUILD_ORDER; do
        [ "$c" = pulumi ] && [ -n "$sp" ] && continue
        while [ "$(jobs -rp | wc -l)" -ge "$BUILD_JOBS" ]; do wait -n || true; done
        build_component "$c" &
        pids+=("$!")
        names+=("$c")
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || failed="$failed ${names[$i]}"
    done
    [ -z "$failed" ] || die "not built:$failed"
}

# Links the components' bin/ and share/ files into <hash>/bin and <hash>/share.
assemble() {
    local top=${1%/bin} c f hash sp=${2:-} src
    local tmp="$top.tmp.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp/bin" "$tmp/share"
    for c in $COMPONENTS; do
        [ "$c" = pulumi ] && [ -n "$sp" ] && { ln -s "$sp" "$tmp/bin/pulumi"; continue; }
        hash=$(comp_hash "$c")
        src="$CACHE/components/$c-$hash"
        for f in "$src"/bin/* "$src"/share/*; do
            [ -e "$f" ] || continue
            f=${f#"$src"/}
            ln "$src/$f" "$tmp/$f" 2>/dev/null || cp "$src/$f" "$tmp/$f"
        done
    done
    date -u +%FT%TZ > "$tmp/.complete"
    rm -rf "$top"
    mv "$tmp" "$top"
}

# Registers the provider in the repo-local PULUMI_HOME so `pulumi plugin ls` lists it and
# it is found even with PULUMI_IGNORE_AMBIENT_PLUGINS=true (it is on PATH via env.sh too).
install_plugin() {
    local bin=$1 home="$REPO_ROOT/.pilothouse/pulumi-home"
    local pdir="$home/plugins/resource-kubernetes-v$PULUMI_KUBERNETES_VERSION"
    if [ -f "$pdir/pulumi-resource-kubernetes" ] &&
        cmp -s "$pdir/pulumi-resource-kubernetes" "$bin/pulumi-resource-kubernetes"; then
        return 0
    fi
    log "installing kubernetes provider $PULUMI_KUBERNETES_VERSION into $home/plugins"
    mkdir -p "$home"
    PULUMI_HOME="$home" PULUMI_SKIP_UPDATE_CHECK=true "$bin/pulumi" plugin install resource kubernetes \
        "v$PULUMI_KUBERNETES_VERSION" --file "$bin/pulumi-resource-kubernetes" >&2 ||
        die "could not install the kubernetes provider into $home"
}

sync_mods() {
    local c
    for c in pulumi kubernetes-provider kubernetes etcd kwok; do
        log "$c: syncing tools/mods/$c with versions.env"
        (cd "$MODS_DIR/$c" && apply_versions "$c" && go mod tidy >&2)
    done
}

main() {
    case ${1:-} in
        --bin-dir) select_bin; echo "$BIN"; return 0 ;;
        --sync-mods) sync_mods; return 0 ;;
        "") ;;
        *) die "usage: $0 [--bin-dir|--sync-mods]" ;;
    esac

    local bin sp c
    mkdir -p "$CACHE"
    exec 9>"$CACHE/.lock"
    flock 9
    select_bin
    bin=$BIN sp=$SP
    if [ -n "$sp" ]; then
        log "pulumi: using $sp ($("$sp" version)) found on PATH, >= pinned $PULUMI_VERSION"
    else
        log "pulumi: using the pinned $PULUMI_VERSION built from source"
    fi
    if [ -f "$bin/../.complete" ] && { [ -z "$sp" ] || [ "$(readlink "$bin/pulumi")" = "$sp" ]; }; then
        log "all tools up to date in $bin"
    else
        build_all "$sp"
        assemble "$bin" "$sp"
        log "tools assembled in $bin"
    fi
    install_plugin "$bin"
    echo "$bin"
}

main "$@"
