// Package metrics is the metric registry behind GET /metrics of the
// reference MetaServers and ReplicaServers: entities (server, replica,
// partition, table, disk, …) holding gauges, counters and percentiles, a
// deterministic load simulation that keeps the values moving, and a
// streaming encoder whose bytes match the real server's rapidjson
// PrettyWriter output (wire-behaviour.md §8).
//
// A handler typically does
//
//	body := reg.Body(metrics.Query{Types: req.Types, …}, time.Now())
//	return replica.GetMetrics200Raw{Body: body}, nil
//
// Values live in atomics, so metric updates never take a lock; the entity
// list and each entity's metric list are guarded by one RWMutex, which the
// encoder holds for reading while it streams (as metric_registry does).
package metrics

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// Unit is a metric unit, written as the CamelCase name the real server
// prints (metrics.h:775-851). Untyped string constants convert implicitly,
// so callers may also pass a literal such as "Requests".
type Unit string

// The units of the real server, in its declaration order.
const (
	UnitNanoSeconds         Unit = "NanoSeconds"
	UnitMicroSeconds        Unit = "MicroSeconds"
	UnitMilliSeconds        Unit = "MilliSeconds"
	UnitSeconds             Unit = "Seconds"
	UnitBytes               Unit = "Bytes"
	UnitMegaBytes           Unit = "MegaBytes"
	UnitBytesPerSec         Unit = "BytesPerSec"
	UnitCapacityUnits       Unit = "CapacityUnits"
	UnitPercent             Unit = "Percent"
	UnitReplicas            Unit = "Replicas"
	UnitPartitions          Unit = "Partitions"
	UnitPartitionSplittings Unit = "PartitionSplittings"
	UnitServers             Unit = "Servers"
	UnitRequests            Unit = "Requests"
	UnitResponses           Unit = "Responses"
	UnitSeeks               Unit = "Seeks"
	UnitPointLookups        Unit = "PointLookups"
	UnitValues              Unit = "Values"
	UnitKeys                Unit = "Keys"
	UnitFiles               Unit = "Files"
	UnitDirs                Unit = "Dirs"
	UnitAmplification       Unit = "Amplification"
	UnitCheckpoints         Unit = "Checkpoints"
	UnitFlushes             Unit = "Flushes"
	UnitCompactions         Unit = "Compactions"
	UnitMutations           Unit = "Mutations"
	UnitWrites              Unit = "Writes"
	UnitChanges             Unit = "Changes"
	UnitOperations          Unit = "Operations"
	UnitTasks               Unit = "Tasks"
	UnitDisconnections      Unit = "Disconnections"
	UnitSessions            Unit = "Sessions"
	UnitLearns              Unit = "Learns"
	UnitRounds              Unit = "Rounds"
	UnitResets              Unit = "Resets"
	UnitBackups             Unit = "Backups"
	UnitFileLoads           Unit = "FileLoads"
	UnitFileUploads         Unit = "FileUploads"
	UnitBulkLoads           Unit = "BulkLoads"
	UnitBeacons             Unit = "Beacons"
)

// Kth is a set of kth percentiles. A percentile metric reports only the
// ones it was configured with, as the real percentile's bitset does.
type Kth uint8

// The five kth percentiles of the real server, in output order.
const (
	P50 Kth = 1 << iota
	P90
	P95
	P99
	P999
	// AllKth is the real server's default configuration.
	AllKth = P50 | P90 | P95 | P99 | P999
)

// kthNames are the field names of the kth percentiles, bit i ↔ name i.
var kthNames = [5]string{"p50", "p90", "p95", "p99", "p999"}

// kthDecimals are the quantiles; index = int(n × decimal) into the sorted
// samples, as kth_percentile_to_nth_index computes it.
var kthDecimals = [5]float64{0.5, 0.9, 0.95, 0.99, 0.999}

// kind is the metric_type of a metric; its String is the JSON "type".
type kind uint8

const (
	kindGauge kind = iota
	kindCounter
	// kindVolatileCounter is a counter whose every read takes its value
	// and resets it to 0 (counter<…, true>::value is fetch_and_reset).
	kindVolatileCounter
	kindPercentile
)

// kindNames are the "type" strings (metrics.h:758-773).
var kindNames = [...]string{kindGauge: "Gauge", kindCounter: "Counter", kindVolatileCounter: "VolatileCounter", kindPercentile: "Percentile"}

// counting reports whether the kind counts events (a counter, volatile
// or not), which the simulation advances by a rate.
func (k kind) counting() bool { return k == kindCounter || k == kindVolatileCounter }

// proto is what the C++ metric_prototype holds: everything about a metric
// that does not change. Catalog prototypes are shared by every entity of a
// type, so a metric costs one pointer for them.
type proto struct {
	name   string
	unit   Unit
	desc   string
	kind   kind
	double bool // value type: double rather than int64
	kth    Kth  // percentiles only
	sim    simSpec
	// model marks a metric the caller sets from its cluster model (the
	// simulation leaves it alone).
	model bool
}

// metric is one metric of one entity. v holds the value (v[0]) or the five
// kth percentiles, as int64 or float64 bits; they are atomics so that
// updates, the simulation and the encoder never need a lock.
type metric struct {
	p   *proto
	key uint64 // hash of entity id and name: this metric's PRNG stream
	// sim is 1 while the simulation drives the metric; an explicit Set
	// (or Observe) pins it, so values from the caller's model win.
	sim atomic.Uint32
	v   [5]atomic.Uint64
	obs atomic.Pointer[samples] // percentiles that were observed
}

func (m *metric) simulated() bool { return m.sim.Load() != 0 }

// pin stops the simulation from changing the metric.
func (m *metric) pin() { m.sim.Store(0) }

func (m *metric) setInt(i int, v int64) { m.v[i].Store(uint64(v)) }

func (m *metric) setFloat(i int, f float64) { m.v[i].Store(math.Float64bits(f)) }

func (m *metric) int(i int) int64 { return int64(m.v[i].Load()) }

func (m *metric) float(i int) float64 { return math.Float64frombits(m.v[i].Load()) }

// Registry is the set of metric entities of one server process, with the
// identity written at the top of every /metrics body.
type Registry struct {
	cluster, role, host string
	port                int
	nodeKey             uint64 // the node's share of its entities' PRNG streams

	// mu guards entities, byID, and every entity's attrs and metrics
	// slices; metric values are atomics outside it.
	mu       sync.RWMutex
	entities []*Entity // in creation order: stable output across queries
	byID     map[string]*Entity

	// load scales the rates of simulated counters (float64 bits).
	load atomic.Uint64

	// simMu serialises Simulate and guards clock and the scratch buffers.
	simMu   sync.Mutex
	clock   simClock
	scratch []uint64
}

// sharedTypes are the entity types whose values are alike on every node
// of a cluster: a partition's replicas apply the same writes, so their
// write counters agree between the primary and its secondaries.
var sharedTypes = map[string]bool{"replica": true}

// NewRegistry returns an empty registry for the process at host:port.
// Empty cluster, role or host are reported as "unknown", and a port
// outside 1..65535 as the string "unknown", as the real server does when
// the flag is empty or it has no RPC engine (metrics.cpp:498-527). The
// simulation seed is derived from the cluster name, and every entity's
// streams from the node's identity too, except the replicas' (see
// sharedTypes): nodes of one onebox report different yet reproducible
// values, and the replicas of a partition agree. See SetSeed.
func NewRegistry(cluster, role, host string, port int) *Registry {
	unknown := func(s string) string {
		if s == "" {
			return "unknown"
		}
		return s
	}
	r := &Registry{
		cluster: unknown(cluster),
		role:    unknown(role),
		host:    unknown(host),
		port:    port,
		byID:    make(map[string]*Entity),
	}
	r.SetLoad(1)
	r.clock.seed = mix64(hashString(cluster))
	r.nodeKey = mix64(hashString(fmt.Sprintf("%s\x00%s\x00%d", role, host, port)))
	return r
}

// SetLoad scales the rates of simulated counters: 1 (the default) is the
// catalogue's rates, 2 twice as many requests, 0 (or less) none. It takes
// effect from the next Simulate on; counters keep what they counted.
func (r *Registry) SetLoad(f float64) {
	r.load.Store(math.Float64bits(max(f, 0)))
}

// Load is the current rate multiplier.
func (r *Registry) Load() float64 { return math.Float64frombits(r.load.Load()) }

// Role is the role written in the body ("meta", "replica", …); the
// catalog picks a server entity's metrics by it.
func (r *Registry) Role() string { return r.role }

// Entity returns the entity with the given id, or nil.
func (r *Registry) Entity(id string) *Entity {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byID[id]
}

// Len is the number of entities.
func (r *Registry) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.entities)
}

// AddEntity returns the entity id of prototype typ, creating it if needed,
// with attributes given as name, value pairs (kept in the order given; a
// repeated name keeps its first position and takes the last value).
// As metric_registry::find_or_create_entity does, an existing entity gets
// the new attributes, and an id reused with another type is a programming
// error (panic); an odd number of attribute strings panics too.
func (r *Registry) AddEntity(typ, id string, attrs ...string) *Entity {
	if len(attrs)%2 != 0 {
		panic(fmt.Sprintf("metrics: entity %q: odd number of attribute strings", id))
	}
	norm := make([]string, 0, len(attrs))
	for i := 0; i < len(attrs); i += 2 {
		if j := indexAttr(norm, attrs[i]); j >= 0 {
			norm[j+1] = attrs[i+1]
			continue
		}
		norm = append(norm, attrs[i], attrs[i+1])
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if e := r.byID[id]; e != nil {
		if e.typ != typ {
			panic(fmt.Sprintf("metrics: entity %q has type %q, not %q", id, e.typ, typ))
		}
		e.attrs = norm
		return e
	}
	h := hashString(id)
	if !sharedTypes[typ] {
		h ^= r.nodeKey
	}
	e := &Entity{r: r, typ: typ, id: id, idHash: mix64(h), attrs: norm}
	r.entities = append(r.entities, e)
	r.byID[id] = e
	return e
}

// indexAttr is the position of name in a flat name, value list, or -1.
func indexAttr(attrs []string, name string) int {
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i] == name {
			return i
		}
	}
	return -1
}

// RemoveEntity drops the entity with the given id (a replica closed, a
// table dropped) and reports whether it existed. Its handles stay usable
// but no longer show. The real server retires stale entities after
// entity_retirement_delay_ms; callers that want that delay remove later.
func (r *Registry) RemoveEntity(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.byID[id]
	if e == nil {
		return false
	}
	delete(r.byID, id)
	if i := slices.Index(r.entities, e); i >= 0 {
		r.entities = slices.Delete(r.entities, i, i+1)
	}
	return true
}

// EntityIDs are the ids of the entities of type typ, in creation order.
func (r *Registry) EntityIDs(typ string) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []string
	for _, e := range r.entities {
		if e.typ == typ {
			out = append(out, e.id)
		}
	}
	return out
}

// Drive starts (on) or stops the simulation of the named catalogue
// metrics of the entity (all of them when names is nil): a stopped
// counter keeps its count, a stopped gauge or percentile its value. The
// onebox stops the read counters of a replica while it is a secondary,
// since reads go to primaries. Metrics the simulation never drives
// (model ones, and those made by Gauge, Counter, …) are left alone.
func (e *Entity) Drive(on bool, names ...string) {
	e.r.mu.RLock()
	defer e.r.mu.RUnlock()
	for _, m := range e.metrics {
		if m.p.sim.mode == simNone || (names != nil && !slices.Contains(names, m.p.name)) {
			continue
		}
		if on {
			m.sim.Store(1)
		} else {
			m.pin()
		}
	}
}

// Idle stops the simulation of every metric of the entity and zeroes
// them: an entity whose events never happen on this server, as a
// MetaServer's profiler entities of table RPCs.
func (e *Entity) Idle() {
	e.r.mu.RLock()
	defer e.r.mu.RUnlock()
	for _, m := range e.metrics {
		m.pin()
		for i := range m.v {
			m.v[i].Store(0)
		}
	}
}

// Entity is one metric entity: an instance of an entity prototype (its
// type) with an id, attributes and metrics.
type Entity struct {
	r       *Registry
	typ, id string
	idHash  uint64
	attrs   []string  // name, value, name, value…; guarded by r.mu
	metrics []*metric // in creation order; guarded by r.mu
}

// Type is the entity prototype name ("replica", "server", …).
func (e *Entity) Type() string { return e.typ }

// ID is the entity id ("replica@2.0", "server", …).
func (e *Entity) ID() string { return e.id }

// Attributes returns a copy of the attributes as name, value pairs.
func (e *Entity) Attributes() []string {
	e.r.mu.RLock()
	defer e.r.mu.RUnlock()
	return slices.Clone(e.attrs)
}

// Gauge returns the int64 gauge called name, creating it (value 0) if the
// entity has no metric of that name. As metric_entity::find_or_create
// does, an existing metric is returned as it is (unit and desc are not
// changed), and a name reused with another kind panics. Looking up an
// existing metric does not allocate.
func (e *Entity) Gauge(name string, unit Unit, desc string) *Gauge {
	return (*Gauge)(e.metric(name, unit, desc, kindGauge, false, 0))
}

// DoubleGauge returns the double gauge called name; see Gauge.
func (e *Entity) DoubleGauge(name string, unit Unit, desc string) *DoubleGauge {
	return (*DoubleGauge)(e.metric(name, unit, desc, kindGauge, true, 0))
}

// Counter returns the counter called name; see Gauge.
func (e *Entity) Counter(name string, unit Unit, desc string) *Counter {
	return (*Counter)(e.metric(name, unit, desc, kindCounter, false, 0))
}

// VolatileCounter returns the volatile counter called name: each
// /metrics read that selects it reports the count since the previous such
// read and resets it. See Gauge.
func (e *Entity) VolatileCounter(name string, unit Unit, desc string) *Counter {
	return (*Counter)(e.metric(name, unit, desc, kindVolatileCounter, false, 0))
}

// Percentile returns the int64 percentile called name reporting the kth
// percentiles in kth (0 means all five, the real default); see Gauge.
func (e *Entity) Percentile(name string, unit Unit, desc string, kth Kth) *Percentile {
	return (*Percentile)(e.metric(name, unit, desc, kindPercentile, false, normKth(kth)))
}

// DoublePercentile returns the double percentile called name; see
// Percentile.
func (e *Entity) DoublePercentile(name string, unit Unit, desc string, kth Kth) *DoublePercentile {
	return (*DoublePercentile)(e.metric(name, unit, desc, kindPercentile, true, normKth(kth)))
}

func normKth(k Kth) Kth {
	if k&AllKth == 0 {
		return AllKth
	}
	return k & AllKth
}

// metric finds or creates a caller-driven (not simulated) metric. The
// common case, a handle looked up again, only takes the read lock.
func (e *Entity) metric(name string, unit Unit, desc string, k kind, double bool, kth Kth) *metric {
	e.r.mu.RLock()
	m := e.find(name)
	e.r.mu.RUnlock()
	if m == nil {
		p := &proto{name: name, unit: unit, desc: desc, kind: k, double: double, kth: kth}
		e.r.mu.Lock()
		m = e.metricLocked(p, false, nil) // finds it if another goroutine won
		e.r.mu.Unlock()
	}
	if m.p.kind != k || m.p.double != double {
		panic(fmt.Sprintf("metrics: %s of entity %q already exists as another kind", name, e.id))
	}
	return m
}

// find is the metric called name, or nil; r.mu must be held.
func (e *Entity) find(name string) *metric {
	for _, m := range e.metrics {
		if m.p.name == name {
			return m
		}
	}
	return nil
}

// metricLocked finds the metric of p's name, or creates it from p, with
// r.mu held for writing. Catalog metrics (simulated) start driven by the
// simulation, with their values at clock's time.
func (e *Entity) metricLocked(p *proto, simulated bool, clock *simClock) *metric {
	if m := e.find(p.name); m != nil {
		return m
	}
	m := &metric{p: p, key: e.idHash ^ hashString(p.name)}
	if simulated && p.sim.mode != simNone {
		m.sim.Store(1)
		clock.init(m)
	}
	e.metrics = append(e.metrics, m)
	return m
}

// Gauge is an int64 gauge handle.
type Gauge metric

// Set stores v, and pins the gauge: the simulation no longer changes it.
func (g *Gauge) Set(v int64) {
	m := (*metric)(g)
	m.pin()
	m.setInt(0, v)
}

// Add adds d (increment_by), and pins the gauge like Set.
func (g *Gauge) Add(d int64) {
	m := (*metric)(g)
	m.pin()
	m.v[0].Add(uint64(d))
}

// Value is the current value.
func (g *Gauge) Value() int64 { return (*metric)(g).int(0) }

// DoubleGauge is a double gauge handle.
type DoubleGauge metric

// Set stores v, and pins the gauge: the simulation no longer changes it.
// NaN and ±Inf are written as null (see pegasusrt.JSON.Float).
func (g *DoubleGauge) Set(v float64) {
	m := (*metric)(g)
	m.pin()
	m.setFloat(0, v)
}

// Add adds d atomically, and pins the gauge like Set.
func (g *DoubleGauge) Add(d float64) {
	m := (*metric)(g)
	m.pin()
	for {
		old := m.v[0].Load()
		if m.v[0].CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+d)) {
			return
		}
	}
}

// Value is the current value.
func (g *DoubleGauge) Value() float64 { return (*metric)(g).float(0) }

// Counter is a counter handle. Adds and the simulation accumulate
// together, so a simulated counter also counts what the caller adds.
type Counter metric

// Add adds n.
func (c *Counter) Add(n int64) { (*metric)(c).v[0].Add(uint64(n)) }

// Increment adds 1.
func (c *Counter) Increment() { c.Add(1) }

// Pin stops the simulation from advancing the counter, leaving it to Add.
func (c *Counter) Pin() { (*metric)(c).pin() }

// Value is the current value.
func (c *Counter) Value() int64 { return (*metric)(c).int(0) }

// Percentile is an int64 percentile handle.
type Percentile metric

// Observe records a sample, and pins the percentile. As the real server
// recomputes kth percentiles on a timer over a window of samples, the
// values reflect observations after the next Simulate.
func (p *Percentile) Observe(v int64) { (*metric)(p).observe(uint64(v)) }

// Set stores v as the kth percentiles in k directly, and pins the
// percentile.
func (p *Percentile) Set(k Kth, v int64) { (*metric)(p).setKth(k, uint64(v)) }

// Value is the current kth percentile (k must be a single percentile).
func (p *Percentile) Value(k Kth) int64 { return (*metric)(p).int(kthIndex(k)) }

// DoublePercentile is a double percentile handle.
type DoublePercentile metric

// Observe records a sample; see Percentile.Observe.
func (p *DoublePercentile) Observe(v float64) { (*metric)(p).observe(math.Float64bits(v)) }

// Set stores v as the kth percentiles in k; see Percentile.Set.
func (p *DoublePercentile) Set(k Kth, v float64) { (*metric)(p).setKth(k, math.Float64bits(v)) }

// Value is the current kth percentile (k must be a single percentile).
func (p *DoublePercentile) Value(k Kth) float64 { return (*metric)(p).float(kthIndex(k)) }

func kthIndex(k Kth) int {
	for i := range kthNames {
		if k == 1<<i {
			return i
		}
	}
	panic(fmt.Sprintf("metrics: %#x is not a single kth percentile", uint8(k)))
}

func (m *metric) setKth(k Kth, bits uint64) {
	m.pin()
	for i := range kthNames {
		if k&(1<<i) != 0 {
			m.v[i].Store(bits)
		}
	}
}

// sampleSize is the observation window of a percentile. The real default
// is 4096 (percentile::kDefaultSampleSize); a smaller window keeps observed
// stand-in percentiles cheap, and the window is only allocated on the
// first Observe, since most stand-in percentiles are simulated.
const sampleSize = 1024

// samples is the ring of recent observations of a percentile.
type samples struct {
	mu    sync.Mutex
	ring  [sampleSize]uint64
	tail  uint64
	dirty bool
}

func (m *metric) observe(bits uint64) {
	m.pin()
	s := m.obs.Load()
	if s == nil {
		m.obs.CompareAndSwap(nil, new(samples))
		s = m.obs.Load()
	}
	s.mu.Lock()
	s.ring[s.tail%sampleSize] = bits
	s.tail++
	s.dirty = true
	s.mu.Unlock()
}
