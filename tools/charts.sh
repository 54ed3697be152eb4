#!/usr/bin/env bash
# Assembles the Helm charts Pilothouse installs into ./charts (git-ignored) from the Go modules
# pinned in tools/mods/charts: go.sum pins every chart's content, and no chart repository is
# needed. Charts are unpacked directories, as pulumi-kubernetes' Chart resource takes them.
#
#   tools/charts.sh [OUT]     (default OUT: <repo>/charts)
set -euo pipefail

TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$TOOLS_DIR")
OUT=$(realpath -m "${1:-$REPO_ROOT/charts}")
# The Gateway API module (v1.7.0) declares go 1.27, newer than this machine's Go: the go command takes that
# approved toolchain from the module proxy like any module (~76 MB, once per module cache). Only the charts module
# needs it: its modules are downloaded, never built; tools/bootstrap.sh builds with the local Go.
export GOFLAGS=-mod=mod GOTOOLCHAIN=go1.27.3
# shellcheck source=gomod.sh
. "$TOOLS_DIR/gomod.sh"

# The versions tools/mods/charts/go.mod requires.
cd "$TOOLS_DIR/mods/charts"
traefik=$(go_module_dir charts github.com/traefik/traefik-helm-chart)
prometheus=$(go_module_dir charts github.com/prometheus-community/helm-charts)
grafana=$(go_module_dir charts github.com/grafana-community/helm-charts)
gateway_api=$(go_module_dir charts sigs.k8s.io/gateway-api)
secrets_store=$(go_module_dir charts sigs.k8s.io/secrets-store-csi-driver)
cd "$REPO_ROOT"

stage=$(mktemp -d "${OUT%/}.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cp -r "$traefik/traefik" "$stage/traefik"
stack="$stage/kube-prometheus-stack"
cp -r "$prometheus/charts/kube-prometheus-stack" "$stack"
# Its dependencies, as `helm dependency build` would place them (same versions as Chart.yaml asks,
# except grafana, which Pilothouse keeps disabled: Helm only checks that it is present).
for dependency in kube-state-metrics prometheus-node-exporter prometheus-windows-exporter; do
    cp -r "$prometheus/charts/$dependency" "$stack/charts/$dependency"
done
cp -r "$grafana/charts/grafana" "$stack/charts/grafana"
# Gateway API CRDs (standard channel), installed when the ingress controller serves HTTPRoutes.
mkdir "$stage/gateway-api"
cp "$gateway_api"/config/crd/standard/gateway.networking.k8s.io_{gatewayclasses,gateways,grpcroutes,httproutes,referencegrants}.yaml \
    "$stage/gateway-api/"
# The SecretProviderClass CRD, for Key Vault secrets in pods (on AKS the add-on installs the driver and it).
mkdir "$stage/secrets-store"
cp "$secrets_store/config/crd/bases/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml" "$stage/secrets-store/"
chmod -R u+w "$stage"   # the module cache is read-only
cp "$TOOLS_DIR/mods/charts/go.sum" "$stage/.go.sum"

rm -rf "$OUT"
mv "$stage" "$OUT"
trap - EXIT
echo "$OUT"
