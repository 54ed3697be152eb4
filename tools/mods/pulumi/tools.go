//go:build tools

// Package tools only records the main package this wrapper module builds,
// so that `go mod tidy` keeps its dependencies in go.sum.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
