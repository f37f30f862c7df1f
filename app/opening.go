package app

import (
	"context"
	"strings"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// Going live (期初): the accounts' opening balances and year-to-date
// figures at the start period. The rules are domain/opening.go's; the
// statements read the openings through store.AccountTotals.

// OpeningSheet is the openings as the console edits them: the start
// period, whether they are locked (the start period is closed), every
// opening with its derived 年初余额 (1122 and 2202 from the opening items),
// and the 试算平衡.
type OpeningSheet struct {
	StartPeriod string                  `json:"start_period"`
	Locked      bool                    `json:"locked"`
	Lines       []domain.OpeningBalance `json:"lines"`
	Check       domain.OpeningCheck     `json:"check"`
	// Version counts the saves (PUT and import); send it back with the
	// next save.
	Version int `json:"version"`
}

// OpeningBalanceInput is one account's opening: by account_id, or by
// account_code (the import's way).
type OpeningBalanceInput struct {
	AccountID   int64           `json:"account_id"`
	AccountCode string          `json:"account_code"`
	Debit       decimal.Decimal `json:"debit"`
	Credit      decimal.Decimal `json:"credit"`
	YTDDebit    decimal.Decimal `json:"ytd_debit"`
	YTDCredit   decimal.Decimal `json:"ytd_credit"`
}

// OpeningBalancesInput replaces the openings: the start period and every
// account's opening (accounts left out have none).
type OpeningBalancesInput struct {
	StartPeriod string                `json:"start_period"`
	Lines       []OpeningBalanceInput `json:"lines"`
	// Version is the sheet's version as read: a save in between is
	// refused (409 version_conflict); 0 is not checked (the import).
	Version int `json:"version"`
}

// GetOpeningBalances returns the openings with their 试算平衡.
func (a *App) GetOpeningBalances(ctx context.Context) (*OpeningSheet, error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	return openingSheet(a.store.Read(ctx))
}

// CheckOpeningBalances is the openings' 试算平衡 alone.
func (a *App) CheckOpeningBalances(ctx context.Context) (*domain.OpeningCheck, error) {
	s, err := a.GetOpeningBalances(ctx)
	if err != nil {
		return nil, err
	}
	return &s.Check, nil
}

func openingSheet(q store.Q) (*OpeningSheet, error) {
	s := &OpeningSheet{}
	var err error
	if s.StartPeriod, err = store.StartPeriod(q); err != nil {
		return nil, err
	}
	periods, err := store.PeriodStates(q)
	if err != nil {
		return nil, err
	}
	s.Locked = domain.OpeningsLocked(s.StartPeriod, periods)
	if s.Lines, err = store.OpeningBalances(q); err != nil {
		return nil, err
	}
	accounts, err := store.AllAccounts(q)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]domain.Account, len(accounts))
	for _, acc := range accounts {
		byID[acc.ID] = acc
	}
	// The opening receivables and payables make 1122's and 2202's.
	items, err := store.OpeningItems(q)
	if err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	for _, acc := range accounts {
		ids[acc.Code] = acc.ID
	}
	for _, b := range domain.OpeningItemBalances(s.StartPeriod, items, ids[domain.AcctReceivable], ids[domain.AcctPayable]) {
		b.Code, b.Name = byID[b.AccountID].Code, byID[b.AccountID].Name
		s.Lines = append(s.Lines, b)
	}
	for i := range s.Lines {
		s.Lines[i].YearStart(byID[s.Lines[i].AccountID])
	}
	s.Check = domain.CheckOpenings(byID, s.Lines)
	if s.Version, err = store.SheetVersion(q, store.OpeningBalancesVersion); err != nil {
		return nil, err
	}
	return s, nil
}

// PutOpeningBalances replaces the openings and sets the start period,
// audit-logged. Refused once the start period is closed (openings_locked;
// reopening it unlocks them) and for a start period before which vouchers
// exist (books_before_start). They need not balance
// to be saved (an accountant enters them over several sittings); closing
// the start period refuses while they do not (openings_unbalanced).
func (a *App) PutOpeningBalances(ctx context.Context, in OpeningBalancesInput) (*OpeningSheet, error) {
	actor, err := require(ctx, domain.PermLedgerAdmin)
	if err != nil {
		return nil, err
	}
	if !domain.ValidPeriod(in.StartPeriod) {
		return nil, domain.Invalid("start_period", "启用期间格式应为 YYYY-MM")
	}
	var sheet *OpeningSheet
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		return a.putOpenings(ctx, tx, in, actor.ID, func(s *OpeningSheet) { sheet = s })
	})
	if err != nil {
		return nil, err
	}
	return sheet, nil
}

// putOpenings is PutOpeningBalances inside tx (the import runs it in its
// own transaction).
func (a *App) putOpenings(ctx context.Context, tx *store.Tx, in OpeningBalancesInput, by int64, done func(*OpeningSheet)) error {
	cur, err := store.StartPeriod(tx)
	if err != nil {
		return err
	}
	// Lock the start periods' rows, as closing does, so a closing of the
	// start period and a change of the openings never cross.
	for _, p := range []string{cur, in.StartPeriod} {
		if p != "" {
			if _, err := tx.LockPeriod(p); err != nil {
				return err
			}
		}
	}
	version, err := tx.LockSheetVersion(store.OpeningBalancesVersion)
	if err != nil {
		return err
	}
	if err := domain.CheckVersion(version, in.Version); err != nil {
		return domain.AsError(err).WithMessage("期初余额已被他人修改（版本 %d，提交的是 %d），请刷新后重试", version, in.Version)
	}
	periods, err := store.PeriodStates(tx)
	if err != nil {
		return err
	}
	booksBefore, err := store.BooksBefore(tx, in.StartPeriod)
	if err != nil {
		return err
	}
	locked := domain.OpeningsLocked(cur, periods) || domain.OpeningsLocked(in.StartPeriod, periods)
	if err := domain.CheckStartPeriod(in.StartPeriod, booksBefore, locked); err != nil {
		return err
	}
	items, err := store.OpeningItems(tx)
	if err != nil {
		return err
	}
	if err := domain.CheckItemsBeforeStart(in.StartPeriod, items); err != nil {
		return err
	}
	before, err := openingSheet(tx)
	if err != nil {
		return err
	}
	leaves, err := store.LeafAccounts(tx)
	if err != nil {
		return err
	}
	lines := make([]domain.OpeningBalance, len(in.Lines))
	codes := make([]string, len(in.Lines))
	for i, l := range in.Lines {
		lines[i] = domain.OpeningBalance{AccountID: l.AccountID, Debit: l.Debit, Credit: l.Credit, YTDDebit: l.YTDDebit, YTDCredit: l.YTDCredit}
		codes[i] = l.AccountCode
	}
	rows, err := domain.OpeningRows(in.StartPeriod, lines, codes, leaves)
	if err != nil {
		return err
	}
	if err := tx.SetStartPeriod(in.StartPeriod); err != nil {
		return err
	}
	if err := tx.ReplaceOpeningBalances(rows, by); err != nil {
		return err
	}
	if err := tx.SetSheetVersion(store.OpeningBalancesVersion, version+1); err != nil {
		return err
	}
	after, err := openingSheet(tx)
	if err != nil {
		return err
	}
	done(after)
	return audit(ctx, tx, "update", "opening_balances", 0, before, after)
}

// checkOpeningsAt refuses closing the start period while the openings do
// not balance (期初试算不平衡).
func checkOpeningsAt(q store.Q, period string) error {
	start, err := store.StartPeriod(q)
	if err != nil || start != period {
		return err
	}
	s, err := openingSheet(q)
	if err != nil {
		return err
	}
	return s.Check.Err()
}

// OpeningItemsInput replaces the opening receivables and payables.
type OpeningItemsInput struct {
	Items []domain.OpeningItem `json:"items"`
	// Version is the list's version as read: a save in between is
	// refused (409 version_conflict); 0 is not checked (the import).
	Version int `json:"version"`
}

// OpeningItemList is the opening receivables and payables with the
// version of the list, for the next save.
type OpeningItemList struct {
	Items   []domain.OpenItem `json:"items"`
	Version int               `json:"version"`
}

func openingItemList(q store.Q, items []domain.OpenItem) (*OpeningItemList, error) {
	v, err := store.SheetVersion(q, store.OpeningItemsVersion)
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []domain.OpenItem{}
	}
	return &OpeningItemList{Items: items, Version: v}, nil
}

// ListOpeningItems lists the opening receivables and payables (期初往来)
// with what is still open of each.
func (a *App) ListOpeningItems(ctx context.Context) (*OpeningItemList, error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	q := a.store.Read(ctx)
	items, err := store.OpeningItems(q)
	if err != nil {
		return nil, err
	}
	return openingItemList(q, items)
}

// PutOpeningItems replaces the opening receivables and payables, which
// then are open items like any other: in aging, statements and 核销. The
// start period must be set; refused once it is closed (openings_locked)
// or once any of them is settled (opening_items_settled). Audit-logged.
func (a *App) PutOpeningItems(ctx context.Context, in OpeningItemsInput) (*OpeningItemList, error) {
	if _, err := require(ctx, domain.PermLedgerAdmin); err != nil {
		return nil, err
	}
	var out *OpeningItemList
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		items, err := a.putOpeningItems(ctx, tx, in)
		if err != nil {
			return err
		}
		out, err = openingItemList(tx, items)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// putOpeningItems is PutOpeningItems inside tx (the import runs it in its
// own transaction).
func (a *App) putOpeningItems(ctx context.Context, tx *store.Tx, in OpeningItemsInput) ([]domain.OpenItem, error) {
	start, err := store.StartPeriod(tx)
	if err != nil {
		return nil, err
	}
	if start == "" {
		return nil, domain.Invalid("start_period", "请先在“期初余额”中设置启用期间")
	}
	if _, err := tx.LockPeriod(start); err != nil { // as closing does: the two never cross
		return nil, err
	}
	version, err := tx.LockSheetVersion(store.OpeningItemsVersion)
	if err != nil {
		return nil, err
	}
	if err := domain.CheckVersion(version, in.Version); err != nil {
		return nil, domain.AsError(err).WithMessage("期初往来已被他人修改（版本 %d，提交的是 %d），请刷新后重试", version, in.Version)
	}
	periods, err := store.PeriodStates(tx)
	if err != nil {
		return nil, err
	}
	if domain.OpeningsLocked(start, periods) {
		return nil, domain.ErrOpeningsLocked()
	}
	before, err := store.OpeningItems(tx)
	if err != nil {
		return nil, err
	}
	if err := domain.CheckReplaceOpeningItems(before); err != nil {
		return nil, err
	}
	ids := make([]int64, len(in.Items))
	for i, it := range in.Items {
		ids[i] = it.PartnerID
	}
	partners, err := store.Partners.GetMany(tx, ids, func(p *domain.Partner) int64 { return p.ID })
	if err != nil {
		return nil, err
	}
	for i := range in.Items {
		it := &in.Items[i]
		it.DocNumber = strings.TrimSpace(it.DocNumber)
		partner, found := partners[it.PartnerID]
		if err := domain.CheckOpeningItem(i, start, partner, found, it); err != nil {
			return nil, err
		}
	}
	if err := tx.DeleteOpeningItems(); err != nil {
		return nil, err
	}
	for _, it := range in.Items {
		oi := domain.OpenItem{PartnerID: it.PartnerID, Kind: it.Kind, DocType: domain.DocOpeningItem, DocNumber: it.DocNumber,
			Date: it.Date, DueDate: it.DueDate, Amount: it.Amount}
		if err := tx.AddOpenItem(&oi); err != nil {
			return nil, err
		}
	}
	if err := tx.SetSheetVersion(store.OpeningItemsVersion, version+1); err != nil {
		return nil, err
	}
	after, err := store.OpeningItems(tx)
	if err != nil {
		return nil, err
	}
	return after, audit(ctx, tx, "update", "opening_items", 0, before, after)
}
