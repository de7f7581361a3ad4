C = "'^(0|[1-9][0-9]*)$'"
HP = r"'^[^\s:,\[\]]+:[0-9]{1,5}$'"
def member(schema, prop, old, new):
    """Replace the text old of property prop in schema (first occurrence after the schema's start)."""
    global s
    i = s.index('\n    %s:\n' % schema)
    j = s.index('\n        %s:' % prop, i)
    k = s.index(old, j)
    assert k - j < 600, (schema, prop)
    s = s[:k] + new + s[k + len(old):]

cite_app = "'src/common/replication_common.cpp add_app_info (table_printer of int32 counts, std::to_string)'"
# MetaAppGeneral
member('MetaAppGeneral', 'app_id', "app_id: {type: string, x-pegasus-string-of: integer}",
       "app_id: {type: string, x-pegasus-string-of: integer, pattern: '^[1-9][0-9]*$', x-pegasus-cite: 'src/meta/server_state.cpp server_state::create_app (info.app_id = next_app_id(), ids from 1)'}")
member('MetaAppGeneral', 'partition_count', "partition_count: {type: string, x-pegasus-string-of: integer}",
       "partition_count: {type: string, x-pegasus-string-of: integer, pattern: %s, x-pegasus-cite: %s}" % (C, cite_app))
member('MetaAppGeneral', 'max_replica_count', "x-pegasus-string-of: integer\n", "x-pegasus-string-of: integer\n          pattern: %s\n          x-pegasus-cite: %s\n" % (C, cite_app))
member('MetaAppReplica', 'pidx', "x-pegasus-string-of: integer\n", "x-pegasus-string-of: integer\n          pattern: %s\n          x-pegasus-cite: 'src/common/replication_common.cpp add_app_info (pc.pid.get_partition_index())'\n" % C)
member('MetaAppReplica', 'primary', "description: '`<host>:<port>` of the primary, or `-` when there is none.'\n",
       "description: '`<host>:<port>` of the primary, or `-` when there is none.'\n          pattern: '^(-|[^\\s:,\\[\\]]+:[0-9]{1,5})$'\n          x-pegasus-cite: 'src/common/replication_common.cpp add_app_info (pc.hp_primary ? hp_primary.to_string() : \"-\"); src/rpc/rpc_host_port.cpp host_port::to_string'\n")
member('MetaAppReplica', 'secondaries', "pattern: ^\\[[^\\]]*\\]$\n",
       "pattern: '^\\[([^\\s:,\\[\\]]+:[0-9]{1,5}(,[^\\s:,\\[\\]]+:[0-9]{1,5})*)?\\]$'\n          x-pegasus-cite: 'src/common/replication_common.cpp add_app_info (fmt::format(\"[{}]\", fmt::join(pc.hp_secondaries, \",\")))'\n")
member('MetaAppNodeCount', 'node', "description: '`<host>:<port>`, or `total` for the last row.'\n",
       "description: '`<host>:<port>`, or `total` for the last row.'\n          pattern: '^(total|[^\\s:,\\[\\]]+:[0-9]{1,5})$'\n          x-pegasus-cite: 'src/common/replication_common.cpp add_app_info (addr.resolve(false), then the total row)'\n")
for p in ['primary', 'secondary', 'total']:
    member('MetaAppNodeCount', p, "%s: {type: string, x-pegasus-string-of: integer}" % p,
           "%s: {type: string, x-pegasus-string-of: integer, pattern: %s, x-pegasus-cite: %s}" % (p, C, cite_app))
for p in ['fully_healthy_partition_count', 'unhealthy_partition_count', 'write_unhealthy_partition_count', 'read_unhealthy_partition_count']:
    member('MetaAppHealth', p, "%s: {type: string, x-pegasus-string-of: integer}" % p,
           "%s: {type: string, x-pegasus-string-of: integer, pattern: %s, x-pegasus-cite: %s}" % (p, C, cite_app))
# DuplicationEntry
member('DuplicationEntry', 'create_ts', "description: Creation time, server local time, `YYYY-MM-DD HH:MM:SS`.\n",
       "description: Creation time, server local time, `YYYY-MM-DD HH:MM:SS`.\n          pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$'\n          x-pegasus-cite: 'src/common/duplication_common.cpp duplication_entry_to_json (time_ms_to_date_time: \"%Y-%m-%d %H:%M:%S\")'\n")
# MetaAppsGeneral
cite_apps = "'src/meta/meta_http_service.cpp list_app_handler (tp_general, table_printer of ints)'"
member('MetaAppsGeneral', 'app_id', "app_id: {type: string, x-pegasus-string-of: integer}",
       "app_id: {type: string, x-pegasus-string-of: integer, pattern: '^[1-9][0-9]*$', x-pegasus-cite: 'src/meta/server_state.cpp server_state::create_app (info.app_id = next_app_id(), ids from 1)'}")
member('MetaAppsGeneral', 'partition_count', "partition_count: {type: string, x-pegasus-string-of: integer}",
       "partition_count: {type: string, x-pegasus-string-of: integer, pattern: %s, x-pegasus-cite: %s}" % (C, cite_apps))
member('MetaAppsGeneral', 'create_time', "description: Server local time with milliseconds, `YYYY-MM-DD HH:MM:SS.mmm`, or `-`.\n",
       "description: Server local time with milliseconds, `YYYY-MM-DD HH:MM:SS.mmm`, or `-`.\n          pattern: '^([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}|-)$'\n          x-pegasus-cite: 'src/meta/meta_http_service.cpp list_app_handler (create_time \"-\" unless create_second > 0); src/utils/time_utils.cpp time_ms_to_string (\"{:%%Y-%%m-%%d %%H:%%M:%%S}.{:03}\")'\n")
member('MetaAppsGeneral', 'envs_count', "x-pegasus-string-of: integer\n", "x-pegasus-string-of: integer\n          pattern: %s\n          x-pegasus-cite: 'src/meta/meta_http_service.cpp list_app_handler (append_data(app.envs.size()))'\n" % C)
for p in ['partition_count', 'fully_healthy', 'unhealthy', 'write_unhealthy', 'read_unhealthy']:
    member('MetaAppsHealthy', p, "%s: {type: string, x-pegasus-string-of: integer}" % p,
           "%s: {type: string, x-pegasus-string-of: integer, pattern: %s, x-pegasus-cite: %s}" % (p, C, "'src/meta/meta_http_service.cpp list_app_handler (health counters start at 0 and only grow)'"))
for p in ['total_app_count', 'fully_healthy_app_count', 'unhealthy_app_count', 'write_unhealthy_app_count', 'read_unhealthy_app_count']:
    member('MetaAppsSummary', p, "%s: {type: string, x-pegasus-string-of: integer}" % p,
           "%s: {type: string, x-pegasus-string-of: integer, pattern: %s, x-pegasus-cite: %s}" % (p, C, "'src/meta/meta_http_service.cpp list_app_handler (counters start at 0 and only grow)'"))
# MetaNodeDetail
member('MetaNodeDetail', 'address', "description: '`<host>:<port>` (a host name since the FQDN refactor, not necessarily an IP).'\n",
       "description: '`<host>:<port>` (a host name since the FQDN refactor, not necessarily an IP).'\n          pattern: %s\n          x-pegasus-cite: 'src/meta/meta_http_service.cpp list_node_handler (node.to_string()); src/rpc/rpc_host_port.cpp host_port::to_string'\n" % HP)
member('MetaNodeDetail', 'replica_count', "x-pegasus-string-of: integer\n", "x-pegasus-string-of: integer\n          pattern: %s\n          x-pegasus-cite: 'src/meta/meta_http_service.cpp list_node_handler (counters start at 0 and only grow)'\n" % C)
for p in ['primary_count', 'secondary_count']:
    member('MetaNodeDetail', p, "%s: {type: string, x-pegasus-string-of: integer}" % p,
           "%s: {type: string, x-pegasus-string-of: integer, pattern: %s, x-pegasus-cite: %s}" % (p, C, "'src/meta/meta_http_service.cpp list_node_handler (list_nodes_helper counters start at 0 and only grow)'"))
for p in ['total_node_count', 'alive_node_count', 'unalive_node_count']:
    member('MetaNodesSummary', p, "%s: {type: string, x-pegasus-string-of: integer}" % p,
           "%s: {type: string, x-pegasus-string-of: integer, pattern: %s, x-pegasus-cite: %s}" % (p, C, "'src/meta/meta_http_service.cpp list_node_handler (size_t set sizes)'"))
# MetaClusterInfo
member('MetaClusterInfo', 'meta_servers', "description: Configured MetaServers, `<host:port>` joined by `,`.\n",
       "description: Configured MetaServers, `<host:port>` joined by `,`.\n          pattern: '^[^\\s:,\\[\\]]+:[0-9]{1,5}(,[^\\s:,\\[\\]]+:[0-9]{1,5})*$'\n          x-pegasus-cite: 'src/meta/meta_http_service.cpp get_cluster_info_handler (_opts.meta_servers[i].to_string() joined by \",\"); src/common/replication_common.cpp replication_options (meta servers parsed as host_port, CHECKed valid)'\n")
member('MetaClusterInfo', 'primary_meta_server', "description: '`<host>:<port>` of the primary MetaServer.'\n",
       "description: '`<host>:<port>` of the primary MetaServer.'\n          pattern: %s\n          x-pegasus-cite: 'src/meta/meta_http_service.cpp get_cluster_info_handler (dsn_primary_host_port().to_string()); src/rpc/rpc_engine.cpp rpc_engine::start (CHECK that it is reverse resolved)'\n" % HP)
member('MetaClusterInfo', 'balance_operation_count', "`{\"copy_pri\": N, \"copy_sec\": N, \"move_pri\": N, \"total\": N}`.\n",
       "`{\"copy_pri\": N, \"copy_sec\": N, \"move_pri\": N, \"total\": N}`.\n          pattern: '^\\{\\n  \"copy_pri\": -?[0-9]+,\\n  \"copy_sec\": -?[0-9]+,\\n  \"move_pri\": -?[0-9]+,\\n  \"total\": -?[0-9]+\\n\\}$'\n          x-pegasus-cite: 'src/meta/greedy_load_balancer.cpp greedy_load_balancer::get_balance_operation_count (\"detail\": the four counters, info.dump(2))'\n")
for p in ['primary_replica_count_stddev', 'total_replica_count_stddev']:
    member('MetaClusterInfo', p, "x-pegasus-decimals: 2\n", "x-pegasus-decimals: 2\n          pattern: '^[0-9]+[.][0-9]{2}$'\n          x-pegasus-cite: 'src/meta/greedy_load_balancer.cpp greedy_load_balancer::score (0.0, or utils::mean_stddev: a square root); src/utils/output_utils.h table_printer::to_string<double>'\n")
# BackupPolicy
member('BackupPolicy', 'app_ids', "pattern: ^\\[[-0-9,]*\\]$\n", "pattern: '^\\[([0-9]+(,[0-9]+)*)?\\]$'\n          x-pegasus-cite: 'src/meta/meta_http_service.cpp set_to_string (json_encode of std::set<int32_t>: compact, ascending)'\n")
# Replica
member('ReplicaDataVersion', 'data_version', "x-pegasus-string-of: integer\n", "x-pegasus-string-of: integer\n          pattern: %s\n          x-pegasus-cite: 'src/replica/replica_http_service.cpp query_app_data_version_handler (std::to_string of a uint32_t)'\n" % C)
