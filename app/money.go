package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// AllocationInput settles one open item by part of a money document.
type AllocationInput struct {
	OpenItemID int64           `json:"open_item_id"`
	Amount     decimal.Decimal `json:"amount"`
}

// MoneyInput is a receipt (收款) or payment (付款).
type MoneyInput struct {
	PartnerID int64  `json:"partner_id"`
	AccountID *int64 `json:"account_id"` // cash or bank; the template's (1002 银行存款) when empty
	// AccountCode names the account by code instead (1001, 100201…).
	AccountCode string          `json:"account_code"`
	Amount      decimal.Decimal `json:"amount"`
	Date        string          `json:"date"`
	Remark      string          `json:"remark"`
	// PaymentMethodID names the 结算方式 (a payment_method dictionary
	// entry: 现金, 银行转账, 承兑汇票…); optional.
	PaymentMethodID *int64 `json:"payment_method_id"`
	// Allocations name the open items it settles (核销); without them it
	// settles the partner's oldest due items, and what is left stays as a
	// prepayment.
	Allocations []AllocationInput `json:"allocations"`
}

// allocated is what the request asks to allocate, line by line.
func (in MoneyInput) allocated() []decimal.Decimal {
	out := make([]decimal.Decimal, len(in.Allocations))
	for i, al := range in.Allocations {
		out[i] = al.Amount
	}
	return out
}

// CreateMoneyDoc books a receipt from a customer or a payment to a
// supplier: the money document, its credit in the partner's sub-ledger with
// its allocations, and its voucher (收款 Dr bank / Cr 1122, Cr 2203 for an
// advance; 付款 Dr 2202, Dr 1123 / Cr bank), in one transaction.
func (a *App) CreateMoneyDoc(ctx context.Context, typ string, in MoneyInput) (*domain.MoneyDoc, error) {
	actor, err := require(ctx, domain.PermLedgerWrite)
	if err != nil {
		return nil, err
	}
	kind, err := domain.MoneyKind(typ)
	if err != nil {
		return nil, err
	}
	m := &domain.MoneyDoc{Type: typ, PartnerID: in.PartnerID, Amount: in.Amount, Date: in.Date, Remark: in.Remark, CreatedBy: actor.ID,
		PaymentMethodID: nilIfNonPositive(in.PaymentMethodID)}
	latest, err := a.latestBizDate(ctx, in.Date)
	if err != nil {
		return nil, err
	}
	if err := m.Validate(latest, in.allocated()); err != nil {
		return nil, err
	}
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		partner, err := store.Partners.Get(tx, in.PartnerID)
		if err != nil {
			return missingOn(err, "partner_id", "往来单位 %d 不存在", in.PartnerID)
		}
		if err := partner.CheckUsable(domain.PartnerRoleOf(typ)); err != nil {
			return err
		}
		if err := dictRef(tx, "payment_method_id", domain.DictPaymentMethod, m.PaymentMethodID); err != nil {
			return err
		}
		if m.AccountID, err = moneyAccount(tx, typ, in); err != nil {
			return err
		}
		return bookMoneyDoc(ctx, tx, m, kind, partner, in.Allocations)
	})
	if err != nil {
		return nil, err
	}
	return store.GetMoneyDoc(a.store.Read(ctx), typ, m.ID)
}

// moneyAccount reads the chart and the document's template and picks the
// cash or bank account a money document names (domain.MoneyAccount).
func moneyAccount(tx *store.Tx, typ string, in MoneyInput) (int64, error) {
	codes, err := store.AccountsByCode(tx)
	if err != nil {
		return 0, err
	}
	leaves, err := store.LeafAccounts(tx)
	if err != nil {
		return 0, err
	}
	templates, err := store.Templates(tx)
	if err != nil {
		return 0, err
	}
	return domain.MoneyAccount(templates[typ], codes, leaves, in.AccountID, in.AccountCode)
}

// bookMoneyDoc writes a checked money document: its number, its credit
// open item, the allocations (named, or else the partner's oldest due
// items), its voucher and the vouchers of older advances the automatic
// allocation used up, and the audit row.
func bookMoneyDoc(ctx context.Context, tx *store.Tx, m *domain.MoneyDoc, kind string, partner *domain.Partner, asked []AllocationInput) error {
	var err error
	if m.Number, err = tx.NextNumber(m.Type); err != nil {
		return err
	}
	if err := tx.CreateMoneyDoc(m); err != nil {
		return err
	}
	item := &domain.OpenItem{PartnerID: partner.ID, Kind: kind, DocType: m.Type, DocID: m.ID, DocNumber: m.Number, Date: m.Date,
		DueDate: m.Date, Amount: m.Amount.Neg()}
	if err := tx.AddOpenItem(item); err != nil {
		return err
	}
	m.ItemID = item.ID
	if err := tx.SetMoneyDocItem(m.ID, item.ID); err != nil {
		return err
	}
	var allocs []domain.Allocation
	if len(asked) > 0 {
		allocs, err = allocateAsked(tx, item, partner, asked)
	} else {
		allocs, err = tx.AutoAllocate(partner.ID, kind)
	}
	if err != nil {
		return err
	}
	// The voucher, dated the document's day, through the 收款/付款
	// template: what settled open items at once against 1122/2202, the
	// rest an advance in 2203/1123. Older advances the automatic
	// allocation used up move out of 2203/1123 too.
	settled := domain.SettledBy(allocs, item.ID)
	ref := domain.DocRef{Type: m.Type, ID: m.ID, Number: m.Number, Date: m.Date}
	if err := bookTemplate(tx, m.Type, m.Date, ref, partner, domain.DocAmounts{Settled: settled, Advance: m.Amount.Sub(settled)}, m.AccountID, m.CreatedBy); err != nil {
		return err
	}
	if err := bookAdvancesUsed(tx, kind, partner, ref, allocs, item.ID, m.CreatedBy); err != nil {
		return err
	}
	return audit(ctx, tx, "create", m.Type, m.ID, nil, map[string]any{"number": m.Number, "amount": m.Amount, "partner_id": partner.ID})
}

// allocateAsked settles the open items a money document names by its
// credit item, in the order asked, each checked by OpenItem.CheckSettle
// against what the earlier ones left open.
func allocateAsked(tx *store.Tx, credit *domain.OpenItem, partner *domain.Partner, asked []AllocationInput) ([]domain.Allocation, error) {
	ids := make([]int64, len(asked))
	for i, al := range asked {
		ids[i] = al.OpenItemID
	}
	items, err := store.OpenItemsLocked(tx, ids)
	if err != nil {
		return nil, err
	}
	allocs := make([]domain.Allocation, 0, len(asked))
	for i, al := range asked {
		it, ok := items[al.OpenItemID]
		if !ok {
			it = domain.OpenItem{ID: al.OpenItemID} // nobody's: refused like someone else's
		}
		if err := it.CheckSettle(fmt.Sprintf("allocations[%d]", i), *partner, credit.Kind, al.Amount); err != nil {
			return nil, err
		}
		if err := tx.Allocate(&it, credit, al.Amount); err != nil {
			return nil, err
		}
		items[it.ID] = it
		allocs = append(allocs, domain.Allocation{DebitItemID: it.ID, CreditItemID: credit.ID, Amount: al.Amount, CreditDocType: credit.DocType})
	}
	return allocs, nil
}

// ListOpenItems lists receivable and payable items (kind ar or ap narrows
// it), by partner and due date. status open (the default) lists the
// unsettled ones, due only what is owed (no credits: what a receipt or
// payment can settle), all a partner's whole history (across partners,
// still only the unsettled ones).
func (a *App) ListOpenItems(ctx context.Context, partnerID int64, kind, status string, lp ListParams) (*List[domain.OpenItem], error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	f := store.OpenItemFilter{PartnerID: partnerID}
	switch status {
	case "open", "":
		f.OnlyOpen = true
	case "due":
		f.OnlyDue = true
	case "all":
		f.OnlyOpen = partnerID == 0 // a whole history only partner by partner
	default:
		return nil, domain.Invalid("status", "status 只能是 open、due 或 all")
	}
	kinds := []string{domain.ItemAR, domain.ItemAP}
	switch kind {
	case "":
	case domain.ItemAR, domain.ItemAP:
		kinds = []string{kind}
	default:
		return nil, domain.Invalid("kind", "kind 只能是 %s 或 %s", domain.ItemAR, domain.ItemAP)
	}
	p, err := lp.page(nil)
	if err != nil {
		return nil, err
	}
	items, total, err := store.PageOpenItems(a.store.Read(ctx), kinds, f, p)
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// GetMoneyDoc returns a receipt or payment with its allocations.
func (a *App) GetMoneyDoc(ctx context.Context, typ string, id int64) (*domain.MoneyDoc, error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	if _, err := domain.MoneyKind(typ); err != nil {
		return nil, err
	}
	return store.GetMoneyDoc(a.store.Read(ctx), typ, id)
}

// ListMoneyDocs lists receipts or payments, newest first.
func (a *App) ListMoneyDocs(ctx context.Context, typ string, partnerID int64, lp ListParams) (*List[domain.MoneyDoc], error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	p, err := lp.page(nil)
	if err != nil {
		return nil, err
	}
	items, total, err := store.ListMoneyDocs(a.store.Read(ctx), typ, partnerID, p)
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// AgingRow is one partner's open receivables or payables by age.
type AgingRow struct {
	PartnerID   int64             `json:"partner_id"`
	Code        string            `json:"partner_code"`
	Name        string            `json:"partner_name"`
	Buckets     []decimal.Decimal `json:"-"`
	NotDue      decimal.Decimal   `json:"not_due"`
	D1to30      decimal.Decimal   `json:"d1_30"`
	D31to60     decimal.Decimal   `json:"d31_60"`
	D61to90     decimal.Decimal   `json:"d61_90"`
	D90Plus     decimal.Decimal   `json:"d90_plus"`
	Unallocated decimal.Decimal   `json:"unallocated"`
	// Uninvoiced is what was shipped or received but not yet invoiced,
	// with VAT: owed, but not yet billed (finance.bill_at = invoice).
	Uninvoiced decimal.Decimal `json:"uninvoiced"`
	Total      decimal.Decimal `json:"total"`
}

// aging computes the aging of a kind as of a date: each open item in the
// column its due date puts it in; unallocated credits apart.
func aging(q store.Q, kind, asOf string) ([]AgingRow, error) {
	// As the day ended: items dated after it are not in it, and allocations
	// made after it are undone (an item settled since was still open then).
	today := domain.LocalDate(store.Now(q))
	items, err := store.ListOpenItems(q, store.OpenItemFilter{Kind: kind, OnlyOpen: asOf >= today, To: asOf})
	if err != nil {
		return nil, err
	}
	if asOf < today {
		day, err := domain.ParseLocalDate("as_of", asOf)
		if err != nil {
			return nil, err
		}
		later, err := store.AllocationsAfter(q, kind, day.AddDate(0, 0, 1).UTC())
		if err != nil {
			return nil, err
		}
		items = domain.OpenBefore(items, later)
	}
	var waiting map[int64]decimal.Decimal
	if asOf >= today {
		_, waiting, err = store.Uninvoiced(q, kind, 0, time.Time{}, "")
	} else {
		var day time.Time
		if day, err = domain.ParseLocalDate("as_of", asOf); err == nil {
			_, waiting, err = store.Uninvoiced(q, kind, 0, day.AddDate(0, 0, 1).UTC(), asOf)
		}
	}
	if err != nil {
		return nil, err
	}
	var ids []int64
	by := map[int64]*AgingRow{}
	var order []int64
	row := func(pid int64) *AgingRow {
		r, ok := by[pid]
		if !ok {
			r = &AgingRow{PartnerID: pid, Buckets: make([]decimal.Decimal, len(domain.AgingBuckets))}
			by[pid] = r
			order = append(order, pid)
			ids = append(ids, pid)
		}
		return r
	}
	for _, it := range items {
		r := row(it.PartnerID)
		if it.Open.IsNegative() {
			r.Unallocated = r.Unallocated.Add(it.Open)
		} else {
			b := domain.AgingBucket(it.DueDate, asOf)
			r.Buckets[b] = r.Buckets[b].Add(it.Open)
		}
		r.Total = r.Total.Add(it.Open)
	}
	pids := make([]int64, 0, len(waiting))
	for pid := range waiting {
		pids = append(pids, pid)
	}
	slices.Sort(pids)
	for _, pid := range pids {
		if w := waiting[pid]; !w.IsZero() {
			r := row(pid)
			r.Uninvoiced = r.Uninvoiced.Add(w)
			r.Total = r.Total.Add(w)
		}
	}
	partners, err := store.Partners.GetMany(q, ids, func(p *domain.Partner) int64 { return p.ID })
	if err != nil {
		return nil, err
	}
	out := make([]AgingRow, 0, len(order))
	for _, id := range order {
		r := by[id]
		r.Code, r.Name = partners[id].Code, partners[id].Name
		r.NotDue, r.D1to30, r.D31to60, r.D61to90, r.D90Plus = r.Buckets[0], r.Buckets[1], r.Buckets[2], r.Buckets[3], r.Buckets[4]
		out = append(out, *r)
	}
	return out, nil
}
