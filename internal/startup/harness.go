// Package startup measures how fast the desktop app becomes usable and how
// much memory it holds at idle, against a hello-world Wails app measured
// by the same harness in the same run (issue 15, targets 4 and 5). The
// benchmarks live in startup_test.go; this file is the harness they share:
// a virtual X display, a process started with a fresh data folder and
// timed until it writes a given line, and the memory of its process tree.
//
// "Usable" is a line the product already logs: "user interface started",
// written when the frontend's POST /api/ui-ready arrives, which the SPA
// sends once its first API call (the session) has answered and the first
// page is in the DOM. The kiosk's live preview is "camera preview
// started", logged once when the first preview frame has been served. The
// hello-world app (testdata/helloworld) logs the same line after its page
// has fetched one route and shown the answer.
package startup

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Display is a virtual X server (Xvfb) on a display number it chose itself.
type Display struct {
	// Name is the DISPLAY value, e.g. ":99".
	Name string
	cmd  *exec.Cmd
}

// StartDisplay starts Xvfb at 1280×800×24 on a free display: Xvfb picks
// the number and writes it to -displayfd, so parallel runs never collide.
func StartDisplay(ctx context.Context) (*Display, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cmd := exec.CommandContext(ctx, "Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("start Xvfb (apt-get install xvfb): %w", err)
	}
	w.Close()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if _, err := strconv.Atoi(n); err != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return nil, fmt.Errorf("Xvfb gave no display number (%q)", n)
		}
		return &Display{Name: ":" + n, cmd: cmd}, nil
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, errors.New("Xvfb did not start within 20 s")
	}
}

// Close stops the X server.
func (d *Display) Close() {
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = d.cmd.Process.Kill()
		<-done
	}
}

// Proc is a started program whose output lines the harness watches.
type Proc struct {
	cmd   *exec.Cmd
	start time.Time

	mu    sync.Mutex
	out   bytes.Buffer // every line, for the error message
	lines []string
	seen  chan struct{} // closed and renewed on each new line
	done  chan struct{} // closed when the program has exited
	err   error
}

// Start starts bin with args in env (added to this process's environment)
// and begins timing. Its stdout and stderr are read line by line.
func Start(bin string, args []string, env []string) (*Proc, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	// Its own process group, so Stop reaches WebKit's helper processes too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	outR, outW := io.Pipe()
	cmd.Stdout, cmd.Stderr = outW, outW
	p := &Proc{cmd: cmd, seen: make(chan struct{}), done: make(chan struct{})}
	p.start = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", filepath.Base(bin), err)
	}
	go func() {
		s := bufio.NewScanner(outR)
		s.Buffer(make([]byte, 64<<10), 1<<20)
		for s.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, s.Text())
			p.out.WriteString(s.Text() + "\n")
			close(p.seen)
			p.seen = make(chan struct{})
			p.mu.Unlock()
		}
		_, _ = io.Copy(io.Discard, outR)
	}()
	go func() {
		err := cmd.Wait()
		outW.Close()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(p.done)
	}()
	return p, nil
}

// Pid is the program's process id.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// WaitFor waits until a line containing want has been written and returns
// the time from Start to the moment the harness read it. It fails when the
// program exits first or timeout passes.
func (p *Proc) WaitFor(want string, timeout time.Duration) (time.Duration, error) {
	deadline := time.After(timeout)
	next := 0
	for {
		p.mu.Lock()
		for ; next < len(p.lines); next++ {
			if strings.Contains(p.lines[next], want) {
				p.mu.Unlock()
				return time.Since(p.start), nil
			}
		}
		seen := p.seen
		p.mu.Unlock()
		select {
		case <-seen:
		case <-p.done:
			// The last lines may still be in the scanner: one more look.
			p.mu.Lock()
			found := false
			for _, l := range p.lines[next:] {
				found = found || strings.Contains(l, want)
			}
			out, err := p.out.String(), p.err
			p.mu.Unlock()
			if found {
				return time.Since(p.start), nil
			}
			return 0, fmt.Errorf("exited (%v) before %q:\n%s", err, want, out)
		case <-deadline:
			return 0, fmt.Errorf("no %q within %s:\n%s", want, timeout, p.Output())
		}
	}
}

// Output is everything the program wrote so far.
func (p *Proc) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// Stop kills the program and every process it started (WebKit's web and
// network processes), then waits for it. A kiosk refuses SIGTERM by design,
// so the harness does not ask.
func (p *Proc) Stop() {
	for _, pid := range Descendants(p.Pid()) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	_ = syscall.Kill(-p.Pid(), syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
}

// Descendants lists pid's child processes, their children, and so on
// (from /proc's parent ids), not pid itself.
func Descendants(pid int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if parent, ok := parentOf(child); ok {
			children[parent] = append(children[parent], child)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// parentOf reads the parent id from /proc/PID/stat (after the command
// name, which may contain spaces, in parentheses).
func parentOf(pid int) (int, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(f[1])
	return ppid, err == nil
}

// TreeCPU is the CPU time (user and system) pid and its descendants have
// used so far, from /proc/PID/stat (in clock ticks of 1/100 s).
func TreeCPU(pid int) time.Duration {
	return cpuOf(append([]int{pid}, Descendants(pid)...))
}

// ProcCPU is the CPU time pid alone has used so far.
func ProcCPU(pid int) time.Duration { return cpuOf([]int{pid}) }

func cpuOf(pids []int) time.Duration {
	var ticks int64
	for _, p := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		// After the name: state ppid pgrp session tty tpgid flags minflt
		// cminflt majflt cmajflt utime stime.
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + st
	}
	return time.Duration(ticks) * (time.Second / 100)
}

// Memory is a process tree's memory at one moment.
type Memory struct {
	// AppRSS is the resident set of the program's own process.
	AppRSS int64
	// TreeRSS sums the resident sets of the program and all its
	// descendants; pages they share are counted once per process.
	TreeRSS int64
	// TreePSS sums the proportional set sizes: shared pages divided among
	// the processes sharing them, so the tree's real footprint.
	TreePSS int64
	// Procs counts the processes in the tree, the program included.
	Procs int
	// Names are the processes' command names (WebKitWebProcess, …).
	Names []string
}

// TreeMemory measures pid and its descendants from /proc.
func TreeMemory(pid int) (Memory, error) {
	var m Memory
	app, err := statusKB(pid, "VmRSS:")
	if err != nil {
		return m, err
	}
	m.AppRSS = app * 1024
	for _, p := range append([]int{pid}, Descendants(pid)...) {
		rss, err := statusKB(p, "VmRSS:")
		if err != nil {
			continue // exited in between
		}
		pss, _ := rollupKB(p, "Pss:")
		m.TreeRSS += rss * 1024
		m.TreePSS += pss * 1024
		m.Procs++
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", p)); err == nil {
			m.Names = append(m.Names, strings.TrimSpace(string(b)))
		}
	}
	return m, nil
}

func statusKB(pid int, key string) (int64, error) {
	return fieldKB(fmt.Sprintf("/proc/%d/status", pid), key)
}

func rollupKB(pid int, key string) (int64, error) {
	return fieldKB(fmt.Sprintf("/proc/%d/smaps_rollup", pid), key)
}

// fieldKB reads a "Key:   123 kB" line of a /proc file.
func fieldKB(path, key string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, key); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				break
			}
			return strconv.ParseInt(f[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("%s: no %s", path, key)
}
