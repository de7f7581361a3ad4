package main

import (
	"context"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
)

// TestCollectOnebox: the example collects every table of the onebox from
// all its ReplicaServers.
func TestCollectOnebox(t *testing.T) {
	c, err := onebox.Start(onebox.Options{Listen: func(string) string { return "127.0.0.1:0" }})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tables, errs := collect(ctx, c.MetaAddrs())
	if len(errs) > 0 || len(tables) == 0 {
		t.Fatalf("tables %v, errors %v", tables, errs)
	}
	for table, m := range tables {
		if _, ok := m["get_requests"]; !ok {
			t.Errorf("%s: no get_requests among %d metrics", table, len(m))
		}
	}
}
