package store

import (
	"time"

	"github.com/dingerp/erpd/domain"
	"gorm.io/gorm"
)

type openingRow struct {
	domain.DocHeader
	WarehouseID int64
}

func (openingRow) TableName() string { return "stock_openings" }

type openingLineRow struct {
	OpeningID int64
	domain.OpeningLine
}

func (openingLineRow) TableName() string { return "stock_opening_lines" }

type transferRow struct {
	domain.DocHeader
	FromWarehouseID int64
	ToWarehouseID   int64
}

func (transferRow) TableName() string { return "transfers" }

type transferLineRow struct {
	TransferID int64
	domain.TransferLine
}

func (transferLineRow) TableName() string { return "transfer_lines" }

type stocktakeRow struct {
	domain.DocHeader
	WarehouseID int64
}

func (stocktakeRow) TableName() string { return "stocktakes" }

type stocktakeLineRow struct {
	StocktakeID int64
	domain.StocktakeLine
}

func (stocktakeLineRow) TableName() string { return "stocktake_lines" }

func utcHeader(h *domain.DocHeader) {
	h.CreatedAt, h.UpdatedAt = h.CreatedAt.UTC(), h.UpdatedAt.UTC()
	if h.PostedAt != nil {
		t := h.PostedAt.UTC()
		h.PostedAt = &t
	}
}

// CreateOpening inserts an opening document and its lines, filling ids.
func (tx *Tx) CreateOpening(o *domain.Opening) error {
	r := openingRow{DocHeader: o.DocHeader, WarehouseID: o.WarehouseID}
	if err := tx.DB().Create(&r).Error; err != nil {
		return translate(err)
	}
	o.DocHeader = r.DocHeader
	lines := make([]openingLineRow, len(o.Lines))
	for i, l := range o.Lines {
		lines[i] = openingLineRow{OpeningID: r.ID, OpeningLine: l}
	}
	if err := tx.DB().CreateInBatches(&lines, 500).Error; err != nil {
		return translate(err)
	}
	for i := range lines {
		o.Lines[i].ID = lines[i].ID
	}
	return nil
}

// DocFilter narrows document lists.
type DocFilter struct {
	Status      string
	WarehouseID int64
	Number      string
	CreatedBy   int64
	From, To    *time.Time
	// Scope limits the list to the documents of the actor's data scope
	// (their creators'). Required: the zero Scope sees nothing.
	Scope Scope
}

func (f DocFilter) apply(db *gorm.DB, whCols ...string) *gorm.DB {
	db = scoped(db, f.Scope, "created_by")
	if f.Status != "" {
		db = db.Where("status = ?", f.Status)
	}
	if f.Number != "" {
		db = db.Where("number LIKE ? ESCAPE '!'", like(f.Number))
	}
	if f.CreatedBy != 0 {
		db = db.Where("created_by = ?", f.CreatedBy)
	}
	if f.WarehouseID != 0 && len(whCols) > 0 {
		cond, args := "", []any{}
		for i, c := range whCols {
			if i > 0 {
				cond += " OR "
			}
			cond += c + " = ?"
			args = append(args, f.WarehouseID)
		}
		db = db.Where("("+cond+")", args...)
	}
	if f.From != nil {
		db = db.Where("created_at >= ?", *f.From)
	}
	if f.To != nil {
		db = db.Where("created_at < ?", *f.To)
	}
	return db
}

func getOpening(q Q, id int64) (*domain.Opening, error) {
	var r openingRow
	if err := q.DB().Where("id = ?", id).Take(&r).Error; err != nil {
		if err == gorm.ErrRecordNotFound {
			return nil, domain.NotFound(domain.DocName(domain.DocOpening), id)
		}
		return nil, translate(err)
	}
	var lines []openingLineRow
	if err := q.DB().Where("opening_id = ?", id).Order("id").Find(&lines).Error; err != nil {
		return nil, translate(err)
	}
	o := &domain.Opening{DocHeader: r.DocHeader, WarehouseID: r.WarehouseID, Lines: make([]domain.OpeningLine, len(lines))}
	utcHeader(&o.DocHeader)
	for i, l := range lines {
		o.Lines[i] = l.OpeningLine
	}
	return o, nil
}

// GetOpening loads an opening document outside a transaction.
func (s *Store) GetOpening(q Q, id int64) (*domain.Opening, error) { return getOpening(q, id) }

// CreateTransfer inserts a draft transfer and its lines.
func (tx *Tx) CreateTransfer(t *domain.Transfer) error {
	r := transferRow{DocHeader: t.DocHeader, FromWarehouseID: t.FromWarehouseID, ToWarehouseID: t.ToWarehouseID}
	if err := tx.DB().Create(&r).Error; err != nil {
		return translate(err)
	}
	t.DocHeader = r.DocHeader
	return tx.insertTransferLines(t)
}

func (tx *Tx) insertTransferLines(t *domain.Transfer) error {
	return insertLines(tx, t.Lines, func(l domain.TransferLine) transferLineRow {
		l.ID = 0
		return transferLineRow{TransferID: t.ID, TransferLine: l}
	}, func(r transferLineRow) domain.TransferLine { return r.TransferLine })
}

// insertLines inserts a draft's lines through their row type (row wraps a
// line, its id zeroed so that the database numbers it) and takes the lines
// back with their new ids (line unwraps a row). Transfers and stocktakes
// share it.
func insertLines[L any, R any](tx *Tx, lines []L, row func(L) R, line func(R) L) error {
	rows := make([]R, len(lines))
	for i, l := range lines {
		rows[i] = row(l)
	}
	if err := tx.DB().CreateInBatches(&rows, 500).Error; err != nil {
		return translate(err)
	}
	for i := range rows {
		lines[i] = line(rows[i])
	}
	return nil
}

// stateColumns are what a state change (post, cancel) writes to a header.
func stateColumns(h domain.DocHeader, now time.Time) map[string]any {
	h.UpdatedAt = now
	return map[string]any{"status": h.Status, "posted_at": h.PostedAt, "version": h.Version, "updated_at": now}
}

// saveHeader writes a draft document's header (model is its row type)
// where its version is still oldVersion: whole, the row of the edited
// draft, when withLines is set, else only its state columns. A version
// that moved on is a conflict.
func (tx *Tx) saveHeader(model any, id int64, oldVersion int, withLines bool, whole any, h domain.DocHeader) error {
	db := tx.DB().Model(model).Where("id = ? AND version = ?", id, oldVersion)
	var res *gorm.DB
	if withLines {
		res = db.Select("*").Omit("id", "created_at", "created_by", "number").Updates(whole)
	} else {
		res = db.Updates(stateColumns(h, tx.Now))
	}
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return errStale
	}
	return nil
}

// deleteLines removes a draft's lines before an edit inserts them again.
func (tx *Tx) deleteLines(model any, fk string, id int64) error {
	return translate(tx.DB().Where(fk+" = ?", id).Delete(model).Error)
}

// UpdateTransfer writes a transfer where its version is still oldVersion:
// the whole draft with its lines when withLines is set (an edit), otherwise
// the state and the costs posting filled into the lines.
func (tx *Tx) UpdateTransfer(t *domain.Transfer, oldVersion int, withLines bool) error {
	r := transferRow{DocHeader: t.DocHeader, FromWarehouseID: t.FromWarehouseID, ToWarehouseID: t.ToWarehouseID}
	if err := tx.saveHeader(&transferRow{}, t.ID, oldVersion, withLines, &r, t.DocHeader); err != nil {
		return err
	}
	if withLines {
		if err := tx.deleteLines(&transferLineRow{}, "transfer_id", t.ID); err != nil {
			return err
		}
		return tx.insertTransferLines(t)
	}
	ids := make([]int64, len(t.Lines))
	cols := map[string][]any{"unit_cost": nil, "amount": nil}
	for i, l := range t.Lines {
		ids[i] = l.ID
		cols["unit_cost"] = append(cols["unit_cost"], l.UnitCost)
		cols["amount"] = append(cols["amount"], l.Amount)
	}
	return tx.updateLinesByID("transfer_lines", ids, cols)
}

// GetTransfer loads a transfer with its lines; lock takes its row FOR UPDATE.
func GetTransfer(q Q, id int64, lock bool) (*domain.Transfer, error) {
	db := q.DB()
	if lock {
		db = lockRow(db)
	}
	var r transferRow
	if err := db.Where("id = ?", id).Take(&r).Error; err != nil {
		if err == gorm.ErrRecordNotFound {
			return nil, domain.NotFound(domain.DocName(domain.DocTransfer), id)
		}
		return nil, translate(err)
	}
	var lines []transferLineRow
	if err := q.DB().Where("transfer_id = ?", id).Order("id").Find(&lines).Error; err != nil {
		return nil, translate(err)
	}
	t := &domain.Transfer{DocHeader: r.DocHeader, FromWarehouseID: r.FromWarehouseID, ToWarehouseID: r.ToWarehouseID,
		Lines: make([]domain.TransferLine, len(lines))}
	utcHeader(&t.DocHeader)
	for i, l := range lines {
		t.Lines[i] = l.TransferLine
	}
	return t, nil
}

// ListTransfers pages through transfers (headers only).
func ListTransfers(q Q, f DocFilter, p Page) ([]domain.Transfer, int64, error) {
	db := f.apply(q.DB().Model(&transferRow{}), "from_warehouse_id", "to_warehouse_id")
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []transferRow
	if err := p.apply(db, "-id").Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	out := make([]domain.Transfer, len(rows))
	for i, r := range rows {
		out[i] = domain.Transfer{DocHeader: r.DocHeader, FromWarehouseID: r.FromWarehouseID, ToWarehouseID: r.ToWarehouseID, Lines: []domain.TransferLine{}}
		utcHeader(&out[i].DocHeader)
	}
	return out, total, nil
}

// CreateStocktake inserts a draft stocktake and its lines.
func (tx *Tx) CreateStocktake(s *domain.Stocktake) error {
	r := stocktakeRow{DocHeader: s.DocHeader, WarehouseID: s.WarehouseID}
	if err := tx.DB().Create(&r).Error; err != nil {
		return translate(err)
	}
	s.DocHeader = r.DocHeader
	return tx.insertStocktakeLines(s)
}

func (tx *Tx) insertStocktakeLines(s *domain.Stocktake) error {
	return insertLines(tx, s.Lines, func(l domain.StocktakeLine) stocktakeLineRow {
		l.ID = 0
		return stocktakeLineRow{StocktakeID: s.ID, StocktakeLine: l}
	}, func(r stocktakeLineRow) domain.StocktakeLine { return r.StocktakeLine })
}

// UpdateStocktake writes a stocktake like UpdateTransfer.
func (tx *Tx) UpdateStocktake(s *domain.Stocktake, oldVersion int, withLines bool) error {
	r := stocktakeRow{DocHeader: s.DocHeader, WarehouseID: s.WarehouseID}
	if err := tx.saveHeader(&stocktakeRow{}, s.ID, oldVersion, withLines, &r, s.DocHeader); err != nil {
		return err
	}
	if withLines {
		if err := tx.deleteLines(&stocktakeLineRow{}, "stocktake_id", s.ID); err != nil {
			return err
		}
		return tx.insertStocktakeLines(s)
	}
	ids := make([]int64, len(s.Lines))
	cols := map[string][]any{"book_qty": nil, "diff_qty": nil, "unit_cost": nil, "amount": nil}
	for i, l := range s.Lines {
		ids[i] = l.ID
		cols["book_qty"] = append(cols["book_qty"], l.BookQty)
		cols["diff_qty"] = append(cols["diff_qty"], l.DiffQty)
		cols["unit_cost"] = append(cols["unit_cost"], l.UnitCost)
		cols["amount"] = append(cols["amount"], l.Amount)
	}
	return tx.updateLinesByID("stocktake_lines", ids, cols)
}

// GetStocktake loads a stocktake with its lines.
func GetStocktake(q Q, id int64, lock bool) (*domain.Stocktake, error) {
	db := q.DB()
	if lock {
		db = lockRow(db)
	}
	var r stocktakeRow
	if err := db.Where("id = ?", id).Take(&r).Error; err != nil {
		if err == gorm.ErrRecordNotFound {
			return nil, domain.NotFound(domain.DocName(domain.DocStocktake), id)
		}
		return nil, translate(err)
	}
	var lines []stocktakeLineRow
	if err := q.DB().Where("stocktake_id = ?", id).Order("id").Find(&lines).Error; err != nil {
		return nil, translate(err)
	}
	s := &domain.Stocktake{DocHeader: r.DocHeader, WarehouseID: r.WarehouseID, Lines: make([]domain.StocktakeLine, len(lines))}
	utcHeader(&s.DocHeader)
	for i, l := range lines {
		s.Lines[i] = l.StocktakeLine
	}
	return s, nil
}

// ListStocktakes pages through stocktakes (headers only).
func ListStocktakes(q Q, f DocFilter, p Page) ([]domain.Stocktake, int64, error) {
	db := f.apply(q.DB().Model(&stocktakeRow{}), "warehouse_id")
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []stocktakeRow
	if err := p.apply(db, "-id").Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	out := make([]domain.Stocktake, len(rows))
	for i, r := range rows {
		out[i] = domain.Stocktake{DocHeader: r.DocHeader, WarehouseID: r.WarehouseID, Lines: []domain.StocktakeLine{}}
		utcHeader(&out[i].DocHeader)
	}
	return out, total, nil
}
