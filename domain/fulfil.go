package domain

import (
	"fmt"
	"sort"

	"github.com/shopspring/decimal"
)

// FEFO picks the batches an approved sales order reserves from, in the
// order it takes them: first expiry, first out (先到期先出). Batches with
// stock available come earliest expiry first and those without an expiry
// last; batches that expire together keep the order they were given in (the
// store reads them by batch number), so the choice is the same every time.
func FEFO(batches []Balance) []BalanceKey {
	var usable []Balance
	for _, b := range batches {
		if b.Available().IsPositive() {
			usable = append(usable, b)
		}
	}
	sort.SliceStable(usable, func(i, j int) bool { return expiresBefore(usable[i].Expiry, usable[j].Expiry) })
	keys := make([]BalanceKey, len(usable))
	for i, b := range usable {
		keys[i] = b.Key()
	}
	return keys
}

// expiresBefore orders expiry dates (YYYY-MM-DD compare as text), no expiry
// last.
func expiresBefore(a, b *string) bool {
	switch {
	case a == nil:
		return false
	case b == nil:
		return true
	}
	return *a < *b
}

// Reserved is a quantity set aside on one balance (预留).
type Reserved struct {
	Key BalanceKey
	Qty decimal.Decimal
}

// ReserveFEFO sets aside need of a product for one order line across the
// candidate balances in their order (FEFO for batches; the one unbatched
// balance otherwise): every candidate but the last gives what it has
// available, the last takes the rest, which Reserve refuses (with what is
// available) unless the warehouse allows negative stock. With no candidate
// at all (a batch-tracked product with no batch in stock) the shortage is
// insufficient_stock. field names the order line for the error.
func (p *Posting) ReserveFEFO(productID, warehouseID int64, candidates []BalanceKey, need decimal.Decimal, field string) ([]Reserved, error) {
	var out []Reserved
	for j, k := range candidates {
		take := need
		if j < len(candidates)-1 {
			take = decimal.Min(need, decimal.Max(p.balance(k).Available(), Zero))
		}
		if !take.IsPositive() {
			continue
		}
		if err := p.Reserve(k, take, field); err != nil {
			return nil, err
		}
		out = append(out, Reserved{Key: k, Qty: take})
		need = need.Sub(take)
		if !need.IsPositive() {
			break
		}
	}
	if need.IsPositive() {
		return nil, ErrInsufficientStock.WithField(field).WithMessage("可用库存不足，无法预留: %s 在 %s 缺 %s",
			p.products[productID].SKU, p.warehouses[warehouseID].Name, need.String())
	}
	return out, nil
}

// Reservation is what one sales order line still has set aside on one
// balance (预留), as the shipment split sees it.
type Reservation struct {
	OrderLineID int64
	Key         BalanceKey
	Qty         decimal.Decimal
	Expiry      *string // of the batch, nil for none
}

// ShipmentPiece is one shipment line that a requested line is cut into: the
// balance it leaves from, how much, and how much of that its reservation
// covers (released as it ships; the rest leaves unreserved).
type ShipmentPiece struct {
	Key          BalanceKey
	Qty          decimal.Decimal
	FromReserved decimal.Decimal
}

// SplitShipment cuts a shipment of qty on an order line (in warehouseID)
// over the line's reservations, first expiry first (FEFO: no expiry last,
// batches that expire together in the order given), and consumes them: rs
// is left holding what stays reserved. What no reservation covers (an
// allow-negative warehouse reserved nothing it lacked) leaves unreserved
// from the unbatched balance, which a batch-tracked product has not: that
// is insufficient_stock on field.
func SplitShipment(rs []Reservation, line OrderLine, warehouseID int64, qty decimal.Decimal, batchTracked bool, field string) ([]ShipmentPiece, error) {
	var mine []int
	for j := range rs {
		if rs[j].OrderLineID == line.ID {
			mine = append(mine, j)
		}
	}
	sort.SliceStable(mine, func(a, b int) bool { return expiresBefore(rs[mine[a]].Expiry, rs[mine[b]].Expiry) })
	var out []ShipmentPiece
	need := qty
	for _, j := range mine {
		if !rs[j].Qty.IsPositive() || !need.IsPositive() {
			continue
		}
		take := decimal.Min(need, rs[j].Qty)
		rs[j].Qty = rs[j].Qty.Sub(take)
		need = need.Sub(take)
		out = append(out, ShipmentPiece{Key: rs[j].Key, Qty: take, FromReserved: take})
	}
	if need.IsPositive() {
		if batchTracked {
			return nil, ErrInsufficientStock.WithField(field).WithMessage("订单行 %d 的预留不足以出库 %s", line.ID, qty)
		}
		out = append(out, ShipmentPiece{Key: BalanceKey{ProductID: line.ProductID, WarehouseID: warehouseID}, Qty: need, FromReserved: Zero})
	}
	return out, nil
}

// ErrExceedsReturnableQty refuses a return of more than a receipt or
// shipment line has left to return (超出可退数量).
var ErrExceedsReturnableQty = &Error{Kind: KindInvalid, Code: "exceeds_returnable_qty"}

// ReturnPlan is a return (退货) worked out against the receipt or shipment
// it returns: its lines, and how much it returns of each source line and of
// each order line.
type ReturnPlan struct {
	Lines        []StockDocLine
	BySourceLine map[int64]decimal.Decimal
	ByOrderLine  map[int64]decimal.Decimal
}

// PlanReturn checks a return's lines against its source document src: each
// names a line of src (lineField: receipt_line_id or shipment_line_id) in
// its batch, and all requests on one line stay within what it has not
// returned yet. Each return line is priced as its source line was and
// carries the source line's cost in proportion to the quantity, the whole
// line returned at once taking exactly its cost, so stock value comes back
// or leaves as it moved.
func PlanReturn(src StockDoc, lines []MoveLine, lineField string) (ReturnPlan, error) {
	plan := ReturnPlan{BySourceLine: map[int64]decimal.Decimal{}, ByOrderLine: map[int64]decimal.Decimal{}}
	if err := CheckMoveLines(lines, lineField); err != nil {
		return plan, err
	}
	byID := map[int64]StockDocLine{}
	for _, sl := range src.Lines {
		byID[sl.ID] = sl
	}
	for i, ml := range lines {
		f := fmt.Sprintf("lines[%d]", i)
		sl, ok := byID[ml.LineID]
		if !ok {
			return plan, Invalid(f+"."+lineField, "单据 %s 没有行 %d", src.Number, ml.LineID)
		}
		if ml.Batch != "" && ml.Batch != sl.Batch {
			return plan, Invalid(f+".batch", "退货批次必须与原单一致 (%s)", sl.Batch)
		}
		asked := plan.BySourceLine[sl.ID].Add(ml.Qty)
		plan.BySourceLine[sl.ID] = asked
		if left := sl.Qty.Sub(sl.ReturnedQty); asked.GreaterThan(left) {
			return plan, ErrExceedsReturnableQty.WithField(f+".qty").WithMessage("超出可退数量: %s 行 %d 可退 %s，本次 %s", src.Number, sl.ID, left, asked).
				WithDetails(map[string]any{"line_id": sl.ID, "returnable_qty": left.String(), "requested": asked.String()})
		}
		sourceLineID := sl.ID
		l := StockDocLine{OrderLineID: sl.OrderLineID, SourceLineID: &sourceLineID, ProductID: sl.ProductID, Batch: sl.Batch, Qty: ml.Qty}
		l.PriceLine(sl.UnitPrice, sl.TaxRate)
		l.CostAmount = RoundAmount(sl.CostAmount.Mul(ml.Qty).Div(sl.Qty))
		if ml.Qty.Equal(sl.Qty) {
			l.CostAmount = sl.CostAmount
		}
		l.UnitCost = sl.UnitCost
		plan.Lines = append(plan.Lines, l)
		plan.ByOrderLine[sl.OrderLineID] = plan.ByOrderLine[sl.OrderLineID].Add(ml.Qty)
	}
	return plan, nil
}
