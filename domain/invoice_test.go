package domain

import (
	"strings"
	"testing"
	"time"
)

func TestInvoiceTypes(t *testing.T) {
	cases := []struct{ typ, doc, ret, kind string }{
		{DocSalesInvoice, DocSalesShipment, DocSalesReturn, ItemAR},
		{DocPurchaseInvoice, DocPurchaseReceipt, DocPurchaseReturn, ItemAP},
	}
	for _, c := range cases {
		if doc, ret := InvoiceDocTypes(c.typ); doc != c.doc || ret != c.ret || InvoiceKind(c.typ) != c.kind {
			t.Fatalf("%s: %s %s %s", c.typ, doc, ret, InvoiceKind(c.typ))
		}
		expectFieldErr(t, CheckInvoiceType(c.typ), "", "")
	}
	expectFieldErr(t, CheckInvoiceType("money_receipt"), "type", "未知发票类型")
}

func TestInvoiceValidate(t *testing.T) {
	const today = "2026-03-15"
	ids := func(n int) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(i + 1)
		}
		return out
	}
	cases := []struct {
		name  string
		inv   Invoice
		docs  []int64
		field string
		msg   string
	}{
		{"paper invoice", Invoice{Type: DocSalesInvoice, InvoiceNo: "04400001"}, ids(1), "", ""},
		{"全电 with a date", Invoice{Type: DocPurchaseInvoice, InvoiceNo: "24000000000000000001", Date: "2026-03-01"}, ids(3), "", ""},
		{"supplier's own number", Invoice{Type: DocPurchaseInvoice, InvoiceNo: "INV-2026-7"}, ids(MaxInvoiceDocs), "", ""},
		{"unknown type", Invoice{Type: "order", InvoiceNo: "1"}, ids(1), "type", "未知发票类型"},
		{"no number", Invoice{Type: DocSalesInvoice, InvoiceNo: "  "}, ids(1), "invoice_no", "发票号码必填"},
		{"blank inside", Invoice{Type: DocSalesInvoice, InvoiceNo: "12 34"}, ids(1), "invoice_no", "发票号码必填"},
		{"too long", Invoice{Type: DocSalesInvoice, InvoiceNo: strings.Repeat("1", 33)}, ids(1), "invoice_no", "32 位"},
		{"tomorrow", Invoice{Type: DocSalesInvoice, InvoiceNo: "1", Date: "2026-03-16"}, ids(1), "date", "晚于今天"},
		{"bad date", Invoice{Type: DocSalesInvoice, InvoiceNo: "1", Date: "2026/03/01"}, ids(1), "date", "YYYY-MM-DD"},
		{"no documents", Invoice{Type: DocSalesInvoice, InvoiceNo: "1"}, nil, "doc_ids", "1–500"},
		{"too many", Invoice{Type: DocSalesInvoice, InvoiceNo: "1"}, ids(MaxInvoiceDocs + 1), "doc_ids", "1–500"},
		{"twice", Invoice{Type: DocSalesInvoice, InvoiceNo: "1"}, []int64{4, 5, 4}, "doc_ids[2]", "单据 4 重复"},
		{"remark too long", Invoice{Type: DocSalesInvoice, InvoiceNo: "1", Remark: strings.Repeat("票", MaxRemark+1)}, ids(1), "remark", "255"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv := c.inv
			expectFieldErr(t, inv.Validate(today, c.docs), c.field, c.msg)
		})
	}
	inv := Invoice{Type: DocSalesInvoice, InvoiceNo: " 0440 ", Remark: " 三月 "}
	if err := inv.Validate(today, []int64{1}); err != nil || inv.Date != today || inv.InvoiceNo != "0440" || inv.Remark != "三月" {
		t.Fatalf("defaults: %+v, %v", inv, err)
	}
}

func TestInvoiceCover(t *testing.T) {
	cus := Partner{ID: 7, Name: "华东贸易"}
	at := func(day string) time.Time {
		tm, _ := ParseLocalDate("d", day)
		return tm.Add(23 * time.Hour) // late in the Shanghai day: still that day
	}
	pending := map[int64]StockDoc{
		1: {ID: 1, Type: DocSalesShipment, Number: "SH-1", PartnerID: 7, Amount: d("100"), TaxAmount: d("13"), PostedAt: at("2026-03-01")},
		2: {ID: 2, Type: DocSalesReturn, Number: "SR-1", PartnerID: 7, Amount: d("30"), TaxAmount: d("3.9"), PostedAt: at("2026-03-02")},
		3: {ID: 3, Type: DocSalesShipment, Number: "SH-2", PartnerID: 8, Amount: d("1"), TaxAmount: d("0"), PostedAt: at("2026-03-01")},
		4: {ID: 4, Type: DocSalesShipment, Number: "SH-3", PartnerID: 7, Amount: d("30"), TaxAmount: d("3.9"), PostedAt: at("2026-03-10")},
	}
	cases := []struct {
		name               string
		docs               []int64
		field, msg         string
		amount, tax, total string
		lines              int
	}{
		{"shipment and return", []int64{1, 2}, "", "", "70", "9.1", "79.1", 2},
		{"red invoice", []int64{2}, "", "", "-30", "-3.9", "-33.9", 1},
		{"nets to zero", []int64{2, 4}, "", "", "0", "0", "0", 2},
		{"not waiting", []int64{1, 9}, "doc_ids[1]", "单据 9 不是待开票的销售出库单或销售退货单", "", "", "", 0},
		{"someone else's", []int64{3}, "doc_ids[0]", "SH-2 不是 华东贸易 的单据", "", "", "", 0},
		{"posted after the invoice", []int64{1, 4}, "date", "SH-3 于 2026-03-10 过账", "", "", "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv := Invoice{Type: DocSalesInvoice, Date: "2026-03-05"}
			if c.name == "nets to zero" {
				inv.Date = "2026-03-10"
			}
			err := inv.Cover(c.docs, pending, cus)
			expectFieldErr(t, err, c.field, c.msg)
			if err != nil {
				return
			}
			mustEq(t, "amount", inv.Amount, d(c.amount))
			mustEq(t, "tax", inv.Tax, d(c.tax))
			mustEq(t, "total", inv.Total, d(c.total))
			if len(inv.Lines) != c.lines || inv.Lines[0].DocID != c.docs[0] {
				t.Fatalf("lines %+v", inv.Lines)
			}
		})
	}
}
