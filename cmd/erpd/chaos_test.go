package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/go-sql-driver/mysql"
)

// faultProxy stands between erpd and a service (MariaDB, Redis) so a test
// can take the service away and give it back: Cut closes every connection
// and the listener (new dials are refused, as from a stopped server);
// Restore listens again on the same address.
type faultProxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
}

func newFaultProxy(t testing.TB, target string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{target: target, addr: ln.Addr().String(), conns: map[net.Conn]bool{}}
	p.serve(ln)
	t.Cleanup(p.Cut)
	return p
}

func (p *faultProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.pipe(c)
		}
	}()
}

func (p *faultProxy) pipe(c net.Conn) {
	up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.ln == nil { // cut while dialling
		p.mu.Unlock()
		c.Close()
		up.Close()
		return
	}
	p.conns[c], p.conns[up] = true, true
	p.mu.Unlock()
	go func() { io.Copy(up, c); up.Close() }()
	io.Copy(c, up)
	c.Close()
}

// Cut takes the service away.
func (p *faultProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

// Restore brings it back at the same address.
func (p *faultProxy) Restore(t testing.TB) {
	t.Helper()
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ {
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			p.serve(ln)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("listen again on %s: %v", p.addr, err)
}

// Faults while people work: erpd on MariaDB and Redis, each behind a
// proxy that can take it away. With Redis gone users see no error at all
// (the cache only speeds things up). With MariaDB gone they get 503s with
// the code unavailable, never a 500, and /readyz says so; when it is back,
// the same erpd serves again without a restart, and the books and stock
// still agree with their moves.
func TestServicesFailAndRecover(t *testing.T) {
	if storetest.SQLiteOnly() {
		t.Fatal("this test needs MariaDB and Redis: unset ERP_TEST_SQLITE_ONLY (scripts/test starts them)")
	}
	opts := storetest.DSN(t, store.DriverMySQL)
	dsn, err := mysql.ParseDSN(opts.DSN)
	if err != nil {
		t.Fatal(err)
	}
	mysqlAddr := dsn.Addr
	db := newFaultProxy(t, mysqlAddr)
	cache := newFaultProxy(t, storetest.RedisAddr())
	for k, v := range map[string]string{
		"ERP_HTTP_ADDR": "127.0.0.1:0", "ERP_DATA_DIR": t.TempDir(), "ERP_ADMIN_PASSWORD": "Start-pass-2026", "ERP_LOG_LEVEL": "error", "ERP_AUTH_TOTP_REQUIRED_ROLES": "none",
		"ERP_DATABASE_DRIVER": "mysql", "ERP_DATABASE_DSN": proxied(dsn, db.addr),
		"ERP_REDIS_ADDR": cache.addr, "ERP_REDIS_PREFIX": storetest.RedisPrefix(t, "chaos"),
		"ERP_METRICS_LISTEN": "127.0.0.1:0", // an operator's scrape, on the metrics listener
	} {
		t.Setenv(k, v)
	}
	m := NewMain()
	m.Out = &bytes.Buffer{}
	if err := m.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if err := SeedDemo(ctx, m.App, m.Store); err != nil {
		t.Fatal(err)
	}
	base := m.URL()
	token := login(t, base, "admin", "Start-pass-2026")

	var stock struct {
		Items []struct {
			ProductID   int64  `json:"product_id"`
			WarehouseID int64  `json:"warehouse_id"`
			Available   string `json:"available"`
		}
	}
	if code := getJSON(t, base+"/api/v1/stock?non_zero=true&page_size=50", token, &stock); code != 200 || len(stock.Items) == 0 {
		t.Fatalf("stock: %d", code)
	}
	var partners struct{ Items []struct{ ID int64 } }
	getJSON(t, base+"/api/v1/partners?type=customer&page_size=1", token, &partners)
	line := stock.Items[0]
	// work is what a clerk does: read stock, list orders, draft an order.
	work := func() (int, string) {
		for _, r := range []struct{ method, path, body string }{
			{"GET", fmt.Sprintf("/api/v1/stock?product_id=%d", line.ProductID), ""},
			{"GET", "/api/v1/sales-orders?page=1", ""},
			{"POST", "/api/v1/sales-orders", fmt.Sprintf(`{"partner_id":%d,"warehouse_id":%d,"lines":[{"product_id":%d,"qty":"1","unit_price":"9.90"}]}`,
				partners.Items[0].ID, line.WarehouseID, line.ProductID)},
		} {
			req, _ := http.NewRequest(r.method, base+r.path, bytes.NewBufferString(r.body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0, err.Error()
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 300 {
				return resp.StatusCode, string(body)
			}
		}
		return 200, ""
	}
	ready := func() int {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// masterCache waits for the master cache to be on or off, as /metrics
	// tells an operator.
	masterCache := func(want, when string) {
		t.Helper()
		line := "\nerpd_master_cache_on " + want + "\n"
		deadline := time.Now().Add(15 * time.Second)
		for {
			resp, err := http.Get(m.MetricsURL() + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(b), line) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: /metrics never showed %q", when, strings.TrimSpace(line))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	for i := 0; i < 10; i++ {
		if code, body := work(); code != 200 {
			t.Fatalf("before any fault: %d %s", code, body)
		}
	}
	masterCache("1", "with Redis up")

	// Redis gone: nobody notices, signing in included. The master cache
	// goes off, since other processes could no longer announce a change.
	cache.Cut()
	for i := 0; i < 20; i++ {
		if code, body := work(); code != 200 {
			t.Fatalf("with Redis down, round %d: %d %s", i, code, body)
		}
	}
	if t2 := login(t, base, "admin", "Start-pass-2026"); t2 == "" {
		t.Fatal("no sign-in without Redis")
	}
	masterCache("0", "with Redis down")
	cache.Restore(t)
	masterCache("1", "with Redis back")

	// MariaDB gone: clean 503s, never a 500, and not ready.
	db.Cut()
	unavailable := 0
	for i := 0; i < 20; i++ {
		code, body := work()
		if code >= 500 && code != 503 {
			t.Fatalf("with MariaDB down: %d %s", code, body)
		}
		if code == 503 {
			var e struct{ Error struct{ Code string } }
			json.Unmarshal([]byte(body), &e)
			if e.Error.Code != "unavailable" {
				t.Fatalf("503 with code %q: %s", e.Error.Code, body)
			}
			unavailable++
		}
	}
	if unavailable == 0 {
		t.Fatal("MariaDB down, yet every request succeeded")
	}
	if code := ready(); code != 503 {
		t.Fatalf("/readyz with MariaDB down: %d", code)
	}

	// Back: the same process serves again within seconds.
	db.Restore(t)
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, body := work()
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("MariaDB is back but erpd still answers %d %s", code, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for i := 0; i < 10; i++ {
		if code, body := work(); code != 200 {
			t.Fatalf("after recovery, round %d: %d %s", i, code, body)
		}
	}
	if code := ready(); code != 200 {
		t.Fatalf("/readyz after recovery: %d", code)
	}
	bad, err := m.Store.LedgerCheck(m.Store.Read(ctx))
	if err != nil || len(bad) != 0 {
		t.Fatalf("stock ledger after the faults: %v %v", bad, err)
	}
}

// proxied is the DSN with its address replaced by the fault proxy's.
func proxied(c *mysql.Config, addr string) string {
	c2 := *c
	c2.Addr = addr
	return c2.FormatDSN()
}
