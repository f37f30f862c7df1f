package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/app/httpapi"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
)

// surfaceServer is a server whose access log the test reads.
func surfaceServer(t *testing.T, driver string) (*httpapi.Server, *app.App, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a := app.New(app.Options{Store: storetest.Open(t, driver), Cache: storetest.Cache(t, driver), Logger: log,
		Auth: app.AuthConfig{Secret: []byte("surface-test-secret-surface-test-secret"), TokenTTL: time.Hour}})
	if _, err := a.EnsureAdmin(context.Background(), "admin", "Root-pass-2026"); err != nil {
		t.Fatal(err)
	}
	return httpapi.New(a, log), a, logs
}

type syncBuffer struct {
	mu  chan struct{}
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	if b.mu == nil {
		b.mu = make(chan struct{}, 1)
	}
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.String()
}

func serve(h http.Handler, method, path string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// /metrics is not for anyone who asks: without metrics.token the main
// listener hides it (404), with one a scrape must send it (401 with a code
// otherwise); the separate listener's handler serves it and nothing else.
// No label takes its value from the client, so 2,000 requests with odd
// methods and paths add no series: the output does not grow.
func TestMetricsGuardedAndBounded(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		srv, _, _ := surfaceServer(t, driver)
		h := srv.Handler()
		if rec := serve(h, "GET", "/metrics", nil); rec.Code != 404 {
			t.Fatalf("/metrics with no token configured: %d, want 404", rec.Code)
		}
		sep := srv.MetricsHandler()
		if rec := serve(sep, "GET", "/metrics", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "erpd_db_pool_open_connections") {
			t.Fatalf("the metrics listener: %d", rec.Code)
		}
		if rec := serve(sep, "GET", "/api/v1/me", nil); rec.Code != 404 {
			t.Fatalf("the metrics listener serves the API: %d", rec.Code)
		}

		const token = "surface-metrics-token"
		srv.SetMetricsToken(token)
		for _, hdr := range []map[string]string{nil, {"Authorization": "Bearer wrong-token-wrong"}, {"Authorization": token}} {
			rec := serve(h, "GET", "/metrics", hdr)
			if rec.Code != 401 || !strings.Contains(rec.Body.String(), `"code":"metrics_token_required"`) {
				t.Fatalf("/metrics with %v: %d %s, want 401 metrics_token_required", hdr, rec.Code, rec.Body)
			}
		}
		if rec := serve(sep, "GET", "/metrics", nil); rec.Code != 401 {
			t.Fatalf("the metrics listener without the token once one is set: %d, want 401", rec.Code)
		}
		auth := map[string]string{"Authorization": "Bearer " + token}
		scrape := func() string {
			t.Helper()
			rec := serve(h, "GET", "/metrics", auth)
			if rec.Code != 200 {
				t.Fatalf("/metrics with the token: %d", rec.Code)
			}
			return rec.Body.String()
		}
		series := func(out string) []string {
			var s []string
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, "erpd_http_") {
					s = append(s, l[:strings.LastIndex(l, " ")])
				}
			}
			return s
		}
		odd := func(i int) {
			methods := []string{fmt.Sprintf("M%04d", i), "GET", "BREW", fmt.Sprintf("PROPFIND%d", i)}
			paths := []string{fmt.Sprintf("/x/%d", i), "/api/v1/products", fmt.Sprintf("/api/v1/nothing-%d?q=%d", i, i), "/metrics"}
			serve(h, methods[i%4], paths[(i/4)%4], nil)
		}
		for i := 0; i < 64; i++ { // every kind of odd request once
			odd(i)
		}
		scrape() // a scrape is counted after it answers
		before := scrape()
		for i := 64; i < 2064; i++ {
			odd(i)
		}
		after := scrape()
		if b, a := series(before), series(after); strings.Join(b, "\n") != strings.Join(a, "\n") {
			t.Fatalf("2,000 odd requests changed the series: %d before, %d after", len(b), len(a))
		}
		if len(after) > len(before)+2048 {
			t.Fatalf("2,000 odd requests grew /metrics from %d to %d bytes", len(before), len(after))
		}
		for _, bad := range []string{"M0070", "BREW", "PROPFIND", "/x/", "nothing-"} {
			if strings.Contains(after, bad) {
				t.Errorf("a label took the client's %q", bad)
			}
		}
		if !strings.Contains(after, `method="other",route="unmatched"`) {
			t.Error("odd requests are not counted as method other, route unmatched")
		}
	})
}

// A request the client abandoned is not a server error: it is logged as
// 499 (at info, never as an internal error) and counted as 499, not 5xx.
func TestAbandonedRequestIs499(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		srv, a, logs := surfaceServer(t, driver)
		const token = "surface-metrics-token"
		srv.SetMetricsToken(token)
		h := srv.Handler()
		sess, err := a.Login(context.Background(), "admin", "Root-pass-2026", "", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // the client is gone before the database is asked
		req := httptest.NewRequest("GET", "/api/v1/products", nil).WithContext(ctx)
		req.Header.Set("Authorization", "Bearer "+sess.Token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != httpapi.StatusClientClosed {
			t.Fatalf("abandoned request: %d %s, want 499", rec.Code, rec.Body)
		}
		out := logs.String()
		if !strings.Contains(out, "status=499") {
			t.Fatalf("the access log does not say 499:\n%s", out)
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, "level=ERROR") {
				t.Fatalf("an abandoned request logged an error: %s", l)
			}
		}
		m := serve(h, "GET", "/metrics", map[string]string{"Authorization": "Bearer " + token}).Body.String()
		if !strings.Contains(m, `route="/api/v1/products",status="499"} 1`) {
			t.Fatalf("the abandoned request is not counted as 499:\n%s", grepLines(m, "erpd_http_requests_total"))
		}
		if strings.Contains(grepLines(m, "erpd_http_requests_total"), `status="5`) {
			t.Fatalf("an abandoned request counted as 5xx:\n%s", grepLines(m, "erpd_http_requests_total"))
		}
	})
}

func grepLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

type noDirectory struct{ domain.Directory }

// Beginning a QR sign-in: outside the demo, with no http.public_url, erpd
// will not build DingTalk's return address from the request's Host (503
// public_url_required, not a retryable outage); with one, an address may
// begin only so many per minute (429 too_many_requests).
func TestWebLoginStartSurface(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		cache := storetest.Cache(t, driver)
		newSrv := func(web app.WebLoginConfig) http.Handler {
			a := app.New(app.Options{Store: s, Cache: cache, Directory: noDirectory{},
				Auth:     app.AuthConfig{Secret: []byte("surface-test-secret-surface-test-secret"), TokenTTL: time.Hour},
				DingTalk: app.DingTalk{H5: app.H5Config{ClientID: "k"}, Web: web}})
			return httpapi.New(a, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
		}
		prod := newSrv(app.WebLoginConfig{LoginHost: "https://login.example"})
		rec := serve(prod, "GET", "/api/v1/auth/dingtalk/qr", map[string]string{"Host": "evil.example"})
		if rec.Code != 503 || !strings.Contains(rec.Body.String(), `"code":"public_url_required"`) || rec.Header().Get("Retry-After") != "" {
			t.Fatalf("production without public_url: %d %s %v", rec.Code, rec.Body, rec.Header())
		}
		if strings.Contains(rec.Body.String(), "evil.example") {
			t.Fatal("the answer names the request's Host")
		}
		// A client that is not a trusted proxy cannot choose the address it
		// is counted under by sending X-Forwarded-For.
		h := newSrv(app.WebLoginConfig{LoginHost: "https://login.example", PublicURL: "https://erp.example.com"})
		for i := 0; i < app.WebLoginStartLimit; i++ {
			if rec := serve(h, "GET", "/api/v1/auth/dingtalk/qr", map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i)}); rec.Code != 200 {
				t.Fatalf("start %d: %d %s", i+1, rec.Code, rec.Body)
			}
		}
		rec = serve(h, "GET", "/api/v1/auth/dingtalk/qr", map[string]string{"X-Forwarded-For": "203.0.113.7"})
		if rec.Code != 429 || !strings.Contains(rec.Body.String(), `"code":"too_many_requests"`) {
			t.Fatalf("start %d: %d %s, want 429 too_many_requests", app.WebLoginStartLimit+1, rec.Code, rec.Body)
		}
	})
}

// Every answer says nosniff and same-origin referrers. The console may not
// be framed at all (CSP frame-ancestors 'none' and X-Frame-Options DENY),
// runs only its own scripts, and the H5 app may be framed by DingTalk
// only; the API's answers forbid everything a page could do.
func TestSecurityHeaders(t *testing.T) {
	srv, _, _ := surfaceServer(t, "sqlite")
	h := srv.Handler()
	for _, tc := range []struct {
		path, csp, xfo string
		not            []string
	}{
		{"/console/", "frame-ancestors 'none'", "DENY", []string{"unsafe-eval", "script-src 'self' 'unsafe-inline'"}},
		{"/console/orders/3", "script-src 'self';", "DENY", nil},
		{"/console/favicon.svg", "default-src 'self'", "DENY", nil},
		{"/h5/", "frame-ancestors 'self' https://*.dingtalk.com", "", []string{"frame-ancestors 'none'"}},
		{"/h5/approvals", "script-src 'self';", "", nil},
		{"/api/v1/openapi.json", "default-src 'none'", "DENY", nil},
		{"/api/v1/me", "frame-ancestors 'none'", "DENY", nil},
		{"/healthz", "default-src 'none'", "DENY", nil},
		{"/nothing", "default-src 'none'", "DENY", nil},
	} {
		rec := serve(h, "GET", tc.path, nil)
		hd := rec.Header()
		csp := hd.Get("Content-Security-Policy")
		if !strings.Contains(csp, tc.csp) || hd.Get("X-Frame-Options") != tc.xfo ||
			hd.Get("Referrer-Policy") != "same-origin" || hd.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s (%d): CSP %q, X-Frame-Options %q, Referrer-Policy %q, X-Content-Type-Options %q; want CSP with %q, X-Frame-Options %q",
				tc.path, rec.Code, csp, hd.Get("X-Frame-Options"), hd.Get("Referrer-Policy"), hd.Get("X-Content-Type-Options"), tc.csp, tc.xfo)
		}
		for _, n := range tc.not {
			if strings.Contains(csp, n) {
				t.Errorf("%s: CSP %q contains %q", tc.path, csp, n)
			}
		}
	}
}

// The CSP allows no inline script: the built pages must have none (an
// inline <script> or on… handler would not run), and every script and
// stylesheet they name must come from erpd itself.
func TestBuiltPagesNeedNoInlineScript(t *testing.T) {
	srv, _, _ := surfaceServer(t, "sqlite")
	h := srv.Handler()
	script := regexp.MustCompile(`(?is)<script\b([^>]*)>`)
	handler := regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	ref := regexp.MustCompile(`(?i)\b(?:src|href)="([^"]*)"`)
	for _, page := range []string{"/console/", "/h5/"} {
		rec := serve(h, "GET", page, nil)
		body := rec.Body.String()
		if rec.Code != 200 || !strings.Contains(body, "<html") {
			t.Fatalf("%s: %d", page, rec.Code)
		}
		tags := script.FindAllStringSubmatch(body, -1)
		if len(tags) == 0 {
			t.Fatalf("%s: no script at all", page)
		}
		for _, m := range tags {
			if !strings.Contains(m[1], "src=") {
				t.Errorf("%s: an inline script, which the CSP blocks: %s", page, m[0])
			}
		}
		if m := handler.FindString(body); m != "" {
			t.Errorf("%s: an inline event handler, which the CSP blocks: %s", page, m)
		}
		for _, m := range ref.FindAllStringSubmatch(body, -1) {
			if u := m[1]; !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
				if u != "data:," {
					t.Errorf("%s loads %s from elsewhere", page, u)
				}
			}
		}
	}
}
