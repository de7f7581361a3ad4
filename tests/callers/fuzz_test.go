package callers

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
)

// FuzzGeneratedDecoders feeds the generated decoders of answers of every
// shape (a /metrics snapshot, ordered maps, a struct with extra members)
// any bytes: they never panic, refuse invalid JSON, and what a snapshot
// decodes to survives encoding/json's round trip.
func FuzzGeneratedDecoders(f *testing.F) {
	for _, s := range []string{
		`{"cluster":"onebox","role":"replica","host":"h","port":34801,"timestamp_ns":1700000000000000000,"entities":[` +
			`{"type":"replica","id":"replica@2.0","attributes":{"table_id":"2","partition_id":"0"},"metrics":[` +
			`{"type":"Counter","name":"get_requests","unit":"Requests","desc":"d","value":3},` +
			`{"type":"Percentile","name":"get_latency_ns","p50":1.5,"p99":2.0}]}]}`,
		`{"port":"unknown","entities":[]}`,
		`{"details":{"127.0.0.1:34801":{"address":"127.0.0.1:34801","status":"ALIVE","replica_count":"8"}},"summary":{"total_node_count":"1"}}`,
		`{"appid":"2","1":{"dupid":1,"status":"DS_LOG","fail_mode":"FAIL_SLOW","remote":"c2"}}`,
		`{"general_info":{"2":{"app_id":"2","app_name":"temp","partition_count":"8"}}}`,
		`null`, `[]`, `{"entities":{}}`, `{"port":1e99}`, `{"details":[1]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		valid := json.Valid(data)
		var snap replica.MetricsSnapshot
		for _, v := range []json.Unmarshaler{&snap, new(meta.MetaNodesInfo), new(meta.DuplicationQueryResponse), new(meta.MetaAppsInfo), new(meta.ConfigFlagMap)} {
			if err := v.UnmarshalJSON(data); err == nil && !valid {
				t.Fatalf("%T accepted invalid JSON %q", v, data)
			}
		}
		if snap.UnmarshalJSON(data) != nil || bytes.Contains(data, []byte(`\u`)) || !utf8.Valid(data) {
			return // encoding/json would replace the invalid UTF-8 rapidjson's escapes make
		}
		again, err := json.Marshal(&snap)
		if err != nil {
			return // a NaN cannot be written back; not the decoder's concern
		}
		var twice replica.MetricsSnapshot
		if err := twice.UnmarshalJSON(again); err != nil || !reflect.DeepEqual(norm(snap), norm(twice)) {
			t.Fatalf("%q: decoded %+v, re-encoded %s, decoded again %+v (%v)", data, snap, again, twice, err)
		}
	})
}

// norm makes empty and nil containers alike.
func norm(s replica.MetricsSnapshot) replica.MetricsSnapshot {
	if len(s.Entities) == 0 {
		s.Entities = nil
	}
	for i := range s.Entities {
		if len(s.Entities[i].Attributes) == 0 {
			s.Entities[i].Attributes = nil
		}
		if len(s.Entities[i].Metrics) == 0 {
			s.Entities[i].Metrics = nil
		}
	}
	return s
}
