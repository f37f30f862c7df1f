package domain

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// BackfillDoc is a document posted before the ledger existed (启用总账前的
// 单据), as its stock moves and its header tell: what the ledger migration
// books it from, so an upgraded database's books agree with its stock.
type BackfillDoc struct {
	Type      string
	ID        int64
	Number    string
	PostedAt  time.Time
	CreatedBy int64
	// Moves are the amounts (value) of its stock moves.
	Moves []decimal.Decimal
	// PartnerID, Amount and Tax come from the header of a document with a
	// partner (BackfillNeedsHeader), as stored: positive for returns too.
	PartnerID   *int64
	Amount, Tax decimal.Decimal
}

// BackfillNeedsHeader reports whether a document type is with a partner
// (receipts, shipments and their returns), so its voucher needs the
// header's amount, tax and partner besides the moves.
func BackfillNeedsHeader(docType string) bool {
	switch docType {
	case DocPurchaseReceipt, DocPurchaseReturn, DocSalesShipment, DocSalesReturn:
		return true
	}
	return false
}

// BackfillEvents lists the template events a document type books, as a
// posting does: a transfer (调拨) books nothing (1405 does not change), a
// stocktake (盘点) also settles its gains and losses (盘盈/盘亏处理), any
// other document books its own event. A type without a template books
// nothing (Vouchers skips it).
func BackfillEvents(docType string) []string {
	switch docType {
	case DocTransfer:
		return nil
	case DocStocktake:
		return []string{docType, EventStocktakeSettle}
	}
	return []string{docType}
}

// BackfillScale is the scale the ledger and receivables migrations booked
// at: the stock ledger's four places of that release. Those migrations are
// frozen, so they keep it; the migration to 分 (store/migrate.go, "money in
// 分") rounds what they wrote afterwards.
const BackfillScale = 4

// Amounts are the money a document's vouchers book: the stock value its
// moves carried, gains and losses apart (Posting.ValueChange), rounded to
// the amount scale, and a partner document's amount and tax, negative for
// a return (退货), which takes back what its receipt or shipment booked.
func (d BackfillDoc) Amounts() DocAmounts {
	var amt DocAmounts
	for _, m := range d.Moves {
		amt.Stock = amt.Stock.Add(m)
		if m.IsPositive() {
			amt.Gain = amt.Gain.Add(m)
		} else {
			amt.Loss = amt.Loss.Sub(m)
		}
	}
	amt.Stock, amt.Gain, amt.Loss = amt.Stock.Round(BackfillScale), amt.Gain.Round(BackfillScale), amt.Loss.Round(BackfillScale)
	if BackfillNeedsHeader(d.Type) {
		amt.Amount, amt.Tax = d.Amount, d.Tax
		if d.Type == DocPurchaseReturn || d.Type == DocSalesReturn {
			amt.Amount, amt.Tax = amt.Amount.Neg(), amt.Tax.Neg()
		}
	}
	return amt
}

// Vouchers builds the document's vouchers through the templates (by event)
// and the account ids (by code), dated the day it was posted and checked;
// a voucher worth nothing is left out, and so is an event without a
// template. Numbers (Seq) are for the caller to draw.
func (d BackfillDoc) Vouchers(templates map[string]VoucherTemplate, account func(code string) int64) ([]*Voucher, error) {
	amt := d.Amounts()
	var partner *int64
	if BackfillNeedsHeader(d.Type) {
		partner = d.PartnerID
	}
	var out []*Voucher
	for _, ev := range BackfillEvents(d.Type) {
		t, ok := templates[ev]
		if !ok {
			continue // a document type the ledger does not book
		}
		v := &Voucher{Date: LocalDate(d.PostedAt), Source: d.Type, SourceID: d.ID, SourceNo: d.Number,
			Remark: DocName(d.Type) + " " + d.Number + "（启用总账前的单据补记）", CreatedBy: d.CreatedBy, Attachments: 1}
		v.Lines = t.Apply(amt, account, v.Remark, partner, 0)
		if ZeroLines(v.Lines) {
			continue
		}
		if err := v.Check(BackfillScale); err != nil {
			return nil, fmt.Errorf("backfill %s: %w", d.Number, err)
		}
		out = append(out, v)
	}
	return out, nil
}
