# Sourced by tools/bootstrap.sh and tools/charts.sh: reading files out of a Go module.
#
# A module's files are read only through go_module_dir, which downloads the module first.
# (`go list -m -f {{.Dir}}` prints an empty path for a module not yet in the module cache, so
# anything built on it worked only where the cache happened to be warm.)

# go_module_dir WHO MODULE[@VERSION]
#   Downloads MODULE into the module cache (`go mod download -json`; without @VERSION, the
#   version the go.mod of the current directory requires) and prints its directory. On failure
#   prints one line, "WHO: cannot download Go module MODULE: <go's reason>", on stderr and
#   returns 1. WHO and MODULE must be non-empty; MODULE a module path (no whitespace, no control
#   characters, not starting with '-').
go_module_dir() {
    local who=$1 module=$2 json dir reason
    [ -n "$who" ] || { echo "go_module_dir: WHO (the component asking) is empty" >&2; return 1; }
    if [ -z "$module" ] || [[ $module == -* ]] || [[ $module =~ [[:space:][:cntrl:]] ]]; then
        printf '%s: not a Go module path: %q\n' "$who" "$module" >&2
        return 1
    fi
    # The JSON goes to stdout only (go's own messages to stderr are not parsed), and is read as JSON.
    json=$(go mod download -json -- "$module" 2>/dev/null) || true
    dir=$(printf '%s' "$json" | python3 -c 'import json, sys
try:
    print(json.load(sys.stdin).get("Dir") or "")
except ValueError:
    pass')
    if [ -n "$dir" ] && [ -d "$dir" ]; then
        printf '%s\n' "$dir"
        return 0
    fi
    reason=$(printf '%s' "$json" | python3 -c 'import json, sys
try:
    print(" ".join(str(json.load(sys.stdin).get("Error") or "").split()))
except ValueError:
    pass')
    reason=${reason#"$module: "}
    reason=${reason#"module $module: "}
    printf '%s: cannot download Go module %s: %s\n' "$who" "$module" "${reason:-no module directory}" >&2
    return 1
}
