package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// Cancelling an order while the outbox links its OA instance (another
// transaction holding the approval and bumping its version) waits for it
// and cancels the linked approval, rather than fail with version_conflict
// (TestOAApprovalRoundTrip's po4 on MySQL under load).
func TestCancelWhileApprovalLinked(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		wh := e.warehouse("W1", false)
		p := e.product("A001", u.ID, false)
		sup := e.partner("S1", domain.PartnerSupplier, "0")
		must[*domain.ApprovalRule](t)(e.app.ApprovalRules().Create(e.admin, app.ApprovalRuleInput{DocType: ptr(domain.DocPurchaseOrder), MinAmount: ptr(d("100")), Role: ptr(domain.RoleManager)}))
		o := must[*domain.Order](t)(e.app.CreateOrder(e.admin, domain.DocPurchaseOrder, app.OrderInput{PartnerID: &sup.ID, WarehouseID: &wh.ID,
			Lines: &[]app.OrderLineInput{{ProductID: p.ID, Qty: d("100"), UnitPrice: d("10")}}}))
		o = must[*domain.Order](t)(e.app.SubmitOrder(e.admin, o.Type, o.ID, 0))
		if o.ApprovalID == nil {
			t.Fatalf("order %s without an approval", o.Status)
		}
		locked, release, linked := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			linked <- e.store.InTx(context.Background(), func(tx *store.Tx) error {
				ap, err := store.LockApproval(tx, *o.ApprovalID)
				if err != nil {
					return err
				}
				old := ap.Version
				ap.Link("proc-inst-1")
				if err := store.SaveApproval(tx, ap, old); err != nil {
					return err
				}
				close(locked)
				<-release
				return nil
			})
		}()
		<-locked
		cancelled := make(chan error, 1)
		go func() {
			_, err := e.app.CancelOrder(e.admin, o.Type, o.ID)
			cancelled <- err
		}()
		time.Sleep(300 * time.Millisecond) // the cancel reaches the approval and waits
		close(release)
		if err := <-linked; err != nil {
			t.Fatal(err)
		}
		if err := <-cancelled; err != nil {
			t.Fatalf("cancel while the instance was being linked: %v", err)
		}
		v := must[*app.OrderView](t)(e.app.GetOrder(e.admin, o.Type, o.ID))
		if v.Status != domain.OrderCancelled || v.Approvals[0].Status != domain.ApprovalCancelled || v.Approvals[0].ExternalID != "proc-inst-1" {
			t.Fatalf("order %s, approval %+v", v.Status, v.Approvals[0])
		}
	})
}

// The inbox applies the same rule as DingTalk decisions
// (domain.CheckDecider): a manager who sees only his own documents cannot
// decide another's; one who sees all can.
func TestInboxDecisionNeedsTheDocumentInScope(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		wh := e.warehouse("W1", false)
		p := e.product("A001", u.ID, false)
		sup := e.partner("S1", domain.PartnerSupplier, "0")
		must[*domain.ApprovalRule](t)(e.app.ApprovalRules().Create(e.admin, app.ApprovalRuleInput{DocType: ptr(domain.DocPurchaseOrder), MinAmount: ptr(d("100")), Role: ptr(domain.RoleManager)}))
		buyer := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("buyer"), Name: ptr("采购"), Password: ptr("Pw-one-2026x"), Roles: &[]domain.Role{domain.RolePurchaser}}))
		own := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("own"), Name: ptr("周经理"), Password: ptr("Pw-two-2026x"),
			Roles: &[]domain.Role{domain.RoleManager}, DataScope: ptr(domain.ScopeOwn)}))
		boss := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("boss"), Name: ptr("陈经理"), Password: ptr("Pw-three-2026x"), Roles: &[]domain.Role{domain.RoleManager}}))
		bctx := app.WithActor(context.Background(), buyer)
		o := must[*domain.Order](t)(e.app.CreateOrder(bctx, domain.DocPurchaseOrder, app.OrderInput{PartnerID: &sup.ID, WarehouseID: &wh.ID,
			Lines: &[]app.OrderLineInput{{ProductID: p.ID, Qty: d("100"), UnitPrice: d("10")}}}))
		o = must[*domain.Order](t)(e.app.SubmitOrder(bctx, o.Type, o.ID, 0))
		// The approval of a document outside his scope does not exist for
		// him (404, as its detail), so existence does not leak either;
		// domain.CheckDecider refuses it too, for the DingTalk paths.
		_, err := e.app.Decide(app.WithActor(context.Background(), own), *o.ApprovalID, true, "")
		wantCode(t, err, domain.CodeNotFound)
		_, err = e.app.Decide(bctx, *o.ApprovalID, true, "")
		if wantCode(t, err, domain.CodeForbidden); domain.RefusalOf(err) != "" {
			t.Fatalf("the requester without approval:decide is refused by the permission check first: %v", err)
		}
		ap := must[*domain.Approval](t)(e.app.Decide(app.WithActor(context.Background(), boss), *o.ApprovalID, true, ""))
		if ap.Status != domain.ApprovalApproved || *ap.DecidedBy != boss.ID {
			t.Fatalf("approval %+v", ap)
		}
	})
}

// An approval rule may route to a custom role holding approval:decide
// (the console offers every role): its holder, signed in, finds the
// approval in the inbox and decides it. A rule naming no role that
// exists is refused on role.
func TestApprovalRoutedToCustomRole(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		wh := e.warehouse("W1", false)
		p := e.product("A001", u.ID, false)
		sup := e.partner("S1", domain.PartnerSupplier, "0")
		_, err := e.app.ApprovalRules().Create(e.admin, app.ApprovalRuleInput{DocType: ptr(domain.DocPurchaseOrder), MinAmount: ptr(d("100")), Role: ptr(domain.Role("ghost"))})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "role" {
			t.Fatalf("rule for a role that does not exist: %+v", de)
		}
		must[*domain.RoleInfo](t)(e.app.CreateRole(e.admin, app.RoleInput{Role: ptr(domain.Role("cfo")), Name: ptr("财务总监"),
			Permissions: &[]domain.Permission{domain.PermApprove, domain.PermPurchaseRead}}))
		must[*domain.ApprovalRule](t)(e.app.ApprovalRules().Create(e.admin, app.ApprovalRuleInput{DocType: ptr(domain.DocPurchaseOrder), MinAmount: ptr(d("100")), Role: ptr(domain.Role("cfo"))}))
		buyer := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("buyer"), Name: ptr("采购"), Password: ptr("Pw-one-2026x"), Roles: &[]domain.Role{domain.RolePurchaser}}))
		must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("cfo"), Name: ptr("钱总监"), Password: ptr("Pw-two-2026x"), Roles: &[]domain.Role{"cfo"}}))
		bctx := app.WithActor(context.Background(), buyer)
		o := must[*domain.Order](t)(e.app.CreateOrder(bctx, domain.DocPurchaseOrder, app.OrderInput{PartnerID: &sup.ID, WarehouseID: &wh.ID,
			Lines: &[]app.OrderLineInput{{ProductID: p.ID, Qty: d("100"), UnitPrice: d("10")}}}))
		o = must[*domain.Order](t)(e.app.SubmitOrder(bctx, o.Type, o.ID, 0))
		if o.ApprovalID == nil {
			t.Fatalf("order not sent for approval: %+v", o)
		}
		sess := must[*app.Session](t)(e.app.Login(context.Background(), "cfo", "Pw-two-2026x", "", "10.3.3.3"))
		cfo := must[*domain.User](t)(e.app.Authenticate(context.Background(), sess.Token))
		cctx := app.WithActor(context.Background(), cfo)
		inbox := must[*app.List[app.ApprovalView]](t)(e.app.ListApprovals(cctx, domain.ApprovalPending, app.ListParams{}))
		if inbox.Total != 1 || inbox.Items[0].ID != *o.ApprovalID || inbox.Items[0].Role != "cfo" {
			t.Fatalf("the cfo's inbox: %+v", inbox)
		}
		ap := must[*domain.Approval](t)(e.app.Decide(cctx, *o.ApprovalID, true, "同意"))
		if ap.Status != domain.ApprovalApproved || *ap.DecidedBy != cfo.ID {
			t.Fatalf("approval %+v", ap)
		}
	})
}
