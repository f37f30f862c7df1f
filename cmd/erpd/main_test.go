package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/dingtalk/sandbox"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
)

// MustRunMain starts erpd as production wires it, on a random port, with a
// fresh database of driver (and Redis beside MariaDB), and stops it when the
// test ends.
func MustRunMain(tb testing.TB, driver string, demo bool) *Main {
	tb.Helper()
	dir := tb.TempDir()
	env := map[string]string{
		"ERP_HTTP_ADDR": "127.0.0.1:0", "ERP_DATA_DIR": dir, "ERP_ADMIN_PASSWORD": "Start-pass-2026",
		"ERP_LOG_LEVEL": "error", "ERP_DATABASE_DRIVER": driver,
	}
	if driver == store.DriverMySQL {
		env["ERP_DATABASE_DSN"] = storetest.DSN(tb, driver).DSN
		env["ERP_REDIS_ADDR"] = storetest.RedisAddr()
		env["ERP_REDIS_PREFIX"] = storetest.RedisPrefix(tb, "erpdmain")
	}
	if demo {
		delete(env, "ERP_ADMIN_PASSWORD") // the demo's own, printed at start
		tb.Setenv("ERP_ADMIN_PASSWORD", "")
		// The demo points DingTalk at its sandbox through the environment;
		// recording the variables here restores them when the test ends.
		for k := range demoDingTalkEnv("") {
			tb.Setenv(k, "")
		}
	}
	for k, v := range env {
		tb.Setenv(k, v)
	}
	m := NewMain()
	m.Out = &bytes.Buffer{}
	args := []string{}
	if demo {
		args = append(args, "--demo")
	}
	if err := m.ParseFlags(args); err != nil {
		tb.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := m.Close(); err != nil {
			tb.Error(err)
		}
	})
	return m
}

func getJSON(t *testing.T, url, token string, out any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

func login(t *testing.T, base, user, pw string) string {
	t.Helper()
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, user, pw)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != 200 || out.Token == "" {
		t.Fatalf("login %s: %d", user, resp.StatusCode)
	}
	return out.Token
}

func TestMainServesAndRestarts(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		m := MustRunMain(t, driver, false)
		if code := getJSON(t, m.URL()+"/readyz", "", nil); code != 200 {
			t.Fatalf("readyz %d", code)
		}
		tok := login(t, m.URL(), "admin", "Start-pass-2026")
		var me struct{ Username string }
		if code := getJSON(t, m.URL()+"/api/v1/me", tok, &me); code != 200 || me.Username != "admin" {
			t.Fatalf("me: %d %+v", code, me)
		}
		// auth.totp_required_roles defaults to admin: until the
		// administrator enrols, the token serves nothing but enrolling.
		if code := getJSON(t, m.URL()+"/api/v1/users", tok, nil); code != 403 {
			t.Fatalf("users with an enrolment session: %d", code)
		}
	})
}

func TestDemoData(t *testing.T) {
	m := MustRunMain(t, store.DriverSQLite, true)
	tok := login(t, m.URL(), "admin", DemoPassword)
	var products, stock struct{ Total int }
	getJSON(t, m.URL()+"/api/v1/products", tok, &products)
	getJSON(t, m.URL()+"/api/v1/stock?non_zero=true", tok, &stock)
	if products.Total < 30 || stock.Total < 30 {
		t.Fatalf("demo: %d products, %d balances", products.Total, stock.Total)
	}
	// Its printed vouchers and statements carry the company's name.
	var fin struct {
		CompanyName string `json:"company_name"`
	}
	getJSON(t, m.URL()+"/api/v1/finance-settings", tok, &fin)
	if fin.CompanyName != DemoCompanyName {
		t.Fatalf("demo 编制单位 %q, want %q", fin.CompanyName, DemoCompanyName)
	}
	var pending, suggestions struct{ Total int }
	getJSON(t, m.URL()+"/api/v1/approvals?status=pending", tok, &pending)
	getJSON(t, m.URL()+"/api/v1/reorder-suggestions", tok, &suggestions)
	if pending.Total != 1 || suggestions.Total < 1 {
		t.Fatalf("demo: %d pending approvals, %d reorder suggestions", pending.Total, suggestions.Total)
	}
	// A believable handful is low, only where a warehouse carries the item,
	// and every low item is on its warehouse's reorder requisition.
	var dash struct {
		LowStockTotal int `json:"low_stock_total"`
	}
	getJSON(t, m.URL()+"/api/v1/dashboard", tok, &dash)
	t.Logf("demo: %d low items", dash.LowStockTotal)
	if dash.LowStockTotal < 3 || dash.LowStockTotal > 6 || suggestions.Total != dash.LowStockTotal {
		t.Fatalf("demo: %d low items, %d reorder suggestions", dash.LowStockTotal, suggestions.Total)
	}
	// The dictionary is in use: shipments say how and where they went,
	// customers have a level, receipts a 结算方式 (issue 22 parts 6, 10).
	var ships struct {
		Items []struct{ ID int64 }
	}
	getJSON(t, m.URL()+"/api/v1/sales-shipments", tok, &ships)
	withWaybill := 0
	for _, sh := range ships.Items {
		var d domain.StockDoc
		getJSON(t, fmt.Sprintf("%s/api/v1/sales-shipments/%d", m.URL(), sh.ID), tok, &d)
		if d.WaybillNo != "" && d.ShippingMethodID != nil && d.ShipAddress != "" {
			withWaybill++
		}
	}
	var receipts struct {
		Items []domain.MoneyDoc
	}
	getJSON(t, m.URL()+"/api/v1/receipts", tok, &receipts)
	var cus struct {
		Items []domain.Partner
	}
	getJSON(t, m.URL()+"/api/v1/partners?q=C001", tok, &cus)
	if withWaybill < 2 || len(receipts.Items) == 0 || receipts.Items[0].PaymentMethodID == nil || len(cus.Items) != 1 || cus.Items[0].LevelID == nil {
		t.Fatalf("demo delivery and dictionary: %d shipments with delivery, receipts %+v, partner %+v", withWaybill, receipts.Items, cus.Items)
	}
	var addrs []domain.PartnerAddress
	getJSON(t, fmt.Sprintf("%s/api/v1/partners/%d/addresses", m.URL(), cus.Items[0].ID), tok, &addrs)
	if len(addrs) != 2 || !addrs[0].IsDefault {
		t.Fatalf("demo addresses %+v", addrs)
	}
	// Every demo role can sign in.
	for _, u := range []string{"caigou", "xiaoshou", "cangguan", "caiwu", "jingli"} {
		login(t, m.URL(), u, DemoPassword)
	}
	bad, err := m.Store.LedgerCheck(m.Store.Read(context.Background()))
	if err != nil || len(bad) > 0 {
		t.Fatalf("demo ledger: %v %v", bad, err)
	}
	// 赵会计 reviewed the opening vouchers; the week's trade waits for review.
	var reviewed, unreviewed struct {
		Total int
		Items []struct {
			Source         string `json:"source"`
			ReviewedByName string `json:"reviewed_by_name"`
		}
	}
	getJSON(t, m.URL()+"/api/v1/vouchers?review=reviewed&page_size=100", tok, &reviewed)
	getJSON(t, m.URL()+"/api/v1/vouchers?review=unreviewed", tok, &unreviewed)
	if reviewed.Total < 1 || unreviewed.Total < 1 {
		t.Fatalf("demo: %d reviewed, %d unreviewed vouchers", reviewed.Total, unreviewed.Total)
	}
	for _, v := range reviewed.Items {
		if v.Source != domain.DocOpening || v.ReviewedByName != "赵会计" {
			t.Fatalf("demo review: %+v", v)
		}
	}
	// The demo company went live this month with balanced openings: its
	// 货币资金 is the bank and cash brought in plus the week's money, and
	// the balance sheet balances in both columns.
	var openings struct {
		StartPeriod string `json:"start_period"`
		Check       struct{ Balanced bool }
	}
	getJSON(t, m.URL()+"/api/v1/opening-balances", tok, &openings)
	if openings.StartPeriod != domain.PeriodOf(domain.LocalDate(m.Store.Now())) || !openings.Check.Balanced {
		t.Fatalf("demo openings %+v", openings)
	}
	var sheet struct {
		Items []struct {
			Line int
			Col1 decimal.Decimal
			Col2 decimal.Decimal
		}
		Summary map[string]any
	}
	getJSON(t, m.URL()+"/api/v1/reports/balance-sheet", tok, &sheet)
	// The opening bills are open items: C001's 7,000, its oldest, took the
	// 800 received and the 18.08 credit of its return; S001's 8,000 the 500 paid
	// and the return below.
	var items struct {
		Items []struct {
			DocNumber string          `json:"doc_number"`
			Open      decimal.Decimal `json:"open"`
		}
	}
	getJSON(t, m.URL()+"/api/v1/opening-items", tok, &items)
	// S001's bill also took the credit of the tea sent back (退货), its
	// oldest open item being the opening one.
	var returns struct {
		Items []struct{ Total decimal.Decimal }
	}
	getJSON(t, m.URL()+"/api/v1/purchase-returns", tok, &returns)
	s001 := decimal.NewFromInt(7500)
	for _, r := range returns.Items {
		s001 = s001.Sub(r.Total)
	}
	if len(returns.Items) != 1 || len(items.Items) != 3 || !items.Items[0].Open.Equal(decimal.RequireFromString("6181.92")) || !items.Items[2].Open.Equal(s001) {
		t.Fatalf("demo opening items %+v", items)
	}
	// 205,000 at the start of the year, 321,000 on the 1st (201,000 both
	// in January), +800 received, −500 paid, and the demo's cash vouchers:
	// rent 3,000 and wages 6,000 leave the bank, the 2,000 petty cash moves
	// from the bank to the till (a transfer, 货币资金 unchanged):
	// 321,000 + 800 − 500 − 3,000 − 6,000 = 312,300 (192,300 in January).
	cash, year, month := decimal.NewFromInt(312300), decimal.NewFromInt(205000), decimal.NewFromInt(321000)
	// Before going live the bank took 1,196,000 and paid 1,080,000 this
	// year: 现金流量表's 上线前 line, 116,000 (none going live in January).
	before := decimal.NewFromInt(116000)
	if strings.HasSuffix(openings.StartPeriod, "-01") {
		cash, year, month, before = decimal.NewFromInt(192300), decimal.NewFromInt(201000), decimal.NewFromInt(201000), decimal.Zero
	}
	if len(sheet.Items) == 0 || sheet.Items[0].Line != 1 || !sheet.Items[0].Col1.Equal(cash) ||
		!sheet.Items[0].Col2.Equal(year) || sheet.Summary["balanced"] != true {
		t.Fatalf("demo balance sheet: %+v", sheet)
	}
	// 现金流量表 ties to 货币资金 in both columns: 本年 opens at the year's
	// 205,000, nets 116,000 before going live and 800 − 500 − 3,000 − 6,000
	// = −8,700 since (107,300), and closes at 312,300; 本月 opens at
	// 321,000 and nets −8,700.
	var flows struct {
		Items []struct {
			Line       *int
			Item       string
			Col1, Col2 *decimal.Decimal
		}
	}
	getJSON(t, m.URL()+"/api/v1/reports/cash-flow", tok, &flows)
	cf := map[string][2]decimal.Decimal{}
	for _, r := range flows.Items {
		if r.Col1 != nil {
			cf[r.Item] = [2]decimal.Decimal{*r.Col1, *r.Col2}
		}
	}
	want := map[string][2]decimal.Decimal{
		"加：期初现金余额": {year, month},
		"四、现金净增加额": {cash.Sub(year), decimal.NewFromInt(-8700)},
		"五、期末现金余额": {cash, cash},
		"支付的职工薪酬":  {decimal.NewFromInt(6000), decimal.NewFromInt(6000)},
	}
	if !before.IsZero() {
		want["加：上线前本年现金净增加额（期初录入）"] = [2]decimal.Decimal{before, decimal.Zero}
	} else if _, ok := cf["加：上线前本年现金净增加额（期初录入）"]; ok {
		t.Fatalf("demo cash flow shows a 上线前 line going live in January: %+v", cf)
	}
	for item, w := range want {
		if g, ok := cf[item]; !ok || !g[0].Equal(w[0]) || !g[1].Equal(w[1]) {
			t.Errorf("demo 现金流量表 %s: %v, want %v", item, g, w)
		}
	}
	if !year.Add(before).Sub(decimal.NewFromInt(8700)).Equal(cash) {
		t.Fatalf("the demo's figures do not add up")
	}

	// 免登 against the in-process sandbox: the mini-app's code for the
	// DingTalk account ding_caigou signs in as the ERP user caigou.
	if m.SandboxURL == "" {
		t.Fatal("the demo started no DingTalk sandbox")
	}
	resp, err := http.Post(m.SandboxURL+"/sandbox/auth-codes", "application/json", strings.NewReader(`{"userid":"ding_caigou"}`))
	if err != nil {
		t.Fatal(err)
	}
	var code struct{ Code string }
	json.NewDecoder(resp.Body).Decode(&code)
	resp.Body.Close()
	resp, err = http.Post(m.URL()+"/api/v1/auth/dingtalk", "application/json", strings.NewReader(fmt.Sprintf(`{"auth_code":%q}`, code.Code)))
	if err != nil {
		t.Fatal(err)
	}
	var sess struct {
		Token string
		User  struct{ Username string }
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	json.Unmarshal(raw, &sess)
	if resp.StatusCode != 200 || sess.User.Username != "caigou" || sess.Token == "" {
		t.Fatalf("免登: %d %s", resp.StatusCode, raw)
	}

	// Contact events over the stream: someone joins in DingTalk and is an
	// ERP user moments later; someone leaves and is disabled.
	m.Sandbox.PutUser(sandbox.User{UserID: "ding_newhire", Name: "新员工", DeptIDs: []int64{3}, Active: true})
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("the stream connection", func() bool { return m.Sandbox.Connections() == 1 })
	if _, err := m.Sandbox.PushEvent("user_add_org", map[string]any{"timeStamp": "1", "userId": []string{"ding_newhire"}}); err != nil {
		t.Fatal(err)
	}
	q := m.Store.Read(context.Background())
	waitFor("the new hire", func() bool { _, err := store.Users.ByDingTalkUserID(q, "ding_newhire"); return err == nil })
	if _, err := m.Sandbox.PushEvent("user_leave_org", map[string]any{"timeStamp": "2", "userId": []string{"ding_xiaoshou"}}); err != nil {
		t.Fatal(err)
	}
	waitFor("the leaver disabled", func() bool {
		u, err := store.Users.ByDingTalkUserID(q, "ding_xiaoshou")
		return err == nil && u.Status == domain.UserDisabled
	})
}

// erpd check verifies the ledger of a database: balances equal their moves.
func TestCheckCommand(t *testing.T) {
	m := MustRunMain(t, store.DriverSQLite, true)
	check := NewMain()
	var out bytes.Buffer
	check.Out = &out
	if err := check.ParseFlags([]string{"check"}); err != nil {
		t.Fatal(err)
	}
	if code := check.Exec(context.Background()); code != 0 || !strings.Contains(out.String(), "every balance equals") ||
		!strings.Contains(out.String(), "现金净增加额 equals its change in 货币资金") {
		t.Fatalf("check on a sound ledger: exit %d, %q", code, out.String())
	}
	// A bank line that lost its cash-flow item (the demo's receipt): the
	// month's 现金净增加额 no longer equals the change in 货币资金.
	db := m.Store.DB()
	var line int64
	if err := db.Table("voucher_lines").Select("MIN(id)").Where("cash_flow_item = ?", domain.CFSales).Scan(&line).Error; err != nil || line == 0 {
		t.Fatalf("the demo books no receipt: %v", err)
	}
	if err := db.Exec("UPDATE voucher_lines SET cash_flow_item = 0 WHERE id = ?", line).Error; err != nil {
		t.Fatal(err)
	}
	if code := check.Exec(context.Background()); code != 1 {
		t.Fatalf("check with a cash line out of 现金流量表: exit %d", code)
	}
	if err := db.Exec("UPDATE voucher_lines SET cash_flow_item = ? WHERE id = ?", domain.CFSales, line).Error; err != nil {
		t.Fatal(err)
	}
	// Break one balance behind the ledger's back: check must say so.
	if err := m.Store.DB().Exec("UPDATE stock_balances SET on_hand = on_hand + 1 WHERE id = 1").Error; err != nil {
		t.Fatal(err)
	}
	if code := check.Exec(context.Background()); code != 1 {
		t.Fatalf("check on a broken ledger: exit %d", code)
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	for key, val := range map[string]string{
		"ERP_DATABASE_DRIVER": "oracle",
		"ERP_HTTP_ADDR":       "no-port",
		"ERP_AUTH_SECRET":     "short",
		"ERP_LOG_FORMAT":      "xml",
		"ERP_HTTP_PUBLIC_URL": "erp.example.com",
	} {
		t.Run(key, func(t *testing.T) {
			t.Setenv(key, val)
			err := NewMain().ParseFlags(nil)
			if err == nil || !strings.Contains(err.Error(), key) {
				t.Fatalf("%s=%s: %v", key, val, err)
			}
		})
	}
	t.Run("ConfigFileThenEnv", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "erp.yaml")
		os.WriteFile(path, []byte("http:\n  addr: \":9999\"\nredis:\n  password: hunter2\ndatabase:\n  driver: mysql\n  dsn: \"u:topsecret@tcp(db:3306)/erp\"\n"), 0o600)
		t.Setenv("ERP_HTTP_ADDR", ":7777")
		m := NewMain()
		var out bytes.Buffer
		m.Out = &out
		if err := m.ParseFlags([]string{"--config", path, "config"}); err != nil {
			t.Fatal(err)
		}
		if code := m.Exec(context.Background()); code != 0 {
			t.Fatalf("exit %d", code)
		}
		s := out.String()
		if !strings.Contains(s, `":7777"`) || !strings.Contains(s, `"driver": "mysql"`) {
			t.Fatalf("env must win over the file, the file over defaults: %s", s)
		}
		if strings.Contains(s, "hunter2") || strings.Contains(s, "topsecret") {
			t.Fatalf("secrets printed: %s", s)
		}
	})
	t.Run("WeakAdminPasswordRefused", func(t *testing.T) {
		t.Setenv("ERP_HTTP_ADDR", "127.0.0.1:0")
		t.Setenv("ERP_DATA_DIR", t.TempDir())
		t.Setenv("ERP_ADMIN_PASSWORD", "admin")
		t.Setenv("ERP_LOG_LEVEL", "error")
		m := NewMain()
		if err := m.ParseFlags(nil); err != nil {
			t.Fatal(err)
		}
		err := m.Run(context.Background())
		defer m.Close()
		if err == nil || !strings.Contains(err.Error(), "ERP_ADMIN_PASSWORD") {
			t.Fatalf("weak bootstrap password: %v", err)
		}
	})
}
