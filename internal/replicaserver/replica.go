// Package replicaserver is the hand-written half of the reference
// ReplicaServer: it implements the generated replica.Handler over the
// replicas its node hosts in the shared cluster model (§6), the config
// registry and the metrics registry.
package replicaserver

import (
	"context"
	"fmt"
	"strconv"

	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
)

// rawArg is the argument as sent, which the real answers echo.
func rawArg(a replica.Args, name string, fallback int32) string {
	if v, ok := a.Get(name); ok {
		return v
	}
	return strconv.Itoa(int(fallback))
}

// GetReplicaDuplication answers /replica/duplication (§6.1): the
// duplications of the app's primaries on this node.
func (h *Handler) GetReplicaDuplication(_ context.Context, req replica.GetReplicaDuplicationRequest) (replica.GetReplicaDuplicationResponse, error) {
	var resp replica.GetReplicaDuplicationResponse
	h.model.Read(func(s *cluster.State) {
		t := s.TableByID(req.Appid)
		var primaries []int
		if t != nil && t.Available() {
			for i, p := range t.Partitions {
				if p.Primary == h.addr {
					primaries = append(primaries, i)
				}
			}
		}
		if len(primaries) == 0 {
			resp = replica.GetReplicaDuplication404(fmt.Sprintf("no primary for app [appid=%d]", req.Appid))
			return
		}
		if len(t.Duplications) == 0 {
			resp = replica.GetReplicaDuplication404(fmt.Sprintf("no duplication assigned for app [appid=%d]", req.Appid))
			return
		}
		body := replica.ReplicaDuplicationStatus{}
		for _, d := range t.Duplications {
			parts := replica.ReplicaDuplicationPartitions{}
			for _, pidx := range primaries {
				last := t.Partitions[pidx].LastCommitted
				parts[fmt.Sprintf("%d.%d", t.ID, pidx)] = replica.ReplicaDuplicationPartition{
					Duplicating: d.Status == "DS_LOG", FailMode: replica.ReplicaDuplicationPartitionFailMode(d.FailMode), RemoteAppName: d.RemoteAppName,
					NotConfirmedMutationsNum:  max(0, last-d.Confirmed[pidx]),
					NotDuplicatedMutationsNum: max(0, last-d.Duplicated[pidx]),
				}
			}
			body[strconv.Itoa(int(d.ID))] = parts
		}
		resp = replica.GetReplicaDuplication200(body)
	})
	return resp, nil
}

// GetReplicaDataVersion answers /replica/data_version (§6.2): every
// replica of the app on this node, primary or secondary.
func (h *Handler) GetReplicaDataVersion(_ context.Context, req replica.GetReplicaDataVersionRequest) (replica.GetReplicaDataVersionResponse, error) {
	var resp replica.GetReplicaDataVersionResponse
	h.model.Read(func(s *cluster.State) {
		body := replica.ReplicaDataVersions{}
		if t := s.TableByID(req.AppID); t != nil && t.Available() {
			for i, p := range t.Partitions {
				if p.Hosts(h.addr) {
					body[strconv.Itoa(i)] = replica.ReplicaDataVersion{DataVersion: int64(p.DataVersion)}
				}
			}
		}
		if len(body) == 0 {
			resp = replica.GetReplicaDataVersion404("app_id=" + rawArg(req.Args, "app_id", req.AppID) + " not found")
			return
		}
		resp = replica.GetReplicaDataVersion200(body)
	})
	return resp, nil
}

// GetReplicaManualCompaction answers /replica/manual_compaction (§6.3):
// counts over the app's replicas on this node, zeros for an unknown app.
func (h *Handler) GetReplicaManualCompaction(_ context.Context, req replica.GetReplicaManualCompactionRequest) (replica.GetReplicaManualCompactionResponse, error) {
	var c replica.ManualCompactionCounts
	now := h.model.Now()
	h.model.Read(func(s *cluster.State) {
		t := s.TableByID(req.AppID)
		if t == nil || !t.Available() {
			return
		}
		for _, p := range t.Partitions {
			if !p.Hosts(h.addr) {
				continue
			}
			switch t.CompactionNow(p, now) {
			case "queuing":
				c.Queuing++
			case "running":
				c.Running++
			case "finished":
				c.Finished++
			default:
				c.Idle++
			}
		}
	})
	return replica.GetReplicaManualCompaction200(replica.ManualCompactionStatus{Status: c}), nil
}
