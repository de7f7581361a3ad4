package tests

// Fakes of both roles: every operation answers what the test planned (see answer).

import (
	"context"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
)

type metaFake struct {
	meta.UnimplementedHandler
	f *fake
}

func (h *metaFake) GetConfig(_ context.Context, req *meta.GetConfigRequest) (meta.GetConfigResponse, error) {
	return answer[meta.GetConfigResponse](h.f, "getConfig", req)
}

func (h *metaFake) ListConfigs(_ context.Context, req *meta.ListConfigsRequest) (meta.ListConfigsResponse, error) {
	return answer[meta.ListConfigsResponse](h.f, "listConfigs", req)
}

func (h *metaFake) ListEnvs(_ context.Context, req *meta.ListEnvsRequest) (meta.ListEnvsResponse, error) {
	return answer[meta.ListEnvsResponse](h.f, "listEnvs", req)
}

func (h *metaFake) GetMetaApp(_ context.Context, req *meta.GetMetaAppRequest) (meta.GetMetaAppResponse, error) {
	return answer[meta.GetMetaAppResponse](h.f, "getMetaApp", req)
}

func (h *metaFake) GetMetaAppDuplication(_ context.Context, req *meta.GetMetaAppDuplicationRequest) (meta.GetMetaAppDuplicationResponse, error) {
	return answer[meta.GetMetaAppDuplicationResponse](h.f, "getMetaAppDuplication", req)
}

func (h *metaFake) QueryBulkLoad(_ context.Context, req *meta.QueryBulkLoadRequest) (meta.QueryBulkLoadResponse, error) {
	return answer[meta.QueryBulkLoadResponse](h.f, "queryBulkLoad", req)
}

func (h *metaFake) StartBulkLoad(_ context.Context, req *meta.StartBulkLoadRequest) (meta.StartBulkLoadResponse, error) {
	return answer[meta.StartBulkLoadResponse](h.f, "startBulkLoad", req)
}

func (h *metaFake) StartCompaction(_ context.Context, req *meta.StartCompactionRequest) (meta.StartCompactionResponse, error) {
	return answer[meta.StartCompactionResponse](h.f, "startCompaction", req)
}

func (h *metaFake) UpdateUsageScenario(_ context.Context, req *meta.UpdateUsageScenarioRequest) (meta.UpdateUsageScenarioResponse, error) {
	return answer[meta.UpdateUsageScenarioResponse](h.f, "updateUsageScenario", req)
}

func (h *metaFake) GetMetaAppEnvs(_ context.Context, req *meta.GetMetaAppEnvsRequest) (meta.GetMetaAppEnvsResponse, error) {
	return answer[meta.GetMetaAppEnvsResponse](h.f, "getMetaAppEnvs", req)
}

func (h *metaFake) ListMetaApps(_ context.Context, req *meta.ListMetaAppsRequest) (meta.ListMetaAppsResponse, error) {
	return answer[meta.ListMetaAppsResponse](h.f, "listMetaApps", req)
}

func (h *metaFake) GetMetaBackupPolicy(_ context.Context, req *meta.GetMetaBackupPolicyRequest) (meta.GetMetaBackupPolicyResponse, error) {
	return answer[meta.GetMetaBackupPolicyResponse](h.f, "getMetaBackupPolicy", req)
}

func (h *metaFake) GetMetaCluster(_ context.Context, req *meta.GetMetaClusterRequest) (meta.GetMetaClusterResponse, error) {
	return answer[meta.GetMetaClusterResponse](h.f, "getMetaCluster", req)
}

func (h *metaFake) ListMetaNodes(_ context.Context, req *meta.ListMetaNodesRequest) (meta.ListMetaNodesResponse, error) {
	return answer[meta.ListMetaNodesResponse](h.f, "listMetaNodes", req)
}

func (h *metaFake) GetMetrics(_ context.Context, req *meta.GetMetricsRequest) (meta.GetMetricsResponse, error) {
	return answer[meta.GetMetricsResponse](h.f, "getMetrics", req)
}

func (h *metaFake) GetPprofCmdline(_ context.Context, req *meta.GetPprofCmdlineRequest) (meta.GetPprofCmdlineResponse, error) {
	return answer[meta.GetPprofCmdlineResponse](h.f, "getPprofCmdline", req)
}

func (h *metaFake) GetPprofGrowth(_ context.Context, req *meta.GetPprofGrowthRequest) (meta.GetPprofGrowthResponse, error) {
	return answer[meta.GetPprofGrowthResponse](h.f, "getPprofGrowth", req)
}

func (h *metaFake) GetPprofHeap(_ context.Context, req *meta.GetPprofHeapRequest) (meta.GetPprofHeapResponse, error) {
	return answer[meta.GetPprofHeapResponse](h.f, "getPprofHeap", req)
}

func (h *metaFake) GetPprofProfile(_ context.Context, req *meta.GetPprofProfileRequest) (meta.GetPprofProfileResponse, error) {
	return answer[meta.GetPprofProfileResponse](h.f, "getPprofProfile", req)
}

func (h *metaFake) GetPprofSymbolCount(_ context.Context, req *meta.GetPprofSymbolCountRequest) (meta.GetPprofSymbolCountResponse, error) {
	return answer[meta.GetPprofSymbolCountResponse](h.f, "getPprofSymbolCount", req)
}

func (h *metaFake) LookupPprofSymbols(_ context.Context, req *meta.LookupPprofSymbolsRequest) (meta.LookupPprofSymbolsResponse, error) {
	return answer[meta.LookupPprofSymbolsResponse](h.f, "lookupPprofSymbols", req)
}

func (h *metaFake) GetRecentStartTime(_ context.Context, req *meta.GetRecentStartTimeRequest) (meta.GetRecentStartTimeResponse, error) {
	return answer[meta.GetRecentStartTimeResponse](h.f, "getRecentStartTime", req)
}

func (h *metaFake) UpdateConfig(_ context.Context, req *meta.UpdateConfigRequest) (meta.UpdateConfigResponse, error) {
	return answer[meta.UpdateConfigResponse](h.f, "updateConfig", req)
}

func (h *metaFake) GetVersion(_ context.Context, req *meta.GetVersionRequest) (meta.GetVersionResponse, error) {
	return answer[meta.GetVersionResponse](h.f, "getVersion", req)
}

func registerMeta(f *fake) {
	f.variants["getConfig"] = []any{meta.GetConfig200{}, meta.GetConfig200Text{}, meta.GetConfig400{}}
	f.variants["listConfigs"] = []any{meta.ListConfigs200{}, meta.ListConfigs400{}}
	f.variants["listEnvs"] = []any{meta.ListEnvs200{}}
	f.variants["getMetaApp"] = []any{meta.GetMetaApp200{}, meta.GetMetaApp400{}, meta.GetMetaApp404{}, meta.GetMetaApp500{}}
	f.variants["getMetaAppDuplication"] = []any{meta.GetMetaAppDuplication200{}, meta.GetMetaAppDuplication400{}, meta.GetMetaAppDuplication404{}, meta.GetMetaAppDuplication500{}}
	f.variants["queryBulkLoad"] = []any{meta.QueryBulkLoad200{}, meta.QueryBulkLoad400{}, meta.QueryBulkLoad404{}}
	f.variants["startBulkLoad"] = []any{meta.StartBulkLoad200{}, meta.StartBulkLoad400{}, meta.StartBulkLoad404{}}
	f.variants["startCompaction"] = []any{meta.StartCompaction200{}, meta.StartCompaction400{}}
	f.variants["updateUsageScenario"] = []any{meta.UpdateUsageScenario200{}, meta.UpdateUsageScenario400{}}
	f.variants["getMetaAppEnvs"] = []any{meta.GetMetaAppEnvs200{}, meta.GetMetaAppEnvs400{}, meta.GetMetaAppEnvs500{}}
	f.variants["listMetaApps"] = []any{meta.ListMetaApps200{}, meta.ListMetaApps400{}, meta.ListMetaApps500{}}
	f.variants["getMetaBackupPolicy"] = []any{meta.GetMetaBackupPolicy200{}, meta.GetMetaBackupPolicy400{}, meta.GetMetaBackupPolicy404{}}
	f.variants["getMetaCluster"] = []any{meta.GetMetaCluster200{}}
	f.variants["listMetaNodes"] = []any{meta.ListMetaNodes200{}, meta.ListMetaNodes400{}, meta.ListMetaNodes500{}}
	f.variants["getMetrics"] = []any{meta.GetMetrics200{}, meta.GetMetrics400{}}
	f.variants["getPprofCmdline"] = []any{meta.GetPprofCmdline200{}}
	f.variants["getPprofGrowth"] = []any{meta.GetPprofGrowth200{}, meta.GetPprofGrowth500{}}
	f.variants["getPprofHeap"] = []any{meta.GetPprofHeap200{}, meta.GetPprofHeap500{}}
	f.variants["getPprofProfile"] = []any{meta.GetPprofProfile200{}, meta.GetPprofProfile500{}}
	f.variants["getPprofSymbolCount"] = []any{meta.GetPprofSymbolCount200{}}
	f.variants["lookupPprofSymbols"] = []any{meta.LookupPprofSymbols200{}}
	f.variants["getRecentStartTime"] = []any{meta.GetRecentStartTime200{}}
	f.variants["updateConfig"] = []any{meta.UpdateConfig200{}}
	f.variants["getVersion"] = []any{meta.GetVersion200{}}
}

type replicaFake struct {
	replica.UnimplementedHandler
	f *fake
}

func (h *replicaFake) GetConfig(_ context.Context, req *replica.GetConfigRequest) (replica.GetConfigResponse, error) {
	return answer[replica.GetConfigResponse](h.f, "getConfig", req)
}

func (h *replicaFake) ListConfigs(_ context.Context, req *replica.ListConfigsRequest) (replica.ListConfigsResponse, error) {
	return answer[replica.ListConfigsResponse](h.f, "listConfigs", req)
}

func (h *replicaFake) GetMetrics(_ context.Context, req *replica.GetMetricsRequest) (replica.GetMetricsResponse, error) {
	return answer[replica.GetMetricsResponse](h.f, "getMetrics", req)
}

func (h *replicaFake) GetPprofCmdline(_ context.Context, req *replica.GetPprofCmdlineRequest) (replica.GetPprofCmdlineResponse, error) {
	return answer[replica.GetPprofCmdlineResponse](h.f, "getPprofCmdline", req)
}

func (h *replicaFake) GetPprofGrowth(_ context.Context, req *replica.GetPprofGrowthRequest) (replica.GetPprofGrowthResponse, error) {
	return answer[replica.GetPprofGrowthResponse](h.f, "getPprofGrowth", req)
}

func (h *replicaFake) GetPprofHeap(_ context.Context, req *replica.GetPprofHeapRequest) (replica.GetPprofHeapResponse, error) {
	return answer[replica.GetPprofHeapResponse](h.f, "getPprofHeap", req)
}

func (h *replicaFake) GetPprofProfile(_ context.Context, req *replica.GetPprofProfileRequest) (replica.GetPprofProfileResponse, error) {
	return answer[replica.GetPprofProfileResponse](h.f, "getPprofProfile", req)
}

func (h *replicaFake) GetPprofSymbolCount(_ context.Context, req *replica.GetPprofSymbolCountRequest) (replica.GetPprofSymbolCountResponse, error) {
	return answer[replica.GetPprofSymbolCountResponse](h.f, "getPprofSymbolCount", req)
}

func (h *replicaFake) LookupPprofSymbols(_ context.Context, req *replica.LookupPprofSymbolsRequest) (replica.LookupPprofSymbolsResponse, error) {
	return answer[replica.LookupPprofSymbolsResponse](h.f, "lookupPprofSymbols", req)
}

func (h *replicaFake) GetRecentStartTime(_ context.Context, req *replica.GetRecentStartTimeRequest) (replica.GetRecentStartTimeResponse, error) {
	return answer[replica.GetRecentStartTimeResponse](h.f, "getRecentStartTime", req)
}

func (h *replicaFake) GetReplicaDataVersion(_ context.Context, req *replica.GetReplicaDataVersionRequest) (replica.GetReplicaDataVersionResponse, error) {
	return answer[replica.GetReplicaDataVersionResponse](h.f, "getReplicaDataVersion", req)
}

func (h *replicaFake) GetReplicaDuplication(_ context.Context, req *replica.GetReplicaDuplicationRequest) (replica.GetReplicaDuplicationResponse, error) {
	return answer[replica.GetReplicaDuplicationResponse](h.f, "getReplicaDuplication", req)
}

func (h *replicaFake) GetReplicaManualCompaction(_ context.Context, req *replica.GetReplicaManualCompactionRequest) (replica.GetReplicaManualCompactionResponse, error) {
	return answer[replica.GetReplicaManualCompactionResponse](h.f, "getReplicaManualCompaction", req)
}

func (h *replicaFake) UpdateConfig(_ context.Context, req *replica.UpdateConfigRequest) (replica.UpdateConfigResponse, error) {
	return answer[replica.UpdateConfigResponse](h.f, "updateConfig", req)
}

func (h *replicaFake) GetVersion(_ context.Context, req *replica.GetVersionRequest) (replica.GetVersionResponse, error) {
	return answer[replica.GetVersionResponse](h.f, "getVersion", req)
}

func registerReplica(f *fake) {
	f.variants["getConfig"] = []any{replica.GetConfig200{}, replica.GetConfig200Text{}, replica.GetConfig400{}}
	f.variants["listConfigs"] = []any{replica.ListConfigs200{}, replica.ListConfigs400{}}
	f.variants["getMetrics"] = []any{replica.GetMetrics200{}, replica.GetMetrics400{}}
	f.variants["getPprofCmdline"] = []any{replica.GetPprofCmdline200{}}
	f.variants["getPprofGrowth"] = []any{replica.GetPprofGrowth200{}, replica.GetPprofGrowth500{}}
	f.variants["getPprofHeap"] = []any{replica.GetPprofHeap200{}, replica.GetPprofHeap500{}}
	f.variants["getPprofProfile"] = []any{replica.GetPprofProfile200{}, replica.GetPprofProfile500{}}
	f.variants["getPprofSymbolCount"] = []any{replica.GetPprofSymbolCount200{}}
	f.variants["lookupPprofSymbols"] = []any{replica.LookupPprofSymbols200{}}
	f.variants["getRecentStartTime"] = []any{replica.GetRecentStartTime200{}}
	f.variants["getReplicaDataVersion"] = []any{replica.GetReplicaDataVersion200{}, replica.GetReplicaDataVersion400{}, replica.GetReplicaDataVersion404{}}
	f.variants["getReplicaDuplication"] = []any{replica.GetReplicaDuplication200{}, replica.GetReplicaDuplication400{}, replica.GetReplicaDuplication404{}}
	f.variants["getReplicaManualCompaction"] = []any{replica.GetReplicaManualCompaction200{}, replica.GetReplicaManualCompaction400{}}
	f.variants["updateConfig"] = []any{replica.UpdateConfig200{}}
	f.variants["getVersion"] = []any{replica.GetVersion200{}}
}
