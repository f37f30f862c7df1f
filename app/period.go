package app

import (
	"context"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// CodeLedgerCheckFailed is refused closing: the books disagree with the
// business (a bug or a hand-made voucher on a controlled account).
const CodeLedgerCheckFailed = "ledger_check_failed"

// PeriodClose is what closing a month did.
type PeriodClose struct {
	Period   string           `json:"period"`
	Status   string           `json:"status"`
	Vouchers []domain.Voucher `json:"vouchers"` // the closing vouchers
	Profit   decimal.Decimal  `json:"profit"`   // the month's 净利润
	VATDue   decimal.Decimal  `json:"vat_due"`  // 转出未交增值税
	// VATOverpaid is 转出多交增值税: VAT paid in advance this month beyond
	// what the month owed.
	VATOverpaid decimal.Decimal `json:"vat_overpaid"`
}

// ClosePeriod closes a month (月末结账) in one transaction: it refuses while
// an earlier month with vouchers is open or when the books disagree with
// the business at the month's end (trial balance, 1405 against the stock,
// 1122/2202 against the open items); carries a VAT balance payable to 未交
// 增值税; transfers the month's profit and loss to 3103 本年利润 (and in
// December the year's profit to 3104 未分配利润); keeps the month's stock;
// and from then on refuses anything dated in it (period_closed).
func (a *App) ClosePeriod(ctx context.Context, period string) (*PeriodClose, error) {
	actor, err := require(ctx, domain.PermLedgerAdmin)
	if err != nil {
		return nil, err
	}
	if !domain.ValidPeriod(period) {
		return nil, domain.Invalid("period", "期间格式应为 YYYY-MM")
	}
	if period > domain.PeriodOf(domain.LocalDate(a.now())) {
		return nil, domain.Invalid("period", "%s 尚未开始，不能结账", period)
	}
	end, lastDay := domain.PeriodEnd(period)
	res := &PeriodClose{Period: period, Vouchers: []domain.Voucher{}}
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.LockPeriod(period)
		if err != nil {
			return err
		}
		if p.Status == store.PeriodClosed {
			return domain.ErrInvalidState.WithMessage("%s 已结账", period)
		}
		res.Vouchers = res.Vouchers[:0] // a retried transaction starts over
		later, err := store.ClosedAfter(tx, period)
		if err != nil {
			return err
		}
		if later {
			return domain.ErrInvalidState.WithMessage("%s 之后已有结账的月份", period)
		}
		// Months close in order once the books have begun, empty ones too:
		// December's closing carries the year's profit to 3104.
		open, err := store.OpenPeriodsWithVouchers(tx, period)
		if err != nil {
			return err
		}
		if len(open) > 0 {
			return domain.ErrInvalidState.WithMessage("请先结账 %s", open[0])
		}
		prev := domain.PrevPeriod(period)
		if begun, err := store.BooksBefore(tx, period); err != nil {
			return err
		} else if begun {
			pp, err := tx.LockPeriod(prev)
			if err != nil {
				return err
			}
			if pp.Status != store.PeriodClosed {
				return domain.ErrInvalidState.WithMessage("请先结账 %s", prev)
			}
		}
		if err := checkBooksAt(tx, period, end, lastDay, false); err != nil {
			return err
		}
		codes, err := store.AccountsByCode(tx)
		if err != nil {
			return err
		}
		accounts, err := store.AllAccounts(tx)
		if err != nil {
			return err
		}
		next := domain.NextPeriod(period)
		through, err := store.AccountTotals(tx, "", next)
		if err != nil {
			return err
		}
		closing := func(remark string, lines []domain.VoucherLine) error {
			v := &domain.Voucher{Date: lastDay, Source: domain.VoucherClosing, Remark: remark, CreatedBy: actor.ID, Lines: lines}
			if err := v.Check(domain.AmountScale); err != nil {
				if domain.ZeroLines(v.Lines) || len(v.Lines) < 2 {
					return nil
				}
				return err
			}
			if err := tx.InsertVoucher(v); err != nil {
				return err
			}
			res.Vouchers = append(res.Vouchers, *v)
			return nil
		}
		// VAT: a balance payable on 应交增值税 moves to 未交增值税 through 转出
		// 未交增值税; a credit carried forward (留抵) stays.
		net := netOf(accounts, through)
		leaves := domain.Leaves(accounts)
		vat := net(domain.AcctVATIn[:6]).Neg() // credit − debit of 222101
		if vat.IsPositive() {
			res.VATDue = vat
			if err := closing("结转本月未交增值税", []domain.VoucherLine{
				{AccountID: codes[domain.AcctVATOutPaid].ID, Summary: "转出未交增值税", Debit: vat},
				{AccountID: codes[domain.AcctVATUnpaid].ID, Summary: "转出未交增值税", Credit: vat}}); err != nil {
				return err
			}
		} else if vat.IsNegative() {
			// A debit balance is input VAT carried forward (留抵), which
			// stays, except what was paid in advance this month (已交税金)
			// beyond the month's tax: that overpayment moves to 未交增值税
			// through 转出多交增值税, to be offset or refunded.
			month, err := store.AccountTotals(tx, period, next)
			if err != nil {
				return err
			}
			paid := netOf(accounts, month)(domain.AcctVATPrepaid) // with any sub-accounts
			over := decimal.Min(paid, vat.Neg())
			if over.IsPositive() {
				res.VATOverpaid = over
				if err := closing("结转本月多交增值税", []domain.VoucherLine{
					{AccountID: codes[domain.AcctVATUnpaid].ID, Summary: "转出多交增值税", Debit: over},
					{AccountID: codes[domain.AcctVATOverpaid].ID, Summary: "转出多交增值税", Credit: over}}); err != nil {
					return err
				}
			}
		}
		// Profit and loss: every 损益 account's balance to 3103.
		var lines []domain.VoucherLine
		profit := decimal.Zero
		for _, acc := range accounts {
			if acc.Category != domain.AccountPL || !leaves[acc.ID] {
				continue
			}
			t := through[acc.ID]
			net := t.Credit.Sub(t.Debit) // revenue positive, expense negative
			if net.IsZero() {
				continue
			}
			profit = profit.Add(net)
			l := domain.VoucherLine{AccountID: acc.ID, Summary: "结转损益"}
			if acc.Normal == domain.Credit {
				l.Debit = net
			} else {
				l.Credit = net.Neg()
			}
			lines = append(lines, l)
		}
		res.Profit = profit
		if len(lines) > 0 {
			l := domain.VoucherLine{AccountID: codes[domain.AcctProfit].ID, Summary: "结转损益", Credit: profit}
			if err := closing("结转本月损益", append(lines, l)); err != nil {
				return err
			}
		}
		// December: the year's profit to 利润分配-未分配利润.
		if period[5:] == "12" {
			year, err := store.AccountTotals(tx, "", next)
			if err != nil {
				return err
			}
			// The totals now include this month's transfer, made above in tx.
			t := year[codes[domain.AcctProfit].ID]
			net := t.Credit.Sub(t.Debit)
			if !net.IsZero() {
				if err := closing("结转本年利润", []domain.VoucherLine{
					{AccountID: codes[domain.AcctProfit].ID, Summary: "结转本年利润", Debit: net},
					{AccountID: codes[domain.AcctRetained].ID, Summary: "结转本年利润", Credit: net}}); err != nil {
					return err
				}
			}
			// Then the year's other 利润分配 sub-accounts (提取盈余公积, 应付利润…)
			// into 未分配利润.
			var dist []domain.VoucherLine
			total := decimal.Zero
			for _, acc := range accounts {
				if len(acc.Code) <= 4 || acc.Code[:4] != "3104" || acc.Code == domain.AcctRetained || !leaves[acc.ID] {
					continue
				}
				tt := year[acc.ID]
				bal := tt.Debit.Sub(tt.Credit) // distributions sit on the debit side
				if bal.IsZero() {
					continue
				}
				total = total.Add(bal)
				dist = append(dist, domain.VoucherLine{AccountID: acc.ID, Summary: "结转利润分配", Credit: bal})
			}
			if len(dist) > 0 {
				dist = append(dist, domain.VoucherLine{AccountID: codes[domain.AcctRetained].ID, Summary: "结转利润分配", Debit: total})
				if err := closing("结转利润分配明细", dist); err != nil {
					return err
				}
			}
		}
		if err := tx.SnapshotStock(period, end); err != nil {
			return err
		}
		if err := tx.SetPeriodStatus(period, store.PeriodClosed, &actor.ID); err != nil {
			return err
		}
		res.Status = store.PeriodClosed
		return audit(ctx, tx, "close", "period", 0, nil, map[string]any{"period": period, "profit": profit, "vat_due": res.VATDue,
			"vat_overpaid": res.VATOverpaid})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// checkBooksAt verifies the books agree with the business at a month's end.
// current checks what only today's open amounts tell: the advances unused.
func checkBooksAt(q store.Q, period string, end time.Time, lastDay string, current bool) error {
	accounts, err := store.AllAccounts(q)
	if err != nil {
		return err
	}
	totals, err := store.AccountTotals(q, "", domain.NextPeriod(period))
	if err != nil {
		return err
	}
	_, tb := domain.TrialBalance(accounts, totals, nil, false)
	fail := func(format string, args ...any) error {
		return domain.Errorf(domain.KindConflict, CodeLedgerCheckFailed, "结账检查未通过："+format, args...)
	}
	if !tb.Balanced() {
		return fail("试算不平衡（借 %s，贷 %s）", tb.OpeningDebit.StringFixed(2), tb.OpeningCredit.StringFixed(2))
	}
	stock, err := store.StockValueBefore(q, end)
	if err != nil {
		return err
	}
	net := netOf(accounts, totals) // debit − credit of an account and its sub-accounts
	if books := net(domain.AcctStock); !books.Equal(stock) {
		return fail("库存商品 1405 余额 %s 与库存金额 %s 不符", books.StringFixed(2), stock.StringFixed(2))
	}
	// Receivables and payables: 1122 with 2203 (what customers owe, less
	// their advances) against the AR items dated by the day; 2202 with 1123
	// likewise against the AP items. Allocations move amounts between the
	// items, never in or out of a kind.
	sides := []struct{ ledger, advance, kind string }{
		{domain.AcctReceivable, domain.AcctAdvanceReceived, domain.ItemAR},
		{domain.AcctPayable, domain.AcctPrepaid, domain.ItemAP}}
	for _, sd := range sides {
		items, err := store.KindTotals(q, sd.kind, lastDay)
		if err != nil {
			return err
		}
		// Documents still waiting for their invoice then are in the books
		// without VAT, and not yet in the items.
		waiting, _, err := store.Uninvoiced(q, sd.kind, 0, end, lastDay)
		if err != nil {
			return err
		}
		items = items.Add(store.SumOf(waiting))
		books := net(sd.ledger).Add(net(sd.advance)) // what customers owe
		if sd.kind == domain.ItemAP {
			books = books.Neg() // what we owe
		}
		if !books.Equal(items) {
			return fail("%s 与 %s 余额合计 %s 与往来明细 %s 不符", sd.ledger, sd.advance, books.StringFixed(2), items.StringFixed(2))
		}
		if !current {
			continue
		}
		// Today the split is known too: the advances still unused are 2203
		// and 1123, the rest 1122 and 2202.
		docs, advances, err := store.OpenSplit(q, sd.kind)
		if err != nil {
			return err
		}
		if waiting, _, err = store.Uninvoiced(q, sd.kind, 0, time.Time{}, ""); err != nil {
			return err
		}
		ledger := net(sd.ledger)
		if sd.kind == domain.ItemAP {
			ledger = ledger.Neg()
		}
		if docs = docs.Add(store.SumOf(waiting)); !ledger.Equal(docs) {
			return fail("%s 余额 %s 与未核销单据及未开票金额 %s 不符", sd.ledger, ledger.StringFixed(2), docs.StringFixed(2))
		}
		held := net(sd.advance).Neg() // 2203 is a credit; 1123 a debit
		if sd.kind == domain.ItemAP {
			held = held.Neg()
		}
		if !held.Equal(advances) {
			return fail("%s 余额 %s 与未核销的预收/预付款 %s 不符", sd.advance, held.StringFixed(2), advances.StringFixed(2))
		}
	}
	return nil
}

// ReopenPeriod undoes a month's closing (反结账), an administrator's act in
// the audit log: its closing vouchers and stock snapshot go, and it takes
// postings again. A month with a later closed month stays closed.
func (a *App) ReopenPeriod(ctx context.Context, period string) (*store.PeriodInfo, error) {
	actor, err := require(ctx, domain.PermLedgerReopen)
	if err != nil {
		return nil, err
	}
	if !domain.ValidPeriod(period) {
		return nil, domain.Invalid("period", "期间格式应为 YYYY-MM")
	}
	var p *store.PeriodInfo
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if p, err = tx.LockPeriod(period); err != nil {
			return err
		}
		if p.Status != store.PeriodClosed {
			return domain.ErrInvalidState.WithMessage("%s 未结账", period)
		}
		later, err := store.ClosedAfter(tx, period)
		if err != nil {
			return err
		}
		if later {
			return domain.ErrInvalidState.WithMessage("%s 之后还有已结账的月份，请先反结账那些月份", period)
		}
		if err := tx.DeleteClosingVouchers(period); err != nil {
			return err
		}
		if err := tx.DeleteSnapshot(period); err != nil {
			return err
		}
		if err := tx.SetPeriodStatus(period, store.PeriodOpen, nil); err != nil {
			return err
		}
		p.Status = store.PeriodOpen
		return audit(ctx, tx, "reopen", "period", 0, nil, map[string]any{"period": period, "by": actor.ID})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// ListPeriods lists the months the books have touched.
func (a *App) ListPeriods(ctx context.Context) ([]store.PeriodInfo, error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	return store.ListPeriods(a.store.Read(ctx))
}

// CheckBooks verifies the books agree with the business now (what closing
// checks at a month's end), for erpd check.
func (a *App) CheckBooks(ctx context.Context) error {
	period := domain.PeriodOf(domain.LocalDate(a.now()))
	end, lastDay := domain.PeriodEnd(period)
	return checkBooksAt(a.store.Read(ctx), period, end, lastDay, true)
}
