package domain

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// julyOpenings is a company going live in July 2026, computed by hand.
// January to June it sold 300,000 into the bank, paid 200,000 of costs from
// the bank, 7,000 of expenses in cash, drew 10,000 cash from the bank,
// depreciated 3,000 and closed every month (账结法), so 3103 holds the
// year's 90,000 profit. Balances at 1 July:
//
//	1001 借 5,000   (年初 2,000:   +10,000 −7,000)
//	1002 借 200,000 (年初 110,000: +300,000 −210,000)
//	1601 借 50,000  1602 贷 6,000 (年初 贷 3,000)  2241 贷 9,000
//	3001 贷 150,000  3103 贷 90,000 (年初 0: 借 210,000 贷 300,000)
//	5001 本年 贷 300,000  5401 本年 借 200,000  5602 本年 借 10,000
//
// 期初 借 255,000 = 贷 255,000; 年初 借 162,000 = 贷 162,000.
func julyOpenings(t *testing.T, chart []Account) []OpeningBalance {
	t.Helper()
	id := accountIDs(t, chart)
	ob := func(code, dr, cr, ydr, ycr string) OpeningBalance {
		return OpeningBalance{AccountID: id(code), Debit: dec(dr), Credit: dec(cr), YTDDebit: dec(ydr), YTDCredit: dec(ycr)}
	}
	return []OpeningBalance{
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

func accountIDs(t *testing.T, chart []Account) func(code string) int64 {
	return func(code string) int64 {
		for _, a := range chart {
			if a.Code == code {
				return a.ID
			}
		}
		t.Fatalf("no account %s", code)
		return 0
	}
}

func byID(chart []Account) map[int64]Account {
	out := map[int64]Account{}
	for _, a := range chart {
		out[a.ID] = a
	}
	return out
}

func TestCheckOpenings(t *testing.T) {
	chart := booksChart()
	rows := julyOpenings(t, chart)
	c := CheckOpenings(byID(chart), rows)
	if !c.Balanced || !c.Debit.Equal(dec("255000")) || !c.YearDebit.Equal(dec("162000")) || !c.YearCredit.Equal(dec("162000")) {
		t.Fatalf("check = %+v", c)
	}
	for _, tc := range []struct {
		name string
		edit func(rows []OpeningBalance)
		msg  string
	}{
		{"opening off by a cent", func(r []OpeningBalance) { r[0].Debit = dec("5000.01") }, "期初余额试算不平衡：借方 255000.01，贷方 255000.00"},
		// The balance at 1 July still balances, but the movement before it
		// does not: 1002's year-start balance moves and 年初 is off.
		{"year-to-date off", func(r []OpeningBalance) { r[1].YTDCredit = dec("209000") }, "年初余额试算不平衡：借方 161000.00，贷方 162000.00（请核对本年累计发生额）"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := append([]OpeningBalance(nil), rows...)
			tc.edit(r)
			c := CheckOpenings(byID(chart), r)
			err := c.Err()
			var de *Error
			if c.Balanced || !errors.As(err, &de) || de.Code != CodeOpeningsUnbalanced || de.Message != tc.msg {
				t.Fatalf("got %+v, %v", c, err)
			}
		})
	}
}

func TestOpeningYearStart(t *testing.T) {
	chart := booksChart()
	accts := byID(chart)
	id := accountIDs(t, chart)
	for _, tc := range []struct {
		code, dr, cr, ydr, ycr string
		yearDr, yearCr         string
	}{
		{"1002", "200000", "0", "300000", "210000", "110000", "0"},
		{"1602", "0", "6000", "0", "3000", "0", "3000"},
		// A 损益 account starts the year at zero whatever it holds now.
		{"5001", "0", "0", "0", "300000", "0", "0"},
		{"5001", "0", "300000", "0", "300000", "0", "0"}, // 表结法: not yet transferred
		// An asset that went from credit to debit during the year.
		{"1001", "100", "0", "400", "0", "0", "300"},
	} {
		b := OpeningBalance{AccountID: id(tc.code), Debit: dec(tc.dr), Credit: dec(tc.cr), YTDDebit: dec(tc.ydr), YTDCredit: dec(tc.ycr)}
		b.YearStart(accts[b.AccountID])
		if !b.YearDebit.Equal(dec(tc.yearDr)) || !b.YearCredit.Equal(dec(tc.yearCr)) {
			t.Errorf("%s: 年初 = %s/%s, want %s/%s", tc.code, b.YearDebit, b.YearCredit, tc.yearDr, tc.yearCr)
		}
	}
}

func TestCheckOpening(t *testing.T) {
	chart := booksChart()
	accts := byID(chart)
	id := accountIDs(t, chart)
	acct := func(code string) Account { return accts[id(code)] }
	for _, tc := range []struct {
		name, start, code string
		ok                bool
		b                 OpeningBalance
		field, code2      string
	}{
		{"fine", "2026-07", "1002", true, OpeningBalance{Debit: dec("1.5"), YTDDebit: dec("3")}, "", ""},
		{"missing account", "2026-07", "1002", false, OpeningBalance{}, "lines[2].account_id", CodeValidation},
		{"controlled account", "2026-07", "1122", true, OpeningBalance{Debit: dec("1")}, "lines[2].account_id", CodeValidation},
		{"negative", "2026-07", "1002", true, OpeningBalance{Credit: dec("-1")}, "lines[2].credit", CodeValidation},
		{"three decimals", "2026-07", "1002", true, OpeningBalance{YTDCredit: dec("0.001")}, "lines[2].ytd_credit", CodeValidation},
		{"both sides", "2026-07", "1002", true, OpeningBalance{Debit: dec("1"), Credit: dec("1")}, "lines[2].credit", CodeValidation},
		{"year to date in January", "2026-01", "1002", true, OpeningBalance{Debit: dec("1"), YTDCredit: dec("1")}, "lines[2].ytd_debit", CodeValidation},
		{"损益 balance in January", "2026-01", "5001", true, OpeningBalance{Credit: dec("1")}, "lines[2].debit", CodeValidation},
		{"损益 balance in July (表结法)", "2026-07", "5001", true, OpeningBalance{Credit: dec("1"), YTDCredit: dec("1")}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckOpening(2, tc.start, acct(tc.code), tc.ok, tc.b)
			if tc.code2 == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var de *Error
			if !errors.As(err, &de) || de.Code != tc.code2 || de.Field != tc.field {
				t.Fatalf("got %v, want %s on %s", err, tc.code2, tc.field)
			}
		})
	}
}

func TestOpeningsLockedAndStart(t *testing.T) {
	for _, tc := range []struct {
		name    string
		start   string
		periods []PeriodState
		want    bool
	}{
		{"no start", "", []PeriodState{{"2026-07", PeriodClosed}}, false},
		{"start open", "2026-07", []PeriodState{{"2026-07", PeriodOpen}}, false},
		{"closed before start", "2026-07", []PeriodState{{"2026-06", PeriodClosed}}, false},
		{"start closed", "2026-07", []PeriodState{{"2026-07", PeriodClosed}}, true},
		{"later closed", "2026-07", []PeriodState{{"2026-07", PeriodOpen}, {"2026-08", PeriodClosed}}, true},
	} {
		if got := OpeningsLocked(tc.start, tc.periods); got != tc.want {
			t.Errorf("%s: locked = %v", tc.name, got)
		}
	}
	for _, tc := range []struct {
		start               string
		booksBefore, locked bool
		code                string
	}{
		{"2026-07", false, false, ""},
		{"2026-7", false, false, CodeValidation},
		{"2026-07", false, true, CodeOpeningsLocked},
		{"2026-07", true, false, CodeBooksBeforeStart},
	} {
		err := CheckStartPeriod(tc.start, tc.booksBefore, tc.locked)
		var de *Error
		if tc.code == "" && err != nil || tc.code != "" && (!errors.As(err, &de) || de.Code != tc.code) {
			t.Errorf("%+v: %v", tc, err)
		}
	}
}

// TestOpeningStatements feeds the July openings and one July sale (bank
// 10,000 / revenue 10,000, the month not closed) through the statements
// and checks them against the figures computed by hand.
func TestOpeningStatements(t *testing.T) {
	chart := booksChart()
	id := accountIDs(t, chart)
	rows := OpeningTotals(byID(chart), "2026-07", julyOpenings(t, chart))
	for _, r := range rows {
		if r.Period != "2025-12" && r.Period != "2026-06" {
			t.Fatalf("row in %s", r.Period)
		}
	}
	july := map[int64]Totals{id("1002"): {Debit: dec("10000")}, id("5001"): {Credit: dec("10000")}}
	sum := func(from, before string, noClosing bool, extra map[int64]Totals) map[int64]Totals {
		out := map[int64]Totals{}
		for _, r := range rows {
			if r.Period >= from && r.Period < before {
				t := out[r.AccountID]
				dr, cr := r.Debit, r.Credit
				if noClosing {
					dr, cr = dr.Sub(r.ClosingDebit), cr.Sub(r.ClosingCredit)
				}
				t.Debit, t.Credit = t.Debit.Add(dr), t.Credit.Add(cr)
				out[r.AccountID] = t
			}
		}
		for k, v := range extra {
			t := out[k]
			t.Debit, t.Credit = t.Debit.Add(v.Debit), t.Credit.Add(v.Credit)
			out[k] = t
		}
		return out
	}
	income := IncomeStatement(chart, sum("2026-01", "2026-08", true, july), july)
	want := map[int][2]string{1: {"310000", "10000"}, 2: {"200000", "0"}, 14: {"10000", "0"}, 32: {"100000", "10000"}}
	for _, l := range income {
		if w, ok := want[l.Line]; ok && (!l.Col1.Equal(dec(w[0])) || !l.Col2.Equal(dec(w[1]))) {
			t.Errorf("利润表 %d %s = %s/%s, want %s/%s", l.Line, l.Item, l.Col1, l.Col2, w[0], w[1])
		}
	}
	sheet, balanced := BalanceSheet(chart, SheetBalances{Totals: sum("", "2026-08", false, july)}, SheetBalances{Totals: sum("", "2026-01", false, nil)})
	if !balanced {
		t.Fatal("balance sheet does not balance")
	}
	// 期末 (Col1) and 年初 (Col2).
	want = map[int][2]string{1: {"215000", "112000"}, 20: {"44000", "47000"}, 30: {"259000", "159000"},
		39: {"9000", "9000"}, 48: {"150000", "150000"}, 51: {"100000", "0"}, 53: {"259000", "159000"}}
	for _, l := range sheet {
		if w, ok := want[l.Line]; ok && (!l.Col1.Equal(dec(w[0])) || !l.Col2.Equal(dec(w[1]))) {
			t.Errorf("资产负债表 %d %s = %s/%s, want %s/%s", l.Line, l.Item, l.Col1, l.Col2, w[0], w[1])
		}
	}
	// A January start: everything is one row before January, no closing part.
	jan := OpeningTotals(byID(chart), "2026-01", []OpeningBalance{{AccountID: id("1002"), Debit: dec("5")}, {AccountID: id("3001"), Credit: dec("5")}})
	if len(jan) != 2 || jan[0].Period != "2025-12" || !jan[0].Debit.Equal(dec("5")) || !jan[1].Credit.Equal(dec("5")) {
		t.Fatalf("January rows = %+v", jan)
	}
	if OpeningTotals(byID(chart), "", julyOpenings(t, chart)) != nil {
		t.Fatal("rows without a start period")
	}
}

func TestCheckOpeningItem(t *testing.T) {
	customer := Partner{ID: 1, Name: "甲", Type: PartnerCustomer, PaymentTermsDays: 30}
	supplier := Partner{ID: 2, Name: "乙", Type: PartnerSupplier}
	both := Partner{ID: 3, Name: "丙", Type: PartnerBoth}
	ok := OpeningItem{PartnerID: 1, Kind: ItemAR, DocNumber: "XS-1", Date: "2026-05-20", Amount: dec("11300")}
	for _, tc := range []struct {
		name  string
		p     Partner
		found bool
		edit  func(it *OpeningItem)
		field string
	}{
		{"fine, due by the terms", customer, true, func(*OpeningItem) {}, ""},
		{"both kinds", both, true, func(it *OpeningItem) { it.Kind = ItemAP }, ""},
		{"no partner", customer, false, func(*OpeningItem) {}, "items[1].partner_id"},
		{"a supplier is not owed by us", supplier, true, func(*OpeningItem) {}, "items[1].kind"},
		{"unknown kind", both, true, func(it *OpeningItem) { it.Kind = "x" }, "items[1].kind"},
		{"no number", customer, true, func(it *OpeningItem) { it.DocNumber = "" }, "items[1].doc_number"},
		{"bad date", customer, true, func(it *OpeningItem) { it.Date = "2026-02-30" }, "items[1].date"},
		{"dated in the start period", customer, true, func(it *OpeningItem) { it.Date = "2026-07-01" }, "items[1].date"},
		{"bad due date", customer, true, func(it *OpeningItem) { it.DueDate = "soon" }, "items[1].due_date"},
		{"due before dated", customer, true, func(it *OpeningItem) { it.DueDate = "2026-05-19" }, "items[1].due_date"},
		{"zero", customer, true, func(it *OpeningItem) { it.Amount = dec("0") }, "items[1].amount"},
		{"three decimals", customer, true, func(it *OpeningItem) { it.Amount = dec("1.005") }, "items[1].amount"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := ok
			tc.edit(&it)
			err := CheckOpeningItem(1, "2026-07", tc.p, tc.found, &it)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if it.DueDate != DueDate(it.Date, tc.p.PaymentTermsDays) {
					t.Fatalf("due %s", it.DueDate)
				}
				return
			}
			var de *Error
			if !errors.As(err, &de) || de.Field != tc.field {
				t.Fatalf("got %v, want %s", err, tc.field)
			}
		})
	}
}

func TestOpeningItemBalances(t *testing.T) {
	items := []OpenItem{
		{Kind: ItemAR, Date: "2026-05-20", Amount: dec("11300")},
		{Kind: ItemAR, Date: "2025-11-02", Amount: dec("700")},
		{Kind: ItemAP, Date: "2025-12-15", Amount: dec("2000")},
		{Kind: ItemAP, Date: "2026-01-01", Amount: dec("50")},
	}
	got := OpeningItemBalances("2026-07", items, 11, 22)
	if len(got) != 2 || got[0].AccountID != 11 || !got[0].Debit.Equal(dec("12000")) || !got[0].YTDDebit.Equal(dec("11300")) ||
		got[1].AccountID != 22 || !got[1].Credit.Equal(dec("2050")) || !got[1].YTDCredit.Equal(dec("50")) || !got[1].Debit.IsZero() {
		t.Fatalf("balances %+v", got)
	}
	if OpeningItemBalances("", items, 11, 22) != nil || len(OpeningItemBalances("2026-07", items[:2], 11, 22)) != 1 {
		t.Fatal("rows without a start or without payables")
	}
	if err := CheckItemsBeforeStart("2026-07", items); err != nil {
		t.Fatal(err)
	}
	if err := CheckItemsBeforeStart("2026-05", items); err == nil || AsError(err).Field != "start_period" {
		t.Fatalf("an item dated 2026-05-20 under a start in May: %v", err)
	}
	if err := CheckReplaceOpeningItems([]OpenItem{{Amount: dec("5"), Open: dec("5")}}); err != nil {
		t.Fatal(err)
	}
	err := CheckReplaceOpeningItems([]OpenItem{{DocNumber: "XS-1", Amount: dec("5"), Open: dec("2")}})
	var de *Error
	if !errors.As(err, &de) || de.Code != CodeOpeningItemsSettled || de.Message != "期初往来 XS-1 已核销 3.00，不能再修改期初往来" {
		t.Fatal(err)
	}
}

func TestOpeningRows(t *testing.T) {
	chart := booksChart()
	id := accountIDs(t, chart)
	leaves := byID(chart)
	for _, tc := range []struct {
		name  string
		lines []OpeningBalance
		codes []string
		field string
	}{
		{"by id and by code", []OpeningBalance{{AccountID: id("1002"), Debit: dec("5")}, {Credit: dec("5")}}, []string{"", "4001"}, ""},
		{"unknown code", []OpeningBalance{{Debit: dec("5")}}, []string{"9999"}, "lines[0].account_code"},
		{"twice", []OpeningBalance{{AccountID: id("1002"), Debit: dec("5")}, {Debit: dec("1")}}, []string{"", "1002"}, "lines[1].account_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := OpeningRows("2026-07", tc.lines, tc.codes, leaves)
			if tc.field == "" {
				if err != nil || len(rows) != len(tc.lines) || rows[1].AccountID == 0 {
					t.Fatalf("rows %+v, err %v", rows, err)
				}
				return
			}
			if e := AsError(err); e == nil || e.Field != tc.field {
				t.Fatalf("err %v, want on %s", err, tc.field)
			}
		})
	}
}
