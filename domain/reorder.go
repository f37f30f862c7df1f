package domain

import (
	"time"

	"github.com/shopspring/decimal"
)

// ReorderLevel is how a warehouse keeps a product in stock (补货参数): a
// product is carried in a warehouse exactly when it has a level there, so
// one the warehouse never stocks is never "low" there.
//
// SafetyStock (安全库存) is the buffer kept against surprises; ReorderPoint
// (再订货点) is the available stock at which to buy again, the safety stock
// when not set; ReorderQty (订货量) is the usual order, e.g. a case or a
// pallet, and when not set an order brings stock up to the reorder point
// plus the safety stock.
type ReorderLevel struct {
	ProductID    int64           `json:"product_id"`
	WarehouseID  int64           `json:"warehouse_id"`
	SafetyStock  decimal.Decimal `json:"safety_stock"`
	ReorderPoint decimal.Decimal `json:"reorder_point"`
	ReorderQty   decimal.Decimal `json:"reorder_qty"`
	UpdatedAt    time.Time       `json:"updated_at"`
}

// Validate checks a level's own figures.
func (l *ReorderLevel) Validate() error {
	if l.ProductID <= 0 {
		return Invalid("product_id", "商品必填")
	}
	if l.WarehouseID <= 0 {
		return Invalid("warehouse_id", "仓库必填")
	}
	for _, f := range []struct {
		field, name string
		v           decimal.Decimal
	}{{"safety_stock", "安全库存", l.SafetyStock}, {"reorder_point", "再订货点", l.ReorderPoint}, {"reorder_qty", "订货量", l.ReorderQty}} {
		if f.v.IsNegative() {
			return Invalid(f.field, "%s不能为负", f.name)
		}
		if err := CheckScale(f.field, f.v, QtyScale); err != nil {
			return err
		}
	}
	// Buying again only once the buffer itself is eaten into would make
	// the safety stock a fiction.
	if l.ReorderPoint.IsPositive() && l.ReorderPoint.LessThan(l.SafetyStock) {
		return Invalid("reorder_point", "再订货点不能低于安全库存")
	}
	return nil
}

// Empty reports whether the level has no figure at all: saving one removes
// the level (the warehouse no longer carries the product).
func (l ReorderLevel) Empty() bool {
	return l.SafetyStock.IsZero() && l.ReorderPoint.IsZero() && l.ReorderQty.IsZero()
}

// Point is the available stock below which the product is low (低库存) in
// the warehouse: the reorder point, or the safety stock when none is set.
func (l ReorderLevel) Point() decimal.Decimal {
	if l.ReorderPoint.IsPositive() {
		return l.ReorderPoint
	}
	return l.SafetyStock
}

// Low reports whether available stock (on hand − reserved) is below the
// level's point; a level with no point is never low.
func (l ReorderLevel) Low(available decimal.Decimal) bool {
	p := l.Point()
	return p.IsPositive() && available.LessThan(p)
}

// Suggest is how much to buy for a low product, zero for one that is not
// low. With an order quantity it is that quantity, times as many as it
// takes to bring available stock back to the point (one requisition line
// restores it, in whole cases); without, it orders up to the point plus the
// safety stock, which for a level with a safety stock only is twice it.
func (l ReorderLevel) Suggest(available decimal.Decimal) decimal.Decimal {
	if !l.Low(available) {
		return Zero
	}
	short := l.Point().Sub(available)
	if l.ReorderQty.IsPositive() {
		n := short.Div(l.ReorderQty).Ceil()
		if n.LessThan(decimal.NewFromInt(1)) {
			n = decimal.NewFromInt(1)
		}
		return RoundQty(l.ReorderQty.Mul(n))
	}
	return RoundQty(l.Point().Add(l.SafetyStock).Sub(available))
}
