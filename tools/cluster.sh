#!/usr/bin/env bash
# Local Kubernetes control plane for Pilothouse: etcd + kube-apiserver +
# kube-controller-manager + kube-scheduler + kwok (fake nodes, simulated pods).
# Everything listens on 127.0.0.1 only; state, logs, pid files and the ports in use live in
# <repo>/.pilothouse/cluster/, so every checkout has a control plane of its own and several run
# side by side.
#
#   tools/cluster.sh up            start (idempotent) and wait until ready
#   tools/cluster.sh down          stop this checkout's processes, keep the state
#   tools/cluster.sh down --purge  stop and remove the state dir
#   tools/cluster.sh status        print what runs; exit 0 when all runs, 1 otherwise
#   tools/cluster.sh kubeconfig    print the admin kubeconfig path
#   tools/cluster.sh api           print the API server's URL (after a first `up`)
#   tools/cluster.sh lockfile      print the lock file runs that use this checkout's control plane
#                                  hold (flock), so that they take turns
#
# Ports: the first `up` of a checkout picks a free block of six loopback ports, starting at one
# derived from the checkout's path, and records it in ports.env; later starts reuse it while it is
# free (the kubeconfig, and so a stack's provider, stays the same) and move only when another
# program took one of them.
#
# Environment: PILOTHOUSE_NODES (number of fake nodes, default 2),
# PILOTHOUSE_CLUSTER_TIMEOUT (seconds to wait for each step, default 120),
# PILOTHOUSE_CONTROL_PLANE_LOCK (the lock file, default <repo>/.pilothouse/control-plane.lock).
set -euo pipefail

TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$TOOLS_DIR")
STATE="$REPO_ROOT/.pilothouse/cluster"
PKI="$STATE/pki"
LOGS="$STATE/logs"
PIDS="$STATE/pids"
KUBECONFIG_FILE="$STATE/kubeconfig"
PORTS_FILE="$STATE/ports.env"
LOCK_FILE=${PILOTHOUSE_CONTROL_PLANE_LOCK:-$REPO_ROOT/.pilothouse/control-plane.lock}
# Held (machine-wide) only while a checkout picks its ports and binds them, so that two
# checkouts starting at once never pick the same block.
PORTS_LOCK=${PILOTHOUSE_PORTS_LOCK:-/tmp/pilothouse-control-plane-ports.lock}

# The ports a control plane listens on, in ports.env order; a block of six from PORT_BASE.
PORT_KEYS="ETCD_CLIENT_PORT ETCD_PEER_PORT APISERVER_PORT CONTROLLER_MANAGER_PORT SCHEDULER_PORT KWOK_PORT"
PORT_BLOCK=8
# Blocks lie in [20000, 32000): below Linux's default ephemeral range (32768-60999), where
# outgoing connections take their local ports.
PORT_FIRST=20000
PORT_BLOCKS=1500
SERVICE_CIDR=10.96.0.0/16
SERVICE_IP=10.96.0.1
POD_CIDR=10.244.0.0/16
# Fake nodes' addresses (and so host-network pods'): TEST-NET-1 (RFC 5737), never routed.
# Nothing connects to them (containers never run; kwok serves the kubelet API on loopback),
# but they must not be loopback: Endpoints and EndpointSlices refuse loopback addresses, so a
# Service over host-network pods (node-exporter) would never get endpoints.
NODE_IP_PREFIX=192.0.2
NODES=${PILOTHOUSE_NODES:-2}
TIMEOUT=${PILOTHOUSE_CLUSTER_TIMEOUT:-120}

# Start order; `down` stops in reverse.
COMPONENTS="etcd kube-apiserver kube-controller-manager kube-scheduler kwok"

log() { printf 'cluster: %s\n' "$*" >&2; }
die() { printf 'cluster: ERROR: %s\n' "$*" >&2; exit 1; }

bin_dir() {
    [ -n "${BIN:-}" ] && return 0
    BIN=$("$TOOLS_DIR/bootstrap.sh") || die "tools/bootstrap.sh failed"
}

# ---------------------------------------------------------------- ports
# Sets the PORT_KEYS variables and API from ports.env; returns 1 when there is none yet. The file is
# parsed, not sourced: only KEY=<port> lines of the known keys count.
load_ports() {
    local key value line seen=" " used=" "
    [ -f "$PORTS_FILE" ] || return 1
    for key in $PORT_KEYS; do printf -v "$key" '%s' ""; done
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line%$'\r'}
        key=${line%%=*} value=${line#*=}
        case " $PORT_KEYS " in *" $key "*) ;; *) continue ;; esac
        case $seen in *" $key "*) die "$PORTS_FILE: $key is set twice; remove the file to pick new ports" ;; esac
        seen="$seen$key "
        [[ $value =~ ^[1-9][0-9]{0,4}$ ]] && [ "$value" -le 65535 ] || value=""
        case $used in *" $value "*) [ -n "$value" ] && die "$PORTS_FILE: port $value is given twice" ;; esac
        used="$used$value "
        printf -v "$key" '%s' "$value"
    done < "$PORTS_FILE"
    for key in $PORT_KEYS; do
        [ -n "${!key}" ] || die "$PORTS_FILE: $key is missing or not a port (1-65535); remove the file to pick new ports"
    done
    API="https://127.0.0.1:$APISERVER_PORT"
}

# ports_free PORT...: every port can be bound on 127.0.0.1 now (as the servers bind it, with
# SO_REUSEADDR, so a port in TIME_WAIT counts as free).
ports_free() {
    python3 - "$@" <<'PY'
import socket, sys
for port in map(int, sys.argv[1:]):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            sys.exit(1)
PY
}

# Keeps the recorded ports while they are free, else picks the first free block from the one the
# checkout's path hashes to, and writes ports.env.
choose_ports() {
    local key n start base offset ports record
    if load_ports && ports_free $(for key in $PORT_KEYS; do echo "${!key}"; done); then
        return 0
    fi
    start=$(( $(printf '%s' "$REPO_ROOT" | cksum | cut -d' ' -f1) % PORT_BLOCKS ))
    for n in $(seq 0 $((PORT_BLOCKS - 1))); do
        base=$((PORT_FIRST + ((start + n) % PORT_BLOCKS) * PORT_BLOCK))
        offset=0 ports="" record=""
        for key in $PORT_KEYS; do
            ports+="$((base + offset)) "
            record+="$key=$((base + offset))"$'\n'
            offset=$((offset + 1))
        done
        # shellcheck disable=SC2086
        ports_free $ports || continue
        printf '%s' "$record" > "$PORTS_FILE.tmp"
        mv "$PORTS_FILE.tmp" "$PORTS_FILE"
        [ -f "$KUBECONFIG_FILE" ] && log "ports moved to $base-$((base + 5)): a recorded port was taken"
        load_ports
        return 0
    done
    die "no block of six free ports on 127.0.0.1 in $PORT_FIRST-$((PORT_FIRST + PORT_BLOCKS * PORT_BLOCK))"
}

any_running() {
    local c
    for c in $COMPONENTS; do running "$c" && return 0; done
    return 1
}

# ---------------------------------------------------------------- helpers
pid_of() { cat "$PIDS/$1.pid" 2>/dev/null || true; }

alive() {
    local pid
    pid=$(pid_of "$1")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

running() {
    # Guard against pid reuse (a stale pid file): the process must still be ours.
    alive "$1" && tr '\0' ' ' < "/proc/$(pid_of "$1")/cmdline" 2>/dev/null | grep -qF -- "$STATE/"
}

kcurl() {
    curl -sS --max-time 10 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$@"
}

fail_with_log() {
    local name=$1 msg=$2
    printf 'cluster: ERROR: %s\n--- last lines of %s ---\n' "$msg" "$LOGS/$name.log" >&2
    tail -n 30 "$LOGS/$name.log" >&2 2>/dev/null || true
    exit 1
}

# wait_for NAME DESCRIPTION COMMAND... : retries COMMAND until it succeeds.
wait_for() {
    local name=$1 what=$2 deadline
    shift 2
    deadline=$((SECONDS + TIMEOUT))
    until "$@" >/dev/null 2>&1; do
        # Only alive: a process just started may not have exec'd its binary yet (its cmdline is
        # still the launching shell's), which the pid-reuse guard of `running` would take for an exit.
        alive "$name" || fail_with_log "$name" "$name exited while waiting for $what"
        [ $SECONDS -lt $deadline ] || fail_with_log "$name" "timed out after ${TIMEOUT}s waiting for $what"
        sleep 0.5
    done
}

start() {
    local name=$1
    shift
    if running "$name"; then
        return 0
    fi
    log "starting $name"
    # setsid: own session, so the process survives this shell and can be stopped alone; it must
    # not inherit (and keep) the ports lock (fd 8).
    setsid "$BIN/$name" "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null 8>&- &
    echo $! > "$PIDS/$name.pid"
}

# ---------------------------------------------------------------- pki
gen_pki() {
    [ -f "$PKI/.complete" ] && return 0
    command -v openssl >/dev/null 2>&1 || die "openssl is required"
    log "generating certificates in $PKI"
    rm -rf "$PKI"
    mkdir -p "$PKI"
    (
        cd "$PKI"
        umask 077
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
            -subj "/CN=pilothouse-local-ca" 2>/dev/null
        # kube-apiserver serving certificate.
        cat > apiserver.ext <<EOF
subjectAltName=IP:127.0.0.1,IP:$SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth
keyUsage=digitalSignature,keyEncipherment
EOF
        openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
            -subj "/CN=kube-apiserver" 2>/dev/null
        openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
            -out apiserver.crt -days 3650 -extfile apiserver.ext 2>/dev/null
        # Admin client certificate (group system:masters).
        printf 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n' > client.ext
        openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr \
            -subj "/O=system:masters/CN=pilothouse-admin" 2>/dev/null
        openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
            -out admin.crt -days 3650 -extfile client.ext 2>/dev/null
        # Service-account token signing key pair.
        openssl genrsa -out sa.key 2048 2>/dev/null
        openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
        rm -f ./*.csr ./*.ext ./*.srl
        touch .complete
    )
}

write_kubeconfig() {
    local ca crt key
    ca=$(base64 -w0 < "$PKI/ca.crt")
    crt=$(base64 -w0 < "$PKI/admin.crt")
    key=$(base64 -w0 < "$PKI/admin.key")
    (
        umask 077
        cat > "$KUBECONFIG_FILE.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: pilothouse
  cluster:
    server: $API
    certificate-authority-data: $ca
users:
- name: pilothouse-admin
  user:
    client-certificate-data: $crt
    client-key-data: $key
contexts:
- name: pilothouse
  context:
    cluster: pilothouse
    user: pilothouse-admin
    namespace: default
current-context: pilothouse
EOF
    )
    mv "$KUBECONFIG_FILE.tmp" "$KUBECONFIG_FILE"
}

# ---------------------------------------------------------------- nodes
node_json() {
    local name=$1 address=$2
    cat <<EOF
{
  "apiVersion": "v1",
  "kind": "Node",
  "metadata": {
    "name": "$name",
    "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
    "labels": {
      "kubernetes.io/hostname": "$name",
      "kubernetes.io/os": "linux",
      "kubernetes.io/arch": "amd64",
      "type": "kwok",
      "disktype": "ssd",
      "pilothouse.dev/fake-node": "true"
    }
  },
  "spec": {},
  "status": {
    "addresses": [{"type": "InternalIP", "address": "$address"}, {"type": "Hostname", "address": "$name"}],
    "capacity": {"cpu": "8", "memory": "32Gi", "pods": "110", "ephemeral-storage": "100Gi"},
    "allocatable": {"cpu": "8", "memory": "32Gi", "pods": "110", "ephemeral-storage": "100Gi"},
    "nodeInfo": {
      "architecture": "amd64", "operatingSystem": "linux",
      "kubeletVersion": "fake", "kubeProxyVersion": "fake", "containerRuntimeVersion": "kwok"
    }
  }
}
EOF
}

ensure_nodes() {
    local i name code
    for i in $(seq 0 $((NODES - 1))); do
        name="kwok-node-$i"
        code=$(kcurl -o /dev/null -w '%{http_code}' "$API/api/v1/nodes/$name")
        if [ "$code" = 404 ]; then
            log "creating fake node $name ($NODE_IP_PREFIX.$((i + 10)), 8 cpu, 32Gi, 110 pods, disktype=ssd)"
            node_json "$name" "$NODE_IP_PREFIX.$((i + 10))" | kcurl -f -o /dev/null -X POST -H 'Content-Type: application/json' \
                --data-binary @- "$API/api/v1/nodes" || die "could not create node $name"
        fi
    done
}

nodes_ready() {
    local i
    for i in $(seq 0 $((NODES - 1))); do
        kcurl -f "$API/api/v1/nodes/kwok-node-$i" | tr -d ' \n' |
            grep -q '"type":"Ready","status":"True"' || return 1
    done
}

# ---------------------------------------------------------------- commands
cmd_up() {
    local t0=$SECONDS
    bin_dir
    [ -f "$BIN/../share/kwok-stages.yaml" ] || die "kwok stages missing in $BIN/../share (rerun tools/bootstrap.sh)"
    mkdir -p "$STATE" "$LOGS" "$PIDS"
    gen_pki
    # Ports are picked and bound under a machine-wide lock (held until this script exits); a
    # control plane of this checkout that runs already keeps the ports it has.
    exec 8>>"$PORTS_LOCK"
    flock -w "$TIMEOUT" 8 || die "another checkout held $PORTS_LOCK for ${TIMEOUT}s"
    if any_running; then
        load_ports || die "a control plane runs but $PORTS_FILE is missing; run tools/cluster.sh down"
    else
        choose_ports
    fi
    write_kubeconfig

    start etcd \
        --name=pilothouse \
        --data-dir="$STATE/etcd" \
        --listen-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" \
        --advertise-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" \
        --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-cluster="pilothouse=http://127.0.0.1:$ETCD_PEER_PORT" \
        --listen-metrics-urls="" \
        --unsafe-no-fsync=true \
        --quota-backend-bytes=4294967296
    wait_for etcd "etcd health" curl -sf --max-time 2 "http://127.0.0.1:$ETCD_CLIENT_PORT/health"

    start kube-apiserver \
        --etcd-servers="http://127.0.0.1:$ETCD_CLIENT_PORT" \
        --bind-address=127.0.0.1 \
        --advertise-address=127.0.0.1 \
        --endpoint-reconciler-type=none \
        --secure-port="$APISERVER_PORT" \
        --tls-cert-file="$PKI/apiserver.crt" \
        --tls-private-key-file="$PKI/apiserver.key" \
        --client-ca-file="$PKI/ca.crt" \
        --service-account-issuer=https://kubernetes.default.svc.cluster.local \
        --service-account-key-file="$PKI/sa.pub" \
        --service-account-signing-key-file="$PKI/sa.key" \
        --service-cluster-ip-range="$SERVICE_CIDR" \
        --authorization-mode=Node,RBAC \
        --allow-privileged=true \
        --enable-priority-and-fairness=false \
        --profiling=false \
        --cert-dir="$STATE/apiserver-certs" \
        --v=1
    wait_for kube-apiserver "kube-apiserver /readyz on $API" kcurl -f "$API/readyz"

    start kube-controller-manager \
        --kubeconfig="$KUBECONFIG_FILE" \
        --authentication-kubeconfig="$KUBECONFIG_FILE" \
        --authorization-kubeconfig="$KUBECONFIG_FILE" \
        --bind-address=127.0.0.1 \
        --secure-port="$CONTROLLER_MANAGER_PORT" \
        --cert-dir="$STATE/controller-manager-certs" \
        --service-account-private-key-file="$PKI/sa.key" \
        --root-ca-file="$PKI/ca.crt" \
        --cluster-signing-cert-file="$PKI/ca.crt" \
        --cluster-signing-key-file="$PKI/ca.key" \
        --use-service-account-credentials=true \
        --service-cluster-ip-range="$SERVICE_CIDR" \
        --cluster-cidr="$POD_CIDR" \
        --leader-elect=false \
        --profiling=false \
        --v=1
    start kube-scheduler \
        --kubeconfig="$KUBECONFIG_FILE" \
        --authentication-kubeconfig="$KUBECONFIG_FILE" \
        --authorization-kubeconfig="$KUBECONFIG_FILE" \
        --bind-address=127.0.0.1 \
        --secure-port="$SCHEDULER_PORT" \
        --cert-dir="$STATE/scheduler-certs" \
        --leader-elect=false \
        --profiling=false \
        --v=1
    start kwok \
        --kubeconfig="$KUBECONFIG_FILE" \
        --config="$BIN/../share/kwok-stages.yaml" \
        --manage-all-nodes=false \
        --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
        --node-lease-duration-seconds=40 \
        --cidr="$POD_CIDR" \
        --server-address="127.0.0.1:$KWOK_PORT"

    wait_for kube-controller-manager "kube-controller-manager /healthz" \
        curl -skf --max-time 2 "https://127.0.0.1:$CONTROLLER_MANAGER_PORT/healthz"
    wait_for kube-scheduler "kube-scheduler /healthz" \
        curl -skf --max-time 2 "https://127.0.0.1:$SCHEDULER_PORT/healthz"
    ensure_nodes
    wait_for kwok "$NODES fake node(s) Ready" nodes_ready
    wait_for kube-controller-manager "default ServiceAccount" \
        kcurl -f "$API/api/v1/namespaces/default/serviceaccounts/default"
    log "ready in $((SECONDS - t0))s: $API (kubeconfig: $KUBECONFIG_FILE)"
}

# stop_group NAME...: TERM all, wait up to 10 s for all, then KILL what is left.
stop_group() {
    local c pid pids="" i alive
    for c in "$@"; do
        if running "$c"; then
            pid=$(pid_of "$c")
            log "stopping $c (pid $pid)"
            kill -TERM "$pid" 2>/dev/null || true
            pids="$pids $pid"
        fi
    done
    for i in $(seq 1 100); do
        alive=""
        for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
        [ -z "$alive" ] && break
        sleep 0.1
    done
    for pid in $alive; do
        log "pid $pid did not stop in 10s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    done
    for c in "$@"; do rm -f "$PIDS/$c.pid"; done
}

cmd_down() {
    local purge=${1:-}
    # Clients of the API first (together), then the API server, then etcd.
    stop_group kwok kube-scheduler kube-controller-manager
    stop_group kube-apiserver
    stop_group etcd
    # Verify: no process whose command line names our state dir may remain.
    local ours
    ours=$(printf '%s/' "$STATE" | sed 's/[][\.*^$+?(){}|]/\\&/g')
    if pgrep -f -- "$ours" >/dev/null 2>&1; then
        die "processes still running: $(pgrep -f -a -- "$ours" | cut -c1-120)"
    fi
    if [ "$purge" = --purge ]; then
        log "removing $STATE"
        rm -rf "$STATE"
    fi
    log "stopped"
}

cmd_status() {
    local c rc=0
    load_ports || API="(no ports recorded: never started)"
    for c in $COMPONENTS; do
        if running "$c"; then
            printf '%-24s running (pid %s)\n' "$c" "$(pid_of "$c")"
        else
            printf '%-24s not running\n' "$c"
            rc=1
        fi
    done
    if [ $rc = 0 ] && kcurl -f "$API/readyz" >/dev/null 2>&1; then
        printf '%-24s ready (%s)\n' "api" "$API"
    else
        printf '%-24s not ready\n' "api"
        rc=1
    fi
    return $rc
}

case ${1:-} in
    up) cmd_up ;;
    down) cmd_down "${2:-}" ;;
    status) cmd_status ;;
    kubeconfig) echo "$KUBECONFIG_FILE" ;;
    api) load_ports || die "no ports recorded in $PORTS_FILE: run tools/cluster.sh up"; echo "$API" ;;
    lockfile) mkdir -p "$(dirname "$LOCK_FILE")"; echo "$LOCK_FILE" ;;
    *) die "usage: $0 up|down [--purge]|status|kubeconfig|api|lockfile" ;;
esac
