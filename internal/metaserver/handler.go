package metaserver

import (
	"context"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/config"
	"github.com/pegasus-kv/pegasus-gen/internal/node"
)

// Handler is one reference MetaServer.
type Handler struct {
	meta.UnimplementedHandler
	model   *cluster.Model
	lead    meta.Leadership
	node    *node.Node
	cfg     *config.Registry
	metrics Metrics
}

// Metrics answers /metrics; the onebox gives each server its own registry.
type Metrics interface {
	// Encode writes the 200 body for the filters of req.
	Encode(req meta.GetMetricsRequest) []byte
}

// New returns a MetaServer handler over model. lead says whether this
// server is the primary (for /meta/cluster's primary_meta_server too).
func New(model *cluster.Model, lead meta.Leadership, n *node.Node, cfg *config.Registry, m Metrics) *Handler {
	return &Handler{model: model, lead: lead, node: n, cfg: cfg, metrics: m}
}

// Guards are the services a MetaServer may lack, read from its config as
// the real one decides at start (§4.2, §4.7, §4.8).
func (h *Handler) Guards() meta.Guards { return guards{h.cfg} }

type guards struct{ cfg *config.Registry }

// DuplicationEnabled is [replication] duplication_enabled.
func (g guards) DuplicationEnabled() bool { return g.cfg.Bool("duplication_enabled") }

// BulkLoadEnabled: a started primary always has its bulk load service.
func (g guards) BulkLoadEnabled() bool { return true }

// ColdBackupEnabled is the negation of [meta_server] cold_backup_disabled,
// true by default, so backup policies are a 404 out of the box.
func (g guards) ColdBackupEnabled() bool { return !g.cfg.Bool("cold_backup_disabled") }

// GetVersion answers /version.
func (h *Handler) GetVersion(context.Context, meta.GetVersionRequest) (meta.GetVersionResponse, error) {
	return meta.GetVersion200(meta.VersionInfo{Version: node.Version, GitCommit: node.GitCommit}), nil
}

// GetRecentStartTime answers /recentStartTime.
func (h *Handler) GetRecentStartTime(context.Context, meta.GetRecentStartTimeRequest) (meta.GetRecentStartTimeResponse, error) {
	return meta.GetRecentStartTime200(meta.StartTimeInfo{RecentStartTime: h.node.StartTime()}), nil
}

// GetConfig answers /config (§3.3): an unknown flag is a 200 with a text line.
func (h *Handler) GetConfig(_ context.Context, req meta.GetConfigRequest) (meta.GetConfigResponse, error) {
	f, ok := h.cfg.Get(req.Name)
	if !ok {
		return meta.GetConfig200Text("ERR_OBJECT_NOT_FOUND: '" + req.Name + "' is not found"), nil
	}
	return meta.GetConfig200(configFlag(f)), nil
}

// ListConfigs answers /configs (§3.4), flags in name order.
func (h *Handler) ListConfigs(context.Context, meta.ListConfigsRequest) (meta.ListConfigsResponse, error) {
	all := h.cfg.All()
	body := make(meta.ConfigFlagMap, len(all))
	for i, f := range all {
		body[i] = configFlag(f)
	}
	return meta.ListConfigs200(body), nil
}

// UpdateConfig answers /updateConfig (§9.2): always 200, the outcome in update_status.
func (h *Handler) UpdateConfig(_ context.Context, req meta.UpdateConfigRequest) (meta.UpdateConfigResponse, error) {
	return meta.UpdateConfig200(meta.UpdateConfigResult{UpdateStatus: h.cfg.Update(req.Config.Map())}), nil
}

// GetMetrics answers /metrics with this server's registry, encoded directly.
func (h *Handler) GetMetrics(_ context.Context, req meta.GetMetricsRequest) (meta.GetMetricsResponse, error) {
	return meta.GetMetrics200Raw(h.metrics.Encode(req)), nil
}

// GetPprofHeap answers /pprof/heap.
func (h *Handler) GetPprofHeap(_ context.Context, req meta.GetPprofHeapRequest) (meta.GetPprofHeapResponse, error) {
	b, err := h.node.Heap(req.Seconds)
	return node.Answer(b, err, meta.GetPprofHeap200, meta.GetPprofHeap500)
}

// GetPprofGrowth answers /pprof/growth.
func (h *Handler) GetPprofGrowth(context.Context, meta.GetPprofGrowthRequest) (meta.GetPprofGrowthResponse, error) {
	b, err := h.node.Growth()
	return node.Answer(b, err, meta.GetPprofGrowth200, func(string) meta.GetPprofGrowthResponse { return meta.GetPprofGrowth500() })
}

// GetPprofProfile answers /pprof/profile; the server has filled the default seconds.
func (h *Handler) GetPprofProfile(_ context.Context, req meta.GetPprofProfileRequest) (meta.GetPprofProfileResponse, error) {
	b, err := h.node.CPU(*req.Seconds)
	return node.Answer(b, err, meta.GetPprofProfile200, func(string) meta.GetPprofProfileResponse { return meta.GetPprofProfile500() })
}

// GetPprofSymbolCount answers GET /pprof/symbol.
func (h *Handler) GetPprofSymbolCount(context.Context, meta.GetPprofSymbolCountRequest) (meta.GetPprofSymbolCountResponse, error) {
	return meta.GetPprofSymbolCount200(h.node.SymbolCount()), nil
}

// LookupPprofSymbols answers POST /pprof/symbol.
func (h *Handler) LookupPprofSymbols(ctx context.Context, req meta.LookupPprofSymbolsRequest) (meta.LookupPprofSymbolsResponse, error) {
	size, write, err := h.node.LookupSymbols(ctx, req.Body)
	if err != nil {
		return meta.LookupPprofSymbolsResponse{}, err
	}
	return meta.LookupPprofSymbols200Stream(size, write), nil
}

// GetPprofCmdline answers /pprof/cmdline.
func (h *Handler) GetPprofCmdline(context.Context, meta.GetPprofCmdlineRequest) (meta.GetPprofCmdlineResponse, error) {
	return meta.GetPprofCmdline200(node.Cmdline()), nil
}

// configFlag is a flag as /config and /configs answer it.
func configFlag(f config.Flag) meta.ConfigFlag {
	return meta.ConfigFlag{Name: f.Name, Section: f.Section, Type: meta.ConfigFlagType(f.Type), Tags: meta.ConfigFlagTags(f.Tags),
		Description: f.Description, Value: f.Value}
}
