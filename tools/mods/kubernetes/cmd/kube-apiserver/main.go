// Command kube-apiserver is built by tools/bootstrap.sh from k8s.io/kubernetes (see tools/versions.env).
package main

import (
	"os"
	_ "time/tzdata" // time zones for CronJob without a system tz database

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
