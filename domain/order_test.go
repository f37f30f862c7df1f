package domain

import (
	"strings"
	"testing"
)

// validOrder is a sales order that passes Validate; each case breaks one
// thing.
func validOrder() *Order {
	exp := "2026-12-20"
	return &Order{Type: DocSalesOrder, PartnerID: 1, WarehouseID: 3, OrderDate: "2026-12-07", ExpectedDate: &exp, Remark: "加急",
		Lines: []OrderLine{
			{ProductID: 1, Qty: orderQty("3"), UnitPrice: orderQty("19.99"), TaxRate: orderQty("0.13"), DiscountRate: orderQty("0.1")},
			{ProductID: 2, Qty: orderQty("1.5"), UnitPrice: orderQty("100"), TaxRate: orderQty("0.09")},
		}}
}

func TestOrderValidate(t *testing.T) {
	bad := "2026-13-01"
	tests := []struct {
		name  string
		edit  func(o *Order)
		field string // "" means valid
	}{
		{"valid", func(o *Order) {}, ""},
		{"no expected date", func(o *Order) { o.ExpectedDate = nil }, ""},
		{"unknown type", func(o *Order) { o.Type = "quote" }, "type"},
		{"no partner", func(o *Order) { o.PartnerID = 0 }, "partner_id"},
		{"no warehouse", func(o *Order) { o.WarehouseID = 0 }, "warehouse_id"},
		{"bad order date", func(o *Order) { o.OrderDate = "07/12/2026" }, "order_date"},
		{"bad expected date", func(o *Order) { o.ExpectedDate = &bad }, "expected_date"},
		{"expected before ordered", func(o *Order) { d := "2026-12-06"; o.ExpectedDate = &d }, "expected_date"},
		{"expected the day ordered", func(o *Order) { d := "2026-12-07"; o.ExpectedDate = &d }, ""},
		{"ordered in year 0", func(o *Order) { o.OrderDate = "0000-01-01"; o.ExpectedDate = nil }, "order_date"},
		{"expected in 9999", func(o *Order) { d := "9999-12-31"; o.ExpectedDate = &d }, "expected_date"},
		{"remark too long", func(o *Order) { o.Remark = strings.Repeat("长", 501) }, "remark"},
		{"no lines", func(o *Order) { o.Lines = nil }, "lines"},
		{"too many lines", func(o *Order) { o.Lines = make([]OrderLine, 2001) }, "lines"},
		{"no product", func(o *Order) { o.Lines[1].ProductID = 0 }, "lines[1].product_id"},
		{"zero qty", func(o *Order) { o.Lines[0].Qty = Zero }, "lines[0].qty"},
		{"negative price", func(o *Order) { o.Lines[0].UnitPrice = orderQty("-1") }, "lines[0].unit_price"},
		{"price too precise", func(o *Order) { o.Lines[0].UnitPrice = orderQty("1.0000001") }, "lines[0].unit_price"},
		{"negative tax", func(o *Order) { o.Lines[0].TaxRate = orderQty("-0.01") }, "lines[0].tax_rate"},
		{"tax over 1", func(o *Order) { o.Lines[0].TaxRate = orderQty("1.01") }, "lines[0].tax_rate"},
		{"discount of all", func(o *Order) { o.Lines[0].DiscountRate = orderQty("1") }, "lines[0].discount_rate"},
		{"discount too precise", func(o *Order) { o.Lines[0].DiscountRate = orderQty("0.12345") }, "lines[0].discount_rate"},
		{"line remark too long", func(o *Order) { o.Lines[0].Remark = strings.Repeat("长", 201) }, "lines[0].remark"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := validOrder()
			tt.edit(o)
			err := o.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			de := AsError(err)
			if de == nil || de.Code != CodeValidation || de.Field != tt.field {
				t.Fatalf("got %v, want validation_failed on %s", err, tt.field)
			}
		})
	}
}

func TestOrderTotals(t *testing.T) {
	o := validOrder()
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	// 3 × 19.99 × 0.9 = 53.973 → 53.97, VAT 7.0161 → 7.02; 1.5 × 100 = 150, VAT 13.50.
	want := [][3]string{{"53.97", "7.02", "60.99"}, {"150", "13.5", "163.5"}}
	for i, l := range o.Lines {
		if !l.Amount.Equal(orderQty(want[i][0])) || !l.TaxAmount.Equal(orderQty(want[i][1])) || !l.Total.Equal(orderQty(want[i][2])) {
			t.Fatalf("line %d: %s %s %s", i, l.Amount, l.TaxAmount, l.Total)
		}
	}
	if !o.Amount.Equal(orderQty("203.97")) || !o.TaxAmount.Equal(orderQty("20.52")) || !o.Total.Equal(orderQty("224.49")) {
		t.Fatalf("totals %s %s %s", o.Amount, o.TaxAmount, o.Total)
	}
	if !o.Lines[0].NetUnitPrice().Equal(orderQty("17.991")) {
		t.Fatal(o.Lines[0].NetUnitPrice())
	}
}

func TestOrderLineQuantities(t *testing.T) {
	l := OrderLine{Qty: orderQty("10"), ReceivedQty: orderQty("4"), ShippedQty: orderQty("7")}
	if !l.OpenQty(DocPurchaseOrder).Equal(orderQty("6")) || !l.OpenQty(DocSalesOrder).Equal(orderQty("3")) {
		t.Fatalf("open %s %s", l.OpenQty(DocPurchaseOrder), l.OpenQty(DocSalesOrder))
	}
}

func TestStockDocMoney(t *testing.T) {
	d := StockDoc{Lines: []StockDocLine{{Qty: orderQty("3")}, {Qty: orderQty("0.5")}}}
	d.Lines[0].PriceLine(orderQty("17.991"), orderQty("0.13"))
	d.Lines[0].CostAmount = orderQty("30.5")
	d.Lines[1].PriceLine(orderQty("9.99"), orderQty("0"))
	d.Sum()
	// 53.973 → 53.97, VAT 7.02; 4.995 → 5.00 (half away from zero).
	if !d.Amount.Equal(orderQty("58.97")) || !d.TaxAmount.Equal(orderQty("7.02")) || !d.Total.Equal(orderQty("65.99")) || !d.CostAmount.Equal(orderQty("30.5")) {
		t.Fatalf("%s %s %s %s", d.Amount, d.TaxAmount, d.Total, d.CostAmount)
	}
}

func TestCheckMoveLines(t *testing.T) {
	exp, bad := "2027-01-01", "2027-02-30"
	tests := []struct {
		name  string
		lines []MoveLine
		field string
	}{
		{"valid", []MoveLine{{LineID: 1, Qty: orderQty("1"), Batch: "A", Expiry: &exp}, {LineID: 1, Qty: orderQty("2"), Batch: "B"}}, ""},
		{"none", nil, "lines"},
		{"too many", make([]MoveLine, 2001), "lines"},
		{"no line", []MoveLine{{Qty: orderQty("1")}}, "lines[0].order_line_id"},
		{"same line and batch twice", []MoveLine{{LineID: 1, Qty: orderQty("1")}, {LineID: 1, Qty: orderQty("1")}}, "lines[1].order_line_id"},
		{"zero qty", []MoveLine{{LineID: 1, Qty: Zero}}, "lines[0].qty"},
		{"bad expiry", []MoveLine{{LineID: 1, Qty: orderQty("1"), Expiry: &bad}}, "lines[0].expiry"},
		{"padded batch", []MoveLine{{LineID: 1, Qty: orderQty("1"), Batch: " A"}}, "lines[0].batch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckMoveLines(tt.lines, "order_line_id")
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if de := AsError(err); de == nil || de.Field != tt.field {
				t.Fatalf("got %v, want %s", err, tt.field)
			}
		})
	}
}

func TestCheckCredit(t *testing.T) {
	tests := []struct {
		name                string
		limit, open, total  string
		refused             bool
		exceededBy, message string
	}{
		{"no limit", "0", "1000000", "1", false, "", ""},
		{"within", "1000", "400", "600", false, "", ""},
		{"over", "1000", "400", "600.01", true, "0.01", "客户 华东商贸 超出信用额度: 额度 1000.00，未收款 400.00，本单 600.01"},
		{"a prepayment lowers what is owed", "1000", "-200", "1150", false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckCredit(Partner{Name: "华东商贸", CreditLimit: orderQty(tt.limit)}, orderQty(tt.open), orderQty(tt.total))
			if !tt.refused {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			de := AsError(err)
			if de == nil || de.Code != "credit_limit_exceeded" || de.Kind != KindInvalid || de.Message != tt.message || de.Details["exceeded_by"] != tt.exceededBy {
				t.Fatalf("got %v %v", err, de)
			}
		})
	}
}

func TestStatusNames(t *testing.T) {
	for _, s := range allOrderStates {
		if StatusName(s) == s {
			t.Fatalf("state %s has no name", s)
		}
	}
	if StatusName("posted") != "已过账" || StatusName("odd") != "odd" {
		t.Fatal(StatusName("posted"), StatusName("odd"))
	}
	o := Order{Type: DocPurchaseOrder, Number: "PO20261123-0001"}
	if o.Label() != "采购订单 PO20261123-0001" {
		t.Fatal(o.Label())
	}
}
