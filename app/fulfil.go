package app

import (
	"context"
	"fmt"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// ReceiptInput is a goods receipt (采购入库) against a purchase order; each
// line names an order line (line_id) and, for batch-tracked products, the
// batch and its expiry.
type ReceiptInput struct {
	OrderID     int64  `json:"order_id"`
	WarehouseID int64  `json:"warehouse_id"`
	Remark      string `json:"remark"`
	// BizDate is the 业务日期 (yyyy-mm-dd, Shanghai); empty: today.
	BizDate string            `json:"biz_date"`
	Lines   []domain.MoveLine `json:"lines"`
}

// ShipmentInput is a shipment (销售出库) against a sales order.
type ShipmentInput struct {
	OrderID     int64  `json:"order_id"`
	WarehouseID int64  `json:"warehouse_id"`
	Remark      string `json:"remark"`
	// BizDate is the 业务日期 (yyyy-mm-dd, Shanghai); empty: today.
	BizDate string            `json:"biz_date"`
	Lines   []domain.MoveLine `json:"lines"`
	// AddressID picks one of the customer's addresses (收货地址), copied
	// onto the shipment; without it the typed address stands, and without
	// that the customer's default address.
	AddressID *int64 `json:"address_id"`
	// Delivery is the carrier, waybill, shipping method and address.
	domain.Delivery
}

// ReturnInput is a return against a receipt (采购退货) or a shipment
// (销售退货); line_id names the receipt or shipment line.
type ReturnInput struct {
	SourceID int64  `json:"source_id"`
	Remark   string `json:"remark"`
	// BizDate is the 业务日期 (yyyy-mm-dd, Shanghai); empty: today. Not
	// before the source document's.
	BizDate string            `json:"biz_date"`
	Lines   []domain.MoveLine `json:"lines"`
}

// loadFulfilment locks the order a receipt or shipment is against, checks
// the lines against it, and loads the warehouse and products they move.
// Reads about the order that also adds go with those.
func loadFulfilment(tx *store.Tx, orderType string, orderID, warehouseID int64, lines []domain.MoveLine,
	also ...func(b *store.Batch, o *domain.Order)) (*domain.Order, *refs, error) {
	o, err := store.GetOrder(tx, orderType, orderID, true)
	if err != nil {
		return nil, nil, notFoundOn(err, "order_id")
	}
	if err := o.CheckFulfilment(warehouseID, lines); err != nil {
		return nil, nil, err
	}
	pids := make([]int64, len(lines))
	for i, ml := range lines {
		pids[i] = o.Line(ml.LineID).ProductID
	}
	r, err := loadRefs(tx, map[string]int64{"warehouse_id": o.WarehouseID}, pids, func(b *store.Batch) {
		for _, add := range also {
			add(b, o)
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return o, r, nil
}

// PostReceipt receives goods against a purchase order: stock comes in at the
// order's net price (excluding VAT), which moves the moving average; the
// order becomes partially received or received.
func (a *App) PostReceipt(ctx context.Context, in ReceiptInput) (*domain.StockDoc, error) {
	actor, err := require(ctx, domain.PermStockWrite)
	if err != nil {
		return nil, err
	}
	var d *domain.StockDoc
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		o, r, err := loadFulfilment(tx, domain.DocPurchaseOrder, in.OrderID, in.WarehouseID, in.Lines, func(b *store.Batch, o *domain.Order) {
			tx.OpenSidesIn(b, o.PartnerID, domain.ItemAP)
		})
		if err != nil {
			return err
		}
		day, err := bizDate(tx, "biz_date", in.BizDate)
		if err != nil {
			return err
		}
		d = &domain.StockDoc{Type: domain.DocPurchaseReceipt, Status: domain.DocPosted, OrderID: o.ID, PartnerID: o.PartnerID,
			WarehouseID: o.WarehouseID, Remark: in.Remark, PostedAt: tx.Now, BizDate: day, CreatedBy: actor.ID,
			InvoiceStatus: a.billStatus(nil)}
		keys := make([]domain.BalanceKey, len(in.Lines))
		expiry := map[domain.BalanceKey]string{}
		for i, ml := range in.Lines {
			ol := o.Line(ml.LineID)
			if err := domain.CheckBatch(fmt.Sprintf("lines[%d].batch", i), r.prods[ol.ProductID], ml.Batch); err != nil {
				return err
			}
			l := domain.StockDocLine{OrderLineID: ol.ID, ProductID: ol.ProductID, Batch: ml.Batch, Expiry: ml.Expiry, Qty: ml.Qty}
			l.PriceLine(ol.NetUnitPrice(), ol.TaxRate)
			l.CostAmount = domain.RoundAmount(ml.Qty.Mul(ol.NetUnitPrice()))
			l.UnitCost = domain.RoundCost(ol.NetUnitPrice())
			d.Lines = append(d.Lines, l)
			keys[i] = domain.BalanceKey{ProductID: ol.ProductID, WarehouseID: o.WarehouseID, Batch: ml.Batch}
			if ml.Expiry != nil {
				expiry[keys[i]] = *ml.Expiry
			}
		}
		p, err := openStockDoc(tx, d, keys, expiry, r, actor.ID)
		if err != nil {
			return err
		}
		for i, l := range d.Lines {
			p.SetExpiry(keys[i], l.Expiry)
			p.In(keys[i], l.ID, l.Qty, l.CostAmount)
		}
		if err := finishPosting(tx, p, r.prods, actor.ID, stockDocEntry(d)); err != nil {
			return err
		}
		return a.advanceOrder(ctx, tx, o, d, in.Lines)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// advanceOrder records a posted receipt or shipment of lines on its order,
// writes the order's progress, and the document's audit row.
func (a *App) advanceOrder(ctx context.Context, tx *store.Tx, o *domain.Order, d *domain.StockDoc, lines []domain.MoveLine) error {
	old := o.Version
	if err := o.Fulfil(lines); err != nil {
		return err
	}
	if err := tx.UpdateOrder(o, old, store.LineProgress); err != nil {
		return err
	}
	return audit(ctx, tx, "post", d.Type, d.ID, nil, d)
}

// PostShipment ships goods against an approved sales order: each line takes
// its stock from the order's reservations (batches in FEFO order) and leaves
// at the moving-average cost, which becomes the cost of goods sold.
func (a *App) PostShipment(ctx context.Context, in ShipmentInput) (*domain.StockDoc, error) {
	actor, err := require(ctx, domain.PermStockWrite)
	if err != nil {
		return nil, err
	}
	if err := in.Delivery.Validate(); err != nil {
		return nil, err
	}
	var d *domain.StockDoc
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		// The reservations and the customer (for the open item) come with
		// the warehouse and the products, in one round trip.
		var rs []store.Reservation
		var partner domain.Partner
		var found bool
		o, r, err := loadFulfilment(tx, domain.DocSalesOrder, in.OrderID, in.WarehouseID, in.Lines, func(b *store.Batch, o *domain.Order) {
			tx.ReservationsIn(b, o.ID, &rs)
			store.Partners.LookupIn(b, o.PartnerID, &partner, &found)
			tx.OpenSidesIn(b, o.PartnerID, domain.ItemAR)
		})
		if err != nil {
			return err
		}
		if found {
			knownPartner(tx, &partner)
		}
		day, err := bizDate(tx, "biz_date", in.BizDate)
		if err != nil {
			return err
		}
		d = &domain.StockDoc{Type: domain.DocSalesShipment, Status: domain.DocPosted, OrderID: o.ID, PartnerID: o.PartnerID,
			WarehouseID: o.WarehouseID, Remark: in.Remark, PostedAt: tx.Now, BizDate: day, CreatedBy: actor.ID,
			InvoiceStatus: a.billStatus(nil), Delivery: in.Delivery}
		if err := shipmentDelivery(tx, o.PartnerID, in.AddressID, &d.Delivery); err != nil {
			return err
		}
		// Split each requested line over its reservations: one shipment line
		// per batch it takes from.
		var keys []domain.BalanceKey
		var fields []string
		var fromReserved []decimal.Decimal // how much of each shipment line its reservation covers
		held := make([]domain.Reservation, len(rs))
		for j, res := range rs {
			held[j] = domain.Reservation{OrderLineID: res.OrderLineID, Key: res.Key(), Qty: res.Qty, Expiry: res.Expiry}
		}
		for i, ml := range in.Lines {
			ol := o.Line(ml.LineID)
			if ml.Batch != "" {
				return domain.Invalid(fmt.Sprintf("lines[%d].batch", i), "出库批次按预留自动分配（先到期先出），不能指定")
			}
			field := fmt.Sprintf("lines[%d].qty", i)
			pieces, err := domain.SplitShipment(held, *ol, o.WarehouseID, ml.Qty, r.prods[ol.ProductID].BatchTracked, field)
			if err != nil {
				return err
			}
			for _, pc := range pieces {
				d.Lines = append(d.Lines, domain.StockDocLine{OrderLineID: ol.ID, ProductID: ol.ProductID, Batch: pc.Key.Batch, Qty: pc.Qty})
				keys = append(keys, pc.Key)
				fields = append(fields, field)
				fromReserved = append(fromReserved, pc.FromReserved)
			}
		}
		for j := range rs {
			rs[j].Qty = held[j].Qty
		}
		for i := range d.Lines {
			ol := o.Line(d.Lines[i].OrderLineID)
			d.Lines[i].PriceLine(ol.NetUnitPrice(), ol.TaxRate)
		}
		p, err := openStockDoc(tx, d, keys, nil, r, actor.ID)
		if err != nil {
			return err
		}
		for i := range d.Lines {
			l := &d.Lines[i]
			// The reservation this line consumes becomes the quantity it
			// issues; other orders' reservations stay untouched.
			p.Release(keys[i], fromReserved[i])
			cost, err := p.Out(keys[i], l.ID, l.Qty, fields[i])
			if err != nil {
				return err
			}
			l.CostAmount, l.UnitCost = cost, domain.RoundCost(cost.Div(l.Qty))
		}
		d.Sum()
		if err := finishPosting(tx, p, r.prods, actor.ID, stockDocEntry(d)); err != nil {
			return err
		}
		if err := tx.SetStockDocCosts(d); err != nil {
			return err
		}
		if err := tx.SaveReservations(rs); err != nil {
			return err
		}
		return a.advanceOrder(ctx, tx, o, d, in.Lines)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// postReturn is the shared path of purchase and sales returns: lock the
// order and the source document, check each line against what is still
// returnable, price it as the source line was, and move the stock at the
// source line's cost.
func (a *App) postReturn(ctx context.Context, in ReturnInput, sourceType, returnType, orderType string) (*domain.StockDoc, error) {
	actor, err := require(ctx, domain.PermStockWrite)
	if err != nil {
		return nil, err
	}
	var d *domain.StockDoc
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		// Posting stock is the warehouse's job for everyone's orders (as
		// receipts and shipments are), so the source is read unscoped; what
		// the poster may then read back is scoped.
		src, err := store.GetStockDoc(tx, store.AllScope(), sourceType, in.SourceID, false)
		if err != nil {
			return notFoundOn(err, sourceField(sourceType))
		}
		o, err := store.GetOrder(tx, orderType, src.OrderID, true)
		if err != nil {
			return err
		}
		if src, err = store.GetStockDoc(tx, store.AllScope(), sourceType, in.SourceID, true); err != nil {
			return err
		}
		plan, err := domain.PlanReturn(*src, in.Lines, sourceLineField(sourceType))
		if err != nil {
			return err
		}
		day, err := bizDate(tx, "biz_date", in.BizDate)
		if err != nil {
			return err
		}
		if err := domain.CheckNotBefore("biz_date", day, src.BizDate, src.Number); err != nil {
			return err
		}
		d = &domain.StockDoc{Type: returnType, Status: domain.DocPosted, OrderID: o.ID, SourceID: &src.ID, PartnerID: src.PartnerID,
			WarehouseID: src.WarehouseID, Remark: in.Remark, PostedAt: tx.Now, BizDate: day, CreatedBy: actor.ID, InvoiceStatus: a.billStatus(src),
			Lines: plan.Lines}
		pids := make([]int64, len(d.Lines))
		keys := make([]domain.BalanceKey, len(d.Lines))
		for i, l := range d.Lines {
			pids[i] = l.ProductID
			keys[i] = domain.BalanceKey{ProductID: l.ProductID, WarehouseID: src.WarehouseID, Batch: l.Batch}
		}
		r, err := loadRefs(tx, map[string]int64{"warehouse_id": src.WarehouseID}, pids)
		if err != nil {
			return err
		}
		p, err := openStockDoc(tx, d, keys, nil, r, actor.ID)
		if err != nil {
			return err
		}
		for i, l := range d.Lines {
			if returnType == domain.DocPurchaseReturn {
				if err := p.OutAt(keys[i], l.ID, l.Qty, l.CostAmount, fmt.Sprintf("lines[%d].qty", i)); err != nil {
					return err
				}
			} else {
				p.In(keys[i], l.ID, l.Qty, l.CostAmount)
			}
		}
		if err := finishPosting(tx, p, r.prods, actor.ID, stockDocEntry(d)); err != nil {
			return err
		}
		if err := tx.AddReturnedQty("stock_doc_lines", plan.BySourceLine); err != nil {
			return err
		}
		old := o.Version
		if err := o.RecordReturn(plan.ByOrderLine); err != nil {
			return err
		}
		if err := tx.UpdateOrder(o, old, store.LineProgress); err != nil {
			return err
		}
		return audit(ctx, tx, "post", d.Type, d.ID, nil, d)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func sourceField(sourceType string) string {
	if sourceType == domain.DocPurchaseReceipt {
		return "receipt_id"
	}
	return "shipment_id"
}

func sourceLineField(sourceType string) string {
	if sourceType == domain.DocPurchaseReceipt {
		return "receipt_line_id"
	}
	return "shipment_line_id"
}

// PostPurchaseReturn returns received goods to the supplier at the cost they
// were received at; what was already sold cannot be returned.
func (a *App) PostPurchaseReturn(ctx context.Context, in ReturnInput) (*domain.StockDoc, error) {
	return a.postReturn(ctx, in, domain.DocPurchaseReceipt, domain.DocPurchaseReturn, domain.DocPurchaseOrder)
}

// PostSalesReturn takes shipped goods back at the cost they left with.
func (a *App) PostSalesReturn(ctx context.Context, in ReturnInput) (*domain.StockDoc, error) {
	return a.postReturn(ctx, in, domain.DocSalesShipment, domain.DocSalesReturn, domain.DocSalesOrder)
}

func stockDocRead(typ string) (domain.Permission, error) {
	switch typ {
	case domain.DocPurchaseReceipt, domain.DocPurchaseReturn:
		return domain.PermPurchaseRead, nil
	case domain.DocSalesShipment, domain.DocSalesReturn:
		return domain.PermSalesRead, nil
	}
	return "", domain.Invalid("type", "未知单据类型 %s", typ)
}

// GetStockDoc returns a receipt, shipment or return with its lines.
func (a *App) GetStockDoc(ctx context.Context, typ string, id int64) (*domain.StockDoc, error) {
	perm, err := stockDocRead(typ)
	if err != nil {
		return nil, err
	}
	if _, err := require(ctx, perm); err != nil {
		return nil, err
	}
	q := a.store.Read(ctx)
	sc, err := a.scope(ctx, q)
	if err != nil {
		return nil, err
	}
	return store.GetStockDoc(q, sc, typ, id, false)
}

// StockDocFilter narrows lists of receipts, shipments and returns.
type StockDocFilter = store.StockDocFilter

// ListStockDocs pages through documents of a type.
func (a *App) ListStockDocs(ctx context.Context, typ string, f StockDocFilter, lp ListParams) (*List[store.StockDocListItem], error) {
	perm, err := stockDocRead(typ)
	if err != nil {
		return nil, err
	}
	if _, err := require(ctx, perm); err != nil {
		return nil, err
	}
	p, err := lp.page(map[string]string{"id": "d.id", "number": "d.number", "posted_at": "d.posted_at", "biz_date": "d.biz_date", "total": "d.total"})
	if err != nil {
		return nil, err
	}
	q := a.store.Read(ctx)
	sc, err := a.scope(ctx, q)
	if err != nil {
		return nil, err
	}
	items, total, err := store.ListStockDocs(q, sc, typ, f, p)
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}
