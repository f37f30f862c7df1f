package store

import (
	"fmt"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// backfillVouchers books the postings made before the ledger existed, in
// the order they were posted, through the standard templates, so an
// upgraded database's books agree with its stock from the first day (1405
// equals the valuation). Part of the ledger migration; a no-op on a new
// database. What each document books is decided by domain.BackfillDoc.
func backfillVouchers(db *gorm.DB, accountIDs map[string]int64) error {
	var booked int64
	if err := db.Table("vouchers").Count(&booked).Error; err != nil || booked > 0 {
		return err // the books have begun: nothing was posted without them
	}
	docs, err := backfillDocs(db)
	if err != nil || len(docs) == 0 {
		return err
	}
	templates := map[string]domain.VoucherTemplate{}
	for _, t := range domain.StandardTemplates() {
		templates[t.Event] = t
	}
	account := func(code string) int64 { return accountIDs[code] }
	seqs := map[string]int{}
	for _, d := range docs {
		if len(domain.BackfillEvents(d.Type)) == 0 {
			continue // books nothing: no need to read it
		}
		if err := readBackfillDoc(db, &d); err != nil {
			return err
		}
		vouchers, err := d.Vouchers(templates, account)
		if err != nil {
			return err
		}
		for _, v := range vouchers {
			seqs[v.Period]++
			v.Seq = seqs[v.Period]
			if err := insertBackfilled(db, v, d.PostedAt); err != nil {
				return fmt.Errorf("backfill %s: %w", d.Number, err)
			}
		}
	}
	return setVoucherSequences(db, seqs)
}

// setVoucherSequences sets each period's voucher sequence to the last
// number drawn, so the next voucher of the period continues after it.
func setVoucherSequences(db *gorm.DB, last map[string]int) error {
	for period, n := range last {
		if err := db.Exec("DELETE FROM sequences WHERE name = ?", "voucher:"+period).Error; err != nil {
			return err
		}
		if err := db.Exec("INSERT INTO sequences (name, value) VALUES (?, ?)", "voucher:"+period, n).Error; err != nil {
			return err
		}
	}
	return nil
}

// backfillDocs lists the documents that moved stock, in the order they
// were posted. Each document's first move names it and its time (read as
// columns, not aggregates, so SQLite hands back times as times).
func backfillDocs(db *gorm.DB) ([]domain.BackfillDoc, error) {
	var firsts []int64
	err := db.Raw(`SELECT MIN(id) AS first FROM stock_moves GROUP BY doc_type, doc_id ORDER BY first`).Scan(&firsts).Error
	if err != nil || len(firsts) == 0 {
		return nil, err
	}
	docs := make([]domain.BackfillDoc, 0, len(firsts))
	for _, id := range firsts {
		var d struct {
			DocType   string
			DocID     int64
			DocNumber string
			PostedAt  time.Time
			CreatedBy int64
		}
		if err := db.Table("stock_moves").Select("doc_type, doc_id, doc_number, posted_at, created_by").Where("id = ?", id).Take(&d).Error; err != nil {
			return nil, err
		}
		docs = append(docs, domain.BackfillDoc{Type: d.DocType, ID: d.DocID, Number: d.DocNumber, PostedAt: d.PostedAt, CreatedBy: d.CreatedBy})
	}
	return docs, nil
}

// readBackfillDoc reads a document's move amounts and, for a document with
// a partner, its header's partner, amount and tax.
func readBackfillDoc(db *gorm.DB, d *domain.BackfillDoc) error {
	var moves []struct{ Amount decimal.Decimal }
	if err := db.Raw("SELECT amount FROM stock_moves WHERE doc_type = ? AND doc_id = ?", d.Type, d.ID).Scan(&moves).Error; err != nil {
		return err
	}
	for _, m := range moves {
		d.Moves = append(d.Moves, m.Amount)
	}
	if !domain.BackfillNeedsHeader(d.Type) {
		return nil
	}
	var sd struct {
		PartnerID         int64
		Amount, TaxAmount decimal.Decimal
	}
	if err := db.Raw("SELECT partner_id, amount, tax_amount FROM stock_docs WHERE id = ?", d.ID).Scan(&sd).Error; err != nil {
		return err
	}
	d.PartnerID, d.Amount, d.Tax = &sd.PartnerID, sd.Amount, sd.TaxAmount
	return nil
}

// insertBackfilled writes a backfilled voucher and its lines, created when
// its document was posted.
func insertBackfilled(db *gorm.DB, v *domain.Voucher, postedAt time.Time) error {
	row := voucherRow{Period: v.Period, Seq: v.Seq, Number: domain.VoucherNumber(v.Seq), Date: v.Date, Source: v.Source,
		SourceID: v.SourceID, SourceNo: v.SourceNo, Remark: v.Remark, Attachments: 1, Debit: v.Debit, Credit: v.Credit,
		CreatedBy: v.CreatedBy, CreatedAt: postedAt}
	if err := db.Create(&row).Error; err != nil {
		return err
	}
	for _, l := range v.Lines {
		if err := db.Create(&voucherLineRow{VoucherID: row.ID, AccountID: l.AccountID, Period: v.Period, Summary: l.Summary,
			Debit: l.Debit, Credit: l.Credit, PartnerID: l.PartnerID}).Error; err != nil {
			return err
		}
	}
	return nil
}

// reclassAdvances moves the advances that money documents left unused out
// of 1122 and 2202, where receipts and payments booked them before the
// 收款/付款 templates, into 2203 预收账款 and 1123 预付账款: one adjusting
// voucher, per partner, dated today (or the first open month after the last
// closed one). Part of the money-templates migration; a no-op when no
// advance is open.
func reclassAdvances(db *gorm.DB) error {
	driver := DriverMySQL
	if db.Dialector.Name() == "sqlite" {
		driver = DriverSQLite
	}
	tx := &Tx{db: db, store: &Store{driver: driver, clock: db.NowFunc}, Now: db.NowFunc()}
	// Once only, even if the process died after this committed and before
	// the migration was recorded.
	var done int64
	if err := db.Table("vouchers").Where("source = ? AND remark = ?", domain.VoucherAdjust, reclassRemark).Count(&done).Error; err != nil {
		return err
	}
	if done > 0 {
		return nil
	}
	codes := map[string]int64{}
	var accts []struct {
		ID   int64
		Code string
	}
	if err := db.Table("accounts").Select("id, code").Where("code IN ?", []string{"1122", "1123", "2202", "2203"}).Scan(&accts).Error; err != nil {
		return err
	}
	for _, a := range accts {
		codes[a.Code] = a.ID
	}
	var lines []domain.VoucherLine
	for _, side := range []struct{ kind, debit, credit, summary string }{
		{domain.ItemAR, "1122", "2203", "未核销收款转预收账款"}, {domain.ItemAP, "1123", "2202", "未核销付款转预付账款"}} {
		var rows []struct {
			PartnerID int64
			Total     decimal.Decimal
		}
		if err := db.Table("open_items").Select("partner_id, SUM(open_amount) AS total").
			Where("kind = ? AND doc_type IN ? AND open_amount <> 0", side.kind, []string{domain.DocMoneyReceipt, domain.DocMoneyPayment}).
			Group("partner_id").Order("partner_id").Scan(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			x := r.Total.Round(domain.BackfillScale).Neg()
			if x.IsZero() {
				continue
			}
			pid := r.PartnerID
			lines = append(lines, domain.VoucherLine{AccountID: codes[side.debit], Summary: side.summary, Debit: x, PartnerID: &pid},
				domain.VoucherLine{AccountID: codes[side.credit], Summary: side.summary, Credit: x, PartnerID: &pid})
		}
	}
	if len(lines) == 0 {
		return nil
	}
	date := domain.LocalDate(tx.Now)
	var last struct{ Period *string }
	if err := db.Table("periods").Select("MAX(period) AS period").Where("status = ?", PeriodClosed).Scan(&last).Error; err != nil {
		return err
	}
	if last.Period != nil && *last.Period >= domain.PeriodOf(date) {
		date = domain.NextPeriod(*last.Period) + "-01"
	}
	// A voucher takes at most 500 lines: 250 partners each.
	for len(lines) > 0 {
		n := min(len(lines), 500)
		v := &domain.Voucher{Date: date, Source: domain.VoucherAdjust, Remark: reclassRemark, Lines: lines[:n]}
		if err := v.Check(domain.BackfillScale); err != nil {
			return fmt.Errorf("store: reclassifying advances: %w", err)
		}
		if err := tx.InsertVoucher(v); err != nil {
			return err
		}
		lines = lines[n:]
	}
	return nil
}

const reclassRemark = "升级调整：未核销收付款转入预收/预付账款"
