package store

import (
	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// The reads behind 现金流量表 (domain.CashFlowStatement) and its check
// against 货币资金. Deviation from "statements read the totals, never the
// lines": the items are summed from the voucher lines that carry one,
// through idx_vline_cashflow (item, period), which reads only the cash
// lines of the months asked for; a per-month item totals table can take
// its place if cash lines ever grow to millions.

// CashFlowTotals sums the cash lines' debits and credits per cash-flow item
// for periods from (yyyy-mm, inclusive; empty: the beginning) up to before
// (exclusive).
func CashFlowTotals(q Q, from, before string) (map[int]domain.Totals, error) {
	db := q.DB().Table("voucher_lines").Select("cash_flow_item, SUM(debit) AS debit, SUM(credit) AS credit").
		Where("cash_flow_item > 0 AND period < ?", before)
	if from != "" {
		db = db.Where("period >= ?", from)
	}
	var rows []struct {
		CashFlowItem  int
		Debit, Credit decimal.Decimal
	}
	if err := db.Group("cash_flow_item").Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[int]domain.Totals, len(rows))
	for _, r := range rows {
		// SQLite sums DECIMAL columns as floats: rounding to the stored
		// scale gives the exact sum back.
		out[r.CashFlowItem] = domain.Totals{Debit: domain.RoundAmount(r.Debit), Credit: domain.RoundAmount(r.Credit)}
	}
	return out, nil
}

// CashFlowByPeriod returns, per period before before, what the cash lines
// with an item net to (debits − credits): each month's 现金净增加额.
func CashFlowByPeriod(q Q, before string) (map[string]decimal.Decimal, error) {
	var rows []struct {
		Period        string
		Debit, Credit decimal.Decimal
	}
	if err := q.DB().Table("voucher_lines").Select("period, SUM(debit) AS debit, SUM(credit) AS credit").
		Where("cash_flow_item > 0 AND period < ?", before).Group("period").Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[string]decimal.Decimal, len(rows))
	for _, r := range rows {
		out[r.Period] = domain.RoundAmount(r.Debit).Sub(domain.RoundAmount(r.Credit))
	}
	return out, nil
}

// AccountsNetByPeriod returns, per period before before, the net debit
// (debits − credits) of the given accounts from the per-month totals.
func AccountsNetByPeriod(q Q, accountIDs []int64, before string) (map[string]decimal.Decimal, error) {
	out := map[string]decimal.Decimal{}
	if len(accountIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		Period        string
		Debit, Credit decimal.Decimal
	}
	if err := q.DB().Table("account_period_totals").Select("period, SUM(debit) AS debit, SUM(credit) AS credit").
		Where("account_id IN ? AND period < ?", accountIDs, before).Group("period").Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	for _, r := range rows {
		out[r.Period] = domain.RoundAmount(r.Debit).Sub(domain.RoundAmount(r.Credit))
	}
	return out, nil
}

// backfillCashFlowItems gives the cash lines of the vouchers booked before
// cash-flow items existed theirs (domain.FillCashFlowItems: from the
// counter-account; what it cannot place goes to 收到/支付其他与经营活动有关的
// 现金), a thousand vouchers at a time. Part of migration 202612070200; a
// no-op on a new database.
func backfillCashFlowItems(db *gorm.DB) error {
	var accts []struct {
		ID   int64
		Code string
	}
	if err := db.Table("accounts").Select("id, code").Scan(&accts).Error; err != nil {
		return err
	}
	codes := map[int64]string{}
	var cash []int64
	for _, a := range accts {
		codes[a.ID] = a.Code
		if domain.CashAccount(a.Code) {
			cash = append(cash, a.ID)
		}
	}
	if len(cash) == 0 {
		return nil
	}
	code := func(id int64) string { return codes[id] }
	after := int64(0)
	for {
		var ids []int64
		if err := db.Table("voucher_lines").Distinct("voucher_id").Where("account_id IN ? AND voucher_id > ? AND cash_flow_item = 0", cash, after).
			Order("voucher_id").Limit(1000).Pluck("voucher_id", &ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		after = ids[len(ids)-1]
		var lines []voucherLineItemRow
		if err := db.Where("voucher_id IN ?", ids).Order("voucher_id, id").Find(&lines).Error; err != nil {
			return err
		}
		byItem := map[int][]int64{}
		for from := 0; from < len(lines); {
			to := from
			v := &domain.Voucher{}
			for ; to < len(lines) && lines[to].VoucherID == lines[from].VoucherID; to++ {
				l := lines[to]
				v.Lines = append(v.Lines, domain.VoucherLine{ID: l.ID, AccountID: l.AccountID, Debit: l.Debit, Credit: l.Credit,
					CashFlowItem: l.CashFlowItem})
			}
			domain.FillCashFlowItems(v, code)
			for i, l := range v.Lines {
				if l.CashFlowItem != lines[from+i].CashFlowItem {
					byItem[l.CashFlowItem] = append(byItem[l.CashFlowItem], l.ID)
				}
			}
			from = to
		}
		for item, lineIDs := range byItem {
			if err := db.Table("voucher_lines").Where("id IN ?", lineIDs).Update("cash_flow_item", item).Error; err != nil {
				return err
			}
		}
	}
}
