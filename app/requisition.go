package app

import (
	"context"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// RequisitionLineInput is one product to buy.
type RequisitionLineInput struct {
	ProductID int64           `json:"product_id"`
	Qty       decimal.Decimal `json:"qty"`
	Remark    string          `json:"remark"`
}

// RequisitionInput creates or edits a draft requisition.
type RequisitionInput struct {
	WarehouseID *int64                  `json:"warehouse_id"`
	Remark      *string                 `json:"remark"`
	Lines       *[]RequisitionLineInput `json:"lines"`
	Version     int                     `json:"version"`
}

func (in RequisitionInput) apply(r *domain.Requisition) {
	if r.Source == domain.SourceReorder && in.Lines != nil {
		// Edited lines keep what the suggestion was computed from.
		prev := map[int64]domain.RequisitionLine{}
		for _, l := range r.Lines {
			prev[l.ProductID] = l
		}
		defer func() {
			for i := range r.Lines {
				if p, ok := prev[r.Lines[i].ProductID]; ok {
					r.Lines[i].Available, r.Lines[i].SafetyStock = p.Available, p.SafetyStock
				}
			}
		}()
	}
	set(&r.WarehouseID, in.WarehouseID)
	set(&r.Remark, in.Remark)
	if in.Lines != nil {
		r.Lines = make([]domain.RequisitionLine, len(*in.Lines))
		for i, l := range *in.Lines {
			r.Lines[i] = domain.RequisitionLine{ProductID: l.ProductID, Qty: l.Qty, Remark: l.Remark}
		}
	}
}

func checkRequisition(q store.Q, r *domain.Requisition) error {
	if err := r.Validate(); err != nil {
		return err
	}
	pids := make([]int64, len(r.Lines))
	for i, l := range r.Lines {
		pids[i] = l.ProductID
	}
	_, err := loadRefs(q, map[string]int64{"warehouse_id": r.WarehouseID}, pids)
	return err
}

// CreateRequisition saves a manual draft requisition.
func (a *App) CreateRequisition(ctx context.Context, in RequisitionInput) (*domain.Requisition, error) {
	actor, err := require(ctx, domain.PermPurchaseWrite)
	if err != nil {
		return nil, err
	}
	r := &domain.Requisition{Status: domain.RequisitionDraft, Source: domain.SourceManual, CreatedBy: actor.ID, Version: 1}
	in.apply(r)
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := checkRequisition(tx, r); err != nil {
			return err
		}
		var err error
		if r.Number, err = tx.NextNumber(domain.DocRequisition); err != nil {
			return err
		}
		if err := tx.CreateRequisition(r); err != nil {
			return err
		}
		return audit(ctx, tx, "create", domain.DocRequisition, r.ID, nil, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// UpdateRequisition edits a draft requisition (manual or reorder).
func (a *App) UpdateRequisition(ctx context.Context, id int64, in RequisitionInput) (*domain.Requisition, error) {
	if _, err := require(ctx, domain.PermPurchaseWrite); err != nil {
		return nil, err
	}
	var r *domain.Requisition
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = a.scopedRequisition(ctx, tx, id); err != nil {
			return err
		}
		if r.Status != domain.RequisitionDraft {
			return domain.ErrInvalidState.WithMessage("请购单 %s 已%s，不能修改", r.Number, domain.StatusName(r.Status))
		}
		if err := domain.CheckVersion(r.Version, in.Version); err != nil {
			return err
		}
		before := *r
		if in.WarehouseID != nil && *in.WarehouseID != r.WarehouseID && r.Source == domain.SourceReorder {
			return domain.Invalid("warehouse_id", "自动请购单不能改仓库")
		}
		in.apply(r)
		if err := checkRequisition(tx, r); err != nil {
			return err
		}
		old := r.Version
		r.Version++
		if err := tx.UpdateRequisition(r, old, in.Lines != nil); err != nil {
			return err
		}
		return audit(ctx, tx, "update", domain.DocRequisition, r.ID, before, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// CancelRequisition cancels a draft requisition.
func (a *App) CancelRequisition(ctx context.Context, id int64) (*domain.Requisition, error) {
	if _, err := require(ctx, domain.PermPurchaseWrite); err != nil {
		return nil, err
	}
	var r *domain.Requisition
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = a.scopedRequisition(ctx, tx, id); err != nil {
			return err
		}
		if r.Status != domain.RequisitionDraft {
			return domain.ErrInvalidState.WithMessage("请购单 %s 已%s，不能作废", r.Number, domain.StatusName(r.Status))
		}
		old := r.Version
		r.Status, r.Version = domain.RequisitionCancelled, old+1
		if err := tx.UpdateRequisition(r, old, false); err != nil {
			return err
		}
		return audit(ctx, tx, "cancel", domain.DocRequisition, r.ID, nil, nil)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// RequisitionOrderInput turns a requisition into a purchase order from one
// supplier; prices are filled in on the draft order.
type RequisitionOrderInput struct {
	PartnerID int64 `json:"partner_id"`
}

// OrderRequisition creates a draft purchase order from a requisition, in the
// same transaction that marks the requisition ordered.
func (a *App) OrderRequisition(ctx context.Context, id int64, in RequisitionOrderInput) (*domain.Order, error) {
	if _, err := require(ctx, domain.PermPurchaseWrite); err != nil {
		return nil, err
	}
	var o *domain.Order
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		r, err := a.scopedRequisition(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.Status != domain.RequisitionDraft {
			return domain.ErrInvalidState.WithMessage("请购单 %s 已%s", r.Number, domain.StatusName(r.Status))
		}
		lines := make([]OrderLineInput, len(r.Lines))
		for i, l := range r.Lines {
			lines[i] = OrderLineInput{ProductID: l.ProductID, Qty: l.Qty, Remark: "请购单 " + r.Number}
		}
		remark := "由请购单 " + r.Number + " 生成"
		if o, err = a.CreateOrder(tx.Context(ctx), domain.DocPurchaseOrder, OrderInput{PartnerID: &in.PartnerID,
			WarehouseID: &r.WarehouseID, Remark: &remark, Lines: &lines}); err != nil {
			return err
		}
		old := r.Version
		r.Status, r.OrderID, r.Version = domain.RequisitionOrdered, &o.ID, old+1
		if err := tx.UpdateRequisition(r, old, false); err != nil {
			return err
		}
		return audit(ctx, tx, "order", domain.DocRequisition, r.ID, nil, map[string]any{"order_id": o.ID})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// GetRequisition returns a requisition with its lines.
func (a *App) GetRequisition(ctx context.Context, id int64) (*domain.Requisition, error) {
	if _, err := require(ctx, domain.PermPurchaseRead); err != nil {
		return nil, err
	}
	q := a.store.Read(ctx)
	sc, err := a.scope(ctx, q)
	if err != nil {
		return nil, err
	}
	return store.GetRequisition(q, sc, id, false)
}

// scopedRequisition locks a requisition the actor may act on: edit,
// cancel and order reach only those in their data scope, and one outside
// it is not found.
func (a *App) scopedRequisition(ctx context.Context, tx *store.Tx, id int64) (*domain.Requisition, error) {
	sc, err := a.scope(ctx, tx)
	if err != nil {
		return nil, err
	}
	return store.GetRequisition(tx, sc, id, true)
}

// ListRequisitions pages through requisitions.
func (a *App) ListRequisitions(ctx context.Context, status, source string, warehouseID int64, lp ListParams) (*List[domain.Requisition], error) {
	if _, err := require(ctx, domain.PermPurchaseRead); err != nil {
		return nil, err
	}
	p, err := lp.page(map[string]string{"id": "id", "number": "number", "updated_at": "updated_at"})
	if err != nil {
		return nil, err
	}
	q := a.store.Read(ctx)
	sc, err := a.scope(ctx, q)
	if err != nil {
		return nil, err
	}
	items, total, err := store.ListRequisitions(q, sc, status, source, warehouseID, p)
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// ReorderSuggestions lists what reorder points suggest buying now.
func (a *App) ReorderSuggestions(ctx context.Context, warehouseID int64, lp ListParams) (*List[store.ReorderSuggestion], error) {
	if _, err := require(ctx, domain.PermStockRead); err != nil {
		return nil, err
	}
	p, err := lp.page(map[string]string{"sku": "p.sku"})
	if err != nil {
		return nil, err
	}
	items, total, err := store.ReorderSuggestions(a.store.Read(ctx), warehouseID, p)
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// reorderAfter checks the products a posting touched against their level
// in each warehouse, in the posting's transaction (reorderCheck).
func reorderAfter(tx *store.Tx, p *domain.Posting, prods map[int64]domain.Product, by int64) error {
	byWH := map[int64][]int64{}
	seen := map[[2]int64]bool{}
	for _, b := range p.Changed() {
		k := [2]int64{b.WarehouseID, b.ProductID}
		if seen[k] {
			continue
		}
		seen[k] = true
		byWH[b.WarehouseID] = append(byWH[b.WarehouseID], b.ProductID)
	}
	for wh, pids := range byWH {
		if err := reorderCheck(tx, wh, pids, prods, by); err != nil {
			return err
		}
	}
	return nil
}

// reorderCheck holds a warehouse's open reorder requisition to what its
// levels say about products: one below its level (domain.ReorderLevel.Low)
// gets a line for domain.ReorderLevel.Suggest on the warehouse's open
// reorder requisition (created once, then updated as stock moves), never a
// second requisition or a second line; one back above it, or no longer
// carried there, loses its line. prods may lack some products; they are
// loaded. The same check runs after a posting, after levels change and in
// the daily sweep, so the suggestions always cover every low item.
func reorderCheck(tx *store.Tx, wh int64, pids []int64, prods map[int64]domain.Product, by int64) error {
	if len(pids) == 0 {
		return nil
	}
	levels, err := store.ReorderLevelsIn(tx, wh, pids)
	if err != nil {
		return err
	}
	avail, err := tx.Availability(wh, pids)
	if err != nil {
		return err
	}
	var missing []int64
	for pid := range levels {
		if _, ok := prods[pid]; !ok {
			missing = append(missing, pid)
		}
	}
	if len(missing) > 0 {
		all := make(map[int64]domain.Product, len(prods)+len(missing))
		for k, v := range prods {
			all[k] = v
		}
		b := store.NewBatch(tx)
		store.Products.GetManyIn(b, missing, func(p *domain.Product) int64 { return p.ID }, all)
		if err := b.Run(); err != nil {
			return err
		}
		prods = all
	}
	var req *domain.Requisition
	var newlyLow []lowStockItem
	for _, pid := range pids {
		lv, carried := levels[pid]
		prod, known := prods[pid]
		qty := lv.Suggest(avail[pid])
		if !carried || !known || prod.Status != domain.StatusActive || !qty.IsPositive() {
			// Stock recovered, or the warehouse no longer carries it: an
			// open suggestion for it is no longer due.
			if err := tx.DropReorderLine(wh, pid); err != nil {
				return err
			}
			continue
		}
		if req == nil {
			if req, err = tx.OpenReorderRequisition(wh, by, func() (string, error) { return tx.NextNumber(domain.DocRequisition) }); err != nil {
				return err
			}
		}
		point := lv.Point()
		if !req.HasProduct(pid) {
			newlyLow = append(newlyLow, lowStockItem{ProductID: pid, SKU: prod.SKU, Name: prod.Name,
				Available: avail[pid], SafetyStock: point, Suggested: qty})
		}
		if err := tx.UpsertRequisitionLine(req.ID, domain.RequisitionLine{ProductID: pid, Qty: qty, Available: avail[pid], SafetyStock: point}); err != nil {
			return err
		}
	}
	// A product that just fell low is worth telling the purchasers about
	// (once, not at every later move).
	if len(newlyLow) > 0 {
		if err := tx.Enqueue(kindLowStock, lowStockAlert{WarehouseID: wh, RequisitionID: req.ID, Items: newlyLow}); err != nil {
			return err
		}
	}
	return nil
}
