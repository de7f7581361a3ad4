// Package metaserver is the hand-written half of the reference MetaServer:
// it implements the generated meta.Handler over the shared cluster model,
// the config registry and the metrics registry, answering as the real
// MetaServer does (wire-behaviour.md §3, §4, §7, §8).
package metaserver

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
)

// localTime formats ms since the epoch as the server's time_ms_to_string:
// local time with milliseconds.
func localTime(ms int64) string {
	return time.UnixMilli(ms).Local().Format("2006-01-02 15:04:05.000")
}

// GetMetaApp answers /meta/app (§4.1).
func (h *Handler) GetMetaApp(_ context.Context, req meta.GetMetaAppRequest) (meta.GetMetaAppResponse, error) {
	var resp meta.GetMetaAppResponse
	h.model.Read(func(s *cluster.State) {
		t := s.TableByName(req.Name)
		switch {
		case t == nil || t.Status == "DROPPED":
			resp = meta.GetMetaApp404("table not found: \"" + req.Name + "\"") // the name raw, as fmt::format writes it
		case !t.Available():
			// The real server assigns the error code to a std::string,
			// which keeps one byte of its numeric id (§4.1).
			b := "/" // ERR_BUSY_CREATING
			if t.Status == "DROPPING" {
				b = "0" // ERR_BUSY_DROPPING
			}
			resp = meta.GetMetaApp500(b)
		default:
			resp = meta.GetMetaApp200(appInfo(t, req.Detail))
		}
	})
	return resp, nil
}

// appInfo is add_app_info: the general table, and with detail the
// replicas, per-node counts and health.
func appInfo(t *cluster.Table, detail bool) meta.MetaAppInfo {
	info := meta.MetaAppInfo{General: meta.MetaAppGeneral{
		AppName: t.Name, AppID: int64(t.ID), PartitionCount: int64(len(t.Partitions)),
	}}
	if len(t.Partitions) > 0 {
		info.General.MaxReplicaCount = int64(t.MaxReplicaCount)
	}
	if !detail {
		return info
	}
	type counts struct{ primary, secondary int64 }
	perNode := map[string]*counts{}
	var nodes []string
	count := func(addr string) *counts {
		c := perNode[addr]
		if c == nil {
			c = &counts{}
			perNode[addr] = c
			nodes = append(nodes, addr)
		}
		return c
	}
	info.Replicas = meta.MetaAppReplicas{}
	for i, p := range t.Partitions {
		primary := p.Primary
		if primary == "" {
			primary = "-"
		} else {
			count(p.Primary).primary++
		}
		for _, sec := range p.Secondaries {
			count(sec).secondary++
		}
		info.Replicas = append(info.Replicas, meta.MetaAppReplica{
			Pidx: int64(i), Ballot: p.Ballot, Primary: primary,
			ReplicaCount: fmt.Sprintf("%d/%d", p.ReplicaCount(), t.MaxReplicaCount),
			Secondaries:  "[" + strings.Join(p.Secondaries, ",") + "]",
		})
	}
	cluster.SortHostPorts(nodes)
	info.Nodes = meta.MetaAppNodes{}
	var total counts
	for _, n := range nodes {
		c := perNode[n]
		total.primary += c.primary
		total.secondary += c.secondary
		info.Nodes = append(info.Nodes, meta.MetaAppNodeCount{Node: n, Primary: c.primary, Secondary: c.secondary, Total: c.primary + c.secondary})
	}
	info.Nodes = append(info.Nodes, meta.MetaAppNodeCount{Node: "total", Primary: total.primary, Secondary: total.secondary, Total: total.primary + total.secondary})
	hl := t.Health()
	info.Healthy = &meta.MetaAppHealth{
		FullyHealthyPartitionCount: int64(hl.FullyHealthy), UnhealthyPartitionCount: int64(hl.Unhealthy),
		WriteUnhealthyPartitionCount: int64(hl.WriteUnhealthy), ReadUnhealthyPartitionCount: int64(hl.ReadUnhealthy),
	}
	return info
}

// ListMetaApps answers /meta/apps (§4.3): available tables only.
func (h *Handler) ListMetaApps(_ context.Context, req meta.ListMetaAppsRequest) (meta.ListMetaAppsResponse, error) {
	var body meta.MetaAppsInfo
	h.model.Read(func(s *cluster.State) {
		body.GeneralInfo = meta.MetaAppsGeneralInfo{}
		var healthy meta.MetaAppsHealthyInfo
		var fully, unhealthy, writeU, readU int64
		for _, t := range s.Tables {
			if !t.Available() {
				continue
			}
			created := "-"
			if t.CreateSecond > 0 {
				created = localTime(t.CreateSecond * 1000)
			}
			body.GeneralInfo = append(body.GeneralInfo, meta.MetaAppsGeneral{
				AppID: int64(t.ID), Status: "AVAILABLE", AppName: t.Name, AppType: t.Type,
				PartitionCount: int64(len(t.Partitions)), ReplicaCount: int64(t.MaxReplicaCount), IsStateful: *t.Stateful,
				CreateTime: created, DropTime: "-", DropExpire: "-", EnvsCount: int64(len(t.Envs)),
			})
			hl := t.Health()
			healthy = append(healthy, meta.MetaAppsHealthy{
				AppID: int64(t.ID), AppName: t.Name, PartitionCount: int64(len(t.Partitions)),
				FullyHealthy: int64(hl.FullyHealthy), Unhealthy: int64(hl.Unhealthy),
				WriteUnhealthy: int64(hl.WriteUnhealthy), ReadUnhealthy: int64(hl.ReadUnhealthy),
			})
			if hl.FullyHealthy == len(t.Partitions) {
				fully++
			} else {
				unhealthy++
			}
			if hl.WriteUnhealthy > 0 {
				writeU++
			}
			if hl.ReadUnhealthy > 0 {
				readU++
			}
		}
		body.Summary.TotalAppCount = int64(len(body.GeneralInfo))
		if req.Detail && len(body.GeneralInfo) > 0 {
			body.HealthyInfo = healthy
			body.Summary.FullyHealthyAppCount = &fully
			body.Summary.UnhealthyAppCount = &unhealthy
			body.Summary.WriteUnhealthyAppCount = &writeU
			body.Summary.ReadUnhealthyAppCount = &readU
		}
	})
	return meta.ListMetaApps200(body), nil
}

// ListMetaNodes answers /meta/nodes (§4.4).
func (h *Handler) ListMetaNodes(_ context.Context, req meta.ListMetaNodesRequest) (meta.ListMetaNodesResponse, error) {
	var body meta.MetaNodesInfo
	h.model.Read(func(s *cluster.State) {
		prim, sec := map[string]int64{}, map[string]int64{}
		if req.Detail {
			for _, t := range s.Tables {
				if !t.Available() {
					continue
				}
				for _, p := range t.Partitions {
					if p.Primary != "" {
						prim[p.Primary]++
					}
					for _, a := range p.Secondaries {
						sec[a]++
					}
				}
			}
		}
		nodes := append([]cluster.Node(nil), s.Nodes...)
		addrs := make([]string, len(nodes))
		alive := map[string]bool{}
		for i, n := range nodes {
			addrs[i] = n.Address
			alive[n.Address] = n.Alive
		}
		cluster.SortHostPorts(addrs)
		body.Details = meta.MetaNodeDetails{}
		for _, a := range addrs {
			d := meta.MetaNodeDetail{Address: a, Status: "UNALIVE"}
			if alive[a] {
				d.Status = "ALIVE"
				body.Summary.AliveNodeCount++
			} else {
				body.Summary.UnaliveNodeCount++
			}
			if req.Detail {
				p, s2 := prim[a], sec[a]
				total := p + s2
				d.ReplicaCount, d.PrimaryCount, d.SecondaryCount = &total, &p, &s2
			}
			body.Details = append(body.Details, d)
		}
		body.Summary.TotalNodeCount = int64(len(addrs))
	})
	return meta.ListMetaNodes200(body), nil
}

// balanceOperationCount is greedy_load_balancer's answer when nothing is
// being balanced, a JSON text dumped with 2-space indent (§4.5).
const balanceOperationCount = "{\n  \"copy_pri\": 0,\n  \"copy_sec\": 0,\n  \"move_pri\": 0,\n  \"total\": 0\n}"

// GetMetaCluster answers /meta/cluster (§4.5).
func (h *Handler) GetMetaCluster(context.Context, meta.GetMetaClusterRequest) (meta.GetMetaClusterResponse, error) {
	var body meta.MetaClusterInfo
	h.model.Read(func(s *cluster.State) {
		p, t := s.BalanceScores()
		body = meta.MetaClusterInfo{
			MetaServers: strings.Join(s.Metas, ","), PrimaryMetaServer: h.lead.PrimaryAddress(),
			ZookeeperHosts: s.ZookeeperHosts, ZookeeperRoot: s.ZookeeperRoot, MetaFunctionLevel: meta.MetaClusterInfoMetaFunctionLevel(s.FunctionLevel),
			BalanceOperationCount: balanceOperationCount, PrimaryReplicaCountStddev: p, TotalReplicaCountStddev: t,
		}
	})
	return meta.GetMetaCluster200(body), nil
}

// GetMetaAppEnvs answers /meta/app_envs (§4.6): {} for an unknown table.
func (h *Handler) GetMetaAppEnvs(_ context.Context, req meta.GetMetaAppEnvsRequest) (meta.GetMetaAppEnvsResponse, error) {
	envs := meta.AppEnvs{}
	h.model.Read(func(s *cluster.State) {
		if t := s.TableByName(req.Name); t != nil && t.Available() {
			for k, v := range t.Envs {
				envs[k] = v
			}
		}
	})
	return meta.GetMetaAppEnvs200(envs), nil
}

// GetMetaBackupPolicy answers /meta/backup_policy (§4.7); the generated
// server has already answered 404 when cold backup is disabled.
func (h *Handler) GetMetaBackupPolicy(_ context.Context, req meta.GetMetaBackupPolicyRequest) (meta.GetMetaBackupPolicyResponse, error) {
	body := meta.BackupPolicyMap{}
	h.model.Read(func(s *cluster.State) {
		for _, p := range s.BackupPolicies {
			if req.Name != nil && *req.Name != p.Name {
				continue
			}
			ids := make([]string, 0, len(p.AppIDs))
			for _, id := range sortedIDs(p.AppIDs) {
				ids = append(ids, strconv.Itoa(int(id)))
			}
			status := "disabled"
			if p.Enabled {
				status = "enabled"
			}
			body = append(body, meta.BackupPolicy{
				Name: p.Name, BackupProviderType: p.ProviderType, BackupInterval: p.IntervalSeconds,
				AppIDs: "[" + strings.Join(ids, ",") + "]", StartTime: p.StartTime, Status: meta.BackupPolicyStatus(status), BackupHistoryCount: p.HistoryCount,
			})
		}
	})
	return meta.GetMetaBackupPolicy200(body), nil
}

// sortedIDs is a std::set<int32_t>'s order.
func sortedIDs(in []int32) []int32 {
	out := append([]int32(nil), in...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
