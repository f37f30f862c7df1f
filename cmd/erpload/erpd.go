package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/dingerp/erpd/store"
	"github.com/go-sql-driver/mysql"
)

// target is erpd running as a child process on a database of its own, with
// a direct connection to that database for the baseline and the checks.
type target struct {
	cmd      *exec.Cmd
	base     string
	token    string
	http     *http.Client
	db       *sql.DB // erpd's database, with erpd's session settings
	dsn      string  // erpd's DSN as store.Open rewrote it
	adminDSN string
	dbName   string
	erpdBin  string
	env      []string
	dataDir  string
}

// startTarget creates a database, starts erpd on it and signs in.
func startTarget(ctx context.Context, cfg Config) (*target, error) {
	t := &target{adminDSN: cfg.AdminDSN, dbName: "erpload_" + store.RandomSecret(6), erpdBin: cfg.Erpd}
	if err := store.CreateMySQLDatabase(ctx, cfg.AdminDSN, t.dbName); err != nil {
		return nil, fmt.Errorf("create the benchmark database: %w", err)
	}
	c, err := mysql.ParseDSN(cfg.AdminDSN)
	if err != nil {
		return nil, err
	}
	c.DBName = t.dbName
	erpDSN := c.FormatDSN()
	dir, err := os.MkdirTemp("", "erpload-")
	if err != nil {
		return nil, err
	}
	t.dataDir = dir
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	t.base = "http://" + addr
	t.env = []string{
		"ERP_DATABASE_DRIVER=mysql", "ERP_DATABASE_DSN=" + erpDSN,
		"ERP_REDIS_ADDR=" + cfg.Redis, "ERP_REDIS_PREFIX=" + t.dbName + ":",
		"ERP_ADMIN_PASSWORD=Load-pass-2026", "ERP_AUTH_SECRET=" + store.RandomSecret(24),
		"ERP_DATA_DIR=" + dir, "ERP_HTTP_ADDR=" + addr, "ERP_LOG_LEVEL=error",
		// The throwaway administrator signs in by password alone; two-step
		// sign-in has its own tests and would only stand in the way here.
		"ERP_AUTH_TOTP_REQUIRED_ROLES=none",
	}
	t.http = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute,
	}}
	if err := t.start(); err != nil {
		t.close(false)
		return nil, err
	}
	s, err := store.Open(ctx, store.Options{Driver: store.DriverMySQL, DSN: erpDSN, MaxOpenConns: 1, MaxIdleConns: 1})
	if err != nil {
		t.close(false)
		return nil, err
	}
	t.dsn = s.DSN()
	s.Close()
	if t.db, err = sql.Open("mysql", t.dsn); err != nil {
		t.close(false)
		return nil, err
	}
	// The baseline gets as many connections as erpd's pool (config default).
	t.db.SetMaxOpenConns(50)
	t.db.SetMaxIdleConns(50)
	var out struct{ Token string }
	if err := t.call(ctx, "POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": "Load-pass-2026"}, &out); err != nil {
		t.close(false)
		return nil, fmt.Errorf("sign in: %w", err)
	}
	t.token = out.Token
	return t, nil
}

func (t *target) start() error {
	t.cmd = exec.Command(t.erpdBin)
	t.cmd.Env = append(os.Environ(), t.env...)
	var stderr bytes.Buffer
	t.cmd.Stdout, t.cmd.Stderr = io.Discard, &stderr
	if err := t.cmd.Start(); err != nil {
		return fmt.Errorf("start erpd: %w", err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(t.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		if t.cmd.ProcessState != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.cmd.Process.Kill()
	t.cmd.Wait()
	return fmt.Errorf("erpd did not become ready: %s", stderr.String())
}

// close stops erpd and drops its database unless keep is set.
func (t *target) close(keep bool) {
	if t.cmd != nil && t.cmd.Process != nil {
		t.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { t.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.cmd.Process.Kill()
			<-done
		}
	}
	if t.db != nil {
		t.db.Close()
	}
	if !keep {
		store.DropMySQLDatabase(context.Background(), t.adminDSN, t.dbName)
		os.RemoveAll(t.dataDir)
	}
}

// apiError is erpd's refusal: its stable code, or the HTTP status or
// transport failure when there was no code.
type apiError struct {
	Status int
	Code   string
	Body   string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %.300s", e.Status, e.Code, e.Body) }

// errCode names an outcome for the error tally.
func errCode(err error) string {
	if e, ok := err.(*apiError); ok {
		if e.Code != "" {
			return e.Code
		}
		return "http_" + strconv.Itoa(e.Status)
	}
	return "transport"
}

// call makes one API request and decodes its answer into out.
func (t *target) call(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if t.token != "" {
		req.Header.Set("Authorization", "Bearer "+t.token)
	}
	resp, err := t.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		json.Unmarshal(b, &e)
		return &apiError{Status: resp.StatusCode, Code: e.Error.Code, Body: string(b)}
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// resetPeak clears erpd's high-water mark of resident memory, so the next
// peakRSS is the peak of what ran in between (Linux clear_refs 5).
func (t *target) resetPeak() {
	os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", t.cmd.Process.Pid), []byte("5"), 0)
}

// peakRSS is erpd's VmHWM in MiB.
func (t *target) peakRSS() float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", t.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
