package store

import (
	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// The reads behind the chat bot's answers: each is one query, so a bot
// reply costs a few milliseconds whatever the history.

// OrderRefByNumber finds an order's type and id by its number.
func OrderRefByNumber(q Q, number string) (typ string, id int64, err error) {
	var row struct {
		Type string
		ID   int64
	}
	err = q.DB().Table("orders").Select("type, id").Where("number = ?", number).Take(&row).Error
	if err == gorm.ErrRecordNotFound {
		return "", 0, domain.NotFound("单据", number)
	}
	return row.Type, row.ID, translate(err)
}

// ProductStock is one product's stock in one warehouse, with its level
// there (zero when the warehouse does not carry it). SafetyStock is the
// level's point (ReorderLevel.Point): what "low" is measured against.
type ProductStock struct {
	ProductID   int64
	SKU         string
	Name        string
	WarehouseID int64
	Warehouse   string
	OnHand      decimal.Decimal
	Reserved    decimal.Decimal
	SafetyStock decimal.Decimal
}

// FindProducts returns up to limit live products whose SKU or barcode is
// text, or else whose SKU or name contains it.
func FindProducts(q Q, text string, limit int) ([]domain.Product, error) {
	var out []domain.Product
	base := func() *gorm.DB { return q.DB().Table("products").Where("deleted_at IS NULL") }
	if err := base().Where("sku = ? OR barcode = ?", text, text).Order("sku").Limit(limit).Find(&out).Error; err != nil || len(out) > 0 {
		return out, translate(err)
	}
	like := "%" + likeEscaper.Replace(text) + "%"
	err := base().Where("sku LIKE ? ESCAPE '!' OR name LIKE ? ESCAPE '!'", like, like).Order("sku").Limit(limit).Find(&out).Error
	return out, translate(err)
}

// StockOf returns the stock of products by warehouse (batches summed),
// warehouses without any balance left out.
func StockOf(q Q, productIDs []int64) ([]ProductStock, error) {
	var out []ProductStock
	err := q.DB().Table("stock_balances b").
		Select("p.id AS product_id, p.sku, p.name, w.id AS warehouse_id, w.name AS warehouse, SUM(b.on_hand) AS on_hand, "+
			"SUM(b.reserved) AS reserved, COALESCE(MAX("+pointSQL+"), 0) AS safety_stock").
		Joins("JOIN products p ON p.id = b.product_id").Joins("JOIN warehouses w ON w.id = b.warehouse_id").
		Joins("LEFT JOIN reorder_levels l ON l.product_id = b.product_id AND l.warehouse_id = b.warehouse_id").
		Where("b.product_id IN ?", productIDs).
		Group("p.id, p.sku, p.name, w.id, w.name").Order("p.sku, w.id").Scan(&out).Error
	return out, translate(err)
}

// LowStock returns up to limit (product, warehouse) pairs whose available
// stock (on hand − reserved) is below the product's level in that
// warehouse (ReorderLevel.Low), the emptiest first. Only pairs with a level
// count: a warehouse that does not carry a product is never short of it.
func LowStock(q Q, limit int) ([]ProductStock, int64, error) {
	return lowStock(q, 0, limit)
}

// LowStockIn is LowStock for one warehouse (0: all), every row.
func LowStockIn(q Q, warehouseID int64) ([]ProductStock, error) {
	out, _, err := lowStock(q, warehouseID, -1)
	return out, err
}

func lowStock(q Q, warehouseID int64, limit int) ([]ProductStock, int64, error) {
	sub := q.DB().Table("reorder_levels l").
		Select("p.id AS product_id, p.sku, p.name, w.id AS warehouse_id, w.name AS warehouse, COALESCE(SUM(b.on_hand), 0) AS on_hand, "+
			"COALESCE(SUM(b.reserved), 0) AS reserved, MAX("+pointSQL+") AS safety_stock").
		Joins("JOIN products p ON p.id = l.product_id").Joins("JOIN warehouses w ON w.id = l.warehouse_id").
		Joins("LEFT JOIN stock_balances b ON b.product_id = l.product_id AND b.warehouse_id = l.warehouse_id").
		Where(pointSQL+" > 0 AND p.deleted_at IS NULL AND p.status = ? AND w.deleted_at IS NULL AND w.status = ?",
			domain.StatusActive, domain.StatusActive)
	if warehouseID != 0 {
		sub = sub.Where("l.warehouse_id = ?", warehouseID)
	}
	sub = sub.Group("p.id, p.sku, p.name, w.id, w.name").
		Having("COALESCE(SUM(b.on_hand), 0) - COALESCE(SUM(b.reserved), 0) < MAX(" + pointSQL + ")")
	var total int64
	if limit >= 0 {
		if err := q.DB().Table("(?) AS low", sub).Count(&total).Error; err != nil {
			return nil, 0, translate(err)
		}
	}
	var out []ProductStock
	err := q.DB().Table("(?) AS low", sub).Order("(on_hand - reserved) / safety_stock, sku, warehouse_id").Limit(limit).Scan(&out).Error
	if limit < 0 {
		total = int64(len(out))
	}
	return out, total, translate(err)
}

// SalesLine is one product's shipped sales in a period.
type SalesLine struct {
	ProductID int64
	SKU       string
	Name      string
	Qty       decimal.Decimal
	Total     decimal.Decimal // with tax
}

// SalesBetween sums sales dated (业务日期) from the day from up to the day
// to, excluded (YYYY-MM-DD), by product, the largest first: shipments less
// sales returns, of orders in a scope. It returns the top lines, the number
// of shipments and the net total with tax. Business dates, not posting
// instants, so a shipment entered today for yesterday counts yesterday,
// with its voucher.
func SalesBetween(q Q, sc Scope, from, to string, top int) ([]SalesLine, int64, decimal.Decimal, error) {
	docs := q.DB().Table("stock_docs d").Where("d.type IN ? AND d.biz_date >= ? AND d.biz_date < ?",
		[]string{domain.DocSalesShipment, domain.DocSalesReturn}, from, to)
	// A sale belongs to whoever made the order, not to the clerk who
	// posted the shipment.
	docs = scopedStockDocs(docs, sc, "d")
	var sum struct {
		N     int64
		Total decimal.Decimal
	}
	if err := docs.Session(&gorm.Session{}).Select("COALESCE(SUM(CASE WHEN d.type = ? THEN 1 ELSE 0 END), 0) AS n, "+
		"COALESCE(SUM(CASE WHEN d.type = ? THEN d.total ELSE -d.total END), 0) AS total", domain.DocSalesShipment, domain.DocSalesShipment).Scan(&sum).Error; err != nil {
		return nil, 0, decimal.Zero, translate(err)
	}
	var lines []SalesLine
	err := docs.Session(&gorm.Session{}).Joins("JOIN stock_doc_lines l ON l.doc_id = d.id").Joins("JOIN products p ON p.id = l.product_id").
		Select("p.id AS product_id, p.sku, p.name, SUM(CASE WHEN d.type = ? THEN l.qty ELSE -l.qty END) AS qty, "+
			"SUM(CASE WHEN d.type = ? THEN l.amount + l.tax_amount ELSE -(l.amount + l.tax_amount) END) AS total",
			domain.DocSalesShipment, domain.DocSalesShipment).
		Group("p.id, p.sku, p.name").Order("total DESC, p.sku").Limit(top).Scan(&lines).Error
	return lines, sum.N, sum.Total, translate(err)
}

// DocTotal is one posted document's total with tax, for trends.
type DocTotal struct {
	Type    string
	BizDate string // 业务日期, YYYY-MM-DD
	Total   decimal.Decimal
}

// DocTotalsBetween lists the receipts, shipments and returns of types
// dated (业务日期) from the day from up to the day to, excluded
// (YYYY-MM-DD), of orders in a scope.
func DocTotalsBetween(q Q, sc Scope, types []string, from, to string) ([]DocTotal, error) {
	db := q.DB().Table("stock_docs d").Select("d.type, d.biz_date, d.total").
		Where("d.type IN ? AND d.biz_date >= ? AND d.biz_date < ?", types, from, to)
	db = scopedStockDocs(db, sc, "d")
	var out []DocTotal
	err := db.Order("d.biz_date, d.id").Scan(&out).Error
	for i := range out {
		out[i].Total = domain.RoundAmount(out[i].Total)
	}
	return out, translate(err)
}
