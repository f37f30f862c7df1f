package domain

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// BalanceKey identifies one stock balance: a product in a warehouse, and for
// batch-tracked products one batch (批次). Batch is "" for untracked products.
type BalanceKey struct {
	ProductID   int64
	WarehouseID int64
	Batch       string
}

// Less orders keys so that every posting locks balance rows in the same order,
// which is what keeps concurrent postings from deadlocking each other.
func (k BalanceKey) Less(o BalanceKey) bool {
	if k.ProductID != o.ProductID {
		return k.ProductID < o.ProductID
	}
	if k.WarehouseID != o.WarehouseID {
		return k.WarehouseID < o.WarehouseID
	}
	return k.Batch < o.Batch
}

// SortKeys sorts and de-duplicates keys into lock order.
func SortKeys(keys []BalanceKey) []BalanceKey {
	sort.Slice(keys, func(i, j int) bool { return keys[i].Less(keys[j]) })
	out := keys[:0]
	for i, k := range keys {
		if i == 0 || k != keys[i-1] {
			out = append(out, k)
		}
	}
	return out
}

// Balance is the current stock of one key (库存余额): what is on hand, what is
// reserved for approved sales orders, and its value. Value is always the sum
// of the amounts of the key's moves; AvgCost is the moving-average unit cost.
type Balance struct {
	ID          int64           `json:"-"`
	ProductID   int64           `json:"product_id"`
	WarehouseID int64           `json:"warehouse_id"`
	Batch       string          `json:"batch"`
	Expiry      *string         `json:"expiry,omitempty"`
	OnHand      decimal.Decimal `json:"on_hand"`
	Reserved    decimal.Decimal `json:"reserved"`
	AvgCost     decimal.Decimal `json:"avg_cost"`
	Value       decimal.Decimal `json:"value"`
	// IdleSince starts the current idle period, for the slow-moving report
	// (呆滞): the last time goods left (shipment, transfer out, return to
	// supplier; not a stocktake loss), or when stock arrived into an empty
	// balance.
	IdleSince *time.Time `json:"idle_since"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Key returns the balance's key.
func (b Balance) Key() BalanceKey {
	return BalanceKey{ProductID: b.ProductID, WarehouseID: b.WarehouseID, Batch: b.Batch}
}

// Available is what can still be promised or moved: on hand less reserved.
func (b Balance) Available() decimal.Decimal { return b.OnHand.Sub(b.Reserved) }

// receive applies an inbound quantity with its total cost and returns the
// cost adjustment the balance needs (zero unless stock was negative).
//
// Moving weighted average: the new average is (value + amount) / (on hand + qty).
// When stock was negative the units sold short are re-valued at the incoming
// cost, and the difference becomes a separate adjustment move, so the rule
// "value = Σ move amounts" holds without hiding the correction.
func (b *Balance) receive(qty, amount decimal.Decimal) (adjust decimal.Decimal) {
	wasNegative := b.OnHand.IsNegative()
	b.OnHand = b.OnHand.Add(qty)
	b.Value = b.Value.Add(amount)
	unit := Zero
	if qty.IsPositive() {
		unit = RoundCost(amount.Div(qty))
	}
	switch {
	case wasNegative && !b.OnHand.IsNegative():
		target := RoundAmount(b.OnHand.Mul(unit))
		adjust = target.Sub(b.Value)
		b.Value = target
		b.AvgCost = unit
	case wasNegative:
		target := RoundAmount(b.OnHand.Mul(b.AvgCost))
		adjust = target.Sub(b.Value)
		b.Value = target
	case b.OnHand.IsPositive():
		b.AvgCost = RoundCost(b.Value.Div(b.OnHand))
	}
	return adjust
}

// issue takes qty out at the current average and returns the amount (a
// positive number) it leaves with. Issuing everything takes the whole value,
// so no rounding residue is ever left on an empty balance.
func (b *Balance) issue(qty decimal.Decimal) decimal.Decimal {
	var amount decimal.Decimal
	switch {
	case qty.Equal(b.OnHand):
		amount = b.Value
	case b.OnHand.IsPositive() && qty.LessThan(b.OnHand):
		amount = RoundAmount(b.Value.Mul(qty).Div(b.OnHand))
	case b.OnHand.IsPositive():
		// Into negative stock: all current value, the shortfall at the average.
		amount = b.Value.Add(RoundAmount(qty.Sub(b.OnHand).Mul(b.AvgCost)))
	default:
		amount = RoundAmount(qty.Mul(b.AvgCost))
	}
	b.OnHand = b.OnHand.Sub(qty)
	b.Value = b.Value.Sub(amount)
	return amount
}

// Move kinds: what a stock move records.
const (
	MoveIn         = "in"
	MoveOut        = "out"
	MoveAdjustment = "cost_adjustment"
)

// Document types that post stock moves, with their number prefixes.
const (
	DocOpening   = "opening"   // 期初
	DocTransfer  = "transfer"  // 调拨
	DocStocktake = "stocktake" // 盘点
)

// DocRef names the document a posting comes from.
type DocRef struct {
	Type   string
	ID     int64
	Number string
	// Date is the document's 业务日期 (business date): its moves count in
	// that month and its voucher and open item are dated on it. Empty means
	// the day it is posted.
	Date string
}

// Move is one row of the append-only stock ledger (库存流水): one line of one
// posted document, with a signed quantity and amount and the balance after it.
type Move struct {
	ID           int64           `json:"id"`
	ProductID    int64           `json:"product_id"`
	WarehouseID  int64           `json:"warehouse_id"`
	Batch        string          `json:"batch"`
	Kind         string          `json:"kind"`
	Qty          decimal.Decimal `json:"qty"`
	UnitCost     decimal.Decimal `json:"unit_cost"`
	Amount       decimal.Decimal `json:"amount"`
	BalanceQty   decimal.Decimal `json:"balance_qty"`
	BalanceValue decimal.Decimal `json:"balance_value"`
	DocType      string          `json:"doc_type"`
	DocID        int64           `json:"doc_id"`
	DocNumber    string          `json:"doc_number"`
	LineID       int64           `json:"line_id"`
	PostedAt     time.Time       `json:"posted_at"`
	// BizDate is the document's business date (业务日期): the month the
	// move counts in at a closing, which may differ from when it was posted.
	BizDate   string `json:"biz_date"`
	CreatedBy int64  `json:"created_by"`
}

// Posting applies one document's moves to the balances it locked. It is the
// one place the ledger's rules live: availability, negative stock, costing.
// The store locks the balances (in key order), hands them here, and writes
// back Changed() and Moves() in the same transaction.
type Posting struct {
	doc        DocRef
	at         time.Time
	by         int64
	balances   map[BalanceKey]*Balance
	warehouses map[int64]Warehouse
	products   map[int64]Product
	moves      []Move
	changed    map[BalanceKey]bool
}

// NewPosting starts a posting of doc over locked balances.
func NewPosting(doc DocRef, at time.Time, by int64, balances []*Balance, warehouses map[int64]Warehouse, products map[int64]Product) *Posting {
	p := &Posting{doc: doc, at: at, by: by, balances: map[BalanceKey]*Balance{}, warehouses: warehouses, products: products, changed: map[BalanceKey]bool{}}
	for _, b := range balances {
		p.balances[b.Key()] = b
	}
	return p
}

// BizDate is the business date the posting is booked on: the document's,
// or the Shanghai day it is posted.
func (p *Posting) BizDate() string {
	if p.doc.Date != "" {
		return p.doc.Date
	}
	return LocalDate(p.at)
}

func (p *Posting) balance(k BalanceKey) *Balance {
	b, ok := p.balances[k]
	if !ok {
		// A programming error: the caller must lock every key it posts to.
		panic(fmt.Sprintf("posting %s: balance %+v was not locked", p.doc.Number, k))
	}
	return b
}

// In receives qty at a total amount into k.
func (p *Posting) In(k BalanceKey, lineID int64, qty, amount decimal.Decimal) {
	b := p.balance(k)
	adjust := b.receive(qty, amount)
	p.record(b, lineID, MoveIn, qty, amount)
	if !adjust.IsZero() {
		p.record(b, lineID, MoveAdjustment, Zero, adjust)
	}
}

// Out issues qty from k at the moving-average cost and returns the amount it
// left with. Unless the warehouse allows negative stock, qty must not exceed
// the available quantity; field names the document line for the error.
func (p *Posting) Out(k BalanceKey, lineID int64, qty decimal.Decimal, field string) (decimal.Decimal, error) {
	b := p.balance(k)
	if err := p.checkAvailable(k, qty, field, "可用库存不足"); err != nil {
		return Zero, err
	}
	amount := b.issue(qty)
	p.record(b, lineID, MoveOut, qty.Neg(), amount.Neg())
	return amount, nil
}

// checkAvailable is the one availability rule: qty may not exceed what is
// on hand and not reserved, unless the warehouse allows negative stock.
func (p *Posting) checkAvailable(k BalanceKey, qty decimal.Decimal, field, what string) error {
	wh := p.warehouses[k.WarehouseID]
	avail := p.balance(k).Available()
	if !qty.GreaterThan(avail) || wh.AllowNegative {
		return nil
	}
	prod := p.products[k.ProductID]
	label := prod.SKU
	if k.Batch != "" {
		label += " 批次 " + k.Batch
	}
	return ErrInsufficientStock.WithField(field).WithMessage("%s: %s 在 %s 需要 %s, 可用 %s", what, label, wh.Name, qty.String(), avail.String()).
		WithDetails(map[string]any{"product_id": k.ProductID, "sku": prod.SKU, "warehouse_id": k.WarehouseID,
			"batch": k.Batch, "requested": qty.String(), "available": avail.String()})
}

func (p *Posting) record(b *Balance, lineID int64, kind string, qty, amount decimal.Decimal) {
	unit := Zero
	if !qty.IsZero() {
		unit = RoundCost(amount.Div(qty))
	}
	b.UpdatedAt = p.at
	at := p.at
	switch {
	case qty.IsNegative() && p.doc.Type != DocStocktake:
		b.IdleSince = &at
	case qty.IsPositive() && !b.OnHand.Sub(qty).IsPositive():
		b.IdleSince = &at // the stock now here arrived just now
	}
	p.changed[b.Key()] = true
	p.moves = append(p.moves, Move{
		ProductID: b.ProductID, WarehouseID: b.WarehouseID, Batch: b.Batch, Kind: kind,
		Qty: qty, UnitCost: unit, Amount: amount, BalanceQty: b.OnHand, BalanceValue: b.Value,
		DocType: p.doc.Type, DocID: p.doc.ID, DocNumber: p.doc.Number, LineID: lineID,
		PostedAt: p.at, BizDate: p.BizDate(), CreatedBy: p.by,
	})
}

// Loss issues qty from k at the moving-average cost without the
// availability check: a stocktake loss records goods that are already gone,
// so refusing it would only keep the books wrong. It never takes on-hand
// below the counted quantity, which is not negative.
func (p *Posting) Loss(k BalanceKey, lineID int64, qty decimal.Decimal) decimal.Decimal {
	b := p.balance(k)
	amount := b.issue(qty)
	p.record(b, lineID, MoveOut, qty.Neg(), amount.Neg())
	return amount
}

// SetExpiry records the expiry of a batch arriving at k when k has none yet.
func (p *Posting) SetExpiry(k BalanceKey, expiry *string) {
	b := p.balance(k)
	if b.Expiry == nil && expiry != nil {
		e := *expiry
		b.Expiry = &e
		p.changed[k] = true
	}
}

// Balance returns the current state of a locked balance.
func (p *Posting) Balance(k BalanceKey) Balance { return *p.balance(k) }

// Moves returns the moves written so far, in order.
func (p *Posting) Moves() []Move { return p.moves }

// Doc is the document being posted.
func (p *Posting) Doc() DocRef { return p.doc }

// ValueChange sums the value of the posting's moves: what the stock is
// worth more (or less) after it, and the gains and losses apart.
func (p *Posting) ValueChange() (net, gains, losses decimal.Decimal) {
	for _, m := range p.moves {
		net = net.Add(m.Amount)
		if m.Amount.IsPositive() {
			gains = gains.Add(m.Amount)
		} else {
			losses = losses.Sub(m.Amount)
		}
	}
	return net, gains, losses
}

// Changed returns the balances the posting touched, in key order.
func (p *Posting) Changed() []*Balance {
	keys := make([]BalanceKey, 0, len(p.changed))
	for k := range p.changed {
		keys = append(keys, k)
	}
	keys = SortKeys(keys)
	out := make([]*Balance, len(keys))
	for i, k := range keys {
		out[i] = p.balances[k]
	}
	return out
}

// CheckBatch enforces the batch rule for a product: batch-tracked products
// name a batch on every stock line, others never do.
func CheckBatch(field string, p Product, batch string) error {
	if p.BatchTracked && batch == "" {
		return Invalid(field, "商品 %s 启用了批次管理，必须填写批次", p.SKU)
	}
	if !p.BatchTracked && batch != "" {
		return Invalid(field, "商品 %s 未启用批次管理，不能填写批次", p.SKU)
	}
	if len(batch) > 64 {
		return Invalid(field, "批次号最长 64 位")
	}
	return nil
}

// Reserve sets qty of k aside for an approved sales order. Reserved stock is
// no longer available to other orders or transfers. Unless the warehouse
// allows negative stock, qty must not exceed what is available.
func (p *Posting) Reserve(k BalanceKey, qty decimal.Decimal, field string) error {
	b := p.balance(k)
	if err := p.checkAvailable(k, qty, field, "可用库存不足，无法预留"); err != nil {
		return err
	}
	b.Reserved = b.Reserved.Add(qty)
	p.changed[k] = true
	return nil
}

// Release gives back qty reserved on k (a shipment consumed it, or the order
// was cancelled or closed).
func (p *Posting) Release(k BalanceKey, qty decimal.Decimal) {
	b := p.balance(k)
	b.Reserved = b.Reserved.Sub(qty)
	if b.Reserved.IsNegative() {
		b.Reserved = Zero
	}
	p.changed[k] = true
}

// OutAt issues qty from k at a given amount instead of the average: a
// purchase return leaves at the cost it was received at. The average of what
// stays is re-derived; if nothing stays, any value left over is cleared by an
// adjustment move, so an empty balance never carries value.
func (p *Posting) OutAt(k BalanceKey, lineID int64, qty, amount decimal.Decimal, field string) error {
	b := p.balance(k)
	if err := p.checkAvailable(k, qty, field, "可用库存不足"); err != nil {
		return err
	}
	b.OnHand = b.OnHand.Sub(qty)
	b.Value = b.Value.Sub(amount)
	p.record(b, lineID, MoveOut, qty.Neg(), amount.Neg())
	switch {
	case b.OnHand.IsZero() && !b.Value.IsZero():
		adjust := b.Value.Neg()
		b.Value = Zero
		p.record(b, lineID, MoveAdjustment, Zero, adjust)
	case b.OnHand.IsPositive():
		b.AvgCost = RoundCost(b.Value.Div(b.OnHand))
	}
	return nil
}
