package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/gen"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/spec"
)

// bundledAPI is the IR of the bundled spec: the tests drive the generated
// code with the spec's own examples.
func bundledAPI(t testing.TB) *ir.API {
	t.Helper()
	api, err := gen.API(context.Background(), gen.Input{SpecName: spec.Name, Spec: spec.Bundled})
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// planned is the answer a fake handler gives next.
type planned struct {
	resp *ir.Response
	ex   *ir.Example
}

// fake answers every operation with whatever example the test planned, and
// records the request the server bound, so that the test can send the same
// request again through the typed client.
type fake struct {
	mu       sync.Mutex
	next     map[string]planned
	got      map[string]any
	variants map[string]map[string]any // operation ID → answer constructor by name
}

func newFake() *fake {
	return &fake{next: map[string]planned{}, got: map[string]any{}, variants: map[string]map[string]any{}}
}

func (f *fake) plan(id string, p planned) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next[id] = p
	delete(f.got, id)
}

func (f *fake) bound(id string) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.got[id]
}

// answer builds the planned answer of operation id with the generated
// constructor for its status: the body decoded from the example's exact
// bytes for JSON formats, the bytes themselves for text.
func answer[R any](f *fake, id string, req any) (R, error) {
	var zero R
	f.mu.Lock()
	p, ok := f.next[id]
	f.got[id] = req
	ctors := f.variants[id]
	f.mu.Unlock()
	if !ok {
		return zero, fmt.Errorf("nothing planned for %s", id)
	}
	name := p.resp.GoName
	if p.resp.TextGoName != "" && !looksJSON(p.ex.Value) {
		name = p.resp.TextGoName
	}
	ctor, ok := ctors[name]
	if !ok {
		return zero, fmt.Errorf("%s: no constructor %s registered", id, name)
	}
	fn := reflect.ValueOf(ctor)
	var args []reflect.Value
	if fn.Type().NumIn() == 1 {
		pt := fn.Type().In(0)
		arg := reflect.New(pt).Elem()
		switch {
		case pt.Kind() == reflect.String:
			arg.SetString(p.ex.Value)
		case pt.Kind() == reflect.Slice && pt.Elem().Kind() == reflect.Uint8:
			arg.SetBytes([]byte(p.ex.Value))
		case strings.TrimSpace(p.ex.Value) == "null":
		default:
			if err := json.Unmarshal([]byte(p.ex.Value), arg.Addr().Interface()); err != nil {
				return zero, fmt.Errorf("%s example %s does not decode into %s: %v", id, p.ex.Name, pt, err)
			}
		}
		args = append(args, arg)
	}
	return fn.Call(args)[0].Interface().(R), nil
}

func looksJSON(s string) bool {
	s = strings.TrimSpace(s)
	return s == "null" || strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")
}

// requestFor is a request of op that passes binding: its first documented
// request example answered with 200.
func requestFor(op *ir.Operation) (*ir.RequestExample, bool) {
	for _, e := range op.Examples {
		if e.Status == 200 {
			return e, true
		}
	}
	return nil, false
}

// send makes a raw request and returns status, Content-Type and body.
func send(t *testing.T, client *http.Client, method, url, body string) (int, string, []byte, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), b, resp.Header
}

// roundTrip checks every operation of a role against every example answer
// the spec documents for it: the generated server must write the example's
// exact bytes, and the generated client must read them back into the same
// value (or the documented error), after sending the same arguments the
// server bound from the raw request.
func roundTrip(t *testing.T, role *ir.Role, f *fake, srv *httptest.Server, client any) {
	ctx := context.Background()
	cv := reflect.ValueOf(client)
	checked := 0
	for _, op := range role.Operations {
		if op.Builtin != ir.NoBuiltin {
			continue
		}
		req, ok := requestFor(op)
		if !ok {
			t.Errorf("%s %s: no request example answered 200", op.Method, op.Path)
			continue
		}
		for _, resp := range op.Responses {
			if resp.ServerOnly {
				continue
			}
			for _, ex := range resp.Examples {
				name := fmt.Sprintf("%s/%d/%s", op.ID, resp.Status, ex.Name)
				f.plan(op.ID, planned{resp: resp, ex: ex})
				url := srv.URL + op.Path
				if req.Query != "" {
					url += "?" + req.Query
				}
				status, ct, body, _ := send(t, http.DefaultClient, op.Method, url, req.Body)
				if status != resp.Status || ct != "text/plain" || string(body) != ex.Value {
					t.Errorf("%s: raw answer %d %q %q\nwant %d text/plain %q", name, status, ct, body, resp.Status, ex.Value)
					continue
				}
				bound := f.bound(op.ID)
				if bound == nil {
					t.Errorf("%s: handler not reached", name)
					continue
				}
				// The same arguments through the typed client.
				out := callClient(cv.MethodByName(op.HandlerMethod), ctx, bound)
				if again := f.bound(op.ID); !reflect.DeepEqual(typed(again), typed(bound)) {
					t.Errorf("%s: the client sent different arguments:\n got %+v\nwant %+v", name, again, bound)
				}
				checkClientResult(t, name, resp, ex, out)
				checked++
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d example answers checked", checked)
	}
	t.Logf("%s: %d example answers round-tripped", role.Name, checked)
}

// checkClientResult compares a client call's results with the example.
func checkClientResult(t *testing.T, name string, resp *ir.Response, ex *ir.Example, out []reflect.Value) {
	errV := out[len(out)-1]
	var err error
	if !errV.IsNil() {
		err = errV.Interface().(error)
	}
	var statusErr interface{ Error() string }
	switch {
	case resp.Status != 200 || (resp.TextGoName != "" && !looksJSON(ex.Value)):
		if err == nil {
			t.Errorf("%s: client returned no error for a %d", name, resp.Status)
			return
		}
		se := reflect.ValueOf(err).Elem()
		if se.Type().Name() != "StatusError" || se.FieldByName("Status").Int() != int64(resp.Status) || string(se.FieldByName("Body").Bytes()) != ex.Value {
			t.Errorf("%s: client error %v, want a StatusError %d with the body", name, err, resp.Status)
		}
		return
	case resp.StatusField != nil && !strings.Contains(ex.Value, `"`+resp.StatusField.OK+`"`):
		if err == nil || reflect.ValueOf(err).Elem().Type().Name() != "ResultError" {
			t.Errorf("%s: client error %v, want a ResultError", name, err)
		}
	case err != nil:
		t.Errorf("%s: client error %v", name, err)
		return
	}
	_ = statusErr
	if len(out) < 2 {
		return
	}
	got := out[0]
	if got.Kind() == reflect.Slice && got.Type().Elem().Kind() == reflect.Uint8 {
		if !bytes.Equal(got.Bytes(), []byte(ex.Value)) {
			t.Errorf("%s: client body %q, want %q", name, got.Bytes(), ex.Value)
		}
		return
	}
	if strings.TrimSpace(ex.Value) == "null" {
		if !got.IsNil() {
			t.Errorf("%s: null body gave %v", name, got)
		}
		return
	}
	want := reflect.New(got.Type())
	if got.Kind() == reflect.Pointer {
		want = reflect.New(got.Type().Elem())
	}
	if err := json.Unmarshal([]byte(ex.Value), want.Interface()); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	w := want
	if got.Kind() != reflect.Pointer {
		w = want.Elem()
	}
	if !reflect.DeepEqual(got.Interface(), w.Interface()) {
		t.Errorf("%s: client result\n %#v\nwant\n %#v", name, got.Interface(), w.Interface())
	}
}

func TestMetaRoundTripEveryOperation(t *testing.T) {
	api := bundledAPI(t)
	f := newFake()
	registerMeta(f)
	srv := httptest.NewServer(meta.NewServer(&metaFake{f: f}, &meta.Options{Features: map[meta.Feature]bool{meta.FeatureEnvsList: true}}))
	defer srv.Close()
	c, err := meta.NewClient([]string{srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, roleNamed(t, api, "meta"), f, srv, c)
}

func TestReplicaRoundTripEveryOperation(t *testing.T) {
	api := bundledAPI(t)
	f := newFake()
	registerReplica(f)
	srv := httptest.NewServer(replica.NewServer(&replicaFake{f: f}, nil))
	defer srv.Close()
	c, err := replica.NewClient([]string{srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, roleNamed(t, api, "replica"), f, srv, c)
}

func roleNamed(t *testing.T, api *ir.API, name string) *ir.Role {
	for _, r := range api.Roles {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no role %s", name)
	return nil
}

// backupOf is a MetaServer that is not the primary.
type backupOf string

func (b backupOf) IsPrimary() bool        { return false }
func (b backupOf) PrimaryAddress() string { return string(b) }

// TestMetaRedirectAndFailover sends every redirecting operation through a
// client whose first address is down and whose second is a backup: the
// client must fail over, follow the 307 to the primary, its third address
// (sending POST bodies again), and get the primary's answer.
func TestMetaRedirectAndFailover(t *testing.T) {
	api := bundledAPI(t)
	f := newFake()
	registerMeta(f)
	primary := httptest.NewServer(meta.NewServer(&metaFake{f: f}, nil))
	defer primary.Close()
	backupFake := newFake()
	backup := httptest.NewServer(meta.NewServer(&metaFake{f: backupFake}, &meta.Options{Leadership: backupOf(strings.TrimPrefix(primary.URL, "http://"))}))
	defer backup.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ctx := context.Background()
	redirecting, metaPaths := 0, 0
	for _, op := range roleNamed(t, api, "meta").Operations {
		req, ok := requestFor(op)
		if !ok || op.Builtin != ir.NoBuiltin {
			continue
		}
		var ok200 *ir.Response
		for _, r := range op.Responses {
			if r.Status == 200 && len(r.Examples) > 0 {
				ok200 = r
			}
		}
		if ok200 == nil {
			continue
		}
		f.plan(op.ID, planned{resp: ok200, ex: ok200.Examples[0]})
		url := backup.URL + op.Path
		if req.Query != "" {
			url += "?" + req.Query
		}
		status, _, body, h := send(t, noFollow, op.Method, url, req.Body)
		if strings.HasPrefix(op.Path, "/meta/") {
			metaPaths++
		}
		if op.Redirect == ir.NoRedirect {
			if status == 307 {
				t.Errorf("%s %s: a backup redirected an operation answered locally", op.Method, op.Path)
			}
			continue
		}
		redirecting++
		wantLoc := primary.URL + op.Path
		if req.Query != "" {
			wantLoc += "?" + req.Query
		}
		if status != 307 || len(body) != 0 || !sameLocation(h.Get("Location"), wantLoc) {
			t.Errorf("%s %s: backup answered %d %q Location %q, want 307, empty body, %q", op.Method, op.Path, status, body, h.Get("Location"), wantLoc)
		}
		// Through the client: bind the arguments on the primary first.
		status, _, _, _ = send(t, http.DefaultClient, op.Method, strings.Replace(url, backup.URL, primary.URL, 1), req.Body)
		if status != 200 {
			t.Errorf("%s %s: primary answered %d", op.Method, op.Path, status)
			continue
		}
		bound := f.bound(op.ID)
		f.plan(op.ID, planned{resp: ok200, ex: ok200.Examples[0]})
		// A new client each time, so that every call goes through the 307;
		// it is given the primary too, as it follows a redirect nowhere else.
		c, err := meta.NewClient([]string{down.URL, backup.URL, primary.URL})
		if err != nil {
			t.Fatal(err)
		}
		out := callClient(reflect.ValueOf(c).MethodByName(op.HandlerMethod), ctx, bound)
		if err, _ := out[len(out)-1].Interface().(error); err != nil && !isResultError(err) {
			t.Errorf("%s %s through down+backup: %v", op.Method, op.Path, err)
		}
		if again := f.bound(op.ID); !reflect.DeepEqual(typed(again), typed(bound)) {
			t.Errorf("%s %s: the primary got %+v after the redirect, want %+v", op.Method, op.Path, again, bound)
		}
		if backupFake.bound(op.ID) != nil {
			t.Errorf("%s %s: the backup's handler ran", op.Method, op.Path)
		}
	}
	// Upstream's MetaServer redirects every /meta/* call of a backup
	// (meta_http_service's redirect_if_not_primary), and nothing else.
	if redirecting != metaPaths || redirecting == 0 {
		t.Errorf("%d redirecting operations, want the %d /meta/* ones", redirecting, metaPaths)
	}
}

// typed is a bound request without its raw Args: the typed fields are what
// a client call must reproduce; the raw text may be spelt differently.
func typed(req any) any {
	if req == nil {
		return nil
	}
	v := reflect.New(reflect.TypeOf(req)).Elem()
	v.Set(reflect.ValueOf(req))
	if a := v.FieldByName("Args"); a.IsValid() {
		a.SetZero()
	}
	return v.Interface()
}

// pointerTo is a pointer to a copy of a bound request, what client methods take.
func pointerTo(req any) reflect.Value {
	p := reflect.New(reflect.TypeOf(req))
	p.Elem().Set(reflect.ValueOf(req))
	return p
}

func isResultError(err error) bool {
	var re *meta.ResultError
	return errors.As(err, &re)
}

// sameLocation compares Locations with their arguments as a set, flags as
// "k=": the real server's order is its hash map's.
func sameLocation(got, want string) bool {
	gb, gq, _ := strings.Cut(got, "?")
	wb, wq, _ := strings.Cut(want, "?")
	if gb != wb {
		return false
	}
	norm := func(q string) map[string]bool {
		m := map[string]bool{}
		for _, a := range strings.Split(q, "&") {
			if a == "" {
				continue
			}
			if !strings.Contains(a, "=") {
				a += "="
			}
			m[a] = true
		}
		return m
	}
	return reflect.DeepEqual(norm(gq), norm(wq))
}

// TestClientNilRequests calls every client method with a nil request: it
// must send the zero arguments, never panic.
func TestClientNilRequests(t *testing.T) {
	for _, c := range []struct {
		h      http.Handler
		client func(string) (any, error)
	}{
		{meta.NewServer(meta.UnimplementedHandler{}, nil), func(u string) (any, error) { return meta.NewClient([]string{u}) }},
		{replica.NewServer(replica.UnimplementedHandler{}, nil), func(u string) (any, error) { return replica.NewClient([]string{u}) }},
	} {
		srv := httptest.NewServer(c.h)
		cl, err := c.client(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		v := reflect.ValueOf(cl)
		for i := 0; i < v.NumMethod(); i++ {
			m := v.Type().Method(i)
			if m.Type.NumIn() != 3 {
				continue
			}
			out := v.Method(i).Call([]reflect.Value{reflect.ValueOf(context.Background()), reflect.Zero(m.Type.In(2))})
			if err, _ := out[len(out)-1].Interface().(error); err == nil {
				t.Errorf("%s with nil request against an unimplemented server: no error", m.Name)
			}
		}
		srv.Close()
	}
}

// callClient calls a typed client method with the request the server
// bound; a method of an operation without arguments takes none.
func callClient(m reflect.Value, ctx context.Context, bound any) []reflect.Value {
	args := []reflect.Value{reflect.ValueOf(ctx)}
	if m.Type().NumIn() == 2 {
		args = append(args, pointerTo(bound))
	}
	return m.Call(args)
}
