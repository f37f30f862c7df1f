package domain

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// expectFieldErr checks that err is a validation error on field (want ""
// means no error) whose message contains msg.
func expectFieldErr(t *testing.T, err error, field, msg string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	e := AsError(err)
	if e == nil || e.Code != CodeValidation || e.Field != field || !strings.Contains(e.Message, msg) {
		t.Fatalf("err = %v, want validation on %s containing %q", err, field, msg)
	}
}

func TestMoneyKind(t *testing.T) {
	for typ, want := range map[string]string{DocMoneyReceipt: ItemAR, DocMoneyPayment: ItemAP} {
		if got, err := MoneyKind(typ); err != nil || got != want {
			t.Fatalf("MoneyKind(%s) = %s, %v", typ, got, err)
		}
	}
	_, err := MoneyKind("sales_order")
	expectFieldErr(t, err, "type", "未知收付款类型")
	if ItemKindName(ItemAR) != "应收" || ItemKindName(ItemAP) != "应付" {
		t.Fatal("kind names")
	}
}

func TestCheckNotFuture(t *testing.T) {
	const today = "2026-03-15"
	cases := []struct{ date, field, msg string }{
		{"2026-03-15", "", ""},
		{"2025-12-31", "", ""},
		{"2026-03-16", "date", "晚于今天"},
		{"2026-3-1", "date", "YYYY-MM-DD"},
		{"", "date", "YYYY-MM-DD"},
	}
	for _, c := range cases {
		expectFieldErr(t, CheckNotFuture("date", c.date, today), c.field, c.msg)
	}
}

func TestMoneyDocValidate(t *testing.T) {
	const today = "2026-03-15"
	long := strings.Repeat("备", MaxRemark+1)
	cases := []struct {
		name   string
		m      MoneyDoc
		allocs []decimal.Decimal
		field  string
		msg    string
	}{
		{"plain", MoneyDoc{Amount: d("100"), Date: "2026-03-01"}, nil, "", ""},
		{"allocated in full", MoneyDoc{Amount: d("100")}, []decimal.Decimal{d("60"), d("40")}, "", ""},
		{"tomorrow", MoneyDoc{Amount: d("1"), Date: "2026-03-16"}, nil, "date", "晚于今天"},
		{"bad date", MoneyDoc{Amount: d("1"), Date: "15/03/2026"}, nil, "date", "YYYY-MM-DD"},
		{"zero", MoneyDoc{Amount: d("0")}, nil, "amount", "大于零"},
		{"negative", MoneyDoc{Amount: d("-5")}, nil, "amount", "大于零"},
		{"below a fen", MoneyDoc{Amount: d("1.001")}, nil, "amount", "2 位小数"},
		{"remark too long", MoneyDoc{Amount: d("1"), Remark: long}, nil, "remark", "255"},
		{"zero allocation", MoneyDoc{Amount: d("10")}, []decimal.Decimal{d("5"), d("0")}, "allocations[1].amount", "大于零"},
		{"allocation below a fen", MoneyDoc{Amount: d("10")}, []decimal.Decimal{d("0.005")}, "allocations[0].amount", "2 位小数"},
		{"over-allocated", MoneyDoc{Amount: d("10")}, []decimal.Decimal{d("6"), d("4.01")}, "allocations", "核销合计 10.01 超过金额 10.00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := c.m
			expectFieldErr(t, m.Validate(today, c.allocs), c.field, c.msg)
		})
	}
	m := MoneyDoc{Amount: d("1"), Remark: "  定金  "}
	if err := m.Validate(today, nil); err != nil || m.Date != today || m.Remark != "定金" {
		t.Fatalf("defaults: %+v, %v", m, err)
	}
}

func TestOpenItemCheckSettle(t *testing.T) {
	cus := Partner{ID: 7, Name: "华东贸易"}
	due := OpenItem{ID: 3, PartnerID: 7, Kind: ItemAR, DocNumber: "SH-1", Amount: d("100"), Open: d("40")}
	other := due
	other.PartnerID = 8
	payable := due
	payable.Kind = ItemAP
	credit := due
	credit.Amount, credit.Open = d("-50"), d("-50")
	cases := []struct {
		name   string
		it     OpenItem
		amount string
		field  string
		msg    string
	}{
		{"open enough", due, "40", "", ""},
		{"part", due, "0.01", "", ""},
		{"more than open", due, "40.01", "allocations[0].amount", "SH-1 未核销余额只有 40.00"},
		{"someone else's", other, "1", "allocations[0].open_item_id", "待核销项 3 不是 华东贸易 的应收"},
		{"wrong ledger", payable, "1", "allocations[0].open_item_id", "不是 华东贸易 的应收"},
		{"a credit", credit, "1", "allocations[0].open_item_id", "不是"},
		{"missing", OpenItem{ID: 99}, "1", "allocations[0].open_item_id", "待核销项 99"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			expectFieldErr(t, c.it.CheckSettle("allocations[0]", cus, ItemAR, d(c.amount)), c.field, c.msg)
		})
	}
}

func TestSettledBy(t *testing.T) {
	allocs := []Allocation{{CreditItemID: 5, Amount: d("10")}, {CreditItemID: 4, Amount: d("7")}, {CreditItemID: 5, Amount: d("2.5")}}
	mustEq(t, "settled by 5", SettledBy(allocs, 5), d("12.5"))
	mustEq(t, "settled by 6", SettledBy(allocs, 6), d("0"))
	mustEq(t, "nothing", SettledBy(nil, 5), d("0"))
}

func TestMoneyAccount(t *testing.T) {
	byCode := map[string]Account{
		"1001": {ID: 1, Code: "1001"}, "1002": {ID: 2, Code: "1002"}, "100201": {ID: 21, Code: "100201"},
		"1122": {ID: 30, Code: "1122"}, "1012": {ID: 12, Code: "1012"},
	}
	leaves := map[int64]Account{1: byCode["1001"], 21: byCode["100201"], 30: byCode["1122"], 12: byCode["1012"]}
	withCash := func(code string) VoucherTemplate {
		return VoucherTemplate{Lines: []TemplateLine{{Account: code, Amount: AmtMoney}, {Account: "1122", Amount: AmtSettled}}}
	}
	id := func(v int64) *int64 { return &v }
	cases := []struct {
		name  string
		tpl   VoucherTemplate
		id    *int64
		code  string
		want  int64
		field string
		msg   string
	}{
		{"the template's cash line", withCash("100201"), nil, "", 21, "", ""},
		{"by id", withCash("100201"), id(1), "", 1, "", ""},
		{"by code", withCash("100201"), nil, "1012", 12, "", ""},
		{"both", withCash("100201"), id(1), "1001", 0, "account_code", "只填一个"},
		{"unknown code", withCash("100201"), nil, "9999", 0, "account_code", "科目 9999 不存在"},
		{"not cash, by id", withCash("100201"), id(30), "", 0, "account_id", "收付款账户"},
		{"not cash, by code", withCash("100201"), nil, "1122", 0, "account_code", "收付款账户"},
		{"not a leaf", withCash("100201"), nil, "1002", 0, "account_code", "末级科目"},
		{"no cash line: 1002, not a leaf", VoucherTemplate{}, nil, "", 0, "account_id", "末级科目"},
		{"unknown id", withCash("100201"), id(404), "", 0, "account_id", "收付款账户"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := MoneyAccount(c.tpl, byCode, leaves, c.id, c.code)
			expectFieldErr(t, err, c.field, c.msg)
			if got != c.want {
				t.Fatalf("account %d, want %d", got, c.want)
			}
		})
	}
}

func TestDueDateAndAging(t *testing.T) {
	if got := DueDate("2026-01-31", 30); got != "2026-03-02" {
		t.Fatalf("due %s", got)
	}
	if got := DueDate("bad", 30); got != "bad" {
		t.Fatalf("bad date kept: %s", got)
	}
	cases := []struct {
		due, asOf string
		want      int
	}{
		{"2026-03-15", "2026-03-15", 0}, {"2026-03-14", "2026-03-15", 1}, {"2026-02-13", "2026-03-15", 1},
		{"2026-02-12", "2026-03-15", 2}, {"2026-01-14", "2026-03-15", 2}, {"2026-01-13", "2026-03-15", 3}, {"2025-12-01", "2026-03-15", 4},
		{"x", "2026-03-15", 0},
	}
	for _, c := range cases {
		if got := AgingBucket(c.due, c.asOf); got != c.want {
			t.Fatalf("AgingBucket(%s, %s) = %d, want %d", c.due, c.asOf, got, c.want)
		}
	}
}

// A receipt's date is a business date in Shanghai: just after midnight
// there is already the next day.
func TestCheckNotFutureShanghaiDay(t *testing.T) {
	now := time.Date(2026, 3, 15, 16, 30, 0, 0, time.UTC) // 00:30 on the 16th in Shanghai
	expectFieldErr(t, CheckNotFuture("date", "2026-03-16", LocalDate(now)), "", "")
}

func TestOpenBefore(t *testing.T) {
	items := func() []OpenItem {
		return []OpenItem{
			{ID: 1, Amount: d("100"), Open: d("0")},   // settled by 3 after the day
			{ID: 2, Amount: d("50"), Open: d("20")},   // part settled after the day
			{ID: 3, Amount: d("-130"), Open: d("0")},  // the receipt that settled them
			{ID: 4, Amount: d("80"), Open: d("80")},   // untouched
			{ID: 5, Amount: d("-10"), Open: d("-10")}, // an unused credit
			{ID: 6, Amount: d("30"), Open: d("0")},    // settled before the day: stays out
		}
	}
	later := []Allocation{{DebitItemID: 1, CreditItemID: 3, Amount: d("100")}, {DebitItemID: 2, CreditItemID: 3, Amount: d("30")}}
	got := OpenBefore(items(), later)
	want := map[int64]string{1: "100", 2: "50", 3: "-130", 4: "80", 5: "-10"}
	if len(got) != len(want) {
		t.Fatalf("items %+v", got)
	}
	for _, it := range got {
		mustEq(t, "open", it.Open, d(want[it.ID]))
	}
	// Nothing later: only the open ones stay.
	if got := OpenBefore(items(), nil); len(got) != 3 || got[0].ID != 2 || got[1].ID != 4 || got[2].ID != 5 {
		t.Fatalf("without later allocations: %+v", got)
	}
}

func TestPartnerItemKinds(t *testing.T) {
	cases := map[string][]string{PartnerCustomer: {ItemAR}, PartnerSupplier: {ItemAP}, PartnerBoth: {ItemAR, ItemAP}}
	for typ, want := range cases {
		got := Partner{Type: typ}.ItemKinds()
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("%s: %v, want %v", typ, got, want)
		}
	}
}
