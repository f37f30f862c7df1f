package domain

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

var allOrderStates = []string{OrderDraft, OrderPending, OrderApproved, OrderRejected, OrderPartiallyReceived,
	OrderReceived, OrderPartiallyShipped, OrderShipped, OrderClosed, OrderCancelled}

func orderQty(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// testOrder is an order of typ in status with two lines of 10, nothing done.
func stateOrder(typ, status string) *Order {
	return &Order{ID: 7, Type: typ, Number: "SO20261207-0001", Status: status, PartnerID: 1, WarehouseID: 3, Version: 4,
		Total: orderQty("1130"), Lines: []OrderLine{{ID: 11, ProductID: 1, Qty: orderQty("10")}, {ID: 12, ProductID: 2, Qty: orderQty("10")}}}
}

// orderAction is one step of the state machine as the app takes it.
type orderAction struct {
	name string
	do   func(o *Order) error
	// to maps each legal from-state to the state the step leads to; every
	// other state refuses with invalid_state and a message containing refused.
	to      map[string]string
	refused string
}

func orderActions(typ string) []orderAction {
	approvalID := int64(99)
	done := OrderShipped
	partly := OrderPartiallyShipped
	verb := "不能出库"
	if typ == DocPurchaseOrder {
		done, partly, verb = OrderReceived, OrderPartiallyReceived, "不能入库"
	}
	fulfillable := []string{OrderApproved, OrderPartiallyReceived, OrderPartiallyShipped}
	partial, full := map[string]string{}, map[string]string{}
	for _, s := range fulfillable {
		partial[s], full[s] = partly, done
	}
	returnable := map[string]string{}
	for _, s := range allOrderStates {
		returnable[s] = s // a return never moves the state
	}
	return []orderAction{
		{"edit", (*Order).Edit, map[string]string{OrderDraft: OrderDraft, OrderRejected: OrderRejected}, "不能修改"},
		{"submit without approval", func(o *Order) error { return o.Submit(nil) },
			map[string]string{OrderDraft: OrderApproved, OrderRejected: OrderApproved}, "不能提交审批"},
		{"submit for approval", func(o *Order) error { return o.Submit(&approvalID) },
			map[string]string{OrderDraft: OrderPending, OrderRejected: OrderPending}, "不能提交审批"},
		{"approve", (*Order).Approve, map[string]string{OrderPending: OrderApproved}, "不在待审批状态"},
		{"reject", (*Order).Reject, map[string]string{OrderPending: OrderRejected}, "不在待审批状态"},
		{"withdraw", (*Order).Withdraw, map[string]string{OrderPending: OrderDraft}, "不能撤回"},
		{"cancel", (*Order).Cancel, map[string]string{OrderDraft: OrderCancelled, OrderPending: OrderCancelled,
			OrderApproved: OrderCancelled, OrderRejected: OrderCancelled}, "不能作废（已有出入库的订单请使用关闭）"},
		{"close", (*Order).Close, map[string]string{OrderPartiallyReceived: OrderClosed, OrderReceived: OrderClosed,
			OrderPartiallyShipped: OrderClosed, OrderShipped: OrderClosed}, "不能关闭"},
		{"fulfil part", func(o *Order) error { return o.Fulfil([]MoveLine{{LineID: 11, Qty: orderQty("4")}}) }, partial, verb},
		{"fulfil all", func(o *Order) error {
			return o.Fulfil([]MoveLine{{LineID: 11, Qty: orderQty("10")}, {LineID: 12, Qty: orderQty("6")}, {LineID: 12, Qty: orderQty("4"), Batch: "B2"}})
		}, full, verb},
		{"return", func(o *Order) error { return o.RecordReturn(map[int64]decimal.Decimal{11: orderQty("1")}) }, returnable, ""},
	}
}

// TestOrderStateMachine runs every action from every state, for both order
// types: a legal step lands in its state and bumps the version once; an
// illegal one is invalid_state with the message the API has always given,
// and leaves the order as it was.
func TestOrderStateMachine(t *testing.T) {
	for _, typ := range []string{DocPurchaseOrder, DocSalesOrder} {
		for _, act := range orderActions(typ) {
			for _, from := range allOrderStates {
				t.Run(typ+"/"+act.name+"/"+from, func(t *testing.T) {
					o := stateOrder(typ, from)
					err := act.do(o)
					want, legal := act.to[from]
					if !legal {
						de := AsError(err)
						if de == nil || de.Code != CodeInvalidState || de.Kind != KindConflict {
							t.Fatalf("%s from %s: want invalid_state, got %v", act.name, from, err)
						}
						if !strings.Contains(de.Message, act.refused) || !strings.Contains(de.Message, o.Number) {
							t.Fatalf("message %q lacks %q", de.Message, act.refused)
						}
						if o.Status != from || o.Version != 4 {
							t.Fatalf("refused step changed the order: %s v%d", o.Status, o.Version)
						}
						return
					}
					if err != nil {
						t.Fatalf("%s from %s: %v", act.name, from, err)
					}
					if o.Status != want || o.Version != 5 {
						t.Fatalf("%s from %s: got %s v%d, want %s v5", act.name, from, o.Status, o.Version, want)
					}
				})
			}
		}
	}
}

func TestOrderApprovalLink(t *testing.T) {
	id, old := int64(99), int64(42)
	o := stateOrder(DocSalesOrder, OrderRejected)
	o.ApprovalID = &old
	if err := o.Submit(nil); err != nil || o.ApprovalID != &old {
		t.Fatalf("approved at once keeps the earlier approval: %v %v", o.ApprovalID, err)
	}
	o = stateOrder(DocSalesOrder, OrderDraft)
	if err := o.Submit(&id); err != nil || o.ApprovalID == nil || *o.ApprovalID != 99 {
		t.Fatalf("submitted for approval links it: %v %v", o.ApprovalID, err)
	}
	if err := o.Withdraw(); err != nil || o.ApprovalID != nil || o.Status != OrderDraft {
		t.Fatalf("withdrawn: %+v %v", o, err)
	}
}

func TestOrderFulfilQuantities(t *testing.T) {
	tests := []struct {
		name       string
		typ, from  string
		received   []string // per line, before
		shipped    []string
		lines      []MoveLine
		want       string
		wantDone   []string
		wantErrTxt string
	}{
		{"first receipt", DocPurchaseOrder, OrderApproved, []string{"0", "0"}, []string{"0", "0"},
			[]MoveLine{{LineID: 12, Qty: orderQty("2")}}, OrderPartiallyReceived, []string{"0", "2"}, ""},
		{"last receipt", DocPurchaseOrder, OrderPartiallyReceived, []string{"10", "2"}, []string{"0", "0"},
			[]MoveLine{{LineID: 12, Qty: orderQty("8")}}, OrderReceived, []string{"10", "10"}, ""},
		{"two batches of one line", DocPurchaseOrder, OrderApproved, []string{"0", "0"}, []string{"0", "0"},
			[]MoveLine{{LineID: 11, Qty: orderQty("3"), Batch: "A"}, {LineID: 11, Qty: orderQty("7"), Batch: "B"}}, OrderPartiallyReceived, []string{"10", "0"}, ""},
		{"shipment", DocSalesOrder, OrderApproved, []string{"0", "0"}, []string{"0", "0"},
			[]MoveLine{{LineID: 11, Qty: orderQty("10")}, {LineID: 12, Qty: orderQty("10")}}, OrderShipped, []string{"10", "10"}, ""},
		{"unknown line", DocSalesOrder, OrderApproved, []string{"0", "0"}, []string{"0", "0"},
			[]MoveLine{{LineID: 13, Qty: orderQty("1")}}, OrderApproved, []string{"0", "0"}, "没有行 13"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := stateOrder(tt.typ, tt.from)
			for i := range o.Lines {
				o.Lines[i].ReceivedQty, o.Lines[i].ShippedQty = orderQty(tt.received[i]), orderQty(tt.shipped[i])
			}
			err := o.Fulfil(tt.lines)
			if tt.wantErrTxt != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrTxt) {
					t.Fatalf("want %q, got %v", tt.wantErrTxt, err)
				}
				return
			}
			if err != nil || o.Status != tt.want {
				t.Fatalf("got %s, %v; want %s", o.Status, err, tt.want)
			}
			for i, l := range o.Lines {
				if !l.DoneQty(tt.typ).Equal(orderQty(tt.wantDone[i])) {
					t.Fatalf("line %d done %s, want %s", l.ID, l.DoneQty(tt.typ), tt.wantDone[i])
				}
			}
		})
	}
}

func TestOrderRecordReturn(t *testing.T) {
	o := stateOrder(DocSalesOrder, OrderClosed)
	if err := o.RecordReturn(map[int64]decimal.Decimal{11: orderQty("2"), 12: orderQty("1")}); err != nil {
		t.Fatal(err)
	}
	if o.Status != OrderClosed || !o.Lines[0].ReturnedQty.Equal(orderQty("2")) || !o.Lines[1].ReturnedQty.Equal(orderQty("1")) || o.Version != 5 {
		t.Fatalf("%+v", o)
	}
	if err := o.RecordReturn(map[int64]decimal.Decimal{11: orderQty("1"), 99: orderQty("1")}); err == nil || o.Version != 5 || !o.Lines[0].ReturnedQty.Equal(orderQty("2")) {
		t.Fatalf("an unknown line changes nothing: %v %+v", err, o)
	}
}

func TestOrderProgressBackToApproved(t *testing.T) {
	// A receipt fully returned leaves nothing done: the state computed from
	// the lines is approved again (Progress is what Fulfil applies).
	o := stateOrder(DocPurchaseOrder, OrderPartiallyReceived)
	o.Progress()
	if o.Status != OrderApproved {
		t.Fatal(o.Status)
	}
}

func TestCheckFulfilment(t *testing.T) {
	tests := []struct {
		name      string
		typ, from string
		wh        int64
		lines     []MoveLine
		code      string
		field     string
	}{
		{"ok", DocSalesOrder, OrderApproved, 0, []MoveLine{{LineID: 11, Qty: orderQty("10")}}, "", ""},
		{"ok in its warehouse", DocPurchaseOrder, OrderPartiallyReceived, 3, []MoveLine{{LineID: 11, Qty: orderQty("1")}}, "", ""},
		{"not approved", DocSalesOrder, OrderPending, 0, []MoveLine{{LineID: 11, Qty: orderQty("1")}}, CodeInvalidState, ""},
		{"closed", DocPurchaseOrder, OrderClosed, 0, []MoveLine{{LineID: 11, Qty: orderQty("1")}}, CodeInvalidState, ""},
		{"other warehouse", DocSalesOrder, OrderApproved, 4, []MoveLine{{LineID: 11, Qty: orderQty("1")}}, CodeValidation, "warehouse_id"},
		{"no lines", DocSalesOrder, OrderApproved, 0, nil, CodeValidation, "lines"},
		{"unknown line", DocSalesOrder, OrderApproved, 0, []MoveLine{{LineID: 13, Qty: orderQty("1")}}, CodeValidation, "lines[0].order_line_id"},
		{"over the open qty", DocSalesOrder, OrderApproved, 0, []MoveLine{{LineID: 12, Qty: orderQty("10.001")}}, "exceeds_open_qty", "lines[0].qty"},
		{"over it in two batches", DocPurchaseOrder, OrderApproved, 0,
			[]MoveLine{{LineID: 11, Qty: orderQty("6"), Batch: "A"}, {LineID: 11, Qty: orderQty("5"), Batch: "B"}}, "exceeds_open_qty", "lines[1].qty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := stateOrder(tt.typ, tt.from).CheckFulfilment(tt.wh, tt.lines)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			de := AsError(err)
			if de == nil || de.Code != tt.code || de.Field != tt.field {
				t.Fatalf("got %v, want %s on %q", err, tt.code, tt.field)
			}
		})
	}
}

func TestOrderRoute(t *testing.T) {
	rules := []ApprovalRule{
		{DocType: DocSalesOrder, MinAmount: orderQty("1000"), Role: RoleFinance, Enabled: true},
		{DocType: DocSalesOrder, MinAmount: orderQty("100000"), Role: RoleAdmin, Enabled: true},
		{DocType: DocPurchaseOrder, MinAmount: orderQty("0"), Role: RoleManager, Enabled: true},
		{DocType: DocSalesOrder, MinAmount: orderQty("0"), Role: RoleAdmin, Enabled: false},
	}
	over := CheckCredit(Partner{Name: "华东商贸", CreditLimit: orderQty("1000")}, orderQty("500"), orderQty("1130"))
	tests := []struct {
		name     string
		from     string
		total    string
		sub      Submission
		role     Role
		reason   string
		errCode  string
		errMatch string
	}{
		{"no rule reached", OrderDraft, "999.99", Submission{Rules: rules}, "", "", "", ""},
		{"threshold reached exactly", OrderDraft, "1000", Submission{Rules: rules}, RoleFinance, "金额 1000.00 达到审批线 1000.00", "", ""},
		{"highest threshold decides", OrderRejected, "100000", Submission{Rules: rules}, RoleAdmin, "达到审批线 100000.00", "", ""},
		{"over credit, refuse", OrderDraft, "1130", Submission{Rules: rules, CreditErr: over}, "", "", "credit_limit_exceeded", "超出信用额度"},
		{"over credit, to a manager", OrderDraft, "1130", Submission{Rules: rules, CreditErr: over, CreditToApproval: true},
			RoleManager, "客户 华东商贸 超出信用额度", "", ""},
		{"not submittable", OrderApproved, "1", Submission{Rules: rules}, "", "", CodeInvalidState, "不能提交审批"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := stateOrder(DocSalesOrder, tt.from)
			o.Total = orderQty(tt.total)
			route, err := o.Route(tt.sub)
			if tt.errCode != "" {
				de := AsError(err)
				if de == nil || de.Code != tt.errCode || !strings.Contains(de.Message, tt.errMatch) {
					t.Fatalf("got %v, want %s", err, tt.errCode)
				}
				return
			}
			if err != nil || route.Role != tt.role || !strings.Contains(route.Reason, tt.reason) {
				t.Fatalf("got %+v %v, want %s %q", route, err, tt.role, tt.reason)
			}
		})
	}
}
