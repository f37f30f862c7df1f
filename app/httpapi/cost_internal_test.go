package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
)

// Issue 21: the sales role saw costs and gross profit everywhere. Without
// cost:read, costs, stock value and margins are absent (not zero) from
// answers, report columns and exports, the gross-profit report is
// refused and the dashboard has no stock value; finance still sees them.
// A purchaser's master:write no longer reaches credit limits.
func TestCostReadAndFieldPermissions(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError + 4}))
		a := app.New(app.Options{Store: s, Cache: storetest.Cache(t, driver), Logger: log,
			Auth: app.AuthConfig{Secret: []byte("cost-test-secret-cost-test-secret-xx"), TokenTTL: time.Hour}})
		h := New(a, log).Handler()
		call := func(token, method, path, body string) (int, string) {
			r := httptest.NewRequest(method, path, strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Authorization", "Bearer "+token)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w.Code, w.Body.String()
		}
		sys := app.WithActor(context.Background(), app.System)
		cat := a.Catalog()
		u, err := cat.Units.Create(sys, app.UnitInput{Name: ptr("个")})
		if err != nil {
			t.Fatal(err)
		}
		w, err := cat.Warehouses.Create(sys, app.WarehouseInput{Code: ptr("W1"), Name: ptr("主仓")})
		if err != nil {
			t.Fatal(err)
		}
		p, err := cat.Products.Create(sys, app.ProductInput{SKU: ptr("P1"), Name: ptr("商品"), UnitID: &u.ID})
		if err != nil {
			t.Fatal(err)
		}
		opening, err := a.PostOpening(sys, app.OpeningInput{WarehouseID: w.ID, Lines: []app.OpeningLineInput{
			{ProductID: p.ID, Qty: decimal.RequireFromString("4"), UnitCost: decimal.RequireFromString("2.5")}}})
		if err != nil {
			t.Fatal(err)
		}
		cust, err := cat.Partners.Create(sys, app.PartnerInput{Code: ptr("C1"), Name: ptr("客户"), Type: ptr(domain.PartnerCustomer)})
		if err != nil {
			t.Fatal(err)
		}
		tokens := map[domain.Role]string{}
		for i, r := range []domain.Role{domain.RoleSales, domain.RoleFinance, domain.RolePurchaser, domain.RoleWarehouse} {
			pw := fmt.Sprintf("Secret-pw-%d-x", i)
			// Every document in scope (全部): this test is about columns,
			// the data scope has its own (TestRouteMatrixScope).
			all := domain.ScopeAll
			if _, err := a.CreateUser(sys, app.UserInput{Username: ptr("u_" + string(r)), Name: ptr(string(r)), Password: &pw,
				Roles: &[]domain.Role{r}, DataScope: &all}); err != nil {
				t.Fatal(err)
			}
			sess, err := a.Login(context.Background(), "u_"+string(r), pw, "", "10.1.1.1")
			if err != nil {
				t.Fatal(err)
			}
			tokens[r] = sess.Token
		}
		sales, finance := tokens[domain.RoleSales], tokens[domain.RoleFinance]

		get := func(token, path string) string {
			t.Helper()
			code, body := call(token, "GET", path, "")
			if code != 200 {
				t.Fatalf("GET %s: %d %s", path, code, body)
			}
			return body
		}
		has := func(body, key string) bool { return strings.Contains(body, `"`+key+`"`) }

		stock := get(sales, "/api/v1/stock")
		if has(stock, "avg_cost") || has(stock, "value") || !has(stock, "on_hand") {
			t.Errorf("sales /stock: %s", stock)
		}
		if fin := get(finance, "/api/v1/stock"); !has(fin, "avg_cost") || !has(fin, "value") {
			t.Errorf("finance /stock: %s", fin)
		}
		// The keeper, not sales: a sales clerk's own data scope hides the
		// opening's moves, so an empty list would prove nothing.
		moves := get(tokens[domain.RoleWarehouse], fmt.Sprintf("/api/v1/stock/moves?product_id=%d", p.ID))
		if has(moves, "unit_cost") || has(moves, "amount") || !has(moves, "qty") {
			t.Errorf("warehouse /stock/moves: %s", moves)
		}
		if fin := get(finance, fmt.Sprintf("/api/v1/stock/moves?product_id=%d", p.ID)); !has(fin, "unit_cost") || !has(fin, "amount") {
			t.Errorf("finance /stock/moves: %s", fin)
		}
		dash := get(sales, "/api/v1/dashboard")
		if has(dash, "stock_value") {
			t.Errorf("sales dashboard: %s", dash)
		}
		if fin := get(finance, "/api/v1/dashboard"); !strings.Contains(fin, `"stock_value":"10`) {
			t.Errorf("finance dashboard: %s", fin)
		}
		var rep struct {
			Columns []app.ReportColumn `json:"columns"`
			Items   []map[string]any   `json:"items"`
			Summary map[string]any     `json:"summary"`
		}
		if err := json.Unmarshal([]byte(get(sales, "/api/v1/reports/inventory-balance")), &rep); err != nil {
			t.Fatal(err)
		}
		for _, c := range rep.Columns {
			if c.Key == "avg_cost" || c.Key == "value" {
				t.Errorf("sales inventory-balance column %s", c.Key)
			}
		}
		if len(rep.Items) != 1 || rep.Items[0]["value"] != nil || rep.Items[0]["avg_cost"] != nil || rep.Summary["value"] != nil {
			t.Errorf("sales inventory-balance: %+v %+v", rep.Items, rep.Summary)
		}
		csv := get(sales, "/api/v1/reports/inventory-balance?format=csv")
		if strings.Contains(csv, "平均成本") || strings.Contains(csv, "结存金额") || !strings.Contains(csv, "结存数量") {
			t.Errorf("sales CSV: %s", csv)
		}
		if csv := get(finance, "/api/v1/reports/inventory-balance?format=csv"); !strings.Contains(csv, "平均成本") || !strings.Contains(csv, "2.5") {
			t.Errorf("finance CSV: %s", csv)
		}
		// Nor may the order give the stock value away.
		if code, body := call(sales, "GET", "/api/v1/stock?sort=-value", ""); code != 422 && code != 400 {
			t.Errorf("sales sorts by value: %d %s", code, body)
		}
		get(finance, "/api/v1/stock?sort=-value")
		if code, body := call(sales, "GET", "/api/v1/reports/gross-profit", ""); code != 403 {
			t.Errorf("sales gross-profit: %d %s", code, body)
		}
		// The sales detail keeps prices but loses cost and profit.
		if cols := get(sales, "/api/v1/reports/sales-detail"); strings.Contains(cols, `"key":"profit"`) || !strings.Contains(cols, `"key":"unit_price"`) {
			t.Errorf("sales-detail columns: %s", cols)
		}

		// A transfer's, stocktake's and opening's line amount is qty × unit
		// cost: absent for the warehouse keeper on the document, its listing and the
		// answer to posting it, kept for finance.
		keeper := tokens[domain.RoleWarehouse]
		w2, err := cat.Warehouses.Create(sys, app.WarehouseInput{Code: ptr("W2"), Name: ptr("分仓")})
		if err != nil {
			t.Fatal(err)
		}
		tr, err := a.CreateTransfer(sys, app.TransferInput{FromWarehouseID: &w.ID, ToWarehouseID: &w2.ID,
			Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: decimal.RequireFromString("1")}}})
		if err != nil {
			t.Fatal(err)
		}
		if tr, err = a.PostTransfer(sys, tr.ID, tr.Version); err != nil {
			t.Fatal(err)
		}
		st, err := a.CreateStocktake(sys, app.StocktakeInput{WarehouseID: &w.ID,
			Lines: &[]app.StocktakeLineInput{{ProductID: p.ID, CountedQty: decimal.RequireFromString("2")}}})
		if err != nil {
			t.Fatal(err)
		}
		if st, err = a.PostStocktake(sys, st.ID, st.Version); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{fmt.Sprintf("/api/v1/transfers/%d", tr.ID), "/api/v1/transfers",
			fmt.Sprintf("/api/v1/stocktakes/%d", st.ID), "/api/v1/stocktakes", fmt.Sprintf("/api/v1/stock/openings/%d", opening.ID)} {
			if body := get(keeper, path); has(body, "amount") || has(body, "unit_cost") || !has(body, "number") {
				t.Errorf("warehouse %s: %s", path, body)
			}
			if fin := get(finance, path); strings.Contains(path, "openings") && !has(fin, "amount") {
				t.Errorf("finance %s: %s", path, fin)
			}
		}
		if fin := get(finance, fmt.Sprintf("/api/v1/transfers/%d", tr.ID)); !strings.Contains(fin, `"amount":"2.5"`) {
			t.Errorf("finance transfer: %s", fin)
		}
		if code, body := call(keeper, "POST", "/api/v1/stock/opening", fmt.Sprintf(`{"warehouse_id":%d,"lines":[{"product_id":%d,"qty":"1","unit_cost":"3"}]}`, w2.ID, p.ID)); code != 201 || has(body, "amount") || has(body, "unit_cost") {
			t.Errorf("warehouse opening answer: %d %s", code, body)
		}

		// The books' profit is not a product cost: a custom role with
		// ledger:admin but not cost:read keeps 净利润 in the statements and
		// in the answer to closing a month.
		if _, err := a.CreateRole(sys, app.RoleInput{Role: ptr(domain.Role("closer")), Name: ptr("结账员"),
			Permissions: &[]domain.Permission{domain.PermLedgerRead, domain.PermLedgerAdmin}}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.CreateUser(sys, app.UserInput{Username: ptr("closer"), Name: ptr("结账员"), Password: ptr("Secret-pw-c1oser9"),
			Roles: &[]domain.Role{"closer"}}); err != nil {
			t.Fatal(err)
		}
		closer, err := a.Login(context.Background(), "closer", "Secret-pw-c1oser9", "", "10.1.1.2")
		if err != nil {
			t.Fatal(err)
		}
		if is := get(closer.Token, "/api/v1/reports/income-statement"); !strings.Contains(is, `"item":"四、净利润"`) || !has(is, "col1") {
			t.Errorf("closer income statement: %s", is)
		}
		closed, _ := json.Marshal(app.PeriodClose{})
		var keys map[string]any
		if err := json.Unmarshal(closed, &keys); err != nil {
			t.Fatal(err)
		}
		for k := range keys {
			if domain.IsCostKey(k) {
				t.Errorf("the period close answer's %q is a cost key, hidden without cost:read", k)
			}
		}

		// The purchaser's master:write stops at the credit limit: 403
		// naming the field.
		code, body := call(tokens[domain.RolePurchaser], "PUT", fmt.Sprintf("/api/v1/partners/%d", cust.ID), `{"credit_limit":"99999999","version":1}`)
		if code != 403 || !strings.Contains(body, `"forbidden_field"`) || !strings.Contains(body, `"credit_limit"`) {
			t.Errorf("purchaser credit limit: %d %s", code, body)
		}
		code, body = call(tokens[domain.RolePurchaser], "PUT", fmt.Sprintf("/api/v1/warehouses/%d", w.ID), `{"allow_negative":true,"version":1}`)
		if code != 403 || !strings.Contains(body, `"allow_negative"`) {
			t.Errorf("purchaser negative stock: %d %s", code, body)
		}
	})
}

func ptr[T any](v T) *T { return &v }
