package domain

import "github.com/shopspring/decimal"

// CodeLedgerCheckFailed is refused closing: the books disagree with the
// business (a bug or a hand-made voucher on a controlled account).
const CodeLedgerCheckFailed = "ledger_check_failed"

// SubLedgerTotals are what a sub-ledger (receivables or payables) holds,
// to compare with the books.
type SubLedgerTotals struct {
	Kind string // ItemAR or ItemAP
	// Items are the kind's items dated by the day, plus the documents then
	// waiting for their invoice (in the books without VAT, in no item yet).
	Items decimal.Decimal
	// Today only (BooksCheck.Current): Docs are the open amounts of the
	// documents plus those waiting for their invoice; Advances the money
	// documents' advances still unused, positive.
	Docs, Advances decimal.Decimal
}

// BooksCheck is what the books must agree with at a month's end (结账检查):
// the trial balance, the stock and the sub-ledgers.
type BooksCheck struct {
	Accounts []Account
	Totals   map[int64]Totals // every month through the one checked
	// Stock is the stock's value at the month's end: what 1405 must be.
	Stock decimal.Decimal
	// SubLedgers are the receivables' and the payables' totals.
	SubLedgers []SubLedgerTotals
	// Current checks what only today's open amounts tell: the advances
	// unused apart from the documents.
	Current bool
	// CashMonths are, per month through the one checked, 现金流量表's
	// 现金净增加额 and the change in 货币资金 (CheckCashMonths).
	CashMonths map[string]CashMonth
}

// subLedgerAccounts are the accounts a sub-ledger is kept in: the
// documents' (1122, 2202) and the advances' (2203 预收, 1123 预付).
var subLedgerAccounts = map[string][2]string{ItemAR: {AcctReceivable, AcctAdvanceReceived}, ItemAP: {AcctPayable, AcctPrepaid}}

// Check refuses (ledger_check_failed) the first disagreement: an
// unbalanced trial balance; 1405 against the stock; 1122 with 2203 (what
// customers owe, less their advances) against the AR items, and 2202 with
// 1123 likewise against the AP items (allocations move amounts between
// items, never in or out of a kind); and today, the split of each between
// documents and advances unused; then every month's 现金净增加额 against its
// change in 货币资金.
func (b BooksCheck) Check() error {
	fail := func(format string, args ...any) error {
		return Errorf(KindConflict, CodeLedgerCheckFailed, "结账检查未通过："+format, args...)
	}
	if _, tb := TrialBalance(b.Accounts, b.Totals, nil, false); !tb.Balanced() {
		return fail("试算不平衡（借 %s，贷 %s）", tb.OpeningDebit.StringFixed(2), tb.OpeningCredit.StringFixed(2))
	}
	net := NetOf(b.Accounts, b.Totals) // debit − credit of an account and its sub-accounts
	if books := net(AcctStock); !books.Equal(b.Stock) {
		return fail("库存商品 1405 余额 %s 与库存金额 %s 不符", books.StringFixed(2), b.Stock.StringFixed(2))
	}
	for _, sl := range b.SubLedgers {
		accts := subLedgerAccounts[sl.Kind]
		ledger, advance := net(accts[0]), net(accts[1]).Neg() // 2203's credit and 1123's debit, as what is held
		if sl.Kind == ItemAP {
			ledger, advance = ledger.Neg(), advance.Neg() // what we owe
		}
		if books := ledger.Sub(advance); !books.Equal(sl.Items) {
			return fail("%s 与 %s 余额合计 %s 与往来明细 %s 不符", accts[0], accts[1], books.StringFixed(2), sl.Items.StringFixed(2))
		}
		if !b.Current {
			continue
		}
		if !ledger.Equal(sl.Docs) {
			return fail("%s 余额 %s 与未核销单据及未开票金额 %s 不符", accts[0], ledger.StringFixed(2), sl.Docs.StringFixed(2))
		}
		if !advance.Equal(sl.Advances) {
			return fail("%s 余额 %s 与未核销的预收/预付款 %s 不符", accts[1], advance.StringFixed(2), sl.Advances.StringFixed(2))
		}
	}
	return CheckCashMonths(b.CashMonths)
}
