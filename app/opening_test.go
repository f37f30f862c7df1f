package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
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
			Lines: []app.VoucherLineInput{cashLine(line("1002", "10000", "0"), domain.CFSales), line("5001", "0", "10000")}}))

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
		// Two accountants read version 1; the second save, from the stale
		// read, is refused rather than overwriting the first.
		if sheet.Version != 1 {
			t.Fatalf("version %d, want 1", sheet.Version)
		}
		sheet = must[*app.OpeningSheet](t)(e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-07", Lines: bad, Version: 1}))
		if sheet.Version != 2 {
			t.Fatalf("version %d, want 2", sheet.Version)
		}
		_, err := e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-07", Lines: julyOpenings(), Version: 1})
		wantCode(t, err, domain.CodeVersionConflict)
		sheet = must[*app.OpeningSheet](t)(e.app.GetOpeningBalances(e.admin))
		if sheet.Check.Balanced {
			t.Fatal("a cent off balances")
		}
		openingsItem := func() (domain.ChecklistItem, []string) {
			t.Helper()
			cl := must[*domain.Checklist](t)(e.app.PeriodChecklist(e.admin, "2026-07"))
			for _, it := range cl.Items {
				if it.Code == domain.CheckOpeningsBalanced {
					return it, cl.Blocking
				}
			}
			t.Fatalf("checklist %+v has no %s", cl, domain.CheckOpeningsBalanced)
			return domain.ChecklistItem{}, nil
		}
		if it, blocking := openingsItem(); it.Level != domain.CheckBlock || !strings.Contains(it.Message, "5000.01") ||
			!slices.Contains(blocking, domain.CheckOpeningsBalanced) {
			t.Fatalf("unbalanced openings: %+v %v", it, blocking)
		}
		// Only the start period has the item.
		for _, it := range must[*domain.Checklist](t)(e.app.PeriodChecklist(e.admin, "2026-08")).Items {
			if it.Code == domain.CheckOpeningsBalanced {
				t.Fatalf("August: %+v", it)
			}
		}
		_, err = e.app.ClosePeriod(e.admin, "2026-07", forced)
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
		if it, _ := openingsItem(); it.Level != domain.CheckOK {
			t.Fatalf("balanced openings: %+v", it)
		}
		res := must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, "2026-07", forced))
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
		// Every row that breaks a rule is reported, not only the first.
		two := strings.Replace(strings.Replace(file, "1601,50000", "1122,50000", 1), "2241,0,9000,0,0,2026-07", "2241,0,9000,0,0.001,2026-07", 1)
		_, err := e.app.Import(e.admin, "opening-balances", strings.NewReader(two), "csv", false)
		errs := wantCode(t, err, "import_invalid").Details["errors"].([]app.RowError)
		if len(errs) != 2 || errs[0].Row != 4 || errs[0].Column != "科目编码" || errs[1].Row != 6 || errs[1].Column != "本年累计贷方" {
			t.Fatalf("errors = %+v, want rows 4 and 6", errs)
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

// Opening receivables and payables (期初往来) at go-live: the July company
// is owed 11,300 by a customer for a May sale (so its bank holds 11,300
// less) and owes a supplier 2,000 for a machine bought last December
// (1601 is 52,000). The items make 1122's and 2202's openings, appear in
// the aging and the partner statement, a July receipt settles one, and the
// books equal the open items when July closes.
func TestGoLiveOpeningItems(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		cus, sup := e.partner("C1", "customer", "0"), e.partner("S1", "supplier", "0")
		_, err := e.app.PutOpeningItems(e.admin, app.OpeningItemsInput{Items: []domain.OpeningItem{{PartnerID: cus.ID, Kind: "ar", DocNumber: "X", Date: "2026-05-20", Amount: d("1")}}})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "start_period" {
			t.Fatal(de)
		}
		lines := julyOpenings()
		lines[1] = app.OpeningBalanceInput{AccountCode: "1002", Debit: d("188700"), YTDDebit: d("288700"), YTDCredit: d("210000")}
		lines[2].Debit = d("52000")
		must[*app.OpeningSheet](t)(e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-07", Lines: lines}))
		// An import names every bad row: a date in the start period on row
		// 2, a due date before the bill on row 4; row 3 is fine.
		csv := "往来单位编码,类型,原单据号,单据日期,到期日,金额\n" +
			"C1,应收,A1,2026-07-02,,100\n" +
			"C1,应收,A2,2026-05-02,,100\n" +
			"S1,应付,B1,2026-05-02,2026-04-01,100\n"
		_, err = e.app.Import(e.admin, "opening-items", strings.NewReader(csv), "csv", false)
		errs := wantCode(t, err, "import_invalid").Details["errors"].([]app.RowError)
		if len(errs) != 2 || errs[0].Row != 2 || errs[0].Column != "单据日期" || errs[1].Row != 4 || errs[1].Column != "到期日" {
			t.Fatalf("errors = %+v, want rows 2 and 4", errs)
		}
		items := []domain.OpeningItem{
			{PartnerID: cus.ID, Kind: "ar", DocNumber: "XS-0520", Date: "2026-05-20", DueDate: "2026-06-19", Amount: d("11300")},
			{PartnerID: sup.ID, Kind: "ap", DocNumber: "CG-1215", Date: "2025-12-15", Amount: d("2000")},
		}
		for _, bad := range []struct {
			edit  func(it *domain.OpeningItem)
			field string
		}{
			{func(it *domain.OpeningItem) { it.Kind = "ap" }, "items[0].kind"},
			{func(it *domain.OpeningItem) { it.Date = "2026-07-01" }, "items[0].date"},
			{func(it *domain.OpeningItem) { it.DueDate = "2026-05-01" }, "items[0].due_date"},
			{func(it *domain.OpeningItem) { it.Amount = d("0") }, "items[0].amount"},
			{func(it *domain.OpeningItem) { it.DocNumber = " " }, "items[0].doc_number"},
			{func(it *domain.OpeningItem) { it.PartnerID = 999 }, "items[0].partner_id"},
		} {
			b := append([]domain.OpeningItem(nil), items...)
			bad.edit(&b[0])
			_, err := e.app.PutOpeningItems(e.admin, app.OpeningItemsInput{Items: b})
			if de := wantCode(t, err, domain.CodeValidation); de.Field != bad.field {
				t.Fatalf("got %s, want %s", de.Field, bad.field)
			}
		}
		list := must[*app.OpeningItemList](t)(e.app.PutOpeningItems(e.admin, app.OpeningItemsInput{Items: items}))
		got := list.Items
		// Refused saves left the version alone; a save from a stale read
		// is refused, not applied over the newer list.
		if list.Version != 1 {
			t.Fatalf("items version %d, want 1", list.Version)
		}
		_, err = e.app.PutOpeningItems(e.admin, app.OpeningItemsInput{Items: items[:1], Version: 7})
		wantCode(t, err, domain.CodeVersionConflict)
		if l := must[*app.OpeningItemList](t)(e.app.ListOpeningItems(e.admin)); l.Version != 1 || len(l.Items) != 2 {
			t.Fatalf("after the stale save %+v", l)
		}
		// The start period cannot move to before an item's date.
		_, err = e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-05", Lines: lines})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "start_period" {
			t.Fatal(de)
		}
		if len(got) != 2 || got[1].DueDate != "2025-12-15" || !got[0].Open.Equal(d("11300")) {
			t.Fatalf("items %+v", got) // no terms: due on the day
		}
		sheet := must[*app.OpeningSheet](t)(e.app.GetOpeningBalances(e.admin))
		if !sheet.Check.Balanced || !sheet.Check.Debit.Equal(d("257000")) || !sheet.Check.YearDebit.Equal(d("164000")) {
			t.Fatalf("check with the items %+v", sheet.Check)
		}
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		must[*domain.Voucher](t)(e.app.CreateVoucher(e.admin, app.VoucherInput{Date: "2026-07-10", Remark: "服务收入",
			Lines: []app.VoucherLineInput{{AccountID: codes["1002"].ID, Debit: d("10000"), CashFlowItem: domain.CFSales}, {AccountID: codes["5001"].ID, Credit: d("10000")}}}))

		sheetOf := func(when string, want map[int][2]string) {
			t.Helper()
			r := must[*app.Report](t)(e.app.Report(e.admin, "balance-sheet", app.ReportParams{Period: "2026-07"}))
			for _, l := range r.Items.([]app.StatementLine) {
				if w, ok := want[l.Line]; ok && (!l.Col1.Equal(d(w[0])) || !l.Col2.Equal(d(w[1]))) {
					t.Fatalf("%s: 资产负债表 %d %s = %s/%s, want %v", when, l.Line, l.Item, l.Col1, l.Col2, w)
				}
			}
			if r.Summary["balanced"] != true {
				t.Fatalf("%s: not balanced", when)
			}
		}
		sheetOf("owed", map[int][2]string{1: {"203700", "112000"}, 4: {"11300", "0"}, 20: {"46000", "49000"}, 30: {"261000", "161000"},
			33: {"2000", "2000"}, 51: {"100000", "0"}, 53: {"261000", "161000"}})

		// Aging on 15 July: the May bill is 26 days overdue.
		asOf := time.Date(2026, 7, 16, 0, 0, 0, 0, domain.Shanghai)
		aging := must[*app.Report](t)(e.app.Report(e.admin, "ar-aging", app.ReportParams{AsOf: &asOf})).Items.([]app.AgingRow)
		if len(aging) != 1 || aging[0].PartnerID != cus.ID || !aging[0].D1to30.Equal(d("11300")) || !aging[0].Total.Equal(d("11300")) {
			t.Fatalf("aging %+v", aging)
		}
		st := must[*app.Report](t)(e.app.Report(e.admin, "partner-statement", app.ReportParams{PartnerID: cus.ID})).Items.([]app.StatementRow)
		if len(st) < 2 || st[1].DocName != "期初往来" || st[1].DocNumber != "XS-0520" || !st[1].Debit.Equal(d("11300")) {
			t.Fatalf("statement %+v", st)
		}

		// The customer pays in July: the receipt settles the opening item.
		must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("11300"), Date: "2026-07-20"}))
		left := must[*app.OpeningItemList](t)(e.app.ListOpeningItems(e.admin)).Items
		if !left[0].Open.IsZero() || !left[1].Open.Equal(d("2000")) {
			t.Fatalf("after the receipt %+v", left)
		}
		sheetOf("paid", map[int][2]string{1: {"215000", "112000"}, 4: {"0", "0"}, 30: {"261000", "161000"}, 53: {"261000", "161000"}})
		_, err = e.app.PutOpeningItems(e.admin, app.OpeningItemsInput{Items: items})
		wantCode(t, err, domain.CodeOpeningItemsSettled)

		// July closes: 1122 and 2202 equal the open items.
		must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, "2026-07", forced))
		e.checkBooks()
		if err := e.app.CheckBooks(e.admin); err != nil {
			t.Fatal(err)
		}
		_, err = e.app.PutOpeningItems(e.admin, app.OpeningItemsInput{})
		wantCode(t, err, domain.CodeOpeningsLocked)
	})
}

// Opening cash and bank balances per bank account: the bank accounts are
// 1002's sub-accounts (100201 工商银行, 100202 建设银行), each opens with its
// own balance, and 科目余额表 shows them apart and together under 1002.
func TestGoLiveBankAccounts(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		icbc := must[*domain.Account](t)(e.app.CreateAccount(e.admin, app.AccountInput{ParentID: ptr(codes["1002"].ID), Code: ptr("100201"), Name: ptr("工商银行")}))
		must[*domain.Account](t)(e.app.CreateAccount(e.admin, app.AccountInput{ParentID: ptr(codes["1002"].ID), Code: ptr("100202"), Name: ptr("建设银行")}))
		// 1002 itself now has sub-accounts: its opening goes on them.
		_, err := e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-07", Lines: []app.OpeningBalanceInput{
			{AccountCode: "1002", Debit: d("1")}}})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "lines[0].account_code" {
			t.Fatal(de)
		}
		must[*app.OpeningSheet](t)(e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-07", Lines: []app.OpeningBalanceInput{
			{AccountCode: "1001", Debit: d("800")},
			{AccountCode: "100201", Debit: d("120000.50")},
			{AccountCode: "100202", Debit: d("30000")},
			{AccountCode: "3001", Credit: d("150800.50")},
		}}))
		cus := e.partner("C1", "customer", "0")
		must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("99.50"),
			Date: "2026-07-03", AccountID: &icbc.ID}))
		r := must[*app.Report](t)(e.app.Report(e.admin, "trial-balance", app.ReportParams{Period: "2026-07"}))
		want := map[string][2]string{"1001": {"800", "800"}, "100201": {"120000.5", "120100"}, "100202": {"30000", "30000"}, "1002": {"150000.5", "150100"}}
		seen := 0
		for _, row := range r.Items.([]domain.TrialBalanceRow) {
			if w, ok := want[row.Code]; ok {
				seen++
				if !row.OpeningDebit.Equal(d(w[0])) || !row.ClosingDebit.Equal(d(w[1])) {
					t.Fatalf("科目余额表 %s %+v, want %v", row.Code, row, w)
				}
			}
		}
		if seen != 4 || r.Summary["balanced"] != true {
			t.Fatalf("科目余额表: %d rows, %v", seen, r.Summary)
		}
		bs := must[*app.Report](t)(e.app.Report(e.admin, "balance-sheet", app.ReportParams{Period: "2026-07"})).Items.([]app.StatementLine)
		if bs[0].Line != 1 || !bs[0].Col1.Equal(d("150900")) || !bs[0].Col2.Equal(d("150800.5")) {
			t.Fatalf("货币资金 %+v", bs[0]) // 年初 = 期初: nothing moved before July
		}
	})
}

func cashLine(l app.VoucherLineInput, item int) app.VoucherLineInput {
	l.CashFlowItem = item
	return l
}

// 现金流量表 of a company going live in July 2026 (julyOpenings): before
// going live the till took 10,000 and paid 7,000, the bank took 300,000
// and paid 210,000 this year, so 货币资金 moved by 93,000 between its
// 112,000 on 1 January and its 205,000 on 1 July. That movement is on the
// statement's 上线前 line of 本年累计 (and of June, the month the openings
// sit in), so 现金净增加额 is the change in 货币资金 in every column; closing
// and the books check agree.
func TestCashFlowGoLiveMidYear(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		must[*app.OpeningSheet](t)(e.app.PutOpeningBalances(e.admin, app.OpeningBalancesInput{StartPeriod: "2026-07", Lines: julyOpenings()}))
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		line := func(code, dr, cr string, item int) app.VoucherLineInput {
			return app.VoucherLineInput{AccountID: codes[code].ID, Debit: d(dr), Credit: d(cr), CashFlowItem: item}
		}
		// July: 10,000 of services into the bank, 3,000 rent and 4,000 of
		// equipment paid from it, 1,000 drawn to the till (a transfer):
		// 货币资金 205,000 + 10,000 − 3,000 − 4,000 = 208,000.
		for _, v := range []app.VoucherInput{
			{Date: "2026-07-03", Remark: "服务收入", Lines: []app.VoucherLineInput{line("1002", "10000", "0", domain.CFSales), line("5001", "0", "10000", 0)}},
			{Date: "2026-07-05", Remark: "房租", Lines: []app.VoucherLineInput{line("5602", "3000", "0", 0), line("1002", "0", "3000", domain.CFOtherOperOut)}},
			{Date: "2026-07-09", Remark: "购入设备", Lines: []app.VoucherLineInput{line("1601", "4000", "0", 0), line("1002", "0", "4000", domain.CFAssetsBought)}},
			{Date: "2026-07-12", Remark: "提取备用金", Lines: []app.VoucherLineInput{line("1001", "1000", "0", 0), line("1002", "0", "1000", 0)}},
		} {
			must[*domain.Voucher](t)(e.app.CreateVoucher(e.admin, v))
		}
		const beforeLine = "加：上线前本年现金净增加额（期初录入）"
		statement := func(period string, want map[any][2]string) {
			t.Helper()
			r := must[*app.Report](t)(e.app.Report(e.admin, "cash-flow", app.ReportParams{Period: period}))
			got := map[any][2]decimal.Decimal{}
			for _, row := range r.Items.([]app.CashFlowRow) {
				switch {
				case row.Line != nil:
					got[*row.Line] = [2]decimal.Decimal{*row.Col1, *row.Col2}
				case row.Item == beforeLine && row.Col1 != nil:
					got[beforeLine] = [2]decimal.Decimal{*row.Col1, *row.Col2}
				}
			}
			for k, w := range want {
				g, ok := got[k]
				if w == [2]string{} {
					if ok {
						t.Errorf("%s: %v shown: %v", period, k, g)
					}
					continue
				}
				if !ok || !g[0].Equal(d(w[0])) || !g[1].Equal(d(w[1])) {
					t.Errorf("%s: %v = %v, want 本年 %s 本月 %s", period, k, g, w[0], w[1])
				}
			}
		}
		// June, where the openings sit: both columns are the movement
		// before going live, from 112,000 to 205,000.
		statement("2026-06", map[any][2]string{beforeLine: {"93000", "93000"}, 7: {"0", "0"},
			domain.CFLineNetIncrease: {"93000", "93000"}, domain.CFLineOpening: {"112000", "112000"}, domain.CFLineClosing: {"205000", "205000"}})
		// July: 本年 112,000 + 93,000 + (10,000 − 3,000) − 4,000 = 208,000;
		// 本月 205,000 + 3,000.
		july := map[any][2]string{beforeLine: {"93000", "0"}, domain.CFSales: {"10000", "10000"}, domain.CFOtherOperOut: {"3000", "3000"},
			7: {"7000", "7000"}, domain.CFAssetsBought: {"4000", "4000"}, 13: {"-4000", "-4000"}, 19: {"0", "0"},
			domain.CFLineNetIncrease: {"96000", "3000"}, domain.CFLineOpening: {"112000", "205000"}, domain.CFLineClosing: {"208000", "208000"}}
		statement("2026-07", july)
		e.checkBooks() // checkCashFlow: 现金流量表 against 货币资金, and the books check
		// Closing July runs the books check with the same rule.
		must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, "2026-07", forced))
		statement("2026-07", july)
		// August: 2,000 of wages; 本年 still counts the 93,000.
		must[*domain.Voucher](t)(e.app.CreateVoucher(e.admin, app.VoucherInput{Date: "2026-08-05", Remark: "发放工资",
			Lines: []app.VoucherLineInput{line("5602", "2000", "0", 0), line("1002", "0", "2000", domain.CFWages)}}))
		statement("2026-08", map[any][2]string{beforeLine: {"93000", "0"}, domain.CFWages: {"2000", "2000"},
			domain.CFLineNetIncrease: {"94000", "-2000"}, domain.CFLineOpening: {"112000", "208000"}, domain.CFLineClosing: {"206000", "206000"}})
		// The next year starts from 货币资金 on 1 January: no 上线前 line.
		statement("2027-01", map[any][2]string{beforeLine: {}, domain.CFLineNetIncrease: {"0", "0"},
			domain.CFLineOpening: {"206000", "206000"}, domain.CFLineClosing: {"206000", "206000"}})
		e.checkBooks()
		must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, "2026-08", forced))
	})
}
