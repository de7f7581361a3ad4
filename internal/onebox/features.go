package onebox

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
)

// ParseFeatures reads name=bool pairs, as -features gives them, for both
// roles: a feature of the MetaServer only is not passed to the replicas.
func ParseFeatures(s string) (map[meta.Feature]bool, map[replica.Feature]bool, error) {
	if s == "" {
		return nil, nil, nil
	}
	mf, rf := map[meta.Feature]bool{}, map[replica.Feature]bool{}
	known := meta.DefaultFeatures()
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		on, err := strconv.ParseBool(v)
		if _, isKnown := known[meta.Feature(k)]; !ok || err != nil || !isKnown {
			return nil, nil, fmt.Errorf("-features: %q: want name=true|false with a name among %v", kv, keys(known))
		}
		mf[meta.Feature(k)] = on
		if _, ok := replica.DefaultFeatures()[replica.Feature(k)]; ok {
			rf[replica.Feature(k)] = on
		}
	}
	return mf, rf, nil
}

func keys(m map[meta.Feature]bool) []string {
	var out []string
	for k := range m {
		out = append(out, string(k))
	}
	return out
}
