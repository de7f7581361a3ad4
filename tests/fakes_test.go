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

func (h *metaFake) GetConfig(_ context.Context, req meta.GetConfigRequest) (meta.GetConfigResponse, error) {
	return answer[meta.GetConfigResponse](h.f, "getConfig", req)
}

func (h *metaFake) ListConfigs(_ context.Context, req meta.ListConfigsRequest) (meta.ListConfigsResponse, error) {
	return answer[meta.ListConfigsResponse](h.f, "listConfigs", req)
}

func (h *metaFake) ListEnvs(_ context.Context, req meta.ListEnvsRequest) (meta.ListEnvsResponse, error) {
	return answer[meta.ListEnvsResponse](h.f, "listEnvs", req)
}

func (h *metaFake) GetMetaApp(_ context.Context, req meta.GetMetaAppRequest) (meta.GetMetaAppResponse, error) {
	return answer[meta.GetMetaAppResponse](h.f, "getMetaApp", req)
}

func (h *metaFake) GetMetaAppDuplication(_ context.Context, req meta.GetMetaAppDuplicationRequest) (meta.GetMetaAppDuplicationResponse, error) {
	return answer[meta.GetMetaAppDuplicationResponse](h.f, "getMetaAppDuplication", req)
}

func (h *metaFake) QueryBulkLoad(_ context.Context, req meta.QueryBulkLoadRequest) (meta.QueryBulkLoadResponse, error) {
	return answer[meta.QueryBulkLoadResponse](h.f, "queryBulkLoad", req)
}

func (h *metaFake) StartBulkLoad(_ context.Context, req meta.StartBulkLoadRequest) (meta.StartBulkLoadResponse, error) {
	return answer[meta.StartBulkLoadResponse](h.f, "startBulkLoad", req)
}

func (h *metaFake) StartCompaction(_ context.Context, req meta.StartCompactionRequest) (meta.StartCompactionResponse, error) {
	return answer[meta.StartCompactionResponse](h.f, "startCompaction", req)
}

func (h *metaFake) UpdateUsageScenario(_ context.Context, req meta.UpdateUsageScenarioRequest) (meta.UpdateUsageScenarioResponse, error) {
	return answer[meta.UpdateUsageScenarioResponse](h.f, "updateUsageScenario", req)
}

func (h *metaFake) GetMetaAppEnvs(_ context.Context, req meta.GetMetaAppEnvsRequest) (meta.GetMetaAppEnvsResponse, error) {
	return answer[meta.GetMetaAppEnvsResponse](h.f, "getMetaAppEnvs", req)
}

func (h *metaFake) ListMetaApps(_ context.Context, req meta.ListMetaAppsRequest) (meta.ListMetaAppsResponse, error) {
	return answer[meta.ListMetaAppsResponse](h.f, "listMetaApps", req)
}

func (h *metaFake) GetMetaBackupPolicy(_ context.Context, req meta.GetMetaBackupPolicyRequest) (meta.GetMetaBackupPolicyResponse, error) {
	return answer[meta.GetMetaBackupPolicyResponse](h.f, "getMetaBackupPolicy", req)
}

func (h *metaFake) GetMetaCluster(_ context.Context, req meta.GetMetaClusterRequest) (meta.GetMetaClusterResponse, error) {
	return answer[meta.GetMetaClusterResponse](h.f, "getMetaCluster", req)
}

func (h *metaFake) ListMetaNodes(_ context.Context, req meta.ListMetaNodesRequest) (meta.ListMetaNodesResponse, error) {
	return answer[meta.ListMetaNodesResponse](h.f, "listMetaNodes", req)
}

func (h *metaFake) GetMetrics(_ context.Context, req meta.GetMetricsRequest) (meta.GetMetricsResponse, error) {
	return answer[meta.GetMetricsResponse](h.f, "getMetrics", req)
}

func (h *metaFake) GetPprofCmdline(_ context.Context, req meta.GetPprofCmdlineRequest) (meta.GetPprofCmdlineResponse, error) {
	return answer[meta.GetPprofCmdlineResponse](h.f, "getPprofCmdline", req)
}

func (h *metaFake) GetPprofGrowth(_ context.Context, req meta.GetPprofGrowthRequest) (meta.GetPprofGrowthResponse, error) {
	return answer[meta.GetPprofGrowthResponse](h.f, "getPprofGrowth", req)
}

func (h *metaFake) GetPprofHeap(_ context.Context, req meta.GetPprofHeapRequest) (meta.GetPprofHeapResponse, error) {
	return answer[meta.GetPprofHeapResponse](h.f, "getPprofHeap", req)
}

func (h *metaFake) GetPprofProfile(_ context.Context, req meta.GetPprofProfileRequest) (meta.GetPprofProfileResponse, error) {
	return answer[meta.GetPprofProfileResponse](h.f, "getPprofProfile", req)
}

func (h *metaFake) GetPprofSymbolCount(_ context.Context, req meta.GetPprofSymbolCountRequest) (meta.GetPprofSymbolCountResponse, error) {
	return answer[meta.GetPprofSymbolCountResponse](h.f, "getPprofSymbolCount", req)
}

func (h *metaFake) LookupPprofSymbols(_ context.Context, req meta.LookupPprofSymbolsRequest) (meta.LookupPprofSymbolsResponse, error) {
	return answer[meta.LookupPprofSymbolsResponse](h.f, "lookupPprofSymbols", req)
}

func (h *metaFake) GetRecentStartTime(_ context.Context, req meta.GetRecentStartTimeRequest) (meta.GetRecentStartTimeResponse, error) {
	return answer[meta.GetRecentStartTimeResponse](h.f, "getRecentStartTime", req)
}

func (h *metaFake) UpdateConfig(_ context.Context, req meta.UpdateConfigRequest) (meta.UpdateConfigResponse, error) {
	return answer[meta.UpdateConfigResponse](h.f, "updateConfig", req)
}

func (h *metaFake) GetVersion(_ context.Context, req meta.GetVersionRequest) (meta.GetVersionResponse, error) {
	return answer[meta.GetVersionResponse](h.f, "getVersion", req)
}

func registerMeta(f *fake) {
	f.variants["getConfig"] = map[string]any{"GetConfig200": meta.GetConfig200, "GetConfig200Text": meta.GetConfig200Text, "GetConfig400": meta.GetConfig400}
	f.variants["listConfigs"] = map[string]any{"ListConfigs200": meta.ListConfigs200, "ListConfigs400": meta.ListConfigs400}
	f.variants["listEnvs"] = map[string]any{"ListEnvs200": meta.ListEnvs200}
	f.variants["getMetaApp"] = map[string]any{"GetMetaApp200": meta.GetMetaApp200, "GetMetaApp400": meta.GetMetaApp400, "GetMetaApp404": meta.GetMetaApp404, "GetMetaApp500": meta.GetMetaApp500}
	f.variants["getMetaAppDuplication"] = map[string]any{"GetMetaAppDuplication200": meta.GetMetaAppDuplication200, "GetMetaAppDuplication400": meta.GetMetaAppDuplication400, "GetMetaAppDuplication404": meta.GetMetaAppDuplication404, "GetMetaAppDuplication500": meta.GetMetaAppDuplication500}
	f.variants["queryBulkLoad"] = map[string]any{"QueryBulkLoad200": meta.QueryBulkLoad200, "QueryBulkLoad400": meta.QueryBulkLoad400, "QueryBulkLoad404": meta.QueryBulkLoad404}
	f.variants["startBulkLoad"] = map[string]any{"StartBulkLoad200": meta.StartBulkLoad200, "StartBulkLoad400": meta.StartBulkLoad400, "StartBulkLoad404": meta.StartBulkLoad404}
	f.variants["startCompaction"] = map[string]any{"StartCompaction200": meta.StartCompaction200, "StartCompaction400": meta.StartCompaction400}
	f.variants["updateUsageScenario"] = map[string]any{"UpdateUsageScenario200": meta.UpdateUsageScenario200, "UpdateUsageScenario400": meta.UpdateUsageScenario400}
	f.variants["getMetaAppEnvs"] = map[string]any{"GetMetaAppEnvs200": meta.GetMetaAppEnvs200, "GetMetaAppEnvs400": meta.GetMetaAppEnvs400, "GetMetaAppEnvs500": meta.GetMetaAppEnvs500}
	f.variants["listMetaApps"] = map[string]any{"ListMetaApps200": meta.ListMetaApps200, "ListMetaApps400": meta.ListMetaApps400, "ListMetaApps500": meta.ListMetaApps500}
	f.variants["getMetaBackupPolicy"] = map[string]any{"GetMetaBackupPolicy200": meta.GetMetaBackupPolicy200, "GetMetaBackupPolicy400": meta.GetMetaBackupPolicy400, "GetMetaBackupPolicy404": meta.GetMetaBackupPolicy404}
	f.variants["getMetaCluster"] = map[string]any{"GetMetaCluster200": meta.GetMetaCluster200}
	f.variants["listMetaNodes"] = map[string]any{"ListMetaNodes200": meta.ListMetaNodes200, "ListMetaNodes400": meta.ListMetaNodes400, "ListMetaNodes500": meta.ListMetaNodes500}
	f.variants["getMetrics"] = map[string]any{"GetMetrics200": meta.GetMetrics200, "GetMetrics200Raw": meta.GetMetrics200Raw, "GetMetrics400": meta.GetMetrics400}
	f.variants["getPprofCmdline"] = map[string]any{"GetPprofCmdline200": meta.GetPprofCmdline200}
	f.variants["getPprofGrowth"] = map[string]any{"GetPprofGrowth200": meta.GetPprofGrowth200, "GetPprofGrowth500": meta.GetPprofGrowth500}
	f.variants["getPprofHeap"] = map[string]any{"GetPprofHeap200": meta.GetPprofHeap200, "GetPprofHeap500": meta.GetPprofHeap500}
	f.variants["getPprofProfile"] = map[string]any{"GetPprofProfile200": meta.GetPprofProfile200, "GetPprofProfile500": meta.GetPprofProfile500}
	f.variants["getPprofSymbolCount"] = map[string]any{"GetPprofSymbolCount200": meta.GetPprofSymbolCount200}
	f.variants["lookupPprofSymbols"] = map[string]any{"LookupPprofSymbols200": meta.LookupPprofSymbols200}
	f.variants["getRecentStartTime"] = map[string]any{"GetRecentStartTime200": meta.GetRecentStartTime200}
	f.variants["updateConfig"] = map[string]any{"UpdateConfig200": meta.UpdateConfig200}
	f.variants["getVersion"] = map[string]any{"GetVersion200": meta.GetVersion200}
}

type replicaFake struct {
	replica.UnimplementedHandler
	f *fake
}

func (h *replicaFake) GetConfig(_ context.Context, req replica.GetConfigRequest) (replica.GetConfigResponse, error) {
	return answer[replica.GetConfigResponse](h.f, "getConfig", req)
}

func (h *replicaFake) ListConfigs(_ context.Context, req replica.ListConfigsRequest) (replica.ListConfigsResponse, error) {
	return answer[replica.ListConfigsResponse](h.f, "listConfigs", req)
}

func (h *replicaFake) GetMetrics(_ context.Context, req replica.GetMetricsRequest) (replica.GetMetricsResponse, error) {
	return answer[replica.GetMetricsResponse](h.f, "getMetrics", req)
}

func (h *replicaFake) GetPprofCmdline(_ context.Context, req replica.GetPprofCmdlineRequest) (replica.GetPprofCmdlineResponse, error) {
	return answer[replica.GetPprofCmdlineResponse](h.f, "getPprofCmdline", req)
}

func (h *replicaFake) GetPprofGrowth(_ context.Context, req replica.GetPprofGrowthRequest) (replica.GetPprofGrowthResponse, error) {
	return answer[replica.GetPprofGrowthResponse](h.f, "getPprofGrowth", req)
}

func (h *replicaFake) GetPprofHeap(_ context.Context, req replica.GetPprofHeapRequest) (replica.GetPprofHeapResponse, error) {
	return answer[replica.GetPprofHeapResponse](h.f, "getPprofHeap", req)
}

func (h *replicaFake) GetPprofProfile(_ context.Context, req replica.GetPprofProfileRequest) (replica.GetPprofProfileResponse, error) {
	return answer[replica.GetPprofProfileResponse](h.f, "getPprofProfile", req)
}

func (h *replicaFake) GetPprofSymbolCount(_ context.Context, req replica.GetPprofSymbolCountRequest) (replica.GetPprofSymbolCountResponse, error) {
	return answer[replica.GetPprofSymbolCountResponse](h.f, "getPprofSymbolCount", req)
}

func (h *replicaFake) LookupPprofSymbols(_ context.Context, req replica.LookupPprofSymbolsRequest) (replica.LookupPprofSymbolsResponse, error) {
	return answer[replica.LookupPprofSymbolsResponse](h.f, "lookupPprofSymbols", req)
}

func (h *replicaFake) GetRecentStartTime(_ context.Context, req replica.GetRecentStartTimeRequest) (replica.GetRecentStartTimeResponse, error) {
	return answer[replica.GetRecentStartTimeResponse](h.f, "getRecentStartTime", req)
}

func (h *replicaFake) GetReplicaDataVersion(_ context.Context, req replica.GetReplicaDataVersionRequest) (replica.GetReplicaDataVersionResponse, error) {
	return answer[replica.GetReplicaDataVersionResponse](h.f, "getReplicaDataVersion", req)
}

func (h *replicaFake) GetReplicaDuplication(_ context.Context, req replica.GetReplicaDuplicationRequest) (replica.GetReplicaDuplicationResponse, error) {
	return answer[replica.GetReplicaDuplicationResponse](h.f, "getReplicaDuplication", req)
}

func (h *replicaFake) GetReplicaManualCompaction(_ context.Context, req replica.GetReplicaManualCompactionRequest) (replica.GetReplicaManualCompactionResponse, error) {
	return answer[replica.GetReplicaManualCompactionResponse](h.f, "getReplicaManualCompaction", req)
}

func (h *replicaFake) UpdateConfig(_ context.Context, req replica.UpdateConfigRequest) (replica.UpdateConfigResponse, error) {
	return answer[replica.UpdateConfigResponse](h.f, "updateConfig", req)
}

func (h *replicaFake) GetVersion(_ context.Context, req replica.GetVersionRequest) (replica.GetVersionResponse, error) {
	return answer[replica.GetVersionResponse](h.f, "getVersion", req)
}

func registerReplica(f *fake) {
	f.variants["getConfig"] = map[string]any{"GetConfig200": replica.GetConfig200, "GetConfig200Text": replica.GetConfig200Text, "GetConfig400": replica.GetConfig400}
	f.variants["listConfigs"] = map[string]any{"ListConfigs200": replica.ListConfigs200, "ListConfigs400": replica.ListConfigs400}
	f.variants["getMetrics"] = map[string]any{"GetMetrics200": replica.GetMetrics200, "GetMetrics200Raw": replica.GetMetrics200Raw, "GetMetrics400": replica.GetMetrics400}
	f.variants["getPprofCmdline"] = map[string]any{"GetPprofCmdline200": replica.GetPprofCmdline200}
	f.variants["getPprofGrowth"] = map[string]any{"GetPprofGrowth200": replica.GetPprofGrowth200, "GetPprofGrowth500": replica.GetPprofGrowth500}
	f.variants["getPprofHeap"] = map[string]any{"GetPprofHeap200": replica.GetPprofHeap200, "GetPprofHeap500": replica.GetPprofHeap500}
	f.variants["getPprofProfile"] = map[string]any{"GetPprofProfile200": replica.GetPprofProfile200, "GetPprofProfile500": replica.GetPprofProfile500}
	f.variants["getPprofSymbolCount"] = map[string]any{"GetPprofSymbolCount200": replica.GetPprofSymbolCount200}
	f.variants["lookupPprofSymbols"] = map[string]any{"LookupPprofSymbols200": replica.LookupPprofSymbols200}
	f.variants["getRecentStartTime"] = map[string]any{"GetRecentStartTime200": replica.GetRecentStartTime200}
	f.variants["getReplicaDataVersion"] = map[string]any{"GetReplicaDataVersion200": replica.GetReplicaDataVersion200, "GetReplicaDataVersion400": replica.GetReplicaDataVersion400, "GetReplicaDataVersion404": replica.GetReplicaDataVersion404}
	f.variants["getReplicaDuplication"] = map[string]any{"GetReplicaDuplication200": replica.GetReplicaDuplication200, "GetReplicaDuplication400": replica.GetReplicaDuplication400, "GetReplicaDuplication404": replica.GetReplicaDuplication404}
	f.variants["getReplicaManualCompaction"] = map[string]any{"GetReplicaManualCompaction200": replica.GetReplicaManualCompaction200, "GetReplicaManualCompaction400": replica.GetReplicaManualCompaction400}
	f.variants["updateConfig"] = map[string]any{"UpdateConfig200": replica.UpdateConfig200}
	f.variants["getVersion"] = map[string]any{"GetVersion200": replica.GetVersion200}
}
