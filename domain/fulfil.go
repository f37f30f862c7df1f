package domain

import (
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
// over the line's reservations in their order (FEFO, as the store reads
// them) and consumes them: rs is left holding what stays reserved. What no
// reservation covers (an allow-negative warehouse reserved nothing it
// lacked) leaves unreserved from the unbatched balance, which a
// batch-tracked product has not: that is insufficient_stock on field.
func SplitShipment(rs []Reservation, line OrderLine, warehouseID int64, qty decimal.Decimal, batchTracked bool, field string) ([]ShipmentPiece, error) {
	var out []ShipmentPiece
	need := qty
	for j := range rs {
		if rs[j].OrderLineID != line.ID || !rs[j].Qty.IsPositive() || !need.IsPositive() {
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
