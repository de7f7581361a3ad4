//go:build !race

// A bound on time means nothing under the race detector, which slows the
// follower several times over; `make test`'s race run skips it.

package zkcluster

import (
	"log"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
)

// maxReplicaLag is the README's bound on how far a ReplicaServer's state
// trails the primary's acknowledged writes on a loopback ZooKeeper.
const maxReplicaLag = time.Second

// TestReplicaLag writes 125 times a second through the primary for two
// seconds and times when a ReplicaServer's model shows each write: every
// one within maxReplicaLag.
func TestReplicaLag(t *testing.T) {
	o := opts(t, log.New(&syncLog{}, "", 0))
	metas, models := startMetas(t, o, 1)
	waitPrimary(t, metas)
	rmodel := cluster.NewModel(cluster.DefaultState(), nil)
	r, err := StartReplica(o, "127.0.0.1:34801", rmodel, cluster.DefaultState())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	var mu sync.Mutex
	acked := map[int]time.Time{}
	seen := map[int]time.Duration{}
	done := make(chan struct{})
	go func() { // the follower's view, sampled every millisecond
		defer close(done)
		deadline := time.Now().Add(10 * time.Second)
		for last := 0; last < 250 && time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			v, _ := strconv.Atoi(env(rmodel, "lag"))
			mu.Lock()
			for i := last + 1; i <= v; i++ {
				seen[i] = 0 // shown before its acknowledgement was noted
				if at, ok := acked[i]; ok {
					seen[i] = max(time.Since(at), 0)
				}
			}
			mu.Unlock()
			last = max(last, v)
		}
	}()
	tick := time.NewTicker(8 * time.Millisecond)
	for i := 1; i <= 250; i++ {
		<-tick.C
		if err := models[0].Write(func(s *cluster.State) { s.TableByName("temp").Envs["lag"] = strconv.Itoa(i) }); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		acked[i] = time.Now()
		mu.Unlock()
	}
	tick.Stop()
	<-done
	var lags []time.Duration
	for _, d := range seen {
		lags = append(lags, d)
	}
	sort.Slice(lags, func(i, j int) bool { return lags[i] < lags[j] })
	if len(lags) < 250 {
		t.Fatalf("the ReplicaServer showed %d of 250 writes within 10 s", len(lags))
	}
	p50, p99, worst := lags[len(lags)/2], lags[len(lags)*99/100], lags[len(lags)-1]
	t.Logf("replica lag at 125 writes/s: p50 %v, p99 %v, max %v", p50, p99, worst)
	if worst > maxReplicaLag {
		t.Errorf("a write reached the ReplicaServer %v after its acknowledgement, over %v", worst, maxReplicaLag)
	}
}
