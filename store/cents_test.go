package store_test

import (
	"testing"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
)

// The migration to 分 on books kept to four places: a balance received 10,
// issued a third twice at 3.3333, then received 100.005; one voucher no
// longer balances once rounded. Afterwards every amount is in 分, each
// voucher balances (the receipt's residue went to its 5401 line, not to
// 1405 or 2202), the balance equals its moves, 1405 equals the stock
// (a cent booked against 5401), and a second run changes nothing.
func TestMigrationToCents(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s, err := store.Open(ctx, storetest.DSN(t, driver))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		// Every migration before the one to 分 (later features' columns
		// are there, as the code that writes the old books expects).
		before := ""
		for i, m := range store.Migrations {
			if m.ID == "202612070500_fen_money_in_cents" {
				before = store.Migrations[i-1].ID
			}
		}
		if err := s.MigrateTo(ctx, before); err != nil {
			t.Fatal(err)
		}
		db := s.DB()
		acct := map[string]int64{}
		for _, code := range []string{"1405", "2202", "5401"} {
			var id int64
			if err := db.Table("accounts").Where("code = ?", code).Pluck("id", &id).Error; err != nil || id == 0 {
				t.Fatalf("account %s: %v", code, err)
			}
			acct[code] = id
		}
		at := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
		run := decimal.Zero
		for i, a := range []string{"10", "-3.3333", "-3.3333", "100.005"} {
			amt := decimal.RequireFromString(a)
			run = run.Add(amt)
			if err := db.Exec(`INSERT INTO stock_moves (product_id, warehouse_id, batch, kind, qty, unit_cost, amount, balance_qty,
				balance_value, doc_type, doc_id, doc_number, line_id, posted_at, created_by) VALUES (1, 1, '', 'in', 0, 0, ?, 0, ?, 'opening', ?, 'X', 1, ?, 1)`,
				amt, run, i+1, at.Add(time.Duration(i)*time.Minute)).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Exec(`INSERT INTO stock_balances (product_id, warehouse_id, batch, on_hand, reserved, avg_cost, value, updated_at)
			VALUES (1, 1, '', 0, 0, 0, ?, ?)`, run, at).Error; err != nil {
			t.Fatal(err)
		}
		line := func(code, side, amt string) domain.VoucherLine {
			l := domain.VoucherLine{AccountID: acct[code]}
			if side == "d" {
				l.Debit = decimal.RequireFromString(amt)
			} else {
				l.Credit = decimal.RequireFromString(amt)
			}
			return l
		}
		for _, ls := range [][]domain.VoucherLine{
			{line("1405", "d", "10"), line("2202", "c", "10")},
			{line("5401", "d", "3.3333"), line("1405", "c", "3.3333")},
			{line("5401", "d", "3.3333"), line("1405", "c", "3.3333")},
			{line("1405", "d", "100.005"), line("5401", "d", "-0.0049"), line("2202", "c", "100.0001")},
		} {
			v := &domain.Voucher{Date: "2026-11-20", Source: domain.VoucherManual, Remark: "四位小数", Lines: ls}
			if err := v.Check(domain.BackfillScale); err != nil {
				t.Fatal(err)
			}
			if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.InsertVoucher(v) }); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		check := func(when string) {
			var moves []struct{ Amount, BalanceValue decimal.Decimal }
			db.Table("stock_moves").Select("amount, balance_value").Order("id").Find(&moves)
			got := ""
			for _, m := range moves {
				got += m.Amount.String() + "/" + m.BalanceValue.String() + " "
			}
			if want := "10/10 -3.33/6.67 -3.34/3.33 100.01/103.34 "; got != want {
				t.Fatalf("%s: moves %s, want %s", when, got, want)
			}
			if bad, err := s.LedgerCheck(s.Read(ctx)); err != nil || len(bad) > 0 {
				t.Fatalf("%s: balances differ from moves: %v %v", when, bad, err)
			}
			var lines []struct {
				VoucherID     int64
				AccountID     int64
				Debit, Credit decimal.Decimal
			}
			db.Table("voucher_lines").Select("voucher_id, account_id, debit, credit").Order("id").Find(&lines)
			net := map[int64]decimal.Decimal{}
			perVoucher := map[int64]decimal.Decimal{}
			for _, l := range lines {
				if !l.Debit.Equal(l.Debit.Round(2)) || !l.Credit.Equal(l.Credit.Round(2)) {
					t.Fatalf("%s: line %+v not in 分", when, l)
				}
				net[l.AccountID] = net[l.AccountID].Add(l.Debit).Sub(l.Credit)
				perVoucher[l.VoucherID] = perVoucher[l.VoucherID].Add(l.Debit).Sub(l.Credit)
			}
			for id, n := range perVoucher {
				if !n.IsZero() {
					t.Fatalf("%s: voucher %d is off by %s", when, id, n)
				}
			}
			if len(perVoucher) != 5 {
				t.Fatalf("%s: %d vouchers, want the 4 and one adjustment", when, len(perVoucher))
			}
			for code, want := range map[string]string{"1405": "103.34", "2202": "-110", "5401": "6.66"} {
				if !net[acct[code]].Equal(decimal.RequireFromString(want)) {
					t.Fatalf("%s: %s nets %s, want %s", when, code, net[acct[code]], want)
				}
			}
			tb, err := store.AccountTotals(s.Read(ctx), "", "2099-01")
			if err != nil {
				t.Fatal(err)
			}
			if tot := tb[acct["1405"]]; !tot.Debit.Sub(tot.Credit).Equal(decimal.RequireFromString("103.34")) {
				t.Fatalf("%s: the monthly totals of 1405 net %s", when, tot.Debit.Sub(tot.Credit))
			}
		}
		check("migrated")
		if err := db.Transaction(store.MigrateToCents); err != nil {
			t.Fatal(err)
		}
		check("run again")
	})
}
