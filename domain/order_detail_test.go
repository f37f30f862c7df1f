package domain

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestProgressOf(t *testing.T) {
	d := decimal.RequireFromString
	cases := []struct {
		name                          string
		typ                           string
		line                          OrderLine
		ordered, done, returned, open string
	}{
		{"untouched purchase", DocPurchaseOrder, OrderLine{Qty: d("10")}, "10", "0", "0", "10"},
		{"partly received and returned", DocPurchaseOrder, OrderLine{Qty: d("10"), ReceivedQty: d("6"), ReturnedQty: d("2")}, "10", "6", "2", "4"},
		{"purchase ignores shipped", DocPurchaseOrder, OrderLine{Qty: d("5"), ShippedQty: d("5")}, "5", "0", "0", "5"},
		{"sales partly shipped", DocSalesOrder, OrderLine{Qty: d("3.5"), ShippedQty: d("1.25"), ReturnedQty: d("0.25")}, "3.5", "1.25", "0.25", "2.25"},
		{"fully shipped", DocSalesOrder, OrderLine{Qty: d("4"), ShippedQty: d("4")}, "4", "4", "0", "0"},
		{"over-received is not negative", DocPurchaseOrder, OrderLine{Qty: d("4"), ReceivedQty: d("5")}, "4", "5", "0", "0"},
	}
	for _, c := range cases {
		p := ProgressOf(c.typ, c.line)
		got := []decimal.Decimal{p.Ordered, p.Done, p.Returned, p.Open}
		want := []string{c.ordered, c.done, c.returned, c.open}
		for i := range got {
			if !got[i].Equal(d(want[i])) {
				t.Errorf("%s: figure %d = %s, want %s", c.name, i, got[i], want[i])
			}
		}
	}
}

func TestSortRelatedDocs(t *testing.T) {
	in := []RelatedDoc{
		{Kind: RelMoney, Type: DocMoneyPayment, Number: "FK1", Date: "2026-11-03"},
		{Kind: RelStock, Type: DocPurchaseReturn, Number: "CT1", Date: "2026-11-02"},
		{Kind: RelInvoice, Type: DocPurchaseInvoice, Number: "SP1", Date: "2026-11-01"},
		{Kind: RelStock, Type: DocPurchaseReceipt, Number: "RK2", Date: "2026-11-01"},
		{Kind: RelStock, Type: DocPurchaseReceipt, Number: "RK1", Date: "2026-11-01"},
		{Kind: RelMoney, Type: DocMoneyPayment, Number: "FK1", Date: "2026-11-03"},
		{Kind: RelStock, Type: DocPurchaseReceipt, Number: "RK0", Date: "2026-10-31", Label: "自定"},
	}
	out := SortRelatedDocs(in)
	want := []struct{ number, label string }{
		{"RK0", "自定"}, {"RK1", "采购入库单"}, {"RK2", "采购入库单"}, {"CT1", "采购退货单"}, {"SP1", "采购发票"}, {"FK1", "付款单"},
	}
	if len(out) != len(want) {
		t.Fatalf("got %d docs, want %d: %+v", len(out), len(want), out)
	}
	for i, w := range want {
		if out[i].Number != w.number || out[i].Label != w.label {
			t.Errorf("doc %d = %s %s, want %s %s", i, out[i].Number, out[i].Label, w.number, w.label)
		}
	}
	if got := SortRelatedDocs(nil); got == nil || len(got) != 0 {
		t.Errorf("nil in: got %#v, want an empty list (JSON [])", got)
	}
}

func TestCopyOrder(t *testing.T) {
	d := decimal.RequireFromString
	exp := "2026-11-20"
	aid := int64(9)
	src := Order{ID: 7, Type: DocSalesOrder, Number: "SO1", Status: OrderPartiallyShipped, PartnerID: 3, WarehouseID: 2,
		OrderDate: "2026-11-01", ExpectedDate: &exp, Remark: "加急", ApprovalID: &aid, CreatedBy: 4, Version: 6,
		Total: d("113"), Lines: []OrderLine{{ID: 11, ProductID: 5, Qty: d("10"), UnitPrice: d("10.123456"), TaxRate: d("0.09"),
			DiscountRate: d("0.1"), ShippedQty: d("4"), ReturnedQty: d("1"), Amount: d("91.11"), Remark: "红色"}}}
	o := CopyOrder(src, 8, "2026-12-08")
	if o.ID != 0 || o.Number != "" || o.Status != OrderDraft || o.ApprovalID != nil || o.ExpectedDate != nil || o.Version != 1 {
		t.Errorf("header carries the source's identity or state: %+v", o)
	}
	if o.Type != DocSalesOrder || o.PartnerID != 3 || o.WarehouseID != 2 || o.OrderDate != "2026-12-08" || o.CreatedBy != 8 || o.Remark != "加急" {
		t.Errorf("header = %+v", o)
	}
	if len(o.Lines) != 1 {
		t.Fatalf("lines = %d", len(o.Lines))
	}
	l := o.Lines[0]
	if l.ID != 0 || l.ProductID != 5 || !l.Qty.Equal(d("10")) || !l.UnitPrice.Equal(d("10.123456")) || !l.DiscountRate.Equal(d("0.1")) || l.Remark != "红色" {
		t.Errorf("line = %+v", l)
	}
	if !l.ShippedQty.IsZero() || !l.ReturnedQty.IsZero() || !l.Amount.IsZero() {
		t.Errorf("line carries progress or amounts: %+v", l)
	}
	// The rate is the product's now, not the source's 9 %.
	l.DefaultTaxRate(d("0.13"))
	if !l.TaxRate.Equal(d("0.13")) {
		t.Errorf("tax rate = %s, want the product's 0.13", l.TaxRate)
	}
	src.Lines[0].Qty = d("99")
	if o.Lines[0].Qty.Equal(d("99")) {
		t.Error("copy shares lines with the source")
	}
}
