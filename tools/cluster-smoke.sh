#!/usr/bin/env bash
# End-to-end check of the local control plane (tools/cluster.sh up must have run):
# nodes Ready, a 2-replica Deployment becomes ready, a Job completes, a StatefulSet
# becomes ready, a ServiceAccount token can be issued, and deleting the Namespace finishes.
# Uses only curl and the admin client certificate (no kubectl needed).
set -euo pipefail

TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE="$(dirname "$TOOLS_DIR")/.pilothouse/cluster"
PKI="$STATE/pki"
API=$("$TOOLS_DIR/cluster.sh" api)
NS="pilothouse-smoke-$$"
TIMEOUT=${PILOTHOUSE_SMOKE_TIMEOUT:-120}

k() { curl -sS --max-time 10 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$@"; }
post() { k -f -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary "$2" "$API$1"; }
get() { k -f "$API$1"; }
# jget PATH PYTHON-EXPR: evaluates EXPR on the JSON object `o`.
jget() { get "$1" | python3 -c "import json,sys; o=json.load(sys.stdin); print($2)"; }
pass=0
fail=0
ok() { echo "PASS: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# until_eq DESCRIPTION PATH EXPR WANT
until_eq() {
    local what=$1 path=$2 expr=$3 want=$4 got="" t0=$SECONDS
    while [ $((SECONDS - t0)) -lt "$TIMEOUT" ]; do
        got=$(jget "$path" "$expr" 2>/dev/null || true)
        if [ "$got" = "$want" ]; then
            ok "$what ($((SECONDS - t0))s)"
            return 0
        fi
        sleep 1
    done
    bad "$what: got '$got', want '$want' after ${TIMEOUT}s"
}

nodes=$(jget /api/v1/nodes "' '.join(n['metadata']['name'] + '=' + [c['status'] for c in n['status'].get('conditions', []) if c['type'] == 'Ready'][0] for n in o['items'])")
echo "nodes: $nodes"
case $nodes in *=True*) ok "node(s) Ready" ;; *) bad "no Ready node" ;; esac
ssd=$(jget "/api/v1/nodes?labelSelector=disktype%3Dssd" "len(o['items'])")
[ "$ssd" -ge 1 ] && ok "$ssd node(s) labelled disktype=ssd" || bad "no node labelled disktype=ssd"

post /api/v1/namespaces "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"$NS\"}}"
until_eq "default ServiceAccount in new namespace" "/api/v1/namespaces/$NS/serviceaccounts/default" "o['metadata']['name']" default

post "/apis/apps/v1/namespaces/$NS/deployments" '{
  "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
  "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
    "template": {"metadata": {"labels": {"app": "web"}},
      "spec": {"nodeSelector": {"disktype": "ssd"},
        "containers": [{"name": "web", "image": "nginx:1.27",
          "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}}}}'
until_eq "Deployment web readyReplicas=2" "/apis/apps/v1/namespaces/$NS/deployments/web" "o['status'].get('readyReplicas', 0)" 2

post "/apis/batch/v1/namespaces/$NS/jobs" '{
  "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "once"},
  "spec": {"backoffLimit": 0, "template": {"spec": {"restartPolicy": "Never",
    "containers": [{"name": "once", "image": "busybox:1.36", "command": ["true"]}]}}}}'
until_eq "Job once succeeded=1" "/apis/batch/v1/namespaces/$NS/jobs/once" "o['status'].get('succeeded', 0)" 1
until_eq "Job once Complete condition" "/apis/batch/v1/namespaces/$NS/jobs/once" \
    "[c['status'] for c in o['status'].get('conditions', []) if c['type'] == 'Complete'] == ['True']" True

post "/api/v1/namespaces/$NS/services" '{
  "apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
  "spec": {"clusterIP": "None", "selector": {"app": "db"}, "ports": [{"port": 5432}]}}'
post "/apis/apps/v1/namespaces/$NS/statefulsets" '{
  "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
  "spec": {"serviceName": "db", "replicas": 2, "selector": {"matchLabels": {"app": "db"}},
    "template": {"metadata": {"labels": {"app": "db"}},
      "spec": {"containers": [{"name": "db", "image": "postgres:16"}]}}}}'
until_eq "StatefulSet db readyReplicas=2" "/apis/apps/v1/namespaces/$NS/statefulsets/db" "o['status'].get('readyReplicas', 0)" 2

tok=$(k -f -X POST -H 'Content-Type: application/json' \
    --data-binary '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":600}}' \
    "$API/api/v1/namespaces/$NS/serviceaccounts/default/token" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["token"])' || true)
who=$(curl -sS --max-time 10 --cacert "$PKI/ca.crt" -H "Authorization: Bearer $tok" -X POST \
    -H 'Content-Type: application/json' \
    --data-binary '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}' \
    "$API/apis/authentication.k8s.io/v1/selfsubjectreviews" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["userInfo"]["username"])' 2>/dev/null || true)
[ "$who" = "system:serviceaccount:$NS:default" ] && ok "ServiceAccount token issued and authenticated as $who" ||
    bad "ServiceAccount token not accepted (got '$who')"

k -f -o /dev/null -X DELETE "$API/api/v1/namespaces/$NS"
t0=$SECONDS
while code=$(k -o /dev/null -w '%{http_code}' "$API/api/v1/namespaces/$NS"); [ "$code" != 404 ]; do
    if [ $((SECONDS - t0)) -ge "$TIMEOUT" ]; then
        bad "namespace $NS still present (HTTP $code) after ${TIMEOUT}s"
        break
    fi
    sleep 1
done
[ "$code" = 404 ] && ok "namespace deletion finished ($((SECONDS - t0))s)"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
