package metrics

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/internal/metrics/catalogtool"
)

// The catalogue: every metric prototype the real servers define
// (METRIC_DEFINE_* under apache/incubator-pegasus src/), as data in
// catalog.tsv, with the onebox's two columns: which roles carry the
// metric and how the simulation moves it. cmd/metriccat checks the file
// against an upstream checkout, or regenerates it.

//go:embed catalog.tsv
var catalogTSV string

// catalog is the parsed catalogue, by entity type, in file order.
var catalog = mustLoadCatalog()

// catalogEntry is a prototype with where it lives.
type catalogEntry struct {
	p *proto
	// roles is "*" or a comma list of registry roles.
	roles string
}

// knownUnits are the units of the real server (metrics.h:775-851).
var knownUnits = func() map[Unit]bool {
	m := map[Unit]bool{}
	for _, u := range []Unit{UnitNanoSeconds, UnitMicroSeconds, UnitMilliSeconds, UnitSeconds, UnitBytes, UnitMegaBytes,
		UnitBytesPerSec, UnitCapacityUnits, UnitPercent, UnitReplicas, UnitPartitions, UnitPartitionSplittings, UnitServers,
		UnitRequests, UnitResponses, UnitSeeks, UnitPointLookups, UnitValues, UnitKeys, UnitFiles, UnitDirs, UnitAmplification,
		UnitCheckpoints, UnitFlushes, UnitCompactions, UnitMutations, UnitWrites, UnitChanges, UnitOperations, UnitTasks,
		UnitDisconnections, UnitSessions, UnitLearns, UnitRounds, UnitResets, UnitBackups, UnitFileLoads, UnitFileUploads,
		UnitBulkLoads, UnitBeacons} {
		m[u] = true
	}
	return m
}()

func mustLoadCatalog() map[string][]catalogEntry {
	c, err := loadCatalog("catalog.tsv", catalogTSV)
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return c
}

// kindOf maps the type column to a kind.
var kindOf = map[string]kind{"Gauge": kindGauge, "Counter": kindCounter, "VolatileCounter": kindVolatileCounter, "Percentile": kindPercentile}

// loadCatalog parses a catalogue; every error names the file and line.
func loadCatalog(name, text string) (map[string][]catalogEntry, error) {
	rows, err := catalogtool.ParseTSV(name, text)
	if err != nil {
		return nil, err
	}
	out := map[string][]catalogEntry{}
	for _, r := range rows {
		p, err := protoOf(r)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %v", name, r.Line, r.Key(), err)
		}
		if r.Roles == "" {
			return nil, fmt.Errorf("%s:%d: %s: empty roles (meta, replica or *)", name, r.Line, r.Key())
		}
		out[r.Entity] = append(out[r.Entity], catalogEntry{p: p, roles: r.Roles})
	}
	return out, nil
}

// protoOf builds the prototype of one row.
func protoOf(r catalogtool.Row) (*proto, error) {
	k, ok := kindOf[r.Type]
	if !ok {
		return nil, fmt.Errorf("type %q is not Gauge, Counter, VolatileCounter or Percentile", r.Type)
	}
	if r.Value != "int64" && r.Value != "double" {
		return nil, fmt.Errorf("value %q is not int64 or double", r.Value)
	}
	if !knownUnits[Unit(r.Unit)] {
		return nil, fmt.Errorf("unknown unit %q", r.Unit)
	}
	p := &proto{name: r.Name, unit: Unit(r.Unit), desc: r.Desc, kind: k, double: r.Value == "double"}
	if k == kindPercentile {
		p.kth = AllKth
	}
	sim, model, err := parseSim(r.Sim, k)
	if err != nil {
		return nil, err
	}
	p.sim, p.model = sim, model
	return p, nil
}

// parseSim reads the sim column (see the file's header).
func parseSim(s string, k kind) (simSpec, bool, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return simSpec{}, false, fmt.Errorf("empty sim (rate, level, const, lat, model or zero)")
	}
	nums := make([]float64, len(f)-1)
	for i, x := range f[1:] {
		v, err := strconv.ParseFloat(x, 64)
		if err != nil {
			return simSpec{}, false, fmt.Errorf("sim %q: %q is not a number", s, x)
		}
		nums[i] = v
	}
	want := map[string]int{"rate": 2, "level": 4, "const": 2, "lat": 2, "model": 0, "zero": 0}
	n, ok := want[f[0]]
	if !ok || len(nums) != n {
		return simSpec{}, false, fmt.Errorf("sim %q: want rate LO HI, level LO HI JIT DRIFT, const LO HI, lat LO HI, model or zero", s)
	}
	if n > 0 && nums[0] > nums[1] {
		return simSpec{}, false, fmt.Errorf("sim %q: LO above HI", s)
	}
	switch {
	case f[0] == "rate" && !k.counting(), (f[0] == "level" || f[0] == "const") && k != kindGauge, f[0] == "lat" && k != kindPercentile:
		return simSpec{}, false, fmt.Errorf("sim %q does not fit a %s", s, kindNames[k])
	}
	switch f[0] {
	case "rate":
		return rate(nums[0], nums[1]), false, nil
	case "level":
		return level(nums[0], nums[1], nums[2], nums[3]), false, nil
	case "const":
		return constant(nums[0], nums[1]), false, nil
	case "lat":
		return lat(nums[0], nums[1]), false, nil
	case "model":
		return held, true, nil
	}
	return held, false, nil
}

// rate is a counter profile: lo..hi events per second.
func rate(lo, hi float64) simSpec { return simSpec{mode: simRate, lo: lo, hi: hi} }

// level is a gauge profile: a base in lo..hi with relative jitter per tick
// and relative drift per hour.
func level(lo, hi, jitter, drift float64) simSpec {
	return simSpec{mode: simLevel, lo: lo, hi: hi, jitter: jitter, drift: drift}
}

// constant is a gauge fixed at a per-metric value in lo..hi.
func constant(lo, hi float64) simSpec { return simSpec{mode: simLevel, lo: lo, hi: hi} }

// lat is a latency profile: p50 in lo..hi, ±jitter per tick.
func lat(lo, hi float64) simSpec { return simSpec{mode: simLatency, lo: lo, hi: hi, jitter: 0.15} }

// held leaves a metric to the caller, at 0 until set.
var held = simSpec{}

// MetricDef describes one catalogue metric, for tests and tools.
type MetricDef struct {
	Entity, Name string
	// Type is the JSON "type": Gauge, Counter, VolatileCounter or
	// Percentile.
	Type       string
	Unit, Desc string
	// Roles is "*" or the registry roles that carry the metric.
	Roles string
	// Model reports that the onebox sets the metric from its cluster
	// model rather than the simulation moving it.
	Model bool
}

// Catalog is every metric of the catalogue, by entity type in the order
// of the file.
func Catalog() []MetricDef {
	rows, _ := catalogtool.ParseTSV("catalog.tsv", catalogTSV)
	out := make([]MetricDef, 0, len(rows))
	for _, r := range rows {
		out = append(out, MetricDef{Entity: r.Entity, Name: r.Name, Type: r.Type, Unit: r.Unit, Desc: r.Desc,
			Roles: r.Roles, Model: r.Sim == "model"})
	}
	return out
}

// carries reports whether a registry of role has the entry's metric.
func (c catalogEntry) carries(role string) bool {
	if c.roles == "*" {
		return true
	}
	for _, r := range strings.Split(c.roles, ",") {
		if r == role {
			return true
		}
	}
	return false
}

// addCatalog creates entity typ/id with the catalogue's metrics of that
// type that the registry's role carries and keep accepts, under one lock.
func (r *Registry) addCatalog(typ, id string, attrs []string, keep func(*proto) bool) *Entity {
	e := r.AddEntity(typ, id, attrs...)
	clock := r.clockSnapshot()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range catalog[typ] {
		if c.carries(r.role) && (keep == nil || keep(c.p)) {
			e.metricLocked(c.p, true, &clock)
		}
	}
	return e
}
