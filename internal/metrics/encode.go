package metrics

import (
	"sync"
	"time"

	pegasusrt "github.com/pegasus-kv/pegasus-gen/gen/runtime"
)

// Query is the filter of one GET /metrics, field for field the
// GetMetricsRequest the generated servers hand to a handler, so that an
// adapter copies the fields over. Lists are as split_args leaves them
// (trimmed, no empty items); the generated server has already rejected
// the requests the real server answers with 400.
type Query struct {
	// WithMetricFields selects the fields of each metric: nil when the
	// parameter is absent; present (even empty) it wins over Detail, and
	// empty means all fields. Unknown names are ignored.
	WithMetricFields []string
	// Types keeps entities of these types (OR); empty keeps all.
	Types []string
	// IDs keeps entities with these ids (OR); empty keeps all.
	IDs []string
	// Attributes are name, value pairs: an entity is kept if any pair
	// matches one of its attributes. Empty keeps all; a trailing unpaired
	// name (which the server rejects) is ignored.
	Attributes []string
	// Metrics keeps metrics with these names (OR); empty keeps all.
	// Entities left without metrics are omitted.
	Metrics []string
	// Detail, when true and WithMetricFields is nil, selects all fields;
	// otherwise the brief set {name, value, p50, …, p999} is used.
	Detail *bool
}

// Field bits, in output order: type, name, unit, desc, value, p50…p999.
const (
	fType uint16 = 1 << iota
	fName
	fUnit
	fDesc
	fValue
	fP50 // fP50 << i is kth percentile i

	fAll   = 1<<10 - 1
	fBrief = fName | fValue | fP50 | fP50<<1 | fP50<<2 | fP50<<3 | fP50<<4
)

// fieldBits maps field names to bits; a name not here selects nothing.
var fieldBits = map[string]uint16{
	"type": fType, "name": fName, "unit": fUnit, "desc": fDesc, "value": fValue,
	"p50": fP50, "p90": fP50 << 1, "p95": fP50 << 2, "p99": fP50 << 3, "p999": fP50 << 4,
}

// fields is the field set a query selects (metrics.cpp:378-382).
func (q *Query) fields() uint16 {
	switch {
	case q.WithMetricFields != nil:
		if len(q.WithMetricFields) == 0 {
			return fAll
		}
		var f uint16
		for _, n := range q.WithMetricFields {
			f |= fieldBits[n]
		}
		return f
	case q.Detail != nil && *q.Detail:
		return fAll
	}
	return fBrief
}

// set is a filter list. Short lists (the usual case) are scanned; long ones
// get a map, built once per query, so that a query naming thousands of ids
// stays linear in the entity count.
type set struct {
	list []string
	m    map[string]struct{}
}

const setMapThreshold = 16

func newSet(list []string) set {
	s := set{list: list}
	if len(list) > setMapThreshold {
		s.m = make(map[string]struct{}, len(list))
		for _, x := range list {
			s.m[x] = struct{}{}
		}
	}
	return s
}

// has reports whether x is in a non-empty set.
func (s *set) has(x string) bool {
	if s.m != nil {
		_, ok := s.m[x]
		return ok
	}
	for _, y := range s.list {
		if y == x {
			return true
		}
	}
	return false
}

// filter is a Query made ready for matching.
type filter struct {
	fields              uint16
	types, ids, metrics set
	attrs               []string
}

func newFilter(q *Query) filter {
	return filter{
		fields:  q.fields(),
		types:   newSet(q.Types),
		ids:     newSet(q.IDs),
		metrics: newSet(q.Metrics),
		attrs:   q.Attributes,
	}
}

// matchEntity applies the type, id and attribute filters
// (metric_entity::take_snapshot; metric_filters::match_entity_attrs).
func (f *filter) matchEntity(e *Entity) bool {
	if len(f.types.list) > 0 && !f.types.has(e.typ) {
		return false
	}
	if len(f.ids.list) > 0 && !f.ids.has(e.id) {
		return false
	}
	if len(f.attrs) < 2 {
		return true
	}
	for i := 0; i+1 < len(f.attrs); i += 2 {
		if j := indexAttr(e.attrs, f.attrs[i]); j >= 0 && e.attrs[j+1] == f.attrs[i+1] {
			return true
		}
	}
	return false
}

func (f *filter) matchMetric(m *metric) bool {
	return len(f.metrics.list) == 0 || f.metrics.has(m.p.name)
}

// anyMetric reports whether the entity keeps at least one metric: the
// writer cannot take output back, so this is decided before the entity's
// first byte (extract_entity_metrics + the empty check).
func (f *filter) anyMetric(e *Entity) bool {
	if len(f.metrics.list) == 0 {
		return len(e.metrics) > 0
	}
	for _, m := range e.metrics {
		if f.metrics.has(m.p.name) {
			return true
		}
	}
	return false
}

// Encode writes the whole 200 body of GET /metrics for q into w, after
// resetting it: the object {cluster, role, host, port, timestamp_ns,
// entities} in rapidjson PrettyWriter layout, byte for byte what the real
// server writes (wire-behaviour.md §8.2), with now as timestamp_ns.
// Entities and their metrics come in creation order (the real order is
// unspecified). Encode streams straight from the registry into w: it
// builds nothing per entity or metric, so with a reused w it does not
// allocate at all, whatever the entity count. It does not Simulate.
func (r *Registry) Encode(w *pegasusrt.JSON, q Query, now time.Time) {
	f := newFilter(&q)
	w.Reset()
	w.BeginObject()
	w.Key("cluster")
	w.String(r.cluster)
	w.Key("role")
	w.String(r.role)
	w.Key("host")
	w.String(r.host)
	w.Key("port")
	if r.port > 0 && r.port <= 65535 {
		w.Int(int64(r.port))
	} else {
		w.String("unknown")
	}
	w.Key("timestamp_ns")
	w.Uint(uint64(max(now.UnixNano(), 0))) // dsn_now_ns() is unsigned
	w.Key("entities")
	w.BeginArray()
	r.mu.RLock()
	for _, e := range r.entities {
		if f.matchEntity(e) && f.anyMetric(e) {
			f.writeEntity(w, e)
		}
	}
	r.mu.RUnlock()
	w.EndArray()
	w.EndObject()
}

// writeEntity is metric_entity::take_snapshot's output for a kept entity.
func (f *filter) writeEntity(w *pegasusrt.JSON, e *Entity) {
	w.BeginObject()
	w.Key("type")
	w.String(e.typ)
	w.Key("id")
	w.String(e.id)
	w.Key("attributes")
	w.BeginObject()
	for i := 0; i+1 < len(e.attrs); i += 2 {
		w.Key(e.attrs[i])
		w.String(e.attrs[i+1])
	}
	w.EndObject()
	w.Key("metrics")
	w.BeginArray()
	for _, m := range e.metrics {
		if f.matchMetric(m) {
			f.writeMetric(w, m)
		}
	}
	w.EndArray()
	w.EndObject()
}

// writeMetric is metric::take_snapshot: the selected fields in the fixed
// order; a percentile writes only its configured kth percentiles, and a
// metric with no selected field is {}.
func (f *filter) writeMetric(w *pegasusrt.JSON, m *metric) {
	p, fs := m.p, f.fields
	w.BeginObject()
	if fs&fType != 0 {
		w.Key("type")
		w.String(kindNames[p.kind])
	}
	if fs&fName != 0 {
		w.Key("name")
		w.String(p.name)
	}
	if fs&fUnit != 0 {
		w.Key("unit")
		w.String(string(p.unit))
	}
	if fs&fDesc != 0 {
		w.Key("desc")
		w.String(p.desc)
	}
	if p.kind == kindPercentile {
		for i, name := range kthNames {
			if p.kth&(1<<i) != 0 && fs&(fP50<<i) != 0 {
				w.Key(name)
				writeValue(w, m, i)
			}
		}
	} else if p.kind == kindVolatileCounter {
		// The read takes the count whether or not "value" is selected,
		// as take_snapshot calls value() before the field filter.
		v := int64(m.v[0].Swap(0))
		if fs&fValue != 0 {
			w.Key("value")
			w.Int(v)
		}
	} else if fs&fValue != 0 {
		w.Key("value")
		writeValue(w, m, 0)
	}
	w.EndObject()
}

// writeValue writes value i as an integer or, for double metrics, as
// rapidjson's Writer::Double does.
func writeValue(w *pegasusrt.JSON, m *metric, i int) {
	if m.p.double {
		w.Float(m.float(i))
	} else {
		w.Int(m.int(i))
	}
}

// writers recycles JSON writers for Body. A writer that grew past
// maxPooledWriter (a very large registry) is dropped rather than pinned.
var writers = sync.Pool{New: func() any { return pegasusrt.NewJSON(pegasusrt.Pretty4) }}

const maxPooledWriter = 64 << 20

// Body is what a /metrics handler returns: it simulates to now, encodes q
// and returns the body in a new slice (the handler's answer owns it, so
// the pooled writer cannot be handed out).
func (r *Registry) Body(q Query, now time.Time) []byte {
	r.Simulate(now)
	w := writers.Get().(*pegasusrt.JSON)
	r.Encode(w, q, now)
	out := append([]byte(nil), w.Bytes()...)
	if w.Len() <= maxPooledWriter {
		w.Reset()
		writers.Put(w)
	}
	return out
}
