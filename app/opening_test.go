package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// julyOpenings is the go-live of domain/opening_test.go's company, computed
// by hand: January to June it sold 300,000 into the bank, paid 200,000 of
// costs from the bank and 7,000 of expenses in cash, drew 10,000 cash,
// depreciated 3,000, and closed every month (3103 holds the 90,000 profit).
// 期初 借 = 贷 = 255,000; 年初 借 = 贷 = 162,000.
func julyOpenings() []app.OpeningBalanceInput {
	ob := func(code, dr, cr, ydr, ycr string) app.OpeningBalanceInput {
		return app.OpeningBalanceInput{AccountCode: code, Debit: d(dr), Credit: d(cr), YTDDebit: d(ydr), YTDCredit: d(ycr)}
	}
	return []app.OpeningBalanceInput{
		ob("1001", "5000", "0", "10000", "7000"),
		ob("1002", "200000", "0", "300000", "210000"),
		ob("1601", "50000", "0", "0", "0"),
		ob("1602", "0", "6000", "0", "3000"),
		ob("2241", "0", "9000", "0", "0"),
		ob("3001", "0", "150000", "0", "0"),
		ob("3103", "0", "90000", "210000", "300000"),
		ob("5001", "0", "0", "0", "300000"),
		ob("5401", "0", "0", "200000", "0"),
		ob("5602", "0", "0", "10000", "0"),
	}
}

// A company goes live in July 2026 with its openings and year-to-date
// figures: the statements of July show 年初 and 本年累计 right from the
// first month, closing July needs the openings to balance, and once July
// is closed they are locked until July is reopened.
func TestGoLiveMidYear(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		sheet := must[*app.OpeningSheet](t)(e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-07", Lines: julyOpenings()}))
		if sheet.StartPeriod != "2026-07" || sheet.Locked || len(sheet.Lines) != 10 || !sheet.Check.Balanced ||
			!sheet.Check.Debit.Equal(d("255000")) || !sheet.Check.YearCredit.Equal(d("162000")) {
			t.Fatalf("sheet %+v", sheet)
		}
		for _, l := range sheet.Lines {
			if l.Code == "1002" && (!l.YearDebit.Equal(d("110000")) || l.Name != "银行存款") {
				t.Fatalf("1002 %+v", l)
			}
		}
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		line := func(code, dr, cr string) app.VoucherLineInput {
			return app.VoucherLineInput{AccountID: codes[code].ID, Debit: d(dr), Credit: d(cr)}
		}
		// July: a service sold for 10,000 into the bank.
		must[*domain.Voucher](t)(e.app.CreateVoucher(e.admin, app.VoucherInput{Date: "2026-07-10", Remark: "服务收入",
			Lines: []app.VoucherLineInput{line("1002", "10000", "0"), line("5001", "0", "10000")}}))

		statements := func(when string) {
			t.Helper()
			r := must[*app.Report](t)(e.app.Report(e.admin, "income-statement", app.ReportParams{Period: "2026-07"}))
			is := map[int]app.StatementLine{}
			for _, l := range r.Items.([]app.StatementLine) {
				is[l.Line] = l
			}
			// 本年累计 (Col1) and 本月 (Col2).
			for line, want := range map[int][2]string{1: {"310000", "10000"}, 2: {"200000", "0"}, 14: {"10000", "0"}, 32: {"100000", "10000"}} {
				if !is[line].Col1.Equal(d(want[0])) || !is[line].Col2.Equal(d(want[1])) {
					t.Fatalf("%s: 利润表 %d %s = %s/%s, want %v", when, line, is[line].Item, is[line].Col1, is[line].Col2, want)
				}
			}
			r = must[*app.Report](t)(e.app.Report(e.admin, "balance-sheet", app.ReportParams{Period: "2026-07"}))
			bs := map[int]app.StatementLine{}
			for _, l := range r.Items.([]app.StatementLine) {
				bs[l.Line] = l
			}
			// 期末 (Col1) and 年初 (Col2).
			for line, want := range map[int][2]string{1: {"215000", "112000"}, 20: {"44000", "47000"}, 30: {"259000", "159000"},
				39: {"9000", "9000"}, 48: {"150000", "150000"}, 51: {"100000", "0"}, 53: {"259000", "159000"}} {
				if !bs[line].Col1.Equal(d(want[0])) || !bs[line].Col2.Equal(d(want[1])) {
					t.Fatalf("%s: 资产负债表 %d %s = %s/%s, want %v", when, line, bs[line].Item, bs[line].Col1, bs[line].Col2, want)
				}
			}
			if r.Summary["balanced"] != true {
				t.Fatalf("%s: balance sheet does not balance", when)
			}
			r = must[*app.Report](t)(e.app.Report(e.admin, "trial-balance", app.ReportParams{Period: "2026-07"}))
			for _, row := range r.Items.([]domain.TrialBalanceRow) {
				if row.Code == "1002" && (!row.OpeningDebit.Equal(d("200000")) || !row.PeriodDebit.Equal(d("10000")) || !row.ClosingDebit.Equal(d("210000"))) {
					t.Fatalf("%s: 科目余额表 1002 %+v", when, row)
				}
			}
			if r.Summary["balanced"] != true {
				t.Fatalf("%s: trial balance does not balance", when)
			}
		}
		statements("open")

		// Unbalanced openings are kept (entered over several sittings) but
		// July cannot be closed with them.
		bad := julyOpenings()
		bad[0].Debit = d("5000.01")
		sheet = must[*app.OpeningSheet](t)(e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-07", Lines: bad}))
		if sheet.Check.Balanced {
			t.Fatal("a cent off balances")
		}
		_, err := e.app.ClosePeriod(e.admin, "2026-07")
		wantCode(t, err, domain.CodeOpeningsUnbalanced)
		chk := must[*domain.OpeningCheck](t)(e.app.CheckOpeningBalances(e.admin))
		if chk.Balanced || !chk.Debit.Equal(d("255000.01")) {
			t.Fatalf("check %+v", chk)
		}

		// Refused: a controlled account, an unknown one, a start after July's voucher.
		ctl := append(julyOpenings(), app.OpeningBalanceInput{AccountCode: "1122", Debit: d("1")})
		_, err = e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-07", Lines: ctl})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "lines[10].account_id" {
			t.Fatalf("field %s", de.Field)
		}
		_, err = e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-07",
			Lines: []app.OpeningBalanceInput{{AccountCode: "9999", Debit: d("1")}}})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "lines[0].account_code" {
			t.Fatalf("field %s", de.Field)
		}
		_, err = e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-08", Lines: julyOpenings()})
		wantCode(t, err, domain.CodeBooksBeforeStart)
		_, err = e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-13", Lines: julyOpenings()})
		wantCode(t, err, domain.CodeValidation)
		viewer := app.WithActor(context.Background(), &domain.User{ID: 98, Name: "出纳", Roles: []domain.Role{domain.RoleFinance},
			Status: domain.UserActive, DataScope: domain.ScopeAll})
		must[*app.OpeningSheet](t)(e.app.GetOpeningBalances(viewer))

		// Balanced again, July closes; the openings are then locked.
		must[*app.OpeningSheet](t)(e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-07", Lines: julyOpenings()}))
		res := must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, "2026-07"))
		if !res.Profit.Equal(d("10000")) {
			t.Fatalf("close %+v", res)
		}
		statements("closed")
		e.checkBooks()
		if s := must[*app.OpeningSheet](t)(e.app.GetOpeningBalances(e.admin)); !s.Locked {
			t.Fatal("not locked after closing the start period")
		}
		_, err = e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-07", Lines: julyOpenings()})
		wantCode(t, err, domain.CodeOpeningsLocked)
		// An account with an opening takes no sub-accounts (the opening
		// would sit on a non-leaf account).
		_, err = e.app.CreateAccount(e.admin, app.AccountInput{ParentID: ptr(codes["2241"].ID), Code: ptr("224101"), Name: ptr("押金")})
		wantCode(t, err, domain.CodeInvalidState)

		// Reopening July unlocks them, and the audit log says so.
		must[*store.PeriodInfo](t)(e.app.ReopenPeriod(e.admin, "2026-07"))
		var after []string
		e.store.DB().Table("audit_logs").Where("action = ? AND entity = ?", "reopen", "period").Pluck("after", &after)
		if len(after) != 1 || !strings.Contains(after[0], `"openings_unlocked":true`) {
			t.Fatalf("reopen audit %v", after)
		}
		must[*app.OpeningSheet](t)(e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-07", Lines: julyOpenings()}))
		var n int64
		e.store.DB().Table("audit_logs").Where("entity = ?", "opening_balances").Count(&n)
		if n != 4 {
			t.Fatalf("opening audit rows %d", n)
		}
	})
}

// The openings imported from a file (import kind opening-balances): the
// same rules as the console's, each problem on its row and column, and a
// refused file writes nothing.
func TestImportOpeningBalances(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		file := "科目编码,期初借方,期初贷方,本年累计借方,本年累计贷方,启用期间\n"
		for _, l := range julyOpenings() {
			file += l.AccountCode + "," + l.Debit.String() + "," + l.Credit.String() + "," + l.YTDDebit.String() + "," + l.YTDCredit.String() + ",2026-07\n"
		}
		for _, bad := range []struct {
			file        string
			row         int
			column, msg string
		}{
			{strings.Replace(file, "1601,50000", "1601,五万", 1), 4, "期初借方", "不是数字"},
			{strings.Replace(file, "1601,50000", "1122,50000", 1), 4, "科目编码", "期初往来"},
			{strings.Replace(file, "1601,50000,0,0,0,2026-07", "1601,50000,0,0,0,2026-08", 1), 4, "启用期间", "一致"},
			{strings.Replace(file, "2241,0,9000,0,0,2026-07", "2241,0,9000,0,0.001,2026-07", 1), 6, "本年累计贷方", "2 位小数"},
		} {
			_, err := e.app.Import(e.admin, "opening-balances", strings.NewReader(bad.file), "csv", false)
			errs := wantCode(t, err, "import_invalid").Details["errors"].([]app.RowError)
			if len(errs) != 1 || errs[0].Row != bad.row || errs[0].Column != bad.column || !strings.Contains(errs[0].Message, bad.msg) {
				t.Fatalf("errors = %+v, want row %d %s", errs, bad.row, bad.column)
			}
		}
		if s := must[*app.OpeningSheet](t)(e.app.GetOpeningBalances(e.admin)); s.StartPeriod != "" || len(s.Lines) != 0 {
			t.Fatalf("a refused file wrote %+v", s)
		}
		res := must[*app.ImportResult](t)(e.app.Import(e.admin, "opening-balances", strings.NewReader(file), "csv", false))
		if res.Created != 10 {
			t.Fatalf("import %+v", res)
		}
		s := must[*app.OpeningSheet](t)(e.app.GetOpeningBalances(e.admin))
		if s.StartPeriod != "2026-07" || len(s.Lines) != 10 || !s.Check.Balanced || !s.Check.YearDebit.Equal(d("162000")) {
			t.Fatalf("imported %+v", s)
		}
		// Without the column, the start period already set is kept.
		res = must[*app.ImportResult](t)(e.app.Import(e.admin, "opening-balances", strings.NewReader("科目编码,期初借方\n1002,1\n"), "csv", false))
		if s := must[*app.OpeningSheet](t)(e.app.GetOpeningBalances(e.admin)); res.Created != 1 || s.StartPeriod != "2026-07" || len(s.Lines) != 1 {
			t.Fatalf("second import %+v %+v", res, s)
		}
	})
}
