package pegasusrt

import (
	"net/http"
	"strconv"
	"testing"
)

// benchWriter is a ResponseWriter that keeps nothing, so benchmarks measure
// the runtime rather than net/http.
type benchWriter struct {
	h http.Header
	n int
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) WriteHeader(int)             {}
func (w *benchWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

func (w *benchWriter) reset() {
	for k := range w.h {
		delete(w.h, k)
	}
}

func BenchmarkParseRequest(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		req, err := rtParseRequest("/meta/app", "name=temp&detail")
		if err != nil || len(req.more) != 2 {
			b.Fatal(req, err)
		}
	}
}

func BenchmarkParseRequestEscaped(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		req, err := rtParseRequest("//meta/app/", "name=%E4%B8%AD%E6%96%87&detail")
		if err != nil || req.Path != "meta/app" {
			b.Fatal(req, err)
		}
	}
}

// writeApps writes a /meta/apps-like table body: numbers as strings.
func writeApps(j *rtJSON) {
	j.BeginObject()
	j.Key("general_info")
	j.BeginObject()
	for i := 0; i < 20; i++ {
		j.Key(strconv.Itoa(i)) // allocation-free for i < 100
		j.BeginObject()
		j.Key("app_id")
		j.String(strconv.Itoa(i))
		j.Key("status")
		j.String("AVAILABLE")
		j.Key("app_name")
		j.String("temp")
		j.Key("app_type")
		j.String("pegasus")
		j.Key("partition_count")
		j.String("8")
		j.Key("replica_count")
		j.String("3")
		j.Key("is_stateful")
		j.String("true")
		j.Key("create_time")
		j.String("2024-01-01_00:00:00")
		j.EndObject()
	}
	j.EndObject()
	j.EndObject()
}

func BenchmarkJSONTable(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		j := rtGetJSON(rtTable)
		writeApps(j)
		b.SetBytes(int64(len(j.Bytes())))
		rtPutJSON(j)
	}
}

// writeMetrics writes a /metrics-like pretty body with real doubles.
func writeMetrics(j *rtJSON) {
	j.BeginObject()
	j.Key("cluster")
	j.String("onebox")
	j.Key("entities")
	j.BeginArray()
	for i := 0; i < 10; i++ {
		j.BeginObject()
		j.Key("type")
		j.String("replica")
		j.Key("metrics")
		j.BeginArray()
		for k := 0; k < 5; k++ {
			j.BeginObject()
			j.Key("name")
			j.String("rdb_block_cache_hit_rate")
			j.Key("value")
			j.Float(float64(i*k) / 7)
			j.Key("p99")
			j.Int(int64(i * k * 1000))
			j.EndObject()
		}
		j.EndArray()
		j.EndObject()
	}
	j.EndArray()
	j.EndObject()
}

func BenchmarkJSONPretty4(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		j := rtGetJSON(rtPretty4)
		writeMetrics(j)
		b.SetBytes(int64(len(j.Bytes())))
		rtPutJSON(j)
	}
}

func BenchmarkFloat(b *testing.B) {
	buf := make([]byte, 0, 64)
	for _, bc := range []struct {
		name     string
		nlohmann bool
	}{{"rapidjson", false}, {"nlohmann", true}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			f := 0.1
			for b.Loop() {
				buf = rtAppendFloat(buf[:0], f, bc.nlohmann)
				f += 1.37
			}
		})
	}
}

// BenchmarkHandler is a whole generated-style handler for a table endpoint:
// parse, encode, write. BenchmarkHandWritten is the baseline it is compared
// with: the same body built by hand and written with net/http defaults.
func BenchmarkHandler(b *testing.B) {
	w := &benchWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		req, err := rtParseRequest("/meta/app", "name=temp")
		if err != nil {
			b.Fatal(err)
		}
		name, _ := req.Get("name")
		j := rtGetJSON(rtTable)
		j.BeginObject()
		j.Key("app_name")
		j.String(name.Value)
		j.Key("app_id")
		j.String("2")
		j.EndObject()
		rtWrite(w, http.StatusOK, j.Bytes())
		rtPutJSON(j)
	}
}

func BenchmarkHandWritten(b *testing.B) {
	w := &benchWriter{h: http.Header{}}
	r, _ := http.NewRequest(http.MethodGet, "/meta/app?name=temp", nil)
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		name := r.URL.Query().Get("name")
		body := []byte(`{"app_name":"` + name + `","app_id":"2"}` + "\n")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	}
}
