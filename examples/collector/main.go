// Command collector does with the metrics API what upstream's Go
// collector (apache/incubator-pegasus collector/metrics/metric_collector.go)
// does: find the ReplicaServers through /meta/nodes and the table names
// through /meta/apps, poll /metrics?detail=true on every node, and
// aggregate the values per table.
//
// Upstream writes that by hand in 178 lines of HTTP and JSON handling
// (getReplicaAddrs 23, getOneServerMetrics 4, httpGet 13, getClusterInfo 5,
// getTableInfo 4, updateClusterTableInfo 23, processAllServerMetrics 53,
// mergeIntoClusterLevelTableMetric 53, at HEAD db756dcd), with http.Get and
// no timeout or bound, gjson lookups by string, and the percentile check
// comparing with "percentile" where the server sends "Percentile". collect
// (collect.go) does the same on the generated clients in 59 lines: typed answers,
// constants for types, a bounded parallel fan-out with per-node errors.
//
//	go run ./examples/collector -meta 127.0.0.1:34601,127.0.0.1:34602
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"sort"
	"strings"
	"time"
)

func main() {
	metas := flag.String("meta", "127.0.0.1:34601", "MetaServers, host:port joined by ','")
	timeout := flag.Duration("timeout", 10*time.Second, "bound of the whole collection")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	tables, errs := collect(ctx, strings.Split(*metas, ","))
	for _, err := range errs {
		log.Print(err)
	}
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Printf("%s:", n)
		metrics := tables[n]
		keys := make([]string, 0, len(metrics))
		for k := range metrics {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf(" %s=%g", k, metrics[k])
		}
		fmt.Println()
	}
	if tables == nil {
		os.Exit(1)
	}
}
