package domain

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// DocRequisition is a purchase requisition (请购单).
const DocRequisition = "purchase_requisition"

// Requisition states: a draft is edited, then turned into a purchase order
// (ordered) or cancelled.
const (
	RequisitionDraft     = "draft"
	RequisitionOrdered   = "ordered"
	RequisitionCancelled = "cancelled"
)

// Requisition sources.
const (
	SourceManual  = "manual"
	SourceReorder = "reorder" // created by a reorder point (安全库存)
)

// Requisition asks purchasing to buy goods for a warehouse.
type Requisition struct {
	ID          int64             `json:"id"`
	Number      string            `json:"number"`
	Status      string            `json:"status"`
	Source      string            `json:"source"`
	WarehouseID int64             `json:"warehouse_id"`
	Remark      string            `json:"remark"`
	OrderID     *int64            `json:"order_id"`
	CreatedBy   int64             `json:"created_by"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
	Version     int               `json:"version"`
	Lines       []RequisitionLine `json:"lines"`
}

// RequisitionLine is one product to buy. For reorder lines, Available and
// SafetyStock are what the suggestion was computed from (SafetyStock holds
// the level's point, ReorderLevel.Point: what "low" was measured against).
type RequisitionLine struct {
	ID          int64           `json:"id"`
	ProductID   int64           `json:"product_id"`
	Qty         decimal.Decimal `json:"qty"`
	Available   decimal.Decimal `json:"available"`
	SafetyStock decimal.Decimal `json:"safety_stock"`
	Remark      string          `json:"remark"`
}

// Validate checks the requisition's own fields.
func (r *Requisition) Validate() error {
	if r.WarehouseID <= 0 {
		return Invalid("warehouse_id", "仓库必填")
	}
	if len(r.Lines) == 0 {
		return Invalid("lines", "至少需要一行")
	}
	seen := map[int64]bool{}
	for i, l := range r.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		if l.ProductID <= 0 {
			return Invalid(f+".product_id", "商品必填")
		}
		if seen[l.ProductID] {
			return Invalid(f+".product_id", "同一商品在请购单中重复")
		}
		seen[l.ProductID] = true
		if err := CheckPositiveQty(f+".qty", l.Qty); err != nil {
			return err
		}
	}
	return checkDocRemark(r.Remark)
}

// HasProduct reports whether the requisition has a line for a product.
func (r *Requisition) HasProduct(productID int64) bool {
	for _, l := range r.Lines {
		if l.ProductID == productID {
			return true
		}
	}
	return false
}
