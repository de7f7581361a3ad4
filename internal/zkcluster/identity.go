package zkcluster

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-zookeeper/zk"
)

// idNode holds the cluster's identity, <root>/cluster_id: created once,
// with the first commit of a new cluster, and never changed. A node keeps
// the identity it joined beside its state (Identity.File), so that a
// coordinator that lost its data, or another cluster's, is told apart
// from a new cluster, as Kafka's inconsistent-cluster-id check does.
const idNode = "cluster_id"

// ErrIdentity is a MetaServer refusing to act as primary because the
// coordinator is empty or holds another cluster than the one this node
// belongs to. Its text says what the node found and what to do.
var ErrIdentity = errors.New("cluster identity")

// Identity is what a node remembers of the cluster it belongs to.
type Identity struct {
	// File keeps the cluster id; "" remembers nothing (every empty
	// coordinator is then a new cluster, as before identities).
	File string
	// NewCluster makes the node forget the cluster it belonged to: a
	// MetaServer may seed a new cluster on an empty coordinator, and any
	// node joins the cluster a coordinator holds: an operator's explicit
	// choice (pegasus-node -new-cluster), never a default.
	NewCluster bool
}

// Load is the remembered id, "" when the file is missing or unset.
func (i Identity) Load() (string, error) {
	if i.File == "" {
		return "", nil
	}
	b, err := os.ReadFile(i.File)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("cluster id file: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// save remembers id, written to a temporary file and renamed into place.
func (i Identity) save(id string) error {
	if i.File == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(i.File), 0o755); err != nil {
		return fmt.Errorf("cluster id file: %w", err)
	}
	tmp := i.File + ".tmp"
	if err := os.WriteFile(tmp, []byte(id+"\n"), 0o644); err != nil {
		return fmt.Errorf("cluster id file: %w", err)
	}
	if err := os.Rename(tmp, i.File); err != nil {
		return fmt.Errorf("cluster id file: %w", err)
	}
	return nil
}

// newID is a fresh random cluster id.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b[:])
}

// readID is the id ZooKeeper holds for the cluster at root, "" when none.
func readID(c *zk.Conn, root string) (string, error) {
	b, _, err := c.Get(path.Join(root, idNode))
	if errors.Is(err, zk.ErrNoNode) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// decide compares the coordinator's id (held; fresh says no state was ever
// written there) with the one remembered, and says the id to create ("" to
// keep held) or why this node must not act as primary.
func (i Identity) decide(root, held string, fresh bool) (create string, err error) {
	mine, err := i.Load()
	if err != nil {
		return "", err
	}
	switch {
	case held != "" && (mine == "" || mine == held || i.NewCluster):
		return "", nil // joins (and remembers) the cluster found
	case held != "":
		return "", fmt.Errorf("%w: ZooKeeper's %s belongs to cluster %s, but this node belongs to cluster %s (kept in %s): refusing to act as primary; point the node at its own ZooKeeper",
			ErrIdentity, root, held, mine, i.File)
	case mine == "" || i.NewCluster:
		return newID(), nil
	case fresh:
		return "", fmt.Errorf("%w: ZooKeeper has no cluster at %s, but this node belongs to cluster %s (kept in %s): ZooKeeper lost its data or is another one; refusing to seed a new cluster (restart one MetaServer with -new-cluster to create one here, giving up the old state)",
			ErrIdentity, root, mine, i.File)
	default:
		return "", fmt.Errorf("%w: ZooKeeper's %s holds a state without a cluster id, but this node belongs to cluster %s (kept in %s): refusing to act as primary (restart one MetaServer with -new-cluster to adopt that state)",
			ErrIdentity, root, mine, i.File)
	}
}

// CheckIdentity is a MetaServer's check before it starts: ErrIdentity
// (pegasus-node exits 3 with its text) when the coordinator is empty or
// holds another cluster than the one this node remembers. A ZooKeeper
// that gives no session within wait is no answer: nil, and the running
// node checks again whenever it is about to act as primary.
func CheckIdentity(o Options, wait time.Duration) error {
	if o.Identity.File == "" {
		return nil
	}
	c, _, err := zk.Connect(o.Servers, o.timeout(), zk.WithLogger(quiet{}),
		zk.WithDialer(boundedDialer(handshakeBound(o.timeout()))))
	if err != nil {
		return nil
	}
	defer c.Close()
	for deadline := time.Now().Add(wait); c.State() != zk.StateHasSession; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			return nil
		}
	}
	held, err := readID(c, o.Root())
	if err != nil {
		return nil
	}
	written, _, err := c.Exists(path.Join(o.Root(), appsDir))
	if err != nil {
		return nil
	}
	_, err = o.Identity.decide(o.Root(), held, !written)
	if errors.Is(err, ErrIdentity) {
		return err
	}
	return nil
}
