COUNT = "pattern: '^(0|[1-9][0-9]*)$'"
# ---- ConfigFlag
schema_rules('ConfigFlag', """      x-pegasus-rules:
        - rule: 'self.type != "FV_BOOL" || self.value in ["true", "false"]'
          message: a FV_BOOL flag's value is true or false
          cite: 'src/utils/flags.cpp flag_data::to_table_printer (TABLE_PRINTER_ADD_VALUE(bool)); src/utils/output_utils.h table_printer::to_string<bool>'
        - rule: '!(self.type in ["FV_INT32", "FV_INT64"]) || self.value.matches("^-?[0-9]+$")'
          message: a signed integer flag's value is a decimal integer
          cite: 'src/utils/flags.cpp flag_data::to_table_printer (TABLE_PRINTER_ADD_VALUE(int32_t/int64_t), std::to_string)'
        - rule: '!(self.type in ["FV_UINT32", "FV_UINT64"]) || self.value.matches("^[0-9]+$")'
          message: an unsigned integer flag's value is a decimal integer without a sign
          cite: 'src/utils/flags.cpp flag_data::to_table_printer (TABLE_PRINTER_ADD_VALUE(uint32_t/uint64_t), std::to_string)'
        - rule: 'self.type != "FV_DOUBLE" || self.value.matches("^(-?[0-9]+[.][0-9]{2}|-?inf|-?nan)$")'
          message: a FV_DOUBLE flag's value has exactly 2 decimals
          cite: 'src/utils/output_utils.h table_printer::to_string<double> (std::fixed, setprecision(2); "0.00" below 1e-6); wire-behaviour.md §3.3'
""")
op_rules('getConfig', """        rules:
          - rule: 'type(self) == string || self.name == args.name'
            message: the flag answered is the flag named by name
            cite: 'src/http/config_http_service.cpp get_config (get_flag_str(config_name)); src/utils/flags.cpp flag_data::to_table_printer'
""")

# ---- /metrics
op_rules('getMetrics', """        rules:
          - rule: '"with_metric_fields" in args || "detail" in args || self.entities.all(e, e.metrics.all(m, !has(m.type) && !has(m.unit) && !has(m.desc)))'
            message: without detail or with_metric_fields every metric is brief (no type, unit or desc)
            cite: 'src/utils/metrics.cpp metrics_http_service::get_metrics_handler (kBriefMetricFields = name, value, percentiles); src/utils/metrics.h metric::encode'
          - rule: '"with_metric_fields" in args || !("detail" in args) || args.detail != "true" || self.entities.all(e, e.metrics.all(m, has(m.type) && has(m.name) && has(m.unit) && has(m.desc)))'
            message: with detail=true (and no with_metric_fields) every metric has type, name, unit and desc
            cite: 'src/utils/metrics.cpp metrics_http_service::get_metrics_handler (no field filter when detail is true); src/utils/metrics.h metric::encode_prototype'
          - rule: 'self.entities.all(e, size(e.metrics) >= 1)'
            message: an entity is listed only with at least one metric
            cite: 'src/utils/metrics.cpp metric_entity::take_snapshot (an entity whose metrics were all filtered out is not written)'
""")
op_rules('getMetrics', """        rules:
          - rule: '!("types" in args) || !args.types.matches("^[a-z_]+(,[a-z_]+)*$") || self.entities.all(e, e.type in args.types.split(","))'
            message: every entity listed is of a type asked for in types
            cite: 'src/utils/metrics.cpp metric_entity::take_snapshot (filters.match_entity_type); src/utils/metrics.h metric_filters::match_entity_type'
          - rule: '!("ids" in args) || !args.ids.matches("^[^, ]+(,[^, ]+)*$") || self.entities.all(e, e.id in args.ids.split(","))'
            message: every entity listed has an id asked for in ids
            cite: 'src/utils/metrics.cpp metric_entity::take_snapshot (filters.match_entity_id)'
          - rule: 'type(self.port) == string || node.endsWith(":" + string(self.port))'
            message: port is the port of the server asked (the HTTP API is served on the RPC port)
            cite: 'src/utils/metrics.cpp encode_port (rpc->primary_host_port().port()); src/http/http_server.cpp (the HTTP server shares the RPC port)'
""")

# ---- /meta/app
op_rules('getMetaApp', """        rules:
          - rule: 'self.general.app_name == args.name'
            message: the table answered is the table named by name
            cite: 'src/meta/meta_http_service.cpp get_app_handler (add_app_info(app_name, ...) with the name asked); src/common/replication_common.cpp add_app_info'
          - rule: 'has(self.replicas) == ("detail" in args) && has(self.nodes) == ("detail" in args) && has(self.healthy) == ("detail" in args)'
            message: replicas, nodes and healthy are present exactly when detail is given
            cite: 'src/common/replication_common.cpp add_app_info (returns after general when !detailed); src/meta/meta_http_service.cpp get_app_handler (detail is a presence flag)'
""")
schema_rules('MetaAppInfo', """      x-pegasus-rules:
        - rule: 'int(self.general.partition_count) >= 1'
          message: partition_count is at least 1
          cite: 'src/meta/server_state.cpp server_state::create_app (partition_count <= 0 is ERR_INVALID_PARAMETERS)'
        - rule: '!has(self.replicas) || size(self.replicas) == int(self.general.partition_count)'
          message: replicas lists every partition, partition_count of them
          cite: 'src/meta/server_state.cpp server_state::query_configuration_by_index (no partition_indices: all of app->pcs); src/common/replication_common.cpp add_app_info'
        - rule: '!has(self.replicas) || self.replicas.all(k, int(k) < int(self.general.partition_count))'
          message: every pidx is below partition_count
          cite: 'src/common/replication_common.cpp add_app_info (partitions_printer.add_row(pc.pid.get_partition_index()))'
        - rule: '!has(self.healthy) || int(self.healthy.fully_healthy_partition_count) + int(self.healthy.unhealthy_partition_count) == int(self.general.partition_count)'
          message: fully healthy and unhealthy partitions add up to partition_count
          cite: 'src/common/replication_common.cpp add_app_info (unhealthy_partition_count = partition_count - fully_healthy)'
        - rule: '!has(self.healthy) || !has(self.replicas) || int(self.healthy.read_unhealthy_partition_count) == size(self.replicas.filter(k, self.replicas[k].primary == "-"))'
          message: read_unhealthy_partition_count is the number of partitions without a primary
          cite: 'src/common/replication_common.cpp add_app_info (++read_unhealthy when !pc.hp_primary; primary printed as "-")'
        - rule: '!has(self.nodes) || !has(self.replicas) || int(self.nodes["total"].primary) == size(self.replicas.filter(k, self.replicas[k].primary != "-"))'
          message: the total row's primary count is the number of partitions with a primary
          cite: 'src/common/replication_common.cpp add_app_info (++total_prim_count for each pc.hp_primary)'
""")
schema_rules('MetaAppNodes', """      x-pegasus-rules:
        - rule: '"total" in self'
          message: the nodes table ends with its total row
          cite: 'src/common/replication_common.cpp add_app_info (nodes_printer.add_row(total_row_name)); src/meta/meta_http_service.cpp get_app_handler ("total")'
        - rule: '!("total" in self) || self.all(k, k == "total" || int(self[k].primary) <= int(self["total"].primary) && int(self[k].secondary) <= int(self["total"].secondary))'
          message: no node holds more primaries or secondaries than the total row
          cite: 'src/common/replication_common.cpp add_app_info (total_prim_count and total_sec_count count every replica the node rows count)'
""")
schema_rules('MetaAppNodeCount', """      x-pegasus-rules:
        - rule: 'int(self.total) == int(self.primary) + int(self.secondary)'
          message: total is primary + secondary
          cite: 'src/common/replication_common.cpp add_app_info (nodes_printer.append_data(stat.primary_count + stat.secondary_count))'
""")
schema_rules('MetaAppHealth', """      x-pegasus-rules:
        - rule: 'int(self.read_unhealthy_partition_count) <= int(self.write_unhealthy_partition_count)'
          message: a read-unhealthy partition is also write-unhealthy
          cite: 'src/common/replication_common.cpp add_app_info (no primary: ++write_unhealthy and ++read_unhealthy)'
        - rule: 'int(self.write_unhealthy_partition_count) <= int(self.unhealthy_partition_count)'
          message: a write-unhealthy partition is not fully healthy
          cite: 'src/common/replication_common.cpp add_app_info (write_unhealthy only counted where the partition is not fully healthy)'
""")
# ---- /meta/apps
op_rules('listMetaApps', """        rules:
          - rule: 'has(self.healthy_info) == ("detail" in args && size(self.general_info) > 0)'
            message: healthy_info is present exactly when detail is given and a table is listed
            cite: 'src/meta/meta_http_service.cpp list_app_handler (if (detailed && available_app_count > 0) mtp.add(tp_health))'
          - rule: 'has(self.summary.fully_healthy_app_count) == ("detail" in args && size(self.general_info) > 0) && has(self.summary.unhealthy_app_count) == has(self.summary.fully_healthy_app_count) && has(self.summary.write_unhealthy_app_count) == has(self.summary.fully_healthy_app_count) && has(self.summary.read_unhealthy_app_count) == has(self.summary.fully_healthy_app_count)'
            message: the four health counts of summary are present exactly when detail is given and a table is listed
            cite: 'src/meta/meta_http_service.cpp list_app_handler (tp_count rows added only if detailed && available_app_count > 0)'
""")
schema_rules('MetaAppsInfo', """      x-pegasus-rules:
        - rule: 'int(self.summary.total_app_count) == size(self.general_info)'
          message: total_app_count is the number of tables listed in general_info
          cite: 'src/meta/meta_http_service.cpp list_app_handler (available_app_count++ for each AVAILABLE table, the rows of tp_general)'
        - rule: '!has(self.healthy_info) || size(self.healthy_info) == size(self.general_info) && self.healthy_info.all(k, k in self.general_info && self.healthy_info[k].app_name == self.general_info[k].app_name && self.healthy_info[k].partition_count == self.general_info[k].partition_count)'
          message: healthy_info lists the tables of general_info, with the same names and partition counts
          cite: 'src/meta/meta_http_service.cpp list_app_handler (both tables iterate list_apps_resp.infos, skipping the same non-AVAILABLE tables)'
        - rule: '!has(self.summary.fully_healthy_app_count) || int(self.summary.fully_healthy_app_count) + int(self.summary.unhealthy_app_count) == int(self.summary.total_app_count)'
          message: fully healthy and unhealthy tables add up to total_app_count
          cite: 'src/meta/meta_http_service.cpp list_app_handler (each AVAILABLE table counts once in total_fully_healthy_app_count or total_unhealthy_app_count)'
        - rule: '!has(self.summary.fully_healthy_app_count) || !has(self.healthy_info) || int(self.summary.fully_healthy_app_count) == size(self.healthy_info.filter(k, self.healthy_info[k].fully_healthy == self.healthy_info[k].partition_count))'
          message: fully_healthy_app_count is the number of tables of healthy_info whose partitions are all fully healthy
          cite: 'src/meta/meta_http_service.cpp list_app_handler (if (fully_healthy == info.partition_count) total_fully_healthy_app_count++)'
        - rule: '!has(self.summary.read_unhealthy_app_count) || !has(self.healthy_info) || int(self.summary.read_unhealthy_app_count) == size(self.healthy_info.filter(k, int(self.healthy_info[k].read_unhealthy) > 0)) && int(self.summary.write_unhealthy_app_count) == size(self.healthy_info.filter(k, int(self.healthy_info[k].write_unhealthy) > 0))'
          message: write_ and read_unhealthy_app_count count the tables of healthy_info with such partitions
          cite: 'src/meta/meta_http_service.cpp list_app_handler (if (write_unhealthy > 0) ...; if (read_unhealthy > 0) ...)'
""")
schema_rules('MetaAppsGeneral', """      x-pegasus-rules:
        - rule: 'int(self.partition_count) >= 1'
          message: partition_count is at least 1
          cite: 'src/meta/server_state.cpp server_state::create_app (partition_count <= 0 is ERR_INVALID_PARAMETERS)'
""")
schema_rules('MetaAppsHealthy', """      x-pegasus-rules:
        - rule: 'int(self.fully_healthy) + int(self.unhealthy) == int(self.partition_count)'
          message: fully healthy and unhealthy partitions add up to partition_count
          cite: 'src/meta/meta_http_service.cpp list_app_handler (tp_health.append_data(info.partition_count - fully_healthy))'
        - rule: 'int(self.read_unhealthy) <= int(self.write_unhealthy) && int(self.write_unhealthy) <= int(self.unhealthy)'
          message: read_unhealthy <= write_unhealthy <= unhealthy (a partition without primary is both; a write-unhealthy one is not fully healthy)
          cite: 'src/meta/meta_http_service.cpp list_app_handler (health loop: no primary counts write_ and read_unhealthy; write_unhealthy only in the not-fully-healthy branch)'
""")

# ---- /meta/nodes
op_rules('listMetaNodes', """        rules:
          - rule: 'self.details.all(k, has(self.details[k].replica_count) == ("detail" in args) && has(self.details[k].primary_count) == ("detail" in args) && has(self.details[k].secondary_count) == ("detail" in args))'
            message: replica_count, primary_count and secondary_count are present on every node exactly when detail is given
            cite: 'src/meta/meta_http_service.cpp list_node_handler (the three columns are added only if (detailed))'
""")
schema_rules('MetaNodesInfo', """      x-pegasus-rules:
        - rule: 'int(self.summary.total_node_count) == size(self.details)'
          message: total_node_count is the number of nodes listed in details
          cite: 'src/meta/meta_http_service.cpp list_node_handler (details rows: _alive_set and _dead_set; total = their sizes); src/meta/meta_service.cpp set_node_state (a node is in one set only)'
        - rule: 'int(self.summary.alive_node_count) == size(self.details.filter(k, self.details[k].status == "ALIVE"))'
          message: alive_node_count is the number of ALIVE nodes listed in details
          cite: 'src/meta/meta_http_service.cpp list_node_handler (_alive_set rows are ALIVE, alive_node_count = _alive_set.size())'
""")
schema_rules('MetaNodesSummary', """      x-pegasus-rules:
        - rule: 'int(self.total_node_count) == int(self.alive_node_count) + int(self.unalive_node_count)'
          message: total_node_count is alive_node_count + unalive_node_count
          cite: 'src/meta/meta_http_service.cpp list_node_handler (total_node_count = alive_node_count + unalive_node_count)'
""")
schema_rules('MetaNodeDetail', """      x-pegasus-rules:
        - rule: '!has(self.replica_count) || int(self.replica_count) == int(self.primary_count) + int(self.secondary_count)'
          message: replica_count is primary_count + secondary_count
          cite: 'src/meta/meta_http_service.cpp list_node_handler (append_data(primary_count + secondary_count))'
""")
# ---- /meta/app_envs, /meta/backup_policy, duplication
op_rules('getMetaBackupPolicy', """        rules:
          - rule: '!("name" in args) || self == null || self.all(k, k == args.name)'
            message: with name, only the policy named is answered
            cite: 'src/meta/meta_http_service.cpp query_backup_policy_handler (request->policy_names from name); src/meta/meta_backup_service.cpp backup_service::query_backup_policy (only the policies named)'
""")
schema_rules('DuplicationQueryResponse', """      x-pegasus-rules:
        - rule: 'self.all(k, k == "appid" || k.matches("^[1-9][0-9]*$") && int(k) < size(self))'
          message: the entries are numbered 1 to n (positions in the list), beside appid
          cite: 'src/common/duplication_common.cpp duplication_query_response_to_string (json[std::to_string(i)], i from 1)'
""")
# ---- /replica/*
op_rules('getReplicaDuplication', """        rules:
          - rule: '!args.appid.matches("^(0|[1-9][0-9]*)$") || self.all(d, self[d].all(g, g.startsWith(args.appid + ".")))'
            message: every replica answered belongs to the app asked (gpid <appid>.<pidx>)
            cite: 'src/replica/replica_http_service.cpp query_duplication_handler (_duplication_sync_timer->get_dup_states(appid)); src/replica/duplication/duplication_sync_timer.cpp get_dup_states'
""")
schema_rules('ReplicaDuplicationStatus', """      x-pegasus-rules:
        - rule: 'self.all(d, d.matches("^[0-9]+$") && self[d].all(g, g.matches("^[0-9]+[.][0-9]+$")))'
          message: keys are dupids, then gpids <app_id>.<pidx>
          cite: 'src/replica/replica_http_service.cpp query_duplication_handler (json[std::to_string(s.first)][s.second.id.to_string()]); src/common/gpid.cpp gpid::to_string'
""")
schema_rules('ReplicaDataVersions', """      x-pegasus-rules:
        - rule: 'self.all(k, k.matches("^(0|[1-9][0-9]*)$"))'
          message: keys are partition indexes
          cite: 'src/replica/replica_http_service.cpp query_app_data_version_handler (json[std::to_string(kv.first)], kv.first the partition index)'
""")
