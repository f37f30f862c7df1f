package domain

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// The rules that bring books kept to four places into 分 (the migration
// "money in 分"). New amounts are rounded where they are created
// (RoundAmount); these only convert what earlier releases stored.

// AcctCostOfSales is 5401 主营业务成本, where a rounding residue of the stock
// (尾差) goes: nearly every fraction of a cent in the books came from
// moving-average costing, whose other side is the cost of sales.
const AcctCostOfSales = "5401"

// RunningCents re-expresses one balance's move amounts, in posting order,
// in 分 so that every running total becomes the old running total rounded:
// new[i] = R(Σ old[0..i]) − R(Σ old[0..i−1]). The balance after each move is
// then the old one rounded, so the balance still equals the sum of its
// moves, a balance emptied by its last move is still zero, and a closed
// month's stock snapshot is its old value rounded. Each new amount is within
// a cent of the old one.
func RunningCents(amounts []decimal.Decimal) (out, running []decimal.Decimal) {
	out = make([]decimal.Decimal, len(amounts))
	running = make([]decimal.Decimal, len(amounts))
	sum, prev := Zero, Zero
	for i, a := range amounts {
		sum = sum.Add(a)
		r := RoundAmount(sum)
		out[i], running[i] = r.Sub(prev), r
		prev = r
	}
	return out, running
}

// RoundVoucherLines rounds a voucher's lines to 分 in place. When the rounded
// lines no longer balance, the difference (尾差) goes on the largest line
// (by amount, the first of equals) whose account is not controlled
// (controlled(accountID): 1405 and the receivable/payable accounts, which
// must keep agreeing with the stock and the open items), or the largest line
// when every line is controlled: a debit line is lowered by the excess of
// debits, a credit line raised by it. It reports whether any line changed
// and fails only on a voucher with no line.
func RoundVoucherLines(lines []VoucherLine, controlled func(accountID int64) bool) (changed bool, err error) {
	if len(lines) == 0 {
		return false, fmt.Errorf("domain: rounding a voucher without lines")
	}
	debit, credit := Zero, Zero
	// A line keeps its side even when it rounds to nothing.
	wasDebit := make([]bool, len(lines))
	for i := range lines {
		wasDebit[i] = !lines[i].Debit.IsZero()
		l := &lines[i]
		d, c := RoundAmount(l.Debit), RoundAmount(l.Credit)
		if !d.Equal(l.Debit) || !c.Equal(l.Credit) {
			changed = true
		}
		l.Debit, l.Credit = d, c
		debit, credit = debit.Add(d), credit.Add(c)
	}
	residue := debit.Sub(credit)
	if residue.IsZero() {
		return changed, nil
	}
	pick := -1
	for _, free := range []bool{true, false} {
		for i, l := range lines {
			if free && controlled(l.AccountID) {
				continue
			}
			if pick < 0 || lineSize(l).GreaterThan(lineSize(lines[pick])) {
				pick = i
			}
		}
		if pick >= 0 {
			break
		}
	}
	l := &lines[pick]
	if wasDebit[pick] {
		l.Debit = l.Debit.Sub(residue)
	} else {
		l.Credit = l.Credit.Add(residue)
	}
	return true, nil
}

func lineSize(l VoucherLine) decimal.Decimal { return l.Debit.Abs().Add(l.Credit.Abs()) }

// StockResidueLines are the lines of the adjustment (调整) that brings 1405
// to the stock's value when rounding left them apart by diff (stock − 1405):
// 1405 against 5401 主营业务成本, red-letter when 1405 is above the stock.
func StockResidueLines(diff decimal.Decimal, stock, cost int64, summary string) []VoucherLine {
	return []VoucherLine{{AccountID: stock, Summary: summary, Debit: diff}, {AccountID: cost, Summary: summary, Credit: diff}}
}
