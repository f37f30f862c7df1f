package domain

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// booksLine is a voucher line on account id: a debit when amt is positive
// ("d:10") or a credit ("c:10").
func booksLine(id int64, amt string) VoucherLine {
	side, v, _ := strings.Cut(amt, ":")
	l := VoucherLine{AccountID: id}
	if side == "d" {
		l.Debit = booksDec(v)
	} else {
		l.Credit = booksDec(v)
	}
	return l
}

func TestVoucherCheck(t *testing.T) {
	many := func(n int) []VoucherLine {
		ls := make([]VoucherLine, n)
		for i := range ls {
			ls[i] = booksLine(1, "d:1")
		}
		ls[n-1] = booksLine(2, fmt.Sprintf("c:%d", n-1))
		return ls
	}
	long := strings.Repeat("摘", 256)
	cases := []struct {
		name   string
		v      Voucher
		scale  int32
		err    string // booksWantErr's "code:field:message"
		period string
		total  string
		lines  int
	}{
		{name: "balanced", v: Voucher{Date: "2026-11-28", Lines: []VoucherLine{booksLine(1, "d:100"), booksLine(2, "c:60"), booksLine(3, "c:40")}},
			scale: 2, period: "2026-11", total: "100", lines: 3},
		{name: "zero lines dropped", v: Voucher{Date: "2026-11-28", Lines: []VoucherLine{booksLine(1, "d:0"), booksLine(1, "d:5"), booksLine(2, "c:5"), {AccountID: 9}}},
			scale: 2, period: "2026-11", total: "5", lines: 2},
		{name: "red-letter", v: Voucher{Date: "2026-12-01", Lines: []VoucherLine{booksLine(1, "d:-5"), booksLine(2, "c:-5")}},
			scale: 2, period: "2026-12", total: "-5", lines: 2},
		{name: "generated vouchers are in 分 too", v: Voucher{Date: "2026-11-28", Lines: []VoucherLine{booksLine(1, "d:1.2345"), booksLine(2, "c:1.2345")}},
			scale: AmountScale, err: "validation_failed:lines[0].debit:最多保留 2 位小数"},
		{name: "the migrations before 分 booked four places", v: Voucher{Date: "2026-11-28", Lines: []VoucherLine{booksLine(1, "d:1.2345"), booksLine(2, "c:1.2345")}},
			scale: BackfillScale, period: "2026-11", total: "1.2345", lines: 2},
		{name: "bad date", v: Voucher{Date: "2026-11-31", Lines: []VoucherLine{booksLine(1, "d:1"), booksLine(2, "c:1")}},
			scale: 2, err: "validation_failed:date:日期格式应为 YYYY-MM-DD"},
		{name: "remark too long", v: Voucher{Date: "2026-11-28", Remark: long, Lines: []VoucherLine{booksLine(1, "d:1"), booksLine(2, "c:1")}},
			scale: 2, err: "validation_failed:remark:"},
		{name: "one line", v: Voucher{Date: "2026-11-28", Lines: []VoucherLine{booksLine(1, "d:1"), booksLine(2, "c:0")}},
			scale: 2, err: "validation_failed:lines:凭证至少需要两行（有借有贷）"},
		{name: "too many lines", v: Voucher{Date: "2026-11-28", Lines: many(501)},
			scale: 2, err: "validation_failed:lines:一张凭证最多 500 行"},
		{name: "500 lines are fine", v: Voucher{Date: "2026-11-28", Lines: many(500)},
			scale: 2, period: "2026-11", total: "499", lines: 500},
		{name: "no account", v: Voucher{Date: "2026-11-28", Lines: []VoucherLine{booksLine(1, "d:1"), booksLine(0, "c:1")}},
			scale: 2, err: "validation_failed:lines[1].account_id:请选择科目"},
		{name: "both sides", v: Voucher{Date: "2026-11-28", Lines: []VoucherLine{{AccountID: 1, Debit: booksDec("1"), Credit: booksDec("1")}, booksLine(2, "c:1")}},
			scale: 2, err: "validation_failed:lines[0]:一行只能填借方或贷方"},
		{name: "cents only from people", v: Voucher{Date: "2026-11-28", Lines: []VoucherLine{booksLine(1, "d:1.005"), booksLine(2, "c:1.005")}},
			scale: 2, err: "validation_failed:lines[0].debit:最多保留 2 位小数"},
		{name: "credit scale", v: Voucher{Date: "2026-11-28", Lines: []VoucherLine{booksLine(1, "d:1"), booksLine(2, "c:1.001")}},
			scale: 2, err: "validation_failed:lines[1].credit:"},
		{name: "line summary too long", v: Voucher{Date: "2026-11-28", Lines: []VoucherLine{booksLine(1, "d:1"), {AccountID: 2, Credit: booksDec("1"), Summary: long}}},
			scale: 2, err: "validation_failed:lines[1].summary:摘要最长 255 字"},
		{name: "unbalanced", v: Voucher{Date: "2026-11-28", Lines: []VoucherLine{booksLine(1, "d:100"), booksLine(2, "c:99.99")}},
			scale: 2, err: "unbalanced_voucher:lines:借贷不平衡：借方合计 100.00，贷方合计 99.99"},
		{name: "nets to zero", v: Voucher{Date: "2026-11-28", Lines: []VoucherLine{booksLine(1, "d:10"), booksLine(2, "d:-10")}},
			scale: 2, err: "validation_failed:lines:凭证金额不能全为零"},
		{name: "beyond DECIMAL(20,4)", v: Voucher{Date: "2026-11-28", Lines: []VoucherLine{booksLine(1, "d:600000000000000"), booksLine(1, "d:400000000000000"), booksLine(2, "c:1000000000000000")}},
			scale: 2, err: "validation_failed:lines:凭证金额过大"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := c.v
			err := v.Check(c.scale)
			booksWantErr(t, c.name, err, c.err)
			if c.err != "" {
				return
			}
			if v.Period != c.period || !v.Debit.Equal(booksDec(c.total)) || !v.Credit.Equal(v.Debit) || len(v.Lines) != c.lines {
				t.Errorf("checked: period %s, %s/%s, %d lines", v.Period, v.Debit, v.Credit, len(v.Lines))
			}
		})
	}
	// An unbalanced voucher tells both totals to machines too.
	v := Voucher{Date: "2026-11-28", Lines: []VoucherLine{booksLine(1, "d:3"), booksLine(2, "c:2")}}
	if e := AsError(v.Check(2)); e == nil || e.Details["debit"] != "3.00" || e.Details["credit"] != "2.00" {
		t.Fatalf("details: %+v", e)
	}
}

func TestVoucherReversal(t *testing.T) {
	pid := int64(5)
	v := &Voucher{ID: 42, Period: "2026-11", Number: "记-0007", Date: "2026-11-03", Source: VoucherManual, Remark: "报销",
		Lines: []VoucherLine{
			{ID: 1, AccountID: 10, Summary: "差旅", Debit: booksDec("300"), PartnerID: &pid},
			{ID: 2, AccountID: 11, Summary: "付现", Credit: booksDec("300")}}}
	r := v.Reversal("2026-12-01")
	if r.Date != "2026-12-01" || r.Source != VoucherReversal || r.SourceID != 42 || r.SourceNo != "记-0007" ||
		r.ReversalOf == nil || *r.ReversalOf != 42 || r.Remark != "冲销 2026-11 记-0007" {
		t.Fatalf("reversal header %+v", r)
	}
	if len(r.Lines) != 2 {
		t.Fatalf("lines %+v", r.Lines)
	}
	for i, l := range r.Lines {
		o := v.Lines[i]
		if l.ID != 0 || l.AccountID != o.AccountID || l.Summary != o.Summary || !l.Debit.Equal(o.Debit.Neg()) ||
			!l.Credit.Equal(o.Credit.Neg()) || l.PartnerID != o.PartnerID {
			t.Errorf("line %d: %+v from %+v", i, l, o)
		}
	}
	if v.Lines[0].ID != 1 || !v.Lines[0].Debit.Equal(booksDec("300")) {
		t.Fatal("the original changed")
	}
	if err := r.Check(2); err != nil {
		t.Fatalf("a reversal checks: %v", err)
	}
	if r.Period != "2026-12" || !r.Debit.Equal(booksDec("-300")) {
		t.Fatalf("reversal totals %s %s", r.Period, r.Debit)
	}
}

func TestStandardTemplatesValidate(t *testing.T) {
	leaf := func(string) bool { return true }
	for _, tpl := range StandardTemplates() {
		tpl := tpl
		if err := tpl.Validate(leaf); err != nil {
			t.Errorf("standard template %s: %v", tpl.Event, err)
		}
	}
}

func TestTemplateValidate(t *testing.T) {
	std := map[string]VoucherTemplate{}
	for _, tpl := range StandardTemplates() {
		std[tpl.Event] = tpl
	}
	leaves := map[string]bool{"1405": true, "5401": true, "22210101": true, "2202": true, "1122": true, "5001": true,
		"22210107": true, "1001": true, "1002": true, "2203": true, "1123": true, "5402": true, "6001": true}
	leaf := func(code string) bool { return leaves[code] }
	l := func(acct, side, amt string) TemplateLine { return TemplateLine{Account: acct, Side: side, Amount: amt} }
	// with returns event's standard lines with line i replaced (i < 0: appended).
	with := func(event string, i int, tl TemplateLine) []TemplateLine {
		ls := append([]TemplateLine(nil), std[event].Lines...)
		if i < 0 {
			return append(ls, tl)
		}
		ls[i] = tl
		return ls
	}
	cases := []struct {
		name, event string
		lines       []TemplateLine
		err         string
	}{
		{"standard receipt", EventPurchaseReceipt, std[EventPurchaseReceipt].Lines, ""},
		{"variance to another cost account", EventPurchaseReceipt, with(EventPurchaseReceipt, 1, l("5402", Debit, AmtVariance)), ""},
		{"one line", EventPurchaseReceipt, std[EventPurchaseReceipt].Lines[:1], "validation_failed:lines:模板需要 2–20 行"},
		{"21 lines", EventPurchaseReceipt, make([]TemplateLine, 21), "validation_failed:lines:"},
		{"unknown amount", EventPurchaseReceipt, with(EventPurchaseReceipt, 1, l("5401", Debit, "discount")),
			"validation_failed:lines[1].amount:未知金额 \"discount\"（amount, tax, total, stock, cost, variance, gain, loss）"},
		{"bad side", EventPurchaseReceipt, with(EventPurchaseReceipt, 1, l("5401", "left", AmtVariance)),
			"validation_failed:lines[1].side:方向只能是 debit 或 credit"},
		{"not a leaf", EventPurchaseReceipt, with(EventPurchaseReceipt, 1, l("5403", Debit, AmtVariance)),
			"validation_failed:lines[1].account:科目 5403 不存在、已停用或不是末级科目"},
		{"summary too long", EventPurchaseReceipt, with(EventPurchaseReceipt, 1, TemplateLine{Account: "5401", Side: Debit, Amount: AmtVariance, Summary: strings.Repeat("差", 61)}),
			"validation_failed:lines[1].summary:摘要最长 60 字"},
		{"unbalanced: tax on the wrong side", EventPurchaseReceipt, with(EventPurchaseReceipt, 2, l("22210101", Credit, AmtTax)),
			"unbalanced_voucher:lines:模板借贷不平衡（tax 未对冲）"},
		{"variance dropped", EventPurchaseReceipt, append(with(EventPurchaseReceipt, 1, l("1405", Debit, AmtStock))[:1], std[EventPurchaseReceipt].Lines[2:]...),
			"unbalanced_voucher:lines:"},
		{"controlled account moved", EventPurchaseReceipt, with(EventPurchaseReceipt, 3, l("2203", Credit, AmtTotal)),
			"validation_failed:lines:库存商品、应收/预收、应付/预付科目的行须与标准模板一致（它们与库存和往来明细核对）"},
		{"controlled account added", EventPurchaseReceipt, append(with(EventPurchaseReceipt, -1, l("1122", Debit, AmtTax)), l("1122", Credit, AmtTax)),
			"validation_failed:lines:"},
		{"unknown event", "gift", std[EventPurchaseReceipt].Lines, "validation_failed:event:未知模板 gift"},
		{"receipt into cash", EventMoneyReceipt, with(EventMoneyReceipt, 0, l("1001", Debit, AmtMoney)), ""},
		{"money into a non-cash account", EventMoneyReceipt, with(EventMoneyReceipt, 0, l("5001", Debit, AmtMoney)),
			"validation_failed:lines[0].account:收付款行的科目应是库存现金、银行存款或其他货币资金"},
		{"a goods amount on a money document", EventMoneyReceipt, with(EventMoneyReceipt, 0, l("1002", Debit, AmtStock)),
			"validation_failed:lines[0].amount:未知金额 \"stock\"（money, settled, advance）"},
		{"money moves in 预收冲应收", EventAdvanceApplied, with(EventAdvanceApplied, 0, l("1002", Debit, AmtMoney)),
			"validation_failed:lines[0].amount:未知金额 \"money\"（settled）"},
		{"standard 预付冲应付", EventPrepaymentApplied, std[EventPrepaymentApplied].Lines, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tpl := VoucherTemplate{Event: c.event, Lines: c.lines}
			booksWantErr(t, c.name, tpl.Validate(leaf), c.err)
		})
	}
}

func TestTemplateApply(t *testing.T) {
	std := map[string]VoucherTemplate{}
	for _, tpl := range StandardTemplates() {
		std[tpl.Event] = tpl
	}
	ids := map[string]int64{}
	for i, e := range StandardChart {
		ids[e.Code] = int64(i + 1)
	}
	codes := map[int64]string{}
	for c, id := range ids {
		codes[id] = c
	}
	account := func(code string) int64 { return ids[code] }
	pid := int64(8)
	render := func(ls []VoucherLine) string {
		var parts []string
		for _, l := range ls {
			side, amt := "D", l.Debit
			if l.Debit.IsZero() {
				side, amt = "C", l.Credit
			}
			p := ""
			if l.PartnerID != nil {
				p = "@"
			}
			parts = append(parts, fmt.Sprintf("%s%s%s%s", codes[l.AccountID], p, side, amt))
		}
		return strings.Join(parts, " ")
	}
	cases := []struct {
		name, event string
		amounts     DocAmounts
		cash        int64
		want        string
	}{
		{"receipt with a variance", EventPurchaseReceipt,
			DocAmounts{Amount: booksDec("100"), Tax: booksDec("13"), Stock: booksDec("99.5")}, 0,
			"1405D99.5 5401@D0.5 22210101@D13 2202@C113"},
		{"shipment", EventSalesShipment,
			DocAmounts{Amount: booksDec("200"), Tax: booksDec("26"), Stock: booksDec("-120")}, 0,
			"1122@D226 5001@C200 22210107@C26 5401D120 1405C120"},
		{"sales return: red-letter", EventSalesReturn,
			DocAmounts{Amount: booksDec("-200"), Tax: booksDec("-26"), Stock: booksDec("120")}, 0,
			"1122@D-226 5001@C-200 22210107@C-26 5401D-120 1405C-120"},
		{"stocktake", EventStocktake, DocAmounts{Gain: booksDec("5"), Loss: booksDec("7")}, 0,
			"1405D5 1901C5 1901D7 1405C7"},
		{"receipt of money, partly an advance, into a named account", EventMoneyReceipt,
			DocAmounts{Settled: booksDec("80"), Advance: booksDec("20")}, ids["1012"],
			"1012D100 1122@C80 2203@C20"},
		{"payment from the template's account", EventMoneyPayment,
			DocAmounts{Settled: booksDec("50")}, 0,
			"2202@D50 1123@C0 1002C50"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tpl := std[c.event]
			ls := tpl.Apply(c.amounts, account, "销售出库 XS-1", &pid, c.cash)
			if got := render(ls); got != c.want {
				t.Errorf("lines %s\nwant  %s", got, c.want)
			}
			if ls[0].Summary != "销售出库 XS-1 "+tpl.Lines[0].Summary {
				t.Errorf("summary %q", ls[0].Summary)
			}
		})
	}
	// Summaries are clipped to 255 characters; a line without a summary
	// of its own takes the voucher's; an unknown amount key is zero.
	tpl := VoucherTemplate{Lines: []TemplateLine{{Account: "5602", Side: Debit, Amount: AmtCost}, {Account: "1001", Side: Credit, Amount: "other", Summary: "x"}}}
	ls := tpl.Apply(DocAmounts{Stock: booksDec("-3")}, account, strings.Repeat("长", 300), nil, 0)
	if len([]rune(ls[0].Summary)) != 255 || len([]rune(ls[1].Summary)) != 255 || !ls[0].Debit.Equal(booksDec("3")) || !ls[1].Credit.IsZero() {
		t.Fatalf("clipped %d %d, %s %s", len([]rune(ls[0].Summary)), len([]rune(ls[1].Summary)), ls[0].Debit, ls[1].Credit)
	}
	if s := tpl.Apply(DocAmounts{}, account, "短", nil, 0); s[0].Summary != "短" || s[1].Summary != "短 x" {
		t.Fatalf("summaries %q %q", s[0].Summary, s[1].Summary)
	}
	if !ZeroLines(tpl.Apply(DocAmounts{}, account, "", nil, 0)) || ZeroLines(ls) || !ZeroLines(nil) {
		t.Fatal("ZeroLines")
	}
}

func TestDocAmountKeys(t *testing.T) {
	d := DocAmounts{Amount: booksDec("100"), Tax: booksDec("13"), Stock: booksDec("90"), Gain: booksDec("1"), Loss: booksDec("2"),
		Settled: booksDec("70"), Advance: booksDec("30")}
	for key, want := range map[string]string{AmtAmount: "100", AmtTax: "13", AmtTotal: "113", AmtStock: "90", AmtCost: "-90",
		AmtVariance: "10", AmtGain: "1", AmtLoss: "2", AmtMoney: "100", AmtSettled: "70", AmtAdvance: "30", "nothing": "0"} {
		if got := d.get(key); !got.Equal(booksDec(want)) {
			t.Errorf("%s = %s, want %s", key, got, want)
		}
	}
}

func TestTrialBalance(t *testing.T) {
	chart := booksChart()
	tot := func(pairs ...string) map[int64]Totals { return booksTotals(t, chart, pairs...) }
	// Before the month: capital in the bank. In it: a receipt on credit and
	// a sale, VAT on both sides.
	before := tot("1002:1000", "3001:-1000")
	during := tot("1405:100", "22210101:13", "2202:-113", "1122:226", "5001:-200", "22210107:-26", "5401:80", "1405:-80")
	rows, total := TrialBalance(chart, before, during, false)
	byCode := map[string]TrialBalanceRow{}
	var order []string
	for _, r := range rows {
		byCode[r.Code] = r
		order = append(order, r.Code)
	}
	want := "1002 1122 1405 2202 2221 222101 22210101 22210107 3001 5001 5401"
	if strings.Join(order, " ") != want {
		t.Fatalf("rows %s\nwant %s", strings.Join(order, " "), want)
	}
	check := func(code string, od, oc, pd, pc, cd, cc string) {
		t.Helper()
		r := byCode[code]
		got := []decimal.Decimal{r.OpeningDebit, r.OpeningCredit, r.PeriodDebit, r.PeriodCredit, r.ClosingDebit, r.ClosingCredit}
		for i, w := range []string{od, oc, pd, pc, cd, cc} {
			if !got[i].Equal(booksDec(w)) {
				t.Errorf("%s column %d = %s, want %s (%+v)", code, i, got[i], w, r)
			}
		}
	}
	check("1002", "1000", "0", "0", "0", "1000", "0")
	check("1405", "0", "0", "100", "80", "20", "0")
	check("2221", "0", "0", "13", "26", "0", "13") // parents sum their sub-accounts
	check("222101", "0", "0", "13", "26", "0", "13")
	check("22210101", "0", "0", "13", "0", "13", "0")
	check("3001", "0", "1000", "0", "0", "0", "1000")
	if byCode["22210101"].Level != 3 || byCode["2221"].Level != 1 || byCode["2221"].Name != "应交税费" {
		t.Errorf("levels/names %+v", byCode["22210101"])
	}
	// Totals add first-level accounts only, and balance.
	if !total.Balanced() || total.Name != "合计" || !total.OpeningDebit.Equal(booksDec("1000")) ||
		!total.PeriodDebit.Equal(booksDec("419")) || !total.ClosingDebit.Equal(booksDec("1326")) {
		t.Errorf("total %+v", total)
	}
	// Unbalanced books show in the totals.
	_, bad := TrialBalance(chart, before, tot("1002:5"), false)
	if bad.Balanced() {
		t.Error("a one-sided movement balanced")
	}
	// all lists every account; nothing moved gives empty rows, not nil.
	all, _ := TrialBalance(chart, nil, nil, true)
	if len(all) != len(chart) {
		t.Errorf("all: %d rows of %d", len(all), len(chart))
	}
	if none, tt := TrialBalance(chart, nil, nil, false); none == nil || len(none) != 0 || !tt.Balanced() {
		t.Errorf("empty: %v", none)
	}
}

func TestAccountHelpers(t *testing.T) {
	a := Account{Normal: Debit}
	c := Account{Normal: Credit}
	tt := Totals{Debit: booksDec("30"), Credit: booksDec("50")}
	if !a.NetBalance(tt).Equal(booksDec("-20")) || !c.NetBalance(tt).Equal(booksDec("20")) {
		t.Fatal("NetBalance")
	}
	chart := booksChart()
	leaves := Leaves(chart)
	byCode := map[string]int64{}
	for _, x := range chart {
		byCode[x.Code] = x.ID
	}
	for code, want := range map[string]bool{"1002": true, "2221": false, "222101": false, "22210101": true, "3104": false, "310409": true} {
		if leaves[byCode[code]] != want {
			t.Errorf("leaf %s = %v", code, !want)
		}
	}
	for code, want := range map[string]bool{"1001": true, "100201": true, "1012": true, "1122": false, "10": false} {
		if CashAccount(code) != want {
			t.Errorf("CashAccount(%s) = %v", code, !want)
		}
	}
	if VoucherNumber(7) != "记-0007" || VoucherNumber(12345) != "记-12345" {
		t.Error("VoucherNumber")
	}
	if PeriodOf("2026-11-28") != "2026-11" || PeriodOf("2026") != "2026" {
		t.Error("PeriodOf")
	}
	if NextPeriod("bad") != "bad" {
		t.Error("shifting a bad period")
	}
	as := []Account{{Code: "5001"}, {Code: "1002"}, {Code: "100201"}}
	SortAccounts(as)
	if as[0].Code != "1002" || as[1].Code != "100201" || as[2].Code != "5001" {
		t.Errorf("SortAccounts %v", as)
	}
}

func TestVoucherReversible(t *testing.T) {
	id := int64(3)
	cases := []struct {
		name string
		v    Voucher
		date string
		err  string
	}{
		{"manual, later", Voucher{Number: "记-0001", Source: VoucherManual, Date: "2026-11-03"}, "2026-12-01", ""},
		{"manual, same day", Voucher{Number: "记-0001", Source: VoucherManual, Date: "2026-11-03"}, "2026-11-03", ""},
		{"before the original", Voucher{Number: "记-0001", Source: VoucherManual, Date: "2026-11-03"}, "2026-11-02",
			"validation_failed:date:冲销日期不能早于原凭证日期 2026-11-03"},
		{"a reversal", Voucher{Number: "记-0009", Source: VoucherReversal, ReversalOf: &id, Date: "2026-11-03"}, "2026-12-01",
			"invalid_state::记-0009 是红字冲销凭证，不能再冲销"},
		{"a closing voucher", Voucher{Number: "记-0010", Source: VoucherClosing, Date: "2026-11-30"}, "2026-12-01",
			"invalid_state::结账凭证随反结账撤销，不能冲销"},
		{"a document's voucher", Voucher{Number: "记-0002", Source: DocSalesShipment, SourceNo: "XS-1", Date: "2026-11-03"}, "2026-12-01",
			"invalid_state::记-0002 由 XS-1 生成，请通过退货或新单据更正"},
		{"reversed already", Voucher{Number: "记-0001", Source: VoucherManual, ReversedBy: &id, Date: "2026-11-03"}, "2026-12-01",
			"invalid_state::凭证已被冲销"},
	}
	for _, c := range cases {
		booksWantErr(t, c.name, c.v.CheckReversible(c.date), c.err)
	}
}

func TestVoucherCheckManual(t *testing.T) {
	ok := []VoucherLine{booksLine(1, "d:1"), booksLine(2, "c:1")}
	for _, c := range []struct {
		attachments int
		lines       []VoucherLine
		err         string
	}{
		{0, ok, ""}, {999, ok, ""},
		{-1, ok, "validation_failed:attachments:附单据数应在 0–999 之间"},
		{1000, nil, "validation_failed:attachments:"},
		{1, []VoucherLine{booksLine(1, "d:0.001"), booksLine(2, "c:0.001")}, "validation_failed:lines[0].debit:最多保留 2 位小数"},
	} {
		v := Voucher{Date: "2026-11-28", Attachments: c.attachments, Lines: append([]VoucherLine(nil), c.lines...)}
		booksWantErr(t, fmt.Sprint(c.attachments), v.CheckManual(), c.err)
	}
}

func TestTemplateBook(t *testing.T) {
	var receipt VoucherTemplate
	for _, tpl := range StandardTemplates() {
		if tpl.Event == EventPurchaseReceipt {
			receipt = tpl
		}
	}
	ids := map[string]int64{"1405": 1, "5401": 2, "22210101": 3, "2202": 4}
	account := func(code string) int64 { return ids[code] }
	pid := int64(9)
	v := &Voucher{Date: "2026-11-28", Source: DocPurchaseReceipt, Remark: "采购入库 RK-1"}
	ok, err := receipt.Book(v, DocAmounts{Amount: booksDec("100.01"), Tax: booksDec("13"), Stock: booksDec("100.01")}, account, &pid, 0)
	if err != nil || !ok || len(v.Lines) != 3 || v.Period != "2026-11" || !v.Debit.Equal(booksDec("113.01")) {
		t.Fatalf("booked %v %v: %+v", ok, err, v)
	}
	// Amounts are rounded to 分 where they are created (the posting, the
	// document's lines): an amount that reaches Book unrounded is a bug,
	// refused rather than rounded in the voucher, where 1405 would drift
	// from the stock.
	frac := &Voucher{Date: "2026-11-28", Source: DocPurchaseReceipt, Remark: "采购入库 RK-3"}
	if ok, err := receipt.Book(frac, DocAmounts{Amount: booksDec("100.005"), Tax: booksDec("13"), Stock: booksDec("100.005")}, account, &pid, 0); ok || err == nil {
		t.Fatalf("booked four places: %v %v", ok, err)
	}
	// Worth nothing: nothing booked, no error.
	z := &Voucher{Date: "2026-11-28", Remark: "采购入库 RK-2"}
	if ok, err := receipt.Book(z, DocAmounts{}, account, &pid, 0); ok || err != nil {
		t.Fatalf("a zero document booked: %v %v", ok, err)
	}
	// A template line whose account is gone: the voucher is refused.
	ids["2202"] = 0
	if ok, err := receipt.Book(&Voucher{Date: "2026-11-28"}, DocAmounts{Amount: booksDec("1"), Stock: booksDec("1")}, account, nil, 0); ok ||
		AsError(err) == nil || AsError(err).Field != "lines[1].account_id" {
		t.Fatalf("no account: %v %v", ok, err)
	}
}
