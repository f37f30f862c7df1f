package app_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
)

func (e *env) partner(code, typ string, limit string) *domain.Partner {
	return must[*domain.Partner](e.t)(e.app.Catalog().Partners.Create(e.admin, app.PartnerInput{Code: &code, Name: ptr("单位" + code), Type: &typ, CreditLimit: ptr(d(limit))}))
}

func (e *env) order(typ string, partner, wh int64, lines ...app.OrderLineInput) *domain.Order {
	e.t.Helper()
	return must[*domain.Order](e.t)(e.app.CreateOrder(e.admin, typ, app.OrderInput{PartnerID: &partner, WarehouseID: &wh, Lines: &lines}))
}

func (e *env) submit(o *domain.Order) *domain.Order {
	e.t.Helper()
	return must[*domain.Order](e.t)(e.app.SubmitOrder(e.admin, o.Type, o.ID, 0))
}

func (e *env) receive(o *domain.Order, lines ...domain.MoveLine) *domain.StockDoc {
	e.t.Helper()
	return must[*domain.StockDoc](e.t)(e.app.PostReceipt(e.admin, app.ReceiptInput{OrderID: o.ID, Lines: lines}))
}

func (e *env) status(typ string, id int64) string {
	e.t.Helper()
	return must[*app.OrderView](e.t)(e.app.GetOrder(e.admin, typ, id)).Status
}

func (e *env) wantAvg(product, wh int64, onHand, avg string) {
	e.t.Helper()
	b := e.balance(product, wh, "")
	if !b.OnHand.Equal(d(onHand)) || !b.AvgCost.Equal(d(avg)) {
		e.t.Fatalf("on hand %s @ %s, want %s @ %s", b.OnHand, b.AvgCost, onHand, avg)
	}
}

// The scenario, worked by hand: receive 100 @ 10 in two partial
// receipts and 100 @ 13 (average 11.50), ship 150 at 20, take 10 back,
// return 20 to the supplier at 13.
func TestPurchaseToPayOrderToCashScenario(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		wh := e.warehouse("W1", false)
		p := e.product("A001", u.ID, false)
		sup := e.partner("S1", domain.PartnerSupplier, "0")
		cus := e.partner("C1", domain.PartnerCustomer, "0")

		po1 := e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("100"), UnitPrice: d("10")})
		if !po1.Amount.Equal(d("1000")) || !po1.TaxAmount.Equal(d("130")) || !po1.Total.Equal(d("1130")) || po1.Number[:2] != "PO" {
			t.Fatalf("po1 = %s %s %s %s", po1.Number, po1.Amount, po1.TaxAmount, po1.Total)
		}
		_, err := e.app.PostReceipt(e.admin, app.ReceiptInput{OrderID: po1.ID, Lines: []domain.MoveLine{{LineID: po1.Lines[0].ID, Qty: d("1")}}})
		wantCode(t, err, domain.CodeInvalidState) // a draft cannot be received
		po1 = e.submit(po1)
		if po1.Status != domain.OrderApproved {
			t.Fatalf("no rule: approved at once, got %s", po1.Status)
		}
		gr := e.receive(po1, domain.MoveLine{LineID: po1.Lines[0].ID, Qty: d("60")})
		if gr.Number[:2] != "GR" || !gr.Total.Equal(d("678")) || !gr.CostAmount.Equal(d("600")) {
			t.Fatalf("receipt = %s total %s cost %s", gr.Number, gr.Total, gr.CostAmount)
		}
		if s := e.status(po1.Type, po1.ID); s != domain.OrderPartiallyReceived {
			t.Fatalf("po1 after 60 = %s", s)
		}
		e.wantAvg(p.ID, wh.ID, "60", "10")
		_, err = e.app.PostReceipt(e.admin, app.ReceiptInput{OrderID: po1.ID, Lines: []domain.MoveLine{{LineID: po1.Lines[0].ID, Qty: d("41")}}})
		if de := wantCode(t, err, "exceeds_open_qty"); de.Field != "lines[0].qty" {
			t.Fatal(de)
		}
		e.receive(po1, domain.MoveLine{LineID: po1.Lines[0].ID, Qty: d("40")})
		if s := e.status(po1.Type, po1.ID); s != domain.OrderReceived {
			t.Fatalf("po1 after 100 = %s", s)
		}
		e.wantAvg(p.ID, wh.ID, "100", "10")

		po2 := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("100"), UnitPrice: d("13")}))
		gr2 := e.receive(po2, domain.MoveLine{LineID: po2.Lines[0].ID, Qty: d("100")})
		e.wantAvg(p.ID, wh.ID, "200", "11.5")

		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("150"), UnitPrice: d("20")}))
		if so.Status != domain.OrderApproved {
			t.Fatalf("so = %s", so.Status)
		}
		b := e.balance(p.ID, wh.ID, "")
		if !b.Reserved.Equal(d("150")) || !b.Available().Equal(d("50")) {
			t.Fatalf("after approval reserved %s available %s", b.Reserved, b.Available())
		}
		gi := must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID, Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("150")}}}))
		if !gi.Amount.Equal(d("3000")) || !gi.CostAmount.Equal(d("1725")) || gi.Number[:2] != "GI" {
			t.Fatalf("shipment revenue %s cost %s", gi.Amount, gi.CostAmount)
		}
		if s := e.status(so.Type, so.ID); s != domain.OrderShipped {
			t.Fatalf("so after shipment = %s", s)
		}
		e.wantAvg(p.ID, wh.ID, "50", "11.5")
		if r := e.balance(p.ID, wh.ID, "").Reserved; !r.IsZero() {
			t.Fatalf("reserved after full shipment = %s", r)
		}

		sr := must[*domain.StockDoc](t)(e.app.PostSalesReturn(e.admin, app.ReturnInput{SourceID: gi.ID, Lines: []domain.MoveLine{{LineID: gi.Lines[0].ID, Qty: d("10")}}}))
		if !sr.CostAmount.Equal(d("115")) || !sr.Amount.Equal(d("200")) || sr.Number[:2] != "SR" {
			t.Fatalf("sales return cost %s amount %s", sr.CostAmount, sr.Amount)
		}
		e.wantAvg(p.ID, wh.ID, "60", "11.5")
		_, err = e.app.PostSalesReturn(e.admin, app.ReturnInput{SourceID: gi.ID, Lines: []domain.MoveLine{{LineID: gi.Lines[0].ID, Qty: d("141")}}})
		wantCode(t, err, "exceeds_returnable_qty")

		pr := must[*domain.StockDoc](t)(e.app.PostPurchaseReturn(e.admin, app.ReturnInput{SourceID: gr2.ID, Lines: []domain.MoveLine{{LineID: gr2.Lines[0].ID, Qty: d("20")}}}))
		if !pr.CostAmount.Equal(d("260")) || !pr.Total.Equal(d("293.8")) || pr.Number[:2] != "PR" {
			t.Fatalf("purchase return cost %s total %s", pr.CostAmount, pr.Total)
		}
		e.wantAvg(p.ID, wh.ID, "40", "10.75")
		_, err = e.app.PostPurchaseReturn(e.admin, app.ReturnInput{SourceID: gr2.ID, Lines: []domain.MoveLine{{LineID: gr2.Lines[0].ID, Qty: d("81")}}})
		wantCode(t, err, "exceeds_returnable_qty")

		// The gross-profit report: revenue 3000 − 200, cost 1725 − 115.
		gp := must[*app.Report](t)(e.app.Report(e.admin, "gross-profit", app.ReportParams{}))
		rows := gp.Items.([]store.SummaryRow)
		if len(rows) != 1 || !rows[0].Amount.Equal(d("2800")) || !rows[0].Cost.Equal(d("1610")) || !rows[0].Profit.Equal(d("1190")) ||
			!rows[0].Qty.Equal(d("140")) || !rows[0].ReturnQty.Equal(d("10")) || !rows[0].Margin.Equal(d("0.425")) {
			t.Fatalf("gross profit = %+v", rows)
		}
		if gp.Total != 1 {
			t.Fatalf("gross profit counts %d groups, want 1", gp.Total)
		}
		// A page past the end is empty and still counts the groups.
		past := must[*app.Report](t)(e.app.Report(e.admin, "gross-profit", app.ReportParams{ListParams: app.ListParams{Page: 2, PageSize: 1}}))
		if len(past.Items.([]store.SummaryRow)) != 0 || past.Total != 1 {
			t.Fatalf("gross profit, page 2: %+v", past)
		}
		byCustomer := must[*app.Report](t)(e.app.Report(e.admin, "gross-profit", app.ReportParams{GroupBy: "partner"})).Items.([]store.SummaryRow)
		if len(byCustomer) != 1 || byCustomer[0].Key != "C1" || !byCustomer[0].Profit.Equal(d("1190")) {
			t.Fatalf("gross profit by customer = %+v", byCustomer)
		}
		byMonth := must[*app.Report](t)(e.app.Report(e.admin, "gross-profit", app.ReportParams{GroupBy: "month"})).Items.([]store.SummaryRow)
		if len(byMonth) != 1 || byMonth[0].Key != e.store.Now().In(domain.Shanghai).Format("2006-01") {
			t.Fatalf("gross profit by month = %+v", byMonth)
		}
		ps := must[*app.Report](t)(e.app.Report(e.admin, "purchase-summary", app.ReportParams{GroupBy: "partner"})).Items.([]store.SummaryRow)
		if len(ps) != 1 || !ps[0].Qty.Equal(d("180")) || !ps[0].Amount.Equal(d("2040")) {
			t.Fatalf("purchase summary = %+v", ps) // 1000 + 1300 − 260
		}
		sd := must[*app.Report](t)(e.app.Report(e.admin, "sales-detail", app.ReportParams{}))
		if sd.Total != 2 {
			t.Fatalf("sales detail rows = %d", sd.Total)
		}
		inv := must[*app.Report](t)(e.app.Report(e.admin, "inventory-balance", app.ReportParams{}))
		if ir := inv.Items.([]store.InventoryRow); len(ir) != 1 || !ir[0].OnHand.Equal(d("40")) || !ir[0].Value.Equal(d("430")) {
			t.Fatalf("inventory balance = %+v", ir)
		}
		yesterday := e.store.Now().In(domain.Shanghai).AddDate(0, 0, -1)
		yesterday = time.Date(yesterday.Year(), yesterday.Month(), yesterday.Day(), 0, 0, 0, 0, domain.Shanghai)
		end := app.EndOfDay(yesterday)
		if past := must[*app.Report](t)(e.app.Report(e.admin, "inventory-balance", app.ReportParams{AsOf: &end})); past.Total != 0 {
			t.Fatalf("inventory as of yesterday: %+v", past.Items)
		}
		led := must[*app.Report](t)(e.app.Report(e.admin, "stock-ledger", app.ReportParams{ProductID: p.ID, ListParams: app.ListParams{PageSize: 100}}))
		lr := led.Items.([]store.LedgerRow)
		if len(lr) != 6 || !lr[3].OutQty.Equal(d("150")) || !lr[3].BalanceQty.Equal(d("50")) || !lr[5].BalanceValue.Equal(d("430")) {
			t.Fatalf("stock ledger = %+v", lr)
		}
		_, err = e.app.Report(e.admin, "stock-ledger", app.ReportParams{})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "product_id" {
			t.Fatal(de)
		}
		// Nothing has been idle yet; with a zero-day window the 40 on hand
		// have moved out today, so they are not slow either.
		if slow := must[*app.Report](t)(e.app.Report(e.admin, "slow-moving", app.ReportParams{Days: 30})); slow.Total != 0 {
			t.Fatalf("slow moving = %+v", slow.Items)
		}
		// Posted documents are history: the shipped order cannot be edited
		// or cancelled, only closed.
		_, err = e.app.UpdateOrder(e.admin, so.Type, so.ID, app.OrderInput{Remark: ptr("x")})
		wantCode(t, err, domain.CodeInvalidState)
		_, err = e.app.CancelOrder(e.admin, so.Type, so.ID)
		wantCode(t, err, domain.CodeInvalidState)
		if c := must[*domain.Order](t)(e.app.CloseOrder(e.admin, so.Type, so.ID)); c.Status != domain.OrderClosed {
			t.Fatal(c.Status)
		}
		e.checkLedger()
	})
}

func TestApprovalsAndCredit(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		wh := e.warehouse("W1", false)
		p := e.product("A001", u.ID, false)
		sup := e.partner("S1", domain.PartnerSupplier, "0")
		cus := e.partner("C1", domain.PartnerCustomer, "1000")
		e.opening(wh.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("100"), UnitCost: d("5")})
		must[*domain.ApprovalRule](t)(e.app.ApprovalRules().Create(e.admin, app.ApprovalRuleInput{DocType: ptr(domain.DocPurchaseOrder), MinAmount: ptr(d("10000")), Role: ptr(domain.RoleManager)}))

		buyer := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("buyer"), Name: ptr("采购"), Password: ptr("Pw-one-2026x"), Roles: &[]domain.Role{domain.RolePurchaser}}))
		boss := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("boss"), Name: ptr("经理"), Password: ptr("Pw-two-2026x"), Roles: &[]domain.Role{domain.RoleManager}}))
		clerk := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("clerk"), Name: ptr("仓管"), Password: ptr("Pw-three-2026x"), Roles: &[]domain.Role{domain.RoleWarehouse}}))
		bctx, mctx, cctx := app.WithActor(context.Background(), buyer), app.WithActor(context.Background(), boss), app.WithActor(context.Background(), clerk)

		small := must[*domain.Order](t)(e.app.CreateOrder(bctx, domain.DocPurchaseOrder, app.OrderInput{PartnerID: &sup.ID, WarehouseID: &wh.ID,
			Lines: &[]app.OrderLineInput{{ProductID: p.ID, Qty: d("10"), UnitPrice: d("10")}}}))
		if s := must[*domain.Order](t)(e.app.SubmitOrder(bctx, small.Type, small.ID, small.Version)).Status; s != domain.OrderApproved {
			t.Fatalf("below the threshold: %s", s)
		}
		big := must[*domain.Order](t)(e.app.CreateOrder(bctx, domain.DocPurchaseOrder, app.OrderInput{PartnerID: &sup.ID, WarehouseID: &wh.ID,
			Lines: &[]app.OrderLineInput{{ProductID: p.ID, Qty: d("1000"), UnitPrice: d("10")}}}))
		big = must[*domain.Order](t)(e.app.SubmitOrder(bctx, big.Type, big.ID, 0))
		if big.Status != domain.OrderPending || big.ApprovalID == nil {
			t.Fatalf("above the threshold: %s", big.Status)
		}
		_, err := e.app.SubmitOrder(bctx, big.Type, big.ID, 0)
		wantCode(t, err, domain.CodeInvalidState)

		inbox := must[*app.List[app.ApprovalView]](t)(e.app.ListApprovals(mctx, domain.ApprovalPending, app.ListParams{}))
		if inbox.Total != 1 || inbox.Items[0].DocNumber != big.Number || inbox.Items[0].Role != domain.RoleManager {
			t.Fatalf("manager inbox = %+v", inbox.Items)
		}
		if l := must[*app.List[app.ApprovalView]](t)(e.app.ListApprovals(cctx, domain.ApprovalPending, app.ListParams{})); l.Total != 0 {
			t.Fatalf("a warehouse clerk sees %d approvals", l.Total)
		}
		// One approval, with who asked, for the approver and the requester;
		// not for a bystander.
		for _, ctx := range []context.Context{mctx, bctx} {
			if v := must[*app.ApprovalView](t)(e.app.GetApproval(ctx, *big.ApprovalID)); v.RequestedByName != buyer.Name || v.DocNumber != big.Number {
				t.Fatalf("approval %+v", v)
			}
		}
		if inbox.Items[0].RequestedByName != buyer.Name {
			t.Fatalf("inbox without the requester's name: %+v", inbox.Items[0])
		}
		_, err = e.app.GetApproval(cctx, *big.ApprovalID)
		wantCode(t, err, domain.CodeNotFound)
		_, err = e.app.Decide(cctx, *big.ApprovalID, true, "")
		wantCode(t, err, domain.CodeForbidden)
		_, err = e.app.Decide(mctx, *big.ApprovalID, false, "")
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "comment" {
			t.Fatal(de)
		}
		must[*domain.Approval](t)(e.app.Decide(mctx, *big.ApprovalID, false, "价格太高"))
		if s := e.status(big.Type, big.ID); s != domain.OrderRejected {
			t.Fatalf("after reject: %s", s)
		}
		// Rejected is editable again; resubmit and approve.
		must[*domain.Order](t)(e.app.UpdateOrder(bctx, big.Type, big.ID, app.OrderInput{Lines: &[]app.OrderLineInput{{ProductID: p.ID, Qty: d("1000"), UnitPrice: d("9.5")}}}))
		big = must[*domain.Order](t)(e.app.SubmitOrder(bctx, big.Type, big.ID, 0))
		ap := must[*domain.Approval](t)(e.app.Decide(mctx, *big.ApprovalID, true, "同意"))
		if ap.Status != domain.ApprovalApproved || *ap.DecidedBy != boss.ID {
			t.Fatalf("approval = %+v", ap)
		}
		view := must[*app.OrderView](t)(e.app.GetOrder(e.admin, big.Type, big.ID))
		if view.Status != domain.OrderApproved || len(view.Approvals) != 2 || view.Approvals[0].Comment != "价格太高" {
			t.Fatalf("order after approval: %s, history %+v", view.Status, view.Approvals)
		}
		_, err = e.app.Decide(mctx, *big.ApprovalID, true, "")
		wantCode(t, err, domain.CodeInvalidState)

		// Credit: limit 1000; 800 shipped and unpaid + 300 → refused.
		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("40"), UnitPrice: d("17.7"), TaxRate: ptr(d("0.13"))}))
		must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID, Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("40")}}}))
		so2 := e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("15"), UnitPrice: d("17.7"), TaxRate: ptr(d("0.13"))})
		_, err = e.app.SubmitOrder(e.admin, so2.Type, so2.ID, 0)
		de := wantCode(t, err, "credit_limit_exceeded")
		if de.Kind != domain.KindInvalid || de.Details["open_receivables"] != "800.04" {
			t.Fatalf("credit error = %+v", de)
		}
		if s := e.status(so2.Type, so2.ID); s != domain.OrderDraft {
			t.Fatalf("a refused submit left %s", s)
		}
		// Cancelling an approved sales order releases its reservation.
		so3 := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("5"), UnitPrice: d("1")}))
		if r := e.balance(p.ID, wh.ID, "").Reserved; !r.Equal(d("5")) {
			t.Fatalf("reserved %s", r)
		}
		must[*domain.Order](t)(e.app.CancelOrder(e.admin, so3.Type, so3.ID))
		if r := e.balance(p.ID, wh.ID, "").Reserved; !r.IsZero() {
			t.Fatalf("reserved after cancel %s", r)
		}
		e.checkLedger()
	})
}

func TestCreditRoutedToApproval(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.app = app.New(app.Options{Store: e.store, Cache: storetest.Cache(t, "sqlite"), CreditPolicy: app.CreditApproval})
	u := e.unit("个")
	wh := e.warehouse("W1", false)
	p := e.product("A001", u.ID, false)
	cus := e.partner("C1", domain.PartnerCustomer, "100")
	e.opening(wh.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("10"), UnitCost: d("5")})
	so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("10"), UnitPrice: d("50")}))
	if so.Status != domain.OrderPending {
		t.Fatalf("over the limit with the approval policy: %s", so.Status)
	}
	l := must[*app.List[app.ApprovalView]](t)(e.app.ListApprovals(e.admin, domain.ApprovalPending, app.ListParams{}))
	if l.Total != 1 || l.Items[0].Role != domain.RoleManager || l.Items[0].Reason == "" {
		t.Fatalf("approvals = %+v", l.Items)
	}
}

func TestBatchReservationsFEFO(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("盒")
		wh := e.warehouse("W1", false)
		p := e.product("MED", u.ID, true)
		cus := e.partner("C1", domain.PartnerCustomer, "0")
		e.opening(wh.ID,
			app.OpeningLineInput{ProductID: p.ID, Qty: d("5"), UnitCost: d("2"), Batch: "LATE", Expiry: ptr("2028-01-01")},
			app.OpeningLineInput{ProductID: p.ID, Qty: d("5"), UnitCost: d("3"), Batch: "SOON", Expiry: ptr("2027-01-01")})
		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("7"), UnitPrice: d("9")}))
		if got := e.balance(p.ID, wh.ID, "SOON").Reserved; !got.Equal(d("5")) {
			t.Fatalf("SOON reserved %s, want 5 (earliest expiry first)", got)
		}
		if got := e.balance(p.ID, wh.ID, "LATE").Reserved; !got.Equal(d("2")) {
			t.Fatalf("LATE reserved %s, want 2", got)
		}
		gi := must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID, Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("6")}}}))
		if len(gi.Lines) != 2 || gi.Lines[0].Batch != "SOON" || !gi.Lines[0].Qty.Equal(d("5")) || !gi.CostAmount.Equal(d("17")) {
			t.Fatalf("shipment lines = %+v", gi.Lines)
		}
		if got := e.balance(p.ID, wh.ID, "LATE").Reserved; !got.Equal(d("1")) {
			t.Fatalf("LATE still reserved %s, want 1", got)
		}
		e.checkLedger()
	})
}

// The oversell test: 100 on hand, 200 concurrent one-unit orders
// submitted and shipped. Exactly 100 ship; the rest are refused with
// insufficient_stock; no other error; numbers unique.
func TestConcurrentOrdersNeverOversell(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		wh := e.warehouse("W1", false)
		p := e.product("HOT", u.ID, false)
		cus := e.partner("C1", domain.PartnerCustomer, "0")
		e.opening(wh.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("100"), UnitCost: d("4")})

		var shipped, refused atomic.Int32
		var mu sync.Mutex
		numbers := map[string]bool{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < 200; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				lines := []app.OrderLineInput{{ProductID: p.ID, Qty: decimal.NewFromInt(1), UnitPrice: d("9.9")}}
				o, err := e.app.CreateOrder(e.admin, domain.DocSalesOrder, app.OrderInput{PartnerID: &cus.ID, WarehouseID: &wh.ID, Lines: &lines})
				if err != nil {
					t.Errorf("create: %v", err)
					return
				}
				mu.Lock()
				if numbers[o.Number] {
					t.Errorf("number %s twice", o.Number)
				}
				numbers[o.Number] = true
				mu.Unlock()
				if _, err := e.app.SubmitOrder(e.admin, o.Type, o.ID, 0); err != nil {
					if isCode(err, domain.CodeInsufficientStock) {
						refused.Add(1)
						return
					}
					t.Errorf("submit: %v", err)
					return
				}
				gi, err := e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: o.ID, Lines: []domain.MoveLine{{LineID: o.Lines[0].ID, Qty: decimal.NewFromInt(1)}}})
				if err != nil {
					t.Errorf("ship: %v", err)
					return
				}
				mu.Lock()
				if numbers[gi.Number] {
					t.Errorf("number %s twice", gi.Number)
				}
				numbers[gi.Number] = true
				mu.Unlock()
				shipped.Add(1)
			}()
		}
		close(start)
		wg.Wait()
		if shipped.Load() != 100 || refused.Load() != 100 {
			t.Fatalf("shipped %d, refused %d; want 100 and 100", shipped.Load(), refused.Load())
		}
		b := e.balance(p.ID, wh.ID, "")
		if !b.OnHand.IsZero() || !b.Reserved.IsZero() || !b.Value.IsZero() {
			t.Fatalf("after selling out: %+v", b)
		}
		e.checkLedger()
	})
}

func TestOrderValidation(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		wh := e.warehouse("W1", false)
		p := e.product("A001", u.ID, false)
		sup := e.partner("S1", domain.PartnerSupplier, "0")
		cus := e.partner("C1", domain.PartnerCustomer, "0")
		line := func(mod func(*app.OrderLineInput)) *[]app.OrderLineInput {
			l := app.OrderLineInput{ProductID: p.ID, Qty: d("1"), UnitPrice: d("1")}
			mod(&l)
			return &[]app.OrderLineInput{l}
		}
		for field, in := range map[string]app.OrderInput{
			"partner_id":             {PartnerID: &cus.ID, WarehouseID: &wh.ID, Lines: line(func(*app.OrderLineInput) {})},
			"warehouse_id":           {PartnerID: &sup.ID, Lines: line(func(*app.OrderLineInput) {})},
			"lines":                  {PartnerID: &sup.ID, WarehouseID: &wh.ID, Lines: &[]app.OrderLineInput{}},
			"lines[0].qty":           {PartnerID: &sup.ID, WarehouseID: &wh.ID, Lines: line(func(l *app.OrderLineInput) { l.Qty = d("0") })},
			"lines[0].unit_price":    {PartnerID: &sup.ID, WarehouseID: &wh.ID, Lines: line(func(l *app.OrderLineInput) { l.UnitPrice = d("-1") })},
			"lines[0].discount_rate": {PartnerID: &sup.ID, WarehouseID: &wh.ID, Lines: line(func(l *app.OrderLineInput) { l.DiscountRate = ptr(d("1")) })},
			"lines[0].product_id":    {PartnerID: &sup.ID, WarehouseID: &wh.ID, Lines: line(func(l *app.OrderLineInput) { l.ProductID = 999 })},
			"order_date":             {PartnerID: &sup.ID, WarehouseID: &wh.ID, OrderDate: ptr("2026-02-30"), Lines: line(func(*app.OrderLineInput) {})},
		} {
			_, err := e.app.CreateOrder(e.admin, domain.DocPurchaseOrder, in)
			if de := wantCode(t, err, domain.CodeValidation); de.Field != field {
				t.Errorf("field %s, want %s (%s)", de.Field, field, de.Message)
			}
		}
		// Discount and tax: 3 × 100 at 10% off = 270, VAT 9% = 24.30.
		o := e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("3"), UnitPrice: d("100"), DiscountRate: ptr(d("0.1")), TaxRate: ptr(d("0.09"))})
		if !o.Amount.Equal(d("270")) || !o.TaxAmount.Equal(d("24.3")) || !o.Total.Equal(d("294.3")) {
			t.Fatalf("amounts %s %s %s", o.Amount, o.TaxAmount, o.Total)
		}
		_, err := e.app.UpdateOrder(e.admin, o.Type, o.ID, app.OrderInput{Remark: ptr("x"), Version: 9})
		wantCode(t, err, domain.CodeVersionConflict)
		// A shipment against a purchase order id is not found.
		_, err = e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: o.ID, Lines: []domain.MoveLine{{LineID: 1, Qty: d("1")}}})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "order_id" {
			t.Fatal(de)
		}
		_ = fmt.Sprint
	})
}

func TestSlowMovingReport(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		wh := e.warehouse("W1", false)
		idle, busy := e.product("IDLE", u.ID, false), e.product("BUSY", u.ID, false)
		e.opening(wh.ID, app.OpeningLineInput{ProductID: idle.ID, Qty: d("5"), UnitCost: d("2")},
			app.OpeningLineInput{ProductID: busy.ID, Qty: d("5"), UnitCost: d("2")})
		// What 100 quiet days leave behind: the idle clock of IDLE started then.
		long := e.store.Now().UTC().AddDate(0, 0, -100)
		if err := e.store.DB().Table("stock_balances").Where("product_id = ?", idle.ID).Update("idle_since", long).Error; err != nil {
			t.Fatal(err)
		}
		r := must[*app.Report](t)(e.app.Report(e.admin, "slow-moving", app.ReportParams{Days: 90}))
		rows := r.Items.([]store.SlowRow)
		if len(rows) != 1 || rows[0].SKU != "IDLE" || !rows[0].Value.Equal(d("10")) {
			t.Fatalf("slow moving = %+v", rows)
		}
		if r := must[*app.Report](t)(e.app.Report(e.admin, "slow-moving", app.ReportParams{Days: 101})); r.Total != 0 {
			t.Fatalf("101-day window: %d rows", r.Total)
		}
		// Shipping part of it restarts the clock.
		cus := e.partner("C1", domain.PartnerCustomer, "0")
		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: idle.ID, Qty: d("1"), UnitPrice: d("3")}))
		must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID, Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("1")}}}))
		if r := must[*app.Report](t)(e.app.Report(e.admin, "slow-moving", app.ReportParams{Days: 90})); r.Total != 0 {
			t.Fatalf("after a shipment: %+v", r.Items)
		}
	})
}

func TestReorderPoints(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		wh, other := e.warehouse("W1", false), e.warehouse("W2", false)
		p := e.product("R1", u.ID, false)
		q := e.product("R2", u.ID, false) // no level: never suggested
		cus := e.partner("C1", domain.PartnerCustomer, "0")
		sup := e.partner("S1", domain.PartnerSupplier, "0")
		e.opening(wh.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("50"), UnitCost: d("1")}, app.OpeningLineInput{ProductID: q.ID, Qty: d("50"), UnitCost: d("1")})
		level := func(wh int64) {
			must[*app.ReorderLevelsResult](t)(e.app.SetReorderLevels(e.admin, app.ReorderLevelsInput{Levels: []app.ReorderLevelInput{
				{ProductID: p.ID, WarehouseID: wh, SafetyStock: d("20")}}}))
		}
		level(wh.ID)
		suggestions := func() []store.ReorderSuggestion {
			return must[*app.List[store.ReorderSuggestion]](t)(e.app.ReorderSuggestions(e.admin, 0, app.ListParams{})).Items
		}
		ship := func(pid int64, qty string) {
			so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: pid, Qty: d(qty), UnitPrice: d("2")}))
			must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID, Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d(qty)}}}))
		}
		ship(p.ID, "25")
		ship(q.ID, "49")
		if s := suggestions(); len(s) != 0 {
			t.Fatalf("25 left of a safety stock of 20: %+v", s)
		}
		ship(p.ID, "10") // 15 left: below 20, order up to 40 → 25
		s := suggestions()
		if len(s) != 1 || s[0].ProductID != p.ID || !s[0].SuggestedQty.Equal(d("25")) || !s[0].Available.Equal(d("15")) {
			t.Fatalf("suggestions = %+v", s)
		}
		ship(p.ID, "5") // further down: the same line is updated, not repeated
		s2 := suggestions()
		if len(s2) != 1 || s2[0].RequisitionID != s[0].RequisitionID || s2[0].LineID != s[0].LineID || !s2[0].SuggestedQty.Equal(d("30")) {
			t.Fatalf("after a second posting: %+v", s2)
		}
		// A transfer out of another warehouse below its own safety stock gets
		// that warehouse its own requisition.
		level(other.ID) // nothing there yet: suggested at once, until the opening
		e.opening(other.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("21"), UnitCost: d("1")})
		tr := must[*domain.Transfer](t)(e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &other.ID, ToWarehouseID: &wh.ID,
			Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("2")}}}))
		must[*domain.Transfer](t)(e.app.PostTransfer(e.admin, tr.ID, 0))
		if s := suggestions(); len(s) != 2 {
			t.Fatalf("two warehouses below safety stock: %+v", s)
		}
		// The 2 that arrived in W1 shrink its suggestion from 30 to 28.
		// Ordering the requisition turns it into a draft purchase order and
		// clears the suggestion; the next shortage starts a new requisition.
		po := must[*domain.Order](t)(e.app.OrderRequisition(e.admin, s2[0].RequisitionID, app.RequisitionOrderInput{PartnerID: sup.ID}))
		if po.Status != domain.OrderDraft || len(po.Lines) != 1 || !po.Lines[0].Qty.Equal(d("28")) {
			t.Fatalf("po from requisition = %+v", po)
		}
		if s := suggestions(); len(s) != 1 || s[0].WarehouseID != other.ID {
			t.Fatalf("after ordering: %+v", s)
		}
		_, err := e.app.OrderRequisition(e.admin, s2[0].RequisitionID, app.RequisitionOrderInput{PartnerID: sup.ID})
		wantCode(t, err, domain.CodeInvalidState)
		ship(p.ID, "1")
		if s := suggestions(); len(s) != 2 || s[0].RequisitionID == s2[0].RequisitionID || s[1].RequisitionID == s2[0].RequisitionID {
			t.Fatalf("a new shortage after ordering: %+v", s)
		}
		// Stock back above the safety stock in W2 drops its suggestion.
		e.opening(other.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("30"), UnitCost: d("1")})
		tr2 := must[*domain.Transfer](t)(e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &other.ID, ToWarehouseID: &wh.ID,
			Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("1")}}}))
		must[*domain.Transfer](t)(e.app.PostTransfer(e.admin, tr2.ID, 0))
		if s := suggestions(); len(s) != 1 || s[0].WarehouseID != wh.ID {
			t.Fatalf("after W2 recovered: %+v", s)
		}
		e.checkLedger()
	})
}
