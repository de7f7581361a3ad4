package metrics

import (
	"math"
	"slices"
	"time"
)

// simMode says how the simulation drives a catalog metric.
type simMode uint8

const (
	// simNone leaves the metric to the caller (e.g. partition health
	// counts, which only the caller's cluster model knows).
	simNone simMode = iota
	// simRate advances a counter at a per-metric rate in [lo, hi) per
	// second, modulated by ±rateSwing over ratePeriod so QPS varies.
	simRate
	// simLevel holds a gauge around a per-metric base in [lo, hi), moving
	// by drift (relative, per hour) and jitter (relative, per tick).
	simLevel
	// simLatency holds a percentile's p50 around a per-metric base in
	// [lo, hi) and the higher kth percentiles at fixed multiples of it.
	simLatency
)

// simSpec is a catalog prototype's simulation profile; metrics of one
// prototype differ by their PRNG stream (metric.key), not by their spec.
type simSpec struct {
	mode          simMode
	lo, hi        float64
	jitter, drift float64
}

const (
	// tickNS quantises gauges and percentiles: they change at most once a
	// second, as the real ones change on timers, and Simulate need not
	// touch them on every call.
	tickNS = int64(time.Second)
	// rateSwing and ratePeriod shape the counter rates; the swing is below
	// 1 so that counters never go down.
	rateSwing  = 0.3
	ratePeriod = 600 // seconds
)

// latencyMultiples place p90..p999 above p50 as a long-tailed latency
// distribution would.
var latencyMultiples = [5]float64{1, 1.8, 2.4, 4.5, 12}

// simClock is the simulation's time: the seed, the time of the first
// Simulate (t0), of the latest (last), and the latest tick.
type simClock struct {
	seed     uint64
	started  bool
	t0, last int64 // UnixNano
	tick     int64
}

// SetSeed changes the seed of the simulation's PRNG: with the same seed,
// entities and Simulate times, two registries report the same values.
func (r *Registry) SetSeed(seed uint64) {
	r.simMu.Lock()
	r.clock.seed = seed
	r.simMu.Unlock()
}

func (r *Registry) clockSnapshot() simClock {
	r.simMu.Lock()
	defer r.simMu.Unlock()
	return r.clock
}

// Simulate advances the simulated metrics to now: counters by their rate
// over the time since the previous call, gauges and percentiles to their
// values for now's one-second tick. Values are a pure function of the
// seed, each metric's entity id and name, and the times of the calls, so
// runs are reproducible, while two reads at different times differ. The
// first call only starts the clock. A time not after the previous call's
// changes nothing, so counters never decrease. Percentiles that were
// observed get their kth values recomputed from their samples here, as
// the real server's percentile timer would. Handlers call Simulate before
// each query (Body does); no goroutine is needed.
func (r *Registry) Simulate(now time.Time) {
	ns := now.UnixNano()
	r.simMu.Lock()
	defer r.simMu.Unlock()
	c := &r.clock
	if !c.started {
		c.started, c.t0, c.last, c.tick = true, ns, ns, 0
		r.forEach(func(m *metric) { r.recompute(m) })
		return
	}
	if ns <= c.last {
		return
	}
	prev := *c
	c.last = ns
	c.tick = (ns - c.t0) / tickNS
	newTick := c.tick != prev.tick
	secNow := float64(ns-c.t0) / 1e9
	secPrev := float64(prev.last-c.t0) / 1e9
	load := r.Load()
	r.forEach(func(m *metric) {
		switch {
		case m.p.kind == kindPercentile && m.obs.Load() != nil:
			r.recompute(m)
		case !m.simulated():
		case m.p.kind.counting():
			d := c.counterTarget(m, secNow, load) - c.counterTarget(m, secPrev, load)
			if d > 0 {
				m.v[0].Add(uint64(d))
			}
		case newTick:
			c.init(m)
		}
	})
}

// forEach calls f for every metric under the registry's read lock.
func (r *Registry) forEach(f func(*metric)) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, e := range r.entities {
		for _, m := range e.metrics {
			f(m)
		}
	}
}

// recompute sets an observed percentile's kth values from its samples, as
// percentile::find_nth_elements does: element int(n × decimal) of the
// sorted window.
func (r *Registry) recompute(m *metric) {
	s := m.obs.Load()
	if s == nil {
		return
	}
	s.mu.Lock()
	if !s.dirty {
		s.mu.Unlock()
		return
	}
	n := int(min(s.tail, sampleSize))
	r.scratch = append(r.scratch[:0], s.ring[:n]...)
	s.dirty = false
	s.mu.Unlock()
	if m.p.double {
		slices.SortFunc(r.scratch, func(a, b uint64) int {
			return cmpFloat(math.Float64frombits(a), math.Float64frombits(b))
		})
	} else {
		slices.SortFunc(r.scratch, func(a, b uint64) int { return cmpInt(int64(a), int64(b)) })
	}
	for i, d := range kthDecimals {
		m.v[i].Store(r.scratch[int(float64(n)*d)])
	}
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// init sets a simulated gauge or percentile to its value at the clock's
// tick (and a constant gauge to its constant). Counters start at 0, as a
// freshly started server's do.
func (c *simClock) init(m *metric) {
	p := m.p
	switch p.sim.mode {
	case simLevel:
		hours := 0.0
		if c.started {
			hours = float64(c.last-c.t0) / 3.6e12
		}
		v := c.base(m) * max(0, 1+p.sim.drift*hours)
		if p.sim.jitter != 0 {
			v *= 1 + p.sim.jitter*c.noise(m, 0)
		}
		c.store(m, 0, max(v, 0))
	case simLatency:
		b := c.base(m)
		prev := 0.0
		for i := range kthNames {
			v := b * latencyMultiples[i] * (1 + p.sim.jitter*c.noise(m, uint64(i)))
			v = max(v, prev) // p50 ≤ p90 ≤ … ≤ p999
			prev = v
			c.store(m, i, v)
		}
	}
}

// store writes v as the metric's value type.
func (c *simClock) store(m *metric, i int, v float64) {
	if m.p.double {
		m.setFloat(i, v)
	} else {
		m.setInt(i, int64(math.Round(v)))
	}
}

// base is the metric's level in its prototype's [lo, hi) range: fixed for
// the metric's life, different between metrics.
func (c *simClock) base(m *metric) float64 {
	s := m.p.sim
	return s.lo + (s.hi-s.lo)*unit01(mix64(c.seed^m.key))
}

// noise is the metric's PRNG value in [-1, 1) for the current tick and a
// lane (the kth percentile), from a counter-based generator: no state to
// keep per metric, and the same inputs always give the same value.
func (c *simClock) noise(m *metric, lane uint64) float64 {
	x := mix64(c.seed ^ m.key ^ mix64(uint64(c.tick)*8+lane+1))
	return 2*unit01(x) - 1
}

// counterTarget is how many events a simulated counter has counted sec
// seconds after t0 at a constant load: the integral of load × rate × (1 +
// swing × cos(ωt + φ)), which never decreases since swing < 1. Simulate
// takes the difference of two targets at the current load, so a changed
// load changes the rate from then on, and counters still never go down.
func (c *simClock) counterTarget(m *metric, sec, load float64) int64 {
	rate := c.base(m) * load
	if rate == 0 {
		return 0
	}
	w := 2 * math.Pi / ratePeriod
	phi := 2 * math.Pi * unit01(mix64(c.seed^m.key^0x5ca1ab1e))
	return int64(math.Floor(rate * (sec + rateSwing/w*(math.Sin(w*sec+phi)-math.Sin(phi)))))
}

// mix64 is the splitmix64 finaliser: a bijective 64-bit hash.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// unit01 maps 53 bits of x to [0, 1).
func unit01(x uint64) float64 { return float64(x>>11) / (1 << 53) }

// hashString is FNV-1a, to give metrics stable PRNG streams.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
