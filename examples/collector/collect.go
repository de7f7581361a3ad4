package main

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
)

// collect polls every ReplicaServer's /metrics?detail=true and sums each
// counter and gauge per table (the highest p99 for percentiles), by
// table name. Nodes that fail are reported and left out.
func collect(ctx context.Context, metas []string) (map[string]map[string]float64, []error) {
	mc, err := meta.NewClient(metas, meta.WithClusterMembers())
	if err != nil {
		return nil, []error{err}
	}
	nodes, err := mc.ListMetaNodes(ctx, &meta.ListMetaNodesRequest{})
	if err != nil {
		return nil, []error{err}
	}
	apps, err := mc.ListMetaApps(ctx, &meta.ListMetaAppsRequest{})
	if err != nil {
		return nil, []error{err}
	}
	name := map[string]string{}
	for _, a := range apps.GeneralInfo {
		name[strconv.FormatInt(a.AppID, 10)] = a.AppName
	}
	var addrs []string
	for _, n := range nodes.Details {
		addrs = append(addrs, n.Address)
	}
	rc, err := replica.NewClient(addrs)
	if err != nil {
		return nil, []error{err}
	}
	detail := true
	tables := map[string]map[string]float64{}
	var errs []error
	for _, r := range replica.FanOut(ctx, rc, addrs, 8, func(ctx context.Context, n *replica.Client) (*replica.MetricsSnapshot, error) {
		return n.GetMetrics(ctx, &replica.GetMetricsRequest{Detail: &detail})
	}) {
		if r.Err != nil {
			errs = append(errs, r.Err)
			continue
		}
		for _, e := range r.Value.Entities {
			table := name[e.Attributes["table_id"]]
			if e.Type != replica.MetricEntityTypeReplica || table == "" {
				continue
			}
			if tables[table] == nil {
				tables[table] = map[string]float64{}
			}
			for _, m := range e.Metrics {
				switch {
				case *m.Type == replica.MetricTypePercentile && m.P99 != nil:
					k := *m.Name + ".p99"
					tables[table][k] = math.Max(tables[table][k], *m.P99)
				case m.Value != nil:
					tables[table][*m.Name] += *m.Value
				}
			}
		}
	}
	if len(tables) == 0 && len(errs) > 0 {
		return nil, append(errs, fmt.Errorf("no ReplicaServer answered"))
	}
	return tables, errs
}
