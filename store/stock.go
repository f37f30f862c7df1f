package store

import (
	"sort"
	"strings"
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
	IdleSince   *time.Time
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
// exist yet, each locked FOR UPDATE until tx ends. Existing rows are locked
// first, in one global key order (domain.SortKeys), so postings never
// deadlock on each other. Rows are not created with INSERT … ON DUPLICATE
// KEY on the hot path: InnoDB takes a shared lock on the duplicate and then
// upgrades it, and two postings of one SKU deadlock on that upgrade.
func (tx *Tx) LockBalances(keys []domain.BalanceKey, expiry map[domain.BalanceKey]string) ([]*domain.Balance, error) {
	keys = domain.SortKeys(append([]domain.BalanceKey(nil), keys...))
	if len(keys) == 0 {
		return nil, nil
	}
	found, err := tx.lockExisting(keys)
	if err != nil {
		return nil, err
	}
	if len(found) < len(keys) {
		have := map[domain.BalanceKey]bool{}
		for _, b := range found {
			have[b.Key()] = true
		}
		var rows []balanceRow
		var missing []domain.BalanceKey
		for _, k := range keys {
			if have[k] {
				continue
			}
			missing = append(missing, k)
			r := balanceRow{ProductID: k.ProductID, WarehouseID: k.WarehouseID, Batch: k.Batch, UpdatedAt: tx.Now}
			if e, ok := expiry[k]; ok {
				r.Expiry = &e
			}
			rows = append(rows, r)
		}
		// A concurrent posting may create the same row first; then ours is
		// skipped and the lock below waits for it.
		if err := tx.DB().Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
			return nil, translate(err)
		}
		more, err := tx.lockExisting(missing)
		if err != nil {
			return nil, err
		}
		found = append(found, more...)
		sort.Slice(found, func(i, j int) bool { return found[i].Key().Less(found[j].Key()) })
	}
	return found, nil
}

func (tx *Tx) lockExisting(keys []domain.BalanceKey) ([]*domain.Balance, error) {
	var locked []balanceRow
	err := lockRow(tx.DB()).Where(keyCond(keys)).Order("product_id, warehouse_id, batch").Find(&locked).Error
	if err != nil {
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
	changed := p.Changed()
	ids := make([]int64, len(changed))
	cols := map[string][]any{"on_hand": nil, "reserved": nil, "avg_cost": nil, "value": nil, "expiry": nil, "idle_since": nil}
	for i, b := range changed {
		cols["idle_since"] = append(cols["idle_since"], b.IdleSince)
		ids[i] = b.ID
		cols["on_hand"] = append(cols["on_hand"], b.OnHand)
		cols["reserved"] = append(cols["reserved"], b.Reserved)
		cols["avg_cost"] = append(cols["avg_cost"], b.AvgCost)
		cols["value"] = append(cols["value"], b.Value)
		cols["expiry"] = append(cols["expiry"], b.Expiry)
	}
	if err := tx.updateByID("stock_balances", ids, cols); err != nil {
		return err
	}
	moves := p.Moves()
	if len(moves) == 0 {
		return nil
	}
	for len(moves) > 0 {
		n := min(len(moves), 500)
		var sb strings.Builder
		args := make([]any, 0, n*16)
		sb.WriteString("INSERT INTO stock_moves (product_id, warehouse_id, batch, kind, qty, unit_cost, amount, balance_qty, balance_value, doc_type, doc_id, doc_number, line_id, posted_at, biz_date, created_by) VALUES ")
		for i, m := range moves[:n] {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, m.ProductID, m.WarehouseID, m.Batch, m.Kind, m.Qty, m.UnitCost, m.Amount, m.BalanceQty, m.BalanceValue,
				m.DocType, m.DocID, m.DocNumber, m.LineID, m.PostedAt, m.BizDate, m.CreatedBy)
		}
		if err := tx.later(sb.String(), args...); err != nil {
			return err
		}
		moves = moves[n:]
	}
	return nil
}

// BalanceFilter narrows stock queries.
type BalanceFilter struct {
	ProductID int64
	// SKU matches a product's code or barcode exactly (a scan).
	SKU string
	// Search matches code or barcode exactly, or a part of the name.
	Search      string
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
		db = db.Where("(p.sku = ? OR p.barcode = ?)", f.SKU, f.SKU)
	}
	if f.Search != "" {
		db = db.Where("(p.sku = ? OR p.barcode = ? OR p.name LIKE ? ESCAPE '!' OR p.sku LIKE ? ESCAPE '!')", f.Search, f.Search, like(f.Search), like(f.Search))
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

// Moves pages through the stock ledger in a scope (the moves of the
// documents it sees), oldest first by default.
func (s *Store) Moves(q Q, sc Scope, f MoveFilter, p Page) ([]domain.Move, int64, error) {
	db := scopedMoves(q.DB().Model(&moveRow{}), sc, "stock_moves")
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
	// From and To bound the business dates (业务日期), so a document dated
	// back lists under its date, as its voucher does.
	db = bizDates(db, "biz_date", f.From, f.To)
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

// updateByID writes per-row values of several rows in one statement
// (UPDATE … SET col = CASE id WHEN … END … WHERE id IN …): a posting of N
// lines costs one round trip for its balances, not N. cols maps a column to
// one value per id, in the order of ids; updated_at is set to tx.Now.
func (tx *Tx) updateByID(table string, ids []int64, cols map[string][]any) error {
	return tx.batchUpdate(table, ids, cols, true)
}

// updateLinesByID is updateByID for document lines, which have no updated_at.
func (tx *Tx) updateLinesByID(table string, ids []int64, cols map[string][]any) error {
	return tx.batchUpdate(table, ids, cols, false)
}

func (tx *Tx) batchUpdate(table string, ids []int64, cols map[string][]any, stamp bool) error {
	if len(ids) == 0 {
		return nil
	}
	names := make([]string, 0, len(cols))
	for c := range cols {
		names = append(names, c)
	}
	sort.Strings(names) // a stable statement text
	var sb strings.Builder
	args := make([]any, 0, len(ids)*(2*len(cols)+1)+1)
	sb.WriteString("UPDATE " + table + " SET ")
	for i, c := range names {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(c + " = CASE id")
		for j, id := range ids {
			sb.WriteString(" WHEN ? THEN ?")
			args = append(args, id, cols[c][j])
		}
		sb.WriteString(" END")
	}
	if stamp {
		sb.WriteString(", updated_at = ?")
		args = append(args, tx.Now)
	}
	sb.WriteString(" WHERE id IN (")
	for i, id := range ids {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("?")
		args = append(args, id)
	}
	sb.WriteString(")")
	return tx.later(sb.String(), args...)
}
