package bench

import (
	"context"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
)

// The fixed answers every server under benchmark gives: small, realistic
// values of the onebox cluster, the same for pegasus-gen, Handwritten and
// OapiServer.
const (
	answerAppID           = 2
	answerPartitionCount  = 8
	answerMaxReplicaCount = 3
	answerCluster         = "onebox"
	answerRole            = "meta"
	answerHost            = "pegasus-onebox"
	answerPort            = 34601
	answerTimestampNS     = 1763964315000000000
	answerUpdateStatus    = "ERR_OK"
)

// MetaHandler is the trivial meta.Handler of the request benchmarks: it
// answers GET /meta/app, GET /metrics and GET /updateConfig with a fixed
// small answer and does no work; every other operation is unimplemented.
type MetaHandler struct {
	meta.UnimplementedHandler
}

// metaSnapshot is the /metrics answer, built once: the handler has nothing
// to compute.
var metaSnapshot = meta.MetricsSnapshot{
	Cluster:     answerCluster,
	Role:        answerRole,
	Host:        answerHost,
	Port:        answerPort,
	TimestampNS: answerTimestampNS,
	Entities:    []meta.MetricEntity{},
}

// GetMetaApp answers the general table of the requested app.
func (MetaHandler) GetMetaApp(_ context.Context, req meta.GetMetaAppRequest) (meta.GetMetaAppResponse, error) {
	return meta.GetMetaApp200(meta.MetaAppInfo{General: meta.MetaAppGeneral{
		AppName:         req.Name,
		AppID:           answerAppID,
		PartitionCount:  answerPartitionCount,
		MaxReplicaCount: answerMaxReplicaCount,
	}}), nil
}

// GetMetrics answers a snapshot without entities.
func (MetaHandler) GetMetrics(context.Context, meta.GetMetricsRequest) (meta.GetMetricsResponse, error) {
	return meta.GetMetrics200(metaSnapshot), nil
}

// UpdateConfig answers ERR_OK.
func (MetaHandler) UpdateConfig(context.Context, meta.UpdateConfigRequest) (meta.UpdateConfigResponse, error) {
	return meta.UpdateConfig200(meta.UpdateConfigResult{UpdateStatus: answerUpdateStatus}), nil
}
