package replicaserver

import (
	"context"

	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/config"
	"github.com/pegasus-kv/pegasus-gen/internal/node"
)

// Handler is one reference ReplicaServer, at addr.
type Handler struct {
	replica.UnimplementedHandler
	model   *cluster.Model
	addr    string
	node    *node.Node
	cfg     *config.Registry
	metrics Metrics
}

// Metrics answers /metrics; the onebox gives each server its own registry.
type Metrics interface {
	// Encode writes the 200 body for the filters of req.
	Encode(req replica.GetMetricsRequest) []byte
}

// New returns the handler of the ReplicaServer at addr (host:port, as the
// cluster model names its nodes).
func New(model *cluster.Model, addr string, n *node.Node, cfg *config.Registry, m Metrics) *Handler {
	return &Handler{model: model, addr: addr, node: n, cfg: cfg, metrics: m}
}

// Guards are the services a ReplicaServer may lack (§6.1).
func (h *Handler) Guards() replica.Guards { return guards{h.cfg} }

type guards struct{ cfg *config.Registry }

// DuplicationEnabled is [replication] duplication_enabled.
func (g guards) DuplicationEnabled() bool { return g.cfg.Bool("duplication_enabled") }

// GetVersion answers /version.
func (h *Handler) GetVersion(context.Context, replica.GetVersionRequest) (replica.GetVersionResponse, error) {
	return replica.GetVersion200(replica.VersionInfo{Version: node.Version, GitCommit: node.GitCommit}), nil
}

// GetRecentStartTime answers /recentStartTime.
func (h *Handler) GetRecentStartTime(context.Context, replica.GetRecentStartTimeRequest) (replica.GetRecentStartTimeResponse, error) {
	return replica.GetRecentStartTime200(replica.StartTimeInfo{RecentStartTime: h.node.StartTime()}), nil
}

// GetConfig answers /config (§3.3): an unknown flag is a 200 with a text line.
func (h *Handler) GetConfig(_ context.Context, req replica.GetConfigRequest) (replica.GetConfigResponse, error) {
	f, ok := h.cfg.Get(req.Name)
	if !ok {
		return replica.GetConfig200Text("ERR_OBJECT_NOT_FOUND: '" + req.Name + "' is not found"), nil
	}
	return replica.GetConfig200(configFlag(f)), nil
}

// ListConfigs answers /configs (§3.4), flags in name order.
func (h *Handler) ListConfigs(context.Context, replica.ListConfigsRequest) (replica.ListConfigsResponse, error) {
	all := h.cfg.All()
	body := make(replica.ConfigFlagMap, len(all))
	for i, f := range all {
		body[i] = configFlag(f)
	}
	return replica.ListConfigs200(body), nil
}

// UpdateConfig answers /updateConfig (§9.2): always 200, the outcome in update_status.
func (h *Handler) UpdateConfig(_ context.Context, req replica.UpdateConfigRequest) (replica.UpdateConfigResponse, error) {
	return replica.UpdateConfig200(replica.UpdateConfigResult{UpdateStatus: h.cfg.Update(req.Config.Map())}), nil
}

// GetMetrics answers /metrics with this server's registry, encoded directly.
func (h *Handler) GetMetrics(_ context.Context, req replica.GetMetricsRequest) (replica.GetMetricsResponse, error) {
	return replica.GetMetrics200Raw(h.metrics.Encode(req)), nil
}

// GetPprofHeap answers /pprof/heap.
func (h *Handler) GetPprofHeap(_ context.Context, req replica.GetPprofHeapRequest) (replica.GetPprofHeapResponse, error) {
	b, err := h.node.Heap(req.Seconds)
	return node.Answer(b, err, replica.GetPprofHeap200, replica.GetPprofHeap500)
}

// GetPprofGrowth answers /pprof/growth.
func (h *Handler) GetPprofGrowth(context.Context, replica.GetPprofGrowthRequest) (replica.GetPprofGrowthResponse, error) {
	b, err := h.node.Growth()
	return node.Answer(b, err, replica.GetPprofGrowth200, func(string) replica.GetPprofGrowthResponse { return replica.GetPprofGrowth500() })
}

// GetPprofProfile answers /pprof/profile; the server has filled the default seconds.
func (h *Handler) GetPprofProfile(_ context.Context, req replica.GetPprofProfileRequest) (replica.GetPprofProfileResponse, error) {
	b, err := h.node.CPU(*req.Seconds)
	return node.Answer(b, err, replica.GetPprofProfile200, func(string) replica.GetPprofProfileResponse { return replica.GetPprofProfile500() })
}

// GetPprofSymbolCount answers GET /pprof/symbol.
func (h *Handler) GetPprofSymbolCount(context.Context, replica.GetPprofSymbolCountRequest) (replica.GetPprofSymbolCountResponse, error) {
	return replica.GetPprofSymbolCount200(h.node.SymbolCount()), nil
}

// LookupPprofSymbols answers POST /pprof/symbol.
func (h *Handler) LookupPprofSymbols(ctx context.Context, req replica.LookupPprofSymbolsRequest) (replica.LookupPprofSymbolsResponse, error) {
	size, write, err := h.node.LookupSymbols(ctx, req.Body)
	if err != nil {
		return replica.LookupPprofSymbolsResponse{}, err
	}
	return replica.LookupPprofSymbols200Stream(size, write), nil
}

// GetPprofCmdline answers /pprof/cmdline.
func (h *Handler) GetPprofCmdline(context.Context, replica.GetPprofCmdlineRequest) (replica.GetPprofCmdlineResponse, error) {
	return replica.GetPprofCmdline200(node.Cmdline()), nil
}

// configFlag is a flag as /config and /configs answer it.
func configFlag(f config.Flag) replica.ConfigFlag {
	return replica.ConfigFlag{Name: f.Name, Section: f.Section, Type: replica.ConfigFlagType(f.Type), Tags: replica.ConfigFlagTags(f.Tags),
		Description: f.Description, Value: f.Value}
}
