package bench

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/bench/oapi"
	"github.com/pegasus-kv/pegasus-gen/generated/meta"
)

// ratioRound is how many requests one timed round serves: long enough that
// reading the clock is noise, short enough that a burst of load from
// elsewhere on the machine spoils few rounds.
const ratioRound = 2000

// BenchmarkRequestRatio measures what BenchmarkRequest measures, as the
// ratios its targets are stated in: pegasus-gen's time per request over the
// hand-written server's and over oapi-codegen's. The servers take turns in
// rounds of ratioRound requests and each metric is the median of the
// per-turn ratios, so that the machine slowing down or speeding up (this
// one shares its cores) affects both sides of every ratio alike; separate
// ns/op figures taken seconds apart do not have that property.
//
// Reported: x-handwritten (target ≤ 1.10) and x-oapi (target ≤ 0.50).
func BenchmarkRequestRatio(b *testing.B) {
	gen := meta.NewServer(MetaHandler{}, nil)
	oapiH := oapi.Handler(OapiServer{})
	for _, c := range requestCases {
		b.Run(c.name, func(b *testing.B) {
			rg := newRequest(http.MethodGet, c.target)
			ro := newRequest(http.MethodGet, c.oapiTarget)
			w := NewRecorder()
			round := func(h http.Handler, r *http.Request) time.Duration {
				start := time.Now()
				for range ratioRound {
					w.Reset()
					h.ServeHTTP(w, r)
				}
				return time.Since(start)
			}
			// Warm every path (pools, header map) before timing.
			round(gen, rg)
			round(Handwritten{}, rg)
			round(oapiH, ro)
			var vsHand, vsOapi []float64
			var genTotal time.Duration
			for b.Loop() {
				g1 := round(gen, rg)
				h := round(Handwritten{}, rg)
				g2 := round(gen, rg)
				o := round(oapiH, ro)
				// The hand-written turn sits between two of pegasus-gen's,
				// so a drift in speed during the pair cancels out.
				vsHand = append(vsHand, float64(g1+g2)/2/float64(h))
				vsOapi = append(vsOapi, float64(g2)/float64(o))
				genTotal += g1 + g2
			}
			b.ReportMetric(median(vsHand), "x-handwritten")
			b.ReportMetric(median(vsOapi), "x-oapi")
			b.ReportMetric(float64(genTotal.Nanoseconds())/float64(2*ratioRound*len(vsHand)), "ns/op")
		})
	}
}

// median is the middle of xs (the mean of the middle two for even counts).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
