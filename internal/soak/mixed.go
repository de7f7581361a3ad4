package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pegasus-kv/pegasus-gen/internal/config"
)

// reads are the read requests of the mix, by role.
var (
	metaReads = []string{"/meta/app?name=temp&detail", "/meta/apps?detail", "/meta/nodes?detail", "/meta/cluster",
		"/meta/app_envs?name=temp", "/meta/app/duplication?name=temp", "/config?name=config_sync_interval_ms", "/configs",
		"/metrics?types=server", "/version", "/", "/envs/list", "/recentStartTime"}
	replicaReads = []string{"/metrics?types=replica&metrics=get_requests,get_latency_ns&detail=true", "/metrics",
		"/replica/data_version?app_id=2", "/replica/duplication?appid=2", "/replica/manual_compaction?app_id=2",
		"/configs", "/version", "/"}
)

// slot is one flag on one server that a single client owns, so that what
// it writes is what it must read back.
type slot struct {
	addr, name string
	values     [2]string // two values a fresh server accepts
	rendered   [2]string // how /config shows them
}

// slots makes every (server, mutable non-string flag) pair whose two
// values a fresh registry accepts.
func slots(servers []string) []slot {
	var out []slot
	fresh := config.New()
	for _, f := range fresh.All() {
		if f.Tags != config.MutableTag || f.Type == "FV_STRING" {
			continue
		}
		s := slot{name: f.Name}
		switch f.Type {
		case "FV_BOOL":
			s.values = [2]string{"true", "false"}
		case "FV_DOUBLE":
			v, _ := strconv.ParseFloat(f.Value, 64)
			s.values = [2]string{strconv.FormatFloat(v+1, 'f', 2, 64), strconv.FormatFloat(v+2, 'f', 2, 64)}
		default:
			v, _ := strconv.ParseInt(f.Value, 10, 64)
			s.values = [2]string{strconv.FormatInt(v+1, 10), strconv.FormatInt(v+2, 10)}
		}
		ok := true
		for i, v := range s.values {
			r := config.New()
			if r.Update(map[string]string{f.Name: v}) != "ERR_OK" {
				ok = false
				break
			}
			g, _ := r.Get(f.Name)
			s.rendered[i] = g.Value
		}
		if !ok {
			continue
		}
		for _, a := range servers {
			s.addr = a
			out = append(out, s)
		}
	}
	return out
}

// mixed runs cfg.Clients clients for cfg.Duration: reads on any server,
// and checked writes on the client's own slots.
func mixed(ctx context.Context, ob *onebox, cfg Config, rep *Report) error {
	servers := append(append([]string(nil), ob.metas...), ob.replicas...)
	all := slots(servers)
	if len(all) < cfg.Clients {
		return fmt.Errorf("only %d (server, flag) slots for %d clients", len(all), cfg.Clients)
	}
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Clients, MaxConnsPerHost: 0}}
	defer hc.CloseIdleConnections()
	deadline := time.Now().Add(cfg.Duration)
	lat := make([][]time.Duration, cfg.Clients)
	var writes, refused, lost atomic.Int64
	var wg sync.WaitGroup
	for i := range cfg.Clients {
		var own []slot
		for j := i; j < len(all); j += cfg.Clients {
			own = append(own, all[j])
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := client{hc: hc, t: &rep.Mixed, r: rand.New(rand.NewPCG(cfg.Seed, uint64(i)+2))}
			for n := 0; time.Now().Before(deadline) && ctx.Err() == nil; n++ {
				if c.r.IntN(4) == 0 {
					s := own[c.r.IntN(len(own))]
					switch c.checkedWrite(s, n%2) {
					case writeOK:
						writes.Add(1)
					case writeRefused:
						refused.Add(1)
					case writeLost:
						lost.Add(1)
					}
					continue
				}
				c.read(servers, ob.metas)
			}
			lat[i] = c.lat
		}()
	}
	wg.Wait()
	merged := slices.Concat(lat...)
	slices.Sort(merged)
	if len(merged) > 0 {
		rep.P50, rep.P99 = merged[len(merged)/2], merged[len(merged)*99/100]
	}
	rep.Writes, rep.Refused, rep.LostUpdates = writes.Load(), refused.Load(), lost.Load()
	return nil
}

// client is one mixed client.
type client struct {
	hc  *http.Client
	t   *Tally
	r   *rand.Rand
	lat []time.Duration
}

// do sends a GET and returns the status and body; a transport error is
// tallied and reported as status 0.
func (c *client) do(u string) (int, []byte) {
	start := time.Now()
	resp, err := c.hc.Get(u)
	if err != nil {
		c.t.drop(err)
		return 0, nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	c.lat = append(c.lat, time.Since(start))
	if err != nil {
		c.t.drop(err)
		return 0, nil
	}
	c.t.add(resp.StatusCode, false)
	return resp.StatusCode, body
}

func (c *client) read(servers, metas []string) {
	addr := servers[c.r.IntN(len(servers))]
	reads := replicaReads
	if slices.Contains(metas, addr) {
		reads = metaReads
	}
	c.do("http://" + addr + reads[c.r.IntN(len(reads))])
}

type writeResult int

const (
	writeFailed writeResult = iota // a transport or status failure, tallied already
	writeOK
	writeRefused
	writeLost
)

// checkedWrite sets one of the slot's values and reads it back.
func (c *client) checkedWrite(s slot, which int) writeResult {
	status, body := c.do("http://" + s.addr + "/updateConfig?" + url.PathEscape(s.name) + "=" + s.values[which])
	var upd struct {
		Status string `json:"update_status"`
	}
	if status != 200 || json.Unmarshal(body, &upd) != nil {
		return writeFailed
	}
	if upd.Status != "ERR_OK" {
		return writeRefused
	}
	status, body = c.do("http://" + s.addr + "/config?name=" + url.QueryEscape(s.name))
	var flag struct {
		Value string `json:"value"`
	}
	if status != 200 || json.Unmarshal(body, &flag) != nil {
		return writeFailed
	}
	if flag.Value != s.rendered[which] {
		return writeLost
	}
	return writeOK
}
