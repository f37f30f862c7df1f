package store

import (
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// PeriodInfo is an accounting period's state.
type PeriodInfo struct {
	Period   string     `json:"period"`
	Status   string     `json:"status"`
	ClosedAt *time.Time `json:"closed_at"`
	ClosedBy *int64     `json:"closed_by"`
	Version  int        `json:"version"`
}

// LockPeriod locks a period's row, creating it open.
func (tx *Tx) LockPeriod(period string) (*PeriodInfo, error) {
	if err := tx.DB().Exec("INSERT INTO periods (period, status, version, updated_at) VALUES (?, ?, 1, ?)"+
		onConflictNothing(tx, "period"), period, PeriodOpen, tx.Now).Error; err != nil {
		return nil, translate(err)
	}
	var p PeriodInfo
	err := lockRow(tx.DB()).Table("periods").Where("period = ?", period).Take(&p).Error
	return &p, translate(err)
}

// LockPeriodFacts locks a period's row (creating it open) and reads what
// closing it (forClose) or reopening it must know of the other months. For
// a closing in a ledger that has begun, the previous month's row is locked
// too (after this one's, the order every closing takes), so it cannot be
// reopened meanwhile.
func (tx *Tx) LockPeriodFacts(period string, forClose bool) (*PeriodInfo, domain.PeriodFacts, error) {
	var f domain.PeriodFacts
	p, err := tx.LockPeriod(period)
	if err != nil {
		return nil, f, err
	}
	f.Status = p.Status
	if f.ClosedAfter, err = ClosedAfter(tx, period); err != nil || !forClose {
		return p, f, err
	}
	if f.OpenBefore, err = OpenPeriodsWithVouchers(tx, period); err != nil {
		return nil, f, err
	}
	if f.BooksBefore, err = BooksBefore(tx, period); err != nil || !f.BooksBefore {
		return p, f, err
	}
	prev, err := tx.LockPeriod(domain.PrevPeriod(period))
	if err != nil {
		return nil, f, err
	}
	f.PrevStatus = prev.Status
	return p, f, nil
}

// SetPeriodStatus closes or reopens a period.
func (tx *Tx) SetPeriodStatus(period, status string, by *int64) error {
	tx.openPeriods = nil // a closed month also closes the ones before it
	up := map[string]any{"status": status, "version": gorm.Expr("version + 1"), "updated_at": tx.Now}
	if status == PeriodClosed {
		up["closed_at"], up["closed_by"] = tx.Now, by
	} else {
		up["closed_at"], up["closed_by"] = nil, nil
	}
	return translate(tx.DB().Table("periods").Where("period = ?", period).Updates(up).Error)
}

// ListPeriods lists the periods that have a row, newest first.
func ListPeriods(q Q) ([]PeriodInfo, error) {
	var out []PeriodInfo
	err := q.DB().Table("periods").Order("period DESC").Find(&out).Error
	if out == nil {
		out = []PeriodInfo{}
	}
	return out, translate(err)
}

// OpenPeriodsWithVouchers lists open periods before period that hold
// vouchers: they must be closed first.
func OpenPeriodsWithVouchers(q Q, before string) ([]string, error) {
	var out []string
	err := q.DB().Table("vouchers").Distinct("period").Where("period < ? AND period NOT IN (?)", before,
		q.DB().Table("periods").Select("period").Where("status = ?", PeriodClosed)).Order("period").Scan(&out).Error
	return out, translate(err)
}

// ClosedAfter reports whether a period after period is closed.
func ClosedAfter(q Q, period string) (bool, error) {
	return exists(q.DB().Table("periods").Where("period > ? AND status = ?", period, PeriodClosed))
}

// DeleteClosingVouchers removes a period's closing vouchers (they are its
// last numbers) and winds its sequence back to the last voucher left.
func (tx *Tx) DeleteClosingVouchers(period string) error {
	var vids []int64
	if err := tx.DB().Table("vouchers").Where("period = ? AND source = ?", period, domain.VoucherClosing).Pluck("id", &vids).Error; err != nil {
		return translate(err)
	}
	for _, id := range vids {
		v, err := GetVoucher(tx, id)
		if err != nil {
			return err
		}
		if err := tx.addPeriodTotals(v, -1); err != nil {
			return err
		}
	}
	ids := tx.DB().Table("vouchers").Select("id").Where("period = ? AND source = ?", period, domain.VoucherClosing)
	if err := tx.DB().Exec("DELETE FROM voucher_lines WHERE voucher_id IN (?)", ids).Error; err != nil {
		return translate(err)
	}
	if err := tx.DB().Exec("DELETE FROM vouchers WHERE period = ? AND source = ?", period, domain.VoucherClosing).Error; err != nil {
		return translate(err)
	}
	var last struct{ Seq int }
	if err := tx.DB().Table("vouchers").Select("COALESCE(MAX(seq), 0) AS seq").Where("period = ?", period).Scan(&last).Error; err != nil {
		return translate(err)
	}
	return translate(tx.DB().Exec("UPDATE sequences SET value = ? WHERE name = ?", last.Seq, "voucher:"+period).Error)
}

// SnapshotStock keeps the stock of every (product, warehouse, batch) at
// the end of a period: the moves of documents dated (业务日期) through its
// last day.
func (tx *Tx) SnapshotStock(period string) error {
	_, lastDay := domain.PeriodEnd(period)
	if err := tx.DB().Exec("DELETE FROM period_stock WHERE period = ?", period).Error; err != nil {
		return translate(err)
	}
	return translate(tx.DB().Exec(`INSERT INTO period_stock (period, product_id, warehouse_id, batch, qty, value)
		SELECT ?, product_id, warehouse_id, batch, SUM(qty), SUM(amount) FROM stock_moves WHERE biz_date <= ?
		GROUP BY product_id, warehouse_id, batch`, period, lastDay).Error)
}

// DeleteSnapshot drops a reopened period's stock snapshot.
func (tx *Tx) DeleteSnapshot(period string) error {
	return translate(tx.DB().Exec("DELETE FROM period_stock WHERE period = ?", period).Error)
}

// KindTotals sums a kind's open items dated up to date (every one when
// empty): what 1122 or 2202 must equal.
func KindTotals(q Q, kind, date string) (decimal.Decimal, error) {
	var r struct{ Total decimal.Decimal }
	db := q.DB().Model(&openItemRow{}).Select("COALESCE(SUM(amount), 0) AS total").Where("kind = ?", kind)
	if date != "" {
		db = db.Where("date <= ?", date)
	}
	err := db.Scan(&r).Error
	return domain.RoundAmount(r.Total), translate(err)
}

// OpenSplit sums a kind's open amounts now: the documents' (invoices and
// credit notes: 1122 or 2202) and the money documents' advances unused
// (2203 or 1123), the latter positive.
func OpenSplit(q Q, kind string) (docs, advances decimal.Decimal, err error) {
	var rows []struct {
		Money bool
		Total decimal.Decimal
	}
	err = q.DB().Model(&openItemRow{}).Select("doc_type IN ? AS money, COALESCE(SUM(open_amount), 0) AS total",
		[]string{domain.DocMoneyReceipt, domain.DocMoneyPayment}).Where("kind = ?", kind).Group("money").Scan(&rows).Error
	for _, r := range rows {
		if r.Money {
			advances = domain.RoundAmount(r.Total).Neg()
		} else {
			docs = domain.RoundAmount(r.Total)
		}
	}
	return docs, advances, translate(err)
}

// PartnerBalances is each partner's debit − credit balance on an account
// subtree through a period (inclusive), from the per-partner totals; lines
// without a partner count as partner 0. The balance sheet reclassifies by
// it (a customer in credit is a 预收).
func PartnerBalances(q Q, codePrefix, through string) (map[int64]decimal.Decimal, error) {
	var ids []int64
	if err := q.DB().Table("accounts").Where("code LIKE ?", codePrefix+"%").Pluck("id", &ids).Error; err != nil {
		return nil, translate(err)
	}
	var rows []struct {
		PartnerID     int64
		Debit, Credit decimal.Decimal
	}
	if err := q.DB().Table("account_partner_totals").Select("partner_id, SUM(debit) AS debit, SUM(credit) AS credit").
		Where("account_id IN ? AND period <= ?", ids, through).Group("partner_id").Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	var all struct{ Debit, Credit decimal.Decimal }
	if err := q.DB().Table("account_period_totals").Select("COALESCE(SUM(debit), 0) AS debit, COALESCE(SUM(credit), 0) AS credit").
		Where("account_id IN ? AND period <= ?", ids, through).Scan(&all).Error; err != nil {
		return nil, translate(err)
	}
	out := map[int64]decimal.Decimal{}
	whole := domain.RoundAmount(all.Debit.Sub(all.Credit))
	for _, r := range rows {
		out[r.PartnerID] = domain.RoundAmount(r.Debit.Sub(r.Credit))
	}
	// Going live: the opening receivables and payables (期初往来).
	if err := addOpeningPartners(q, codePrefix, through, out, &whole); err != nil {
		return nil, err
	}
	rest := whole
	for _, b := range out {
		rest = rest.Sub(b)
	}
	if !rest.IsZero() {
		out[0] = rest
	}
	return out, nil
}

// BooksBefore reports whether any voucher is dated before period.
func BooksBefore(q Q, period string) (bool, error) {
	return exists(q.DB().Table("vouchers").Where("period < ?", period))
}
