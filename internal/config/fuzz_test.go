package config

import (
	"strings"
	"testing"
)

// FuzzUpdateConfig feeds /updateConfig's one argument (a flag picked by
// index, or a name of the fuzzer's own) and its value text to Update and
// Set: the answer is one of §9.2's texts, a refused value leaves the flag
// as it was, and an accepted one renders to text that Set reads back.
func FuzzUpdateConfig(f *testing.F) {
	for _, s := range []struct {
		name, text string
	}{{"config_sync_interval_ms", "20000"}, {"duplicate_log_batch_bytes", "0x10"}, {"duplicate_log_batch_bytes", "08"},
		{"row_lock_map_capacity", "18446744073709551615"}, {"balance_cluster", "TRUE"}, {"replica_write_throttling_delay_ms", "-1"},
		{"tcmalloc_release_rate", "2"}, {"dup_load_plog_task", "LPC_X"}, {"no_such_flag", "1"}, {"", ""},
		{"rocksdb_slow_query_threshold_ns", "1e400"}, {"max_replicas_in_group", "1"}} {
		f.Add(s.name, s.text)
	}
	all := New().All()
	f.Fuzz(func(t *testing.T, name, text string) {
		if name == "" && len(text) > 0 {
			name = all[int(text[0])%len(all)].Name
		}
		r := New()
		before, known := r.Get(name)
		got := r.Update(map[string]string{name: text})
		after, _ := r.Get(name)
		switch {
		case got == "ERR_OK":
			if err := r.Set(name, after.Value); err != nil {
				t.Fatalf("%s=%q accepted, rendered %q does not read back: %v", name, text, after.Value, err)
			}
		case !known:
			if got != "ERR_OBJECT_NOT_FOUND: "+name+" is not found" {
				t.Fatalf("unknown %q: %q", name, got)
			}
		case !strings.HasPrefix(got, "ERR_INVALID_PARAMETERS: "):
			t.Fatalf("%s=%q: %q", name, text, got)
		case after != before:
			t.Fatalf("%s=%q refused (%q) but changed %q to %q", name, text, got, before.Value, after.Value)
		}
		if err := New().Set(name, text); err == nil && known && got != "ERR_OK" && before.Tags == MutableTag && before.Type != "FV_STRING" &&
			strings.HasSuffix(got, " is invalid") {
			t.Fatalf("%s=%q: Set accepts what Update calls invalid", name, text)
		}
	})
}
