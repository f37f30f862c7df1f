package app_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/dingtalk"
	"github.com/dingerp/erpd/dingtalk/sandbox"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
)

// Behind a proxy, DingTalk must send the browser back to erpd's public
// address (http.public_url), not to the address the request reached; and
// with no login host configured QR sign-in is off.
func TestWebLoginUsesPublicURL(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		sb := sandbox.New(sandbox.Options{AppKey: "k", AppSecret: "s", Org: sandbox.Generate(1, 2, 1)})
		srv := httptest.NewServer(sb.Handler())
		defer srv.Close()
		cache := storetest.Cache(t, driver)
		dir := dingtalk.New(dingtalk.Config{AppKey: "k", AppSecret: "s", APIHost: srv.URL, OAPIHost: srv.URL, Cache: cache})
		newApp := func(web app.WebLoginConfig) *app.App {
			return app.New(app.Options{Store: storetest.Open(t, driver), Cache: cache, Directory: dir,
				DingTalk: app.DingTalk{H5: app.H5Config{ClientID: "k"}, Web: web}})
		}
		ctx := context.Background()
		a := newApp(app.WebLoginConfig{LoginHost: "https://login.example/", PublicURL: "https://erp.example.com/"})
		start := must[*app.WebLoginStart](t)(a.StartWebLogin(ctx, "http://10.0.0.5:8080", "10.0.0.9"))
		u, err := url.Parse(start.URL)
		if err != nil || u.Host != "login.example" || u.Path != "/oauth2/auth" ||
			u.Query().Get("redirect_uri") != "https://erp.example.com"+app.WebLoginPath || u.Query().Get("state") != start.State {
			t.Fatalf("authorize url %s", start.URL)
		}
		_, err = newApp(app.WebLoginConfig{}).StartWebLogin(ctx, "http://10.0.0.5:8080", "10.0.0.9")
		wantCode(t, err, "dingtalk_disabled")

		// Without a public URL, production refuses to send DingTalk's code
		// to whatever Host the request named; the demo uses it.
		prod := newApp(app.WebLoginConfig{LoginHost: "https://login.example/"})
		_, err = prod.StartWebLogin(ctx, "http://evil.example", "10.0.0.9")
		wantCode(t, err, domain.CodePublicURLRequired)
		demo := newApp(app.WebLoginConfig{LoginHost: "https://login.example/", TrustRequestOrigin: true})
		start = must[*app.WebLoginStart](t)(demo.StartWebLogin(ctx, "http://localhost:8080", "10.0.0.10"))
		if u, _ := url.Parse(start.URL); u.Query().Get("redirect_uri") != "http://localhost:8080"+app.WebLoginPath {
			t.Fatalf("demo authorize url %s", start.URL)
		}
	})
}

// Beginning a QR sign-in stores a state before anyone has signed in, so
// one address may begin only so many per minute (429 too_many_requests);
// another address is not held up by it.
func TestWebLoginStartIsRateLimited(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		cache := storetest.Cache(t, driver)
		a := app.New(app.Options{Store: storetest.Open(t, driver), Cache: cache, Directory: stubDirectory{},
			DingTalk: app.DingTalk{H5: app.H5Config{ClientID: "k"},
				Web: app.WebLoginConfig{LoginHost: "https://login.example", PublicURL: "https://erp.example.com"}}})
		ctx := context.Background()
		for i := 0; i < app.WebLoginStartLimit; i++ {
			if _, err := a.StartWebLogin(ctx, "", "192.0.2.1"); err != nil {
				t.Fatalf("start %d: %v", i+1, err)
			}
		}
		_, err := a.StartWebLogin(ctx, "", "192.0.2.1")
		wantCode(t, err, domain.CodeTooManyRequests)
		if domain.ErrorKind(err) != domain.KindRateLimited {
			t.Fatalf("kind %v, want rate limited", domain.ErrorKind(err))
		}
		if _, err := a.StartWebLogin(ctx, "", "192.0.2.2"); err != nil {
			t.Fatalf("another address: %v", err)
		}
	})
}

// stubDirectory stands in for DingTalk where no code is ever exchanged.
type stubDirectory struct{ domain.Directory }
