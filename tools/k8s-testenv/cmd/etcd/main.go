// Command etcd is upstream etcd 3.6 (go.etcd.io/etcd/server/v3), the same main as etcd's own
// server/main.go. It lives in its own Go module so etcd's dependency graph (newer gRPC, OTel)
// does not change the versions kube-apiserver is built with.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
