package domain

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// The order state machine (订单状态). Every change of an order's state goes
// through one of the methods below: each checks that the order may take the
// step from where it is, sets the new state and bumps the version once, so
// the version a client must send next is the same on every path (the ERP
// inbox, DingTalk OA events, cards, the bot and the H5 app).
//
//	draft|rejected ──Submit──> pending_approval ──Approve──> approved
//	      │                          │  └──Reject──> rejected
//	      └─Submit (no rule)─> approved  └──Withdraw──> draft (OA 撤销)
//	approved|partially_* ──Fulfil──> partially_received|received|partially_shipped|shipped
//	draft|pending|approved|rejected ──Cancel──> cancelled
//	partially_*|received|shipped ──Close──> closed

// ErrExceedsOpenQty refuses a receipt or shipment of more than an order line
// still has open (超出订单未完成数量).
var ErrExceedsOpenQty = &Error{Kind: KindInvalid, Code: "exceeds_open_qty"}

// Submission is what the submission of an order is decided on, gathered by
// the caller: the approval rules of its type, and for a sales order the
// outcome of the credit check (信用检查) and the credit policy (信用政策).
type Submission struct {
	Rules []ApprovalRule
	// CreditErr is CheckCredit's refusal; nil when the customer stays within
	// the limit or was not checked (purchase orders, no limit).
	CreditErr error
	// CreditToApproval is the policy sales.credit_policy = approval: an order
	// over the limit goes to a manager instead of being refused.
	CreditToApproval bool
}

// ApprovalRoute is who must approve a submitted order and why. An empty
// Role means nobody: the order is approved at once.
type ApprovalRoute struct {
	Role   Role
	Reason string
}

// Route decides where a submitted order goes. A credit refusal under the
// refuse policy is the error; under the approval policy it routes to a
// manager, which wins over any approval rule; otherwise the highest rule the
// total reaches decides (审批线).
func (o Order) Route(s Submission) (ApprovalRoute, error) {
	if err := o.CheckSubmittable(); err != nil {
		return ApprovalRoute{}, err
	}
	if s.CreditErr != nil {
		if !s.CreditToApproval {
			return ApprovalRoute{}, s.CreditErr
		}
		reason := s.CreditErr.Error()
		if de := AsError(s.CreditErr); de != nil {
			reason = de.Message
		}
		return ApprovalRoute{Role: RoleManager, Reason: reason}, nil
	}
	if r := MatchRule(s.Rules, o.Type, o.Total); r != nil {
		return ApprovalRoute{Role: r.Role, Reason: fmt.Sprintf("金额 %s 达到审批线 %s", o.Total.StringFixed(2), r.MinAmount.StringFixed(2))}, nil
	}
	return ApprovalRoute{}, nil
}

// Edit records an edit of a draft or rejected order (修改).
func (o *Order) Edit() error {
	if err := o.CheckEditable(); err != nil {
		return err
	}
	o.Version++
	return nil
}

// Submit sends a draft or rejected order for approval (提交审批): with an
// approval it waits for it (pending_approval); without one (approvalID nil,
// no rule applied) it is approved at once and keeps its earlier approval
// link. A sales order approved at once must have reserved its stock first.
func (o *Order) Submit(approvalID *int64) error {
	if err := o.CheckSubmittable(); err != nil {
		return err
	}
	if approvalID == nil {
		o.Status = OrderApproved
	} else {
		o.Status, o.ApprovalID = OrderPending, approvalID
	}
	o.Version++
	return nil
}

// CheckDecidable allows approving or rejecting an order that waits for a
// decision only.
func (o Order) CheckDecidable() error {
	if o.Status != OrderPending {
		return ErrInvalidState.WithMessage("%s 不在待审批状态", o.Label())
	}
	return nil
}

// Approve records an approval (审批通过). A sales order must have reserved
// its stock first.
func (o *Order) Approve() error {
	if err := o.CheckDecidable(); err != nil {
		return err
	}
	o.Status = OrderApproved
	o.Version++
	return nil
}

// Reject records a rejection (驳回): the order is editable again.
func (o *Order) Reject() error {
	if err := o.CheckDecidable(); err != nil {
		return err
	}
	o.Status = OrderRejected
	o.Version++
	return nil
}

// Withdraw returns a pending order to draft when its requester withdrew the
// approval (钉钉撤销): the approval link goes, as nothing was decided.
func (o *Order) Withdraw() error {
	if o.Status != OrderPending {
		return o.stateError("撤回")
	}
	o.Status, o.ApprovalID = OrderDraft, nil
	o.Version++
	return nil
}

// Cancel voids an order nothing was received or shipped against (作废).
func (o *Order) Cancel() error {
	if err := o.CheckCancellable(); err != nil {
		return err
	}
	o.Status = OrderCancelled
	o.Version++
	return nil
}

// Close gives up what is still open on an order that has started or
// finished its receipts or shipments (关闭).
func (o *Order) Close() error {
	if err := o.CheckClosable(); err != nil {
		return err
	}
	o.Status = OrderClosed
	o.Version++
	return nil
}

// CheckFulfilment validates the lines of a receipt (purchase) or shipment
// (sales) against the order: it may be fulfilled, the warehouse (0: the
// order's) is its warehouse, and each line names a line of this order and
// stays within what is still open, counting every request on one line.
func (o Order) CheckFulfilment(warehouseID int64, lines []MoveLine) error {
	if err := o.CheckFulfillable(); err != nil {
		return err
	}
	if warehouseID != 0 && warehouseID != o.WarehouseID {
		return Invalid("warehouse_id", "出入库仓库必须是订单的仓库 (%d)", o.WarehouseID)
	}
	if err := CheckMoveLines(lines, "order_line_id"); err != nil {
		return err
	}
	asked := map[int64]decimal.Decimal{}
	for i, ml := range lines {
		l := o.Line(ml.LineID)
		f := fmt.Sprintf("lines[%d]", i)
		if l == nil {
			return Invalid(f+".order_line_id", "%s 没有行 %d", o.Label(), ml.LineID)
		}
		asked[ml.LineID] = asked[ml.LineID].Add(ml.Qty)
		if open := l.OpenQty(o.Type); asked[ml.LineID].GreaterThan(open) {
			return ErrExceedsOpenQty.WithField(f+".qty").WithMessage("超出订单未完成数量: 行 %d 还剩 %s，本次 %s", ml.LineID, open, asked[ml.LineID]).
				WithDetails(map[string]any{"line_id": ml.LineID, "open_qty": open.String(), "requested": asked[ml.LineID].String()})
		}
	}
	return nil
}

// Line is the order's line with id, nil when it has none.
func (o *Order) Line(id int64) *OrderLine {
	for i := range o.Lines {
		if o.Lines[i].ID == id {
			return &o.Lines[i]
		}
	}
	return nil
}

// Fulfil records a posted receipt (purchase, 入库) or shipment (sales, 出库)
// of the lines and moves the order on: partially received or shipped, or
// received or shipped once every line is done. The lines were checked by
// CheckFulfilment.
func (o *Order) Fulfil(lines []MoveLine) error {
	if err := o.CheckFulfillable(); err != nil {
		return err
	}
	for _, ml := range lines {
		l := o.Line(ml.LineID)
		if l == nil {
			return Invalid("lines", "%s 没有行 %d", o.Label(), ml.LineID)
		}
		if o.Type == DocPurchaseOrder {
			l.ReceivedQty = l.ReceivedQty.Add(ml.Qty)
		} else {
			l.ShippedQty = l.ShippedQty.Add(ml.Qty)
		}
	}
	o.Progress()
	o.Version++
	return nil
}

// RecordReturn records returned quantities per order line (退货). A return
// leaves the state as it is: what was received or shipped stays done, so a
// closed or finished order is not reopened by one.
func (o *Order) RecordReturn(returned map[int64]decimal.Decimal) error {
	for id := range returned {
		if o.Line(id) == nil {
			return Invalid("lines", "%s 没有行 %d", o.Label(), id)
		}
	}
	for id, q := range returned {
		l := o.Line(id)
		l.ReturnedQty = l.ReturnedQty.Add(q)
	}
	o.Version++
	return nil
}
