package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
)

// TestMain lets a test start this binary as erpd itself (ERPD_AS_MAIN=1),
// so a crash test can kill -9 a real process without building another.
func TestMain(m *testing.M) {
	if os.Getenv("ERPD_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// erpdProcess is erpd running as a child process.
type erpdProcess struct {
	cmd  *exec.Cmd
	base string
}

func startProcess(t *testing.T, env []string, addr string) *erpdProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), "ERPD_AS_MAIN=1", "ERP_HTTP_ADDR="+addr, "ERP_LOG_LEVEL=error"), env...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &erpdProcess{cmd: cmd, base: "http://" + addr}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		if resp, err := http.Get(p.base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("erpd did not become healthy")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freeze stops the process (SIGSTOP) or lets it go on (SIGCONT).
func (p *erpdProcess) freeze(stop bool) {
	sig := syscall.SIGCONT
	if stop {
		sig = syscall.SIGSTOP
	}
	p.cmd.Process.Signal(sig)
}

// kill is kill -9: no shutdown, transactions cut wherever they are. A
// frozen process dies too.
func (p *erpdProcess) kill() {
	p.cmd.Process.Kill()
	p.cmd.Wait()
}

// apiCall makes one request; err is set when no answer came back (the
// process died under it).
func apiCall(base, token, method, path, key string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, nil
}

// kill -9 under load, ten times: eight clerks create, submit and ship
// one-unit orders, each request with an idempotency key, while erpd is
// killed at a random moment and started again. A request that got no
// answer is sent again, with the same key, to the new process. Nothing
// acknowledged is lost, nothing is posted twice, and the books hold:
// stock equals its moves and the opening less what shipped, every order
// shipped at most once, every voucher balanced.
func TestKillNineUnderLoad(t *testing.T) {
	if storetest.SQLiteOnly() {
		t.Fatal("this test needs MariaDB and Redis: unset ERP_TEST_SQLITE_ONLY (scripts/test starts them)")
	}
	rounds, workers := 10, 8
	if testing.Short() {
		rounds = 3
	}
	opts := storetest.DSN(t, store.DriverMySQL)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env := []string{"ERP_DATABASE_DRIVER=mysql", "ERP_DATABASE_DSN=" + opts.DSN, "ERP_REDIS_ADDR=" + storetest.RedisAddr(),
		"ERP_REDIS_PREFIX=" + storetest.RedisPrefix(t, "crash"), "ERP_ADMIN_PASSWORD=Start-pass-2026", "ERP_AUTH_TOTP_REQUIRED_ROLES=none", "ERP_DATA_DIR=" + t.TempDir(),
		"ERP_AUTH_SECRET=crash-test-secret-crash-test-secret-0123", "ERP_HTTP_IDEMPOTENCY_LEASE=1s"}
	p := startProcess(t, env, addr)
	token := login(t, p.base, "admin", "Start-pass-2026")
	must := func(code int, body []byte, err error) []byte {
		t.Helper()
		if err != nil || code >= 300 {
			t.Fatalf("%d %s %v", code, body, err)
		}
		return body
	}
	idOf := func(b []byte) int64 {
		var v struct{ ID int64 }
		json.Unmarshal(b, &v)
		return v.ID
	}
	unit := idOf(must(apiCall(p.base, token, "POST", "/api/v1/units", "", map[string]any{"name": "个"})))
	wh := idOf(must(apiCall(p.base, token, "POST", "/api/v1/warehouses", "", map[string]any{"code": "W1", "name": "总仓"})))
	prod := idOf(must(apiCall(p.base, token, "POST", "/api/v1/products", "", map[string]any{"sku": "HOT1", "name": "热销品", "unit_id": unit})))
	cust := idOf(must(apiCall(p.base, token, "POST", "/api/v1/partners", "", map[string]any{"code": "C1", "name": "客户", "type": "customer"})))
	const opening = 100000
	must(apiCall(p.base, token, "POST", "/api/v1/stock/opening", "", map[string]any{"warehouse_id": wh,
		"lines": []map[string]any{{"product_id": prod, "qty": fmt.Sprint(opening), "unit_cost": "2"}}}))

	var mu sync.Mutex
	var surprises []string // answers other than success, for the log
	note := func(step string, code int, b []byte) {
		mu.Lock()
		defer mu.Unlock()
		if len(surprises) < 5 {
			surprises = append(surprises, fmt.Sprintf("%s: %d %.200s", step, code, b))
		}
	}
	acked := map[string]string{} // shipment numbers erpd acknowledged → order
	committed := 0               // shipments done whose answer was lost in a crash
	unanswered := 0              // requests that never got an answer
	// send makes a request until an answer comes, reusing its key across
	// crashes; it gives up when stop is closed and no process is up.
	newKey := func() string { b := make([]byte, 12); rand.Read(b); return hex.EncodeToString(b) }
	var base string
	var baseMu sync.RWMutex
	// send makes a request until it has an answer, resending it with the
	// same key across crashes; a claim left unfinished by a dead process
	// answers "in progress" until its lease (1 s here) is over.
	send := func(_ <-chan struct{}, method, path string, body any) (int, []byte, bool) {
		key := newKey()
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			baseMu.RLock()
			b := base
			baseMu.RUnlock()
			code, out, err := apiCall(b, token, method, path, key, body)
			if err == nil && code != 503 && !bytes.Contains(out, []byte(`"idempotency_in_progress"`)) {
				return code, out, true
			}
			time.Sleep(100 * time.Millisecond)
		}
		return 0, nil, false
	}
	for round := 0; round < rounds; round++ {
		baseMu.Lock()
		base = p.base
		baseMu.Unlock()
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					code, b, ok := send(stop, "POST", "/api/v1/sales-orders", map[string]any{"partner_id": cust, "warehouse_id": wh,
						"lines": []map[string]any{{"product_id": prod, "qty": "1", "unit_price": "3"}}})
					if !ok || code != 201 {
						note("order", code, b)
						continue
					}
					var o struct {
						ID, Version int64
						Number      string
						Lines       []struct{ ID int64 }
					}
					json.Unmarshal(b, &o)
					if code, b, ok = send(stop, "POST", fmt.Sprintf("/api/v1/sales-orders/%d/submit", o.ID), map[string]any{"version": o.Version}); !ok || code != 200 {
						note("submit", code, b)
						continue
					}
					code, b, ok = send(stop, "POST", "/api/v1/sales-shipments", map[string]any{"order_id": o.ID,
						"lines": []map[string]any{{"order_line_id": o.Lines[0].ID, "qty": "1"}}})
					switch {
					case ok && code == 201:
						var s struct{ Number string }
						json.Unmarshal(b, &s)
						mu.Lock()
						acked[s.Number] = o.Number
						mu.Unlock()
					case ok && bytes.Contains(b, []byte(`"idempotency_committed"`)):
						mu.Lock()
						committed++
						mu.Unlock()
					case !ok:
						mu.Lock()
						unanswered++
						mu.Unlock()
					default:
						note("ship", code, b)
					}
				}
			}()
		}
		// Work a while, then kill -9 with requests in flight; start again
		// and let the clerks' unanswered requests be sent once more.
		time.Sleep(time.Duration(400+round*97%500) * time.Millisecond)
		p.kill()
		p = startProcess(t, env, addr)
		time.Sleep(300 * time.Millisecond)
		close(stop)
		wg.Wait()
	}

	// The books, read from the database after the last crash.
	s, err := store.Open(context.Background(), store.Options{Driver: store.DriverMySQL, DSN: opts.DSN})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	q := s.Read(context.Background())
	bad, err := s.LedgerCheck(q)
	if err != nil || len(bad) != 0 {
		t.Fatalf("balances that disagree with their moves: %v %v", bad, err)
	}
	var shipped []struct {
		Number  string
		OrderID int64
		N       int64
	}
	if err := q.DB().Raw("SELECT d.number, d.order_id, COUNT(*) OVER (PARTITION BY d.order_id) AS n FROM stock_docs d WHERE d.type = 'sales_shipment'").Scan(&shipped).Error; err != nil {
		t.Fatal(err)
	}
	inDB := map[string]bool{}
	for _, r := range shipped {
		inDB[r.Number] = true
		if r.N != 1 {
			t.Errorf("order %d shipped %d times", r.OrderID, r.N)
		}
	}
	for number, order := range acked {
		if !inDB[number] {
			t.Errorf("shipment %s of %s was acknowledged, then lost", number, order)
		}
	}
	var onHand decimal.Decimal
	if err := q.DB().Raw("SELECT COALESCE(SUM(on_hand), 0) FROM stock_balances WHERE product_id = ?", prod).Scan(&onHand).Error; err != nil {
		t.Fatal(err)
	}
	if want := decimal.NewFromInt(int64(opening - len(shipped))); !onHand.Equal(want) {
		t.Errorf("on hand %s, want %s (opening %d less %d shipped)", onHand, want, opening, len(shipped))
	}
	var unbalanced int64
	if err := q.DB().Raw("SELECT COUNT(*) FROM (SELECT voucher_id FROM voucher_lines GROUP BY voucher_id HAVING SUM(debit) <> SUM(credit)) v").Scan(&unbalanced).Error; err != nil {
		t.Fatal(err)
	}
	if unbalanced != 0 {
		t.Errorf("%d vouchers do not balance", unbalanced)
	}
	// Every shipment in the books is one the clerk was told of: answered,
	// or reported as done when its answer was lost.
	if len(shipped) != len(acked)+committed {
		t.Errorf("%d shipments in the books, %d acknowledged + %d reported done after a crash", len(shipped), len(acked), committed)
	}
	if unanswered != 0 {
		t.Errorf("%d shipment requests never got an answer", unanswered)
	}
	if len(acked) < rounds {
		t.Errorf("only %d shipments acknowledged in %d rounds: the load did not run", len(acked), rounds)
	}
	t.Logf("answers other than success (first five): %q", surprises)
	t.Logf("%d rounds of kill -9: %d shipments acknowledged, %d reported done after a crash, %d in the books, on hand %s",
		rounds, len(acked), committed, len(shipped), onHand)
}

// kill -9 with approvals waiting in the outbox: DingTalk is down while a
// buyer submits purchase orders that need its approval, erpd is killed
// with the OA starts still undelivered, DingTalk comes back and erpd is
// started again. The new process resumes the outbox: every approval
// reaches DingTalk exactly once, and approving them there approves the
// orders in the ERP.
func TestKillNineWithApprovalsInOutbox(t *testing.T) {
	if storetest.SQLiteOnly() {
		t.Fatal("this test needs MariaDB and Redis: unset ERP_TEST_SQLITE_ONLY (scripts/test starts them)")
	}
	m0 := &Main{}
	url, err := m0.startSandbox()
	if err != nil {
		t.Fatal(err)
	}
	sb := m0.Sandbox
	t.Cleanup(func() { m0.sandbox.Close() })
	sb.SetRedeliver(300 * time.Millisecond)
	opts := storetest.DSN(t, store.DriverMySQL)
	env := map[string]string{"ERP_DATABASE_DRIVER": "mysql", "ERP_DATABASE_DSN": opts.DSN, "ERP_REDIS_ADDR": storetest.RedisAddr(),
		"ERP_REDIS_PREFIX": storetest.RedisPrefix(t, "crashoa"), "ERP_ADMIN_PASSWORD": "Start-pass-2026", "ERP_AUTH_TOTP_REQUIRED_ROLES": "none", "ERP_DATA_DIR": t.TempDir(),
		"ERP_AUTH_SECRET": "crash-test-secret-crash-test-secret-0123", "ERP_DINGTALK_SYNC_INTERVAL": "0", "ERP_LOG_LEVEL": "error"}
	for k, v := range demoDingTalkEnv(url) {
		env[k] = v
	}
	var envList []string
	for k, v := range env {
		t.Setenv(k, v)
		envList = append(envList, k+"="+v)
	}
	// The demo company, written once as a first start would.
	ctx := context.Background()
	m := NewMain()
	m.Out = io.Discard
	if err := m.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	if err := SeedDemo(ctx, m.App, m.Store); err != nil {
		t.Fatal(err)
	}
	var refs struct{ Warehouse, Product, Supplier int64 }
	db := m.Store.DB()
	db.Raw("SELECT (SELECT MIN(id) FROM warehouses) AS warehouse, (SELECT id FROM products ORDER BY id LIMIT 1 OFFSET 2) AS product, (SELECT id FROM partners WHERE code = 'S001') AS supplier").Scan(&refs)
	m.Close()

	sb.SetDown(true)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := startProcess(t, envList, addr)
	token := login(t, p.base, "caigou", DemoPassword)
	const n = 20
	numbers := map[string]bool{}
	var orderIDs []int64
	for i := 0; i < n; i++ {
		code, b, err := apiCall(p.base, token, "POST", "/api/v1/purchase-orders", "", map[string]any{"partner_id": refs.Supplier, "warehouse_id": refs.Warehouse,
			"lines": []map[string]any{{"product_id": refs.Product, "qty": fmt.Sprint(5001 + i), "unit_price": "2.00"}}})
		if err != nil || code != 201 {
			t.Fatalf("create: %d %s %v", code, b, err)
		}
		var o struct {
			ID, Version int64
			Number      string
		}
		json.Unmarshal(b, &o)
		code, b, err = apiCall(p.base, token, "POST", fmt.Sprintf("/api/v1/purchase-orders/%d/submit", o.ID), "", map[string]any{"version": o.Version})
		if err != nil || code != 200 || !bytes.Contains(b, []byte(`"status":"pending_approval"`)) {
			t.Fatalf("submit: %d %s %v", code, b, err)
		}
		numbers[o.Number] = true
		orderIDs = append(orderIDs, o.ID)
	}
	// Kill between deliveries, when the starts have been tried and put
	// back: none leased, so the new process need not wait out a dead
	// deliverer's lease (two minutes, longer than this test waits; a
	// message leased at a crash is TestOutboxLeaseOfDeadDeliverer's case).
	// The deliverer retries all the while, so checking and then killing
	// races it: freeze the process first (SIGSTOP), give a statement it
	// had sent time to finish, and kill only if nothing is leased.
	s, err := store.Open(ctx, store.Options{Driver: store.DriverMySQL, DSN: opts.DSN})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pending := func() (waiting, leased int64) {
		s.DB().Raw("SELECT COUNT(*) FROM outbox WHERE kind = 'oa.start' AND status = 'pending'").Scan(&waiting)
		s.DB().Raw("SELECT COUNT(*) FROM outbox WHERE kind = 'oa.start' AND status = 'pending' AND lease_until > ?", time.Now().UTC()).Scan(&leased)
		return
	}
	deadline := time.Now().Add(30 * time.Second)
	for froze, round := 0, 0; ; round++ {
		var tried int64
		s.DB().Raw("SELECT COUNT(*) FROM outbox WHERE kind = 'oa.start' AND attempts > 0").Scan(&tried)
		if w, _ := pending(); tried > 0 && w == n {
			p.freeze(true)
			froze++
			time.Sleep(300 * time.Millisecond)
			if w, l := pending(); w == n && l == 0 {
				t.Logf("killed on freeze %d", froze)
				break
			}
			p.freeze(false)
		}
		if time.Now().After(deadline) {
			w, l := pending()
			t.Fatalf("outbox before the kill: %d OA starts pending (%d leased), %d tried; want %d pending, none leased", w, l, tried, n)
		}
		time.Sleep(time.Duration(20+round%7*30) * time.Millisecond) // not in step with the ticker
	}
	p.kill()
	if w, _ := pending(); w != n {
		t.Fatalf("%d OA starts pending after the kill, want %d", w, n)
	}
	if got := len(sb.Instances("")); got != 0 {
		t.Fatalf("%d instances reached DingTalk while it was down", got)
	}

	sb.SetDown(false)
	startProcess(t, envList, addr) // stopped by its cleanup
	deadline = time.Now().Add(90 * time.Second)
	for len(sb.Instances("")) < n {
		if time.Now().After(deadline) {
			w, _ := pending()
			var stuck []store.OutboxMessage
			s.DB().Where("kind = 'oa.start' AND status = 'pending'").Find(&stuck)
			for _, m := range stuck {
				t.Logf("still pending: outbox %d attempts %d next_at %s lease_until %v last_error %q", m.ID, m.Attempts, m.NextAt, cmp.Or(m.LeaseUntil, &time.Time{}), m.LastError)
			}
			t.Fatalf("after the restart %d of %d approvals reached DingTalk; %d still pending", len(sb.Instances("")), n, w)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second) // no late duplicates either
	seen := map[string]int{}
	for _, in := range sb.Instances("") {
		for _, f := range in.Form {
			if f.Name == "单据编号" {
				seen[f.Value]++
			}
		}
	}
	for num := range numbers {
		if seen[num] != 1 {
			t.Errorf("%s reached DingTalk %d times, want once", num, seen[num])
		}
	}
	if len(seen) != n {
		t.Errorf("%d documents in DingTalk, want %d", len(seen), n)
	}
	for _, in := range sb.Instances("RUNNING") {
		if err := sb.Decide(in.ID, "ding_jingli", true, ""); err != nil {
			t.Fatal(err)
		}
	}
	deadline = time.Now().Add(30 * time.Second)
	for {
		var approved int64
		s.DB().Raw("SELECT COUNT(*) FROM orders WHERE status = 'approved' AND id IN ?", orderIDs).Scan(&approved)
		if approved == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d orders approved after DingTalk approved them", approved, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if w, _ := pending(); w != 0 {
		t.Errorf("%d OA starts still pending", w)
	}
}
