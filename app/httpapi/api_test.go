package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/app/httpapi"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
)

// testMetricsToken is the metrics.token of the test servers.
const testMetricsToken = "api-test-metrics-token"

type apiEnv struct {
	t      *testing.T
	srv    *httptest.Server
	tokens map[string]string
	now    func() time.Time // the server's clock
}

func newAPI(t *testing.T, driver string) *apiEnv {
	t.Helper()
	s := storetest.Open(t, driver)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	a := app.New(app.Options{Store: s, Cache: storetest.Cache(t, driver), Logger: log,
		Auth: app.AuthConfig{Secret: []byte("api-test-secret-api-test-secret-0123"), TokenTTL: time.Hour}})
	hs := httpapi.New(a, log)
	hs.SetMetricsToken(testMetricsToken)
	srv := httptest.NewServer(hs.Handler())
	t.Cleanup(srv.Close)
	e := &apiEnv{t: t, srv: srv, tokens: map[string]string{}, now: s.Now}
	if _, err := a.EnsureAdmin(context.Background(), "admin", "Root-pass-2026"); err != nil {
		t.Fatal(err)
	}
	e.tokens["admin"] = e.login("admin", "Root-pass-2026")
	for _, u := range []struct {
		name string
		role domain.Role
	}{{"viewer", domain.RoleViewer}, {"keeper", domain.RoleWarehouse}} {
		e.do("admin", "POST", "/api/v1/users", fmt.Sprintf(`{"username":%q,"name":"测试","password":"Pass-no-%d-x1","roles":[%q]}`, u.name, len(u.name), u.role), nil, 201)
		e.tokens[u.name] = e.login(u.name, fmt.Sprintf("Pass-no-%d-x1", len(u.name)))
	}
	return e
}

func (e *apiEnv) login(user, pw string) string {
	e.t.Helper()
	var out struct{ Token string }
	body := e.do("", "POST", "/api/v1/auth/login", fmt.Sprintf(`{"username":%q,"password":%q}`, user, pw), nil, 200)
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.Token == "" {
		e.t.Fatalf("login %s: %s", user, body)
	}
	return out.Token
}

// do sends a request as a user and checks the status; it returns the body.
func (e *apiEnv) do(user, method, path, body string, headers map[string]string, want int) string {
	e.t.Helper()
	status, out, _ := e.raw(user, method, path, body, headers)
	if status != want {
		e.t.Fatalf("%s %s as %q: status %d, want %d: %s", method, path, user, status, want, out)
	}
	return out
}

func (e *apiEnv) raw(user, method, path, body string, headers map[string]string) (int, string, http.Header) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if tok := e.tokens[user]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func id(t *testing.T, body string) int64 {
	t.Helper()
	var v struct{ ID int64 }
	if err := json.Unmarshal([]byte(body), &v); err != nil || v.ID == 0 {
		t.Fatalf("no id in %s", body)
	}
	return v.ID
}

type scenario struct {
	name         string
	user         string
	method, url  string
	body         string
	headers      map[string]string
	wantStatus   int
	wantContains []string
}

func TestAPIScenarios(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newAPI(t, driver)
		unit := id(t, e.do("admin", "POST", "/api/v1/units", `{"name":"个"}`, nil, 201))
		wh := id(t, e.do("admin", "POST", "/api/v1/warehouses", `{"code":"WH1","name":"一号仓"}`, nil, 201))
		wh2 := id(t, e.do("admin", "POST", "/api/v1/warehouses", `{"code":"WH2","name":"二号仓"}`, nil, 201))
		prod := id(t, e.do("admin", "POST", "/api/v1/products", fmt.Sprintf(`{"sku":"A001","name":"矿泉水","unit_id":%d,"barcode":"6901234567892"}`, unit), nil, 201))
		e.do("keeper", "POST", "/api/v1/stock/opening", fmt.Sprintf(`{"warehouse_id":%d,"lines":[{"product_id":%d,"qty":"40","unit_cost":2.5}]}`, wh, prod), nil, 201)

		for _, sc := range []scenario{
			{"OK health", "", "GET", "/healthz", "", nil, 200, []string{`"ok"`}},
			{"OK ready", "", "GET", "/readyz", "", nil, 200, []string{`"database":"ok"`, `"cache":"ok"`}},
			{"ErrNoToken", "", "GET", "/api/v1/products", "", nil, 401, []string{`"code":"unauthorized"`}},
			{"ErrBadToken", "", "GET", "/api/v1/me", "", map[string]string{"Authorization": "Bearer nope"}, 401, []string{`"code":"unauthorized"`}},
			{"ErrBadPassword", "", "POST", "/api/v1/auth/login", `{"username":"admin","password":"wrong-1234"}`, nil, 401, []string{`"code":"bad_credentials"`}},
			{"OK me", "viewer", "GET", "/api/v1/me", "", nil, 200, []string{`"username":"viewer"`, `"master:read"`}},
			{"ErrViewerCreates", "viewer", "POST", "/api/v1/products", `{"sku":"V1","name":"x","unit_id":1}`, nil, 403, []string{`"code":"forbidden"`}},
			{"ErrKeeperManagesUsers", "keeper", "GET", "/api/v1/users", "", nil, 403, []string{`"code":"forbidden"`}},
			{"ErrMalformedJSON", "admin", "POST", "/api/v1/products", `{"sku":`, nil, 400, []string{`"code":"malformed_request"`}},
			{"ErrWrongType", "admin", "POST", "/api/v1/products", `{"sku":"X1","name":"x","unit_id":"one"}`, nil, 400, []string{`"code":"malformed_request"`, `"field":"unit_id"`}},
			{"ErrBadDecimal", "admin", "POST", "/api/v1/products", `{"sku":"X1","name":"x","unit_id":1,"tax_rate":"abc"}`, nil, 400, []string{`"code":"malformed_request"`, `"field":"tax_rate"`}},
			{"ErrEmptyDecimal", "admin", "POST", "/api/v1/approval-rules", `{"doc_type":"sales_order","min_amount":"","role":"manager"}`, nil, 400, []string{`"code":"malformed_request"`, `"field":"min_amount"`}},
			{"ErrBadDecimalInLine", "admin", "POST", "/api/v1/transfers", `{"from_warehouse_id":1,"to_warehouse_id":2,"lines":[{"product_id":1,"qty":"1"},{"product_id":2,"qty":"1,5"}]}`, nil, 400, []string{`"code":"malformed_request"`, `"field":"lines[1].qty"`}},
			{"ErrEmptyBody", "admin", "POST", "/api/v1/warehouses", ``, nil, 400, []string{`"code":"malformed_request"`}},
			{"ErrMissingName", "admin", "POST", "/api/v1/warehouses", `{"code":"W9"}`, nil, 422, []string{`"code":"validation_failed"`, `"field":"name"`}},
			{"ErrDuplicateSKU", "admin", "POST", "/api/v1/products", fmt.Sprintf(`{"sku":"A001","name":"x","unit_id":%d}`, unit), nil, 409, []string{`"code":"duplicate"`, `"field":"sku"`}},
			{"ErrUnknownID", "admin", "GET", "/api/v1/products/99999", "", nil, 404, []string{`"code":"not_found"`}},
			{"ErrNonNumericID", "admin", "GET", "/api/v1/products/abc", "", nil, 404, []string{`"code":"not_found"`}},
			{"ErrPageSize", "admin", "GET", "/api/v1/products?page_size=500", "", nil, 422, []string{`"field":"page_size"`}},
			{"ErrPageNotInt", "admin", "GET", "/api/v1/products?page=x", "", nil, 400, []string{`"field":"page"`}},
			{"ErrSortField", "admin", "GET", "/api/v1/products?sort=password", "", nil, 422, []string{`"field":"sort"`}},
			{"OK list paged", "viewer", "GET", "/api/v1/products?page=1&page_size=5&sort=-sku&q=矿泉", "", nil, 200, []string{`"total":1`, `"page_size":5`, `"sku":"A001"`, `"tax_rate":"0.13"`}},
			// Costs need cost:read, which the read-only role lacks
			// (TestCostReadAndFieldPermissions checks they are absent).
			{"OK stock", "admin", "GET", fmt.Sprintf("/api/v1/stock?product_id=%d", prod), "", nil, 200, []string{`"on_hand":"40"`, `"available":"40"`, `"avg_cost":"2.5"`, `"value":"100"`}},
			{"OK stock by scanned barcode", "viewer", "GET", "/api/v1/stock?sku=6901234567892", "", nil, 200, []string{`"sku":"A001"`, `"total":1`}},
			{"OK stock by name", "viewer", "GET", "/api/v1/stock?q=%E6%B3%89%E6%B0%B4", "", nil, 200, []string{`"sku":"A001"`, `"total":1`}},
			{"OK stock search without match", "viewer", "GET", "/api/v1/stock?q=nothing", "", nil, 200, []string{`"total":0`}},
			{"OK transfer draft", "keeper", "POST", "/api/v1/transfers", fmt.Sprintf(`{"from_warehouse_id":%d,"to_warehouse_id":%d,"lines":[{"product_id":%d,"qty":41}]}`, wh, wh2, prod), nil, 201, []string{`"status":"draft"`, `"number":"TR`}},
			{"ErrSameWarehouse", "keeper", "POST", "/api/v1/transfers", fmt.Sprintf(`{"from_warehouse_id":%d,"to_warehouse_id":%d,"lines":[{"product_id":%d,"qty":1}]}`, wh, wh, prod), nil, 422, []string{`"field":"to_warehouse_id"`}},
			{"ErrNegativeQty", "keeper", "POST", "/api/v1/transfers", fmt.Sprintf(`{"from_warehouse_id":%d,"to_warehouse_id":%d,"lines":[{"product_id":%d,"qty":"-1"}]}`, wh, wh2, prod), nil, 422, []string{`"field":"lines[0].qty"`}},
			{"ErrTooPrecise", "keeper", "POST", "/api/v1/transfers", fmt.Sprintf(`{"from_warehouse_id":%d,"to_warehouse_id":%d,"lines":[{"product_id":%d,"qty":"1.00001"}]}`, wh, wh2, prod), nil, 422, []string{`"field":"lines[0].qty"`}},
			// The partner is read with the warehouse and the products; a
			// missing warehouse is still reported first.
			{"ErrUnknownPartner", "admin", "POST", "/api/v1/sales-orders", fmt.Sprintf(`{"partner_id":99999,"warehouse_id":%d,"lines":[{"product_id":%d,"qty":"1","unit_price":"9"}]}`, wh, prod), nil, 422, []string{`"field":"partner_id"`, "99999"}},
			{"ErrUnknownWarehouseAndPartner", "admin", "POST", "/api/v1/sales-orders", fmt.Sprintf(`{"partner_id":99999,"warehouse_id":99998,"lines":[{"product_id":%d,"qty":"1","unit_price":"9"}]}`, prod), nil, 422, []string{`"field":"warehouse_id"`}},
			{"ErrBadDate", "viewer", "GET", "/api/v1/stock?as_of=2026-13-01", "", nil, 422, []string{`"field":"as_of"`}},
			{"ErrNoRoute", "admin", "GET", "/api/v1/nothing", "", nil, 404, []string{`"code":"not_found"`}},
			{"ErrMethod", "admin", "PATCH", "/api/v1/products", "", nil, 405, []string{`"code":"method_not_allowed"`}},
			{"OK dictionary", "viewer", "GET", "/api/v1/dictionaries/payment_method/entries", "", nil, 200, []string{`"label":"银行转账"`}},
			{"OK roles", "viewer", "GET", "/api/v1/roles", "", nil, 200, []string{`"role":"warehouse"`, `"仓管"`}},
			{"OK metrics", "", "GET", "/metrics", "", map[string]string{"Authorization": "Bearer " + testMetricsToken}, 200, []string{`erpd_http_requests_total{method="GET",route="/api/v1/products",status="200"}`, "erpd_http_request_duration_seconds", "erpd_db_pool_open_connections"}},
		} {
			t.Run(sc.name, func(t *testing.T) {
				status, body, h := e.raw(sc.user, sc.method, sc.url, sc.body, sc.headers)
				if status != sc.wantStatus {
					t.Fatalf("status %d, want %d: %s", status, sc.wantStatus, body)
				}
				for _, w := range sc.wantContains {
					if !strings.Contains(body, w) {
						t.Errorf("body lacks %s: %s", w, body)
					}
				}
				if h.Get("X-Request-Id") == "" {
					t.Error("no X-Request-Id")
				}
			})
		}

		t.Run("InsufficientStockOnPost", func(t *testing.T) {
			tr := id(t, e.do("keeper", "POST", "/api/v1/transfers", fmt.Sprintf(`{"from_warehouse_id":%d,"to_warehouse_id":%d,"lines":[{"product_id":%d,"qty":41}]}`, wh, wh2, prod), nil, 201))
			body := e.do("keeper", "POST", fmt.Sprintf("/api/v1/transfers/%d/post", tr), "", nil, 422)
			for _, w := range []string{`"code":"insufficient_stock"`, `"field":"lines[0].qty"`, `可用库存不足: A001`, `"available":"40"`} {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %s: %s", w, body)
				}
			}
		})

		t.Run("RequestIDEchoed", func(t *testing.T) {
			_, _, h := e.raw("", "GET", "/healthz", "", map[string]string{"X-Request-Id": "trace-123"})
			if h.Get("X-Request-Id") != "trace-123" {
				t.Fatalf("X-Request-Id = %q", h.Get("X-Request-Id"))
			}
		})

		t.Run("IdempotentRetry", func(t *testing.T) {
			key := map[string]string{"Idempotency-Key": "create-wh-77"}
			body := `{"code":"WH77","name":"七七仓"}`
			first := e.do("admin", "POST", "/api/v1/warehouses", body, key, 201)
			status, again, h := e.raw("admin", "POST", "/api/v1/warehouses", body, key)
			if status != 201 || again != first || h.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("retry: %d %s (replayed=%q), want the first response %s", status, again, h.Get("Idempotent-Replayed"), first)
			}
			list := e.do("admin", "GET", "/api/v1/warehouses?q=WH77", "", nil, 200)
			if !strings.Contains(list, `"total":1`) {
				t.Fatalf("the retry wrote again: %s", list)
			}
			other := e.do("admin", "POST", "/api/v1/warehouses", `{"code":"WH78","name":"别的"}`, key, 409)
			if !strings.Contains(other, `"code":"idempotency_key_reused"`) {
				t.Fatal(other)
			}
			// Concurrent retries of one key write once.
			key2 := map[string]string{"Idempotency-Key": "create-wh-79"}
			var wg sync.WaitGroup
			codes := make([]int, 8)
			for i := range codes {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					codes[i], _, _ = e.raw("admin", "POST", "/api/v1/warehouses", `{"code":"WH79","name":"并发"}`, key2)
				}(i)
			}
			wg.Wait()
			for _, c := range codes {
				if c != 201 && c != 409 {
					t.Fatalf("concurrent retry status %d", c)
				}
			}
			list = e.do("admin", "GET", "/api/v1/warehouses?q=WH79", "", nil, 200)
			if !strings.Contains(list, `"total":1`) {
				t.Fatalf("concurrent retries wrote %s", list)
			}
		})

		t.Run("NoMassAssignment", func(t *testing.T) {
			body := e.do("admin", "POST", "/api/v1/units", `{"name":"箱子","id":999,"version":77,"created_at":"2000-01-01T00:00:00Z"}`, nil, 201)
			if strings.Contains(body, `"id":999`) || !strings.Contains(body, `"version":1`) || strings.Contains(body, "2000-01-01") {
				t.Fatalf("client-set fields were stored: %s", body)
			}
			me := e.do("viewer", "GET", "/api/v1/me", "", nil, 200)
			var u struct{ ID int64 }
			json.Unmarshal([]byte(me), &u)
			// A viewer cannot grant itself roles: the users endpoint is admin-only.
			e.do("viewer", "PUT", fmt.Sprintf("/api/v1/users/%d", u.ID), `{"roles":["admin"]}`, nil, 403)
		})

		t.Run("OversizedBody", func(t *testing.T) {
			big := `{"code":"BIG","name":"` + strings.Repeat("大", 2<<20) + `"}`
			status, body, _ := e.raw("admin", "POST", "/api/v1/warehouses", big, nil)
			if status != 413 || !strings.Contains(body, "payload_too_large") {
				t.Fatalf("status %d: %.200s", status, body)
			}
		})

		t.Run("SQLInjectionStoredLiterally", func(t *testing.T) {
			name := `x'); DROP TABLE products; --`
			body := e.do("admin", "POST", "/api/v1/warehouses", fmt.Sprintf(`{"code":"INJ1","name":%q}`, name), nil, 201)
			if !strings.Contains(body, "DROP TABLE") {
				t.Fatal(body)
			}
			e.do("viewer", "GET", "/api/v1/products?q="+strings.ReplaceAll(name, " ", "%20"), "", nil, 200)
			e.do("viewer", "GET", "/api/v1/products", "", nil, 200)
		})

		t.Run("AuditLogged", func(t *testing.T) {
			body := e.do("admin", "GET", "/api/v1/audit-logs?entity=warehouse&action=create", "", nil, 200)
			if !strings.Contains(body, `"actor_name":"管理员"`) || !strings.Contains(body, `七七仓`) {
				t.Fatalf("audit: %.500s", body)
			}
		})
	})
}
