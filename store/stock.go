package store

import (
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type balanceRow struct {
	ID          int64
	ProductID   int64
	WarehouseID int64
	Batch       string
	Expiry      *string
	OnHand      decimal.Decimal
	Reserved    decimal.Decimal
	AvgCost     decimal.Decimal
	Value       decimal.Decimal
	UpdatedAt   time.Time
}

func (balanceRow) TableName() string { return "stock_balances" }

func (r balanceRow) toDomain() *domain.Balance {
	b := domain.Balance(r)
	return &b
}

type moveRow domain.Move

func (moveRow) TableName() string { return "stock_moves" }

// LockBalances returns the balances of keys, creating empty ones that do not
// exist yet, each locked FOR UPDATE until tx ends. Keys are locked in one
// global order (domain.SortKeys), so postings never deadlock on each other.
func (tx *Tx) LockBalances(keys []domain.BalanceKey, expiry map[domain.BalanceKey]string) ([]*domain.Balance, error) {
	keys = domain.SortKeys(append([]domain.BalanceKey(nil), keys...))
	if len(keys) == 0 {
		return nil, nil
	}
	rows := make([]balanceRow, len(keys))
	for i, k := range keys {
		rows[i] = balanceRow{ProductID: k.ProductID, WarehouseID: k.WarehouseID, Batch: k.Batch, UpdatedAt: tx.Now}
		if e, ok := expiry[k]; ok {
			rows[i].Expiry = &e
		}
	}
	if err := tx.DB().Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
		return nil, translate(err)
	}
	var locked []balanceRow
	db := tx.DB().Clauses(clause.Locking{Strength: "UPDATE"}).Where(keyCond(keys)).
		Order("product_id, warehouse_id, batch")
	if err := db.Find(&locked).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*domain.Balance, len(locked))
	for i, r := range locked {
		out[i] = r.toDomain()
	}
	return out, nil
}

// keyCond matches balance rows by key: one IN per product/warehouse pair is
// both portable and served by the unique index.
func keyCond(keys []domain.BalanceKey) clause.Expression {
	ors := make([]clause.Expression, len(keys))
	for i, k := range keys {
		ors[i] = clause.And(clause.Eq{Column: "product_id", Value: k.ProductID},
			clause.Eq{Column: "warehouse_id", Value: k.WarehouseID}, clause.Eq{Column: "batch", Value: k.Batch})
	}
	return clause.Or(ors...)
}

// WritePosting stores the outcome of a posting: the changed balances and the
// new moves.
func (tx *Tx) WritePosting(p *domain.Posting) error {
	for _, b := range p.Changed() {
		err := tx.DB().Model(&balanceRow{}).Where("id = ?", b.ID).Updates(map[string]any{
			"on_hand": b.OnHand, "reserved": b.Reserved, "avg_cost": b.AvgCost, "value": b.Value, "expiry": b.Expiry, "updated_at": tx.Now,
		}).Error
		if err != nil {
			return translate(err)
		}
	}
	moves := p.Moves()
	if len(moves) == 0 {
		return nil
	}
	rows := make([]moveRow, len(moves))
	for i, m := range moves {
		rows[i] = moveRow(m)
	}
	return translate(tx.DB().CreateInBatches(&rows, 500).Error)
}

// BalanceFilter narrows stock queries.
type BalanceFilter struct {
	ProductID   int64
	SKU         string
	WarehouseID int64
	CategoryID  int64
	Batch       *string
	NonZero     bool
	AsOf        *time.Time // the end of a day: balances from moves before it
}

// BalanceView is a balance with the product's identity, for lists.
type BalanceView struct {
	domain.Balance
	SKU         string          `json:"sku"`
	ProductName string          `json:"product_name"`
	Warehouse   string          `json:"warehouse_name"`
	Available   decimal.Decimal `json:"available" gorm:"-"`
}

func (f BalanceFilter) apply(db *gorm.DB, table string) *gorm.DB {
	db = db.Joins("JOIN products p ON p.id = " + table + ".product_id").Joins("JOIN warehouses w ON w.id = " + table + ".warehouse_id")
	if f.ProductID != 0 {
		db = db.Where(table+".product_id = ?", f.ProductID)
	}
	if f.SKU != "" {
		db = db.Where("p.sku = ?", f.SKU)
	}
	if f.WarehouseID != 0 {
		db = db.Where(table+".warehouse_id = ?", f.WarehouseID)
	}
	if f.CategoryID != 0 {
		db = db.Where("p.category_id = ?", f.CategoryID)
	}
	if f.Batch != nil {
		db = db.Where(table+".batch = ?", *f.Batch)
	}
	return db
}

// Balances pages through current balances.
func (s *Store) Balances(q Q, f BalanceFilter, p Page) ([]BalanceView, int64, error) {
	if f.AsOf != nil {
		return s.balancesAsOf(q, f, p)
	}
	db := f.apply(q.DB().Table("stock_balances b"), "b")
	if f.NonZero {
		db = db.Where("(b.on_hand <> 0 OR b.reserved <> 0 OR b.value <> 0)")
	}
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var out []BalanceView
	err := p.applyTie(db.Select("b.*, p.sku, p.name AS product_name, w.name AS warehouse"), "sku", "b.id").Find(&out).Error
	if out == nil {
		out = []BalanceView{}
	}
	for i := range out {
		out[i].Available = out[i].Balance.Available()
	}
	return out, total, translate(err)
}

// balancesAsOf sums the moves before f.AsOf. It reads history, so it is for
// the occasional question "what did we have on the 1st"; period snapshots
// take over when periods close.
func (s *Store) balancesAsOf(q Q, f BalanceFilter, p Page) ([]BalanceView, int64, error) {
	db := f.apply(q.DB().Table("stock_moves m"), "m").Where("m.posted_at < ?", *f.AsOf).
		Group("m.product_id, m.warehouse_id, m.batch, p.sku, p.name, w.name")
	if f.NonZero {
		db = db.Having("SUM(m.qty) <> 0 OR SUM(m.amount) <> 0")
	}
	var total int64
	if err := q.DB().Table("(?) t", db.Session(&gorm.Session{}).Select("m.product_id")).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	type row struct {
		ProductID, WarehouseID             int64
		Batch, SKU, ProductName, Warehouse string
		OnHand, Value                      decimal.Decimal
	}
	var rows []row
	sel := db.Select("m.product_id, m.warehouse_id, m.batch, p.sku, p.name AS product_name, w.name AS warehouse, SUM(m.qty) AS on_hand, SUM(m.amount) AS value")
	if err := p.applyTie(sel, "sku", "m.product_id, m.warehouse_id, m.batch").Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	out := make([]BalanceView, len(rows))
	for i, r := range rows {
		b := domain.Balance{ProductID: r.ProductID, WarehouseID: r.WarehouseID, Batch: r.Batch,
			OnHand: domain.RoundQty(r.OnHand), Value: domain.RoundAmount(r.Value), Reserved: domain.Zero}
		if b.OnHand.IsPositive() {
			b.AvgCost = domain.RoundCost(b.Value.Div(b.OnHand))
		}
		out[i] = BalanceView{Balance: b, SKU: r.SKU, ProductName: r.ProductName, Warehouse: r.Warehouse, Available: b.OnHand}
	}
	return out, total, nil
}

// MoveFilter narrows the stock ledger.
type MoveFilter struct {
	ProductID   int64
	WarehouseID int64
	DocType     string
	DocID       int64
	From, To    *time.Time
}

// Moves pages through the stock ledger, oldest first by default.
func (s *Store) Moves(q Q, f MoveFilter, p Page) ([]domain.Move, int64, error) {
	db := q.DB().Model(&moveRow{})
	if f.ProductID != 0 {
		db = db.Where("product_id = ?", f.ProductID)
	}
	if f.WarehouseID != 0 {
		db = db.Where("warehouse_id = ?", f.WarehouseID)
	}
	if f.DocType != "" {
		db = db.Where("doc_type = ?", f.DocType)
	}
	if f.DocID != 0 {
		db = db.Where("doc_id = ?", f.DocID)
	}
	if f.From != nil {
		db = db.Where("posted_at >= ?", *f.From)
	}
	if f.To != nil {
		db = db.Where("posted_at < ?", *f.To)
	}
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []moveRow
	if err := p.apply(db, "id").Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	out := make([]domain.Move, len(rows))
	for i, r := range rows {
		out[i] = domain.Move(r)
		out[i].PostedAt = r.PostedAt.UTC()
	}
	return out, total, nil
}

// LedgerCheck compares every balance with the sum of its moves and returns
// the keys that disagree; the invariant tests and `erpd check` use it.
func (s *Store) LedgerCheck(q Q) ([]domain.BalanceKey, error) {
	type row struct {
		ProductID, WarehouseID int64
		Batch                  string
		OnHand, Value          decimal.Decimal
		SumQty, SumAmt         decimal.Decimal
	}
	var rows []row
	err := q.DB().Raw(`SELECT b.product_id, b.warehouse_id, b.batch, b.on_hand, b.value,
		COALESCE(SUM(m.qty), 0) AS sum_qty, COALESCE(SUM(m.amount), 0) AS sum_amt
		FROM stock_balances b LEFT JOIN stock_moves m
		  ON m.product_id = b.product_id AND m.warehouse_id = b.warehouse_id AND m.batch = b.batch
		GROUP BY b.id, b.product_id, b.warehouse_id, b.batch, b.on_hand, b.value`).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	var bad []domain.BalanceKey
	for _, r := range rows {
		if !domain.RoundQty(r.SumQty).Equal(r.OnHand) || !domain.RoundAmount(r.SumAmt).Equal(r.Value) {
			bad = append(bad, domain.BalanceKey{ProductID: r.ProductID, WarehouseID: r.WarehouseID, Batch: r.Batch})
		}
	}
	return bad, nil
}
