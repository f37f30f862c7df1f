package domain

import "github.com/shopspring/decimal"

// StockDocBooking is what a posted receipt, shipment or return tells the
// books: the voucher template's event, the document's money without and
// with VAT (negative for returns: red-letter), and whether it waits for
// its invoice (finance.bill_at = invoice), which then brings the VAT and
// the open item.
type StockDocBooking struct {
	Event       string
	Amount, Tax decimal.Decimal
	Uninvoiced  bool
}

// BookingOf is the books' view of a stock document. One waiting for its
// invoice books without VAT: receipts and purchase returns as 暂估,
// shipments and sales returns as revenue not yet invoiced.
func BookingOf(d *StockDoc) StockDocBooking {
	b := StockDocBooking{Event: d.Type, Amount: d.Amount, Tax: d.TaxAmount}
	if d.Type == DocPurchaseReturn || d.Type == DocSalesReturn {
		b.Amount, b.Tax = b.Amount.Neg(), b.Tax.Neg()
	}
	if d.InvoiceStatus == InvoicePending {
		b.Uninvoiced, b.Tax = true, decimal.Zero
		b.Event = EventSalesUninvoiced
		if d.Type == DocPurchaseReceipt || d.Type == DocPurchaseReturn {
			b.Event = EventPurchaseEstimate
		}
	}
	return b
}

// BillStatus is the invoicing a new stock document starts with: a return
// (src, the document it returns) follows that document's billing, whatever
// the setting is today (billed with it, or invoiced by a red invoice);
// other documents follow finance.bill_at (billAt).
func BillStatus(src *StockDoc, billAt string) string {
	if (src != nil && src.InvoiceStatus != "") || (src == nil && billAt == BillAtInvoice) {
		return InvoicePending
	}
	return ""
}
