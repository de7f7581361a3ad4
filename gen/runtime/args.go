package pegasusrt

import "iter"

// rtArgs are a request's decoded arguments kept for a handler (the
// generated Args embeds it). A request's own arguments live on the
// server's stack, so a handler that keeps them gets a copy; the first is
// held in the value itself, because the requests that keep their arguments
// (GET /updateConfig, whose one argument is the flag to set) usually have
// one, and then the copy costs no allocation.
type rtArgs struct {
	first rtArg
	n     int
	rest  []rtArg // the arguments after the first
}

// rtArgsOf copies l.
func rtArgsOf(l []rtArg) rtArgs {
	var a rtArgs
	a.n = len(l)
	if len(l) > 0 {
		a.first = l[0]
	}
	if len(l) > 1 {
		a.rest = make([]rtArg, len(l)-1)
		copy(a.rest, l[1:])
	}
	return a
}

// rtArgsFromPairs makes arguments from key, value pairs; an odd last key
// is dropped.
func rtArgsFromPairs(pairs ...string) rtArgs {
	l := make([]rtArg, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		l = append(l, rtArg{Key: pairs[i], Value: pairs[i+1]})
	}
	return rtArgsOf(l)
}

// list is every argument in request order, in a new slice.
func (a rtArgs) list() []rtArg {
	if a.n == 0 {
		return nil
	}
	return append([]rtArg{a.first}, a.rest...)
}

// Get returns the decoded text of argument name; a flag-style argument
// ("?detail") has the value "".
func (a rtArgs) Get(name string) (string, bool) {
	if a.n > 0 && a.first.Key == name {
		return a.first.Value, true
	}
	for _, x := range a.rest {
		if x.Key == name {
			return x.Value, true
		}
	}
	return "", false
}

// Len is the number of arguments.
func (a rtArgs) Len() int { return a.n }

// All yields each argument and its value, in request order.
func (a rtArgs) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		if a.n == 0 || !yield(a.first.Key, a.first.Value) {
			return
		}
		for _, x := range a.rest {
			if !yield(x.Key, x.Value) {
				return
			}
		}
	}
}

// Map copies the arguments into a map, the real server's view of them.
func (a rtArgs) Map() map[string]string {
	m := make(map[string]string, a.n)
	for k, v := range a.All() {
		m[k] = v
	}
	return m
}
