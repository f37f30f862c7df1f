package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
)

// Every route, for every role and for nobody: nobody gets 401 everywhere
// but the public doors; no role ever gets a 5xx, whatever ids and bodies
// it sends (an empty object, hostile text, ids that are not there); the
// read-only role changes nothing (403 on every write but its own session
// and password); and bodies cannot assign ids, creators, versions or roles
// they are not allowed to.
func TestRouteMatrix(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError + 4}))
		a := app.New(app.Options{Store: s, Cache: storetest.Cache(t, driver), Logger: log,
			Auth: app.AuthConfig{Secret: []byte("matrix-test-secret-matrix-test-secret"), TokenTTL: time.Hour}})
		h := New(a, log).Handler()
		call := func(token, method, path, body string) (int, string) {
			r := httptest.NewRequest(method, path, strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			if token != "" {
				r.Header.Set("Authorization", "Bearer "+token)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w.Code, w.Body.String()
		}
		ctx := context.Background()
		if _, err := a.EnsureAdmin(ctx, "admin", "Root-pass-2026"); err != nil {
			t.Fatal(err)
		}
		login := func(user, pw string) string {
			code, body := call("", "POST", "/api/v1/auth/login", fmt.Sprintf(`{"username":%q,"password":%q}`, user, pw))
			var out struct{ Token string }
			if json.Unmarshal([]byte(body), &out); code != 200 || out.Token == "" {
				t.Fatalf("login %s: %d %s", user, code, body)
			}
			return out.Token
		}
		tokens := map[string]string{"admin": login("admin", "Root-pass-2026")}
		roles := []domain.Role{domain.RolePurchaser, domain.RoleSales, domain.RoleWarehouse, domain.RoleFinance, domain.RoleManager, domain.RoleViewer}
		for i, r := range roles {
			pw := fmt.Sprintf("Matrix-pass-%d-x", i)
			code, body := call(tokens["admin"], "POST", "/api/v1/users",
				fmt.Sprintf(`{"username":"u_%s","name":"%s","password":%q,"roles":[%q]}`, r, r, pw, r))
			if code != 201 {
				t.Fatalf("create %s: %d %s", r, code, body)
			}
			tokens[string(r)] = login("u_"+string(r), pw)
		}
		// A custom role, made from the sales template with costs added,
		// goes through every route too (resolved from the database).
		if code, body := call(tokens["admin"], "POST", "/api/v1/roles",
			`{"role":"custom_clerk","name":"自定义","permissions":["master:read","sales:read","sales:write","cost:read"]}`); code != 201 {
			t.Fatalf("custom role: %d %s", code, body)
		}
		if code, body := call(tokens[string(domain.RoleSales)], "POST", "/api/v1/roles", `{"role":"mine","name":"我的","template":"admin"}`); code != 403 {
			t.Fatalf("sales makes a role: %d %s", code, body)
		}
		if code, body := call(tokens["admin"], "POST", "/api/v1/users",
			`{"username":"u_custom","name":"自定义","password":"Matrix-pass-c-x9","roles":["custom_clerk"]}`); code != 201 {
			t.Fatalf("create custom user: %d %s", code, body)
		}
		tokens["custom_clerk"] = login("u_custom", "Matrix-pass-c-x9")
		// Something for the ids to point at.
		if code, body := call(tokens["admin"], "POST", "/api/v1/units", `{"name":"个"}`); code != 201 {
			t.Fatalf("unit: %d %s", code, body)
		}

		bodies := []string{`{}`, `{"id":1,"name":"' OR 1=1 --","code":"x'; DROP TABLE users; --","qty":"1","lines":[{}]}`}
		paths := func(p string) []string {
			out := []string{}
			for _, id := range []string{"1", "999999999"} {
				q := p
				for _, param := range []string{":id", ":aid", ":type", ":kind", ":name", ":event", ":period", ":code"} {
					v := id
					switch param {
					case ":type":
						v = "payment_method"
					case ":kind":
						v = "products"
					case ":name":
						v = "inventory-balance"
					case ":event":
						v = "purchase_receipt"
					case ":period":
						v = "2026-11"
					case ":code":
						v = "boss_" + id
					}
					q = strings.ReplaceAll(q, param, v)
				}
				out = append(out, "/api/v1"+q)
			}
			return out
		}
		// Writes a read-only user may make: its own session, password and
		// two-step settings.
		own := func(path string) bool {
			return strings.HasPrefix(path, "/auth/") || strings.HasPrefix(path, "/me/")
		}
		// Routes that end sessions or change the admin's own account are
		// called last or not at all, so the matrix keeps its tokens.
		skip := map[string]bool{"POST /auth/logout": true, "POST /me/password": true, "POST /me/totp/setup": true,
			"POST /me/totp/enable": true, "POST /me/totp/disable": true, "POST /org/sync": true}
		calls := 0
		for _, o := range apiOps() {
			key := o.method + " " + o.path
			if skip[key] {
				continue
			}
			for _, path := range paths(o.path) {
				if !o.public {
					if code, body := call("", o.method, path, `{}`); code != 401 {
						t.Errorf("%s %s without a token: %d %s", o.method, path, code, body)
					}
				}
				for who, tok := range tokens {
					for _, body := range bodies {
						code, resp := call(tok, o.method, path, body)
						calls++
						if code >= 500 {
							t.Errorf("%s %s as %s with %s: %d %s", o.method, path, who, body, code, resp)
						}
						if who == string(domain.RoleViewer) && o.method != "GET" && !own(o.path) && !o.public && code != 403 {
							t.Errorf("%s %s as the read-only role: %d %s", o.method, path, code, resp)
						}
					}
				}
			}
		}
		t.Logf("%d calls", calls)

		// The audit log and the names of its filters are for the roles
		// that may read the log (audit:read), and only for them.
		for who, want := range map[string]int{"admin": 200, string(domain.RoleFinance): 200, string(domain.RoleManager): 200,
			string(domain.RoleSales): 403, string(domain.RoleViewer): 403, string(domain.RoleWarehouse): 403} {
			for _, path := range []string{"/api/v1/audit-logs", "/api/v1/audit-logs/names"} {
				if code, body := call(tokens[who], "GET", path, ""); code != want {
					t.Errorf("GET %s as %s: %d, want %d: %s", path, who, code, want, body)
				}
			}
		}

		// Mass assignment: ids, creators and versions in a body are not
		// taken; a user cannot give themselves a role.
		code, body := call(tokens["admin"], "POST", "/api/v1/warehouses", `{"id":4242,"code":"MA1","name":"仓","created_by":77,"version":9,"created_at":"2001-01-01T00:00:00Z"}`)
		var wh struct {
			ID        int64     `json:"id"`
			Version   int       `json:"version"`
			CreatedAt time.Time `json:"created_at"`
		}
		if json.Unmarshal([]byte(body), &wh); code != 201 || wh.ID == 4242 || wh.Version != 1 || wh.CreatedAt.Year() == 2001 {
			t.Fatalf("warehouse took fields from the body: %d %s", code, body)
		}
		_, body = call(tokens[string(domain.RoleSales)], "GET", "/api/v1/me", "")
		var me struct {
			ID      int64 `json:"id"`
			Version int   `json:"version"`
		}
		json.Unmarshal([]byte(body), &me)
		if code, body = call(tokens[string(domain.RoleSales)], "PUT", fmt.Sprintf("/api/v1/users/%d", me.ID), `{"roles":["admin"],"version":1}`); code != 403 {
			t.Fatalf("a salesman made himself admin: %d %s", code, body)
		}
		if code, body = call(tokens[string(domain.RoleSales)], "GET", "/api/v1/me", ""); !strings.Contains(body, `"sales"`) || strings.Contains(body, `"admin"`) {
			t.Fatalf("roles after the attempt: %d %s", code, body)
		}
	})
}

// TestRouteMatrixScope is the route × role × data scope matrix: users in
// two departments, with own and department scopes, read and act through
// the HTTP API, and nothing of the other department's documents reaches
// them: not the lists, the details (404, as if absent), the stock moves,
// the reports and their exports, the dashboard, nor the writes and
// approval decisions on them. The administrator sees everything.
func TestRouteMatrixScope(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError + 4}))
		a := app.New(app.Options{Store: s, Cache: storetest.Cache(t, driver), Logger: log,
			Auth: app.AuthConfig{Secret: []byte("matrix-test-secret-matrix-test-secret"), TokenTTL: time.Hour}})
		h := New(a, log).Handler()
		type resp struct {
			code int
			body string
			hdr  map[string][]string
		}
		call := func(token, method, path, body string) resp {
			t.Helper()
			r := httptest.NewRequest(method, "/api/v1"+path, strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Authorization", "Bearer "+token)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return resp{w.Code, w.Body.String(), w.Header()}
		}
		ctx := context.Background()
		if _, err := a.EnsureAdmin(ctx, "admin", "Root-pass-2026"); err != nil {
			t.Fatal(err)
		}
		login := func(user, pw string) string {
			r := call("", "POST", "/auth/login", fmt.Sprintf(`{"username":%q,"password":%q}`, user, pw))
			var out struct{ Token string }
			if json.Unmarshal([]byte(r.body), &out); r.code != 200 || out.Token == "" {
				t.Fatalf("login %s: %d %s", user, r.code, r.body)
			}
			return out.Token
		}
		admin := login("admin", "Root-pass-2026")
		// Two departments, as the DingTalk mirror would hold them.
		depts := map[string]int64{}
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			for i, n := range []string{"一部", "二部"} {
				d := domain.Department{DingTalkID: int64(100 + i), Name: n, Status: "active"}
				if err := tx.SaveDepartment(&d); err != nil {
					return err
				}
				depts[n] = d.ID
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		type person struct {
			token string
			ctx   context.Context
		}
		people := map[string]person{}
		mk := func(name string, role domain.Role, dept, scope string) {
			pw := fmt.Sprintf("Matrix-pass-%d-y", len(people))
			r := call(admin, "POST", "/users", fmt.Sprintf(`{"username":%q,"name":%q,"password":%q,"roles":[%q],"department_id":%d,"data_scope":%q,"dingtalk_user_id":%q}`,
				name, name, pw, role, depts[dept], scope, "ding-"+name))
			var u domain.User
			if json.Unmarshal([]byte(r.body), &u); r.code != 201 || u.ID == 0 {
				t.Fatalf("create %s: %d %s", name, r.code, r.body)
			}
			people[name] = person{login(name, pw), app.WithActor(ctx, &u)}
		}
		mk("sales1", domain.RoleSales, "一部", domain.ScopeOwn)
		mk("sales2", domain.RoleSales, "二部", domain.ScopeOwn)
		mk("buyer1", domain.RolePurchaser, "一部", domain.ScopeDepartment)
		mk("buyer2", domain.RolePurchaser, "二部", domain.ScopeDepartment)
		mk("boss1", domain.RoleManager, "一部", domain.ScopeDepartment)
		mk("viewer1", domain.RoleViewer, "一部", domain.ScopeOwn)
		adminCtx := app.WithActor(ctx, &domain.User{ID: 1, Name: "admin", Roles: []domain.Role{domain.RoleAdmin}, Status: domain.UserActive, DataScope: domain.ScopeAll})

		ok := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		dec := decimal.RequireFromString
		cat := a.Catalog()
		unit, err := cat.Units.Create(adminCtx, app.UnitInput{Name: ptrOf("个")})
		ok(err)
		wh, err := cat.Warehouses.Create(adminCtx, app.WarehouseInput{Code: ptrOf("W1"), Name: ptrOf("主仓")})
		ok(err)
		prod, err := cat.Products.Create(adminCtx, app.ProductInput{SKU: ptrOf("A"), Name: ptrOf("商品A"), UnitID: &unit.ID})
		ok(err)
		sup, err := cat.Partners.Create(adminCtx, app.PartnerInput{Code: ptrOf("S1"), Name: ptrOf("供应商"), Type: ptrOf("supplier")})
		ok(err)
		cus, err := cat.Partners.Create(adminCtx, app.PartnerInput{Code: ptrOf("C1"), Name: ptrOf("客户"), Type: ptrOf("customer")})
		ok(err)
		_, err = a.PostOpening(adminCtx, app.OpeningInput{WarehouseID: wh.ID, Lines: []app.OpeningLineInput{{ProductID: prod.ID, Qty: dec("1000"), UnitCost: dec("5")}}})
		ok(err)

		// Each salesperson sells, the warehouse ships, one return; each
		// buyer buys and receives and asks for more.
		order := func(who, typ string, partner int64, qty, price string) *domain.Order {
			t.Helper()
			lines := []app.OrderLineInput{{ProductID: prod.ID, Qty: dec(qty), UnitPrice: dec(price)}}
			o, err := a.CreateOrder(people[who].ctx, typ, app.OrderInput{PartnerID: &partner, WarehouseID: &wh.ID, Lines: &lines})
			ok(err)
			o, err = a.SubmitOrder(people[who].ctx, typ, o.ID, o.Version)
			ok(err)
			return o
		}
		docs := map[string]*domain.StockDoc{}
		sos := map[string]*domain.Order{}
		for _, n := range []string{"1", "2"} {
			so := order("sales"+n, domain.DocSalesOrder, cus.ID, "10", "20")
			sos[n] = so
			sh, err := a.PostShipment(adminCtx, app.ShipmentInput{OrderID: so.ID, Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: dec("10")}}})
			ok(err)
			docs["sh"+n] = sh
			rt, err := a.PostSalesReturn(adminCtx, app.ReturnInput{SourceID: sh.ID, Lines: []domain.MoveLine{{LineID: sh.Lines[0].ID, Qty: dec("1")}}})
			ok(err)
			docs["rt"+n] = rt
			po := order("buyer"+n, domain.DocPurchaseOrder, sup.ID, "7", "3")
			rc, err := a.PostReceipt(adminCtx, app.ReceiptInput{OrderID: po.ID, Lines: []domain.MoveLine{{LineID: po.Lines[0].ID, Qty: dec("7")}}})
			ok(err)
			docs["rc"+n] = rc
		}
		reqs := map[string]*domain.Requisition{}
		for _, n := range []string{"1", "2"} {
			lines := []app.RequisitionLineInput{{ProductID: prod.ID, Qty: dec("3")}}
			r, err := a.CreateRequisition(people["buyer"+n].ctx, app.RequisitionInput{WarehouseID: &wh.ID, Lines: &lines})
			ok(err)
			reqs[n] = r
		}
		// Large sales orders wait for a manager.
		_, err = a.ApprovalRules().Create(adminCtx, app.ApprovalRuleInput{DocType: ptrOf(domain.DocSalesOrder), MinAmount: ptrOf(dec("1000")),
			Role: ptrOf(domain.RoleManager), Enabled: ptrOf(true)})
		ok(err)
		big := map[string]*domain.Order{}
		for _, n := range []string{"1", "2"} {
			big[n] = order("sales"+n, domain.DocSalesOrder, cus.ID, "100", "20")
		}
		approvals, err := a.ListApprovals(adminCtx, domain.ApprovalPending, app.ListParams{Page: 1, PageSize: 10})
		ok(err)
		apOf := map[int64]int64{}
		for _, ap := range approvals.Items {
			apOf[ap.DocID] = ap.ID
		}
		if len(apOf) != 2 {
			t.Fatalf("pending approvals %+v", approvals.Items)
		}

		total := func(who, path string) int64 {
			t.Helper()
			r := call(people[who].token, "GET", path, "")
			var l struct{ Total int64 }
			if json.Unmarshal([]byte(r.body), &l); r.code != 200 {
				t.Fatalf("%s GET %s: %d %s", who, path, r.code, r.body)
			}
			return l.Total
		}
		adminTotal := func(path string) int64 {
			people["admin"] = person{token: admin}
			return total("admin", path)
		}
		// Lists: one of each per person in scope; the administrator all.
		for _, c := range []struct{ who, path string }{
			{"sales1", "/sales-shipments"}, {"sales2", "/sales-shipments"}, {"sales1", "/sales-returns"},
			{"buyer1", "/purchase-receipts"}, {"buyer2", "/purchase-receipts"}, {"buyer1", "/purchase-requisitions"},
			{"buyer2", "/purchase-requisitions"},
		} {
			if n := total(c.who, c.path); n != 1 {
				t.Errorf("%s sees %d in %s, want 1", c.who, n, c.path)
			}
			if n := adminTotal(c.path); n != 2 {
				t.Errorf("admin sees %d in %s, want 2", n, c.path)
			}
		}
		// The viewer (every DingTalk member) owns nothing and sees nothing.
		for _, path := range []string{"/sales-shipments", "/sales-returns", "/purchase-receipts", "/sales-orders", "/stock/moves?doc_type=sales_shipment"} {
			if n := total("viewer1", path); n != 0 {
				t.Errorf("viewer sees %d in %s", n, path)
			}
		}
		// Details of the other department's documents do not exist.
		for _, c := range []struct{ who, path string }{
			{"sales1", fmt.Sprintf("/sales-shipments/%d", docs["sh2"].ID)},
			{"sales1", fmt.Sprintf("/sales-returns/%d", docs["rt2"].ID)},
			{"viewer1", fmt.Sprintf("/sales-shipments/%d", docs["sh1"].ID)},
			{"buyer1", fmt.Sprintf("/purchase-receipts/%d", docs["rc2"].ID)},
			{"buyer1", fmt.Sprintf("/purchase-requisitions/%d", reqs["2"].ID)},
			{"boss1", fmt.Sprintf("/approvals/%d", apOf[big["2"].ID])},
		} {
			if r := call(people[c.who].token, "GET", c.path, ""); r.code != 404 || strings.Contains(r.body, docs["sh2"].Number) {
				t.Errorf("%s GET %s: %d %s", c.who, c.path, r.code, r.body)
			}
		}
		for _, c := range []struct{ who, path string }{
			{"sales1", fmt.Sprintf("/sales-shipments/%d", docs["sh1"].ID)},
			{"buyer1", fmt.Sprintf("/purchase-requisitions/%d", reqs["1"].ID)},
			{"boss1", fmt.Sprintf("/approvals/%d", apOf[big["1"].ID])},
		} {
			if r := call(people[c.who].token, "GET", c.path, ""); r.code != 200 {
				t.Errorf("%s GET %s: %d %s", c.who, c.path, r.code, r.body)
			}
		}
		// An order's detail lists only what is in scope, and the other
		// department's order can be neither read nor copied.
		so2 := fmt.Sprintf("/sales-orders/%d", sos["2"].ID)
		own := total("sales1", "/sales-orders")
		for _, c := range []struct{ method, path string }{{"GET", so2}, {"POST", so2 + "/copy"}} {
			if r := call(people["sales1"].token, c.method, c.path, `{}`); r.code != 404 || strings.Contains(r.body, sos["2"].Number) {
				t.Errorf("sales1 %s %s: %d %s", c.method, c.path, r.code, r.body)
			}
		}
		if n := total("sales1", "/sales-orders"); n != own {
			t.Errorf("a refused copy made an order: sales1 sees %d, had %d", n, own)
		}
		var detail app.OrderView
		if r := call(people["sales1"].token, "GET", fmt.Sprintf("/sales-orders/%d", sos["1"].ID), ""); json.Unmarshal([]byte(r.body), &detail) != nil || r.code != 200 {
			t.Errorf("sales1's own order: %d %s", r.code, r.body)
		}
		if got := detail.Documents; len(got) != 2 || got[0].Number != docs["sh1"].Number || got[1].Number != docs["rt1"].Number {
			t.Errorf("sales1's order lists %+v, want %s and %s", got, docs["sh1"].Number, docs["rt1"].Number)
		}
		if l := detail.Lines; len(l) != 1 || !l[0].DoneQty.Equal(dec("10")) || !l[0].ReturnedQty.Equal(dec("1")) || !l[0].OpenQty.IsZero() || !l[0].OrderedQty.Equal(dec("10")) {
			t.Errorf("sales1's order lines %+v", l)
		}
		// Writes and decisions on them are not found either, and change
		// nothing.
		r2 := fmt.Sprintf("/purchase-requisitions/%d", reqs["2"].ID)
		for _, c := range []struct{ method, path, body string }{
			{"PUT", r2, fmt.Sprintf(`{"remark":"改","version":%d}`, reqs["2"].Version)},
			{"POST", r2 + "/cancel", `{}`},
			{"POST", r2 + "/order", fmt.Sprintf(`{"partner_id":%d}`, sup.ID)},
		} {
			if r := call(people["buyer1"].token, c.method, c.path, c.body); r.code != 404 {
				t.Errorf("buyer1 %s %s: %d %s", c.method, c.path, r.code, r.body)
			}
		}
		if r, err := a.GetRequisition(adminCtx, reqs["2"].ID); err != nil || r.Status != domain.RequisitionDraft || r.Version != reqs["2"].Version {
			t.Errorf("the other department's requisition changed: %+v %v", r, err)
		}
		ap2 := fmt.Sprintf("/approvals/%d", apOf[big["2"].ID])
		for _, act := range []string{"/approve", "/reject"} {
			if r := call(people["boss1"].token, "POST", ap2+act, `{"comment":"不行"}`); r.code != 404 {
				t.Errorf("boss1 %s on the other department's approval: %d %s", act, r.code, r.body)
			}
		}
		if n := total("boss1", "/approvals?status=pending"); n != 1 {
			t.Errorf("boss1's inbox has %d, want 1", n)
		}
		if r := call(people["boss1"].token, "POST", fmt.Sprintf("/approvals/%d/approve", apOf[big["1"].ID]), `{}`); r.code != 200 {
			t.Errorf("boss1 approves his own department's: %d %s", r.code, r.body)
		}
		// Stock moves: only those of documents in scope.
		var moves struct {
			Items []domain.Move
			Total int64
		}
		r := call(people["sales1"].token, "GET", "/stock/moves?page_size=100", "")
		if json.Unmarshal([]byte(r.body), &moves); r.code != 200 || moves.Total != 2 {
			t.Errorf("sales1's moves: %d %s", r.code, r.body)
		}
		for _, m := range moves.Items {
			if m.DocID != docs["sh1"].ID && m.DocID != docs["rt1"].ID {
				t.Errorf("sales1 sees move of %s", m.DocNumber)
			}
		}
		if n := adminTotal("/stock/moves"); n != 7 { // the opening, two shipments, two returns, two receipts
			t.Errorf("admin sees %d moves", n)
		}
		// Stock balances are not documents: everyone with stock:read sees them whole.
		if total("sales1", "/stock") != adminTotal("/stock") {
			t.Error("balances are scoped")
		}
		// Reports, JSON and exports: own figures, and the scope named.
		report := func(tok, name string) (struct {
			Total int64
			Items []map[string]any
			Scope *app.ScopeInfo
		}, resp) {
			t.Helper()
			r := call(tok, "GET", "/reports/"+name, "")
			var out struct {
				Total int64
				Items []map[string]any
				Scope *app.ScopeInfo
			}
			if json.Unmarshal([]byte(r.body), &out); r.code != 200 {
				t.Fatalf("report %s: %d %s", name, r.code, r.body)
			}
			return out, r
		}
		sd, _ := report(people["sales1"].token, "sales-detail")
		if sd.Total != 2 || sd.Scope == nil || sd.Scope.Scope != domain.ScopeOwn {
			t.Errorf("sales1's sales detail: %+v", sd)
		}
		for _, it := range sd.Items {
			if it["number"] != docs["sh1"].Number && it["number"] != docs["rt1"].Number {
				t.Errorf("sales1's sales detail has %v", it["number"])
			}
		}
		if all, _ := report(admin, "sales-detail"); all.Total != 4 || all.Scope == nil || all.Scope.Scope != domain.ScopeAll {
			t.Errorf("admin's sales detail: %+v", all)
		}
		// Gross profit needs cost:read, which salespeople lack; the
		// manager of 一部 sees his department's: sales1's order only, 10
		// shipped less 1 returned at 20, 180 of revenue.
		if r := call(people["sales1"].token, "GET", "/reports/gross-profit", ""); r.code != 403 {
			t.Errorf("sales1's gross profit without cost:read: %d %s", r.code, r.body)
		}
		gp, _ := report(people["boss1"].token, "gross-profit")
		if len(gp.Items) != 1 || !dec(fmt.Sprint(gp.Items[0]["amount"])).Equal(dec("180")) || !dec(fmt.Sprint(gp.Items[0]["qty"])).Equal(dec("9")) {
			t.Errorf("boss1's gross profit: %+v", gp.Items)
		}
		ps, _ := report(people["buyer1"].token, "purchase-summary")
		if len(ps.Items) != 1 || !dec(fmt.Sprint(ps.Items[0]["qty"])).Equal(dec("7")) || ps.Scope == nil || ps.Scope.Scope != domain.ScopeDepartment {
			t.Errorf("buyer1's purchase summary: %+v", ps)
		}
		sl, _ := report(people["sales1"].token, fmt.Sprintf("stock-ledger?product_id=%d", prod.ID))
		if sl.Total != 2 {
			t.Errorf("sales1's stock ledger: %+v", sl)
		}
		csv := call(people["sales1"].token, "GET", "/reports/sales-detail?format=csv", "")
		if lines := strings.Count(strings.TrimSpace(csv.body), "\n"); csv.code != 200 || lines != 2 || strings.Contains(csv.body, docs["sh2"].Number) {
			t.Errorf("sales1's CSV: %d %d lines %s", csv.code, lines, csv.body)
		}
		if cd := strings.Join(csv.hdr["Content-Disposition"], ""); !strings.Contains(cd, url.PathEscape("销售明细表-本人-")) ||
			strings.Join(csv.hdr["X-Data-Scope"], "") != domain.ScopeOwn {
			t.Errorf("the CSV does not say its scope: %v", csv.hdr)
		}
		xlsx := call(people["buyer1"].token, "GET", "/reports/purchase-summary?format=xlsx", "")
		if cd := strings.Join(xlsx.hdr["Content-Disposition"], ""); xlsx.code != 200 || !strings.Contains(cd, url.PathEscape("采购汇总表-本部门及下级-")) {
			t.Errorf("the XLSX does not say its scope: %d %v", xlsx.code, xlsx.hdr)
		}
		if cd := strings.Join(call(admin, "GET", "/reports/sales-detail?format=csv", "").hdr["Content-Disposition"], ""); strings.Contains(cd, url.PathEscape("全部")) ||
			!strings.Contains(cd, url.PathEscape("销售明细表-2")) {
			t.Errorf("the whole firm's export is named as before: %s", cd)
		}
		// The dashboard counts only the own documents: 10 × 20 less 1 × 20, with 13 % VAT.
		var dash app.Dashboard
		r = call(people["sales1"].token, "GET", "/dashboard", "")
		if json.Unmarshal([]byte(r.body), &dash); r.code != 200 || dash.Sales == nil || dash.Sales.Count != 1 || !dash.Sales.Total.Equal(dec("203.4")) {
			t.Errorf("sales1's dashboard: %d %s", r.code, r.body)
		}
		r = call(people["boss1"].token, "GET", "/dashboard", "")
		if json.Unmarshal([]byte(r.body), &dash); r.code != 200 || dash.PendingApprovals == nil || *dash.PendingApprovals != 0 {
			t.Errorf("boss1's dashboard after approving his one: %d %s", r.code, r.body)
		}
		// The bot answers from the same scope.
		ans, err := a.BotReply(ctx, "ding-sales1", "今日销售", false)
		ok(err)
		if !strings.Contains(ans.Text, "出库 1 单") || !strings.Contains(ans.Text, "¥203.40") {
			t.Errorf("bot for sales1: %s", ans.Text)
		}
		// Transfers and openings are their creators': their moves are
		// hidden from the salesperson, and so are they.
		wh2, err := cat.Warehouses.Create(adminCtx, app.WarehouseInput{Code: ptrOf("W2"), Name: ptrOf("二仓")})
		ok(err)
		tr, err := a.CreateTransfer(adminCtx, app.TransferInput{FromWarehouseID: &wh.ID, ToWarehouseID: &wh2.ID,
			Lines: &[]app.TransferLineInput{{ProductID: prod.ID, Qty: dec("1")}}})
		ok(err)
		if n := total("sales1", "/transfers"); n != 0 {
			t.Errorf("sales1 sees %d transfers", n)
		}
		if n := adminTotal("/transfers"); n != 1 {
			t.Errorf("admin sees %d transfers", n)
		}
		for _, path := range []string{fmt.Sprintf("/transfers/%d", tr.ID), "/stock/openings/1"} {
			if r := call(people["sales1"].token, "GET", path, ""); r.code != 404 {
				t.Errorf("sales1 GET %s: %d %s", path, r.code, r.body)
			}
			if r := call(admin, "GET", path, ""); r.code != 200 {
				t.Errorf("admin GET %s: %d %s", path, r.code, r.body)
			}
		}
		// An automatic (reorder) requisition is the warehouse's: every
		// buyer sees it, whoever's posting crossed the safety stock.
		_, err = a.SetReorderLevels(adminCtx, app.ReorderLevelsInput{Levels: []app.ReorderLevelInput{
			{ProductID: prod.ID, WarehouseID: wh.ID, SafetyStock: dec("5000")}}})
		ok(err)
		so := order("sales2", domain.DocSalesOrder, cus.ID, "1", "20")
		_, err = a.PostShipment(adminCtx, app.ShipmentInput{OrderID: so.ID, Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: dec("1")}}})
		ok(err)
		for _, who := range []string{"buyer1", "buyer2"} {
			if n := total(who, "/purchase-requisitions?source=reorder"); n != 1 {
				t.Errorf("%s sees %d reorder requisitions", who, n)
			}
			if n := total(who, "/purchase-requisitions"); n != 2 {
				t.Errorf("%s sees %d requisitions, want the own and the automatic", who, n)
			}
		}
		// Reorder levels: every role that reads master data sees them; only
		// master:write sets them and purchase:write runs the check.
		levels := fmt.Sprintf(`{"levels":[{"product_id":%d,"warehouse_id":%d,"safety_stock":"5000","reorder_point":"6000","reorder_qty":"100"}]}`, prod.ID, wh.ID)
		for _, c := range []struct {
			who, method, path, body string
			want                    int
		}{
			{"viewer1", "GET", fmt.Sprintf("/reorder-levels?warehouse_id=%d", wh.ID), "", 200},
			{"sales1", "GET", fmt.Sprintf("/reorder-levels?product_id=%d", prod.ID), "", 200},
			{"sales1", "GET", "/reorder-levels", "", 422},
			{"sales1", "PUT", "/reorder-levels", levels, 403},
			{"viewer1", "PUT", "/reorder-levels", levels, 403},
			{"buyer1", "PUT", "/reorder-levels", levels, 200},
			{"buyer1", "PUT", "/reorder-levels", `{"levels":[{"product_id":1,"warehouse_id":1,"safety_stock":"-1"}]}`, 422},
			{"sales1", "POST", "/reorder-check", "", 403},
			{"buyer2", "POST", "/reorder-check", "", 200},
		} {
			if r := call(people[c.who].token, c.method, c.path, c.body); r.code != c.want {
				t.Errorf("%s %s %s: %d %s, want %d", c.who, c.method, c.path, r.code, r.body, c.want)
			}
		}
		if r := call(people["buyer1"].token, "GET", "/reorder-suggestions", ""); !strings.Contains(r.body, `"suggested_qty":"`) {
			t.Errorf("suggestions after the level changed: %s", r.body)
		}
	})
}

func ptrOf[T any](v T) *T { return &v }
