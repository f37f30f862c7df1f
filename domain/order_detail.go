package domain

import (
	"sort"

	"github.com/shopspring/decimal"
)

// LineProgress is what an order line's detail shows (订单详情): ordered,
// received or shipped, returned, and what is still open. Open is ordered
// less done, never below zero: a return does not reopen a line (see
// RecordReturn), and an over-receipt does not make a negative backlog.
type LineProgress struct {
	Ordered  decimal.Decimal `json:"ordered_qty"`
	Done     decimal.Decimal `json:"done_qty"`
	Returned decimal.Decimal `json:"returned_qty"`
	Open     decimal.Decimal `json:"open_qty"`
}

// ProgressOf computes a line's figures for an order of orderType.
func ProgressOf(orderType string, l OrderLine) LineProgress {
	done := l.DoneQty(orderType)
	open := l.Qty.Sub(done)
	if open.IsNegative() {
		open = decimal.Zero
	}
	return LineProgress{Ordered: l.Qty, Done: done, Returned: l.ReturnedQty, Open: open}
}

// Kinds of documents an order's detail lists (关联单据).
const (
	RelStock   = "stock"   // receipts, shipments and their returns
	RelInvoice = "invoice" // invoices covering those documents
	RelMoney   = "money"   // receipts and payments settled against them
)

// RelatedDoc is one document made from an order, or settling one made
// from it, as the order's detail lists it: enough to read and to link.
type RelatedDoc struct {
	Kind   string          `json:"kind"`
	Type   string          `json:"type"`
	ID     int64           `json:"id"`
	Number string          `json:"number"`
	Date   string          `json:"date"`
	Status string          `json:"status"`
	Total  decimal.Decimal `json:"total"`
	Label  string          `json:"label"`
}

// relKindOrder puts the goods first, then the invoices, then the money,
// the order a clerk follows an order's life in.
var relKindOrder = map[string]int{RelStock: 0, RelInvoice: 1, RelMoney: 2}

// SortRelatedDocs orders an order's documents by kind, then date, then
// number, and drops repeats (a money document settling two receipts of
// the order is listed once). Labels are filled from the document types.
func SortRelatedDocs(docs []RelatedDoc) []RelatedDoc {
	seen := map[string]bool{}
	out := make([]RelatedDoc, 0, len(docs))
	for _, d := range docs {
		k := d.Type + "#" + d.Number
		if seen[k] {
			continue
		}
		seen[k] = true
		if d.Label == "" {
			d.Label = DocName(d.Type)
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if relKindOrder[a.Kind] != relKindOrder[b.Kind] {
			return relKindOrder[a.Kind] < relKindOrder[b.Kind]
		}
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		return a.Number < b.Number
	})
	return out
}

// CopyOrder makes a new draft from an order (复制订单): the same type,
// partner, warehouse, remark and lines (product, quantity, price,
// discount), dated today with no 交货日期, owned by whoever copies it.
// Tax rates are left for the products' current rates, so a copy of an old
// order does not carry a rate that has since changed; nothing of the
// source's progress, approval or number is carried.
func CopyOrder(src Order, by int64, today string) Order {
	o := Order{Type: src.Type, Status: OrderDraft, PartnerID: src.PartnerID, WarehouseID: src.WarehouseID,
		OrderDate: today, Remark: src.Remark, CreatedBy: by, Version: 1, Lines: make([]OrderLine, len(src.Lines))}
	for i, l := range src.Lines {
		nl := OrderLine{ProductID: l.ProductID, Qty: l.Qty, UnitPrice: l.UnitPrice, DiscountRate: l.DiscountRate, Remark: l.Remark}
		nl.UseProductTaxRate()
		o.Lines[i] = nl
	}
	return o
}
