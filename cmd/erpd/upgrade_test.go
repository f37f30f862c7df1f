package main

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
)

// previousRelease names the fixture in testdata/upgrade: the database the
// release at commit 99be422 wrote for its demo company (migrations 1–12,
// the finance core's first release, before receipts and payments booked
// through templates, invoices and two-step sign-in), as a SQLite file and
// as a mariadb-dump, with the reports that release printed for it.
const previousRelease = "testdata/upgrade/release-99be422"

func gunzip(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// An upgrade from the previous release: its database is opened by this
// version, which runs the migrations since; erpd check passes; every figure
// of the five reports the old release printed (balance sheet, income
// statement, trial balance, inventory balance, gross profit) reads the same,
// rounded to 分 (migration 202612070500_fen_money_in_cents).
func TestUpgradeFromPreviousRelease(t *testing.T) {
	var old map[string]struct {
		Columns []struct{ Key, Kind string }
		Items   []map[string]any
	}
	b, err := os.ReadFile(previousRelease + "-reports.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &old); err != nil {
		t.Fatal(err)
	}
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		opts := storetest.DSN(t, driver)
		switch driver {
		case store.DriverSQLite:
			if err := os.WriteFile(opts.DSN, gunzip(t, previousRelease+".db.gz"), 0o600); err != nil {
				t.Fatal(err)
			}
		case store.DriverMySQL:
			// Restored as an administrator would, with the mariadb client.
			dump := filepath.Join(t.TempDir(), "release.sql")
			if err := os.WriteFile(dump, gunzip(t, previousRelease+".sql.gz"), 0o600); err != nil {
				t.Fatal(err)
			}
			loadDump(t, opts.DSN, dump)
		}
		env := map[string]string{"ERP_HTTP_ADDR": "127.0.0.1:0", "ERP_DATA_DIR": t.TempDir(), "ERP_LOG_LEVEL": "error",
			"ERP_DATABASE_DRIVER": driver, "ERP_DATABASE_DSN": opts.DSN, "ERP_DINGTALK_ENABLED": "false",
			"ERP_AUTH_TOTP_REQUIRED_ROLES": "none"} // the sign-in policy is tested in app/httpapi
		if driver == store.DriverMySQL {
			env["ERP_REDIS_ADDR"] = storetest.RedisAddr()
			env["ERP_REDIS_PREFIX"] = storetest.RedisPrefix(t, "upgrade")
		}
		for k, v := range env {
			t.Setenv(k, v)
		}
		m := NewMain()
		m.Out = io.Discard
		if err := m.ParseFlags([]string{"check"}); err != nil {
			t.Fatal(err)
		}
		if code := m.Exec(context.Background()); code != 0 {
			t.Fatalf("erpd check on the upgraded database exited %d", code)
		}
		m = NewMain()
		m.Out = io.Discard
		if err := m.ParseFlags(nil); err != nil {
			t.Fatal(err)
		}
		if err := m.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		var applied int64
		m.Store.DB().Raw("SELECT COUNT(*) FROM schema_migrations").Scan(&applied)
		if applied <= 12 {
			t.Fatalf("%d migrations recorded after the upgrade, want more than the release's 12", applied)
		}
		// Every amount in the books is in 分 after the upgrade.
		for _, q := range []struct{ table, cols string }{{"stock_moves", "amount, balance_value"}, {"stock_balances", "value, value"},
			{"voucher_lines", "debit, credit"}, {"open_items", "amount, open_amount"}, {"stock_doc_lines", "cost_amount, amount"}} {
			var rows []struct{ A, B decimal.Decimal }
			if err := m.Store.DB().Table(q.table).Select(strings.Replace(q.cols, ",", " AS a,", 1) + " AS b").Find(&rows).Error; err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if !r.A.Equal(r.A.Round(2)) || !r.B.Equal(r.B.Round(2)) {
					t.Fatalf("%s: %s, %s after the upgrade", q.table, r.A, r.B)
				}
			}
			if len(rows) == 0 {
				t.Fatalf("%s: no rows in the release's database", q.table)
			}
		}
		// The dates migration gave every move and stock document the
		// Shanghai day it was posted, and the 分 migration after it kept
		// them: a move's business date is its posted day.
		var moves []struct {
			PostedAt time.Time
			BizDate  string
		}
		if err := m.Store.DB().Table("stock_moves").Select("posted_at, biz_date").Find(&moves).Error; err != nil {
			t.Fatal(err)
		}
		for _, mv := range moves {
			if want := mv.PostedAt.In(domain.Shanghai).Format("2006-01-02"); mv.BizDate != want {
				t.Fatalf("a move posted %s has business date %q, want %s", mv.PostedAt, mv.BizDate, want)
			}
		}
		var undated int64
		m.Store.DB().Table("stock_docs").Where("biz_date = '' OR biz_date IS NULL").Count(&undated)
		if len(moves) == 0 || undated > 0 {
			t.Fatalf("%d moves, %d stock documents without a business date after the upgrade", len(moves), undated)
		}
		// The old release's admin and password still sign in.
		tok := login(t, m.URL(), "admin", DemoPassword)
		checked := 0
		for path, rep := range old {
			var now struct{ Items []map[string]any }
			if code := getJSON(t, m.URL()+"/api/v1/reports/"+path, tok, &now); code != 200 {
				t.Fatalf("%s: %d", path, code)
			}
			var keys, nums []string
			kinds := map[string]string{}
			for _, c := range rep.Columns {
				kinds[c.Key] = c.Kind
				if c.Kind == "text" {
					keys = append(keys, c.Key)
				} else {
					nums = append(nums, c.Key)
				}
			}
			rowKey := func(r map[string]any) string {
				var parts []string
				for _, k := range keys {
					parts = append(parts, fmt.Sprint(r[k]))
				}
				return strings.Join(parts, "|")
			}
			byKey := map[string]map[string]any{}
			for _, r := range now.Items {
				byKey[rowKey(r)] = r
			}
			for _, r := range rep.Items {
				n, ok := byKey[rowKey(r)]
				if !ok {
					t.Errorf("%s: the row %s is gone", path, rowKey(r))
					continue
				}
				delete(byKey, rowKey(r))
				for _, k := range nums {
					// The release kept amounts to four places; the upgrade
					// rounds them to 分 (half up), so a money figure reads as
					// the old one rounded, and an average cost (value ÷ on
					// hand) moves by less than a cent spread over the stock.
					a, b := amount(r[k]), amount(n[k])
					switch kinds[k] {
					case "money":
						a = domain.RoundAmount(a)
					case "cost":
						if a.Sub(b).Abs().LessThan(decimal.New(1, -4)) {
							a = b
						}
					}
					if !a.Equal(b) {
						t.Errorf("%s, %s, %s: %s before the upgrade, %s after", path, rowKey(r), k, a, b)
					}
					checked++
				}
			}
			for k, r := range byKey {
				for _, c := range nums {
					if !amount(r[c]).IsZero() {
						t.Errorf("%s: a new row %s with %s = %v", path, k, c, r[c])
					}
				}
			}
		}
		// The fixture holds 276 figures; fewer means a report lost rows.
		if checked < 276 {
			t.Fatalf("only %d figures compared", checked)
		}
		t.Logf("%d figures of 5 reports read the same after the upgrade", checked)
	})
}

// amount reads a report cell: a decimal string, or nothing (zero).
func amount(v any) decimal.Decimal {
	switch x := v.(type) {
	case string:
		d, err := decimal.NewFromString(x)
		if err == nil {
			return d
		}
	case float64:
		return decimal.NewFromFloat(x)
	}
	return decimal.Zero
}
