package domain

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestCashFlowItems(t *testing.T) {
	items := CashFlowItems()
	var lines []int
	for _, it := range items {
		lines = append(lines, it.Line)
	}
	want := []int{1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18}
	if len(lines) != len(want) {
		t.Fatalf("items %v, want %v", lines, want)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Fatalf("items %v, want %v", lines, want)
		}
	}
	if items[0].Activity != "经营" || items[6].Activity != "投资" || items[11].Activity != "筹资" {
		t.Fatalf("activities %+v", items)
	}
	if !items[0].Inflow || items[2].Inflow || !items[11].Inflow || items[13].Inflow {
		t.Fatalf("inflows %+v", items)
	}
	for _, n := range []int{0, 7, 13, 19, 20, 21, 22, 23, -1} {
		if ValidCashFlowItem(n) {
			t.Fatalf("%d is a total or unknown, not an item", n)
		}
	}
}

func TestDefaultAndSuggestedCashFlowItem(t *testing.T) {
	for _, c := range []struct {
		event string
		debit bool
		want  int
	}{
		{EventMoneyReceipt, true, CFSales}, {EventMoneyReceipt, false, CFSales},
		{EventMoneyPayment, false, CFPurchases}, {EventSalesShipment, true, CFSales},
		{EventPurchaseReceipt, false, CFPurchases}, {EventStocktake, true, CFOtherOperIn}, {EventOpening, false, CFOtherOperOut},
	} {
		if got := DefaultCashFlowItem(c.event, c.debit); got != c.want {
			t.Errorf("DefaultCashFlowItem(%s, %v) = %d, want %d", c.event, c.debit, got, c.want)
		}
	}
	for _, c := range []struct {
		counter string
		debit   bool
		want    int
	}{
		{"1122", true, CFSales}, {"112201", true, CFSales}, {"2203", true, CFSales},
		{"2202", false, CFPurchases}, {"1123", false, CFPurchases},
		{"2211", false, CFWages}, {"221101", false, CFWages},
		{"22210101", false, CFPurchases}, // 进项税额 paid with a purchase, not 税费
		{"222102", false, CFTaxes}, {"5403", false, CFTaxes},
		{"1601", false, CFAssetsBought}, {"1606", true, CFAssetsDisposed},
		{"1511", false, CFInvestPaid}, {"1511", true, CFInvestReturned}, {"5111", true, CFInvestIncome},
		{"2001", true, CFBorrowed}, {"2501", false, CFRepaid}, {"2231", false, CFInterestPaid},
		{"3001", true, CFCapitalIn}, {"2232", false, CFProfitsPaid},
		{"5602", false, CFOtherOperOut}, {"1221", true, CFOtherOperIn}, {"", true, CFOtherOperIn},
	} {
		if got := SuggestCashFlowItem(c.debit, c.counter); got != c.want {
			t.Errorf("SuggestCashFlowItem(%v, %s) = %d, want %d", c.debit, c.counter, got, c.want)
		}
	}
}

func TestVoucherCheckCashFlow(t *testing.T) {
	codes := map[int64]string{1: "1001", 2: "100201", 3: "1012", 4: "5602", 5: "1122"}
	code := func(id int64) string { return codes[id] }
	l := func(acct int64, dr, cr string, item int) VoucherLine {
		return VoucherLine{AccountID: acct, Debit: decimal.RequireFromString(dr), Credit: decimal.RequireFromString(cr), CashFlowItem: item}
	}
	for _, c := range []struct {
		name  string
		lines []VoucherLine
		code  string
		field string
	}{
		{"expense paid", []VoucherLine{l(4, "100", "0", 0), l(2, "0", "100", CFOtherOperOut)}, "", ""},
		{"transfer needs none", []VoucherLine{l(1, "100", "0", 0), l(2, "0", "100", 0)}, "", ""},
		{"three cash accounts", []VoucherLine{l(1, "100", "0", 0), l(3, "50", "0", 0), l(2, "0", "150", 0)}, "", ""},
		{"transfer beside a flow", []VoucherLine{l(2, "500", "0", 0), l(1, "0", "500", 0), l(2, "300", "0", CFSales), l(5, "0", "300", 0)}, "", ""},
		{"missing item", []VoucherLine{l(4, "100", "0", 0), l(2, "0", "100", 0)}, CodeCashFlowRequired, "lines[1].cash_flow_item"},
		{"part of a transfer is a flow", []VoucherLine{l(2, "1000", "0", 0), l(1, "0", "500", 0), l(5, "0", "500", 0)}, CodeCashFlowRequired, "lines[0].cash_flow_item"},
		{"item on a non-cash line", []VoucherLine{l(4, "100", "0", CFOtherOperOut), l(2, "0", "100", CFOtherOperOut)}, CodeValidation, "lines[0].cash_flow_item"},
		{"a total is no item", []VoucherLine{l(4, "100", "0", 0), l(2, "0", "100", 7)}, CodeValidation, "lines[1].cash_flow_item"},
		{"unknown item", []VoucherLine{l(4, "100", "0", 0), l(2, "0", "100", 99)}, CodeValidation, "lines[1].cash_flow_item"},
	} {
		v := &Voucher{Lines: c.lines}
		err := v.CheckCashFlow(code)
		if c.code == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		de := AsError(err)
		if de == nil || de.Code != c.code || de.Field != c.field {
			t.Errorf("%s: got %v, want %s on %s", c.name, err, c.code, c.field)
		}
	}
}

func TestTemplateApplyCashFlowItems(t *testing.T) {
	ids := map[string]int64{"1002": 1, "1122": 2, "2203": 3, "2202": 4, "1123": 5, "1001": 6, "5001": 7, "22210107": 8}
	acct := func(code string) int64 { return ids[code] }
	for _, st := range StandardTemplates() {
		lines := st.Apply(DocAmounts{Amount: decimal.NewFromInt(100), Tax: decimal.NewFromInt(13), Settled: decimal.NewFromInt(80),
			Advance: decimal.NewFromInt(20)}, acct, "x", nil, 0)
		for i, l := range lines {
			cash := l.AccountID == 1 || l.AccountID == 6
			want := 0
			switch {
			case cash && st.Event == EventMoneyReceipt:
				want = CFSales
			case cash && st.Event == EventMoneyPayment:
				want = CFPurchases
			case cash:
				t.Fatalf("%s: a standard template has an unexpected cash line", st.Event)
			}
			if l.CashFlowItem != want {
				t.Errorf("%s line %d: item %d, want %d", st.Event, i, l.CashFlowItem, want)
			}
		}
	}
	// A firm's cash-sale template: the cash line's own item wins, and the
	// money document's bank account keeps it.
	cashSale := VoucherTemplate{Event: EventSalesShipment, Lines: []TemplateLine{
		{Account: "1001", Side: Debit, Amount: AmtTotal},
		{Account: "5001", Side: Credit, Amount: AmtAmount}, {Account: "22210107", Side: Credit, Amount: AmtTax}}}
	lines := cashSale.Apply(DocAmounts{Amount: decimal.NewFromInt(100), Tax: decimal.NewFromInt(13)}, acct, "x", nil, 0)
	if lines[0].CashFlowItem != CFSales || lines[1].CashFlowItem != 0 {
		t.Fatalf("cash sale: %+v", lines)
	}
	cashSale.Lines[0].CashFlow = CFOtherOperIn
	if lines = cashSale.Apply(DocAmounts{Amount: decimal.NewFromInt(100)}, acct, "x", nil, 0); lines[0].CashFlowItem != CFOtherOperIn {
		t.Fatalf("template item: %+v", lines[0])
	}
	// Validate refuses an item on a non-cash line, or a total as an item.
	leaf := func(string) bool { return true }
	bad := VoucherTemplate{Event: EventMoneyReceipt, Lines: []TemplateLine{
		{Account: "1002", Side: Debit, Amount: AmtMoney}, {Account: "1122", Side: Credit, Amount: AmtSettled, CashFlow: CFSales},
		{Account: "2203", Side: Credit, Amount: AmtAdvance}}}
	if err := bad.Validate(leaf); err == nil || AsError(err).Field != "lines[1].cash_flow" {
		t.Fatalf("item on 1122: %v", err)
	}
	bad.Lines[1].CashFlow, bad.Lines[0].CashFlow = 0, 7
	if err := bad.Validate(leaf); err == nil || AsError(err).Field != "lines[0].cash_flow" {
		t.Fatalf("total as item: %v", err)
	}
	bad.Lines[0].CashFlow = CFOtherOperIn
	if err := bad.Validate(leaf); err != nil {
		t.Fatalf("valid item: %v", err)
	}
}

func TestCashFlowStatement(t *testing.T) {
	tot := func(dr, cr string) Totals {
		return Totals{Debit: decimal.RequireFromString(dr), Credit: decimal.RequireFromString(cr)}
	}
	// The year: sales receipts 10000 less a 200 refund, purchases 6000,
	// wages 1500, taxes 300, other 100 in; equipment 2000; a loan 5000 in,
	// 1000 repaid, interest 50, capital 20000. The month: part of it.
	year := map[int]Totals{
		CFSales: tot("10000", "200"), CFPurchases: tot("0", "6000"), CFWages: tot("0", "1500"), CFTaxes: tot("0", "300"),
		CFOtherOperIn: tot("100", "0"), CFAssetsBought: tot("0", "2000"), CFBorrowed: tot("5000", "0"),
		CFRepaid: tot("0", "1000"), CFInterestPaid: tot("0", "50"), CFCapitalIn: tot("20000", "0"),
	}
	month := map[int]Totals{CFSales: tot("3000", "0"), CFPurchases: tot("100", "2100"), CFProfitsPaid: tot("0", "400")}
	rows := CashFlowStatement(CashFlowColumn{Flows: year, Opening: decimal.NewFromInt(1000)}, CashFlowColumn{Flows: month, Opening: decimal.NewFromInt(24650)})
	if len(rows) != 25 || rows[0].Line != 0 || rows[0].Item != "一、经营活动产生的现金流量：" || rows[len(rows)-1].Line != CFLineClosing {
		t.Fatalf("layout: %d rows, first %+v", len(rows), rows[0])
	}
	got := booksStatement(rows)
	want := map[int][2]string{
		1: {"9800", "3000"}, 2: {"100", "0"}, 3: {"6000", "2000"}, 4: {"1500", "0"}, 5: {"300", "0"}, 6: {"0", "0"},
		7: {"2100", "1000"}, 12: {"2000", "0"}, 13: {"-2000", "0"},
		14: {"5000", "0"}, 15: {"20000", "0"}, 16: {"1000", "0"}, 17: {"50", "0"}, 18: {"0", "400"}, 19: {"23950", "-400"},
		20: {"24050", "600"}, 21: {"1000", "24650"}, 22: {"25050", "25250"},
	}
	for line, w := range want {
		r := got[line]
		if !r.Col1.Equal(decimal.RequireFromString(w[0])) || !r.Col2.Equal(decimal.RequireFromString(w[1])) {
			t.Errorf("line %d %s: %s / %s, want %s / %s", line, r.Item, r.Col1, r.Col2, w[0], w[1])
		}
	}
	for _, l := range []int{7, 13, 19, 20, 22} {
		if !got[l].Total {
			t.Errorf("line %d is a total", l)
		}
	}
	// 现金净增加额 is what the items net to on cash, debits less credits.
	net := decimal.Zero
	for _, tt := range year {
		net = net.Add(tt.Debit).Sub(tt.Credit)
	}
	if !got[20].Col1.Equal(net) {
		t.Fatalf("net increase %s, items net %s", got[20].Col1, net)
	}
}

func TestCheckCashMonths(t *testing.T) {
	d := decimal.RequireFromString
	ok := map[string]CashMonth{"2026-01": {Flows: d("10"), Cash: d("10")}, "2026-02": {Flows: d("-5.5"), Cash: d("-5.50")}}
	if err := CheckCashMonths(ok); err != nil {
		t.Fatal(err)
	}
	ok["2026-03"] = CashMonth{Flows: d("1"), Cash: d("2")}
	ok["2026-04"] = CashMonth{Flows: d("1"), Cash: d("3")}
	err := CheckCashMonths(ok)
	if de := AsError(err); de == nil || de.Code != CodeLedgerCheckFailed || de.Message != "结账检查未通过：2026-03 现金流量表现金净增加额 1.00 与货币资金变动 2.00 不符" {
		t.Fatalf("got %v", err)
	}
	b := BooksCheck{Accounts: booksChart(), CashMonths: map[string]CashMonth{"2026-05": {Flows: d("1")}}}
	if err := b.Check(); AsError(err) == nil || AsError(err).Code != CodeLedgerCheckFailed {
		t.Fatalf("BooksCheck: %v", err)
	}
	// 货币资金 adds up 1001, 1002 and 1012 with their sub-accounts.
	chart := booksChart("100201", "工行")
	ids := map[string]int64{}
	for _, a := range chart {
		ids[a.Code] = a.ID
	}
	totals := map[int64]Totals{ids["1001"]: {Debit: d("5")}, ids["100201"]: {Debit: d("100"), Credit: d("30")},
		ids["1012"]: {Credit: d("1")}, ids["1122"]: {Debit: d("999")}}
	if got := CashAccountNet(chart, totals); !got.Equal(d("74")) {
		t.Fatalf("货币资金 %s, want 74", got)
	}
}

func TestFillCashFlowItems(t *testing.T) {
	codes := map[int64]string{1: "1001", 2: "100201", 3: "2211", 4: "1122", 5: "2001", 6: "5603", 7: "1601"}
	code := func(id int64) string { return codes[id] }
	l := func(acct int64, dr, cr string, item int) VoucherLine {
		return VoucherLine{AccountID: acct, Debit: decimal.RequireFromString(dr), Credit: decimal.RequireFromString(cr), CashFlowItem: item}
	}
	for _, c := range []struct {
		name  string
		lines []VoucherLine
		want  []int
	}{
		{"wages paid", []VoucherLine{l(3, "100", "0", 0), l(2, "0", "100", 0)}, []int{0, CFWages}},
		{"receipt", []VoucherLine{l(2, "100", "0", 0), l(4, "0", "100", 0)}, []int{CFSales, 0}},
		{"red-letter receipt keeps its line", []VoucherLine{l(2, "-100", "0", 0), l(4, "0", "-100", 0)}, []int{CFSales, 0}},
		{"transfer", []VoucherLine{l(1, "100", "0", 0), l(2, "0", "100", 0)}, []int{0, 0}},
		{"the largest counter line", []VoucherLine{l(5, "1000", "0", 0), l(6, "50", "0", 0), l(2, "0", "1050", 0)}, []int{0, 0, CFRepaid}},
		{"kept item", []VoucherLine{l(7, "100", "0", 0), l(2, "0", "100", CFOtherOperOut)}, []int{0, CFOtherOperOut}},
		{"cash on both sides", []VoucherLine{l(2, "1000", "0", 0), l(1, "0", "500", 0), l(4, "0", "500", 0)}, []int{CFSales, CFSales, 0}},
	} {
		v := &Voucher{Lines: c.lines}
		FillCashFlowItems(v, code)
		for i, w := range c.want {
			if v.Lines[i].CashFlowItem != w {
				t.Errorf("%s: line %d item %d, want %d", c.name, i, v.Lines[i].CashFlowItem, w)
			}
		}
		if err := v.CheckCashFlow(code); err != nil {
			t.Errorf("%s: filled voucher fails its check: %v", c.name, err)
		}
	}
}

// Going live mid-year: the openings' movement of 货币资金 before the start
// period is a flow of the month before it, shown on the 上线前 line of every
// column covering that month, in the start year only.
func TestBeforeGoLiveCash(t *testing.T) {
	d := decimal.RequireFromString
	rows := []OpeningBalance{
		{Code: "1001", Debit: d("5000"), YTDDebit: d("300"), YTDCredit: d("100")},
		{Code: "100201", Debit: d("316000"), YTDDebit: d("1196000"), YTDCredit: d("1080000")},
		{Code: "1122", Debit: d("12000"), YTDDebit: d("50000"), YTDCredit: d("38000")}, // no cash
		{Code: "101201", YTDCredit: d("50")},
	}
	if got := OpeningCashMovement(rows); !got.Equal(d("116150")) {
		t.Fatalf("movement %s", got)
	}
	mv := d("116150")
	for _, c := range []struct {
		name, start, from, before string
		want                      string
	}{
		{"never gone live", "", "2026-01", "2026-08", "0"},
		{"July go-live, 本年累计 of July", "2026-07", "2026-01", "2026-08", "116150"},
		{"July go-live, 本年累计 of December", "2026-07", "2026-01", "2027-01", "116150"},
		{"July go-live, 本月 of July", "2026-07", "2026-07", "2026-08", "0"},
		{"July go-live, 本月 of June (the openings' month)", "2026-07", "2026-06", "2026-07", "116150"},
		{"July go-live, the next year", "2026-07", "2027-01", "2027-02", "0"},
		{"January go-live", "2026-01", "2026-01", "2026-02", "0"},
		{"January go-live, the year before", "2026-01", "2025-01", "2026-01", "0"},
	} {
		if got := BeforeGoLiveCash(c.start, mv, c.from, c.before); !got.Equal(d(c.want)) {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// The 上线前 line counts in 四、现金净增加额, so 期初现金余额 (年初) plus it
// is 期末现金余额; it is left out when zero in both columns.
func TestCashFlowStatementBeforeGoLive(t *testing.T) {
	d := decimal.RequireFromString
	tot := func(dr, cr string) Totals { return Totals{Debit: d(dr), Credit: d(cr)} }
	// Year opening 84,000 (货币资金 1 January); before going live in July
	// the bank took 116,000 net; in July receipts 20,000 and rent 3,000.
	july := map[int]Totals{CFSales: tot("20000", "0"), CFOtherOperOut: tot("0", "3000")}
	for _, c := range []struct {
		name        string
		year, month CashFlowColumn
		rows        int
		want        map[int][2]string
	}{
		{"July go-live", CashFlowColumn{Flows: july, Opening: d("84000"), BeforeGoLive: d("116000")},
			CashFlowColumn{Flows: july, Opening: d("200000")}, 26,
			map[int][2]string{CFLineBeforeGoLive: {"116000", "0"}, 7: {"17000", "17000"},
				CFLineNetIncrease: {"133000", "17000"}, CFLineOpening: {"84000", "200000"}, CFLineClosing: {"217000", "217000"}}},
		{"net outflow before go-live", CashFlowColumn{Opening: d("500"), BeforeGoLive: d("-200")}, CashFlowColumn{Opening: d("300")}, 26,
			map[int][2]string{CFLineBeforeGoLive: {"-200", "0"}, CFLineNetIncrease: {"-200", "0"}, CFLineClosing: {"300", "300"}}},
		{"January go-live", CashFlowColumn{Flows: july, Opening: d("84000")}, CashFlowColumn{Flows: july, Opening: d("84000")}, 25,
			map[int][2]string{CFLineNetIncrease: {"17000", "17000"}, CFLineClosing: {"101000", "101000"}}},
	} {
		rows := CashFlowStatement(c.year, c.month)
		if len(rows) != c.rows {
			t.Fatalf("%s: %d rows", c.name, len(rows))
		}
		got := booksStatement(rows)
		if _, ok := got[CFLineBeforeGoLive]; ok != (c.rows == 26) {
			t.Errorf("%s: 上线前 line shown %v", c.name, ok)
		}
		if ok := got[CFLineBeforeGoLive]; c.rows == 26 && (ok.Total || ok.Item != "加：上线前本年现金净增加额（期初录入）" || rows[len(rows)-4].Line != CFLineBeforeGoLive) {
			t.Errorf("%s: 上线前 line %+v, before 四 %+v", c.name, ok, rows[len(rows)-4])
		}
		for line, w := range c.want {
			r := got[line]
			if !r.Col1.Equal(d(w[0])) || !r.Col2.Equal(d(w[1])) {
				t.Errorf("%s: line %d %s: %s / %s, want %s / %s", c.name, line, r.Item, r.Col1, r.Col2, w[0], w[1])
			}
		}
	}
	// The books check adds the line to the month's flows.
	if err := CheckCashMonths(map[string]CashMonth{"2026-06": {BeforeGoLive: d("116000"), Cash: d("116000")},
		"2026-07": {Flows: d("17000"), Cash: d("17000")}}); err != nil {
		t.Fatal(err)
	}
	if err := CheckCashMonths(map[string]CashMonth{"2026-06": {Cash: d("116000")}}); AsError(err) == nil {
		t.Fatal("a month without its 上线前 movement passes")
	}
}
