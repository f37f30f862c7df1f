package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// booksOff lets a benchmark measure postings without their books (see
// export_test.go); it is never set outside tests.
var booksOff atomic.Bool

// glEntry is what a posting tells the books: the template event, the
// document's money (negative for returns: red-letter) and its partner.
type glEntry struct {
	Event     string
	Amount    decimal.Decimal
	Tax       decimal.Decimal
	PartnerID *int64
	// Uninvoiced: the document waits for its invoice, which brings the VAT
	// and the open item (finance.bill_at = invoice).
	Uninvoiced bool
}

// stockDocEntry is the books' view of a receipt, shipment or return
// (domain.BookingOf).
func stockDocEntry(d *domain.StockDoc) *glEntry {
	b := domain.BookingOf(d)
	return &glEntry{Event: b.Event, Amount: b.Amount, Tax: b.Tax, PartnerID: &d.PartnerID, Uninvoiced: b.Uninvoiced}
}

// billStatus is the invoicing a new stock document starts with
// (domain.BillStatus under finance.bill_at).
func (a *App) billStatus(src *domain.StockDoc) string { return domain.BillStatus(src, a.billAt) }

// bookPosting writes the voucher of a posting through its template, in the
// posting's transaction (drawn last, see store.InsertVoucher): the stock
// value the moves carry goes to 1405, so the books' stock always equals the
// ledger's. A stocktake also settles its gains and losses through 1901 at
// once (盘盈 to 5301, 盘亏 to 5711).
func bookPosting(tx *store.Tx, p *domain.Posting, gl *glEntry, by int64) error {
	if gl == nil || booksOff.Load() {
		return nil
	}
	day := p.BizDate() // the document's 业务日期 decides its period
	period := domain.PeriodOf(day)
	net, gains, losses := p.ValueChange()
	if gl.Event == domain.EventTransfer {
		if !net.IsZero() {
			return fmt.Errorf("app: transfer %s changed the stock value by %s", p.Doc().Number, net)
		}
		// Books nothing, but moves stock: a closed month refuses it too.
		tx.BeforeCommit(func(tx *store.Tx) error { return tx.CheckPeriodOpen(period) })
		return nil
	}
	tx.BeforeCommit(func(tx *store.Tx) error { return tx.CheckPeriodOpen(period) })
	amounts := domain.DocAmounts{Amount: gl.Amount, Tax: gl.Tax, Stock: net, Gain: gains, Loss: losses}
	events := []string{gl.Event}
	if gl.Event == domain.EventStocktake {
		events = append(events, domain.EventStocktakeSettle)
	}
	templates, codes, err := templatesAndAccounts(tx, events...)
	if err != nil {
		return err
	}
	doc := p.Doc()
	for _, ev := range events {
		t, ok := templates[ev]
		if !ok {
			return fmt.Errorf("app: no voucher template for %s", ev)
		}
		v := &domain.Voucher{Date: day, Source: doc.Type, SourceID: doc.ID, SourceNo: doc.Number,
			Remark: domain.DocName(doc.Type) + " " + doc.Number, CreatedBy: by, Attachments: 1}
		booked, err := t.Book(v, amounts, func(code string) int64 { return codes[code] }, gl.PartnerID, 0)
		if err != nil {
			return fmt.Errorf("app: voucher of %s from template %s: %w", doc.Number, ev, err)
		}
		if !booked {
			continue // a document worth nothing books nothing
		}
		tx.BeforeCommit(func(tx *store.Tx) error { return tx.InsertVoucherAtCommit(v) })
	}
	// After the document's own voucher: an advance it uses up books next.
	doc.Date = day
	return raiseOpenItem(tx, doc, gl, by)
}

// templatesAndAccounts reads the events' templates and the ids of the
// accounts they name: two small reads per posting instead of the whole
// chart and every template.
func templatesAndAccounts(tx *store.Tx, events ...string) (map[string]domain.VoucherTemplate, map[string]int64, error) {
	type books struct {
		templates map[string]domain.VoucherTemplate
		ids       map[string]int64
	}
	v, err := tx.Memo("books:"+strings.Join(events, ","), func() (any, error) {
		templates, err := store.TemplatesFor(tx, events...)
		if err != nil {
			return nil, err
		}
		var codes []string
		for _, t := range templates {
			for _, l := range t.Lines {
				codes = append(codes, l.Account)
			}
		}
		ids := map[string]int64{}
		if len(codes) > 0 {
			if ids, err = store.AccountIDs(tx, codes); err != nil {
				return nil, err
			}
		}
		return books{templates, ids}, nil
	})
	if err != nil {
		return nil, nil, err
	}
	b := v.(books)
	return b.templates, b.ids, nil
}

// partnerIn reads a partner once per transaction.
func partnerIn(tx *store.Tx, id int64) (*domain.Partner, error) {
	v, err := tx.Memo(partnerKey(id), func() (any, error) { return store.Partners.Get(tx, id) })
	if err != nil {
		return nil, err
	}
	return v.(*domain.Partner), nil
}

func partnerKey(id int64) string { return fmt.Sprint("partner:", id) }

// knownPartner gives partnerIn a partner this transaction has read already.
func knownPartner(tx *store.Tx, p *domain.Partner) {
	_, _ = tx.Memo(partnerKey(p.ID), func() (any, error) { return p, nil })
}

// prefetchBooks reads what a stock document's voucher and open item will
// need before the posting takes its stock and number locks, which every
// posting of the same SKU or day waits for: three reads fewer inside them.
func prefetchBooks(tx *store.Tx, doc string, gl *glEntry) error {
	if gl == nil || booksOff.Load() {
		return nil
	}
	if _, _, err := templatesAndAccounts(tx, gl.Event); err != nil {
		return err
	}
	if !raisesOpenItem(doc, gl) || *gl.PartnerID == 0 {
		return nil
	}
	// raiseOpenItem reports a partner that is gone, if it gets that far.
	if _, err := partnerIn(tx, *gl.PartnerID); err != nil && !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	return nil
}

// raisesOpenItem reports whether a posting of this document type enters
// its partner's receivables or payables now (not at a later invoice).
func raisesOpenItem(docType string, gl *glEntry) bool {
	kind, _ := domain.OpenItemOf(docType, decimal.Zero)
	return kind != "" && gl.PartnerID != nil && !gl.Uninvoiced
}

// raiseOpenItem enters a receipt, shipment or return in its partner's
// receivables or payables (with tax, due by the partner's terms) and
// settles it against the partner's open credits or debits, oldest first.
func raiseOpenItem(tx *store.Tx, doc domain.DocRef, gl *glEntry, by int64) error {
	total := gl.Amount.Add(gl.Tax).Abs()
	if !raisesOpenItem(doc.Type, gl) || total.IsZero() {
		return nil // a document worth nothing owes nothing
	}
	partner, err := partnerIn(tx, *gl.PartnerID)
	if err != nil {
		return err
	}
	it, _ := domain.RaiseOpenItem(doc, partner.ID, partner.PaymentTermsDays, docDate(tx, doc), total)
	// Its id comes with AutoAllocate's first read.
	if err := tx.AddOpenItemLater(&it); err != nil {
		return err
	}
	allocs, err := tx.AutoAllocate(partner.ID, it.Kind)
	if err != nil {
		return err
	}
	return bookAdvancesUsed(tx, it.Kind, partner, doc, allocs, 0, by)
}

// bookAdvancesUsed books what advances (预收/预付, credits of money
// documents other than skip) settled among allocs: the money sat in 2203 or
// 1123 and now settles 1122 or 2202 (预收冲应收, 预付冲应付), dated on the
// settling document's business date (today when it has none).
// A return's credit settles within 1122 or 2202 and books nothing.
func bookAdvancesUsed(tx *store.Tx, kind string, partner *domain.Partner, doc domain.DocRef, allocs []domain.Allocation, skip, by int64) error {
	used := decimal.Zero
	for _, al := range allocs {
		if al.CreditItemID != skip && (al.CreditDocType == domain.DocMoneyReceipt || al.CreditDocType == domain.DocMoneyPayment) {
			used = used.Add(al.Amount)
		}
	}
	if used.IsZero() || booksOff.Load() {
		return nil
	}
	event := domain.EventAdvanceApplied
	if kind == domain.ItemAP {
		event = domain.EventPrepaymentApplied
	}
	return bookTemplate(tx, event, docDate(tx, doc), doc, partner, domain.DocAmounts{Settled: used}, 0, by)
}

// docDate is the business date a document books on: its own (业务日期),
// or today when it has none.
func docDate(tx *store.Tx, doc domain.DocRef) string {
	if doc.Date != "" {
		return doc.Date
	}
	return domain.LocalDate(tx.Now)
}

// bookTemplate writes a money event's voucher through its template, at the
// end of the transaction.
func bookTemplate(tx *store.Tx, event, date string, doc domain.DocRef, partner *domain.Partner, amounts domain.DocAmounts, cash, by int64) error {
	templates, codes, err := templatesAndAccounts(tx, event)
	if err != nil {
		return err
	}
	t, ok := templates[event]
	if !ok {
		return fmt.Errorf("app: no voucher template for %s", event)
	}
	v := &domain.Voucher{Date: date, Source: doc.Type, SourceID: doc.ID, SourceNo: doc.Number,
		Remark: domain.ClipRunes(t.Name+" "+doc.Number+" "+partner.Name, 255), CreatedBy: by, Attachments: 1}
	booked, err := t.Book(v, amounts, func(code string) int64 { return codes[code] }, &partner.ID, cash)
	if err != nil {
		return fmt.Errorf("app: voucher of %s from template %s: %w", doc.Number, event, err)
	}
	if !booked {
		return nil // nothing to book
	}
	tx.BeforeCommit(func(tx *store.Tx) error { return tx.InsertVoucherAtCommit(v) })
	return nil
}

// AccountInput adds a sub-account or renames / disables one.
type AccountInput struct {
	ParentID *int64  `json:"parent_id"`
	Code     *string `json:"code"`
	Name     *string `json:"name"`
	Status   *string `json:"status"`
	Version  int     `json:"version"`
}

// ListAccounts returns the chart, by code.
func (a *App) ListAccounts(ctx context.Context, lp ListParams) (*List[domain.Account], error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	p, err := lp.page(map[string]string{"code": "code"})
	if err != nil {
		return nil, err
	}
	p.Page, p.PageSize = 1, 2000 // the whole chart, one page: a few hundred accounts at most
	items, total, err := store.Accounts.List(a.store.Read(ctx), p, "code", store.Match{Text: lp.Q})
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// CreateAccount adds a sub-account (明细科目) under an account that has no
// postings of its own yet (its postings would otherwise sit on a
// non-leaf account).
func (a *App) CreateAccount(ctx context.Context, in AccountInput) (*domain.Account, error) {
	if _, err := require(ctx, domain.PermLedgerAdmin); err != nil {
		return nil, err
	}
	acc := &domain.Account{Status: domain.StatusActive, Version: 1}
	if in.Code != nil {
		acc.Code = *in.Code
	}
	if in.Name != nil {
		acc.Name = *in.Name
	}
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var parent *domain.Account
		if in.ParentID != nil {
			p, err := store.Accounts.Get(tx, *in.ParentID)
			if err != nil {
				return missingOn(err, "parent_id", "上级科目 %d 不存在", *in.ParentID)
			}
			parent = p
		}
		if err := acc.ValidateSub(parent); err != nil {
			return err
		}
		var facts domain.AccountFacts
		var err error
		if facts.UsedBy, err = accountNamed(tx, parent.Code); err != nil {
			return err
		}
		if facts.Postings, err = store.AccountHasPostings(tx, parent.ID); err != nil {
			return err
		}
		if err := facts.CheckAddSub(parent); err != nil {
			return err
		}
		if err := store.Accounts.Create(tx, acc, "code", acc.Code); err != nil {
			return err
		}
		return audit(ctx, tx, "create", "account", acc.ID, nil, acc)
	})
	if err != nil {
		return nil, err
	}
	return acc, nil
}

// UpdateAccount renames an account or enables/disables it; codes, sides
// and categories never change once accounts exist.
func (a *App) UpdateAccount(ctx context.Context, id int64, in AccountInput) (*domain.Account, error) {
	if _, err := require(ctx, domain.PermLedgerAdmin); err != nil {
		return nil, err
	}
	if in.Code != nil || in.ParentID != nil {
		return nil, domain.Invalid("code", "科目编码和上级科目不能修改")
	}
	var acc *domain.Account
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if acc, err = store.Accounts.Get(tx, id); err != nil {
			return err
		}
		before := *acc
		if in.Name != nil {
			if acc.Name, err = domain.AccountName(*in.Name); err != nil {
				return err
			}
		}
		if in.Status != nil {
			usedBy := ""
			if *in.Status == domain.StatusInactive { // only disabling needs to know
				if usedBy, err = accountNamed(tx, acc.Code); err != nil {
					return err
				}
			}
			if err := acc.SetStatus(*in.Status, usedBy); err != nil {
				return err
			}
		}
		if err := domain.CheckVersion(acc.Version, in.Version); err != nil { // 0: not sent, not checked
			return domain.AsError(err).WithMessage("科目已被他人修改，请刷新后重试")
		}
		old := acc.Version
		acc.Version++
		if err := store.Accounts.Update(tx, id, old, acc, "code", acc.Code); err != nil {
			return err
		}
		return audit(ctx, tx, "update", "account", id, before, acc)
	})
	if err != nil {
		return nil, err
	}
	return acc, nil
}

// DeleteAccount removes a sub-account nobody posted to; the standard chart
// stays.
func (a *App) DeleteAccount(ctx context.Context, id int64) error {
	if _, err := require(ctx, domain.PermLedgerAdmin); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		acc, err := store.Accounts.Get(tx, id)
		if err != nil {
			return err
		}
		var facts domain.AccountFacts
		if !acc.System { // the standard chart is refused without reading
			if facts.UsedBy, err = accountNamed(tx, acc.Code); err != nil {
				return err
			}
			if facts.Postings, err = store.AccountHasPostings(tx, id); err != nil {
				return err
			}
			if facts.Children, err = store.Accounts.Exists(tx, "parent_id = ?", id); err != nil {
				return err
			}
		}
		if err := facts.CheckDelete(acc); err != nil {
			return err
		}
		if err := store.Accounts.Delete(tx, id, false); err != nil {
			return err
		}
		return audit(ctx, tx, "delete", "account", id, acc, nil)
	})
}

// VoucherLineInput is one line of a manual voucher.
type VoucherLineInput struct {
	AccountID int64           `json:"account_id"`
	Summary   string          `json:"summary"`
	Debit     decimal.Decimal `json:"debit"`
	Credit    decimal.Decimal `json:"credit"`
	PartnerID *int64          `json:"partner_id"`
	ProductID *int64          `json:"product_id"`
	// CashFlowItem is the 现金流量项目 of a cash or bank line (a line number
	// of 现金流量表, see GET /cash-flow-items); required there unless the
	// line is part of a transfer between cash accounts, refused elsewhere.
	CashFlowItem int `json:"cash_flow_item"`
}

// VoucherInput is a manual voucher (手工凭证).
type VoucherInput struct {
	Date        string             `json:"date"`
	Remark      string             `json:"remark"`
	Attachments int                `json:"attachments"`
	Lines       []VoucherLineInput `json:"lines"`
}

// CreateVoucher books a manual voucher: leaf, active accounts; partners and
// products that exist; debits equal to credits; an open period.
func (a *App) CreateVoucher(ctx context.Context, in VoucherInput) (*domain.Voucher, error) {
	actor, err := require(ctx, domain.PermLedgerWrite)
	if err != nil {
		return nil, err
	}
	if in.Date == "" {
		in.Date = domain.LocalDate(a.now())
	}
	v := &domain.Voucher{Date: in.Date, Source: domain.VoucherManual, Remark: strings.TrimSpace(in.Remark),
		Attachments: in.Attachments, CreatedBy: actor.ID}
	for _, l := range in.Lines {
		v.Lines = append(v.Lines, domain.VoucherLine{AccountID: l.AccountID, Summary: strings.TrimSpace(l.Summary),
			Debit: l.Debit, Credit: l.Credit, PartnerID: l.PartnerID, ProductID: l.ProductID, CashFlowItem: l.CashFlowItem})
	}
	if err := v.CheckManual(); err != nil {
		return nil, err
	}
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := checkVoucherRefs(tx, v); err != nil {
			return err
		}
		if err := tx.InsertVoucher(v); err != nil {
			return err
		}
		return audit(ctx, tx, "create", "voucher", v.ID, nil, map[string]any{"number": v.Number, "period": v.Period})
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

func checkVoucherRefs(q store.Q, v *domain.Voucher) error {
	leaves, err := store.LeafAccounts(q)
	if err != nil {
		return err
	}
	var partners, products []int64
	for i, l := range v.Lines {
		acc, ok := leaves[l.AccountID]
		if err := domain.CheckManualLine(i, acc, ok, l.AccountID); err != nil {
			return err
		}
		if l.PartnerID != nil {
			partners = append(partners, *l.PartnerID)
		}
		if l.ProductID != nil {
			products = append(products, *l.ProductID)
		}
	}
	if err := v.CheckCashFlow(func(id int64) string { return leaves[id].Code }); err != nil {
		return err
	}
	ps, err := store.Partners.GetMany(q, partners, func(p *domain.Partner) int64 { return p.ID })
	if err != nil {
		return err
	}
	prs, err := store.Products.GetMany(q, products, func(p *domain.Product) int64 { return p.ID })
	if err != nil {
		return err
	}
	for i, l := range v.Lines {
		if l.PartnerID != nil {
			if _, ok := ps[*l.PartnerID]; !ok {
				return domain.Invalid(fmt.Sprintf("lines[%d].partner_id", i), "往来单位 %d 不存在", *l.PartnerID)
			}
		}
		if l.ProductID != nil {
			if _, ok := prs[*l.ProductID]; !ok {
				return domain.Invalid(fmt.Sprintf("lines[%d].product_id", i), "商品 %d 不存在", *l.ProductID)
			}
		}
	}
	return nil
}

// ReverseVoucher corrects a posted voucher by a red-letter reversal (红字冲
// 销) dated date (today when empty): same accounts and sides, negative
// amounts. A voucher is reversed once; a reversal is not reversed again.
func (a *App) ReverseVoucher(ctx context.Context, id int64, date string) (*domain.Voucher, error) {
	actor, err := require(ctx, domain.PermLedgerWrite)
	if err != nil {
		return nil, err
	}
	if date == "" {
		date = domain.LocalDate(a.now())
	}
	var r *domain.Voucher
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		v, err := store.GetVoucher(tx, id)
		if err != nil {
			return err
		}
		if err := v.CheckReversible(date); err != nil {
			return err
		}
		r = v.Reversal(date)
		r.CreatedBy = actor.ID
		if err := r.Check(domain.AmountScale); err != nil {
			return err
		}
		if err := tx.InsertVoucher(r); err != nil {
			return err
		}
		if err := tx.MarkReversed(v.ID, r.ID); err != nil {
			return err
		}
		return audit(ctx, tx, "reverse", "voucher", v.ID, nil, map[string]any{"reversal": r.Number, "period": r.Period})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// GetVoucher returns a voucher with its lines.
func (a *App) GetVoucher(ctx context.Context, id int64) (*domain.Voucher, error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	v, err := store.GetVoucher(a.store.Read(ctx), id)
	if err != nil {
		return nil, err
	}
	v.AmountInWords = domain.AmountInWords(v.Debit)
	return v, a.nameVouchers(ctx, v)
}

// ListVouchers lists vouchers in number order.
func (a *App) ListVouchers(ctx context.Context, f store.VoucherFilter, lp ListParams) (*List[domain.Voucher], error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	if f.Period != "" && !domain.ValidPeriod(f.Period) {
		return nil, domain.Invalid("period", "期间格式应为 YYYY-MM")
	}
	switch f.Review {
	case "", store.ReviewFilterReviewed, store.ReviewFilterUnreviewed:
	default:
		return nil, domain.Invalid("review", "review 只能是 reviewed 或 unreviewed")
	}
	p, err := lp.page(nil)
	if err != nil {
		return nil, err
	}
	items, total, err := store.ListVouchers(a.store.Read(ctx), f, p)
	if err != nil {
		return nil, err
	}
	ptrs := make([]*domain.Voucher, len(items))
	for i := range items {
		ptrs[i] = &items[i]
	}
	if err := a.nameVouchers(ctx, ptrs...); err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// ListTemplates returns the voucher templates.
func (a *App) ListTemplates(ctx context.Context) ([]domain.VoucherTemplate, error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	ts, err := store.Templates(a.store.Read(ctx))
	if err != nil {
		return nil, err
	}
	out := make([]domain.VoucherTemplate, 0, len(ts))
	for _, t := range domain.StandardTemplates() {
		if cur, ok := ts[t.Event]; ok {
			out = append(out, cur)
		}
	}
	return out, nil
}

// CashFlowItems lists the 现金流量项目 a cash or bank line may carry: the
// lines of 现金流量表 (会小企03表) that are not totals.
func (a *App) CashFlowItems(ctx context.Context) ([]domain.CashFlowItem, error) {
	if _, err := require(ctx, domain.PermLedgerRead); err != nil {
		return nil, err
	}
	return domain.CashFlowItems(), nil
}

// TemplateInput changes a template's lines.
type TemplateInput struct {
	Lines   []domain.TemplateLine `json:"lines"`
	Version int                   `json:"version"`
}

// UpdateTemplate changes how an event is booked from now on; the new lines
// must balance for any amounts and name leaf accounts.
func (a *App) UpdateTemplate(ctx context.Context, event string, in TemplateInput) (*domain.VoucherTemplate, error) {
	if _, err := require(ctx, domain.PermLedgerAdmin); err != nil {
		return nil, err
	}
	var t domain.VoucherTemplate
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		ts, err := store.Templates(tx)
		if err != nil {
			return err
		}
		cur, ok := ts[event]
		if !ok {
			return domain.NotFound("凭证模板", event)
		}
		leaves, err := store.LeafAccounts(tx)
		if err != nil {
			return err
		}
		byCode := map[string]bool{}
		for _, l := range leaves {
			byCode[l.Code] = true
		}
		before := cur
		t = cur
		t.Lines = in.Lines
		if err := t.Validate(func(code string) bool { return byCode[code] }); err != nil {
			return err
		}
		if err := domain.CheckVersion(cur.Version, in.Version); err != nil { // 0: not sent, not checked
			return domain.AsError(err).WithMessage("模板已被他人修改，请刷新后重试")
		}
		t.Version++
		if err := tx.SaveTemplate(&t, cur.Version); err != nil {
			return err
		}
		return audit(ctx, tx, "update", "voucher_template", t.ID, before, t)
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// accountNamed says what posts to an account by its code (erpd's own
// rules or a template, see domain.AccountUser), or "" when nothing does.
func accountNamed(q store.Q, code string) (string, error) {
	if by := domain.AccountUser(code, nil); by != "" {
		return by, nil // no template needs reading
	}
	ts, err := store.Templates(q)
	if err != nil {
		return "", err
	}
	// In the standard order, so the answer names the same template each time.
	list := make([]domain.VoucherTemplate, 0, len(ts))
	for _, st := range domain.StandardTemplates() {
		if t, ok := ts[st.Event]; ok {
			list = append(list, t)
		}
	}
	return domain.AccountUser(code, list), nil
}
