// Helm charts Pilothouse installs, fetched as Go modules so go.sum pins their content.
// tools/charts.sh downloads them and assembles ./charts in the repository.
module pilothouse.local/tools/charts

go 1.27.0

require (
	// grafana: only present because kube-prometheus-stack lists it as a (disabled) dependency.
	github.com/grafana-community/helm-charts v0.0.0-20260829030558-dbf9f4fb5fa1
	// kube-prometheus-stack 88.6.1 (Prometheus Operator v0.93.1) and its sibling dependency charts.
	github.com/prometheus-community/helm-charts v0.0.0-20260828105119-ed5d7d9b5933
	// Traefik chart 41.6.0 (Traefik v3.7.13).
	github.com/traefik/traefik-helm-chart v41.6.0+incompatible
	// Gateway API CRDs (standard channel), the newest release the module proxy serves. v1.7.0 declares
	// go 1.27, so this module is read with GOTOOLCHAIN=go1.27.3 (tools/charts.sh); its Go code is never built.
	sigs.k8s.io/gateway-api v1.7.0
	// Secrets Store CSI driver: the SecretProviderClass CRD (the AKS Key Vault secrets provider add-on runs the
	// driver); its objects are schema-checked and dry-run on the local control plane against it.
	sigs.k8s.io/secrets-store-csi-driver v1.5.3
)
