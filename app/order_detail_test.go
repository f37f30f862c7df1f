package app_test

import (
	"context"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
)

// An order partly received and partly returned shows, per line, 10
// ordered, 6 received, 2 returned and 4 open (a return does not reopen the
// line), lists its receipt, its return and the payment that settled the
// receipt, and names who asked for its approval and who decided it.
// Copying it makes a fresh draft with the same partner, warehouse and
// lines at the products' current tax rate.
func TestOrderDetailAndCopy(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		wh := e.warehouse("W1", false)
		p := e.product("A001", u.ID, false)
		q := e.product("A002", u.ID, false)
		sup := e.partner("S1", domain.PartnerSupplier, "0")
		must[*domain.ApprovalRule](t)(e.app.ApprovalRules().Create(e.admin, app.ApprovalRuleInput{DocType: ptr(domain.DocPurchaseOrder), MinAmount: ptr(d("100")), Role: ptr(domain.RoleManager)}))
		buyer := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("buyer"), Name: ptr("李采购"), Password: ptr("Pw-one-2026x"), Roles: &[]domain.Role{domain.RolePurchaser}}))
		boss := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("boss"), Name: ptr("陈经理"), Password: ptr("Pw-three-2026x"), Roles: &[]domain.Role{domain.RoleManager}}))
		bctx := app.WithActor(context.Background(), buyer)
		day, exp := "2026-01-10", "2026-01-20"
		po := must[*domain.Order](t)(e.app.CreateOrder(bctx, domain.DocPurchaseOrder, app.OrderInput{PartnerID: &sup.ID, WarehouseID: &wh.ID, OrderDate: &day, ExpectedDate: &exp,
			Remark: ptr("季度备货"), Lines: &[]app.OrderLineInput{
				{ProductID: p.ID, Qty: d("10"), UnitPrice: d("12.5"), TaxRate: ptr(d("0.09")), DiscountRate: ptr(d("0.1"))},
				{ProductID: q.ID, Qty: d("3"), UnitPrice: d("40")}}}))
		po = must[*domain.Order](t)(e.app.SubmitOrder(bctx, po.Type, po.ID, 0))
		must[*domain.Approval](t)(e.app.Decide(app.WithActor(context.Background(), boss), *po.ApprovalID, true, "同意"))

		gr := e.receive(po, domain.MoveLine{LineID: po.Lines[0].ID, Qty: d("6")})
		rt := must[*domain.StockDoc](t)(e.app.PostPurchaseReturn(e.admin, app.ReturnInput{SourceID: gr.ID, Lines: []domain.MoveLine{{LineID: gr.Lines[0].ID, Qty: d("2")}}}))
		pay := must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyPayment, app.MoneyInput{PartnerID: sup.ID, Amount: d("10")}))
		// Another order's receipt is not this order's document.
		other := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: q.ID, Qty: d("1"), UnitPrice: d("1")}))
		e.receive(other, domain.MoveLine{LineID: other.Lines[0].ID, Qty: d("1")})

		v := must[*app.OrderView](t)(e.app.GetOrder(e.admin, po.Type, po.ID))
		want := [][4]string{{"10", "6", "2", "4"}, {"3", "0", "0", "3"}}
		if len(v.Lines) != 2 {
			t.Fatalf("lines %+v", v.Lines)
		}
		for i, w := range want {
			l := v.Lines[i]
			if !l.OrderedQty.Equal(d(w[0])) || !l.DoneQty.Equal(d(w[1])) || !l.ReturnedQty.Equal(d(w[2])) || !l.OpenQty.Equal(d(w[3])) {
				t.Errorf("line %d: ordered %s done %s returned %s open %s, want %v", i, l.OrderedQty, l.DoneQty, l.ReturnedQty, l.OpenQty, w)
			}
		}
		var got []string
		for _, doc := range v.Documents {
			got = append(got, doc.Type+" "+doc.Number)
		}
		wantDocs := []string{domain.DocPurchaseReceipt + " " + gr.Number, domain.DocPurchaseReturn + " " + rt.Number, domain.DocMoneyPayment + " " + pay.Number}
		if len(got) != len(wantDocs) {
			t.Fatalf("documents %v, want %v", got, wantDocs)
		}
		for i := range wantDocs {
			if got[i] != wantDocs[i] {
				t.Errorf("document %d = %s, want %s", i, got[i], wantDocs[i])
			}
		}
		if doc := v.Documents[0]; doc.Label != "采购入库单" || doc.ID != gr.ID || doc.Date != gr.BizDate || doc.Status != domain.DocPosted || !doc.Total.Equal(gr.Total) {
			t.Errorf("receipt entry %+v", doc)
		}
		if v.CreatedByName != "李采购" || len(v.Approvals) != 1 {
			t.Fatalf("creator %q, approvals %+v", v.CreatedByName, v.Approvals)
		}
		if ap := v.Approvals[0]; ap.RequestedByName != "李采购" || ap.DecidedByName != "陈经理" || ap.DecidedAt == nil || ap.Comment != "同意" {
			t.Errorf("approval %+v", ap)
		}
		if ov := must[*app.OrderView](t)(e.app.GetOrder(e.admin, other.Type, other.ID)); ov.CreatedByName != "系统" || len(ov.Documents) != 1 {
			t.Errorf("the system's order: by %q, documents %+v", ov.CreatedByName, ov.Documents)
		}
		// The buyer may not read the books: the goods only.
		bv := must[*app.OrderView](t)(e.app.GetOrder(bctx, po.Type, po.ID))
		if len(bv.Documents) != 2 || bv.Documents[1].Number != rt.Number {
			t.Errorf("buyer sees %+v", bv.Documents)
		}

		// 复制订单: as the buyer, a new draft of his own.
		cp := must[*domain.Order](t)(e.app.CopyOrder(bctx, po.Type, po.ID))
		if cp.ID == po.ID || cp.Number == po.Number || cp.Status != domain.OrderDraft || cp.CreatedBy != buyer.ID || cp.ApprovalID != nil ||
			cp.ExpectedDate != nil || cp.PartnerID != sup.ID || cp.WarehouseID != wh.ID || cp.Remark != "季度备货" || cp.Version != 1 {
			t.Fatalf("copy header %+v", cp)
		}
		if len(cp.Lines) != 2 {
			t.Fatalf("copy lines %+v", cp.Lines)
		}
		// Line 1: 10 × 12.5 less 10 % = 112.50, at the product's 13 % (the
		// source's 9 % is not carried), 14.63 VAT.
		l := cp.Lines[0]
		if l.ProductID != p.ID || !l.Qty.Equal(d("10")) || !l.UnitPrice.Equal(d("12.5")) || !l.DiscountRate.Equal(d("0.1")) ||
			!l.TaxRate.Equal(d("0.13")) || !l.Amount.Equal(d("112.5")) || !l.TaxAmount.Equal(d("14.63")) || !l.ReceivedQty.IsZero() || !l.ReturnedQty.IsZero() {
			t.Errorf("copied line %+v", l)
		}
		if !cp.Total.Equal(d("127.13").Add(d("135.6"))) {
			t.Errorf("copy total %s", cp.Total)
		}
		cv := must[*app.OrderView](t)(e.app.GetOrder(bctx, cp.Type, cp.ID))
		if len(cv.Documents) != 0 || len(cv.Approvals) != 0 || cv.Lines[0].ID == po.Lines[0].ID || !cv.Lines[0].OpenQty.Equal(d("10")) {
			t.Errorf("the copy carries the source's history: %+v", cv)
		}
		// The source is untouched.
		if s := must[*app.OrderView](t)(e.app.GetOrder(e.admin, po.Type, po.ID)); s.Version != v.Version || !s.Lines[0].ReceivedQty.Equal(d("6")) {
			t.Errorf("source changed: %+v", s.Order)
		}
		// A salesperson may not copy a purchase order.
		sales := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("sales"), Name: ptr("王销售"), Password: ptr("Pw-four-2026x"), Roles: &[]domain.Role{domain.RoleSales}}))
		_, err := e.app.CopyOrder(app.WithActor(context.Background(), sales), po.Type, po.ID)
		wantCode(t, err, domain.CodeForbidden)
	})
}
