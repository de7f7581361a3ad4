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

// GetMetaAppDuplication answers /meta/app/duplication (§4.2); the
// generated server has answered the disabled guard and the absent name.
func (h *Handler) GetMetaAppDuplication(_ context.Context, req meta.GetMetaAppDuplicationRequest) (meta.GetMetaAppDuplicationResponse, error) {
	var resp meta.GetMetaAppDuplicationResponse
	h.model.Read(func(s *cluster.State) {
		t := s.TableByName(req.Name)
		if t == nil || !t.Available() {
			resp = meta.GetMetaAppDuplication404("ERR_APP_NOT_EXIST")
			return
		}
		if len(t.Duplications) == 0 {
			resp = meta.GetMetaAppDuplication200(nil) // the nlohmann object never assigned: null
			return
		}
		body := &meta.DuplicationQueryResponse{Appid: t.ID, Extra: map[string]meta.DuplicationEntry{}}
		for i, d := range t.Duplications {
			e := meta.DuplicationEntry{
				CreateTS: time.UnixMilli(d.CreateMillis).Local().Format("2006-01-02 15:04:05"),
				Dupid:    d.ID, FailMode: meta.DuplicationEntryFailMode(d.FailMode), Remote: d.Remote, Status: meta.DuplicationEntryStatus(d.Status),
				RemoteAppName: d.RemoteAppName, RemoteReplicaCount: d.RemoteReplicaCount,
			}
			// Partitions that have not started duplicating are left out; none
			// started leaves the object unassigned, null.
			for pidx, p := range t.Partitions {
				if c, ok := d.Confirmed[pidx]; ok {
					if e.PartitionStates == nil {
						e.PartitionStates = meta.DuplicationPartitionStates{}
					}
					e.PartitionStates[strconv.Itoa(pidx)] = meta.DuplicationPartitionState{ConfirmedDecree: c, LastCommittedDecree: p.LastCommitted}
				}
			}
			// Keys are 1-based positions in the list, not dupids (§4.2).
			body.Extra[strconv.Itoa(i+1)] = e
		}
		resp = meta.GetMetaAppDuplication200(body)
	})
	return resp, nil
}

// bulkLoadStatus is the qualified enum name /meta/app/query_bulk_load
// prints (§4.9).
func bulkLoadStatus(s string) string { return "replication::bulk_load_status::BLS_" + s }

// StartBulkLoad answers /meta/app/start_bulk_load (§4.8) with the
// immediate answer of bulk_load_service::on_start_bulk_load.
func (h *Handler) StartBulkLoad(_ context.Context, req meta.StartBulkLoadRequest) (meta.StartBulkLoadResponse, error) {
	b := req.Body
	res := meta.StartBulkLoadResult{Error: "ERR_OK"}
	now := h.model.Now()
	err := h.model.Write(func(s *cluster.State) {
		t := s.TableByName(b.AppName)
		switch {
		case t == nil:
			res = meta.StartBulkLoadResult{Error: "ERR_APP_NOT_EXIST", HintMsg: fmt.Sprintf("app %s is ", "not existed")} // sic: the real format string takes the word, not the name
		case !t.Available():
			res = meta.StartBulkLoadResult{Error: "ERR_APP_DROPPED", HintMsg: fmt.Sprintf("app %s is ", "not available")}
		case inBulkLoad(t.BulkLoadNow(now)):
			res = meta.StartBulkLoadResult{Error: "ERR_BUSY", HintMsg: fmt.Sprintf("app(%s) is already executing bulk load", b.AppName)}
		case b.FileProviderType != "local_service" && b.FileProviderType != "hdfs_service":
			res = meta.StartBulkLoadResult{Error: "ERR_INVALID_PARAMETERS", HintMsg: "invalid file_provider"}
		default:
			t.BulkLoad, t.BulkLoadStarted = "DOWNLOADING", now
		}
	})
	if err != nil {
		return meta.StartBulkLoadResponse{}, err // not kept: never answer as if it were
	}
	return meta.StartBulkLoad200(res), nil
}

// inBulkLoad reports whether a status means a bulk load is running.
func inBulkLoad(status string) bool {
	switch status {
	case "INVALID", "SUCCEED", "FAILED", "CANCELED":
		return false
	}
	return true
}

// QueryBulkLoad answers /meta/app/query_bulk_load (§4.9).
func (h *Handler) QueryBulkLoad(_ context.Context, req meta.QueryBulkLoadRequest) (meta.QueryBulkLoadResponse, error) {
	res := meta.QueryBulkLoadResult{Error: "ERR_APP_NOT_EXIST", AppStatus: meta.QueryBulkLoadResultAppStatus(bulkLoadStatus("INVALID"))}
	now := h.model.Now()
	h.model.Read(func(s *cluster.State) {
		if t := s.TableByName(req.Name); t != nil && t.Available() {
			res = meta.QueryBulkLoadResult{Error: "ERR_OK", AppStatus: meta.QueryBulkLoadResultAppStatus(bulkLoadStatus(t.BulkLoadNow(now)))}
		}
	})
	return meta.QueryBulkLoad200(res), nil
}

// setEnvs is server_state::set_app_envs: check the table and each value
// with the env validator, then write them all.
// A once-compaction also starts the replicas' compaction. The error is a
// change the model could not keep (a MetaServer that lost its lock).
func (h *Handler) setEnvs(name string, envs [][2]string, compactNow bool) (meta.AppEnvUpdateResult, error) {
	res := meta.AppEnvUpdateResult{Error: "ERR_OK"}
	for _, kv := range envs {
		if hint := validateEnv(kv[0], kv[1]); hint != "" {
			return meta.AppEnvUpdateResult{Error: "ERR_INVALID_PARAMETERS", HintMessage: hint}, nil
		}
	}
	err := h.model.Write(func(s *cluster.State) {
		t := s.TableByName(name)
		switch {
		case t == nil || t.Status == "DROPPED":
			res = meta.AppEnvUpdateResult{Error: "ERR_APP_NOT_EXIST", HintMessage: "app cannot be found"}
		case t.Status == "DROPPING":
			res = meta.AppEnvUpdateResult{Error: "ERR_BUSY_DROPPING", HintMessage: "app is being dropped"}
		default:
			for _, kv := range envs {
				t.Envs[kv[0]] = kv[1]
			}
			if compactNow {
				t.CompactionStarted = h.model.Now()
			}
		}
	})
	return res, err
}

// StartCompaction answers /meta/app/start_compaction (§4.10): the
// generated server has validated the body; this writes the
// manual_compact.* envs.
func (h *Handler) StartCompaction(_ context.Context, req meta.StartCompactionRequest) (meta.StartCompactionResponse, error) {
	b := req.Body
	prefix := "manual_compact." + b.Type + "."
	trigger := b.TriggerTime
	if b.Type == "once" {
		trigger = strconv.FormatInt(h.model.Now().Unix(), 10) // the body's trigger_time is ignored
	}
	envs := [][2]string{
		{prefix + "target_level", strconv.Itoa(int(b.TargetLevel))},
		{prefix + "bottommost_level_compaction", b.BottommostLevelCompaction},
		{prefix + "trigger_time", trigger},
	}
	if b.MaxConcurrentRunningCount > 0 {
		envs = append(envs, [2]string{"manual_compact.max_concurrent_running_count", strconv.Itoa(int(b.MaxConcurrentRunningCount))})
	}
	res, err := h.setEnvs(b.AppName, envs, b.Type == "once")
	if err != nil {
		return meta.StartCompactionResponse{}, err
	}
	return meta.StartCompaction200(res), nil
}

// UpdateUsageScenario answers /meta/app/usage_scenario (§4.11).
func (h *Handler) UpdateUsageScenario(_ context.Context, req meta.UpdateUsageScenarioRequest) (meta.UpdateUsageScenarioResponse, error) {
	res, err := h.setEnvs(req.Body.AppName, [][2]string{{"rocksdb.usage_scenario", req.Body.Scenario}}, false)
	if err != nil {
		return meta.UpdateUsageScenarioResponse{}, err
	}
	return meta.UpdateUsageScenario200(res), nil
}

// validateEnv is the part of app_env_validator the HTTP endpoints can
// reach: the manual compaction and usage scenario envs.
func validateEnv(key, value string) string {
	switch {
	case strings.HasSuffix(key, ".target_level"):
		n, err := strconv.Atoi(value)
		if err != nil || !(n == -1 || n >= 1) {
			return fmt.Sprintf("invalid value '%s', should be '-1 or >= 1'", value)
		}
	case key == "manual_compact.max_concurrent_running_count":
		if n, err := strconv.Atoi(value); err != nil || n < 0 {
			return fmt.Sprintf("invalid value '%s', should be '>= 0'", value)
		}
	case key == "manual_compact.periodic.trigger_time":
		for _, hm := range strings.Split(value, ",") {
			if _, err := time.Parse("15:04", hm); err != nil {
				return fmt.Sprintf("invalid value '%s', should be 'a comma-separated list of HH:MM'", value)
			}
		}
	case key == "rocksdb.usage_scenario":
		if value != "normal" && value != "prefer_write" && value != "bulk_load" {
			return fmt.Sprintf("invalid value '%s', should be 'normal, prefer_write or bulk_load'", value)
		}
	}
	return ""
}
