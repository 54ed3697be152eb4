//go:build tools

// Package tools records the main package this wrapper module builds
// (sigs.k8s.io/kwok/cmd/kwok) so that `go mod tidy` keeps its dependencies.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
