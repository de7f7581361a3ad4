// Package demo holds the small hand-written handlers and checks behind
// cmd/pegasus-demo: enough of both roles to show the generated servers and
// clients end to end. The full reference servers are a separate piece.
package demo

import (
	"context"
	"strconv"
	"sync"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
)

// Meta is a MetaServer handler over a fixed two-table cluster.
type Meta struct {
	meta.UnimplementedHandler
	mu    sync.Mutex
	flags map[string]string
}

// NewMeta returns a MetaServer handler with a default flag set.
func NewMeta() *Meta { return &Meta{flags: map[string]string{"config_sync_interval_ms": "30000"}} }

// GetVersion answers /version.
func (m *Meta) GetVersion(context.Context, meta.GetVersionRequest) (meta.GetVersionResponse, error) {
	return meta.GetVersion200(meta.VersionInfo{Version: "2.6.0-SNAPSHOT", GitCommit: "db756dcdf24e2af6169659a67548501ed61f106c"}), nil
}

// GetMetaCluster answers /meta/cluster.
func (m *Meta) GetMetaCluster(context.Context, meta.GetMetaClusterRequest) (meta.GetMetaClusterResponse, error) {
	return meta.GetMetaCluster200(meta.MetaClusterInfo{
		MetaServers: "127.0.0.1:34601,127.0.0.1:34602", PrimaryMetaServer: "127.0.0.1:34601",
		ZookeeperHosts: "127.0.0.1:22181", ZookeeperRoot: "/pegasus/onebox/127.0.0.1", MetaFunctionLevel: "steady",
		BalanceOperationCount: "{\n  \"copy_pri\": 0,\n  \"copy_sec\": 0,\n  \"move_pri\": 0,\n  \"total\": 0\n}",
	}), nil
}

// GetMetaApp answers /meta/app for the table temp.
func (m *Meta) GetMetaApp(_ context.Context, req meta.GetMetaAppRequest) (meta.GetMetaAppResponse, error) {
	if req.Name != "temp" {
		return meta.GetMetaApp404(`table not found: "` + req.Name + `"`), nil
	}
	info := meta.MetaAppInfo{General: meta.MetaAppGeneral{AppName: "temp", AppID: 2, PartitionCount: 1, MaxReplicaCount: 3}}
	if req.Detail {
		info.Replicas = meta.MetaAppReplicas{{Pidx: 0, Ballot: 3, ReplicaCount: "3/3", Primary: "127.0.0.1:34801", Secondaries: "[127.0.0.1:34802,127.0.0.1:34803]"}}
	}
	return meta.GetMetaApp200(info), nil
}

// UpdateConfig answers /updateConfig for the one flag it knows.
func (m *Meta) UpdateConfig(_ context.Context, req meta.UpdateConfigRequest) (meta.UpdateConfigResponse, error) {
	if req.Config.Len() != 1 {
		return meta.UpdateConfig200(meta.UpdateConfigResult{UpdateStatus: "ERR_INVALID_PARAMETERS: there should be exactly one config to be updated once"}), nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, v := range req.Config.All() {
		if _, ok := m.flags[k]; !ok {
			return meta.UpdateConfig200(meta.UpdateConfigResult{UpdateStatus: "ERR_OBJECT_NOT_FOUND: " + k + " is not found"}), nil
		}
		m.flags[k] = v
	}
	return meta.UpdateConfig200(meta.UpdateConfigResult{UpdateStatus: "ERR_OK"}), nil
}

// GetMetrics answers /metrics with one server entity.
func (m *Meta) GetMetrics(_ context.Context, req meta.GetMetricsRequest) (meta.GetMetricsResponse, error) {
	value := "98"
	metric := meta.Metric{Name: ptr("resident_mem_usage_mb"), Value: ptrNumber(value)}
	if req.Detail != nil && *req.Detail {
		metric.Type, metric.Unit, metric.Desc = ptr("Gauge"), ptr("MegaBytes"), ptr("The total amount of physical memory usage in MB")
	}
	return meta.GetMetrics200(meta.MetricsSnapshot{Cluster: "onebox", Role: "meta", Host: "localhost", Port: []byte("34601"),
		TimestampNS: 1763964315000000000, Entities: []meta.MetricEntity{{Type: "server", ID: "server", Attributes: meta.MetricAttributes{}, Metrics: []meta.Metric{metric}}}}), nil
}

// Replica is a ReplicaServer handler hosting app 2.
type Replica struct{ replica.UnimplementedHandler }

// NewReplica returns a ReplicaServer handler.
func NewReplica() *Replica { return &Replica{} }

// GetReplicaDataVersion answers /replica/data_version.
func (r *Replica) GetReplicaDataVersion(_ context.Context, req replica.GetReplicaDataVersionRequest) (replica.GetReplicaDataVersionResponse, error) {
	if req.AppID != 2 {
		return replica.GetReplicaDataVersion404("app_id=" + strconv.Itoa(int(req.AppID)) + " not found"), nil
	}
	return replica.GetReplicaDataVersion200(replica.ReplicaDataVersions{"0": {DataVersion: 1}}), nil
}

// GetVersion answers /version.
func (r *Replica) GetVersion(context.Context, replica.GetVersionRequest) (replica.GetVersionResponse, error) {
	return replica.GetVersion200(replica.VersionInfo{Version: "2.6.0-SNAPSHOT", GitCommit: "db756dcdf24e2af6169659a67548501ed61f106c"}), nil
}

// Backup is the Leadership of a backup MetaServer whose primary is at addr.
type Backup string

// IsPrimary reports false: a backup redirects.
func (Backup) IsPrimary() bool { return false }

// PrimaryAddress is the primary's host:port.
func (b Backup) PrimaryAddress() string { return string(b) }
