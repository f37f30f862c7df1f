package store

import (
	"errors"
	"sort"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

type openItemRow struct {
	ID        int64
	PartnerID int64
	Kind      string
	DocType   string
	DocID     int64
	DocNumber string
	Date      string
	DueDate   string
	Amount    decimal.Decimal
	Open      decimal.Decimal `gorm:"column:open_amount"`
	CreatedAt time.Time
}

func (openItemRow) TableName() string { return "open_items" }

// lockOpenItems and friends read open amounts SQLite may hand back as
// floats: rounded to the stored scale they are exact again.
func (r openItemRow) toDomain() domain.OpenItem {
	return domain.OpenItem{ID: r.ID, PartnerID: r.PartnerID, Kind: r.Kind, DocType: r.DocType, DocID: r.DocID, DocNumber: r.DocNumber,
		Date: r.Date, DueDate: r.DueDate, Amount: domain.RoundAmount(r.Amount), Open: domain.RoundAmount(r.Open), CreatedAt: r.CreatedAt}
}

type allocationRow struct {
	ID           int64
	DebitItemID  int64
	CreditItemID int64
	Amount       decimal.Decimal
	CreatedAt    time.Time
}

func (allocationRow) TableName() string { return "allocations" }

// AddOpenItem records a new receivable or payable (or a credit against
// one), open for its whole amount.
func (tx *Tx) AddOpenItem(it *domain.OpenItem) error {
	if err := tx.AddOpenItemLater(it); err != nil {
		return err
	}
	return tx.AwaitIDs()
}

// AddOpenItemLater is AddOpenItem for a caller that reads the item's id
// only after its next statement (see laterInsert).
func (tx *Tx) AddOpenItemLater(it *domain.OpenItem) error {
	delete(tx.noOpen, openSide{it.PartnerID, it.Kind, it.Amount.IsNegative()})
	it.Open, it.CreatedAt = it.Amount, tx.Now
	row := openItemRow{PartnerID: it.PartnerID, Kind: it.Kind, DocType: it.DocType, DocID: it.DocID, DocNumber: it.DocNumber,
		Date: it.Date, DueDate: it.DueDate, Amount: it.Amount, Open: it.Open, CreatedAt: tx.Now}
	_, err := tx.laterInsert([]openItemRow{row}, nil, func(_ int, id int64) { it.ID = id })
	return err
}

// lockOpenItems loads a partner's unsettled items of a kind, locked, by due
// date then age.
func lockOpenItems(db *gorm.DB, partnerID int64, kind string) ([]openItemRow, error) {
	var rows []openItemRow
	err := lockRow(db).Where("partner_id = ? AND kind = ? AND open_amount <> 0", partnerID, kind).Order("due_date, id").Find(&rows).Error
	for i := range rows {
		rows[i].Amount, rows[i].Open = domain.RoundAmount(rows[i].Amount), domain.RoundAmount(rows[i].Open)
	}
	return rows, translate(err)
}

// Allocate settles amount of debit item d by credit item c (核销): both the
// partner's, of one kind, locked by the caller, with their open amounts as
// they stand. domain.Settle computes the new open amounts (in decimals)
// and refuses an over-allocation; they are written whole (SQLite would do
// arithmetic on them in floats).
func (tx *Tx) Allocate(d, c *domain.OpenItem, amount decimal.Decimal) error {
	if _, err := domain.Settle(d, c, amount, tx.Now); err != nil {
		return err
	}
	return allocate(tx.DB(), tx.Now, d.ID, c.ID, d.Open, c.Open, amount)
}

func allocate(db *gorm.DB, now time.Time, debitID, creditID int64, debitOpen, creditOpen, amount decimal.Decimal) error {
	if err := db.Model(&openItemRow{}).Where("id = ?", debitID).Update("open_amount", debitOpen).Error; err != nil {
		return translate(err)
	}
	if err := db.Model(&openItemRow{}).Where("id = ?", creditID).Update("open_amount", creditOpen).Error; err != nil {
		return translate(err)
	}
	return translate(db.Create(&allocationRow{DebitItemID: debitID, CreditItemID: creditID, Amount: amount, CreatedAt: now}).Error)
}

// AutoAllocate settles a partner's open credits against open debits of a
// kind, oldest due first, and returns what it allocated.
func (tx *Tx) AutoAllocate(partnerID int64, kind string) ([]domain.Allocation, error) {
	if tx.noOpen[openSide{partnerID, kind, true}] || tx.noOpen[openSide{partnerID, kind, false}] {
		return nil, nil // one side has nothing open (OpenSidesIn): nothing to settle
	}
	return autoAllocate(tx.DB(), tx.Now, partnerID, kind)
}

// openSide is one side of a partner's open items of a kind: its credits
// (negative open amounts) or its debits.
type openSide struct {
	partnerID int64
	kind      string
	credits   bool
}

// OpenSidesIn adds to b a read of whether a partner has open credits and
// open debits of a kind. A posting that will raise an open item reads it
// before it takes its hot locks: AutoAllocate then needs no read of its
// own when a side is empty, which is the common case (a customer with
// open invoices and no advance). The transaction keeps the answer until it
// adds an item to the empty side itself; allocations only close items.
// Other transactions may add a credit meanwhile, as they may between
// AutoAllocate's own read and the commit: such a credit settles at its own
// posting or by hand (核销), as before.
func (tx *Tx) OpenSidesIn(b *Batch, partnerID int64, kind string) {
	var sides struct{ Credits, Debits bool }
	// Read off the partner's row: a batch takes finished GORM queries.
	const q = "EXISTS (SELECT 1 FROM open_items WHERE partner_id = ? AND kind = ? AND open_amount < 0) AS credits, " +
		"EXISTS (SELECT 1 FROM open_items WHERE partner_id = ? AND kind = ? AND open_amount > 0) AS debits"
	b.Add(func(db *gorm.DB) *gorm.DB {
		return db.Table("partners").Select(q, partnerID, kind, partnerID, kind).Where("id = ?", partnerID).Take(&sides)
	}, func(err error) error {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil // no partner: AutoAllocate reads for itself
		}
		if err != nil {
			return translate(err)
		}
		if tx.noOpen == nil {
			tx.noOpen = map[openSide]bool{}
		}
		tx.noOpen[openSide{partnerID, kind, true}] = !sides.Credits
		tx.noOpen[openSide{partnerID, kind, false}] = !sides.Debits
		return nil
	})
}

func autoAllocate(db *gorm.DB, now time.Time, partnerID int64, kind string) ([]domain.Allocation, error) {
	// Most of the time a partner has open debits and no credit (or the
	// other way round): then there is nothing to settle, and the many
	// open debits of a busy customer are neither read nor locked.
	for _, cond := range []string{"open_amount < 0", "open_amount > 0"} {
		found, err := exists(db.Table("open_items").Where("partner_id = ? AND kind = ? AND "+cond, partnerID, kind))
		if err != nil || !found {
			return nil, err
		}
	}
	rows, err := lockOpenItems(db, partnerID, kind)
	if err != nil {
		return nil, err
	}
	items := make([]domain.OpenItem, len(rows))
	for i, r := range rows {
		items[i] = r.toDomain()
	}
	steps := domain.SettleFIFO(items, now)
	out := make([]domain.Allocation, 0, len(steps))
	for _, st := range steps {
		if err := allocate(db, now, st.DebitItemID, st.CreditItemID, st.DebitOpen, st.CreditOpen, st.Amount); err != nil {
			return nil, err
		}
		out = append(out, st.Allocation)
	}
	return out, nil
}

// OpenItemsLocked returns items by id, locked.
func OpenItemsLocked(tx *Tx, ids []int64) (map[int64]domain.OpenItem, error) {
	var rows []openItemRow
	if err := lockRow(tx.DB()).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := map[int64]domain.OpenItem{}
	for _, r := range rows {
		out[r.ID] = r.toDomain()
	}
	return out, nil
}

// OpenItemFilter narrows open items.
type OpenItemFilter struct {
	Kind      string
	PartnerID int64
	OnlyOpen  bool
	From, To  string // dates, inclusive
	OnlyDue   bool   // only what is owed (open and positive): no credits
}

// apply narrows a query of open items by everything but the kind.
func (f OpenItemFilter) apply(db *gorm.DB) *gorm.DB {
	if f.PartnerID != 0 {
		db = db.Where("partner_id = ?", f.PartnerID)
	}
	if f.OnlyOpen {
		db = db.Where("open_amount <> 0")
	}
	if f.OnlyDue {
		db = db.Where("open_amount > 0")
	}
	if f.From != "" {
		db = db.Where("date >= ?", f.From)
	}
	if f.To != "" {
		db = db.Where("date <= ?", f.To)
	}
	return db
}

// PageOpenItems pages through the items of some kinds, by partner, then
// by due date: the order AutoAllocate settles them in. OnlyDue leaves out
// credits (receipts and returns not yet set against a bill).
func PageOpenItems(q Q, kinds []string, f OpenItemFilter, p Page) ([]domain.OpenItem, int64, error) {
	db := f.apply(q.DB().Model(&openItemRow{}).Where("kind IN ?", kinds))
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []openItemRow
	if err := db.Order("partner_id, kind, due_date, id").Offset(p.Offset()).Limit(p.PageSize).Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	out := make([]domain.OpenItem, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, total, nil
}

// ListOpenItems lists items, by partner, due date and age.
func ListOpenItems(q Q, f OpenItemFilter) ([]domain.OpenItem, error) {
	db := f.apply(q.DB().Model(&openItemRow{}).Where("kind = ?", f.Kind))
	var rows []openItemRow
	if err := db.Order("partner_id, date, id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]domain.OpenItem, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// PartnerBalance sums a partner's items of a kind dated before date (all
// when empty): what they owe (AR) or are owed (AP), prepayments netted.
func PartnerBalance(q Q, partnerID int64, kind, before string) (decimal.Decimal, error) {
	db := q.DB().Model(&openItemRow{}).Select("COALESCE(SUM(amount), 0) AS total").Where("partner_id = ? AND kind = ?", partnerID, kind)
	if before != "" {
		db = db.Where("date < ?", before)
	}
	var r struct{ Total decimal.Decimal }
	err := db.Scan(&r).Error
	return domain.RoundAmount(r.Total), translate(err)
}

// AllocationsOf lists the allocations an item took part in.
func AllocationsOf(q Q, itemID int64) ([]domain.Allocation, error) {
	var rows []allocationRow
	err := q.DB().Where("debit_item_id = ? OR credit_item_id = ?", itemID, itemID).Order("id").Find(&rows).Error
	out := make([]domain.Allocation, len(rows))
	for i, r := range rows {
		out[i] = domain.Allocation{ID: r.ID, DebitItemID: r.DebitItemID, CreditItemID: r.CreditItemID, Amount: r.Amount, CreatedAt: r.CreatedAt}
	}
	return out, translate(err)
}

type moneyDocRow struct {
	ID        int64
	Type      string
	Number    string
	PartnerID int64
	AccountID int64
	Amount    decimal.Decimal
	Date      string
	Remark    string
	ItemID    int64
	CreatedBy int64
	CreatedAt time.Time
	// PaymentMethodID is the 结算方式 (a dictionary entry).
	PaymentMethodID *int64
}

func (moneyDocRow) TableName() string { return "money_docs" }

func (r moneyDocRow) toDomain() domain.MoneyDoc {
	return domain.MoneyDoc{ID: r.ID, Type: r.Type, Number: r.Number, PartnerID: r.PartnerID, AccountID: r.AccountID, Amount: r.Amount,
		Date: r.Date, Remark: r.Remark, ItemID: r.ItemID, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, Allocations: []domain.Allocation{},
		PaymentMethodID: r.PaymentMethodID}
}

// CreateMoneyDoc saves a money document.
func (tx *Tx) CreateMoneyDoc(m *domain.MoneyDoc) error {
	m.CreatedAt = tx.Now
	row := moneyDocRow{Type: m.Type, Number: m.Number, PartnerID: m.PartnerID, AccountID: m.AccountID, Amount: m.Amount, Date: m.Date,
		Remark: m.Remark, ItemID: m.ItemID, CreatedBy: m.CreatedBy, CreatedAt: tx.Now, PaymentMethodID: m.PaymentMethodID}
	if err := tx.DB().Create(&row).Error; err != nil {
		return translate(err)
	}
	m.ID = row.ID
	return nil
}

// SetMoneyDocItem links a money document to its open item.
func (tx *Tx) SetMoneyDocItem(id, itemID int64) error {
	return translate(tx.DB().Model(&moneyDocRow{}).Where("id = ?", id).Update("item_id", itemID).Error)
}

// GetMoneyDoc loads a money document with its allocations and what is
// still unallocated.
func GetMoneyDoc(q Q, typ string, id int64) (*domain.MoneyDoc, error) {
	var row moneyDocRow
	err := q.DB().Where("id = ? AND type = ?", id, typ).Take(&row).Error
	if err == gorm.ErrRecordNotFound {
		return nil, domain.NotFound(domain.DocName(typ), id)
	}
	if err != nil {
		return nil, translate(err)
	}
	m := row.toDomain()
	var it openItemRow
	if err := q.DB().Where("id = ?", m.ItemID).Take(&it).Error; err != nil {
		return nil, translate(err)
	}
	m.Unallocated = it.Open.Neg()
	if m.Allocations, err = AllocationsOf(q, m.ItemID); err != nil {
		return nil, err
	}
	return &m, nil
}

// ListMoneyDocs lists money documents of a type, newest first.
func ListMoneyDocs(q Q, typ string, partnerID int64, p Page) ([]domain.MoneyDoc, int64, error) {
	db := q.DB().Model(&moneyDocRow{}).Where("type = ?", typ)
	if partnerID != 0 {
		db = db.Where("partner_id = ?", partnerID)
	}
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []moneyDocRow
	err := db.Order("id DESC").Offset((p.Page - 1) * p.PageSize).Limit(p.PageSize).Find(&rows).Error
	out := make([]domain.MoneyDoc, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, total, translate(err)
}

// backfillOpenItems turns the receipts, shipments and returns posted before
// the receivables existed into open items, and settles each partner's
// credits against their debits oldest first.
func backfillOpenItems(db *gorm.DB) error {
	var docs []struct {
		ID        int64
		Type      string
		Number    string
		PartnerID int64
		Total     decimal.Decimal
		PostedAt  time.Time
		TermsDays int
	}
	err := db.Table("stock_docs d").Select("d.id, d.type, d.number, d.partner_id, d.total, d.posted_at, p.payment_terms_days AS terms_days").
		Joins("JOIN partners p ON p.id = d.partner_id").Where("d.type IN ?", []string{domain.DocPurchaseReceipt, domain.DocPurchaseReturn,
		domain.DocSalesShipment, domain.DocSalesReturn}).Order("d.id").Find(&docs).Error
	if err != nil || len(docs) == 0 {
		return translate(err)
	}
	now := db.NowFunc()
	type key struct {
		partner int64
		kind    string
	}
	touched := map[key]bool{}
	for _, d := range docs {
		it, ok := domain.RaiseOpenItem(domain.DocRef{Type: d.Type, ID: d.ID, Number: d.Number}, d.PartnerID, d.TermsDays,
			domain.LocalDate(d.PostedAt), d.Total)
		if !ok {
			continue
		}
		row := openItemRow{PartnerID: it.PartnerID, Kind: it.Kind, DocType: it.DocType, DocID: it.DocID, DocNumber: it.DocNumber,
			Date: it.Date, DueDate: it.DueDate, Amount: it.Amount, Open: it.Open, CreatedAt: now}
		if err := db.Create(&row).Error; err != nil {
			return err
		}
		touched[key{it.PartnerID, it.Kind}] = true
	}
	keys := make([]key, 0, len(touched))
	for k := range touched {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].partner < keys[j].partner || keys[i].partner == keys[j].partner && keys[i].kind < keys[j].kind
	})
	for _, k := range keys {
		if _, err := autoAllocate(db, now, k.partner, k.kind); err != nil {
			return err
		}
	}
	return nil
}

// AllocationsAfter lists the allocations of a kind's items made at or after
// t (to undo them for a view as of an earlier day).
func AllocationsAfter(q Q, kind string, t time.Time) ([]domain.Allocation, error) {
	var rows []allocationRow
	err := q.DB().Table("allocations a").Select("a.*").Joins("JOIN open_items i ON i.id = a.debit_item_id").
		Where("i.kind = ? AND a.created_at >= ?", kind, t).Find(&rows).Error
	out := make([]domain.Allocation, len(rows))
	for i, r := range rows {
		out[i] = domain.Allocation{ID: r.ID, DebitItemID: r.DebitItemID, CreditItemID: r.CreditItemID, Amount: domain.RoundAmount(r.Amount), CreatedAt: r.CreatedAt}
	}
	return out, translate(err)
}
