package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/app/httpapi"
	"github.com/dingerp/erpd/store/storetest"
)

// TestTrustedProxies reproduces the forged-address attack: with no proxy
// configured, a rotating X-Forwarded-For / X-Real-IP must not give every
// guess a fresh address, and a locked-out address must not sign in by
// claiming another one. A configured proxy is believed.
func TestTrustedProxies(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		a := app.New(app.Options{Store: s, Cache: storetest.Cache(t, driver), Logger: log,
			Auth: app.AuthConfig{Secret: []byte("proxy-test-secret-proxy-test-secret-01"), TokenTTL: time.Hour}})
		if _, err := a.EnsureAdmin(context.Background(), "admin", "Root-pass-2026"); err != nil {
			t.Fatal(err)
		}
		login := func(srv *httptest.Server, user, pw string, hdr map[string]string) int {
			t.Helper()
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/auth/login",
				strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, user, pw)))
			req.Header.Set("Content-Type", "application/json")
			for k, v := range hdr {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}

		t.Run("NoProxyIgnoresForwardedHeaders", func(t *testing.T) {
			srv := httptest.NewServer(httpapi.New(a, log).Handler())
			defer srv.Close()
			// 20 failures from one address (four accounts' worth, each
			// under its own limit) lock the address, whatever the headers say.
			got429 := -1
			for i := 0; i < 25; i++ {
				hdr := map[string]string{"X-Forwarded-For": fmt.Sprintf("203.0.113.%d", i), "X-Real-IP": fmt.Sprintf("198.51.100.%d", i)}
				if st := login(srv, fmt.Sprintf("nobody%d", i/4), "wrong-pass-1", hdr); st == http.StatusTooManyRequests {
					got429 = i
					break
				}
			}
			if got429 != 20 {
				t.Fatalf("first 429 at attempt %d, want 20 (the address's limit)", got429)
			}
			if st := login(srv, "admin", "Root-pass-2026", map[string]string{"X-Forwarded-For": "192.0.2.77"}); st != http.StatusTooManyRequests {
				t.Fatalf("locked-out address signed in by naming another: %d", st)
			}
		})

		t.Run("ConfiguredProxyIsBelieved", func(t *testing.T) {
			h := httpapi.New(a, log)
			if err := h.SetTrustedProxies([]string{"127.0.0.1/8", "::1"}); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h.Handler())
			defer srv.Close()
			// 127.0.0.1 is locked out above; through the trusted proxy the
			// client is the address it forwards.
			if st := login(srv, "admin", "Root-pass-2026", map[string]string{"X-Forwarded-For": "192.0.2.78"}); st != http.StatusOK {
				t.Fatalf("sign-in forwarded by a trusted proxy: %d", st)
			}
		})
	})
}
