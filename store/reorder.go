package store

import (
	"fmt"

	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type reorderLevelRow struct {
	domain.ReorderLevel
}

func (reorderLevelRow) TableName() string { return "reorder_levels" }

// pointSQL is domain.ReorderLevel.Point in SQL: the reorder point, else the
// safety stock. The low-stock queries and the reorder check must agree on
// it; a test holds them together.
const pointSQL = "(CASE WHEN l.reorder_point > 0 THEN l.reorder_point ELSE l.safety_stock END)"

// SetReorderLevel inserts or replaces a product's level in a warehouse.
func (tx *Tx) SetReorderLevel(l domain.ReorderLevel) error {
	l.UpdatedAt = tx.Now
	err := tx.DB().Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "product_id"}, {Name: "warehouse_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"safety_stock", "reorder_point", "reorder_qty", "updated_at"}),
	}).Create(&reorderLevelRow{l}).Error
	return translate(err)
}

// DeleteReorderLevel removes a product's level in a warehouse: the
// warehouse no longer carries it. Removing one that is not there is fine.
func (tx *Tx) DeleteReorderLevel(productID, warehouseID int64) error {
	return translate(tx.DB().Where("product_id = ? AND warehouse_id = ?", productID, warehouseID).Delete(&reorderLevelRow{}).Error)
}

// ReorderLevelsIn returns the levels of products in a warehouse, by
// product; a product without one is not carried there.
func ReorderLevelsIn(q Q, warehouseID int64, productIDs []int64) (map[int64]domain.ReorderLevel, error) {
	var rows []reorderLevelRow
	db := q.DB().Where("warehouse_id = ?", warehouseID)
	if productIDs != nil {
		db = db.Where("product_id IN ?", productIDs)
	}
	if err := db.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]domain.ReorderLevel, len(rows))
	for _, r := range rows {
		out[r.ProductID] = r.ReorderLevel
	}
	return out, nil
}

// ReorderWarehouses returns the warehouses that have a level or an open
// reorder requisition: those a full reorder check must visit.
func ReorderWarehouses(q Q) ([]int64, error) {
	var ids []int64
	err := q.DB().Raw("SELECT warehouse_id FROM reorder_levels UNION SELECT warehouse_id FROM requisitions WHERE auto_open = ?", autoOpen).
		Scan(&ids).Error
	return ids, translate(err)
}

// OpenReorderProducts returns the products on a warehouse's open reorder
// requisition.
func OpenReorderProducts(q Q, warehouseID int64) ([]int64, error) {
	var ids []int64
	err := q.DB().Table("requisition_lines l").Joins("JOIN requisitions r ON r.id = l.requisition_id").
		Where("r.warehouse_id = ? AND r.auto_open = ?", warehouseID, autoOpen).Pluck("l.product_id", &ids).Error
	return ids, translate(err)
}

// ReorderLevelRow is a product × warehouse pair as the level editors show
// it: the level (zeros and Carried false when there is none) and the
// stock now.
type ReorderLevelRow struct {
	ProductID     int64           `json:"product_id"`
	SKU           string          `json:"sku"`
	ProductName   string          `json:"product_name"`
	WarehouseID   int64           `json:"warehouse_id"`
	WarehouseName string          `json:"warehouse_name"`
	Carried       bool            `json:"carried"`
	SafetyStock   decimal.Decimal `json:"safety_stock"`
	ReorderPoint  decimal.Decimal `json:"reorder_point"`
	ReorderQty    decimal.Decimal `json:"reorder_qty"`
	OnHand        decimal.Decimal `json:"on_hand"`
	Available     decimal.Decimal `json:"available"`
	Low           bool            `json:"low"`
}

// ReorderGrid lists the levels of every active product in a warehouse
// (warehouseID set) or of a product in every active warehouse (productID
// set), carried or not, with the stock, SKU order then warehouse order.
func ReorderGrid(q Q, warehouseID, productID int64, p Page) ([]ReorderLevelRow, int64, error) {
	db := q.DB().Table("products p").Joins("CROSS JOIN warehouses w").
		Joins("LEFT JOIN reorder_levels l ON l.product_id = p.id AND l.warehouse_id = w.id").
		Where("p.deleted_at IS NULL AND p.status = ? AND w.deleted_at IS NULL AND w.status = ?", domain.StatusActive, domain.StatusActive)
	if warehouseID != 0 {
		db = db.Where("w.id = ?", warehouseID)
	}
	if productID != 0 {
		db = db.Where("p.id = ?", productID)
	}
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	stock := "(SELECT COALESCE(SUM(b.%s), 0) FROM stock_balances b WHERE b.product_id = p.id AND b.warehouse_id = w.id)"
	var out []ReorderLevelRow
	sel := db.Select("p.id AS product_id, p.sku, p.name AS product_name, w.id AS warehouse_id, w.name AS warehouse_name, " +
		"l.product_id IS NOT NULL AS carried, COALESCE(l.safety_stock, 0) AS safety_stock, COALESCE(l.reorder_point, 0) AS reorder_point, " +
		"COALESCE(l.reorder_qty, 0) AS reorder_qty, " + fmt.Sprintf(stock, "on_hand") + " AS on_hand, " + fmt.Sprintf(stock, "on_hand - b.reserved") + " AS available")
	if err := p.applyTie(sel, "p.sku", "w.id").Find(&out).Error; err != nil {
		return nil, 0, translate(err)
	}
	if out == nil {
		out = []ReorderLevelRow{}
	}
	for i, r := range out {
		out[i].OnHand, out[i].Available = domain.RoundQty(r.OnHand), domain.RoundQty(r.Available)
		lv := domain.ReorderLevel{SafetyStock: r.SafetyStock, ReorderPoint: r.ReorderPoint, ReorderQty: r.ReorderQty}
		out[i].Low = r.Carried && lv.Low(out[i].Available)
	}
	return out, total, nil
}

// LowStockRow is a row of the low-stock report (低库存表).
type LowStockRow struct {
	ProductID   int64           `json:"product_id"`
	SKU         string          `json:"sku"`
	ProductName string          `json:"product_name"`
	WarehouseID int64           `json:"warehouse_id"`
	Warehouse   string          `json:"warehouse"`
	OnHand      decimal.Decimal `json:"on_hand"`
	Reserved    decimal.Decimal `json:"reserved"`
	Available   decimal.Decimal `json:"available"`
	Point       decimal.Decimal `json:"point"`
	Suggested   decimal.Decimal `json:"suggested"`
	Requisition string          `json:"requisition"`
}

// LowStockReport lists every item below its level in a warehouse (0: all),
// the emptiest first, with its line on the open reorder requisition.
func LowStockReport(q Q, warehouseID int64) ([]LowStockRow, error) {
	low, err := LowStockIn(q, warehouseID)
	if err != nil {
		return nil, err
	}
	var lines []struct {
		WarehouseID, ProductID int64
		Qty                    decimal.Decimal
		Number                 string
	}
	db := q.DB().Table("requisition_lines l").Joins("JOIN requisitions r ON r.id = l.requisition_id").
		Select("r.warehouse_id, l.product_id, l.qty, r.number").Where("r.auto_open = ?", autoOpen)
	if warehouseID != 0 {
		db = db.Where("r.warehouse_id = ?", warehouseID)
	}
	if err := db.Scan(&lines).Error; err != nil {
		return nil, translate(err)
	}
	type key struct{ wh, p int64 }
	sug := map[key]int{}
	for i, l := range lines {
		sug[key{l.WarehouseID, l.ProductID}] = i
	}
	out := make([]LowStockRow, len(low))
	for i, r := range low {
		out[i] = LowStockRow{ProductID: r.ProductID, SKU: r.SKU, ProductName: r.Name, WarehouseID: r.WarehouseID, Warehouse: r.Warehouse,
			OnHand: domain.RoundQty(r.OnHand), Reserved: domain.RoundQty(r.Reserved), Available: domain.RoundQty(r.OnHand.Sub(r.Reserved)),
			Point: domain.RoundQty(r.SafetyStock)}
		if j, ok := sug[key{r.WarehouseID, r.ProductID}]; ok {
			out[i].Suggested, out[i].Requisition = domain.RoundQty(lines[j].Qty), lines[j].Number
		}
	}
	return out, nil
}
