package main

import (
	"context"
	"flag"
	"log"

	meta "example.com/pegasusadmin/internal/metaapi"
)

// handler answers two operations; the rest come from the embedded
// UnimplementedHandler (404, as on a server without them).
type handler struct {
	meta.UnimplementedHandler
}

// GetVersion answers /version.
func (handler) GetVersion(context.Context, meta.GetVersionRequest) (meta.GetVersionResponse, error) {
	return meta.GetVersion200(meta.VersionInfo{Version: "2.6.0-example", GitCommit: "0000000"}), nil
}

// GetMetaCluster answers /meta/cluster.
func (handler) GetMetaCluster(context.Context, meta.GetMetaClusterRequest) (meta.GetMetaClusterResponse, error) {
	return meta.GetMetaCluster200(meta.MetaClusterInfo{
		MetaServers:       "127.0.0.1:34601",
		PrimaryMetaServer: "127.0.0.1:34601",
		MetaFunctionLevel: "steady",
	}), nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:34601", "listen address")
	flag.Parse()
	// NewHTTPServer, not http.ListenAndServe: it drops slow and idle
	// clients instead of holding them for ever.
	log.Fatal(meta.NewHTTPServer(*addr, meta.NewServer(handler{}, nil)).ListenAndServe())
}
