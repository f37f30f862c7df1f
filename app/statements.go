package app

import (
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// The statements of 小企业会计准则 (利润表, 资产负债表, 现金流量表): domain
// computes them (domain.IncomeStatement, BalanceSheet, CashFlowStatement);
// this reads the totals.

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

// CashFlowRow is one row of 现金流量表 as served: a heading row (一、经营活动
// 产生的现金流量：…) has no line number and no amounts, so CSV and XLSX show
// them blank rather than as zeros.
type CashFlowRow struct {
	Line    *int             `json:"line"`
	Item    string           `json:"item"`
	Col1    *decimal.Decimal `json:"col1"`
	Col2    *decimal.Decimal `json:"col2"`
	Total   bool             `json:"total"`
	Heading bool             `json:"heading"`
}

func cashFlowRows(lines []StatementLine) []CashFlowRow {
	out := make([]CashFlowRow, len(lines))
	for i, l := range lines {
		if l.Line == 0 {
			out[i] = CashFlowRow{Item: l.Item, Heading: true}
			continue
		}
		if l.Line == domain.CFLineBeforeGoLive {
			// 上线前本年现金净增加额: no line of the form, so no number.
			out[i] = CashFlowRow{Item: l.Item, Col1: &l.Col1, Col2: &l.Col2}
			continue
		}
		out[i] = CashFlowRow{Line: &l.Line, Item: l.Item, Col1: &l.Col1, Col2: &l.Col2, Total: l.Total}
	}
	return out
}

// cashFlowStatement computes 现金流量表 for a month: 本年累计金额 and 本月金额
// from the cash lines' items, 期初现金余额 from 货币资金 at the start of the
// year and of the month, and the movement of 货币资金 before going live
// mid-year on its own line (domain.BeforeGoLiveCash).
func cashFlowStatement(q store.Q, period string) ([]CashFlowRow, error) {
	accounts, err := store.AllAccounts(q)
	if err != nil {
		return nil, err
	}
	next, yearStart := domain.NextPeriod(period), period[:4]+"-01"
	start, movement, err := openingCash(q)
	if err != nil {
		return nil, err
	}
	year := domain.CashFlowColumn{BeforeGoLive: domain.BeforeGoLiveCash(start, movement, yearStart, next)}
	month := domain.CashFlowColumn{BeforeGoLive: domain.BeforeGoLiveCash(start, movement, period, next)}
	if month.Flows, err = store.CashFlowTotals(q, period, next); err != nil {
		return nil, err
	}
	if year.Flows, err = store.CashFlowTotals(q, yearStart, next); err != nil {
		return nil, err
	}
	beforeYear, err := store.AccountTotals(q, "", yearStart)
	if err != nil {
		return nil, err
	}
	beforeMonth, err := store.AccountTotals(q, "", period)
	if err != nil {
		return nil, err
	}
	year.Opening, month.Opening = domain.CashAccountNet(accounts, beforeYear), domain.CashAccountNet(accounts, beforeMonth)
	return cashFlowRows(domain.CashFlowStatement(year, month)), nil
}

// openingCash reads the start period (empty: never gone live) and the
// openings' year-to-date movement of 货币资金 (domain.OpeningCashMovement).
func openingCash(q store.Q) (string, decimal.Decimal, error) {
	start, err := store.StartPeriod(q)
	if err != nil || start == "" {
		return start, decimal.Zero, err
	}
	rows, err := store.OpeningBalances(q)
	if err != nil {
		return "", decimal.Zero, err
	}
	return start, domain.OpeningCashMovement(rows), nil
}

// cashMonths reads, for every month through period, its 现金净增加额 (what
// the itemised cash lines net to) and its change in 货币资金, for the books
// check.
func cashMonths(q store.Q, accounts []domain.Account, period string) (map[string]domain.CashMonth, error) {
	next := domain.NextPeriod(period)
	flows, err := store.CashFlowByPeriod(q, next)
	if err != nil {
		return nil, err
	}
	var cash []int64
	for _, a := range accounts {
		if domain.CashAccount(a.Code) {
			cash = append(cash, a.ID)
		}
	}
	change, err := store.AccountsNetByPeriod(q, cash, next)
	if err != nil {
		return nil, err
	}
	out := map[string]domain.CashMonth{}
	for p, v := range flows {
		m := out[p]
		m.Flows = v
		out[p] = m
	}
	for p, v := range change {
		m := out[p]
		m.Cash = v
		out[p] = m
	}
	// Going live mid-year: the month before the start period moved 货币资金
	// by the openings' year-to-date movement, which the statement shows on
	// its 上线前 line (domain.BeforeGoLiveCash), the same rule.
	start, movement, err := openingCash(q)
	if err != nil {
		return nil, err
	}
	if start != "" {
		p := domain.PrevPeriod(start)
		if v := domain.BeforeGoLiveCash(start, movement, p, next); !v.IsZero() {
			m := out[p]
			m.BeforeGoLive, m.Cash = v, m.Cash.Add(v)
			out[p] = m
		}
	}
	return out, nil
}
