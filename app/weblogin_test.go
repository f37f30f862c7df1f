package app_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/dingtalk"
	"github.com/dingerp/erpd/dingtalk/sandbox"
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
		start := must[*app.WebLoginStart](t)(a.StartWebLogin(ctx, "http://10.0.0.5:8080"))
		u, err := url.Parse(start.URL)
		if err != nil || u.Host != "login.example" || u.Path != "/oauth2/auth" ||
			u.Query().Get("redirect_uri") != "https://erp.example.com"+app.WebLoginPath || u.Query().Get("state") != start.State {
			t.Fatalf("authorize url %s", start.URL)
		}
		_, err = newApp(app.WebLoginConfig{}).StartWebLogin(ctx, "http://10.0.0.5:8080")
		wantCode(t, err, "dingtalk_disabled")
	})
}
