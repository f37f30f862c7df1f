package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// Every route under /api/v1 is in the document, and nothing else is: a
// route added without its op fails here.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	s := storetest.Open(t, store.DriverSQLite)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	a := app.New(app.Options{Store: s, Cache: storetest.Cache(t, store.DriverSQLite), Logger: log,
		Auth: app.AuthConfig{Secret: []byte("api-test-secret-api-test-secret-0123"), TokenTTL: time.Hour}})
	srv := New(a, log)
	documented := map[string]bool{}
	for _, o := range apiOps() {
		k := o.method + " /api/v1" + o.path
		if documented[k] {
			t.Errorf("%s is documented twice", k)
		}
		documented[k] = true
	}
	routed := map[string]bool{}
	for _, r := range srv.engine.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		k := r.Method + " " + r.Path
		routed[k] = true
		if !documented[k] {
			t.Errorf("route %s is not in openapi.json: add it to apiOps", k)
		}
	}
	for k := range documented {
		if !routed[k] {
			t.Errorf("openapi.json documents %s, which no route serves", k)
		}
	}

	// The document itself: served without a token, valid JSON, every
	// $ref defined, the shapes taken from the Go types.
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("openapi.json: %d %s", rec.Code, rec.Body)
	}
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.0.3" || len(doc.Paths) < 60 {
		t.Fatalf("openapi %q with %d paths", doc.OpenAPI, len(doc.Paths))
	}
	for _, m := range regexp.MustCompile(`"#/components/schemas/([^"]+)"`).FindAllStringSubmatch(rec.Body.String(), -1) {
		if _, ok := doc.Components.Schemas[m[1]]; !ok {
			t.Errorf("$ref to undefined schema %s", m[1])
		}
	}
	if p := doc.Components.Schemas["Product"].Properties; p["sku"]["type"] != "string" || p["tax_rate"]["format"] != "decimal" {
		t.Errorf("Product schema %v", p)
	}
	if p := doc.Components.Schemas["OrderInput"].Properties; p["lines"] == nil {
		t.Errorf("OrderInput schema %v", p)
	}
	post := doc.Paths["/api/v1/sales-orders/{id}/submit"]["post"]
	responses, _ := post["responses"].(map[string]any)
	for _, code := range []string{"200", "401", "403", "404", "409", "422"} {
		if responses[code] == nil {
			t.Errorf("submit lacks response %s: %v", code, responses)
		}
	}
	if login := doc.Paths["/api/v1/auth/login"]["post"]; login["security"] == nil {
		t.Error("login is not marked public")
	}
}
