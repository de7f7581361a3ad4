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
// servers under benchmark; every other operation answers 501 from the
// embedded oapi.Unimplemented, so an operation added to the spec needs
// nothing here once bench/oapi is regenerated.
//
// oapi-codegen's models order the members of an object alphabetically and
// encoding/json writes them in that order, so the bodies have the same
// members and length as the real server's but not its member order;
// oapi-codegen cannot be told the order.
type OapiServer struct{ oapi.Unimplemented }

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
