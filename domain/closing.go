package domain

import (
	"strings"

	"github.com/shopspring/decimal"
)

// Month-end closing (月末结账): the closing vouchers (期末结转) a month's
// balances call for, decided here from the chart and the totals so the rule
// is tested without a database; app.ClosePeriod locks, loads and inserts.

// ClosingBooks is what closing a month reads of the books.
type ClosingBooks struct {
	// Accounts is the whole chart, in code order (the closing lines follow it).
	Accounts []Account
	// Through are each account's totals of every month up to and including
	// the one being closed; Month those of that month alone.
	Through, Month map[int64]Totals
}

// Closing is what closing a month books.
type Closing struct {
	// Vouchers are the closing vouchers, checked, in the order they are
	// numbered: VAT, profit and loss, and in December the year's profit and
	// the 利润分配 sub-accounts. CreatedBy is left to the caller.
	Vouchers []Voucher
	// Profit is the month's 净利润 (negative: a loss).
	Profit decimal.Decimal
	// VATDue is 转出未交增值税: the month's VAT payable.
	VATDue decimal.Decimal
	// VATOverpaid is 转出多交增值税: VAT paid in advance this month beyond
	// what the month owed.
	VATOverpaid decimal.Decimal
}

// Summaries and remarks of the closing vouchers.
const (
	closingVATDue      = "结转本月未交增值税"
	closingVATOverpaid = "结转本月多交增值税"
	closingPL          = "结转本月损益"
	closingYear        = "结转本年利润"
	closingDist        = "结转利润分配明细"
)

// NetOf returns a function giving an account subtree's net debit balance
// (debit − credit of the account and its sub-accounts, codes being
// prefixes) from totals.
func NetOf(accounts []Account, totals map[int64]Totals) func(code string) decimal.Decimal {
	return func(code string) decimal.Decimal {
		v := decimal.Zero
		for _, a := range accounts {
			if strings.HasPrefix(a.Code, code) {
				t := totals[a.ID]
				v = v.Add(t.Debit).Sub(t.Credit)
			}
		}
		return v
	}
}

// ClosingEntries decides the closing vouchers of period (yyyy-mm), dated
// its last day:
//   - VAT (结转未交增值税): a credit balance on 222101 应交增值税 moves to 222102
//     未交增值税 through 22210104 转出未交增值税. A debit balance is input VAT
//     carried forward (留抵) and stays, except what was paid in advance this
//     month (22210103 已交税金) beyond the month's tax: that overpayment moves
//     to 未交增值税 through 22210110 转出多交增值税, to be offset or refunded.
//   - Profit and loss (结转本月损益): every 损益 leaf's balance to 3103 本年利润.
//   - December (结转本年利润): the year's profit from 3103 to 310409 未分配利润,
//     then the year's other 利润分配 sub-accounts (提取盈余公积, 应付利润…)
//     into 未分配利润.
//
// A voucher with nothing to carry is left out. An account of the chart
// missing from accounts books to id 0, which Check refuses.
func ClosingEntries(period string, b ClosingBooks) (*Closing, error) {
	_, lastDay := PeriodEnd(period)
	c := &Closing{Vouchers: []Voucher{}}
	ids := map[string]int64{}
	for _, a := range b.Accounts {
		ids[a.Code] = a.ID
	}
	add := func(remark string, lines []VoucherLine) error {
		v := Voucher{Date: lastDay, Source: VoucherClosing, Remark: remark, Lines: lines}
		if err := v.Check(AmountScale); err != nil {
			if ZeroLines(v.Lines) || len(v.Lines) < 2 {
				return nil // nothing to carry
			}
			return err
		}
		c.Vouchers = append(c.Vouchers, v)
		return nil
	}
	// Each step appends its voucher, if any, in numbering order.
	if err := c.closeVAT(b, ids, add); err != nil {
		return nil, err
	}
	if err := c.closePL(b, ids, add); err != nil {
		return nil, err
	}
	if period[5:] != "12" {
		return c, nil
	}
	if err := c.closeYear(b, ids, add); err != nil {
		return nil, err
	}
	return c, nil
}

type addClosing func(remark string, lines []VoucherLine) error

// closeVAT carries the month's VAT balance (结转未交/多交增值税).
func (c *Closing) closeVAT(b ClosingBooks, ids map[string]int64, add addClosing) error {
	vat := NetOf(b.Accounts, b.Through)(AcctVATPayable).Neg() // credit − debit of 222101
	if vat.IsPositive() {
		c.VATDue = vat
		const s = "转出未交增值税"
		return add(closingVATDue, []VoucherLine{
			{AccountID: ids[AcctVATOutPaid], Summary: s, Debit: vat},
			{AccountID: ids[AcctVATUnpaid], Summary: s, Credit: vat}})
	}
	if !vat.IsNegative() {
		return nil
	}
	// 留抵 stays; only this month's prepayment beyond the tax moves.
	paid := NetOf(b.Accounts, b.Month)(AcctVATPrepaid) // with any sub-accounts
	over := decimal.Min(paid, vat.Neg())
	if !over.IsPositive() {
		return nil
	}
	c.VATOverpaid = over
	const s = "转出多交增值税"
	return add(closingVATOverpaid, []VoucherLine{
		{AccountID: ids[AcctVATUnpaid], Summary: s, Debit: over},
		{AccountID: ids[AcctVATOverpaid], Summary: s, Credit: over}})
}

// closePL transfers every 损益 leaf's balance to 3103 本年利润 (结转本月损益).
func (c *Closing) closePL(b ClosingBooks, ids map[string]int64, add addClosing) error {
	leaves := Leaves(b.Accounts)
	var lines []VoucherLine
	profit := decimal.Zero
	for _, acc := range b.Accounts {
		if acc.Category != AccountPL || !leaves[acc.ID] {
			continue
		}
		t := b.Through[acc.ID]
		net := t.Credit.Sub(t.Debit) // revenue positive, expense negative
		if net.IsZero() {
			continue
		}
		profit = profit.Add(net)
		l := VoucherLine{AccountID: acc.ID, Summary: "结转损益"}
		if acc.Normal == Credit {
			l.Debit = net
		} else {
			l.Credit = net.Neg()
		}
		lines = append(lines, l)
	}
	c.Profit = profit
	if len(lines) == 0 {
		return nil
	}
	// A loss is debited to 3103, not credited in red: a month with only
	// expenses would otherwise have no debit at all, and a voucher whose
	// debits total zero is refused.
	pl := VoucherLine{AccountID: ids[AcctProfit], Summary: "结转损益", Credit: profit}
	if profit.IsNegative() {
		pl.Credit, pl.Debit = decimal.Zero, profit.Neg()
	}
	return add(closingPL, append(lines, pl))
}

// closeYear carries December's year: 3103 本年利润 to 310409 未分配利润
// (结转本年利润), then the other 利润分配 sub-accounts into it.
func (c *Closing) closeYear(b ClosingBooks, ids map[string]int64, add addClosing) error {
	// 3103 after this month's transfer: its totals plus the profit the
	// 损益 voucher credited (zero when there was none).
	t := b.Through[ids[AcctProfit]]
	net := t.Credit.Sub(t.Debit).Add(c.Profit)
	if !net.IsZero() {
		if err := add(closingYear, []VoucherLine{
			{AccountID: ids[AcctProfit], Summary: closingYear, Debit: net},
			{AccountID: ids[AcctRetained], Summary: closingYear, Credit: net}}); err != nil {
			return err
		}
	}
	leaves := Leaves(b.Accounts)
	var dist []VoucherLine
	total := decimal.Zero
	for _, acc := range b.Accounts {
		if !IsSubAccountOf(acc.Code, AcctDistribution) || acc.Code == AcctRetained || !leaves[acc.ID] {
			continue
		}
		tt := b.Through[acc.ID]        // no closing voucher touches them
		bal := tt.Debit.Sub(tt.Credit) // distributions sit on the debit side
		if bal.IsZero() {
			continue
		}
		total = total.Add(bal)
		dist = append(dist, VoucherLine{AccountID: acc.ID, Summary: "结转利润分配", Credit: bal})
	}
	if len(dist) == 0 {
		return nil
	}
	return add(closingDist, append(dist, VoucherLine{AccountID: ids[AcctRetained], Summary: "结转利润分配", Debit: total}))
}

// IsSubAccountOf reports whether code is a sub-account (at any depth) of
// parent: codes are prefixes, and the account itself is not its own.
func IsSubAccountOf(code, parent string) bool {
	return len(code) > len(parent) && strings.HasPrefix(code, parent)
}
