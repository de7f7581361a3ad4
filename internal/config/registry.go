// Package config is the config-flag registry of the stand-in Pegasus servers:
// the 288 DSN_DEFINE_* flags of the real servers with their defaults, tags,
// validators and group validators, behind /config, /configs and
// /updateConfig (wire-behaviour.md §3.3-3.5, §9).
package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	pegasusrt "github.com/pegasus-kv/pegasus-gen/gen/runtime"
)

// MutableTag is the tags text of a flag /updateConfig may change; it is the
// only tag that exists upstream, so a flag's tags are this or "".
const MutableTag = "flag_tag::FT_MUTABLE"

// Flag is one flag as /config reports it; every field is the exact text of
// the JSON member of the same name.
type Flag struct {
	Name        string
	Section     string
	Type        string // FV_BOOL, FV_INT32, FV_UINT32, FV_INT64, FV_UINT64, FV_DOUBLE or FV_STRING
	Tags        string // MutableTag or ""
	Description string
	Value       string // rendered as table_printer does (§1.5)
}

// Errors returned by Set, so a state-file loader can tell a stale flag name
// from a bad value with errors.Is.
var (
	ErrUnknownFlag  = errors.New("unknown flag")
	ErrInvalidValue = errors.New("invalid value")
)

// Registry holds one server's flag values. The real server assigns FLAGS_x
// without a lock; here a RWMutex makes concurrent HTTP readers and updaters
// safe, and Update holds it across parse, validation and restore so nobody
// observes a value that is about to be rolled back.
type Registry struct {
	mu   sync.RWMutex
	vals []value // indexed like specs
}

// New returns a registry with every flag at its upstream default.
func New() *Registry {
	r := &Registry{vals: make([]value, len(specs))}
	for i := range specs {
		r.vals[i] = specs[i].def
	}
	return r
}

// Get returns the flag called name, or false if no such flag exists.
func (r *Registry) Get(name string) (Flag, bool) {
	i, ok := specIndex[name]
	if !ok {
		return Flag{}, false
	}
	r.mu.RLock()
	v := r.vals[i]
	r.mu.RUnlock()
	return specs[i].flag(v), true
}

// All returns every flag sorted by name in byte order, the order of
// /configs. The values are one consistent snapshot.
func (r *Registry) All() []Flag {
	out := make([]Flag, len(specs))
	r.mu.RLock()
	defer r.mu.RUnlock()
	for i := range specs {
		out[i] = specs[i].flag(r.vals[i])
	}
	return out
}

// Update applies /updateConfig's query arguments and returns the
// update_status text of its response, "ERR_OK" on success. The checks run in
// the real server's order (§9.2), and a value refused by a validator is
// restored before Update returns.
func (r *Registry) Update(args map[string]string) string {
	if len(args) != 1 {
		return "ERR_INVALID_PARAMETERS: there should be exactly one config to be updated once"
	}
	var name, text string
	for k, v := range args {
		name, text = k, v
	}
	i, ok := specIndex[name]
	if !ok {
		return "ERR_OBJECT_NOT_FOUND: " + name + " is not found"
	}
	s := &specs[i]
	if !s.mutable {
		return "ERR_INVALID_PARAMETERS: " + name + " is not mutable"
	}
	if s.kind == kindString {
		return "ERR_INVALID_PARAMETERS: string modifications are not supported"
	}
	v, ok := parse(s.kind, text)
	if !ok {
		return "ERR_INVALID_PARAMETERS: " + text + " is invalid"
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.vals[i]
	r.vals[i] = v
	if s.validate != nil && !s.validate(v) {
		r.vals[i] = old
		return "ERR_INVALID_PARAMETERS: value validation failed"
	}
	if msg := r.runGroupValidators(); msg != "" {
		r.vals[i] = old
		return "ERR_INVALID_PARAMETERS: " + msg
	}
	return "ERR_OK"
}

// runGroupValidators runs every group validator against the current values
// (lock held) and returns the combined failure text, or "" if all pass.
func (r *Registry) runGroupValidators() string {
	var msgs []string
	for _, g := range groupValidators {
		ok, msg := g.check(r)
		if ok {
			continue
		}
		m := `group validator "` + g.name + `" failed`
		if msg != "" {
			m += `: "` + msg + `"`
		}
		msgs = append(msgs, m)
	}
	return strings.Join(msgs, "; ")
}

// Set assigns a flag from text, as loading a config or state file does: it
// ignores mutability, accepts strings, and runs no validator (a saved state
// was already accepted once), but the text must parse as the flag's type
// exactly as /updateConfig parses it.
func (r *Registry) Set(name, text string) error {
	i, ok := specIndex[name]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnknownFlag, name)
	}
	v, ok := parse(specs[i].kind, text)
	if !ok {
		return fmt.Errorf("%w: %s=%q (%s)", ErrInvalidValue, name, text, specs[i].typ)
	}
	r.mu.Lock()
	r.vals[i] = v
	r.mu.Unlock()
	return nil
}

// load returns a flag's spec and current value for the typed accessors.
func (r *Registry) load(name string) (*spec, value, bool) {
	i, ok := specIndex[name]
	if !ok {
		return nil, value{}, false
	}
	r.mu.RLock()
	v := r.vals[i]
	r.mu.RUnlock()
	return &specs[i], v, true
}

// raw reads a value with the lock already held, for group validators. An
// unknown name reads as zero so a renamed flag cannot crash a validator.
func (r *Registry) raw(name string) value {
	if i, ok := specIndex[name]; ok {
		return r.vals[i]
	}
	return value{}
}

// Bool returns a FV_BOOL flag's value; false for unknown or non-bool flags.
func (r *Registry) Bool(name string) bool {
	s, v, ok := r.load(name)
	return ok && s.kind == kindBool && v.b
}

// Int returns an integer flag's value. Unsigned flags are converted (a
// uint64 above MaxInt64 wraps) so callers need not know the signedness;
// unknown and non-integer flags give 0.
func (r *Registry) Int(name string) int64 {
	s, v, ok := r.load(name)
	if !ok {
		return 0
	}
	switch s.kind {
	case kindInt32, kindInt64:
		return v.i
	case kindUint32, kindUint64:
		return int64(v.u)
	}
	return 0
}

// Uint returns an integer flag's value. Signed flags are converted (a
// negative value wraps); unknown and non-integer flags give 0.
func (r *Registry) Uint(name string) uint64 {
	s, v, ok := r.load(name)
	if !ok {
		return 0
	}
	switch s.kind {
	case kindInt32, kindInt64:
		return uint64(v.i)
	case kindUint32, kindUint64:
		return v.u
	}
	return 0
}

// Double returns a FV_DOUBLE flag's full-precision value (not the rounded
// text /config shows); integer flags are converted, others give 0.
func (r *Registry) Double(name string) float64 {
	s, v, ok := r.load(name)
	if !ok {
		return 0
	}
	switch s.kind {
	case kindDouble:
		return v.f
	case kindInt32, kindInt64:
		return float64(v.i)
	case kindUint32, kindUint64:
		return float64(v.u)
	}
	return 0
}

// String returns a FV_STRING flag's value; for other flags it returns the
// text /config shows, and "" for unknown flags.
func (r *Registry) String(name string) string {
	s, v, ok := r.load(name)
	if !ok {
		return ""
	}
	return s.render(v)
}

// flag builds the /config view of a value.
func (s *spec) flag(v value) Flag {
	f := Flag{Name: s.name, Section: s.section, Type: s.typ, Description: s.desc, Value: s.render(v)}
	if s.mutable {
		f.Tags = MutableTag
	}
	return f
}

// render writes a value as table_printer::to_string does: std::to_string for
// integers, "true"/"false", doubles with two decimals ("0.00" below 1e-6 in
// magnitude), strings unchanged.
func (s *spec) render(v value) string {
	switch s.kind {
	case kindBool:
		return strconv.FormatBool(v.b)
	case kindInt32, kindInt64:
		return strconv.FormatInt(v.i, 10)
	case kindUint32, kindUint64:
		return strconv.FormatUint(v.u, 10)
	case kindDouble:
		return pegasusrt.Fixed(v.f, 2)
	}
	return v.s
}

// parse converts text with the buf2<type> rules the generated servers share
// (strtoll/strtoull base 0 with range checks, true/false only, strtod
// without inf/nan).
func parse(k kind, text string) (value, bool) {
	switch k {
	case kindBool:
		b, ok := pegasusrt.ParseBool(text)
		return value{b: b}, ok
	case kindInt32, kindInt64:
		i, ok := pegasusrt.ParseInt(text, k.bits())
		return value{i: i}, ok
	case kindUint32, kindUint64:
		u, ok := pegasusrt.ParseUint(text, k.bits())
		return value{u: u}, ok
	case kindDouble:
		f, ok := pegasusrt.ParseDouble(text)
		return value{f: f}, ok
	}
	return value{s: text}, true
}
