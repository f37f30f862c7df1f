package store

import (
	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
	"gorm.io/gorm/clause"
)

// SettingStartPeriod is the settings key of the month the books start in
// (启用期间, YYYY-MM); absent until the openings are first saved.
const SettingStartPeriod = "ledger.start_period"

// StartPeriod is the start period, or "" when none is set.
func StartPeriod(q Q) (string, error) {
	var vals []string
	err := q.DB().Table("settings").Where("`key` = ?", SettingStartPeriod).Pluck("value", &vals).Error
	if err != nil || len(vals) == 0 {
		return "", translate(err)
	}
	return vals[0], nil
}

// SetStartPeriod stores the start period.
func (tx *Tx) SetStartPeriod(period string) error {
	return translate(tx.DB().Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoUpdates: clause.AssignmentColumns([]string{"value"})}).
		Create(&settingRow{Key: SettingStartPeriod, Value: period}).Error)
}

// OpeningBalances lists the openings with their accounts' codes and names,
// by code.
func OpeningBalances(q Q) ([]domain.OpeningBalance, error) {
	var out []domain.OpeningBalance
	err := q.DB().Table("opening_balances o").
		Select("o.account_id, a.code, a.name, o.debit, o.credit, o.ytd_debit, o.ytd_credit").
		Joins("JOIN accounts a ON a.id = o.account_id").Order("a.code").Scan(&out).Error
	for i := range out {
		b := &out[i]
		b.Debit, b.Credit = domain.RoundAmount(b.Debit), domain.RoundAmount(b.Credit)
		b.YTDDebit, b.YTDCredit = domain.RoundAmount(b.YTDDebit), domain.RoundAmount(b.YTDCredit)
	}
	if out == nil {
		out = []domain.OpeningBalance{}
	}
	return out, translate(err)
}

// ReplaceOpeningBalances replaces every opening with rows (all-zero rows
// are not kept).
func (tx *Tx) ReplaceOpeningBalances(rows []domain.OpeningBalance, by int64) error {
	if err := tx.DB().Exec("DELETE FROM opening_balances").Error; err != nil {
		return translate(err)
	}
	var ins []map[string]any
	for _, b := range rows {
		if b.Debit.IsZero() && b.Credit.IsZero() && b.YTDDebit.IsZero() && b.YTDCredit.IsZero() {
			continue
		}
		ins = append(ins, map[string]any{"account_id": b.AccountID, "debit": b.Debit, "credit": b.Credit,
			"ytd_debit": b.YTDDebit, "ytd_credit": b.YTDCredit, "updated_by": by, "updated_at": tx.Now})
	}
	if len(ins) == 0 {
		return nil
	}
	return translate(tx.DB().Table("opening_balances").Create(ins).Error)
}

// PeriodStates reads every period's state.
func PeriodStates(q Q) ([]domain.PeriodState, error) {
	var out []domain.PeriodState
	err := q.DB().Table("periods").Select("period, status").Order("period").Scan(&out).Error
	return out, translate(err)
}

// addOpeningTotals adds the openings' totals (domain.OpeningTotals) of the
// months in [from, before) to an accountTotals result.
func addOpeningTotals(q Q, out map[int64]domain.Totals, from, before string, noClosing bool) error {
	start, err := StartPeriod(q)
	if err != nil || start == "" {
		return err
	}
	rows, err := OpeningBalances(q)
	if err != nil {
		return err
	}
	items, _, err := openingItemRows(q, start)
	if err != nil {
		return err
	}
	if rows = append(rows, items...); len(rows) == 0 {
		return nil
	}
	var accts []domain.Account
	if err := q.DB().Table("accounts").Select("id, code, category").Find(&accts).Error; err != nil {
		return translate(err)
	}
	byID := make(map[int64]domain.Account, len(accts))
	for _, a := range accts {
		byID[a.ID] = a
	}
	for _, r := range domain.OpeningTotals(byID, start, rows) {
		if r.Period >= before || from != "" && r.Period < from {
			continue
		}
		dr, cr := r.Debit, r.Credit
		if noClosing {
			dr, cr = dr.Sub(r.ClosingDebit), cr.Sub(r.ClosingCredit)
		}
		t := out[r.AccountID]
		t.Debit, t.Credit = t.Debit.Add(dr), t.Credit.Add(cr)
		out[r.AccountID] = t
	}
	return nil
}

// OpeningItems lists the opening receivables and payables (期初往来):
// receivables first, by partner and date.
func OpeningItems(q Q) ([]domain.OpenItem, error) {
	var rows []openItemRow
	if err := q.DB().Where("doc_type = ?", domain.DocOpeningItem).Order("kind DESC, partner_id, date, id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]domain.OpenItem, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// DeleteOpeningItems removes every opening item (the caller has checked
// none is settled).
func (tx *Tx) DeleteOpeningItems() error {
	return translate(tx.DB().Exec("DELETE FROM open_items WHERE doc_type = ?", domain.DocOpeningItem).Error)
}

// openingItemRows are the opening items' openings on 1122 and 2202
// (domain.OpeningItemBalances).
func openingItemRows(q Q, start string) ([]domain.OpeningBalance, []domain.OpenItem, error) {
	items, err := OpeningItems(q)
	if err != nil || len(items) == 0 {
		return nil, nil, err
	}
	ids, err := AccountIDs(q, []string{domain.AcctReceivable, domain.AcctPayable})
	if err != nil {
		return nil, nil, err
	}
	return domain.OpeningItemBalances(start, items, ids[domain.AcctReceivable], ids[domain.AcctPayable]), items, nil
}

// addOpeningPartners adds the opening items on an account subtree through
// a period to PartnerBalances' per-partner balances (each partner's
// debit − credit) and to the account's whole balance.
func addOpeningPartners(q Q, codePrefix, through string, out map[int64]decimal.Decimal, all *decimal.Decimal) error {
	kind := map[string]string{domain.AcctReceivable: domain.ItemAR, domain.AcctPayable: domain.ItemAP}[codePrefix]
	if kind == "" {
		return nil
	}
	start, err := StartPeriod(q)
	if err != nil || start == "" {
		return err
	}
	_, items, err := openingItemRows(q, start)
	if err != nil {
		return err
	}
	for _, it := range items {
		// The month the item's amount counts in (domain.OpeningTotals).
		p := domain.PrevPeriod(start)
		if it.Date < start[:4]+"-01-01" {
			p = domain.PrevPeriod(start[:4] + "-01")
		}
		if it.Kind != kind || p > through {
			continue
		}
		amt := it.Amount
		if kind == domain.ItemAP {
			amt = amt.Neg() // a payable is a credit
		}
		out[it.PartnerID] = out[it.PartnerID].Add(amt)
		*all = all.Add(amt)
	}
	return nil
}
