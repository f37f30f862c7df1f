package app

import (
	"context"
	"fmt"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// OpeningLineInput is one line of an opening-balance import.
type OpeningLineInput struct {
	ProductID int64           `json:"product_id"`
	Qty       decimal.Decimal `json:"qty"`
	UnitCost  decimal.Decimal `json:"unit_cost"`
	Batch     string          `json:"batch"`
	Expiry    *string         `json:"expiry"`
}

// OpeningInput posts opening balances (期初库存) into one warehouse.
type OpeningInput struct {
	WarehouseID int64  `json:"warehouse_id"`
	Remark      string `json:"remark"`
	// BizDate is the 业务日期 (yyyy-mm-dd, Shanghai); empty: today.
	BizDate string             `json:"biz_date"`
	Lines   []OpeningLineInput `json:"lines"`
}

// TransferLineInput is one line of a transfer.
type TransferLineInput struct {
	ProductID int64           `json:"product_id"`
	Qty       decimal.Decimal `json:"qty"`
	Batch     string          `json:"batch"`
}

// TransferInput creates or edits a draft transfer; absent fields are kept.
type TransferInput struct {
	FromWarehouseID *int64               `json:"from_warehouse_id"`
	ToWarehouseID   *int64               `json:"to_warehouse_id"`
	Remark          *string              `json:"remark"`
	BizDate         *string              `json:"biz_date"` // 业务日期; a new draft without one: today
	Lines           *[]TransferLineInput `json:"lines"`
	Version         int                  `json:"version"`
}

// StocktakeLineInput is one counted product. UnitCost values a gain of a
// product that has no average cost yet in the warehouse.
type StocktakeLineInput struct {
	ProductID  int64            `json:"product_id"`
	CountedQty decimal.Decimal  `json:"counted_qty"`
	Batch      string           `json:"batch"`
	UnitCost   *decimal.Decimal `json:"unit_cost"`
}

// StocktakeInput creates or edits a draft stocktake.
type StocktakeInput struct {
	WarehouseID *int64                `json:"warehouse_id"`
	Remark      *string               `json:"remark"`
	BizDate     *string               `json:"biz_date"` // 业务日期; a new draft without one: today
	Lines       *[]StocktakeLineInput `json:"lines"`
	Version     int                   `json:"version"`
}

// refs are the warehouses and products a document names, checked to exist
// and to be usable.
type refs struct {
	whs   map[int64]domain.Warehouse
	prods map[int64]domain.Product
}

// loadRefs loads the warehouses and products a document uses, and reports
// the first missing or inactive one on its field.
// Reads also adds go in the same round trip.
func loadRefs(q store.Q, whs map[string]int64, lines []int64, also ...func(b *store.Batch)) (*refs, error) {
	r := &refs{whs: map[int64]domain.Warehouse{}, prods: map[int64]domain.Product{}}
	ids := make([]int64, 0, len(whs))
	for _, id := range whs {
		ids = append(ids, id)
	}
	b := store.NewBatch(q)
	store.Warehouses.GetManyIn(b, ids, func(w *domain.Warehouse) int64 { return w.ID }, r.whs)
	store.Products.GetManyIn(b, lines, func(p *domain.Product) int64 { return p.ID }, r.prods)
	for _, add := range also {
		add(b)
	}
	if err := b.Run(); err != nil {
		return nil, err
	}
	for field, id := range whs {
		w, ok := r.whs[id]
		if !ok {
			return nil, domain.Invalid(field, "仓库 %d 不存在", id)
		}
		if w.Status != domain.StatusActive {
			return nil, domain.Invalid(field, "仓库 %s 已停用", w.Name)
		}
	}
	for i, id := range lines {
		p, ok := r.prods[id]
		field := fmt.Sprintf("lines[%d].product_id", i)
		if !ok {
			return nil, domain.Invalid(field, "商品 %d 不存在", id)
		}
		if p.Status != domain.StatusActive {
			return nil, domain.Invalid(field, "商品 %s 已停用", p.SKU)
		}
	}
	return r, nil
}

// PostOpening records opening balances: goods on hand when the company
// starts using erpd, at their known unit cost.
func (a *App) PostOpening(ctx context.Context, in OpeningInput) (*domain.Opening, error) {
	actor, err := require(ctx, domain.PermStockWrite)
	if err != nil {
		return nil, err
	}
	o := &domain.Opening{WarehouseID: in.WarehouseID, DocHeader: domain.DocHeader{Remark: in.Remark, Status: domain.DocPosted, CreatedBy: actor.ID, Version: 1}}
	for _, l := range in.Lines {
		o.Lines = append(o.Lines, domain.OpeningLine{ProductID: l.ProductID, Qty: l.Qty, UnitCost: l.UnitCost, Batch: l.Batch, Expiry: l.Expiry})
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		pids := make([]int64, len(o.Lines))
		for i, l := range o.Lines {
			pids[i] = l.ProductID
		}
		r, err := loadRefs(tx, map[string]int64{"warehouse_id": o.WarehouseID}, pids)
		if err != nil {
			return err
		}
		keys := make([]domain.BalanceKey, len(o.Lines))
		expiry := map[domain.BalanceKey]string{}
		for i, l := range o.Lines {
			if err := domain.CheckBatch(fmt.Sprintf("lines[%d].batch", i), r.prods[l.ProductID], l.Batch); err != nil {
				return err
			}
			keys[i] = domain.BalanceKey{ProductID: l.ProductID, WarehouseID: o.WarehouseID, Batch: l.Batch}
			if l.Expiry != nil {
				expiry[keys[i]] = *l.Expiry
			}
		}
		if o.BizDate, err = bizDate(tx, "biz_date", in.BizDate); err != nil {
			return err
		}
		if o.Number, err = tx.NextNumber(domain.DocOpening); err != nil {
			return err
		}
		o.PostedAt = &tx.Now
		if err := tx.CreateOpening(o); err != nil {
			return err
		}
		p, err := startPosting(tx, domain.DocRef{Type: domain.DocOpening, ID: o.ID, Number: o.Number, Date: o.BizDate}, keys, expiry, r, actor.ID)
		if err != nil {
			return err
		}
		for i, l := range o.Lines {
			p.SetExpiry(keys[i], l.Expiry)
			p.In(keys[i], l.ID, l.Qty, l.Amount)
		}
		if err := finishPosting(tx, p, r.prods, actor.ID, &glEntry{Event: domain.EventOpening}); err != nil {
			return err
		}
		return audit(ctx, tx, "post", domain.DocOpening, o.ID, nil, o)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// GetOpening returns an opening document.
func (a *App) GetOpening(ctx context.Context, id int64) (*domain.Opening, error) {
	if _, err := require(ctx, domain.PermStockRead); err != nil {
		return nil, err
	}
	q := a.store.Read(ctx)
	o, err := a.store.GetOpening(q, id)
	if err != nil {
		return nil, err
	}
	if ok, err := a.canSee(ctx, q, o.CreatedBy); err != nil {
		return nil, err
	} else if !ok {
		return nil, notInScope(domain.DocOpening, id)
	}
	return o, nil
}

func (in TransferInput) apply(t *domain.Transfer) {
	set(&t.FromWarehouseID, in.FromWarehouseID)
	set(&t.ToWarehouseID, in.ToWarehouseID)
	set(&t.Remark, in.Remark)
	set(&t.BizDate, in.BizDate)
	if in.Lines != nil {
		t.Lines = make([]domain.TransferLine, len(*in.Lines))
		for i, l := range *in.Lines {
			t.Lines[i] = domain.TransferLine{ProductID: l.ProductID, Qty: l.Qty, Batch: l.Batch}
		}
	}
}

// checkTransfer validates a transfer against the data it names and returns
// the warehouses and products it loaded.
func checkTransfer(q store.Q, t *domain.Transfer) (*refs, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	pids := make([]int64, len(t.Lines))
	for i, l := range t.Lines {
		pids[i] = l.ProductID
	}
	r, err := loadRefs(q, map[string]int64{"from_warehouse_id": t.FromWarehouseID, "to_warehouse_id": t.ToWarehouseID}, pids)
	if err != nil {
		return nil, err
	}
	for i, l := range t.Lines {
		if err := domain.CheckBatch(fmt.Sprintf("lines[%d].batch", i), r.prods[l.ProductID], l.Batch); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// draftDoc is the one implementation of the use cases every draft → posted
// inventory document (调拨单 transfer, 盘点单 stocktake) shares: create,
// update, post and cancel, with the permission, the row lock, the state and
// optimistic-version checks, the version bump and the audit row in one
// place, as Master[T, I] is for master data. What differs (the lines, the
// checks against master data, what posting books) is passed in.
type draftDoc[D any] struct {
	typ    string // domain.DocTransfer…: number prefix, audit entity, name in messages
	header func(*D) *domain.DocHeader
	insert func(tx *store.Tx, d *D) error
	get    func(q store.Q, id int64, lock bool) (*D, error)
	// save writes d where its version is still oldVersion: the whole draft
	// with its lines when withLines is set, else its state and what posting
	// filled into the lines.
	save func(tx *store.Tx, d *D, oldVersion int, withLines bool) error
}

var (
	transfers = draftDoc[domain.Transfer]{typ: domain.DocTransfer,
		header: func(t *domain.Transfer) *domain.DocHeader { return &t.DocHeader },
		insert: (*store.Tx).CreateTransfer, get: store.GetTransfer, save: (*store.Tx).UpdateTransfer}
	stocktakes = draftDoc[domain.Stocktake]{typ: domain.DocStocktake,
		header: func(s *domain.Stocktake) *domain.DocHeader { return &s.DocHeader },
		insert: (*store.Tx).CreateStocktake, get: store.GetStocktake, save: (*store.Tx).UpdateStocktake}
)

// scoped locks a draft document the actor may act on: one outside their
// data scope (its creator's) does not exist for them.
func (k draftDoc[D]) scoped(ctx context.Context, a *App, tx *store.Tx, id int64) (*D, error) {
	d, err := k.get(tx, id, true)
	if err != nil {
		return nil, err
	}
	if ok, err := a.canSee(ctx, tx, k.header(d).CreatedBy); err != nil {
		return nil, err
	} else if !ok {
		return nil, notInScope(k.typ, id)
	}
	return d, nil
}

// read loads a document for reading, within the actor's data scope.
func (k draftDoc[D]) read(ctx context.Context, a *App, id int64) (*D, error) {
	q := a.store.Read(ctx)
	d, err := k.get(q, id, false)
	if err != nil {
		return nil, err
	}
	if ok, err := a.canSee(ctx, q, k.header(d).CreatedBy); err != nil {
		return nil, err
	} else if !ok {
		return nil, notInScope(k.typ, id)
	}
	return d, nil
}

// create saves d as a new draft with a number, once check (against the
// warehouses and products it names) passes.
func (k draftDoc[D]) create(ctx context.Context, a *App, d *D, check func(store.Q, *D) (*refs, error)) (*D, error) {
	actor, err := require(ctx, domain.PermStockWrite)
	if err != nil {
		return nil, err
	}
	h := k.header(d)
	h.Status, h.CreatedBy, h.Version = domain.DocDraft, actor.ID, 1
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := check(tx, d); err != nil {
			return err
		}
		var err error
		if h.BizDate, err = bizDate(tx, "biz_date", h.BizDate); err != nil {
			return err
		}
		if h.Number, err = tx.NextNumber(k.typ); err != nil {
			return err
		}
		if err := k.insert(tx, d); err != nil {
			return err
		}
		return audit(ctx, tx, "create", k.typ, h.ID, nil, d)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// update edits a draft: apply copies the input onto it (withLines: its
// lines too), check validates the result. version 0 skips the optimistic
// check (domain.CheckVersion).
func (k draftDoc[D]) update(ctx context.Context, a *App, id int64, version int, withLines bool, apply func(*D), check func(store.Q, *D) (*refs, error)) (*D, error) {
	if _, err := require(ctx, domain.PermStockWrite); err != nil {
		return nil, err
	}
	var d *D
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = k.scoped(ctx, a, tx, id); err != nil {
			return err
		}
		h := k.header(d)
		if err := h.CheckEditable(); err != nil {
			return err
		}
		if err := domain.CheckVersion(h.Version, version); err != nil {
			return err
		}
		before := *d
		was := h.BizDate
		apply(d)
		if _, err := check(tx, d); err != nil {
			return err
		}
		if h.BizDate != was {
			if h.BizDate, err = bizDate(tx, "biz_date", h.BizDate); err != nil {
				return err
			}
		}
		old := h.Version
		h.Version++
		if err := k.save(tx, d, old, withLines); err != nil {
			return err
		}
		return audit(ctx, tx, "update", k.typ, h.ID, before, d)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// draftOnly refuses to post or cancel (action) a document that has left draft.
func (k draftDoc[D]) draftOnly(h *domain.DocHeader, action string) error {
	if h.Status != domain.DocDraft {
		return domain.ErrInvalidState.WithMessage("%s %s 状态为 %s，不能%s", domain.DocName(k.typ), h.Number, h.Status, action)
	}
	return nil
}

// post books a draft (book checks it and writes its moves and voucher) and
// marks it posted, immutable from then on.
func (k draftDoc[D]) post(ctx context.Context, a *App, id int64, version int, book func(tx *store.Tx, d *D, by int64) error) (*D, error) {
	actor, err := require(ctx, domain.PermStockWrite)
	if err != nil {
		return nil, err
	}
	var d *D
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = k.scoped(ctx, a, tx, id); err != nil {
			return err
		}
		h := k.header(d)
		if err := k.draftOnly(h, "过账"); err != nil {
			return err
		}
		if err := domain.CheckVersion(h.Version, version); err != nil {
			return err
		}
		// Checked again: a draft dated ahead (after an early close) waits
		// until its month may take it.
		if h.BizDate, err = bizDate(tx, "biz_date", h.BizDate); err != nil {
			return err
		}
		if err := book(tx, d, actor.ID); err != nil {
			return err
		}
		old := h.Version
		h.Status, h.PostedAt, h.Version = domain.DocPosted, &tx.Now, old+1
		if err := k.save(tx, d, old, false); err != nil {
			return err
		}
		return audit(ctx, tx, "post", k.typ, h.ID, nil, d)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// cancel cancels a draft; a posted document is corrected by another one,
// never undone.
func (k draftDoc[D]) cancel(ctx context.Context, a *App, id int64) (*D, error) {
	if _, err := require(ctx, domain.PermStockWrite); err != nil {
		return nil, err
	}
	var d *D
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = k.scoped(ctx, a, tx, id); err != nil {
			return err
		}
		h := k.header(d)
		if err := k.draftOnly(h, "作废"); err != nil {
			return err
		}
		old := h.Version
		h.Status, h.Version = domain.DocCancelled, old+1
		if err := k.save(tx, d, old, false); err != nil {
			return err
		}
		return audit(ctx, tx, "cancel", k.typ, h.ID, nil, nil)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// CreateTransfer saves a draft transfer with a number.
func (a *App) CreateTransfer(ctx context.Context, in TransferInput) (*domain.Transfer, error) {
	t := &domain.Transfer{}
	in.apply(t)
	return transfers.create(ctx, a, t, checkTransfer)
}

// UpdateTransfer edits a draft transfer.
func (a *App) UpdateTransfer(ctx context.Context, id int64, in TransferInput) (*domain.Transfer, error) {
	return transfers.update(ctx, a, id, in.Version, in.Lines != nil, in.apply, checkTransfer)
}

// PostTransfer moves the goods: out of the source at its moving-average
// cost, into the destination at that same cost. All lines or none.
func (a *App) PostTransfer(ctx context.Context, id int64, version int) (*domain.Transfer, error) {
	return transfers.post(ctx, a, id, version, bookTransfer)
}

// bookTransfer posts a transfer's moves and fills each line's cost.
func bookTransfer(tx *store.Tx, t *domain.Transfer, by int64) error {
	r, err := checkTransfer(tx, t)
	if err != nil {
		return err
	}
	keys := make([]domain.BalanceKey, 0, 2*len(t.Lines))
	for _, l := range t.Lines {
		keys = append(keys, domain.BalanceKey{ProductID: l.ProductID, WarehouseID: t.FromWarehouseID, Batch: l.Batch},
			domain.BalanceKey{ProductID: l.ProductID, WarehouseID: t.ToWarehouseID, Batch: l.Batch})
	}
	p, err := startPosting(tx, domain.DocRef{Type: domain.DocTransfer, ID: t.ID, Number: t.Number, Date: t.BizDate}, keys, nil, r, by)
	if err != nil {
		return err
	}
	for i := range t.Lines {
		l := &t.Lines[i]
		from, to := keys[2*i], keys[2*i+1]
		amount, err := p.Out(from, l.ID, l.Qty, fmt.Sprintf("lines[%d].qty", i))
		if err != nil {
			return err
		}
		p.SetExpiry(to, p.Balance(from).Expiry)
		p.In(to, l.ID, l.Qty, amount)
		l.Amount = amount
		l.UnitCost = domain.RoundCost(amount.Div(l.Qty))
	}
	return finishPosting(tx, p, r.prods, by, &glEntry{Event: domain.EventTransfer})
}

// CancelTransfer cancels a draft transfer; posted ones are corrected by a
// transfer back, never undone.
func (a *App) CancelTransfer(ctx context.Context, id int64) (*domain.Transfer, error) {
	return transfers.cancel(ctx, a, id)
}

// GetTransfer returns a transfer with its lines.
func (a *App) GetTransfer(ctx context.Context, id int64) (*domain.Transfer, error) {
	if _, err := require(ctx, domain.PermStockRead); err != nil {
		return nil, err
	}
	return transfers.read(ctx, a, id)
}

// DocFilter narrows document lists.
type DocFilter = store.DocFilter

var docSortable = map[string]string{"id": "id", "number": "number", "created_at": "created_at", "posted_at": "posted_at"}

// ListTransfers pages through transfers.
func (a *App) ListTransfers(ctx context.Context, f DocFilter, lp ListParams) (*List[domain.Transfer], error) {
	if _, err := require(ctx, domain.PermStockRead); err != nil {
		return nil, err
	}
	p, err := lp.page(docSortable)
	if err != nil {
		return nil, err
	}
	q := a.store.Read(ctx)
	if f.Scope, err = a.scope(ctx, q); err != nil {
		return nil, err
	}
	items, total, err := store.ListTransfers(q, f, p)
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

func (in StocktakeInput) apply(s *domain.Stocktake) {
	set(&s.WarehouseID, in.WarehouseID)
	set(&s.Remark, in.Remark)
	set(&s.BizDate, in.BizDate)
	if in.Lines != nil {
		s.Lines = make([]domain.StocktakeLine, len(*in.Lines))
		for i, l := range *in.Lines {
			s.Lines[i] = domain.StocktakeLine{ProductID: l.ProductID, CountedQty: l.CountedQty, Batch: l.Batch}
			if l.UnitCost != nil {
				s.Lines[i].UnitCost = *l.UnitCost
			}
		}
	}
}

func checkStocktake(q store.Q, s *domain.Stocktake) (*refs, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	pids := make([]int64, len(s.Lines))
	for i, l := range s.Lines {
		pids[i] = l.ProductID
		if l.UnitCost.IsNegative() {
			return nil, domain.Invalid(fmt.Sprintf("lines[%d].unit_cost", i), "单位成本不能为负")
		}
	}
	r, err := loadRefs(q, map[string]int64{"warehouse_id": s.WarehouseID}, pids)
	if err != nil {
		return nil, err
	}
	for i, l := range s.Lines {
		if err := domain.CheckBatch(fmt.Sprintf("lines[%d].batch", i), r.prods[l.ProductID], l.Batch); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// CreateStocktake saves a draft stocktake with a number.
func (a *App) CreateStocktake(ctx context.Context, in StocktakeInput) (*domain.Stocktake, error) {
	s := &domain.Stocktake{}
	in.apply(s)
	return stocktakes.create(ctx, a, s, checkStocktake)
}

// UpdateStocktake edits a draft stocktake.
func (a *App) UpdateStocktake(ctx context.Context, id int64, in StocktakeInput) (*domain.Stocktake, error) {
	return stocktakes.update(ctx, a, id, in.Version, in.Lines != nil, in.apply, checkStocktake)
}

// PostStocktake books the difference between counted and on-hand quantities
// at the moment of posting: a gain comes in at the current average cost (or
// the line's unit cost when there is none), a loss goes out at it.
func (a *App) PostStocktake(ctx context.Context, id int64, version int) (*domain.Stocktake, error) {
	return stocktakes.post(ctx, a, id, version, bookStocktake)
}

// bookStocktake posts a stocktake's differences (盘盈 in, 盘亏 out) and
// fills each line's book and difference quantities and their value.
func bookStocktake(tx *store.Tx, s *domain.Stocktake, by int64) error {
	r, err := checkStocktake(tx, s)
	if err != nil {
		return err
	}
	keys := make([]domain.BalanceKey, len(s.Lines))
	for i, l := range s.Lines {
		keys[i] = domain.BalanceKey{ProductID: l.ProductID, WarehouseID: s.WarehouseID, Batch: l.Batch}
	}
	p, err := startPosting(tx, domain.DocRef{Type: domain.DocStocktake, ID: s.ID, Number: s.Number, Date: s.BizDate}, keys, nil, r, by)
	if err != nil {
		return err
	}
	for i := range s.Lines {
		l := &s.Lines[i]
		b := p.Balance(keys[i])
		l.BookQty = b.OnHand
		l.DiffQty = l.CountedQty.Sub(b.OnHand)
		switch {
		case l.DiffQty.IsPositive():
			cost := b.AvgCost
			if !cost.IsPositive() {
				cost = l.UnitCost
			}
			l.Amount = domain.RoundAmount(l.DiffQty.Mul(cost))
			p.In(keys[i], l.ID, l.DiffQty, l.Amount)
		case l.DiffQty.IsNegative():
			l.Amount = p.Loss(keys[i], l.ID, l.DiffQty.Neg()).Neg()
		default:
			l.Amount = domain.Zero
		}
		l.UnitCost = domain.Zero
		if !l.DiffQty.IsZero() {
			l.UnitCost = domain.RoundCost(l.Amount.Div(l.DiffQty))
		}
	}
	return finishPosting(tx, p, r.prods, by, &glEntry{Event: domain.EventStocktake})
}

// CancelStocktake cancels a draft stocktake.
func (a *App) CancelStocktake(ctx context.Context, id int64) (*domain.Stocktake, error) {
	return stocktakes.cancel(ctx, a, id)
}

// GetStocktake returns a stocktake with its lines.
func (a *App) GetStocktake(ctx context.Context, id int64) (*domain.Stocktake, error) {
	if _, err := require(ctx, domain.PermStockRead); err != nil {
		return nil, err
	}
	return stocktakes.read(ctx, a, id)
}

// ListStocktakes pages through stocktakes.
func (a *App) ListStocktakes(ctx context.Context, f DocFilter, lp ListParams) (*List[domain.Stocktake], error) {
	if _, err := require(ctx, domain.PermStockRead); err != nil {
		return nil, err
	}
	p, err := lp.page(docSortable)
	if err != nil {
		return nil, err
	}
	q := a.store.Read(ctx)
	if f.Scope, err = a.scope(ctx, q); err != nil {
		return nil, err
	}
	items, total, err := store.ListStocktakes(q, f, p)
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// StockFilter narrows stock balance queries.
type StockFilter = store.BalanceFilter

// Stock pages through balances, current or as of the end of a day.
func (a *App) Stock(ctx context.Context, f StockFilter, lp ListParams) (*List[store.BalanceView], error) {
	actor, err := require(ctx, domain.PermStockRead)
	if err != nil {
		return nil, err
	}
	p, err := lp.page(sortableFor(actor, map[string]string{"sku": "sku", "on_hand": "on_hand", "value": "value"}))
	if err != nil {
		return nil, err
	}
	items, total, err := a.store.Balances(a.store.Read(ctx), f, p)
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// MoveFilter narrows the stock ledger.
type MoveFilter = store.MoveFilter

// Moves pages through the stock ledger.
func (a *App) Moves(ctx context.Context, f MoveFilter, lp ListParams) (*List[domain.Move], error) {
	if _, err := require(ctx, domain.PermStockRead); err != nil {
		return nil, err
	}
	p, err := lp.page(map[string]string{"id": "id", "posted_at": "posted_at"})
	if err != nil {
		return nil, err
	}
	// The moves are the documents' lines (with their costs): scoped as
	// the documents are. Balances (GET /stock) are not.
	q := a.store.Read(ctx)
	sc, err := a.scope(ctx, q)
	if err != nil {
		return nil, err
	}
	items, total, err := a.store.Moves(q, sc, f, p)
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// EndOfDay is the first instant after the business day date (Shanghai).
func EndOfDay(date time.Time) time.Time { return date.AddDate(0, 0, 1).UTC() }
