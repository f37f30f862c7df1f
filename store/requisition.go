package store

import (
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type requisitionRow struct {
	ID          int64
	Number      string
	Status      string
	Source      string
	WarehouseID int64
	AutoOpen    *string
	Remark      string
	OrderID     *int64
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int
}

func (requisitionRow) TableName() string { return "requisitions" }

type requisitionLineRow struct {
	RequisitionID int64
	domain.RequisitionLine
}

func (requisitionLineRow) TableName() string { return "requisition_lines" }

func (r requisitionRow) toDomain() domain.Requisition {
	return domain.Requisition{ID: r.ID, Number: r.Number, Status: r.Status, Source: r.Source, WarehouseID: r.WarehouseID,
		Remark: r.Remark, OrderID: r.OrderID, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		Version: r.Version, Lines: []domain.RequisitionLine{}}
}

var autoOpen = "open"

// CreateRequisition inserts a requisition with its lines.
func (tx *Tx) CreateRequisition(r *domain.Requisition) error {
	row := requisitionRow{Number: r.Number, Status: r.Status, Source: r.Source, WarehouseID: r.WarehouseID, Remark: r.Remark,
		CreatedBy: r.CreatedBy, Version: r.Version}
	if err := tx.DB().Create(&row).Error; err != nil {
		return translate(err)
	}
	r.ID, r.CreatedAt, r.UpdatedAt = row.ID, row.CreatedAt, row.UpdatedAt
	return tx.insertRequisitionLines(r)
}

func (tx *Tx) insertRequisitionLines(r *domain.Requisition) error {
	if len(r.Lines) == 0 {
		return nil
	}
	lines := make([]requisitionLineRow, len(r.Lines))
	for i, l := range r.Lines {
		l.ID = 0
		lines[i] = requisitionLineRow{RequisitionID: r.ID, RequisitionLine: l}
	}
	if err := tx.DB().Create(&lines).Error; err != nil {
		return translate(err)
	}
	for i := range lines {
		r.Lines[i].ID = lines[i].ID
	}
	return nil
}

// UpdateRequisition writes a requisition where its version is oldVersion;
// withLines replaces its lines. Leaving draft frees the warehouse's slot
// for the next reorder requisition.
func (tx *Tx) UpdateRequisition(r *domain.Requisition, oldVersion int, withLines bool) error {
	var open *string
	if r.Status == domain.RequisitionDraft && r.Source == domain.SourceReorder {
		open = &autoOpen
	}
	res := tx.DB().Model(&requisitionRow{}).Where("id = ? AND version = ?", r.ID, oldVersion).Updates(map[string]any{
		"status": r.Status, "warehouse_id": r.WarehouseID, "remark": r.Remark, "order_id": r.OrderID, "auto_open": open,
		"version": r.Version, "updated_at": tx.Now})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return errStale
	}
	if !withLines {
		return nil
	}
	if err := tx.DB().Where("requisition_id = ?", r.ID).Delete(&requisitionLineRow{}).Error; err != nil {
		return translate(err)
	}
	return tx.insertRequisitionLines(r)
}

// GetRequisition loads a requisition in a scope with its lines (one outside
// it is not found).
func GetRequisition(q Q, sc Scope, id int64, lock bool) (*domain.Requisition, error) {
	db := scopedRequisitions(q.DB().Table("requisitions"), sc)
	if lock {
		db = lockRow(db)
	}
	var row requisitionRow
	if err := db.Where("id = ?", id).Take(&row).Error; err != nil {
		if err == gorm.ErrRecordNotFound {
			return nil, domain.NotFound("请购单", id)
		}
		return nil, translate(err)
	}
	r := row.toDomain()
	var lines []requisitionLineRow
	if err := q.DB().Where("requisition_id = ?", id).Order("id").Find(&lines).Error; err != nil {
		return nil, translate(err)
	}
	for _, l := range lines {
		r.Lines = append(r.Lines, l.RequisitionLine)
	}
	return &r, nil
}

// ListRequisitions pages through the requisitions in a scope (headers
// only).
func ListRequisitions(q Q, sc Scope, status, source string, warehouseID int64, p Page) ([]domain.Requisition, int64, error) {
	db := scopedRequisitions(q.DB().Model(&requisitionRow{}), sc)
	if status != "" {
		db = db.Where("status = ?", status)
	}
	if source != "" {
		db = db.Where("source = ?", source)
	}
	if warehouseID != 0 {
		db = db.Where("warehouse_id = ?", warehouseID)
	}
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []requisitionRow
	if err := p.apply(db, "-id").Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	out := make([]domain.Requisition, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, total, nil
}

// Availability sums on hand less reserved over the batches of each product
// in a warehouse; the rows were locked by the posting that asks.
func (tx *Tx) Availability(warehouseID int64, productIDs []int64) (map[int64]decimal.Decimal, error) {
	var rows []struct {
		ProductID int64
		Avail     decimal.Decimal
	}
	err := tx.DB().Table("stock_balances").Select("product_id, SUM(on_hand - reserved) AS avail").
		Where("warehouse_id = ? AND product_id IN ?", warehouseID, productIDs).Group("product_id").Scan(&rows).Error
	out := map[int64]decimal.Decimal{}
	for _, r := range rows {
		out[r.ProductID] = domain.RoundQty(r.Avail)
	}
	return out, translate(err)
}

// OpenReorderRequisition returns the warehouse's draft reorder requisition,
// locked, creating it (numbered by number()) when there is none. The unique
// (warehouse, open) index makes concurrent postings share one.
func (tx *Tx) OpenReorderRequisition(warehouseID, createdBy int64, number func() (string, error)) (*domain.Requisition, error) {
	var row requisitionRow
	err := lockRow(tx.DB()).Where("warehouse_id = ? AND auto_open = ?", warehouseID, autoOpen).Take(&row).Error
	if err == nil {
		return GetRequisition(tx, AllScope(), row.ID, false)
	}
	if err != gorm.ErrRecordNotFound {
		return nil, translate(err)
	}
	num, err := number()
	if err != nil {
		return nil, err
	}
	row = requisitionRow{Number: num, Status: domain.RequisitionDraft, Source: domain.SourceReorder, WarehouseID: warehouseID,
		AutoOpen: &autoOpen, Remark: "低于补货点自动生成", CreatedBy: createdBy, Version: 1}
	if err := tx.DB().Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return nil, translate(err)
	}
	if err := lockRow(tx.DB()).Where("warehouse_id = ? AND auto_open = ?", warehouseID, autoOpen).Take(&row).Error; err != nil {
		return nil, translate(err)
	}
	return GetRequisition(tx, AllScope(), row.ID, false)
}

// UpsertRequisitionLine sets a product's line on a requisition: inserted
// once, then updated, never duplicated.
func (tx *Tx) UpsertRequisitionLine(reqID int64, l domain.RequisitionLine) error {
	row := requisitionLineRow{RequisitionID: reqID, RequisitionLine: l}
	err := tx.DB().Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "requisition_id"}, {Name: "product_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"qty", "available", "safety_stock"}),
	}).Create(&row).Error
	if err != nil {
		return translate(err)
	}
	return translate(tx.DB().Model(&requisitionRow{}).Where("id = ?", reqID).Update("updated_at", tx.Now).Error)
}

// ReorderSuggestion is one open reorder line, for GET /reorder-suggestions.
type ReorderSuggestion struct {
	RequisitionID     int64           `json:"requisition_id"`
	RequisitionNumber string          `json:"requisition_number"`
	LineID            int64           `json:"line_id"`
	WarehouseID       int64           `json:"warehouse_id"`
	Warehouse         string          `json:"warehouse_name"`
	ProductID         int64           `json:"product_id"`
	SKU               string          `json:"sku"`
	ProductName       string          `json:"product_name"`
	Available         decimal.Decimal `json:"available"`
	SafetyStock       decimal.Decimal `json:"safety_stock"`
	SuggestedQty      decimal.Decimal `json:"suggested_qty"`
	UpdatedAt         time.Time       `json:"updated_at"`
}

// ReorderSuggestions lists the lines of open reorder requisitions.
func ReorderSuggestions(q Q, warehouseID int64, p Page) ([]ReorderSuggestion, int64, error) {
	db := q.DB().Table("requisition_lines l").Joins("JOIN requisitions r ON r.id = l.requisition_id").
		Joins("JOIN products p ON p.id = l.product_id").Joins("JOIN warehouses w ON w.id = r.warehouse_id").
		Where("r.auto_open = ?", autoOpen)
	if warehouseID != 0 {
		db = db.Where("r.warehouse_id = ?", warehouseID)
	}
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var out []ReorderSuggestion
	sel := db.Select("r.id AS requisition_id, r.number AS requisition_number, l.id AS line_id, r.warehouse_id, w.name AS warehouse, " +
		"l.product_id, p.sku, p.name AS product_name, l.available, l.safety_stock, l.qty AS suggested_qty, r.updated_at")
	if err := p.applyTie(sel, "p.sku", "l.id").Find(&out).Error; err != nil {
		return nil, 0, translate(err)
	}
	if out == nil {
		out = []ReorderSuggestion{}
	}
	return out, total, nil
}

// DropReorderLine removes a product's line from the warehouse's open reorder
// requisition (its stock recovered); an emptied requisition is cancelled.
func (tx *Tx) DropReorderLine(warehouseID, productID int64) error {
	var row requisitionRow
	err := tx.DB().Where("warehouse_id = ? AND auto_open = ?", warehouseID, autoOpen).Take(&row).Error
	if err == gorm.ErrRecordNotFound {
		return nil
	}
	if err != nil {
		return translate(err)
	}
	res := tx.DB().Where("requisition_id = ? AND product_id = ?", row.ID, productID).Delete(&requisitionLineRow{})
	if res.Error != nil || res.RowsAffected == 0 {
		return translate(res.Error)
	}
	left, err := exists(tx.DB().Table("requisition_lines").Where("requisition_id = ?", row.ID))
	if err != nil || left {
		return err
	}
	return translate(tx.DB().Model(&requisitionRow{}).Where("id = ?", row.ID).Updates(map[string]any{
		"status": domain.RequisitionCancelled, "auto_open": nil, "version": gorm.Expr("version + 1"), "updated_at": tx.Now}).Error)
}

// ConfirmReorderRequisition takes the warehouse's open reorder requisition
// out of automatic upkeep: it stays a draft for the purchaser to order, and
// the next shortage starts a new one. Nil when there is none.
func (tx *Tx) ConfirmReorderRequisition(warehouseID int64) (*domain.Requisition, error) {
	var row requisitionRow
	err := lockRow(tx.DB()).Where("warehouse_id = ? AND auto_open = ?", warehouseID, autoOpen).Take(&row).Error
	if err == gorm.ErrRecordNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	if err := tx.DB().Model(&requisitionRow{}).Where("id = ?", row.ID).Updates(map[string]any{
		"auto_open": nil, "version": gorm.Expr("version + 1"), "updated_at": tx.Now}).Error; err != nil {
		return nil, translate(err)
	}
	return GetRequisition(tx, AllScope(), row.ID, false)
}
