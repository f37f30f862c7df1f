package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCheckEditable(t *testing.T) {
	cases := []struct {
		status string
		ok     bool
	}{{DocDraft, true}, {DocPosted, false}, {DocCancelled, false}, {"", false}}
	for _, c := range cases {
		err := DocHeader{Number: "TR20261123-0001", Status: c.status}.CheckEditable()
		if c.ok {
			if err != nil {
				t.Errorf("%q: CheckEditable = %v", c.status, err)
			}
			continue
		}
		e := AsError(err)
		if !errors.Is(err, ErrInvalidState) || e.Kind != KindConflict || !strings.Contains(e.Message, "TR20261123-0001") {
			t.Errorf("%q: CheckEditable = %v, want invalid_state naming the document", c.status, err)
		}
	}
}

func TestCheckVersionOptimistic(t *testing.T) {
	cases := []struct {
		have, sent int
		ok         bool
	}{
		{3, 3, true},
		{3, 0, true}, // the client did not send one: no check
		{3, 2, false},
		{3, 4, false},
		{1, -1, false},
	}
	for _, c := range cases {
		err := CheckVersion(c.have, c.sent)
		if c.ok != (err == nil) {
			t.Errorf("CheckVersion(%d, %d) = %v", c.have, c.sent, err)
		}
		if err != nil && (!errors.Is(err, ErrVersionConflict) || ErrorKind(err) != KindConflict) {
			t.Errorf("CheckVersion(%d, %d) = %v, want version_conflict", c.have, c.sent, err)
		}
	}
}

func TestOpeningValidate(t *testing.T) {
	expiry, badExpiry := "2027-06-30", "2027/06/30"
	line := func(qty, cost string) OpeningLine { return OpeningLine{ProductID: 1, Qty: d(qty), UnitCost: d(cost)} }
	many := make([]OpeningLine, 5001)
	for i := range many {
		many[i] = line("1", "1")
	}
	cases := []struct {
		name       string
		lines      []OpeningLine
		warehouse  int64
		wantField  string
		wantAmount string // of the first line, when valid
	}{
		{"amount is qty × cost", []OpeningLine{line("100", "10")}, 1, "", "1000"},
		{"amount rounded to 分", []OpeningLine{line("1.5", "2.123457")}, 1, "", "3.19"},
		{"3 × 0.333333 = 0.999999 rounds to 1", []OpeningLine{line("3", "0.333333")}, 1, "", "1.0000"},
		{"free goods at cost 0", []OpeningLine{line("5", "0")}, 1, "", "0"},
		{"with expiry", []OpeningLine{{ProductID: 1, Qty: d("1"), UnitCost: d("1"), Expiry: &expiry}}, 1, "", "1"},
		{"bad expiry", []OpeningLine{line("1", "1"), {ProductID: 1, Qty: d("1"), UnitCost: d("1"), Expiry: &badExpiry}}, 1, "lines[1].expiry", ""},
		{"no warehouse", []OpeningLine{line("1", "1")}, 0, "warehouse_id", ""},
		{"no lines", nil, 1, "lines", ""},
		{"5001 lines", many, 1, "lines", ""},
		{"no product", []OpeningLine{{Qty: d("1")}}, 1, "lines[0].product_id", ""},
		{"zero qty", []OpeningLine{line("0", "1")}, 1, "lines[0].qty", ""},
		{"negative cost", []OpeningLine{line("1", "-0.01")}, 1, "lines[0].unit_cost", ""},
		{"cost at 7 places", []OpeningLine{line("1", "1.0000001")}, 1, "lines[0].unit_cost", ""},
		// DECIMAL(20,6) for the unit cost, DECIMAL(20,4) for the amount, which
		// is rounded to 分.
		{"largest cost", []OpeningLine{line("1", "99999999999999.994999")}, 1, "", "99999999999999.99"},
		{"largest cost, 2 pieces", []OpeningLine{line("2", "99999999999999.997499")}, 1, "", "199999999999999.99"},
		// 1 × 99999999999999.995 is worth 100000000000000.00 in 分, and so
		// costs 1e14 on the balance: too much for its column.
		{"cost rounded up to 1e14", []OpeningLine{line("1", "99999999999999.995")}, 1, "lines[0].unit_cost", ""},
		{"cost at the limit", []OpeningLine{line("1", "99999999999999.999999")}, 1, "lines[0].unit_cost", ""},
		{"cost of 1e14", []OpeningLine{line("1", "100000000000000")}, 1, "lines[0].unit_cost", ""},
		{"qty of 1e16", []OpeningLine{line("10000000000000000", "0")}, 1, "lines[0].qty", ""},
		{"largest amount", []OpeningLine{line("99999999", "100000000")}, 1, "", "9999999900000000"},
		{"amount of 1e16", []OpeningLine{line("1", "1"), line("100000000", "100000000")}, 1, "lines[1].unit_cost", ""},
		{"amount just under 1e16", []OpeningLine{line("100", "99999999999999.9999")}, 1, "", "9999999999999999.99"},
		{"amount rounding up to 1e16", []OpeningLine{line("999.9999", "10000001000000.1")}, 1, "lines[0].unit_cost", ""},
	}
	for _, c := range cases {
		o := Opening{WarehouseID: c.warehouse, Lines: c.lines}
		err := o.Validate()
		if c.wantField != "" {
			if e := AsError(err); e == nil || e.Field != c.wantField || e.Code != CodeValidation {
				t.Errorf("%s: Validate = %v, want an error on %s", c.name, err, c.wantField)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Validate = %v", c.name, err)
			continue
		}
		if !o.Lines[0].Amount.Equal(d(c.wantAmount)) {
			t.Errorf("%s: amount = %s, want %s", c.name, o.Lines[0].Amount, c.wantAmount)
		}
	}
}

func TestTransferValidate(t *testing.T) {
	lines := []TransferLine{{ProductID: 1, Qty: d("2")}}
	many := make([]TransferLine, 5001)
	for i := range many {
		many[i] = TransferLine{ProductID: int64(i + 1), Qty: d("1")}
	}
	cases := []struct {
		name      string
		tr        Transfer
		wantField string
	}{
		{"valid", Transfer{FromWarehouseID: 1, ToWarehouseID: 2, Lines: lines}, ""},
		{"same product twice is allowed (two batches)", Transfer{FromWarehouseID: 1, ToWarehouseID: 2,
			Lines: []TransferLine{{ProductID: 1, Batch: "A", Qty: d("1")}, {ProductID: 1, Batch: "B", Qty: d("1")}}}, ""},
		{"no source", Transfer{ToWarehouseID: 2, Lines: lines}, "from_warehouse_id"},
		{"no target", Transfer{FromWarehouseID: 1, Lines: lines}, "to_warehouse_id"},
		{"to itself", Transfer{FromWarehouseID: 2, ToWarehouseID: 2, Lines: lines}, "to_warehouse_id"},
		{"no lines", Transfer{FromWarehouseID: 1, ToWarehouseID: 2}, "lines"},
		{"5001 lines", Transfer{FromWarehouseID: 1, ToWarehouseID: 2, Lines: many}, "lines"},
		{"no product", Transfer{FromWarehouseID: 1, ToWarehouseID: 2, Lines: []TransferLine{{Qty: d("1")}}}, "lines[0].product_id"},
		{"negative qty", Transfer{FromWarehouseID: 1, ToWarehouseID: 2, Lines: []TransferLine{{ProductID: 1, Qty: d("-1")}}}, "lines[0].qty"},
		{"remark of 501", Transfer{FromWarehouseID: 1, ToWarehouseID: 2, Lines: lines,
			DocHeader: DocHeader{Remark: strings.Repeat("调", 501)}}, "remark"},
	}
	for _, c := range cases {
		err := c.tr.Validate()
		if c.wantField == "" {
			if err != nil {
				t.Errorf("%s: Validate = %v", c.name, err)
			}
			continue
		}
		if e := AsError(err); e == nil || e.Field != c.wantField || e.Code != CodeValidation {
			t.Errorf("%s: Validate = %v, want an error on %s", c.name, err, c.wantField)
		}
	}
}

func TestStocktakeValidate(t *testing.T) {
	counted := func(pid int64, batch, qty string) StocktakeLine {
		return StocktakeLine{ProductID: pid, Batch: batch, CountedQty: d(qty)}
	}
	many := make([]StocktakeLine, 5001)
	for i := range many {
		many[i] = counted(int64(i+1), "", "1")
	}
	cases := []struct {
		name      string
		lines     []StocktakeLine
		remark    string
		wantField string
	}{
		{"valid", []StocktakeLine{counted(1, "", "10")}, "", ""},
		{"counted zero: everything is gone", []StocktakeLine{counted(1, "", "0")}, "", ""},
		{"one product, two batches", []StocktakeLine{counted(1, "A", "1"), counted(1, "B", "2")}, "", ""},
		{"no lines", nil, "", "lines"},
		{"5001 lines", many, "", "lines"},
		{"no product", []StocktakeLine{counted(0, "", "1")}, "", "lines[0].product_id"},
		{"negative count", []StocktakeLine{counted(1, "", "-1")}, "", "lines[0].counted_qty"},
		{"count at 5 places", []StocktakeLine{counted(1, "", "1.00001")}, "", "lines[0].counted_qty"},
		{"same product twice", []StocktakeLine{counted(1, "", "1"), counted(1, "", "2")}, "", "lines[1].product_id"},
		{"same batch twice", []StocktakeLine{counted(1, "A", "1"), counted(2, "A", "1"), counted(1, "A", "2")}, "", "lines[2].product_id"},
		{"remark of 501", []StocktakeLine{counted(1, "", "1")}, strings.Repeat("盘", 501), "remark"},
	}
	for _, c := range cases {
		s := Stocktake{WarehouseID: 1, Lines: c.lines, DocHeader: DocHeader{Remark: c.remark}}
		err := s.Validate()
		if c.wantField == "" {
			if err != nil {
				t.Errorf("%s: Validate = %v", c.name, err)
			}
			continue
		}
		if e := AsError(err); e == nil || e.Field != c.wantField || e.Code != CodeValidation {
			t.Errorf("%s: Validate = %v, want an error on %s", c.name, err, c.wantField)
		}
	}
	if err := (&Stocktake{Lines: []StocktakeLine{counted(1, "", "1")}}).Validate(); AsError(err) == nil || AsError(err).Field != "warehouse_id" {
		t.Errorf("no warehouse: %v", err)
	}
}

// Every stock document keeps its remark (备注) within the VARCHAR(500)
// column, counted in characters, not bytes: the opening forgot it once.
func TestDocRemarkLength(t *testing.T) {
	validate := map[string]func(remark string) error{
		"opening": func(r string) error {
			o := Opening{WarehouseID: 1, DocHeader: DocHeader{Remark: r}, Lines: []OpeningLine{{ProductID: 1, Qty: d("1"), UnitCost: d("1")}}}
			return o.Validate()
		},
		"transfer": func(r string) error {
			tr := Transfer{FromWarehouseID: 1, ToWarehouseID: 2, DocHeader: DocHeader{Remark: r}, Lines: []TransferLine{{ProductID: 1, Qty: d("1")}}}
			return tr.Validate()
		},
		"stocktake": func(r string) error {
			s := Stocktake{WarehouseID: 1, DocHeader: DocHeader{Remark: r}, Lines: []StocktakeLine{{ProductID: 1, CountedQty: d("1")}}}
			return s.Validate()
		},
	}
	cases := []struct {
		name   string
		remark string
		ok     bool
	}{
		{"empty", "", true},
		{"500 characters (1500 bytes)", strings.Repeat("期", 500), true},
		{"501 characters", strings.Repeat("期", 501), false},
		{"501 ASCII characters", strings.Repeat("a", 501), false},
	}
	for doc, v := range validate {
		for _, c := range cases {
			err := v(c.remark)
			if c.ok {
				if err != nil {
					t.Errorf("%s, remark %s: Validate = %v", doc, c.name, err)
				}
				continue
			}
			if e := AsError(err); e == nil || e.Field != "remark" || e.Code != CodeValidation || e.Kind != KindInvalid {
				t.Errorf("%s, remark %s: Validate = %v, want an error on remark", doc, c.name, err)
			}
		}
	}
}

// Every document type has its own prefix and name; numbers are dated in
// Shanghai time, so a document made at 00:30 in Shanghai (16:30 UTC the day
// before) carries the Shanghai date.
func TestDocumentNumbers(t *testing.T) {
	cases := []struct {
		docType, prefix, name string
	}{
		{DocOpening, "OB", "期初单"},
		{DocTransfer, "TR", "调拨单"},
		{DocStocktake, "ST", "盘点单"},
		{DocPurchaseOrder, "PO", "采购订单"},
		{DocSalesOrder, "SO", "销售订单"},
		{DocPurchaseReceipt, "GR", "采购入库单"},
		{DocSalesShipment, "GI", "销售出库单"},
		{DocPurchaseReturn, "PR", "采购退货单"},
		{DocSalesReturn, "SR", "销售退货单"},
		{DocRequisition, "RQ", "请购单"},
		{DocMoneyReceipt, "SK", "收款单"},
		{DocMoneyPayment, "FK", "付款单"},
		{DocSalesInvoice, "KP", "销售发票"},
		{DocPurchaseInvoice, "SP", "采购发票"},
	}
	seen := map[string]string{}
	for _, c := range cases {
		if got := NumberPrefix(c.docType); got != c.prefix {
			t.Errorf("NumberPrefix(%s) = %s, want %s", c.docType, got, c.prefix)
		}
		if other, dup := seen[c.prefix]; dup {
			t.Errorf("prefix %s used by %s and %s", c.prefix, other, c.docType)
		}
		seen[c.prefix] = c.docType
		if got := DocName(c.docType); got != c.name {
			t.Errorf("DocName(%s) = %s, want %s", c.docType, got, c.name)
		}
	}
	if DocName("voucher") != "单据" {
		t.Errorf("DocName of an unknown type = %s", DocName("voucher"))
	}

	numbers := []struct {
		prefix string
		at     time.Time
		seq    int64
		want   string
	}{
		{"TR", time.Date(2026, 11, 22, 15, 59, 59, 0, time.UTC), 1, "TR20261122-0001"},
		{"TR", time.Date(2026, 11, 22, 16, 0, 0, 0, time.UTC), 1, "TR20261123-0001"},
		{"SO", time.Date(2026, 11, 22, 16, 30, 0, 0, time.UTC), 42, "SO20261123-0042"},
		{"PO", time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), 9999, "PO20270101-9999"},
		{"GI", time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC), 12345, "GI20261123-12345"}, // more than 4 digits: widened, never cut
	}
	for _, c := range numbers {
		if got := FormatNumber(c.prefix, c.at, c.seq); got != c.want {
			t.Errorf("FormatNumber(%s, %s, %d) = %s, want %s", c.prefix, c.at, c.seq, got, c.want)
		}
	}
}

// An unknown document type is a programming error: it must not get a
// number that collides with another type's.
func TestNumberPrefixUnknownPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "voucher") {
			t.Fatalf("recover() = %v, want a panic naming the type", r)
		}
	}()
	NumberPrefix("voucher")
}
