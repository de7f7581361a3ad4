package cluster

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// TestWriteCommit: a commit hook sees the changed state before anyone
// else; a failed commit undoes the change and returns its error.
func TestWriteCommit(t *testing.T) {
	m := NewModel(DefaultState(), nil)
	var seen string
	m.SetCommit(func(s *State) error {
		seen = s.TableByName("temp").Envs["k"]
		if seen == "refused" {
			return errors.New("lost the lock")
		}
		return nil
	})
	set := func(v string) error {
		return m.Write(func(s *State) { s.TableByName("temp").Envs["k"] = v })
	}
	if err := set("kept"); err != nil || seen != "kept" {
		t.Fatalf("kept: %v, commit saw %q", err, seen)
	}
	if err := set("refused"); err == nil {
		t.Fatal("a failed commit returned no error")
	}
	m.Read(func(s *State) {
		if v := s.TableByName("temp").Envs["k"]; v != "kept" {
			t.Errorf("after a failed commit the env is %q, want the kept one", v)
		}
	})
}

// TestClone is a deep copy, with the fields the YAML file does not hold.
func TestClone(t *testing.T) {
	s := DefaultState()
	s.Tables[0].BulkLoadStarted = time.UnixMilli(1700000000123)
	c := s.Clone()
	if !reflect.DeepEqual(s.Tables[1].Duplications, c.Tables[1].Duplications) || !c.Tables[0].BulkLoadStarted.Equal(s.Tables[0].BulkLoadStarted) {
		t.Errorf("clone differs")
	}
	c.Tables[1].Envs["x"] = "y"
	c.Tables[1].Partitions[0].Secondaries[0] = "elsewhere"
	if s.Tables[1].Envs["x"] != "" || s.Tables[1].Partitions[0].Secondaries[0] == "elsewhere" {
		t.Errorf("the clone shares memory with the original")
	}
}
