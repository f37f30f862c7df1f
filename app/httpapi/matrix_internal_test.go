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
				for _, param := range []string{":id", ":type", ":kind", ":name", ":event", ":period", ":code"} {
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
