package startup

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestProcTreeMemoryAndStop: the harness sees a program's line, counts the
// child it started in the tree's memory, and Stop ends both.
func TestProcTreeMemoryAndStop(t *testing.T) {
	p, err := Start("/bin/sh", []string{"-c", "sleep 30 & echo started; wait"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	if d, err := p.WaitFor("started", 10*time.Second); err != nil || d <= 0 {
		t.Fatalf("WaitFor: %v %v", d, err)
	}
	var kids []int
	for range 100 { // the child may not be forked yet when the line is read
		if kids = Descendants(p.Pid()); len(kids) == 1 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(kids) != 1 {
		t.Fatalf("descendants %v, want the sleep", kids)
	}
	m, err := TreeMemory(p.Pid())
	if err != nil {
		t.Fatal(err)
	}
	if m.Procs != 2 || m.AppRSS <= 0 || m.TreeRSS <= m.AppRSS || m.TreePSS <= 0 {
		t.Fatalf("memory %+v, want sh and sleep", m)
	}
	p.Stop()
	if _, err := os.Stat("/proc/" + strconv.Itoa(kids[0])); err == nil {
		if ppid, ok := parentOf(kids[0]); ok && ppid == p.Pid() {
			t.Fatal("the child outlived Stop")
		}
	}
}

// TestWaitForFailsWhenTheProgramExits: a program that ends without the
// line is an error with its output, not a wait until the timeout.
func TestWaitForFailsWhenTheProgramExits(t *testing.T) {
	p, err := Start("/bin/sh", []string{"-c", "echo something else; exit 3"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	start := time.Now()
	_, err = p.WaitFor("ready", 30*time.Second)
	if err == nil || time.Since(start) > 10*time.Second {
		t.Fatalf("WaitFor: %v after %s", err, time.Since(start))
	}
	if got := err.Error(); !strings.Contains(got, "something else") {
		t.Fatalf("error %q lacks the output", got)
	}
}

// TestTreeCPUCountsChildren: a child that spins shows in the tree's CPU
// time; an idle tree's barely moves.
func TestTreeCPUCountsChildren(t *testing.T) {
	p, err := Start("/bin/sh", []string{"-c", "sh -c 'while :; do :; done' & echo started; wait"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	if _, err := p.WaitFor("started", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	c0 := TreeCPU(p.Pid())
	time.Sleep(500 * time.Millisecond)
	if d := TreeCPU(p.Pid()) - c0; d < 50*time.Millisecond {
		t.Fatalf("a spinning child used %s of CPU in 0.5 s", d)
	}
}
