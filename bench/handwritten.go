package bench

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Handwritten serves GET /meta/app, GET /metrics and GET /updateConfig of a
// MetaServer with the wire behaviour of the real one (wire-behaviour.md §1.2,
// §1.4, §4.1, §8, §9.2), written by hand on net/http the way a competent
// engineer would write it without a generator: the request target parsed
// with Pegasus' semantics, the arguments checked as each operation does,
// the JSON body written directly into a pooled buffer, text/plain with an
// explicit Content-Length. It answers the same fixed values as MetaHandler,
// and the request benchmarks compare the generated server with it;
// TestHandwrittenMatchesPegasusGen checks that both send the same bytes.
// Other paths are 404, as on a server that registered only these three.
type Handwritten struct{}

// queryArg is one decoded query argument; value is "" for a bare "?k".
type queryArg struct {
	key, value string
}

// parseErrorPrefix starts the 400 body of a request that does not parse.
const parseErrorPrefix = "failed to parse request: ERR_INVALID_PARAMETERS: "

// ServeHTTP parses the request target and dispatches on the normalized path.
func (Handwritten) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		// The real server closes the connection without an answer.
		panic(http.ErrAbortHandler)
	}
	rawPath, rawQuery := requestTarget(r)
	path, err := percentDecode(rawPath, true)
	if err != nil {
		writeText(w, http.StatusBadRequest, err.Error())
		return
	}
	query, err := percentDecode(rawQuery, false)
	if err != nil {
		writeText(w, http.StatusBadRequest, err.Error())
		return
	}
	args, err := parseQuery(query)
	if err != nil {
		writeText(w, http.StatusBadRequest, err.Error())
		return
	}
	switch path = normalizePath(path); path {
	case "meta/app":
		serveMetaApp(w, args)
	case "metrics":
		serveMetrics(w, r.Method, args)
	case "updateConfig":
		serveUpdateConfig(w, args)
	default:
		writeText(w, http.StatusNotFound, `service not found for "`+path+`"`)
	}
}

// requestTarget returns the raw path and query as the client sent them:
// the path must stay undecoded, because the server splits it after
// decoding ("%2F" separates segments).
func requestTarget(r *http.Request) (path, query string) {
	t := r.RequestURI
	if !strings.HasPrefix(t, "/") {
		return r.URL.EscapedPath(), r.URL.RawQuery
	}
	if i := strings.IndexByte(t, '#'); i >= 0 {
		t = t[:i]
	}
	path, query, _ = strings.Cut(t, "?")
	return path, query
}

// percentDecode decodes %XX escapes (and nothing else: '+' stays) with the
// server's error texts. For the path the server decodes a copy with a NUL
// appended, so an escape cut short at its very end reports the hex error.
func percentDecode(s string, isPath bool) (string, error) {
	i := strings.IndexByte(s, '%')
	if i < 0 {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		if s[i] != '%' {
			b = append(b, s[i])
			continue
		}
		if i+2 >= len(s) && !(isPath && i+2 == len(s)) {
			return "", errors.New(parseErrorPrefix + "Encountered partial escape sequence at end of string")
		}
		hi, ok1 := unhex(s, i+1)
		lo, ok2 := unhex(s, i+2)
		if !ok1 || !ok2 {
			return "", errors.New(parseErrorPrefix + "The characters " + s[i+1:] +
				" do not form a hex value. Please escape it or pass a valid hex value")
		}
		b = append(b, hi<<4|lo)
		i += 2
	}
	return string(b), nil
}

// unhex decodes the hex digit s[i]; past the end there is none.
func unhex(s string, i int) (byte, bool) {
	if i >= len(s) {
		return 0, false
	}
	switch c := s[i]; {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// blanks are what the server trims around path segments, query items and
// list items.
const blanks = " \t\r\n"

// normalizePath drops empty and blank segments and the slashes around them:
// "//meta/app/" is "meta/app". A clean path needs no copy.
func normalizePath(p string) string {
	if !strings.Contains(p, "//") && !strings.ContainsAny(p, blanks) {
		return strings.Trim(p, "/")
	}
	var b strings.Builder
	for seg := range strings.SplitSeq(p, "/") {
		if seg = strings.Trim(seg, blanks); seg != "" {
			if b.Len() > 0 {
				b.WriteByte('/')
			}
			b.WriteString(seg)
		}
	}
	return b.String()
}

// parseQuery splits a decoded query on '&' and each item at its first '='.
// A repeated k=v is an error, a repeated bare k is ignored (§1.2).
func parseQuery(q string) ([]queryArg, error) {
	if q == "" {
		return nil, nil
	}
	args := make([]queryArg, 0, strings.Count(q, "&")+1)
	for item := range strings.SplitSeq(q, "&") {
		if item = strings.Trim(item, blanks); item == "" {
			continue
		}
		k, v, hasValue := strings.Cut(item, "=")
		if _, dup := lookup(args, k); dup {
			if hasValue {
				return nil, errors.New(parseErrorPrefix + "duplicate parameter: " + k)
			}
			continue
		}
		args = append(args, queryArg{k, v})
	}
	return args, nil
}

// lookup finds an argument; a handful of arguments is faster to scan than
// to hash.
func lookup(args []queryArg, key string) (string, bool) {
	for _, a := range args {
		if a.key == key {
			return a.value, true
		}
	}
	return "", false
}

// splitList splits a comma list the way /metrics does: items trimmed, empty
// items dropped. The result is never nil: present-but-empty is not absent.
func splitList(s string) []string {
	out := make([]string, 0, strings.Count(s, ",")+1)
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.Trim(item, blanks); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// appInfo is the general table of an app (GET /meta/app).
type appInfo struct {
	name                                string
	id, partitionCount, maxReplicaCount int64
}

// queryApp is the handler logic of GET /meta/app: the fixed answer.
func queryApp(name string, detail bool) appInfo {
	_ = detail
	return appInfo{name, answerAppID, answerPartitionCount, answerMaxReplicaCount}
}

// serveMetaApp answers GET /meta/app (§4.1): only name and detail are
// allowed (anything else is a 400 with an empty body), name must be
// non-empty, detail is a presence flag.
func serveMetaApp(w http.ResponseWriter, args []queryArg) {
	var name string
	var detail bool
	for _, a := range args {
		switch a.key {
		case "name":
			name = a.value
		case "detail":
			detail = true
		default:
			writeText(w, http.StatusBadRequest, "")
			return
		}
	}
	if name == "" {
		writeText(w, http.StatusBadRequest, "app name shouldn't be empty")
		return
	}
	info := queryApp(name, detail)
	buf := getBuffer()
	b := append(*buf, `{"general":{"app_name":`...)
	b = appendJSONString(b, info.name)
	b = append(b, `,"app_id":"`...)
	b = strconv.AppendInt(b, info.id, 10)
	b = append(b, `","partition_count":"`...)
	b = strconv.AppendInt(b, info.partitionCount, 10)
	b = append(b, `","max_replica_count":"`...)
	b = strconv.AppendInt(b, info.maxReplicaCount, 10)
	b = append(b, "\"}}\n"...)
	writeBody(w, http.StatusOK, b)
	putBuffer(buf, b)
}

// metricFilters are the arguments of GET /metrics; nil means absent.
type metricFilters struct {
	withMetricFields, types, ids, attributes, metrics []string
	detail                                            *bool
}

// metricEntity is one entity of a metrics snapshot.
type metricEntity struct {
	typ, id    string
	attributes [][2]string
	metrics    []metricValue
}

// metricValue is one brief metric: its name and integer value.
type metricValue struct {
	name  string
	value int64
}

// metricsSnapshot is the answer of GET /metrics.
type metricsSnapshot struct {
	cluster, role, host string
	port                int
	timestampNS         int64
	entities            []metricEntity
}

// takeSnapshot is the handler logic of GET /metrics: the fixed answer.
func takeSnapshot(f *metricFilters) metricsSnapshot {
	_ = f
	return metricsSnapshot{answerCluster, answerRole, answerHost, answerPort, answerTimestampNS, nil}
}

// Error texts of GET /metrics (§8.1).
const (
	metricsMethodError = "please use 'GET' method while querying for metrics"
	metricsPairsError  = "the number of arguments for attributes should be even, since each attribute name always pairs with a value"
	metricsDetailError = "the value of detail should be a boolean value, i.e. true or false"
)

// serveMetrics answers GET /metrics (§8): GET only, known arguments only,
// comma lists, attributes in pairs, detail a strict boolean; errors are
// pretty JSON.
func serveMetrics(w http.ResponseWriter, method string, args []queryArg) {
	if method != http.MethodGet {
		writeMetricsError(w, metricsMethodError)
		return
	}
	var f metricFilters
	for _, a := range args {
		switch a.key {
		case "with_metric_fields":
			f.withMetricFields = splitList(a.value)
		case "types":
			f.types = splitList(a.value)
		case "ids":
			f.ids = splitList(a.value)
		case "attributes":
			if f.attributes = splitList(a.value); len(f.attributes)%2 != 0 {
				writeMetricsError(w, metricsPairsError)
				return
			}
		case "metrics":
			f.metrics = splitList(a.value)
		case "detail":
			var d bool
			switch {
			case strings.EqualFold(a.value, "true"):
				d = true
			case strings.EqualFold(a.value, "false"):
			default:
				writeMetricsError(w, metricsDetailError)
				return
			}
			f.detail = &d
		default:
			writeMetricsError(w, "unknown field "+a.key+"="+a.value)
			return
		}
	}
	s := takeSnapshot(&f)
	buf := getBuffer()
	b := append(*buf, "{\n    \"cluster\": "...)
	b = appendJSONString(b, s.cluster)
	b = append(b, ",\n    \"role\": "...)
	b = appendJSONString(b, s.role)
	b = append(b, ",\n    \"host\": "...)
	b = appendJSONString(b, s.host)
	b = append(b, ",\n    \"port\": "...)
	b = strconv.AppendInt(b, int64(s.port), 10)
	b = append(b, ",\n    \"timestamp_ns\": "...)
	b = strconv.AppendInt(b, s.timestampNS, 10)
	b = append(b, ",\n    \"entities\": "...)
	b = appendEntities(b, s.entities)
	b = append(b, "\n}"...)
	writeBody(w, http.StatusOK, b)
	putBuffer(buf, b)
}

// appendEntities writes the entities array at depth 1 as rapidjson's
// PrettyWriter does: one member per line, empty containers as [] and {}.
func appendEntities(b []byte, es []metricEntity) []byte {
	if len(es) == 0 {
		return append(b, "[]"...)
	}
	b = append(b, '[')
	for i, e := range es {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n        {\n            \"type\": "...)
		b = appendJSONString(b, e.typ)
		b = append(b, ",\n            \"id\": "...)
		b = appendJSONString(b, e.id)
		b = append(b, ",\n            \"attributes\": "...)
		if len(e.attributes) == 0 {
			b = append(b, "{}"...)
		} else {
			b = append(b, '{')
			for j, kv := range e.attributes {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(b, "\n                "...)
				b = appendJSONString(b, kv[0])
				b = append(b, ": "...)
				b = appendJSONString(b, kv[1])
			}
			b = append(b, "\n            }"...)
		}
		b = append(b, ",\n            \"metrics\": ["...)
		for j, m := range e.metrics {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, "\n                {\n                    \"name\": "...)
			b = appendJSONString(b, m.name)
			b = append(b, ",\n                    \"value\": "...)
			b = strconv.AppendInt(b, m.value, 10)
			b = append(b, "\n                }"...)
		}
		b = append(b, "\n            ]\n        }"...)
	}
	return append(b, "\n    ]"...)
}

// writeMetricsError writes a /metrics error: 400, {"error_message": msg}
// pretty-printed.
func writeMetricsError(w http.ResponseWriter, msg string) {
	buf := getBuffer()
	b := append(*buf, "{\n    \"error_message\": "...)
	b = appendJSONString(b, msg)
	b = append(b, "\n}"...)
	writeBody(w, http.StatusBadRequest, b)
	putBuffer(buf, b)
}

// updateConfig is the handler logic of GET /updateConfig: the fixed answer.
func updateConfig(name, value string) string {
	_, _ = name, value
	return answerUpdateStatus
}

// serveUpdateConfig answers GET /updateConfig (§9.2): the query is the one
// flag to set, and the outcome is always a 200 with update_status.
func serveUpdateConfig(w http.ResponseWriter, args []queryArg) {
	status := "ERR_INVALID_PARAMETERS: there should be exactly one config to be updated once"
	if len(args) == 1 {
		status = updateConfig(args[0].key, args[0].value)
	}
	buf := getBuffer()
	b := append(*buf, `{"update_status":`...)
	b = appendJSONString(b, status)
	b = append(b, "}\n"...)
	writeBody(w, http.StatusOK, b)
	putBuffer(buf, b)
}

// appendJSONString appends s quoted as rapidjson's Writer does: '"', '\\'
// and control characters escaped (short forms where JSON has them, else
// \u00XX in upper case), everything else, '/' and non-ASCII included, raw.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// bufferPool recycles response buffers.
var bufferPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 512)
	return &b
}}

// getBuffer takes an empty buffer from the pool.
func getBuffer() *[]byte {
	buf := bufferPool.Get().(*[]byte)
	*buf = (*buf)[:0]
	return buf
}

// putBuffer returns a buffer, with what it grew to, to the pool.
func putBuffer(buf *[]byte, b []byte) {
	if cap(b) <= 64<<10 {
		*buf = b
		bufferPool.Put(buf)
	}
}

// textPlain is the Content-Type of every answer; sharing the slice saves an
// allocation per response (net/http only reads it).
var textPlain = []string{"text/plain"}

// writeBody sends a complete answer as the real server frames it: only
// Content-Type (always text/plain) and Content-Length. The Date header
// net/http would add is suppressed, since the real server sends none.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = textPlain
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	h["Date"] = nil
	w.WriteHeader(status)
	if len(body) > 0 {
		_, _ = w.Write(body)
	}
}

// writeText sends a plain-text answer.
func writeText(w http.ResponseWriter, status int, msg string) {
	buf := getBuffer()
	b := append(*buf, msg...)
	writeBody(w, status, b)
	putBuffer(buf, b)
}
