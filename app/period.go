package app

import (
	"context"
	"fmt"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// CodeLedgerCheckFailed is refused closing: the books disagree with the
// business (see domain.CodeLedgerCheckFailed).
const CodeLedgerCheckFailed = domain.CodeLedgerCheckFailed

// PeriodClose is what closing a month did.
type PeriodClose struct {
	Period   string           `json:"period"`
	Status   string           `json:"status"`
	Vouchers []domain.Voucher `json:"vouchers"`   // the closing vouchers
	Profit   decimal.Decimal  `json:"net_profit"` // the month's 净利润; not "profit", a cost key (gross profit) hidden without cost:read
	VATDue   decimal.Decimal  `json:"vat_due"`    // 转出未交增值税
	// VATOverpaid is 转出多交增值税: VAT paid in advance this month beyond
	// what the month owed.
	VATOverpaid decimal.Decimal `json:"vat_overpaid"`
}

// CloseInput is what the closer sends: Force closes a month before its
// last day has passed (提前结账), which needs a Reason; both go to the audit
// log.
type CloseInput struct {
	Force  bool   `json:"force"`
	Reason string `json:"reason"`
}

// ClosePeriod closes a month (月末结账) in one transaction: it refuses
// before the month's last day has passed unless forced with a reason
// (period_not_ended); while an earlier month with vouchers is open; when
// the books disagree with the business at the month's end (trial balance,
// 1405 against the stock, 1122/2202 against the open items); and while the
// checklist (结账检查) has other blocking items (closing_blocked). It carries
// a VAT balance payable to 未交增值税; transfers the month's profit and loss
// to 3103 本年利润 (and in December the year's profit to 3104 未分配利润);
// keeps the month's stock; and from then on refuses anything dated in it
// (period_closed).
func (a *App) ClosePeriod(ctx context.Context, period string, in CloseInput) (*PeriodClose, error) {
	actor, err := require(ctx, domain.PermLedgerAdmin)
	if err != nil {
		return nil, err
	}
	today := domain.LocalDate(a.now())
	if err := domain.CheckClosablePeriod(period, today); err != nil {
		return nil, err
	}
	reason, early, err := domain.CheckCloseTime(period, today, in.Force, in.Reason)
	if err != nil {
		return nil, err
	}
	_, lastDay := domain.PeriodEnd(period)
	var res *PeriodClose
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		_, facts, err := tx.LockPeriodFacts(period, true)
		if err != nil {
			return err
		}
		if err := facts.CheckClose(period); err != nil {
			return err
		}
		fs, err := a.financeSettings(tx)
		if err != nil {
			return err
		}
		if fs.ReviewRequired {
			n, err := store.CountUnreviewedVouchers(tx, period)
			if err != nil {
				return err
			}
			if err := domain.CheckReviewedForClose(period, true, n); err != nil {
				return err
			}
		}
		if err := checkOpeningsAt(tx, period); err != nil {
			return err
		}
		if err := checkBooksAt(tx, period, lastDay, false); err != nil {
			return err
		}
		books, err := closingBooks(tx, period)
		if err != nil {
			return err
		}
		c, err := domain.ClosingEntries(period, books)
		if err != nil {
			return fmt.Errorf("app: closing vouchers of %s: %w", period, err)
		}
		// The books held (above); the rest of the checklist decides.
		cf, err := a.checklistFacts(tx, period, false)
		if err != nil {
			return err
		}
		cf.VATDue, cf.VATOverpaid = c.VATDue, c.VATOverpaid
		if err := domain.BuildChecklist(period, today, cf).Check(); err != nil {
			return err
		}
		// A retried transaction starts over from here.
		res = &PeriodClose{Period: period, Vouchers: make([]domain.Voucher, 0, len(c.Vouchers)), Profit: c.Profit,
			VATDue: c.VATDue, VATOverpaid: c.VATOverpaid}
		for i := range c.Vouchers {
			v := &c.Vouchers[i]
			v.CreatedBy = actor.ID
			if err := tx.InsertVoucher(v); err != nil {
				return err
			}
			res.Vouchers = append(res.Vouchers, *v)
		}
		if err := tx.SnapshotStock(period); err != nil {
			return err
		}
		if err := tx.SetPeriodStatus(period, store.PeriodClosed, &actor.ID); err != nil {
			return err
		}
		res.Status = store.PeriodClosed
		after := map[string]any{"period": period, "net_profit": c.Profit, "vat_due": c.VATDue, "vat_overpaid": c.VATOverpaid}
		if early {
			// 提前结账: who forced it and why stays in the audit log.
			after["force"], after["reason"], after["closed_on"] = true, reason, today
		}
		return audit(ctx, tx, "close", "period", 0, nil, after)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// closingBooks reads what closing period needs: the chart and the
// accounts' totals through the month and in it.
func closingBooks(q store.Q, period string) (domain.ClosingBooks, error) {
	var b domain.ClosingBooks
	var err error
	if b.Accounts, err = store.AllAccounts(q); err != nil {
		return b, err
	}
	next := domain.NextPeriod(period)
	if b.Through, err = store.AccountTotals(q, "", next); err != nil {
		return b, err
	}
	b.Month, err = store.AccountTotals(q, period, next)
	return b, err
}

// checkBooksAt verifies the books agree with the business at a month's end
// (domain.BooksCheck): everything dated (业务日期) through its last day.
// current checks what only today's open amounts tell: the advances unused.
func checkBooksAt(q store.Q, period string, lastDay string, current bool) error {
	c := domain.BooksCheck{Current: current}
	var err error
	if c.Accounts, err = store.AllAccounts(q); err != nil {
		return err
	}
	if c.Totals, err = store.AccountTotals(q, "", domain.NextPeriod(period)); err != nil {
		return err
	}
	if c.CashMonths, err = cashMonths(q, c.Accounts, period); err != nil {
		return err
	}
	if c.Stock, err = store.StockValueThrough(q, lastDay); err != nil {
		return err
	}
	for _, kind := range []string{domain.ItemAR, domain.ItemAP} {
		sl, err := subLedgerAt(q, kind, lastDay, current)
		if err != nil {
			return err
		}
		c.SubLedgers = append(c.SubLedgers, sl)
	}
	return c.Check()
}

// subLedgerAt reads a sub-ledger's totals at a month's end, and today's
// split when current.
func subLedgerAt(q store.Q, kind string, lastDay string, current bool) (domain.SubLedgerTotals, error) {
	end, _ := domain.PeriodEnd(domain.PeriodOf(lastDay))
	sl := domain.SubLedgerTotals{Kind: kind}
	items, err := store.KindTotals(q, kind, lastDay)
	if err != nil {
		return sl, err
	}
	// Documents still waiting for their invoice then are in the books
	// without VAT, and not yet in the items.
	waiting, _, err := store.Uninvoiced(q, kind, 0, end, lastDay)
	if err != nil {
		return sl, err
	}
	sl.Items = items.Add(store.SumOf(waiting))
	if !current {
		return sl, nil
	}
	docs, advances, err := store.OpenSplit(q, kind)
	if err != nil {
		return sl, err
	}
	if waiting, _, err = store.Uninvoiced(q, kind, 0, time.Time{}, ""); err != nil {
		return sl, err
	}
	sl.Docs, sl.Advances = docs.Add(store.SumOf(waiting)), advances
	return sl, nil
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
		var facts domain.PeriodFacts
		if p, facts, err = tx.LockPeriodFacts(period, false); err != nil {
			return err
		}
		if err := facts.CheckReopen(period); err != nil {
			return err
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
		// Reopening the start period unlocks the openings (期初); the audit
		// row says so.
		start, err := store.StartPeriod(tx)
		if err != nil {
			return err
		}
		return audit(ctx, tx, "reopen", "period", 0, nil, map[string]any{"period": period, "by": actor.ID,
			"openings_unlocked": start == period})
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
// checks at a month's end), for erpd check. After an early close, the next
// month's documents are already in: the check runs through that month.
func (a *App) CheckBooks(ctx context.Context) error {
	q := a.store.Read(ctx)
	today := domain.LocalDate(a.now())
	closed, err := store.PeriodIsClosed(q, domain.PeriodOf(today))
	if err != nil {
		return err
	}
	period := domain.PeriodOf(domain.LatestBizDate(today, closed))
	_, lastDay := domain.PeriodEnd(period)
	return checkBooksAt(q, period, lastDay, true)
}

// closingChecks are the checklist items other modules add (the extension
// point of 结账检查): each reads what it needs of period and returns its
// item, or nil when it has nothing to say. Unreviewed vouchers (凭证审核,
// when review is required) are added here by the voucher-review module.
var closingChecks []func(a *App, q store.Q, period string) (*domain.ChecklistItem, error)

// checklistFacts reads what a month's checklist is decided on; withBooks
// also runs the books check (a closing runs it itself first).
func (a *App) checklistFacts(q store.Q, period string, withBooks bool) (domain.ChecklistFacts, error) {
	var f domain.ChecklistFacts
	first := period + "-01"
	_, lastDay := domain.PeriodEnd(period)
	var err error
	if f.Drafts, err = store.DraftsDated(q, first, lastDay); err != nil {
		return f, err
	}
	if f.PendingApprovals, err = store.PendingApprovalCount(q); err != nil {
		return f, err
	}
	if f.NegativeStock, err = store.NegativeStockThrough(q, lastDay, 50); err != nil {
		return f, err
	}
	if withBooks {
		if err := checkBooksAt(q, period, lastDay, false); err != nil {
			if e := domain.AsError(err); e == nil || e.Code != domain.CodeLedgerCheckFailed {
				return f, err
			}
			f.Books = err
		}
	}
	for _, check := range closingChecks {
		it, err := check(a, q, period)
		if err != nil {
			return f, err
		}
		if it != nil {
			f.Extra = append(f.Extra, *it)
		}
	}
	return f, nil
}

// PeriodChecklist is a month's closing checklist (结账检查), shown before the
// closing is confirmed: drafts dated in the month, pending approvals,
// negative stock, the VAT position, whether the books agree with the
// business, and what other modules add. Blocking items (level block) refuse
// the closing.
func (a *App) PeriodChecklist(ctx context.Context, period string) (*domain.Checklist, error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	if !domain.ValidPeriod(period) {
		return nil, domain.Invalid("period", "期间格式应为 YYYY-MM")
	}
	q := a.store.Read(ctx)
	f, err := a.checklistFacts(q, period, true)
	if err != nil {
		return nil, err
	}
	books, err := closingBooks(q, period)
	if err != nil {
		return nil, err
	}
	c, err := domain.ClosingEntries(period, books)
	if err != nil {
		return nil, fmt.Errorf("app: closing vouchers of %s: %w", period, err)
	}
	f.VATDue, f.VATOverpaid = c.VATDue, c.VATOverpaid
	cl := domain.BuildChecklist(period, domain.LocalDate(a.now()), f)
	return &cl, nil
}
