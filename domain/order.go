package domain

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Document types of purchase-to-pay and order-to-cash.
const (
	DocPurchaseOrder   = "purchase_order"   // 采购订单
	DocSalesOrder      = "sales_order"      // 销售订单
	DocPurchaseReceipt = "purchase_receipt" // 采购入库单
	DocPurchaseReturn  = "purchase_return"  // 采购退货单
	DocSalesShipment   = "sales_shipment"   // 销售出库单
	DocSalesReturn     = "sales_return"     // 销售退货单
)

// Order states (API.md). Receipts move purchase orders forward, shipments
// sales orders.
const (
	OrderDraft             = "draft"
	OrderPending           = "pending_approval"
	OrderApproved          = "approved"
	OrderRejected          = "rejected"
	OrderPartiallyReceived = "partially_received"
	OrderReceived          = "received"
	OrderPartiallyShipped  = "partially_shipped"
	OrderShipped           = "shipped"
	OrderClosed            = "closed"
	OrderCancelled         = "cancelled"
)

// MoneyScale is the precision of document money: 分.
const MoneyScale = 2

// RoundMoney rounds to 分, half away from zero as on a fapiao.
func RoundMoney(d decimal.Decimal) decimal.Decimal { return d.Round(MoneyScale) }

// Order is a purchase order (采购订单) or a sales order (销售订单).
type Order struct {
	ID           int64           `json:"id"`
	Type         string          `json:"type"`
	Number       string          `json:"number"`
	Status       string          `json:"status"`
	PartnerID    int64           `json:"partner_id"`
	WarehouseID  int64           `json:"warehouse_id"`
	OrderDate    string          `json:"order_date"`
	ExpectedDate *string         `json:"expected_date"`
	Remark       string          `json:"remark"`
	Amount       decimal.Decimal `json:"amount"`
	TaxAmount    decimal.Decimal `json:"tax_amount"`
	Total        decimal.Decimal `json:"total"`
	ApprovalID   *int64          `json:"approval_id"`
	CreatedBy    int64           `json:"created_by"`
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
	Version      int             `json:"version"`
	Lines        []OrderLine     `json:"lines"`
}

// OrderLine is one product on an order. UnitPrice excludes VAT; Amount is
// the line net of discount, TaxAmount its VAT, Total both.
type OrderLine struct {
	ID           int64           `json:"id"`
	ProductID    int64           `json:"product_id"`
	Qty          decimal.Decimal `json:"qty"`
	UnitPrice    decimal.Decimal `json:"unit_price"`
	TaxRate      decimal.Decimal `json:"tax_rate"`
	DiscountRate decimal.Decimal `json:"discount_rate"`
	Amount       decimal.Decimal `json:"amount"`
	TaxAmount    decimal.Decimal `json:"tax_amount"`
	Total        decimal.Decimal `json:"total"`
	Remark       string          `json:"remark"`
	ReceivedQty  decimal.Decimal `json:"received_qty"`
	ShippedQty   decimal.Decimal `json:"shipped_qty"`
	ReturnedQty  decimal.Decimal `json:"returned_qty"`
	// taxRateUnset: the input gave no rate, so the product's applies. A
	// flag rather than a sentinel rate, so that a negative rate someone
	// typed is refused instead of silently replaced (issue 21); unexported,
	// so it is neither JSON nor a column.
	taxRateUnset bool
}

// UseProductTaxRate marks a line whose input gave no tax rate.
func (l *OrderLine) UseProductTaxRate() { l.taxRateUnset = true }

// DefaultTaxRate gives a line marked by UseProductTaxRate its product's
// rate; a rate the input gave is kept, to be checked by Validate.
func (l *OrderLine) DefaultTaxRate(product decimal.Decimal) {
	if l.taxRateUnset {
		l.TaxRate, l.taxRateUnset = product, false
	}
}

// DoneQty is what has been received (purchase) or shipped (sales).
func (l OrderLine) DoneQty(orderType string) decimal.Decimal {
	if orderType == DocPurchaseOrder {
		return l.ReceivedQty
	}
	return l.ShippedQty
}

// OpenQty is what is still to be received or shipped.
func (l OrderLine) OpenQty(orderType string) decimal.Decimal { return l.Qty.Sub(l.DoneQty(orderType)) }

// NetUnitPrice is the unit price after discount, the line's value per unit.
func (l OrderLine) NetUnitPrice() decimal.Decimal {
	return l.UnitPrice.Mul(decimal.NewFromInt(1).Sub(l.DiscountRate))
}

// Compute fills the line's amounts: amount = qty × price × (1 − discount),
// VAT on the amount, each rounded to 分.
func (l *OrderLine) Compute() {
	l.Amount = RoundMoney(l.Qty.Mul(l.NetUnitPrice()))
	l.TaxAmount = RoundMoney(l.Amount.Mul(l.TaxRate))
	l.Total = l.Amount.Add(l.TaxAmount)
}

// Validate checks the order's own fields and computes its totals.
func (o *Order) Validate() error {
	if o.Type != DocPurchaseOrder && o.Type != DocSalesOrder {
		return Invalid("type", "未知订单类型")
	}
	if o.PartnerID <= 0 {
		return Invalid("partner_id", "往来单位必填")
	}
	if o.WarehouseID <= 0 {
		return Invalid("warehouse_id", "仓库必填")
	}
	if _, err := ParseLocalDate("order_date", o.OrderDate); err != nil {
		return err
	}
	if o.ExpectedDate != nil {
		if _, err := ParseLocalDate("expected_date", *o.ExpectedDate); err != nil {
			return err
		}
		if *o.ExpectedDate < o.OrderDate {
			return Invalid("expected_date", "预计交货日期 %s 不能早于订单日期 %s", *o.ExpectedDate, o.OrderDate)
		}
	}
	if err := checkDocRemark(o.Remark); err != nil {
		return err
	}
	if len(o.Lines) == 0 {
		return Invalid("lines", "至少需要一行")
	}
	if len(o.Lines) > 2000 {
		return Invalid("lines", "一张订单最多 2000 行")
	}
	o.Amount, o.TaxAmount, o.Total = Zero, Zero, Zero
	for i := range o.Lines {
		l := &o.Lines[i]
		f := fmt.Sprintf("lines[%d]", i)
		if l.ProductID <= 0 {
			return Invalid(f+".product_id", "商品必填")
		}
		if err := CheckPositiveQty(f+".qty", l.Qty); err != nil {
			return err
		}
		if l.UnitPrice.IsNegative() {
			return Invalid(f+".unit_price", "单价不能为负")
		}
		if err := CheckScale(f+".unit_price", l.UnitPrice, CostScale); err != nil {
			return err
		}
		if l.TaxRate.IsNegative() || l.TaxRate.GreaterThan(decimal.NewFromInt(1)) {
			return Invalid(f+".tax_rate", "税率应在 0 到 1 之间，例如 0.13")
		}
		if l.DiscountRate.IsNegative() || l.DiscountRate.GreaterThanOrEqual(decimal.NewFromInt(1)) {
			return Invalid(f+".discount_rate", "折扣率应在 0 到 1 之间（0.1 表示优惠 10%%）")
		}
		if err := CheckScale(f+".discount_rate", l.DiscountRate, 4); err != nil {
			return err
		}
		if err := checkLen(f+".remark", l.Remark, 200); err != nil {
			return err
		}
		l.Compute()
		o.Amount = o.Amount.Add(l.Amount)
		o.TaxAmount = o.TaxAmount.Add(l.TaxAmount)
		o.Total = o.Total.Add(l.Total)
	}
	return nil
}

// Label is the order's name for messages: 采购订单 PO20261123-0001.
func (o Order) Label() string { return DocName(o.Type) + " " + o.Number }

func (o Order) stateError(action string) error {
	return ErrInvalidState.WithMessage("%s 状态为 %s，不能%s", o.Label(), StatusName(o.Status), action)
}

// CheckEditable allows edits of drafts and rejected orders only.
func (o Order) CheckEditable() error {
	if o.Status != OrderDraft && o.Status != OrderRejected {
		return o.stateError("修改")
	}
	return nil
}

// CheckSubmittable allows submitting drafts and rejected orders.
func (o Order) CheckSubmittable() error {
	if o.Status != OrderDraft && o.Status != OrderRejected {
		return o.stateError("提交审批")
	}
	return nil
}

// CheckCancellable allows cancelling an order nothing has been received or
// shipped against; after that, the rest of an order is closed instead.
func (o Order) CheckCancellable() error {
	switch o.Status {
	case OrderDraft, OrderPending, OrderApproved, OrderRejected:
		return nil
	}
	return o.stateError("作废（已有出入库的订单请使用关闭）")
}

// CheckClosable allows closing an order that has started or finished its
// receipts or shipments: what is still open is given up.
func (o Order) CheckClosable() error {
	switch o.Status {
	case OrderPartiallyReceived, OrderReceived, OrderPartiallyShipped, OrderShipped:
		return nil
	}
	return o.stateError("关闭")
}

// CheckFulfillable allows receipts (purchase) or shipments (sales) against
// an approved or partly done order.
func (o Order) CheckFulfillable() error {
	switch o.Status {
	case OrderApproved, OrderPartiallyReceived, OrderPartiallyShipped:
		return nil
	}
	if o.Type == DocPurchaseOrder {
		return o.stateError("入库")
	}
	return o.stateError("出库")
}

// Progress sets the state from the lines after a receipt or shipment.
func (o *Order) Progress() {
	all, any := true, false
	for _, l := range o.Lines {
		done := l.DoneQty(o.Type)
		if done.IsPositive() {
			any = true
		}
		if done.LessThan(l.Qty) {
			all = false
		}
	}
	purchase := o.Type == DocPurchaseOrder
	switch {
	case all && purchase:
		o.Status = OrderReceived
	case all:
		o.Status = OrderShipped
	case any && purchase:
		o.Status = OrderPartiallyReceived
	case any:
		o.Status = OrderPartiallyShipped
	default:
		o.Status = OrderApproved
	}
}

var statusNames = map[string]string{
	OrderDraft: "草稿", OrderPending: "待审批", OrderApproved: "已审批", OrderRejected: "已驳回",
	OrderPartiallyReceived: "部分入库", OrderReceived: "已入库", OrderPartiallyShipped: "部分出库",
	OrderShipped: "已出库", OrderClosed: "已关闭", OrderCancelled: "已作废", DocPosted: "已过账",
}

// StatusName is a state's name for people.
func StatusName(s string) string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return s
}

// StockDoc is a posted goods movement against an order or an earlier
// movement: a receipt (入库), a shipment (出库), or a return of either.
type StockDoc struct {
	ID          int64           `json:"id"`
	Type        string          `json:"type"`
	Number      string          `json:"number"`
	Status      string          `json:"status"`
	OrderID     int64           `json:"order_id"`
	SourceID    *int64          `json:"source_id"` // the receipt or shipment a return reverses
	PartnerID   int64           `json:"partner_id"`
	WarehouseID int64           `json:"warehouse_id"`
	Remark      string          `json:"remark"`
	Amount      decimal.Decimal `json:"amount"`
	TaxAmount   decimal.Decimal `json:"tax_amount"`
	Total       decimal.Decimal `json:"total"`
	CostAmount  decimal.Decimal `json:"cost_amount"`
	// InvoiceStatus is empty when the document was billed as it posted,
	// else pending or invoiced (finance.bill_at = invoice).
	InvoiceStatus string    `json:"invoice_status"`
	InvoiceID     *int64    `json:"invoice_id"`
	PostedAt      time.Time `json:"posted_at"`
	// BizDate is the 业务日期: the period the document is booked in.
	BizDate   string         `json:"biz_date"`
	CreatedBy int64          `json:"created_by"`
	CreatedAt time.Time      `json:"created_at"`
	Lines     []StockDocLine `json:"lines"`
	// Delivery is a shipment's 发货信息 (empty on other documents).
	Delivery
}

// StockDocLine is one product moved. Amount/TaxAmount/Total are at the
// order's price (what the partner owes or is owed); UnitCost/CostAmount at
// the inventory cost it moved with.
type StockDocLine struct {
	ID           int64           `json:"id"`
	OrderLineID  int64           `json:"order_line_id"`
	SourceLineID *int64          `json:"source_line_id"`
	ProductID    int64           `json:"product_id"`
	Batch        string          `json:"batch"`
	Expiry       *string         `json:"expiry"`
	Qty          decimal.Decimal `json:"qty"`
	UnitPrice    decimal.Decimal `json:"unit_price"`
	TaxRate      decimal.Decimal `json:"tax_rate"`
	Amount       decimal.Decimal `json:"amount"`
	TaxAmount    decimal.Decimal `json:"tax_amount"`
	Total        decimal.Decimal `json:"total"`
	UnitCost     decimal.Decimal `json:"unit_cost"`
	CostAmount   decimal.Decimal `json:"cost_amount"`
	ReturnedQty  decimal.Decimal `json:"returned_qty"`
}

// PriceLine fills a line's money at a net unit price and tax rate.
func (l *StockDocLine) PriceLine(netUnitPrice, taxRate decimal.Decimal) {
	l.UnitPrice, l.TaxRate = netUnitPrice, taxRate
	l.Amount = RoundMoney(l.Qty.Mul(netUnitPrice))
	l.TaxAmount = RoundMoney(l.Amount.Mul(taxRate))
	l.Total = l.Amount.Add(l.TaxAmount)
}

// Sum totals the lines into the header.
func (d *StockDoc) Sum() {
	d.Amount, d.TaxAmount, d.Total, d.CostAmount = Zero, Zero, Zero, Zero
	for _, l := range d.Lines {
		d.Amount = d.Amount.Add(l.Amount)
		d.TaxAmount = d.TaxAmount.Add(l.TaxAmount)
		d.Total = d.Total.Add(l.Total)
		d.CostAmount = d.CostAmount.Add(l.CostAmount)
	}
}

// MoveLine is one line of a receipt, shipment or return request: which
// order (or source) line, how much, and for receipts the batch and expiry.
type MoveLine struct {
	LineID int64           `json:"line_id"`
	Qty    decimal.Decimal `json:"qty"`
	Batch  string          `json:"batch"`
	Expiry *string         `json:"expiry"`
}

// CheckMoveLines validates the lines of a receipt, shipment or return: each
// names a line once with a positive quantity.
func CheckMoveLines(lines []MoveLine, lineField string) error {
	if len(lines) == 0 {
		return Invalid("lines", "至少需要一行")
	}
	if len(lines) > 2000 {
		return Invalid("lines", "一张单据最多 2000 行")
	}
	seen := map[string]bool{}
	for i, l := range lines {
		f := fmt.Sprintf("lines[%d]", i)
		if l.LineID <= 0 {
			return Invalid(f+"."+lineField, "必须指明行")
		}
		key := fmt.Sprint(l.LineID, "|", l.Batch)
		if seen[key] {
			return Invalid(f+"."+lineField, "同一行在单据中重复")
		}
		seen[key] = true
		if err := CheckPositiveQty(f+".qty", l.Qty); err != nil {
			return err
		}
		if l.Expiry != nil {
			if _, err := ParseLocalDate(f+".expiry", *l.Expiry); err != nil {
				return err
			}
		}
		if len(strings.TrimSpace(l.Batch)) != len(l.Batch) {
			return Invalid(f+".batch", "批次号前后不能有空格")
		}
	}
	return nil
}

// ErrCreditLimitExceeded is returned when a sales order would take a
// customer past its credit limit.
var ErrCreditLimitExceeded = &Error{Kind: KindInvalid, Code: "credit_limit_exceeded"}

// CheckCredit refuses an order whose total, added to what the customer
// already owes, exceeds the credit limit. A zero limit means no limit.
func CheckCredit(p Partner, openReceivables, orderTotal decimal.Decimal) error {
	if !p.CreditLimit.IsPositive() {
		return nil
	}
	exposure := openReceivables.Add(orderTotal)
	if exposure.LessThanOrEqual(p.CreditLimit) {
		return nil
	}
	return ErrCreditLimitExceeded.WithMessage("客户 %s 超出信用额度: 额度 %s，未收款 %s，本单 %s",
		p.Name, p.CreditLimit.StringFixed(2), openReceivables.StringFixed(2), orderTotal.StringFixed(2)).
		WithDetails(map[string]any{"credit_limit": p.CreditLimit.String(), "open_receivables": openReceivables.String(),
			"order_total": orderTotal.String(), "exceeded_by": exposure.Sub(p.CreditLimit).String()})
}
