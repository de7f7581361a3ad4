// Package zktest runs a throwaway standalone ZooKeeper for tests: Debian's
// zookeeper package (3.8), on a loopback port, with its own data
// directory, stopped and removed with the test. `make test` installs the
// package when it is missing; a missing package fails the tests rather
// than skipping them.
package zktest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// JavaDir is where Debian puts the ZooKeeper jars.
var JavaDir = "/usr/share/java"

// jars are the classpath of a standalone server: the server, its wire
// format, and SLF4J with its simple binding (logging to the data
// directory). Naming them, rather than the whole of JavaDir, keeps the
// JVM from warning about six SLF4J bindings.
var jars = []string{"zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-simple.jar"}

// TickTime is the server's tick: sessions expire within their timeout
// plus one tick, so tests can use timeouts of a second or two.
const TickTime = 100 * time.Millisecond

// Server is one running ZooKeeper.
type Server struct {
	// Addr is its client address, 127.0.0.1:port.
	Addr string
	// Dir holds zoo.cfg, the data and zookeeper.log.
	Dir  string
	port int
	cmd  *exec.Cmd
	done chan error
	// stopped says Stop ran since the last launch (Stop and StartAgain
	// are called from one goroutine, the test's).
	stopped bool
}

// Start runs a server in dir (created if missing) on a free loopback
// port and waits up to ready for it to answer.
func Start(dir string, ready time.Duration) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: fmt.Sprintf("127.0.0.1:%d", port), Dir: dir, port: port}
	if err := s.launch(ready); err != nil {
		return nil, err
	}
	return s, nil
}

// StartAgain starts a server stopped by Stop again, on the same port and
// directory, so that its clients find it where it was; wipe removes its
// data first, as a server that lost its disk.
func (s *Server) StartAgain(wipe bool, ready time.Duration) error {
	if wipe {
		if err := os.RemoveAll(filepath.Join(s.Dir, "data")); err != nil {
			return err
		}
	}
	return s.launch(ready)
}

// launch writes the config and runs the JVM.
func (s *Server) launch(ready time.Duration) error {
	cp, err := classpath()
	if err != nil {
		return err
	}
	s.done, s.stopped = make(chan error, 1), false
	if err := os.MkdirAll(filepath.Join(s.Dir, "data"), 0o755); err != nil {
		return err
	}
	cfg := fmt.Sprintf("tickTime=%d\ndataDir=%s\nclientPort=%d\nclientPortAddress=127.0.0.1\n"+
		"minSessionTimeout=%d\nmaxSessionTimeout=60000\nadmin.enableServer=false\n4lw.commands.whitelist=srvr,wchs\n",
		TickTime.Milliseconds(), filepath.Join(s.Dir, "data"), s.port, 2*TickTime.Milliseconds())
	cfgPath := filepath.Join(s.Dir, "zoo.cfg")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		return err
	}
	log, err := os.OpenFile(filepath.Join(s.Dir, "zookeeper.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	// A small heap, the client compiler and the serial collector start the
	// JVM fastest; a test server holds a few kilobytes.
	s.cmd = exec.Command("java", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
		"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", cp,
		"org.apache.zookeeper.server.ZooKeeperServerMain", cfgPath)
	s.cmd.Stdout, s.cmd.Stderr = log, log
	if err := s.cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("zookeeper: %w", err)
	}
	done := s.done
	go func() { done <- s.cmd.Wait(); log.Close() }()
	if err := s.wait(ready); err != nil {
		s.Stop()
		return err
	}
	return nil
}

// classpath names the jars, or says how to install them.
func classpath() (string, error) {
	var cp []string
	for _, j := range jars {
		p := filepath.Join(JavaDir, j)
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("zookeeper: %s is missing: install Debian's zookeeper package (apt-get install -y zookeeper; `make test` does)", p)
		}
		cp = append(cp, p)
	}
	if _, err := exec.LookPath("java"); err != nil {
		return "", fmt.Errorf("zookeeper: no java on PATH: install Debian's zookeeper package, which brings one")
	}
	return strings.Join(cp, ":"), nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// wait polls "srvr" until the server says it serves (its mode), the JVM
// exits or the time is up. ("ruok" answers before the server takes
// sessions, and a client connecting then is turned away.)
func (s *Server) wait(ready time.Duration) error {
	deadline := time.Now().Add(ready)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("zookeeper exited before answering (%v); see %s", err, filepath.Join(s.Dir, "zookeeper.log"))
		default:
		}
		if serving(s.Addr) {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("zookeeper did not answer on %s within %v; see %s", s.Addr, ready, filepath.Join(s.Dir, "zookeeper.log"))
}

func serving(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte("srvr")); err != nil {
		return false
	}
	sc := bufio.NewScanner(c)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "Mode: ") {
			return true
		}
	}
	return false
}

// Watches is the number of watches the server holds (the "wchs" command):
// a client that sets watches without their firing makes it grow.
func (s *Server) Watches() (int, error) {
	c, err := net.DialTimeout("tcp", s.Addr, time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte("wchs")); err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(c)
	for sc.Scan() {
		if n, ok := strings.CutPrefix(sc.Text(), "Total watches:"); ok {
			return strconv.Atoi(strings.TrimSpace(n))
		}
	}
	return 0, fmt.Errorf("zookeeper: no watch count from wchs")
}

// Stop kills the server and waits for it to exit.
func (s *Server) Stop() {
	if s.stopped {
		return
	}
	s.stopped = true
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
	}
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
	}
}

// Run starts a server for t in a temporary directory, stops it when the
// test ends, and fails the test when it cannot start (never skips: the
// package is installed by `make test`).
func Run(t testing.TB) *Server {
	t.Helper()
	s, err := Start(t.TempDir(), 90*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}
