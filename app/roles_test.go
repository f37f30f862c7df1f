package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
)

// The security finding of issue 21: master:write let a purchaser raise a
// customer's credit limit and let a warehouse go negative. Those fields now
// need partner:credit and warehouse:policy; the purchaser keeps the rest.
func TestMasterWriteCannotSetCreditOrNegativeStock(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		cat := e.app.Catalog()
		buyer := app.WithActor(context.Background(), &domain.User{ID: 7, Name: "采购", Roles: []domain.Role{domain.RolePurchaser}, Status: domain.UserActive})

		cust := must[*domain.Partner](t)(cat.Partners.Create(e.admin, app.PartnerInput{Code: ptr("C1"), Name: ptr("客户"),
			Type: ptr(domain.PartnerCustomer), CreditLimit: ptr(d("5000"))}))
		_, err := cat.Partners.Update(buyer, cust.ID, app.PartnerInput{CreditLimit: ptr(d("99999999")), Version: cust.Version})
		if de := wantCode(t, err, domain.CodeForbiddenField); de.Field != "credit_limit" || de.Kind != domain.KindForbidden {
			t.Fatalf("purchaser raises a credit limit: %+v", de)
		}
		// The same value again is not a change; other fields stay open.
		up := must[*domain.Partner](t)(cat.Partners.Update(buyer, cust.ID, app.PartnerInput{Phone: ptr("138"), CreditLimit: ptr(d("5000.00")), Version: cust.Version}))
		if !up.CreditLimit.Equal(d("5000")) || up.Phone != "138" {
			t.Fatalf("purchaser's harmless edit: %+v", up)
		}
		// On create, a credit limit other than none is setting one.
		_, err = cat.Partners.Create(buyer, app.PartnerInput{Code: ptr("C2"), Name: ptr("新客户"), Type: ptr(domain.PartnerCustomer), CreditLimit: ptr(d("1"))})
		wantCode(t, err, domain.CodeForbiddenField)
		must[*domain.Partner](t)(cat.Partners.Create(buyer, app.PartnerInput{Code: ptr("S2"), Name: ptr("新供应商"), Type: ptr(domain.PartnerSupplier)}))

		w := e.warehouse("W1", false)
		_, err = cat.Warehouses.Update(buyer, w.ID, app.WarehouseInput{AllowNegative: ptr(true), Version: w.Version})
		if de := wantCode(t, err, domain.CodeForbiddenField); de.Field != "allow_negative" {
			t.Fatalf("purchaser allows negative stock: %+v", de)
		}
		_, err = cat.Warehouses.Create(buyer, app.WarehouseInput{Code: ptr("W2"), Name: ptr("二号"), AllowNegative: ptr(true)})
		wantCode(t, err, domain.CodeForbiddenField)
		must[*domain.Warehouse](t)(cat.Warehouses.Update(buyer, w.ID, app.WarehouseInput{Address: ptr("杭州"), Version: w.Version}))

		// An import goes through the same door: the row with a credit
		// limit is refused on its column, and nothing is created.
		file := "编码,名称,类型,信用额度\nC3,客户丙,客户,\nC4,客户丁,客户,100000\n"
		_, err = e.app.Import(buyer, "partners", strings.NewReader(file), "csv", false)
		if errs := wantCode(t, err, "import_invalid").Details["errors"].([]app.RowError); len(errs) != 1 || errs[0].Row != 3 || errs[0].Column != "信用额度" {
			t.Fatalf("import errors = %+v", errs)
		}
		if l := must[*app.List[domain.Partner]](t)(cat.Partners.List(e.admin, app.ListParams{}, map[string]any{"code": "C3"})); l.Total != 0 {
			t.Fatalf("a refused import created %+v", l.Items)
		}

		// The administrator holds both.
		must[*domain.Partner](t)(cat.Partners.Update(e.admin, cust.ID, app.PartnerInput{CreditLimit: ptr(d("8000")), Version: up.Version}))
		w2 := must[*domain.Warehouse](t)(cat.Warehouses.Get(e.admin, w.ID))
		must[*domain.Warehouse](t)(cat.Warehouses.Update(e.admin, w.ID, app.WarehouseInput{AllowNegative: ptr(true), Version: w2.Version}))
	})
}

// A boss tailors a role: a custom role is created from a template, held by a
// user, resolved when the token is read, and its changes reach the next
// request; a role in use cannot go, and nobody can take the last user
// manager's ability to manage users.
func TestCustomRoles(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		a := e.app

		_, err := a.CreateRole(e.admin, app.RoleInput{Role: ptr(domain.RoleSales), Name: ptr("销售")})
		wantCode(t, err, domain.CodeDuplicate)
		_, err = a.CreateRole(e.admin, app.RoleInput{Role: ptr(domain.Role("clerk")), Name: ptr("文员"), Permissions: &[]domain.Permission{"root:all"}})
		wantCode(t, err, domain.CodeValidation)
		// From the sales template, plus costs.
		tmpl := must[*domain.RoleInfo](t)(a.CreateRole(e.admin, app.RoleInput{Role: ptr(domain.Role("sales_lead")), Name: ptr("销售主管"),
			Template: ptr(domain.RoleSales)}))
		if len(tmpl.Permissions) != 4 || tmpl.BuiltIn {
			t.Fatalf("from template: %+v", tmpl)
		}
		lead := must[*domain.RoleInfo](t)(a.UpdateRole(e.admin, "sales_lead", app.RoleInput{
			Permissions: ptr(append(slices.Clone(tmpl.Permissions), domain.PermCostRead)), Version: tmpl.Version}))
		if lead.Version != 2 || !slices.Contains(lead.Permissions, domain.PermCostRead) {
			t.Fatalf("updated: %+v", lead)
		}
		_, err = a.UpdateRole(e.admin, domain.RoleFinance, app.RoleInput{Name: ptr("会计")})
		wantCode(t, err, domain.CodeRoleBuiltIn)

		_, err = a.CreateUser(e.admin, app.UserInput{Username: ptr("ghost"), Name: ptr("幽灵"), Password: ptr("Secret-pw-2026a"),
			Roles: &[]domain.Role{"no_such_role"}})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "roles" {
			t.Fatalf("unknown role: %+v", de)
		}
		must[*domain.User](t)(a.CreateUser(e.admin, app.UserInput{Username: ptr("lead"), Name: ptr("主管"), Password: ptr("Secret-pw-2026b"),
			Roles: &[]domain.Role{"sales_lead"}}))
		sess := must[*app.Session](t)(a.Login(context.Background(), "lead", "Secret-pw-2026b", "", "10.0.0.1"))
		if !slices.Contains(sess.User.Permissions(), domain.PermCostRead) {
			t.Fatalf("session permissions: %v", sess.User.Permissions())
		}
		actor := must[*domain.User](t)(a.Authenticate(context.Background(), sess.Token))
		if !actor.Can(domain.PermSalesWrite) || !actor.Can(domain.PermCostRead) || actor.Can(domain.PermMasterWrite) {
			t.Fatalf("resolved: %v", actor.Permissions())
		}
		// A change reaches the next request (the cache forgets the roles).
		must[*domain.RoleInfo](t)(a.UpdateRole(e.admin, "sales_lead", app.RoleInput{Permissions: &[]domain.Permission{domain.PermSalesRead}, Version: 2}))
		actor = must[*domain.User](t)(a.Authenticate(context.Background(), sess.Token))
		if actor.Can(domain.PermCostRead) || !actor.Can(domain.PermSalesRead) {
			t.Fatalf("after the change: %v", actor.Permissions())
		}

		err = a.DeleteRole(e.admin, "sales_lead")
		if de := wantCode(t, err, domain.CodeRoleInUse); de.Kind != domain.KindConflict {
			t.Fatalf("in use: %+v", de)
		}
		wantCode(t, a.DeleteRole(e.admin, domain.RoleViewer), domain.CodeRoleBuiltIn)
		wantCode(t, a.DeleteRole(e.admin, "nobody_here"), domain.CodeNotFound)

		// Lock-out: the only user who can manage users holds a custom role.
		must[*domain.RoleInfo](t)(a.CreateRole(e.admin, app.RoleInput{Role: ptr(domain.Role("boss")), Name: ptr("老板"),
			Permissions: &[]domain.Permission{domain.PermUserManage, domain.PermMasterRead}}))
		boss := must[*domain.User](t)(a.CreateUser(e.admin, app.UserInput{Username: ptr("boss"), Name: ptr("老板"), Password: ptr("Secret-pw-2026c"),
			Roles: &[]domain.Role{"boss"}}))
		// EnsureAdmin made no user here (System acts), so boss is the only manager.
		bsess := must[*app.Session](t)(a.Login(context.Background(), "boss", "Secret-pw-2026c", "", "10.0.0.2"))
		bossCtx := app.WithActor(context.Background(), must[*domain.User](t)(a.Authenticate(context.Background(), bsess.Token)))
		_, err = a.UpdateRole(bossCtx, "boss", app.RoleInput{Permissions: &[]domain.Permission{domain.PermMasterRead}, Version: 1})
		if de := wantCode(t, err, domain.CodeLastUserManager); de.Kind != domain.KindConflict {
			t.Fatalf("lock-out: %+v", de)
		}
		// The boss may edit their own user keeping the custom role.
		must[*domain.User](t)(a.UpdateUser(bossCtx, boss.ID, app.UserInput{Mobile: ptr("13800000000"), Version: boss.Version}))
		if err := a.DeleteRole(e.admin, "nobody"); !isCode(err, domain.CodeNotFound) {
			t.Fatalf("delete missing: %v", err)
		}
	})
}

// A custom role may be required to use two-step sign-in: config only
// checks the code's form, sign-in enrols its holders, and a role that
// does not exist (a typo, or deleted since) is reported for a start-up
// warning rather than refused.
func TestTOTPRequiredCustomRole(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		must[*domain.RoleInfo](t)(e.app.CreateRole(e.admin, app.RoleInput{Role: ptr(domain.Role("cashier")), Name: ptr("出纳"),
			Permissions: &[]domain.Permission{domain.PermLedgerRead}}))
		e.opts.Auth.TOTPRequiredRoles = []domain.Role{"cashier", "ghost", domain.RoleAdmin}
		a := app.New(e.opts)
		pw := "Pw-four-2026x"
		must[*domain.User](t)(a.CreateUser(e.admin, app.UserInput{Username: ptr("cash"), Name: ptr("出纳"), Password: &pw,
			Roles: &[]domain.Role{"cashier"}}))
		sess := must[*app.Session](t)(a.Login(context.Background(), "cash", pw, "", "10.2.2.2"))
		if !sess.TOTPEnrolmentRequired {
			t.Fatalf("a cashier signs in without two-step enrolment: %+v", sess)
		}
		unknown := must[[]domain.Role](t)(a.UnknownTOTPRoles(context.Background()))
		if !slices.Equal(unknown, []domain.Role{"ghost"}) {
			t.Fatalf("unknown two-step roles: %v", unknown)
		}
	})
}
