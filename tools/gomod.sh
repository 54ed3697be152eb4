# Sourced by tools/bootstrap.sh and tools/charts.sh: reading files out of a Go module.
#
# A module's files are read only through go_module_dir, which downloads the module first.
# (`go list -m -f {{.Dir}}` prints an empty path for a module not yet in the module cache, so
# anything built on it worked only where the cache happened to be warm.)

# go_module_dir WHO MODULE[@VERSION]
#   Downloads MODULE into the module cache (`go mod download -json`; without @VERSION, the
#   version the go.mod of the current directory requires) and prints its directory. On failure
#   prints "WHO: cannot download Go module MODULE: <go's reason>" on stderr and returns 1.
go_module_dir() {
    local who=$1 module=$2 json dir reason
    json=$(go mod download -json "$module" 2>&1) || true
    dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
    if [ -n "$dir" ] && [ -d "$dir" ]; then
        printf '%s\n' "$dir"
        return 0
    fi
    reason=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p')
    [ -n "$reason" ] || reason=$(printf '%s\n' "$json" | tail -n 1)
    reason=${reason#"$module: "}
    printf '%s: cannot download Go module %s: %s\n' "$who" "$module" "${reason:-no module directory}" >&2
    return 1
}
