package store

import (
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

type invoiceRow struct {
	ID        int64
	Type      string
	Number    string
	InvoiceNo string
	PartnerID int64
	Date      string
	Amount    decimal.Decimal
	Tax       decimal.Decimal
	Total     decimal.Decimal
	ItemID    int64
	Remark    string
	CreatedBy int64
	CreatedAt time.Time
}

func (invoiceRow) TableName() string { return "invoices" }

func (r invoiceRow) toDomain() domain.Invoice {
	return domain.Invoice{ID: r.ID, Type: r.Type, Number: r.Number, InvoiceNo: r.InvoiceNo, PartnerID: r.PartnerID, Date: r.Date,
		Amount: r.Amount, Tax: r.Tax, Total: r.Total, ItemID: r.ItemID, Remark: r.Remark, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), Lines: []domain.InvoiceLine{}}
}

type invoiceLineRow struct {
	ID        int64
	InvoiceID int64
	DocType   string
	DocID     int64
	DocNumber string
	Amount    decimal.Decimal
	Tax       decimal.Decimal
}

func (invoiceLineRow) TableName() string { return "invoice_lines" }

// MarkUninvoiced leaves a posted stock document waiting for its invoice.
func (tx *Tx) MarkUninvoiced(docID int64) error {
	return translate(tx.DB().Model(&stockDocRow{}).Where("id = ?", docID).Update("invoice_status", domain.InvoicePending).Error)
}

// PendingDocs lists a partner's documents of the given types that wait for
// an invoice (all partners when partnerID is 0), oldest first; lock locks
// them for invoicing.
func PendingDocs(q Q, types []string, partnerID int64, ids []int64, lock bool) ([]domain.StockDoc, error) {
	db := q.DB()
	if lock {
		db = lockRow(db)
	}
	db = db.Where("type IN ? AND invoice_status = ?", types, domain.InvoicePending)
	if partnerID != 0 {
		db = db.Where("partner_id = ?", partnerID)
	}
	if ids != nil {
		db = db.Where("id IN ?", ids)
	}
	var rows []stockDocRow
	if err := db.Order("posted_at, id").Limit(5000).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]domain.StockDoc, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// CreateInvoice saves an invoice with its lines and marks its documents
// invoiced.
func (tx *Tx) CreateInvoice(inv *domain.Invoice) error {
	inv.CreatedAt = tx.Now
	row := invoiceRow{Type: inv.Type, Number: inv.Number, InvoiceNo: inv.InvoiceNo, PartnerID: inv.PartnerID, Date: inv.Date,
		Amount: inv.Amount, Tax: inv.Tax, Total: inv.Total, ItemID: inv.ItemID, Remark: inv.Remark, CreatedBy: inv.CreatedBy, CreatedAt: tx.Now}
	if err := tx.DB().Create(&row).Error; err != nil {
		return translate(err)
	}
	inv.ID = row.ID
	lines := make([]invoiceLineRow, len(inv.Lines))
	ids := make([]int64, len(inv.Lines))
	for i, l := range inv.Lines {
		lines[i] = invoiceLineRow{InvoiceID: inv.ID, DocType: l.DocType, DocID: l.DocID, DocNumber: l.DocNumber, Amount: l.Amount, Tax: l.Tax}
		ids[i] = l.DocID
	}
	if err := tx.DB().CreateInBatches(&lines, 200).Error; err != nil {
		return translate(err)
	}
	for i := range lines {
		inv.Lines[i].ID = lines[i].ID
	}
	res := tx.DB().Model(&stockDocRow{}).Where("id IN ? AND invoice_status = ?", ids, domain.InvoicePending).
		Updates(map[string]any{"invoice_status": domain.InvoiceInvoiced, "invoice_id": inv.ID})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected != int64(len(ids)) {
		return domain.ErrInvalidState.WithField("doc_ids").WithMessage("所选单据已被开票，请刷新后重试")
	}
	return nil
}

// InvoiceNoUsed tells whether a partner's invoice number of a type is
// already recorded.
func InvoiceNoUsed(q Q, typ string, partnerID int64, no string) (bool, error) {
	return exists(q.DB().Model(&invoiceRow{}).Where("type = ? AND partner_id = ? AND invoice_no = ?", typ, partnerID, no))
}

// SetInvoiceItem links an invoice to its open item.
func (tx *Tx) SetInvoiceItem(id, itemID int64) error {
	return translate(tx.DB().Model(&invoiceRow{}).Where("id = ?", id).Update("item_id", itemID).Error)
}

// GetInvoice loads an invoice of a type with its lines.
func GetInvoice(q Q, typ string, id int64) (*domain.Invoice, error) {
	var row invoiceRow
	err := q.DB().Where("id = ? AND type = ?", id, typ).Take(&row).Error
	if err == gorm.ErrRecordNotFound {
		return nil, domain.NotFound(domain.DocName(typ), id)
	}
	if err != nil {
		return nil, translate(err)
	}
	inv := row.toDomain()
	var lines []invoiceLineRow
	if err := q.DB().Where("invoice_id = ?", id).Order("id").Find(&lines).Error; err != nil {
		return nil, translate(err)
	}
	for _, l := range lines {
		inv.Lines = append(inv.Lines, domain.InvoiceLine{ID: l.ID, DocType: l.DocType, DocID: l.DocID, DocNumber: l.DocNumber,
			Amount: l.Amount, Tax: l.Tax})
	}
	return &inv, nil
}

// ListInvoices lists invoices of a type, newest first.
func ListInvoices(q Q, typ string, partnerID int64, p Page) ([]domain.Invoice, int64, error) {
	db := q.DB().Model(&invoiceRow{}).Where("type = ?", typ)
	if partnerID != 0 {
		db = db.Where("partner_id = ?", partnerID)
	}
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []invoiceRow
	err := db.Order("id DESC").Offset((p.Page - 1) * p.PageSize).Limit(p.PageSize).Find(&rows).Error
	out := make([]domain.Invoice, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, total, translate(err)
}

// Uninvoiced sums, per partner, the documents of a sub-ledger kind dated
// (业务日期) by day that had no invoice dated by day (every one waiting
// today when t is zero; otherwise t only says "as of day"): their goods amounts (what the books hold for them without
// VAT) and their totals with VAT (what the partner will be billed).
// Returns count negative.
func Uninvoiced(q Q, kind string, partnerID int64, t time.Time, day string) (amounts, totals map[int64]decimal.Decimal, err error) {
	doc, ret := domain.InvoiceDocTypes(domain.DocSalesInvoice)
	if kind == domain.ItemAP {
		doc, ret = domain.InvoiceDocTypes(domain.DocPurchaseInvoice)
	}
	db := q.DB().Table("stock_docs d").Select("d.partner_id, d.type, SUM(d.amount) AS amount, SUM(d.total) AS total").
		Where("d.type IN ? AND d.invoice_status <> ''", []string{doc, ret})
	if t.IsZero() {
		db = db.Where("d.invoice_status = ?", domain.InvoicePending)
	} else {
		db = db.Joins("LEFT JOIN invoices i ON i.id = d.invoice_id").
			Where("d.biz_date <= ? AND (d.invoice_id IS NULL OR i.date > ?)", day, day)
	}
	if partnerID != 0 {
		db = db.Where("d.partner_id = ?", partnerID)
	}
	var rows []struct {
		PartnerID     int64
		Type          string
		Amount, Total decimal.Decimal
	}
	if err := db.Group("d.partner_id, d.type").Scan(&rows).Error; err != nil {
		return nil, nil, translate(err)
	}
	amounts, totals = map[int64]decimal.Decimal{}, map[int64]decimal.Decimal{}
	for _, r := range rows {
		a, tt := domain.RoundAmount(r.Amount), domain.RoundAmount(r.Total)
		if r.Type == ret {
			a, tt = a.Neg(), tt.Neg()
		}
		amounts[r.PartnerID] = amounts[r.PartnerID].Add(a)
		totals[r.PartnerID] = totals[r.PartnerID].Add(tt)
	}
	return amounts, totals, nil
}

// SumOf adds a per-partner map's values.
func SumOf(m map[int64]decimal.Decimal) decimal.Decimal {
	s := decimal.Zero
	for _, v := range m {
		s = s.Add(v)
	}
	return s
}
