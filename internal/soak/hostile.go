package soak

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Every path of both roles; each server gets all of them, its own and
// the other role's (which must be 404s).
var paths = []string{"/", "/config", "/configs", "/envs/list", "/meta/app", "/meta/app/duplication",
	"/meta/app/query_bulk_load", "/meta/app/start_bulk_load", "/meta/app/start_compaction", "/meta/app/usage_scenario",
	"/meta/app_envs", "/meta/apps", "/meta/backup_policy", "/meta/cluster", "/meta/nodes", "/metrics", "/pprof/cmdline",
	"/pprof/growth", "/pprof/heap", "/pprof/profile", "/pprof/symbol", "/recentStartTime", "/updateConfig", "/version",
	"/replica/data_version", "/replica/duplication", "/replica/manual_compaction"}

// mutations turn a path into a hostile request: the raw bytes sent on a
// new connection.
var mutations = []func(r *rand.Rand, path string) string{
	func(r *rand.Rand, p string) string { return get(p + pick(r, "%", "%G0", "%4", "%%%", "%00x")) },
	func(r *rand.Rand, p string) string { return get(p + "?" + pick(r, "name=%", "a=%zz", "%", "x=%0")) },
	func(r *rand.Rand, p string) string { return get(p + "?name=a&name=b") },
	func(r *rand.Rand, p string) string { return get(p + "?detail&detail=1&detail") },
	func(r *rand.Rand, p string) string { return get(p + "?" + strings.Repeat("a=1&", 8<<10)) },
	func(r *rand.Rand, p string) string { return get(p + "?" + randEscaped(r, 200)) },
	func(r *rand.Rand, p string) string {
		return get(p + "?" + randEscaped(r, 20) + "=" + randEscaped(r, 20))
	},
	func(r *rand.Rand, p string) string {
		return get(p + "?" + pick(r, "seconds", "app_id", "appid", "name", "detail", "types", "with_metric_fields") + "=" +
			pick(r, "-1", "0x7fffffffffffffff", "1e400", "maybe", "", "%00", "99999999999999999999", "%20", "0x", "08", strings.Repeat("9", 5000)))
	},
	func(r *rand.Rand, p string) string {
		return post(p, pick(r, `{"app_name":1}`, `[]`, `{"app_name":"\ud800"}`, `{`, `null`, "\x00\xff", ""))
	},
	func(r *rand.Rand, p string) string {
		return post(p, strings.Repeat("[", 20000)+strings.Repeat("]", 20000))
	},
	func(r *rand.Rand, p string) string {
		return post(p, `{"app_name":"temp","type":"normal","trigger_time":"`+randEscaped(r, 50)+`"}`)
	},
	func(r *rand.Rand, p string) string { return post(p, string(randBytes(r, 300))) },
	func(r *rand.Rand, p string) string {
		return fmt.Sprintf("%s %s HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", pick(r, "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "get", "TRACE"), p)
	},
	func(r *rand.Rand, p string) string { return "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n" },
	func(r *rand.Rand, p string) string { return "GET " + p + " HTTP/2.0\r\nHost: h\r\n\r\n" },
	func(r *rand.Rand, p string) string { return "GET " + p + " HTTP/1.1\r\nHost h\r\n\r\n" },
	func(r *rand.Rand, p string) string {
		return "POST " + p + " HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"
	},
	func(r *rand.Rand, p string) string {
		return "POST " + p + " HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nConnection: close\r\n\r\nab" // short body, then half-close
	},
	func(r *rand.Rand, p string) string {
		return get(pick(r, "//", "/ ", "/%2F", "/%20/")+strings.TrimPrefix(p, "/")+"//") + ""
	},
	func(r *rand.Rand, p string) string {
		return "GET http://x" + p + "?x=1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
	},
	func(r *rand.Rand, p string) string {
		return get("/updateConfig?" + pick(r, "rocksdb_num_levels=3", "server_key=x", "no_such=1", "config_sync_interval_ms=-1",
			"balance_cluster=TRUE", "duplicate_log_batch_bytes=0x100000000", "a=1&b=2", "", "replica_write_throttling_delay_ms="+randEscaped(r, 8)))
	},
	func(r *rand.Rand, p string) string {
		return get("/metrics?" + pick(r, "types=,,,", "attributes=a", "attributes=a,b,c", "with_metric_fields=%00", "detail=yes",
			"ids="+strings.Repeat("x,", 3000), "metrics=a&metrics=b"))
	},
	func(r *rand.Rand, p string) string {
		return post("/pprof/symbol", pick(r, "'", "+++", "0x0+zz", "\"0X1+0x2")+randEscaped(r, 40))
	},
	func(r *rand.Rand, p string) string {
		return "GET " + p + " HTTP/1.1\r\nHost: h\r\nX: " + strings.Repeat("a", 100<<10) + "\r\n\r\n"
	},
}

func get(target string) string {
	return "GET " + target + " HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
}

func post(path, body string) string {
	return fmt.Sprintf("POST %s HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", path, len(body), body)
}

func pick(r *rand.Rand, s ...string) string { return s[r.IntN(len(s))] }

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, r.IntN(n)+1)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

// randEscaped is random bytes, percent-encoded so they survive the
// request line (the server decodes them).
func randEscaped(r *rand.Rand, n int) string {
	var sb strings.Builder
	for _, c := range randBytes(r, n) {
		fmt.Fprintf(&sb, "%%%02X", c)
	}
	return sb.String()
}

// hostile sends cfg.Hostile requests, spread over every server and eight
// connections at a time.
func hostile(ctx context.Context, ob *onebox, cfg Config, t *Tally) {
	servers := append(append([]string(nil), ob.metas...), ob.replicas...)
	r := rand.New(rand.NewPCG(cfg.Seed, 1))
	type job struct{ addr, req, path string }
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				status, netHTTP, err := exchange(j.addr, j.req)
				if err != nil {
					t.drop(err)
					continue
				}
				t.add(status, profiler500(j.path) || netHTTP)
				if netHTTP {
					t.countNetHTTP()
				}
			}
		}()
	}
	for i := 0; i < cfg.Hostile && ctx.Err() == nil; i++ {
		p := paths[r.IntN(len(paths))]
		m := mutations[r.IntN(len(mutations))]
		jobs <- job{addr: servers[i%len(servers)], req: m(r, p), path: p}
	}
	close(jobs)
	wg.Wait()
}

// profiler500 reports the paths whose 500 is documented behaviour: a
// profile already running, or a heap sample without sampling.
func profiler500(path string) bool {
	switch path {
	case "/pprof/heap", "/pprof/growth", "/pprof/profile":
		return true
	}
	return false
}

// exchange sends one raw request on a new connection and reads the
// answer's status and whole body. netHTTP reports an answer net/http wrote
// before any handler ran (README, known differences): its Content-Type has
// a charset, which the servers' "text/plain" never has.
func exchange(addr, req string) (status int, netHTTP bool, err error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, false, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(conn, req); err != nil {
		return 0, false, err
	}
	if strings.Contains(req, "Content-Length: 5\r\n") {
		_ = conn.(*net.TCPConn).CloseWrite()
	}
	br := bufio.NewReader(conn)
	head, _ := br.Peek(len("HTTP/1.1 307 "))
	resp, err := http.ReadResponse(br, nil)
	if err != nil && string(head) == "HTTP/1.1 307 " {
		// A backup's Location holds the decoded arguments as they are,
		// control bytes included, as the real server writes it; net/http
		// cannot read such a header, but the answer is the right one.
		return http.StatusTemporaryRedirect, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<20)); err != nil {
		return 0, false, err
	}
	return resp.StatusCode, strings.Contains(resp.Header.Get("Content-Type"), "charset"), nil
}
