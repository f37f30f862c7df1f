package domain

import (
	"time"

	"github.com/shopspring/decimal"
)

// The partner sub-ledgers' rules: which document raises which open item
// (应收/应付), and settlement (核销) of open debits by open credits. The store
// locks, reads and writes the items; these decide.

// OpenItemOf says which sub-ledger a posted document enters and with what
// sign: shipments raise receivables, receipts payables, returns lower them
// (a credit to settle later bills with). Other documents enter none ("").
func OpenItemOf(docType string, total decimal.Decimal) (kind string, amount decimal.Decimal) {
	switch docType {
	case DocSalesShipment:
		return ItemAR, total
	case DocSalesReturn:
		return ItemAR, total.Neg()
	case DocPurchaseReceipt:
		return ItemAP, total
	case DocPurchaseReturn:
		return ItemAP, total.Neg()
	}
	return "", decimal.Zero
}

// RaiseOpenItem is the open item a posted document raises in its partner's
// sub-ledger for total (its amount with tax, positive), with OpenItemOf's
// sign, dated date and due by the partner's payment terms (账期), open for
// all of it. ok is false when the document enters no sub-ledger.
func RaiseOpenItem(doc DocRef, partnerID int64, termsDays int, date string, total decimal.Decimal) (it OpenItem, ok bool) {
	kind, amount := OpenItemOf(doc.Type, total)
	if kind == "" {
		return OpenItem{}, false
	}
	return OpenItem{PartnerID: partnerID, Kind: kind, DocType: doc.Type, DocID: doc.ID, DocNumber: doc.Number,
		Date: date, DueDate: DueDate(date, termsDays), Amount: amount, Open: amount}, true
}

// Settle allocates amount of debit item d (what is owed) by credit item c
// (a receipt, payment or return not yet set against a bill) (核销), at at:
// both of one partner and kind, amount positive and within what each has
// open. The new open amounts are set on d and c.
func Settle(d, c *OpenItem, amount decimal.Decimal, at time.Time) (Allocation, error) {
	switch {
	case d.PartnerID != c.PartnerID || d.Kind != c.Kind:
		return Allocation{}, Invalid("open_item_id", "核销双方应是同一往来单位的同类款项")
	case !amount.IsPositive():
		return Allocation{}, Invalid("amount", "核销金额必须大于零")
	case amount.GreaterThan(d.Open):
		return Allocation{}, Invalid("amount", "%s 未核销余额只有 %s", d.DocNumber, d.Open.StringFixed(2))
	case amount.GreaterThan(c.Open.Neg()):
		return Allocation{}, Invalid("amount", "%s 可核销余额只有 %s", c.DocNumber, c.Open.Neg().StringFixed(2))
	}
	d.Open, c.Open = d.Open.Sub(amount), c.Open.Add(amount)
	return Allocation{DebitItemID: d.ID, CreditItemID: c.ID, Amount: amount, CreatedAt: at, CreditDocType: c.DocType}, nil
}

// Settlement is one allocation of SettleFIFO with the two items' open
// amounts after it, which the store writes.
type Settlement struct {
	Allocation
	DebitOpen, CreditOpen decimal.Decimal
}

// SettleFIFO settles a partner's open credits against its open debits of
// one kind (自动核销): each credit in turn, oldest due first, takes the
// debits in order, oldest due first, as far as it reaches; a debit may be
// settled partly and finished by the next credit. A prepayment or advance
// (预收/预付: a money document's credit) is used up like any other credit.
// items are the partner's unsettled items of the kind in (due date, id)
// order; their Open amounts are updated. Settlements come in the order they
// were made.
func SettleFIFO(items []OpenItem, at time.Time) []Settlement {
	var debits, credits []*OpenItem
	for i := range items {
		switch {
		case items[i].Open.IsPositive():
			debits = append(debits, &items[i])
		case items[i].Open.IsNegative():
			credits = append(credits, &items[i])
		}
	}
	var out []Settlement
	for _, c := range credits {
		for _, d := range debits {
			if !c.Open.IsNegative() {
				break
			}
			if !d.Open.IsPositive() {
				continue
			}
			// Within both open amounts, so Settle cannot refuse it.
			al, _ := Settle(d, c, decimal.Min(d.Open, c.Open.Neg()), at)
			out = append(out, Settlement{Allocation: al, DebitOpen: d.Open, CreditOpen: c.Open})
		}
	}
	return out
}
