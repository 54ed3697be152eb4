// Command etcd is built by tools/bootstrap.sh from go.etcd.io/etcd/server/v3 (see tools/versions.env).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
