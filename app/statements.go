package app

import (
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// The statements of 小企业会计准则 (利润表, 资产负债表): domain computes them
// (domain.IncomeStatement, BalanceSheet); this reads the totals.

// StatementLine is one line of a statement with its two columns.
type StatementLine = domain.StatementLine

// incomeStatement computes 利润表 for a month: 本年累计金额 and 本月金额, net of
// the closing vouchers.
func incomeStatement(q store.Q, period string) ([]StatementLine, error) {
	accounts, err := store.AllAccounts(q)
	if err != nil {
		return nil, err
	}
	next := domain.NextPeriod(period)
	month, err := store.AccountTotalsBeforeClosing(q, period, next)
	if err != nil {
		return nil, err
	}
	year, err := store.AccountTotalsBeforeClosing(q, period[:4]+"-01", next)
	if err != nil {
		return nil, err
	}
	return domain.IncomeStatement(accounts, year, month), nil
}

// balanceSheet computes 资产负债表 at a month's end: 期末余额 and 年初余额 (the
// balances at the start of the year).
func balanceSheet(q store.Q, period string) ([]StatementLine, bool, error) {
	accounts, err := store.AllAccounts(q)
	if err != nil {
		return nil, false, err
	}
	yearStart := period[:4] + "-01"
	end, err := sheetBalances(q, domain.NextPeriod(period), period)
	if err != nil {
		return nil, false, err
	}
	begin, err := sheetBalances(q, yearStart, domain.PrevPeriod(yearStart))
	if err != nil {
		return nil, false, err
	}
	rows, balanced := domain.BalanceSheet(accounts, end, begin)
	return rows, balanced, nil
}

// sheetBalances reads a balance sheet column's balances: the totals of the
// months before before, and the reclassified accounts' per-partner
// balances through through.
func sheetBalances(q store.Q, before, through string) (domain.SheetBalances, error) {
	b := domain.SheetBalances{Partners: map[string]map[int64]decimal.Decimal{}}
	var err error
	if b.Totals, err = store.AccountTotals(q, "", before); err != nil {
		return b, err
	}
	for _, code := range domain.ReclassifiedAccounts() {
		if b.Partners[code], err = store.PartnerBalances(q, code, through); err != nil {
			return b, err
		}
	}
	return b, nil
}
