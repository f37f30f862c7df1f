package domain

import "testing"

func TestBookingOf(t *testing.T) {
	cases := []struct {
		typ, invoice string
		event        string
		amount, tax  string
		uninvoiced   bool
	}{
		{DocPurchaseReceipt, "", EventPurchaseReceipt, "100", "13", false},
		{DocPurchaseReturn, "", EventPurchaseReturn, "-100", "-13", false},
		{DocSalesShipment, "", EventSalesShipment, "100", "13", false},
		{DocSalesReturn, "", EventSalesReturn, "-100", "-13", false},
		{DocPurchaseReceipt, InvoicePending, EventPurchaseEstimate, "100", "0", true},
		{DocPurchaseReturn, InvoicePending, EventPurchaseEstimate, "-100", "0", true},
		{DocSalesShipment, InvoicePending, EventSalesUninvoiced, "100", "0", true},
		{DocSalesReturn, InvoicePending, EventSalesUninvoiced, "-100", "0", true},
		{DocSalesShipment, InvoiceInvoiced, EventSalesShipment, "100", "13", false}, // invoiced since: booked as it was
	}
	for _, c := range cases {
		b := BookingOf(&StockDoc{Type: c.typ, InvoiceStatus: c.invoice, Amount: booksDec("100"), TaxAmount: booksDec("13")})
		if b.Event != c.event || !b.Amount.Equal(booksDec(c.amount)) || !b.Tax.Equal(booksDec(c.tax)) || b.Uninvoiced != c.uninvoiced {
			t.Errorf("%s/%s: %+v", c.typ, c.invoice, b)
		}
	}
}

func TestBillStatus(t *testing.T) {
	billed, pending := &StockDoc{}, &StockDoc{InvoiceStatus: InvoicePending}
	invoiced := &StockDoc{InvoiceStatus: InvoiceInvoiced}
	for _, c := range []struct {
		name   string
		src    *StockDoc
		billAt string
		want   string
	}{
		{"new document, billed at posting", nil, "", ""},
		{"new document, billed at invoice", nil, BillAtInvoice, InvoicePending},
		{"return of a billed document, setting now invoice", billed, BillAtInvoice, ""},
		{"return of a document waiting for its invoice", pending, "", InvoicePending},
		{"return of an invoiced document: a red invoice", invoiced, "", InvoicePending},
	} {
		if got := BillStatus(c.src, c.billAt); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
