package app

import (
	"context"
	"fmt"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// OrderLineInput is one line of a purchase or sales order. TaxRate defaults
// to the product's; UnitPrice excludes VAT.
type OrderLineInput struct {
	ProductID    int64            `json:"product_id"`
	Qty          decimal.Decimal  `json:"qty"`
	UnitPrice    decimal.Decimal  `json:"unit_price"`
	TaxRate      *decimal.Decimal `json:"tax_rate"`
	DiscountRate *decimal.Decimal `json:"discount_rate"`
	Remark       string           `json:"remark"`
}

// OrderInput creates or edits a draft order; absent fields are kept.
type OrderInput struct {
	PartnerID    *int64            `json:"partner_id"`
	WarehouseID  *int64            `json:"warehouse_id"`
	OrderDate    *string           `json:"order_date"`
	ExpectedDate *string           `json:"expected_date"`
	Remark       *string           `json:"remark"`
	Lines        *[]OrderLineInput `json:"lines"`
	Version      int               `json:"version"`
}

// Credit policies for sales orders over a customer's credit limit.
const (
	CreditRefuse   = "refuse"   // credit_limit_exceeded, 422
	CreditApproval = "approval" // route to a manager's approval
)

func orderPerms(typ string) (read, write domain.Permission, err error) {
	switch typ {
	case domain.DocPurchaseOrder:
		return domain.PermPurchaseRead, domain.PermPurchaseWrite, nil
	case domain.DocSalesOrder:
		return domain.PermSalesRead, domain.PermSalesWrite, nil
	}
	return "", "", domain.Invalid("type", "未知订单类型 %s", typ)
}

func (in OrderInput) apply(o *domain.Order) {
	set(&o.PartnerID, in.PartnerID)
	set(&o.WarehouseID, in.WarehouseID)
	set(&o.OrderDate, in.OrderDate)
	set(&o.Remark, in.Remark)
	if in.ExpectedDate != nil {
		o.ExpectedDate = in.ExpectedDate
		if *in.ExpectedDate == "" {
			o.ExpectedDate = nil
		}
	}
	if in.Lines != nil {
		o.Lines = make([]domain.OrderLine, len(*in.Lines))
		for i, l := range *in.Lines {
			ol := domain.OrderLine{ProductID: l.ProductID, Qty: l.Qty, UnitPrice: l.UnitPrice, Remark: l.Remark}
			if l.TaxRate != nil {
				ol.TaxRate = *l.TaxRate
			} else {
				ol.UseProductTaxRate() // checkOrder takes the product's rate
			}
			if l.DiscountRate != nil {
				ol.DiscountRate = *l.DiscountRate
			}
			o.Lines[i] = ol
		}
	}
}

// orderRefs are what an order names, loaded and checked.
type orderRefs struct {
	*refs
	partner *domain.Partner
}

// checkOrder validates an order against the data it names: the partner is
// an active supplier (purchase) or customer (sales), the warehouse and the
// products are active. Lines without a tax rate take the product's. Reads
// also adds go in the same round trip.
func checkOrder(q store.Q, o *domain.Order, also ...func(b *store.Batch)) (*orderRefs, error) {
	pids := make([]int64, len(o.Lines))
	for i, l := range o.Lines {
		pids[i] = l.ProductID
	}
	if o.WarehouseID <= 0 {
		return nil, domain.Invalid("warehouse_id", "仓库必填")
	}
	// The partner comes in the same round trip; a missing one is reported
	// after the warehouse and the products, as before.
	var p domain.Partner
	var found bool
	partner := func(b *store.Batch) { store.Partners.LookupIn(b, o.PartnerID, &p, &found) }
	r, err := loadRefs(q, map[string]int64{"warehouse_id": o.WarehouseID}, pids, append(also, partner)...)
	if err != nil {
		return nil, err
	}
	for i := range o.Lines {
		if p, ok := r.prods[o.Lines[i].ProductID]; ok {
			o.Lines[i].DefaultTaxRate(p.TaxRate)
		}
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if !found {
		return nil, notFoundOn(domain.NotFound(store.Partners.What, o.PartnerID), "partner_id")
	}
	if err := p.CheckUsable(domain.PartnerRoleOf(o.Type)); err != nil {
		return nil, err
	}
	return &orderRefs{refs: r, partner: &p}, nil
}

// CreateOrder saves a draft purchase or sales order with a number.
func (a *App) CreateOrder(ctx context.Context, typ string, in OrderInput) (*domain.Order, error) {
	_, write, err := orderPerms(typ)
	if err != nil {
		return nil, err
	}
	actor, err := require(ctx, write)
	if err != nil {
		return nil, err
	}
	o := &domain.Order{Type: typ, Status: domain.OrderDraft, CreatedBy: actor.ID, Version: 1, OrderDate: domain.LocalDate(a.now())}
	in.apply(o)
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := checkOrder(tx, o); err != nil {
			return err
		}
		var err error
		if o.Number, err = tx.NextNumber(typ); err != nil {
			return err
		}
		if err := tx.CreateOrder(o); err != nil {
			return err
		}
		return audit(ctx, tx, "create", typ, o.ID, nil, o)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// UpdateOrder edits a draft or rejected order.
func (a *App) UpdateOrder(ctx context.Context, typ string, id int64, in OrderInput) (*domain.Order, error) {
	return a.changeOrder(ctx, typ, id, func(tx *store.Tx, _ *domain.User, o *domain.Order) error {
		if err := o.CheckEditable(); err != nil {
			return err
		}
		if err := domain.CheckVersion(o.Version, in.Version); err != nil {
			return err
		}
		before := *o
		in.apply(o)
		if _, err := checkOrder(tx, o); err != nil {
			return err
		}
		old := o.Version
		if err := o.Edit(); err != nil {
			return err
		}
		lines := store.HeaderOnly
		if in.Lines != nil {
			lines = store.ReplaceLines
		}
		if err := tx.UpdateOrder(o, old, lines); err != nil {
			return err
		}
		return audit(ctx, tx, "update", typ, o.ID, before, o)
	})
}

// OrderView is an order's detail, for GET /{id}: the order, its lines
// with their progress, the approval history with people's names, and the
// documents made from it (订单详情).
type OrderView struct {
	*domain.Order
	// Lines shadow the order's: the same lines with what is done and open.
	Lines         []OrderLineView     `json:"lines"`
	Approvals     []ApprovalStep      `json:"approvals"`
	Documents     []domain.RelatedDoc `json:"documents"`
	CreatedByName string              `json:"created_by_name"`
}

// OrderLineView is an order line with its figures (domain.ProgressOf):
// ordered, received or shipped (done), returned (returned_qty, the
// line's own) and open.
type OrderLineView struct {
	domain.OrderLine
	OrderedQty decimal.Decimal `json:"ordered_qty"`
	DoneQty    decimal.Decimal `json:"done_qty"`
	OpenQty    decimal.Decimal `json:"open_qty"`
}

// ApprovalStep is one approval of an order with the names of who asked
// and who decided, so a detail reads 张经理 rather than a user id.
type ApprovalStep struct {
	domain.Approval
	RequestedByName string `json:"requested_by_name"`
	DecidedByName   string `json:"decided_by_name"`
}

// GetOrder returns an order's detail (OrderView). Everything in it is read
// in the actor's scope; invoices and money documents only for those who
// may read the books (ledger:read), as their own pages are.
func (a *App) GetOrder(ctx context.Context, typ string, id int64) (*OrderView, error) {
	read, _, err := orderPerms(typ)
	if err != nil {
		return nil, err
	}
	actor, err := require(ctx, read)
	if err != nil {
		return nil, err
	}
	q := a.store.Read(ctx)
	o, err := store.GetOrder(q, typ, id, false)
	if err != nil {
		return nil, err
	}
	sc, err := a.scope(ctx, q)
	if err != nil {
		return nil, err
	}
	// Outside the actor's data scope an order does not exist for them.
	if !sc.Sees(o.CreatedBy) {
		return nil, domain.NotFound(domain.DocName(typ), id) // nothing of it, not even its number
	}
	hist, err := store.ApprovalHistory(q, typ, id)
	if err != nil {
		return nil, err
	}
	docs, err := store.OrderDocuments(q, sc, id, actor.Can(domain.PermLedgerRead))
	if err != nil {
		return nil, err
	}
	ids := []int64{o.CreatedBy}
	for _, ap := range hist {
		ids = append(ids, ap.RequestedBy)
		if ap.DecidedBy != nil {
			ids = append(ids, *ap.DecidedBy)
		}
	}
	names, err := store.UserNames(q, ids)
	if err != nil {
		return nil, err
	}
	names[System.ID] = System.Name // the system's own orders (the demo's) are no user row
	v := &OrderView{Order: o, Lines: make([]OrderLineView, len(o.Lines)), Approvals: make([]ApprovalStep, len(hist)),
		Documents: domain.SortRelatedDocs(docs), CreatedByName: names[o.CreatedBy]}
	for i, l := range o.Lines {
		p := domain.ProgressOf(typ, l)
		v.Lines[i] = OrderLineView{OrderLine: l, OrderedQty: p.Ordered, DoneQty: p.Done, OpenQty: p.Open}
	}
	for i, ap := range hist {
		v.Approvals[i] = ApprovalStep{Approval: ap, RequestedByName: names[ap.RequestedBy]}
		if ap.DecidedBy != nil {
			v.Approvals[i].DecidedByName = names[*ap.DecidedBy]
		}
	}
	return v, nil
}

// CopyOrder makes a new draft from an order the actor can see (复制订单):
// domain.CopyOrder with today's date, the products' current tax rates, a
// new number; checked like any new order, so a partner or product since
// disabled is refused rather than copied.
func (a *App) CopyOrder(ctx context.Context, typ string, id int64) (*domain.Order, error) {
	read, write, err := orderPerms(typ)
	if err != nil {
		return nil, err
	}
	if _, err := require(ctx, read); err != nil {
		return nil, err
	}
	actor, err := require(ctx, write)
	if err != nil {
		return nil, err
	}
	var o domain.Order
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		// Read, not locked: the source is not changed by being copied.
		src, err := store.GetOrder(tx, typ, id, false)
		if err != nil {
			return err
		}
		if ok, err := a.canSee(ctx, tx, src.CreatedBy); err != nil {
			return err
		} else if !ok {
			return domain.NotFound(domain.DocName(typ), id)
		}
		o = domain.CopyOrder(*src, actor.ID, domain.LocalDate(a.now()))
		if _, err := checkOrder(tx, &o); err != nil {
			return err
		}
		if o.Number, err = tx.NextNumber(typ); err != nil {
			return err
		}
		if err := tx.CreateOrder(&o); err != nil {
			return err
		}
		// A creation like any other; the audit's before names the source.
		return audit(ctx, tx, "create", typ, o.ID, map[string]any{"copied_from": src.Number}, &o)
	})
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// OrderFilter narrows order lists.
type OrderFilter = store.OrderFilter

// ListOrders pages through orders of a type.
func (a *App) ListOrders(ctx context.Context, typ string, f OrderFilter, lp ListParams) (*List[store.OrderListItem], error) {
	read, _, err := orderPerms(typ)
	if err != nil {
		return nil, err
	}
	if _, err := require(ctx, read); err != nil {
		return nil, err
	}
	p, err := lp.page(map[string]string{"id": "o.id", "number": "o.number", "order_date": "o.order_date", "total": "o.total", "created_at": "o.created_at"})
	if err != nil {
		return nil, err
	}
	q := a.store.Read(ctx)
	sc, err := a.scope(ctx, q)
	if err != nil {
		return nil, err
	}
	items, total, err := store.ListOrders(q, sc, typ, f, p)
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// SubmitOrder sends a draft or rejected order for approval. A sales order is
// credit-checked first. With no approval rule for its type and amount (and
// no credit issue routed to approval) it is approved at once; an approved
// sales order reserves its stock.
func (a *App) SubmitOrder(ctx context.Context, typ string, id int64, version int) (*domain.Order, error) {
	return a.changeOrder(ctx, typ, id, func(tx *store.Tx, actor *domain.User, o *domain.Order) error {
		if err := o.CheckSubmittable(); err != nil {
			return err
		}
		if err := domain.CheckVersion(o.Version, version); err != nil {
			return err
		}
		var rules []domain.ApprovalRule
		refs, err := checkOrder(tx, o, func(b *store.Batch) { store.ApprovalRulesIn(b, typ, &rules) })
		if err != nil {
			return err
		}
		sub := domain.Submission{Rules: rules, CreditToApproval: a.creditPolicy == CreditApproval}
		// Without a limit there is nothing to check, and summing the
		// customer's receivables is the one read here that grows with history.
		if typ == domain.DocSalesOrder && refs.partner.CreditLimit.IsPositive() {
			open, err := store.OpenReceivables(tx, o.PartnerID)
			if err != nil {
				return err
			}
			sub.CreditErr = domain.CheckCredit(*refs.partner, open, o.Total)
		}
		route, err := o.Route(sub)
		if err != nil {
			return err
		}
		old := o.Version
		if route.Role == "" {
			if err := reserveSalesOrder(tx, o, actor.ID, refs.refs); err != nil {
				return err
			}
			if err := o.Submit(nil); err != nil {
				return err
			}
		} else {
			ap := domain.Approval{DocType: typ, DocID: o.ID, DocNumber: o.Number, Status: domain.ApprovalPending, Role: route.Role,
				Amount: o.Total, PartnerName: refs.partner.Name, Reason: route.Reason, RequestedBy: actor.ID,
				Channel: a.approvalChannel(typ, actor), Version: 1}
			if err := store.Approvals.Create(tx, &ap, "doc_id", o.Number); err != nil {
				return err
			}
			if err := a.approvalRequested(tx, ap); err != nil {
				return err
			}
			if err := o.Submit(&ap.ID); err != nil {
				return err
			}
		}
		if err := tx.UpdateOrder(o, old, store.HeaderOnly); err != nil {
			return err
		}
		return audit(ctx, tx, "submit", typ, o.ID, nil, map[string]any{"status": o.Status, "approval_id": o.ApprovalID})
	})
}

// reserveSalesOrder reserves a sales order's stock as it is approved, all
// of it or (insufficient_stock) none; other orders reserve nothing. r holds
// its warehouse and products when the caller has loaded them already.
func reserveSalesOrder(tx *store.Tx, o *domain.Order, by int64, r *refs) error {
	if o.Type != domain.DocSalesOrder {
		return nil
	}
	return reserveOrder(tx, o, by, r)
}

// reserveOrder sets aside each line's open quantity in the order's
// warehouse: for batch-tracked products across batches, earliest expiry
// first (FEFO).
func reserveOrder(tx *store.Tx, o *domain.Order, by int64, r *refs) error {
	if r == nil {
		pids := make([]int64, len(o.Lines))
		for i, l := range o.Lines {
			pids[i] = l.ProductID
		}
		var err error
		if r, err = loadRefs(tx, map[string]int64{"warehouse_id": o.WarehouseID}, pids); err != nil {
			return err
		}
	}
	candidates := map[int64][]domain.BalanceKey{}
	var keys []domain.BalanceKey
	for _, l := range o.Lines {
		if _, done := candidates[l.ProductID]; done {
			continue
		}
		if r.prods[l.ProductID].BatchTracked {
			batches, err := tx.AvailableBatches(l.ProductID, o.WarehouseID)
			if err != nil {
				return err
			}
			candidates[l.ProductID] = domain.FEFO(batches)
		} else {
			candidates[l.ProductID] = []domain.BalanceKey{{ProductID: l.ProductID, WarehouseID: o.WarehouseID}}
		}
		keys = append(keys, candidates[l.ProductID]...)
	}
	p, err := startPosting(tx, domain.DocRef{Type: o.Type, ID: o.ID, Number: o.Number}, keys, nil, r, by)
	if err != nil {
		return err
	}
	var rs []store.Reservation
	for i, l := range o.Lines {
		taken, err := p.ReserveFEFO(l.ProductID, o.WarehouseID, candidates[l.ProductID], l.OpenQty(o.Type), fmt.Sprintf("lines[%d].qty", i))
		if err != nil {
			return err
		}
		for _, t := range taken {
			rs = append(rs, store.Reservation{OrderID: o.ID, OrderLineID: l.ID, ProductID: t.Key.ProductID, WarehouseID: t.Key.WarehouseID,
				Batch: t.Key.Batch, Qty: t.Qty})
		}
	}
	if err := finishPosting(tx, p, r.prods, by, nil); err != nil {
		return err
	}
	return tx.SaveReservations(rs)
}

// releaseOrder gives back everything an order still has reserved.
func releaseOrder(tx *store.Tx, o *domain.Order, by int64) error {
	rs, err := tx.Reservations(o.ID)
	if err != nil || len(rs) == 0 {
		return err
	}
	keys := make([]domain.BalanceKey, len(rs))
	for i, r := range rs {
		keys[i] = r.Key()
	}
	balances, err := tx.LockBalances(keys, nil)
	if err != nil {
		return err
	}
	p := domain.NewPosting(domain.DocRef{Type: o.Type, ID: o.ID, Number: o.Number}, tx.Now, by, balances, nil, nil)
	for i := range rs {
		p.Release(rs[i].Key(), rs[i].Qty)
		rs[i].Qty = domain.Zero
	}
	if err := tx.WritePosting(p); err != nil {
		return err
	}
	return tx.SaveReservations(rs)
}

// CancelOrder cancels an order nothing was received or shipped against: a
// pending approval is withdrawn and reserved stock released.
func (a *App) CancelOrder(ctx context.Context, typ string, id int64) (*domain.Order, error) {
	return a.endOrder(ctx, typ, id, "cancel")
}

// CloseOrder gives up what is still open on a partly or fully received or
// shipped order, releasing any stock still reserved for it.
func (a *App) CloseOrder(ctx context.Context, typ string, id int64) (*domain.Order, error) {
	return a.endOrder(ctx, typ, id, "close")
}

func (a *App) endOrder(ctx context.Context, typ string, id int64, action string) (*domain.Order, error) {
	return a.changeOrder(ctx, typ, id, func(tx *store.Tx, actor *domain.User, o *domain.Order) error {
		before, old := o.Status, o.Version
		end := o.Cancel
		if action == "close" {
			end = o.Close
		}
		if err := end(); err != nil {
			return err
		}
		if before == domain.OrderPending {
			if err := a.cancelApproval(tx, typ, o.ID); err != nil {
				return err
			}
		}
		if typ == domain.DocSalesOrder {
			if err := releaseOrder(tx, o, actor.ID); err != nil {
				return err
			}
		}
		if err := tx.UpdateOrder(o, old, store.HeaderOnly); err != nil {
			return err
		}
		return audit(ctx, tx, action, typ, o.ID, map[string]string{"status": before}, map[string]string{"status": o.Status})
	})
}

// cancelApproval withdraws the pending approval of a cancelled order, if it
// has one, and announces it (an OA instance is terminated, cards updated).
func (a *App) cancelApproval(tx *store.Tx, typ string, orderID int64) error {
	pending, err := store.PendingApproval(tx, typ, orderID)
	if err != nil || pending == nil {
		return err
	}
	// Lock it and read it again: the outbox may have just linked its OA
	// instance (a new version), which the plain read above need not see
	// (MySQL's snapshot), and saving the old version would fail with
	// version_conflict.
	ap, err := store.LockApproval(tx, pending.ID)
	if err != nil {
		return err
	}
	if ap.Status != domain.ApprovalPending {
		return nil
	}
	aold := ap.Version
	if err := ap.Cancel(""); err != nil {
		return err
	}
	if err := store.SaveApproval(tx, ap, aold); err != nil {
		return err
	}
	return a.approvalEnded(tx, *ap)
}

// scopedOrder locks an order the actor may act on: one outside their data
// scope does not exist for them.
func (a *App) scopedOrder(ctx context.Context, tx *store.Tx, typ string, id int64) (*domain.Order, error) {
	o, err := store.GetOrder(tx, typ, id, true)
	if err != nil {
		return nil, err
	}
	if ok, err := a.canSee(ctx, tx, o.CreatedBy); err != nil {
		return nil, err
	} else if !ok {
		return nil, domain.NotFound(domain.DocName(typ), id) // nothing of it, not even its number
	}
	return o, nil
}

// changeOrder runs fn on an order the actor may write, locked in one
// transaction and within the actor's data scope, and returns the order as
// fn left it.
func (a *App) changeOrder(ctx context.Context, typ string, id int64, fn func(tx *store.Tx, actor *domain.User, o *domain.Order) error) (*domain.Order, error) {
	_, write, err := orderPerms(typ)
	if err != nil {
		return nil, err
	}
	actor, err := require(ctx, write)
	if err != nil {
		return nil, err
	}
	var o *domain.Order
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if o, err = a.scopedOrder(ctx, tx, typ, id); err != nil {
			return err
		}
		return fn(tx, actor, o)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}
