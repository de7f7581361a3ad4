package tests

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/generated/metaconform"
	"github.com/pegasus-kv/pegasus-gen/generated/replicaconform"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
)

// mutation is a wrong answer a server developer could write: one fact of a
// real onebox answer rewritten, every documented type kept (a count stays a
// string of digits, a time a string), so that only a rule of the spec that
// checks meaning can tell it from the real one.
type mutation struct {
	name string
	kind string // format, range, presence, invariant, request, agreement
	role string // "meta" or "replica"
	path string // the normalized path whose 200 answers are rewritten
	// when, if set, must match the request's decoded query for the answer
	// to be rewritten ("detail": only detailed answers).
	when, unless string
	// from is replaced by to once, at its first match in the 200 body.
	from, to string
	// rule is what the failure must name: the rule's message, or the
	// member whose pattern the answer breaks.
	rule string
}

// mutations are the wrong answers of issue 16, and more of each kind.
var mutations = []mutation{
	// formats
	{name: "create_time yesterday", kind: "format", role: "meta", path: "meta/apps",
		from: `"create_time":"[^"]*"`, to: `"create_time":"yesterday"`, rule: "create_time"},
	{name: "GitCommit abbreviated", kind: "format", role: "replica", path: "version",
		from: `"GitCommit":"([0-9a-f]{7})[0-9a-f]*"`, to: `"GitCommit":"$1"`, rule: "GitCommit"},
	{name: "a primary without its port", kind: "format", role: "meta", path: "meta/app", when: "detail",
		from: `"primary":"([^":]+):[0-9]+"`, to: `"primary":"$1"`, rule: "primary"},
	{name: "primary_meta_server without its port", kind: "format", role: "meta", path: "meta/cluster",
		from: `"primary_meta_server":"([^":]+):[0-9]+"`, to: `"primary_meta_server":"$1"`, rule: "primary_meta_server"},
	{name: "create_ts in ISO 8601", kind: "format", role: "meta", path: "meta/app/duplication",
		from: `"create_ts":"([0-9-]+) `, to: `"create_ts":"${1}T`, rule: "create_ts"},
	{name: "secondaries separated by a blank", kind: "format", role: "meta", path: "meta/app", when: "detail",
		from: `("secondaries":"\[[^,\]]+),`, to: `$1, `, rule: "secondaries"},
	{name: "balance_operation_count without its detail", kind: "format", role: "meta", path: "meta/cluster",
		from: `"balance_operation_count":"(?:[^"\\]|\\.)*"`, to: `"balance_operation_count":"{\n  \"total\": 0\n}"`, rule: "balance_operation_count"},
	{name: "a node address without its port", kind: "format", role: "meta", path: "meta/nodes",
		from: `"([0-9.]+):[0-9]+":\{"address":"[^"]*"`, to: `"$1":{"address":"$1"`, rule: "address"},
	{name: "a FV_DOUBLE flag with 3 decimals", kind: "format", role: "meta", path: "configs",
		from: `("type":"FV_DOUBLE","tags":"[^"]*","description":"(?:[^"\\]|\\.)*","value":"-?[0-9]+[.][0-9]{2})"`, to: `${1}0"`,
		rule: "a FV_DOUBLE flag's value has exactly 2 decimals"},
	{name: "a FV_BOOL flag that is 1", kind: "format", role: "replica", path: "configs",
		from: `("type":"FV_BOOL","tags":"[^"]*","description":"(?:[^"\\]|\\.)*","value":)"(true|false)"`, to: `$1"1"`,
		rule: "a FV_BOOL flag's value is true or false"},
	// ranges
	{name: "a negative partition_count", kind: "range", role: "meta", path: "meta/apps",
		from: `"partition_count":"([0-9]+)"`, to: `"partition_count":"-$1"`, rule: "partition_count"},
	{name: "partition_count 0", kind: "range", role: "meta", path: "meta/app", unless: "detail",
		from: `"partition_count":"[0-9]+"`, to: `"partition_count":"0"`, rule: "partition_count is at least 1"},
	{name: "app_id 0", kind: "range", role: "meta", path: "meta/app",
		from: `"app_id":"[0-9]+"`, to: `"app_id":"0"`, rule: "app_id"},
	{name: "a negative envs_count", kind: "range", role: "meta", path: "meta/apps",
		from: `"envs_count":"([0-9]+)"`, to: `"envs_count":"-$1"`, rule: "envs_count"},
	{name: "a negative stddev", kind: "range", role: "meta", path: "meta/cluster",
		from: `"primary_replica_count_stddev":"`, to: `"primary_replica_count_stddev":"-`, rule: "primary_replica_count_stddev"},
	{name: "a negative data_version", kind: "range", role: "replica", path: "replica/data_version",
		from: `"data_version":"`, to: `"data_version":"-`, rule: "data_version"},
	{name: "an unsigned flag with a sign", kind: "range", role: "replica", path: "config",
		from: `"value":"([0-9]+)"`, to: `"value":"-$1"`, rule: "an unsigned integer flag's value is a decimal integer without a sign"},
	// conditional presence
	{name: "node counts missing under detail", kind: "presence", role: "meta", path: "meta/nodes", when: "detail",
		from: `,"replica_count":"[0-9]+","primary_count":"[0-9]+","secondary_count":"[0-9]+"`, to: ``,
		rule: "replica_count, primary_count and secondary_count are present on every node exactly when detail is given"},
	{name: "node counts without detail", kind: "presence", role: "meta", path: "meta/nodes", unless: "detail",
		from: `"status":"ALIVE"\}`, to: `"status":"ALIVE","replica_count":"0","primary_count":"0","secondary_count":"0"}`,
		rule: "replica_count, primary_count and secondary_count are present on every node exactly when detail is given"},
	{name: "healthy_info missing under detail", kind: "presence", role: "meta", path: "meta/apps", when: "detail",
		from: `"healthy_info":\{("[^"]*":\{[^{}]*\},?)*\},`, to: ``,
		rule: "healthy_info is present exactly when detail is given and a table is listed"},
	{name: "summary health counts missing under detail", kind: "presence", role: "meta", path: "meta/apps", when: "detail",
		from: `,"fully_healthy_app_count":"[0-9]+","unhealthy_app_count":"[0-9]+","write_unhealthy_app_count":"[0-9]+","read_unhealthy_app_count":"[0-9]+"`, to: ``,
		rule: "the four health counts of summary are present exactly when detail is given and a table is listed"},
	{name: "healthy missing from a detailed app", kind: "presence", role: "meta", path: "meta/app", when: "detail",
		from: `,"healthy":\{[^{}]*\}`, to: ``, rule: "replicas, nodes and healthy are present exactly when detail is given"},
	{name: "a brief metric with its type", kind: "presence", role: "replica", path: "metrics", unless: "detail|with_metric_fields",
		from: `\{\n( +)"name": `, to: "{\n$1\"type\": \"Counter\",\n$1\"name\": ",
		rule: "without detail or with_metric_fields every metric is brief (no type, unit or desc)"},
	{name: "a detailed metric without its desc", kind: "presence", role: "replica", path: "metrics", when: "detail=true", unless: "with_metric_fields",
		from: `\n +"desc": "(?:[^"\\]|\\.)*",`, to: ``,
		rule: "with detail=true (and no with_metric_fields) every metric has type, name, unit and desc"},
	// invariants inside one answer
	{name: "total_app_count disagrees with the tables listed", kind: "invariant", role: "meta", path: "meta/apps",
		from: `"total_app_count":"([0-9]+)"`, to: `"total_app_count":"1$1"`, rule: "total_app_count is the number of tables listed in general_info"},
	{name: "fully_healthy + unhealthy is not partition_count", kind: "invariant", role: "meta", path: "meta/apps", when: "detail",
		from: `"fully_healthy":"([0-9]+)"`, to: `"fully_healthy":"1$1"`, rule: "fully healthy and unhealthy partitions add up to partition_count"},
	{name: "an ALIVE node called UNALIVE", kind: "invariant", role: "meta", path: "meta/nodes",
		from: `"status":"ALIVE"`, to: `"status":"UNALIVE"`, rule: "alive_node_count is the number of ALIVE nodes listed in details"},
	{name: "total_node_count is not alive + unalive", kind: "invariant", role: "meta", path: "meta/nodes",
		from: `"unalive_node_count":"([0-9]+)"`, to: `"unalive_node_count":"1$1"`, rule: "total_node_count is alive_node_count + unalive_node_count"},
	{name: "replica_count is not primary + secondary", kind: "invariant", role: "meta", path: "meta/nodes", when: "detail",
		from: `"replica_count":"([0-9]+)"`, to: `"replica_count":"1$1"`, rule: "replica_count is primary_count + secondary_count"},
	{name: "a nodes row whose total is not primary + secondary", kind: "invariant", role: "meta", path: "meta/app", when: "detail",
		from: `"total":"([0-9]+)"`, to: `"total":"1$1"`, rule: "total is primary + secondary"},
	{name: "a partition without primary not counted read-unhealthy", kind: "invariant", role: "meta", path: "meta/app", when: "detail",
		from: `"primary":"[^"]*"`, to: `"primary":"-"`, rule: "read_unhealthy_partition_count is the number of partitions without a primary"},
	{name: "a primary also listed as its own secondary", kind: "invariant", role: "meta", path: "meta/app", when: "detail",
		from: `"primary":"([^"]+)","secondaries":"\[[^,\]]+`, to: `"primary":"$1","secondaries":"[$1`, rule: "the primary is not also one of the partition's secondaries"},
	{name: "duplication entries not numbered from 1", kind: "invariant", role: "meta", path: "meta/app/duplication",
		from: `^\{"1":`, to: `{"2":`, rule: "the entries are numbered 1 to n"},
	{name: "a metric with a value and a percentile", kind: "invariant", role: "replica", path: "metrics",
		from: `\n( +)("value": [^\n,]+)\n`, to: "\n$1$2,\n$1\"p99\": 0\n",
		rule: "a metric has a value (gauge, counter) or percentiles (percentile), never both"},
	{name: "a negative counter", kind: "range", role: "meta", path: "metrics", when: "detail=true",
		from: `("type": "Counter",(?:\n[^\n]*){3}\n +"value": )([0-9]+)`, to: `${1}-1$2`,
		rule: "a counter's value is not negative"},
	{name: "a bulk-load error with a load in progress", kind: "invariant", role: "meta", path: "meta/app/query_bulk_load",
		from: `"error":"(ERR_APP_NOT_EXIST|ERR_APP_DROPPED)","app_status":"[^"]*"`, to: `"error":"$1","app_status":"replication::bulk_load_status::BLS_DOWNLOADING"`,
		rule: "an error comes with app_status BLS_INVALID"},
	{name: "a data_version key that is not a partition", kind: "invariant", role: "replica", path: "replica/data_version",
		from: `^\{"0":`, to: `{"p0":`, rule: "keys are partition indexes"},
	// agreement across operations
	{name: "/metrics names another cluster", kind: "agreement", role: "replica", path: "metrics",
		from: `"cluster": "[^"]*"`, to: `"cluster": "another"`, rule: "metrics_cluster_is_cluster_name"},
	{name: "a MetaServer's /metrics names another cluster", kind: "agreement", role: "meta", path: "metrics",
		from: `"cluster": "[^"]*"`, to: `"cluster": "another"`, rule: "metrics_cluster_is_cluster_name"},
	{name: "another table's name", kind: "request", role: "meta", path: "meta/app",
		from: `"app_name":"([^"]*)"`, to: `"app_name":"${1}_x"`, rule: "the table answered is the table named by name"},
	{name: "another flag answered", kind: "request", role: "meta", path: "config",
		from: `^\{"name":"([^"]*)"`, to: `{"name":"${1}_x"`, rule: "the flag answered is the flag named by name"},
	{name: "another app's replica", kind: "request", role: "replica", path: "replica/duplication",
		from: `"([0-9]+)[.]([0-9]+)":`, to: `"1$1.$2":`, rule: "every replica answered belongs to the app asked"},
	{name: "a field not asked for", kind: "presence", role: "replica", path: "metrics", when: "with_metric_fields=name,value",
		from: `(\n( +)"name": "[^"]*",)\n`, to: "$1\n$2\"unit\": \"Bytes\",\n",
		rule: "with with_metric_fields, a metric has only the fields asked for"},
	{name: "a metric not asked", kind: "request", role: "replica", path: "metrics", when: "metrics=",
		from: `"name": "([^"]*)"`, to: `"name": "${1}_x"`, rule: "every metric listed is one asked for in metrics"},
	{name: "an entity without the attribute asked", kind: "request", role: "replica", path: "metrics", when: "attributes=table_id,2",
		from: `"table_id": "2"`, to: `"table_id": "3"`, rule: "every entity listed has one of the attribute pairs asked for in attributes"},
	{name: "an entity of an id not asked", kind: "request", role: "replica", path: "metrics", when: "ids=",
		from: `"id": "([^"]*)"`, to: `"id": "${1}0"`, rule: "every entity listed has an id asked for in ids"},
	{name: "an entity of a type not asked", kind: "request", role: "replica", path: "metrics", when: "types=server",
		from: `"type": "server"`, to: `"type": "replica"`, rule: "every entity listed is of a type asked for in types"},
}

// mutator rewrites the answers of the onebox servers it wraps with the
// mutation in force, if any; the onebox is started once for every case.
type mutator struct {
	mu      sync.Mutex
	m       *mutation
	re      *regexp.Regexp
	applied atomic.Int64
}

func (mt *mutator) set(m *mutation) {
	mt.mu.Lock()
	defer mt.mu.Unlock()
	mt.m, mt.re = m, nil
	if m != nil {
		mt.re = regexp.MustCompile(m.from)
	}
	mt.applied.Store(0)
}

func (mt *mutator) current() (*mutation, *regexp.Regexp) {
	mt.mu.Lock()
	defer mt.mu.Unlock()
	return mt.m, mt.re
}

// wrap rewrites 200 answers of role's servers while a mutation is in force.
func (mt *mutator) wrap(role string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m, re := mt.current()
		if m == nil || m.role != role || strings.Trim(r.URL.Path, "/") != m.path || !m.applies(r) {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if rec.Code == http.StatusOK {
			if loc := re.FindSubmatchIndex(body); loc != nil {
				var out []byte
				out = append(out, body[:loc[0]]...)
				out = re.Expand(out, []byte(m.to), body, loc)
				body = append(out, body[loc[1]:]...)
				mt.applied.Add(1)
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
}

// applies says whether the request's query is one the mutation rewrites.
func (m *mutation) applies(r *http.Request) bool {
	q := r.URL.RawQuery
	if m.when != "" && !regexp.MustCompile(m.when).MatchString(q) {
		return false
	}
	return m.unless == "" || !regexp.MustCompile(m.unless).MatchString(q)
}

// conformRole runs one role's suite, read-only, and returns its failures
// as "check operation: case: message" lines.
func conformRole(t *testing.T, c *onebox.Cluster, role string) []string {
	t.Helper()
	ctx := context.Background()
	var failed []string
	if role == "meta" {
		rep, err := metaconform.Check(ctx, metaconform.Target{Addrs: c.MetaAddrs()[:1]})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rep.Results {
			if r.Outcome == metaconform.Fail {
				failed = append(failed, fmt.Sprintf("%s %s: %s: %s", r.Check, r.Operation, r.Case, r.Message))
			}
		}
		return failed
	}
	rep, err := replicaconform.Check(ctx, replicaconform.Target{Addrs: c.ReplicaAddrs()[:1]})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Outcome == replicaconform.Fail {
			failed = append(failed, fmt.Sprintf("%s %s: %s: %s", r.Check, r.Operation, r.Case, r.Message))
		}
	}
	return failed
}

// TestMutationsFailByRule puts each wrong answer of mutations in front of
// the onebox in turn: the suite of the role must fail, and a failure must
// name the rule the answer breaks. Unmutated, both suites pass with no
// failure at all.
func TestMutationsFailByRule(t *testing.T) {
	mt := &mutator{}
	c := startOnebox(t, onebox.Options{Wrap: func(role, _ string, h http.Handler) http.Handler { return mt.wrap(role, h) }})
	for _, role := range []string{"meta", "replica"} {
		if failed := conformRole(t, c, role); len(failed) > 0 {
			t.Fatalf("the faithful onebox fails the %s suite:\n%s", role, strings.Join(failed, "\n"))
		}
	}
	kinds := map[string]map[string]bool{}
	caught := 0
	for i := range mutations {
		m := &mutations[i]
		t.Run(m.name, func(t *testing.T) {
			mt.set(m)
			defer mt.set(nil)
			failed := conformRole(t, c, m.role)
			if mt.applied.Load() == 0 {
				t.Fatalf("the mutation never applied: no 200 answer of %s matched %s", m.path, m.from)
			}
			if len(failed) == 0 {
				t.Fatalf("the suite passes a %s answer with %s", m.path, m.name)
			}
			for _, line := range failed {
				if strings.Contains(line, m.rule) && namesRule(line) {
					caught++
					if kinds[m.kind] == nil {
						kinds[m.kind] = map[string]bool{}
					}
					kinds[m.kind][m.role] = true
					t.Logf("caught: %s", line)
					return
				}
			}
			t.Fatalf("no failure names %q; failures:\n%s", m.rule, strings.Join(failed, "\n"))
		})
	}
	t.Logf("%d of %d wrong answers caught by the rule they break; kinds and roles: %v", caught, len(mutations), kinds)
}

// namesRule says whether a failure is a rule's: a CEL rule, an agreement,
// or a member's pattern or named format (not a shape or byte check that
// happens to mention the member).
func namesRule(line string) bool {
	for _, s := range []string{"rule of ", "does not match the documented pattern", "(format "} {
		if strings.Contains(line, s) {
			return true
		}
	}
	return false
}

// TestRulesHoldOnDegradedOnebox: the faithful servers satisfy every rule
// in a state that is not the happy default too: a dead ReplicaServer, a
// partition without primary, one without secondaries, a table without a
// creation time, a dropped table, cold backup on.
func TestRulesHoldOnDegradedOnebox(t *testing.T) {
	st := cluster.DefaultState()
	st.Nodes[1].Alive = false
	st.Tables[2].Partitions[0].Primary = ""
	st.Tables[2].Partitions[1].Secondaries = nil
	st.Tables[2].CreateSecond = 0
	st.Tables = append(st.Tables, &cluster.Table{ID: 4, Name: "gone", Status: "DROPPED", MaxReplicaCount: 3,
		Partitions: []*cluster.Partition{{Ballot: 1, Primary: st.Nodes[0].Address}}})
	if st.Config == nil {
		st.Config = map[string]string{}
	}
	st.Config["cold_backup_disabled"] = "false"
	c := startOnebox(t, onebox.Options{State: st})
	for _, role := range []string{"meta", "replica"} {
		if failed := conformRole(t, c, role); len(failed) > 0 {
			t.Errorf("the faithful onebox in a degraded state fails the %s suite:\n%s", role, strings.Join(failed, "\n"))
		}
	}
}

// TestMutationsCoverEveryKind keeps the table honest: at least 25 wrong
// answers, both roles, every kind of rule of issue 16.
func TestMutationsCoverEveryKind(t *testing.T) {
	roles, kinds := map[string]int{}, map[string]int{}
	for _, m := range mutations {
		roles[m.role]++
		kinds[m.kind]++
		if _, err := regexp.Compile(m.from); err != nil {
			t.Errorf("%s: %v", m.name, err)
		}
		if m.rule == "" {
			t.Errorf("%s names no rule", m.name)
		}
	}
	if len(mutations) < 25 {
		t.Errorf("%d mutations, want at least 25", len(mutations))
	}
	for _, k := range []string{"format", "range", "presence", "invariant", "request", "agreement"} {
		if kinds[k] == 0 {
			t.Errorf("no mutation of kind %s", k)
		}
	}
	if roles["meta"] == 0 || roles["replica"] == 0 {
		t.Errorf("roles: %v", roles)
	}
}
