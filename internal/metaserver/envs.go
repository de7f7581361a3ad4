package metaserver

import (
	"context"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
)

// envCatalog is what GET /envs/list describes: every table env the
// MetaServer's app_env_validator accepts (§7), with its limitation, a sample
// and the validator's type name (which says "unsigned" even for envs that
// accept -1, as the real one does). Written from the list of §7; the
// limitation texts of envs the reference page does not show are ours.
var envCatalog = map[string]meta.EnvDescription{
	"business.info":                                       {Limitation: "", Sample: "", Type: "string"},
	"default_ttl":                                         {Limitation: ">= 0", Sample: "86400", Type: "unsigned int32"},
	"duplication.follower_app_status":                     {Limitation: "creating | created", Sample: "created", Type: "string"},
	"duplication.master_app_name":                         {Limitation: "", Sample: "", Type: "string"},
	"duplication.master_cluster":                          {Limitation: "", Sample: "", Type: "string"},
	"duplication.master_metas":                            {Limitation: "", Sample: "", Type: "string"},
	"manual_compact.disabled":                             {Limitation: "true | false", Sample: "true", Type: "bool"},
	"manual_compact.max_concurrent_running_count":         {Limitation: ">= 0", Sample: "8", Type: "unsigned int32"},
	"manual_compact.once.bottommost_level_compaction":     {Limitation: "force | skip", Sample: "skip", Type: "string"},
	"manual_compact.once.target_level":                    {Limitation: "-1 or >= 1", Sample: "6", Type: "unsigned int64"},
	"manual_compact.once.trigger_time":                    {Limitation: "> 0, timestamp (in seconds) of the trigger time", Sample: "1700000000", Type: "unsigned int64"},
	"manual_compact.periodic.bottommost_level_compaction": {Limitation: "force | skip", Sample: "skip", Type: "string"},
	"manual_compact.periodic.target_level":                {Limitation: "-1 or >= 1", Sample: "6", Type: "unsigned int64"},
	"manual_compact.periodic.trigger_time":                {Limitation: "", Sample: "3:00,21:00", Type: "string"},
	"replica.backup_request_throttling":                   {Limitation: "<size[K|M]>*<delay>*<qps>", Sample: "10000*delay*100", Type: "string"},
	"replica.deny_client_request":                         {Limitation: "timeout*all | timeout*write | timeout*read | reconfig*all | reconfig*write | reconfig*read", Sample: "timeout*all", Type: "string"},
	"replica.read_throttling":                             {Limitation: "<size[K|M]>*<delay|reject>*<milliseconds>", Sample: "10000*delay*100,20000*reject*100", Type: "string"},
	"replica.read_throttling_by_size":                     {Limitation: "", Sample: "20000", Type: "unsigned int64"},
	"replica.rocksdb_block_cache_enabled":                 {Limitation: "true | false", Sample: "true", Type: "bool"},
	"replica.rocksdb_iteration_threshold_time_ms":         {Limitation: ">= 0", Sample: "1000", Type: "unsigned int64"},
	"replica.slow_query_threshold":                        {Limitation: ">= 20", Sample: "1000", Type: "unsigned int64"},
	"replica.split.validate_partition_hash":               {Limitation: "true | false", Sample: "true", Type: "bool"},
	"replica.write_throttling":                            {Limitation: "<size[K|M]>*<delay|reject>*<milliseconds>", Sample: "10000*delay*100,20000*reject*100", Type: "string"},
	"replica.write_throttling_by_size":                    {Limitation: "", Sample: "20000", Type: "unsigned int64"},
	"replica_access_controller.allowed_users":             {Limitation: "", Sample: "", Type: "string"},
	"replica_access_controller.ranger_policies":           {Limitation: "", Sample: "", Type: "string"},
	"rocksdb.allow_ingest_behind":                         {Limitation: "true | false", Sample: "true", Type: "bool"},
	"rocksdb.checkpoint.reserve_min_count":                {Limitation: "> 0", Sample: "2", Type: "unsigned int32"},
	"rocksdb.checkpoint.reserve_time_seconds":             {Limitation: ">= 0", Sample: "600", Type: "unsigned int32"},
	"rocksdb.num_levels":                                  {Limitation: "In range [1, 10]", Sample: "6", Type: "unsigned int32"},
	"rocksdb.usage_scenario":                              {Limitation: "bulk_load | normal | prefer_write", Sample: "normal", Type: "string"},
	"rocksdb.write_buffer_size":                           {Limitation: "In range [16777216, 536870912]", Sample: "16777216", Type: "unsigned int64"},
	"user_specified_compaction":                           {Limitation: "", Sample: "", Type: "string"},
}

// ListEnvs answers /envs/list (§7), served only when the envs_list feature is on.
func (h *Handler) ListEnvs(context.Context, meta.ListEnvsRequest) (meta.ListEnvsResponse, error) {
	body := make(meta.EnvDescriptions, len(envCatalog))
	for k, v := range envCatalog {
		body[k] = v
	}
	return meta.ListEnvs200(body), nil
}
