package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/store/storetest"
)

// buildErpd builds the erpd binary the load generator starts.
func buildErpd(t *testing.T) string {
	t.Helper()
	if storetest.SQLiteOnly() {
		t.Fatal("the load generator needs MariaDB and Redis: unset ERP_TEST_SQLITE_ONLY (scripts/test starts them)")
	}
	bin := filepath.Join(t.TempDir(), "erpd")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/dingerp/erpd/cmd/erpd").CombinedOutput()
	if err != nil {
		t.Fatalf("build erpd: %v\n%s", err, out)
	}
	return bin
}

type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// The whole harness on a small company: every workload runs and is
// measured, every write run is checked and holds, erpd check passes, the
// reports are timed at two history sizes, and the tables come out.
func TestLoadRunsChecksAndReports(t *testing.T) {
	cfg := Config{Erpd: buildErpd(t), AdminDSN: storetest.MySQLAdminDSN(), Redis: storetest.RedisAddr(),
		SKUs: 20, Customers: 3, PastOrders: 30, Conc: []int{4}, Repeats: 1,
		Warmup: 200 * time.Millisecond, Measure: time.Second, Moves: []int{2000, 6000}, ReportCalls: 3, Log: logWriter{t}}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range res.cells {
		seen[c.workload+"/"+c.kind] = true
		if c.opsPerSec <= 0 || c.p50 <= 0 || c.p99 < c.p50 {
			t.Errorf("%s %s: %.1f ops/s, p50 %.1f, p99 %.1f", c.workload, c.kind, c.opsPerSec, c.p50, c.p99)
		}
		if c.workload != "W3-raw" && c.rssMB <= 0 {
			t.Errorf("%s: no peak RSS read", c.workload)
		}
	}
	for _, k := range []string{"W1/read", "W2/read", "W3/write", "W3-raw/write", "W4/write", "W5/read", "W5/write"} {
		if !seen[k] {
			t.Errorf("no figures for %s", k)
		}
	}
	if res.checked != 4 {
		t.Errorf("%d write runs checked, want 4 (W3, W3-raw, W4, W5)", res.checked)
	}
	if len(res.reports) != 3 {
		t.Fatalf("%d reports timed, want 3", len(res.reports))
	}
	for _, r := range res.reports {
		if r.p50[2000] <= 0 || r.p50[6000] <= 0 {
			t.Errorf("%s: %v", r.name, r.p50)
		}
	}
	md := res.Markdown()
	for _, want := range []string{"| W3 create, approve and ship", "| 4 |", "erpd / raw", "All held", "6k moves p50 / p99"} {
		if !strings.Contains(md, want) {
			t.Errorf("the tables lack %q:\n%s", want, md)
		}
	}
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	os.WriteFile(path, []byte("# B\n<!-- bench:http-load:start -->\nOLD-TEXT\n<!-- bench:http-load:end -->\ntext\n<!-- bench:http-reports:start -->\nOLD-TEXT\n<!-- bench:http-reports:end -->\n"), 0o644)
	if err := res.UpdateBenchmarks(path); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), "OLD-TEXT") || !strings.Contains(string(b), "All held") || !strings.Contains(string(b), "\ntext\n") {
		t.Errorf("BENCHMARKS.md not rewritten between its markers:\n%s", b)
	}
}

// The checks fail when the database is wrong: a unit of stock that
// vanished without a move, and an order that no client created.
func TestChecksCatchBrokenInvariants(t *testing.T) {
	cfg := Config{Erpd: buildErpd(t), AdminDSN: storetest.MySQLAdminDSN(), Redis: storetest.RedisAddr(),
		SKUs: 5, Customers: 2, PastOrders: 5, Log: logWriter{t}}
	ctx := context.Background()
	tg, err := startTarget(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.close(false)
	c, err := seed(ctx, tg, cfg)
	if err != nil {
		t.Fatal(err)
	}
	before, err := tg.onHand(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tl := newTally("tamper")
	for i := 0; i < 3; i++ {
		if err := tg.sell(ctx, c, c.customers[0], c.products[1], tl); err != nil {
			t.Fatal(err)
		}
	}
	if bad, err := tg.checkRun(ctx, before, tl); err != nil || len(bad) != 0 {
		t.Fatalf("a sound run failed its checks: %v %v", bad, err)
	}
	if _, err := tg.db.Exec("UPDATE stock_balances SET on_hand = on_hand - 1 WHERE product_id = ?", c.products[2]); err != nil {
		t.Fatal(err)
	}
	if _, err := tg.db.Exec("UPDATE orders SET remark = 'tamper' WHERE remark = 'past' LIMIT 1"); err != nil {
		t.Fatal(err)
	}
	bad, err := tg.checkRun(ctx, before, tl)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(bad, "\n")
	for _, want := range []string{"on hand", "orders created: 4, want 3", "balances that differ from the sum of their moves: 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("the checks missed %q; they said:\n%s", want, text)
		}
	}
}
