// Command pulumi-resource-kubernetes serves the Pulumi Kubernetes resource
// provider from the pulumi-kubernetes provider module.
//
// Upstream's main embeds generated files that are not part of the Go module;
// tools/bootstrap.sh copies the module's schema.json and terraform-mapping.json
// next to this file before building, and the version is set with -ldflags -X.
package main

import (
	_ "embed"
	"encoding/json"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema.json
var schema []byte

//go:embed terraform-mapping.json
var mapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, withVersion(schema, version.Version), mapping)
}

// withVersion stamps the served version into the package schema.
func withVersion(raw []byte, v string) []byte {
	var spec map[string]json.RawMessage
	if err := json.Unmarshal(raw, &spec); err != nil {
		return raw
	}
	quoted, _ := json.Marshal(v)
	spec["version"] = quoted
	out, err := json.Marshal(spec)
	if err != nil {
		return raw
	}
	return out
}
