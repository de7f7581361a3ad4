package bench

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/pegasus-kv/pegasus-gen/bench/oapi"
)

// OapiServer implements the ServerInterface of the oapi-codegen std-http
// server in bench/oapi the way a user of oapi-codegen would: the three
// benchmarked operations (GET /meta/app, /metrics, /updateConfig) fill the
// generated model with the same fixed answer MetaHandler gives and write it
// with encoding/json as text/plain with a Content-Length, like the other
// servers under benchmark; every other operation answers 501.
//
// oapi-codegen's models order the members of an object alphabetically and
// encoding/json writes them in that order, so the bodies have the same
// members and length as the real server's but not its member order;
// oapi-codegen cannot be told the order.
type OapiServer struct{}

var _ oapi.ServerInterface = OapiServer{}

// oapiPort is the port of the /metrics answer. The model's port is a union
// (number or "unknown") whose setter marshals the value, so it is set once
// rather than per request: the handler has nothing to compute.
var oapiPort = func() oapi.MetricsSnapshot_Port {
	var p oapi.MetricsSnapshot_Port
	if err := p.FromMetricsSnapshotPort0(answerPort); err != nil {
		panic(err)
	}
	return p
}()

// GetMetaApp answers the general table of the requested app.
func (OapiServer) GetMetaApp(w http.ResponseWriter, _ *http.Request, params oapi.GetMetaAppParams) {
	writeOapiJSON(w, oapi.MetaAppInfo{General: oapi.MetaAppGeneral{
		AppName:         params.Name,
		AppId:           strconv.Itoa(answerAppID),
		PartitionCount:  strconv.Itoa(answerPartitionCount),
		MaxReplicaCount: strconv.Itoa(answerMaxReplicaCount),
	}}, false)
}

// GetMetrics answers a snapshot without entities.
func (OapiServer) GetMetrics(w http.ResponseWriter, _ *http.Request, _ oapi.GetMetricsParams) {
	writeOapiJSON(w, oapi.MetricsSnapshot{
		Cluster:     answerCluster,
		Role:        answerRole,
		Host:        answerHost,
		Port:        oapiPort,
		TimestampNs: answerTimestampNS,
		Entities:    []oapi.MetricEntity{},
	}, true)
}

// UpdateConfig answers ERR_OK.
func (OapiServer) UpdateConfig(w http.ResponseWriter, _ *http.Request, _ oapi.UpdateConfigParams) {
	writeOapiJSON(w, oapi.UpdateConfigResult{UpdateStatus: answerUpdateStatus}, false)
}

// writeOapiJSON writes v as a 200 text/plain body: compact with a trailing
// newline (table format) or indented by four spaces (/metrics).
func writeOapiJSON(w http.ResponseWriter, v any, pretty bool) {
	var body []byte
	var err error
	if pretty {
		body, err = json.MarshalIndent(v, "", "    ")
	} else {
		body, err = json.Marshal(v)
		body = append(body, '\n')
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// notImplemented is the answer of every operation the benchmarks do not use.
func notImplemented(w http.ResponseWriter) {
	http.Error(w, "not implemented", http.StatusNotImplemented)
}

// PostMetrics (the 400 a POST /metrics gets) is not implemented.
func (OapiServer) PostMetrics(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// GetHelp is not implemented.
func (OapiServer) GetHelp(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// GetConfig is not implemented.
func (OapiServer) GetConfig(w http.ResponseWriter, _ *http.Request, _ oapi.GetConfigParams) {
	notImplemented(w)
}

// ListConfigs is not implemented.
func (OapiServer) ListConfigs(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// ListEnvs is not implemented.
func (OapiServer) ListEnvs(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// GetMetaAppDuplication is not implemented.
func (OapiServer) GetMetaAppDuplication(w http.ResponseWriter, _ *http.Request, _ oapi.GetMetaAppDuplicationParams) {
	notImplemented(w)
}

// QueryBulkLoad is not implemented.
func (OapiServer) QueryBulkLoad(w http.ResponseWriter, _ *http.Request, _ oapi.QueryBulkLoadParams) {
	notImplemented(w)
}

// StartBulkLoad is not implemented.
func (OapiServer) StartBulkLoad(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// StartCompaction is not implemented.
func (OapiServer) StartCompaction(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// UpdateUsageScenario is not implemented.
func (OapiServer) UpdateUsageScenario(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// GetMetaAppEnvs is not implemented.
func (OapiServer) GetMetaAppEnvs(w http.ResponseWriter, _ *http.Request, _ oapi.GetMetaAppEnvsParams) {
	notImplemented(w)
}

// ListMetaApps is not implemented.
func (OapiServer) ListMetaApps(w http.ResponseWriter, _ *http.Request, _ oapi.ListMetaAppsParams) {
	notImplemented(w)
}

// GetMetaBackupPolicy is not implemented.
func (OapiServer) GetMetaBackupPolicy(w http.ResponseWriter, _ *http.Request, _ oapi.GetMetaBackupPolicyParams) {
	notImplemented(w)
}

// GetMetaCluster is not implemented.
func (OapiServer) GetMetaCluster(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// ListMetaNodes is not implemented.
func (OapiServer) ListMetaNodes(w http.ResponseWriter, _ *http.Request, _ oapi.ListMetaNodesParams) {
	notImplemented(w)
}

// GetPprofCmdline is not implemented.
func (OapiServer) GetPprofCmdline(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// GetPprofGrowth is not implemented.
func (OapiServer) GetPprofGrowth(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// GetPprofHeap is not implemented.
func (OapiServer) GetPprofHeap(w http.ResponseWriter, _ *http.Request, _ oapi.GetPprofHeapParams) {
	notImplemented(w)
}

// GetPprofProfile is not implemented.
func (OapiServer) GetPprofProfile(w http.ResponseWriter, _ *http.Request, _ oapi.GetPprofProfileParams) {
	notImplemented(w)
}

// GetPprofSymbolCount is not implemented.
func (OapiServer) GetPprofSymbolCount(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// LookupPprofSymbols is not implemented.
func (OapiServer) LookupPprofSymbols(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// GetRecentStartTime is not implemented.
func (OapiServer) GetRecentStartTime(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// GetReplicaDataVersion is not implemented.
func (OapiServer) GetReplicaDataVersion(w http.ResponseWriter, _ *http.Request, _ oapi.GetReplicaDataVersionParams) {
	notImplemented(w)
}

// GetReplicaDuplication is not implemented.
func (OapiServer) GetReplicaDuplication(w http.ResponseWriter, _ *http.Request, _ oapi.GetReplicaDuplicationParams) {
	notImplemented(w)
}

// GetReplicaManualCompaction is not implemented.
func (OapiServer) GetReplicaManualCompaction(w http.ResponseWriter, _ *http.Request, _ oapi.GetReplicaManualCompactionParams) {
	notImplemented(w)
}

// GetVersion is not implemented.
func (OapiServer) GetVersion(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// The other method of each methods: any operation (x-pegasus method-of in
// the spec: a POST beside a GET, a GET beside a POST with a body) is an
// operation of its own to oapi-codegen; none is benchmarked.

// PostHelp is not implemented.
func (OapiServer) PostHelp(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// PostConfig is not implemented.
func (OapiServer) PostConfig(w http.ResponseWriter, _ *http.Request, _ oapi.PostConfigParams) {
	notImplemented(w)
}

// PostListConfigs is not implemented.
func (OapiServer) PostListConfigs(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// PostListEnvs is not implemented.
func (OapiServer) PostListEnvs(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// PostMetaApp is not implemented.
func (OapiServer) PostMetaApp(w http.ResponseWriter, _ *http.Request, _ oapi.PostMetaAppParams) {
	notImplemented(w)
}

// PostMetaAppDuplication is not implemented.
func (OapiServer) PostMetaAppDuplication(w http.ResponseWriter, _ *http.Request, _ oapi.PostMetaAppDuplicationParams) {
	notImplemented(w)
}

// PostQueryBulkLoad is not implemented.
func (OapiServer) PostQueryBulkLoad(w http.ResponseWriter, _ *http.Request, _ oapi.PostQueryBulkLoadParams) {
	notImplemented(w)
}

// GetStartBulkLoad is not implemented.
func (OapiServer) GetStartBulkLoad(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// GetStartCompaction is not implemented.
func (OapiServer) GetStartCompaction(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// GetUpdateUsageScenario is not implemented.
func (OapiServer) GetUpdateUsageScenario(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// PostMetaAppEnvs is not implemented.
func (OapiServer) PostMetaAppEnvs(w http.ResponseWriter, _ *http.Request, _ oapi.PostMetaAppEnvsParams) {
	notImplemented(w)
}

// PostListMetaApps is not implemented.
func (OapiServer) PostListMetaApps(w http.ResponseWriter, _ *http.Request, _ oapi.PostListMetaAppsParams) {
	notImplemented(w)
}

// PostMetaBackupPolicy is not implemented.
func (OapiServer) PostMetaBackupPolicy(w http.ResponseWriter, _ *http.Request, _ oapi.PostMetaBackupPolicyParams) {
	notImplemented(w)
}

// PostMetaCluster is not implemented.
func (OapiServer) PostMetaCluster(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// PostListMetaNodes is not implemented.
func (OapiServer) PostListMetaNodes(w http.ResponseWriter, _ *http.Request, _ oapi.PostListMetaNodesParams) {
	notImplemented(w)
}

// PostPprofCmdline is not implemented.
func (OapiServer) PostPprofCmdline(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// PostPprofGrowth is not implemented.
func (OapiServer) PostPprofGrowth(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// PostPprofHeap is not implemented.
func (OapiServer) PostPprofHeap(w http.ResponseWriter, _ *http.Request, _ oapi.PostPprofHeapParams) {
	notImplemented(w)
}

// PostPprofProfile is not implemented.
func (OapiServer) PostPprofProfile(w http.ResponseWriter, _ *http.Request, _ oapi.PostPprofProfileParams) {
	notImplemented(w)
}

// PostRecentStartTime is not implemented.
func (OapiServer) PostRecentStartTime(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }

// PostReplicaDataVersion is not implemented.
func (OapiServer) PostReplicaDataVersion(w http.ResponseWriter, _ *http.Request, _ oapi.PostReplicaDataVersionParams) {
	notImplemented(w)
}

// PostReplicaDuplication is not implemented.
func (OapiServer) PostReplicaDuplication(w http.ResponseWriter, _ *http.Request, _ oapi.PostReplicaDuplicationParams) {
	notImplemented(w)
}

// PostReplicaManualCompaction is not implemented.
func (OapiServer) PostReplicaManualCompaction(w http.ResponseWriter, _ *http.Request, _ oapi.PostReplicaManualCompactionParams) {
	notImplemented(w)
}

// PostUpdateConfig is not implemented.
func (OapiServer) PostUpdateConfig(w http.ResponseWriter, _ *http.Request, _ oapi.PostUpdateConfigParams) {
	notImplemented(w)
}

// PostVersion is not implemented.
func (OapiServer) PostVersion(w http.ResponseWriter, _ *http.Request) { notImplemented(w) }
