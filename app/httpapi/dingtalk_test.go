package httpapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/app/httpapi"
	"github.com/dingerp/erpd/dingtalk"
	"github.com/dingerp/erpd/dingtalk/sandbox"
	"github.com/dingerp/erpd/store/storetest"
)

func TestDingTalkLogin(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		sb := sandbox.New(sandbox.Options{AppKey: "k", AppSecret: "s", Org: sandbox.Generate(3, 10, 3)})
		dsrv := httptest.NewServer(sb.Handler())
		defer dsrv.Close()
		s := storetest.Open(t, driver)
		cache := storetest.Cache(t, driver)
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
		a := app.New(app.Options{Store: s, Cache: cache, Logger: log,
			Auth:      app.AuthConfig{Secret: []byte("dingtalk-test-secret-0123456789abc"), TokenTTL: time.Hour},
			Directory: dingtalk.New(dingtalk.Config{AppKey: "k", AppSecret: "s", APIHost: dsrv.URL, OAPIHost: dsrv.URL, Cache: cache})})
		srv := httptest.NewServer(httpapi.New(a, log).Handler())
		defer srv.Close()
		e := &apiEnv{t: t, srv: srv, tokens: map[string]string{}}
		if _, err := a.EnsureAdmin(context.Background(), "admin", "Root-pass-2026"); err != nil {
			t.Fatal(err)
		}
		e.tokens["admin"] = e.login("admin", "Root-pass-2026")
		e.do("admin", "POST", "/api/v1/users", `{"username":"sales1","name":"销售一","password":"Pw-sales-2026x","roles":["sales"],"dingtalk_user_id":"user00002"}`, nil, 201)
		// One DingTalk account links to one ERP user.
		e.do("admin", "POST", "/api/v1/users", `{"username":"sales2","name":"销售二","password":"Pw-sales-2026y","roles":["sales"],"dingtalk_user_id":"user00002"}`, nil, 409)

		code, _ := sb.IssueAuthCode("user00002")
		body := e.do("", "POST", "/api/v1/auth/dingtalk", fmt.Sprintf(`{"auth_code":%q}`, code), nil, 200)
		if !strings.Contains(body, `"username":"sales1"`) || !strings.Contains(body, `"token":"`) {
			t.Fatal(body)
		}
		// The code was single use.
		if got := e.do("", "POST", "/api/v1/auth/dingtalk", fmt.Sprintf(`{"auth_code":%q}`, code), nil, 401); !strings.Contains(got, "dingtalk_auth_code_invalid") {
			t.Fatal(got)
		}
		// A DingTalk user with no ERP account is told why, not let in.
		code, _ = sb.IssueAuthCode("user00005")
		if got := e.do("", "POST", "/api/v1/auth/dingtalk", fmt.Sprintf(`{"auth_code":%q}`, code), nil, 403); !strings.Contains(got, "dingtalk_user_not_linked") {
			t.Fatal(got)
		}
		e.do("", "POST", "/api/v1/auth/dingtalk", `{"auth_code":""}`, nil, 422)
		// DingTalk busy beyond the retries is a clean 503.
		sb.Busy(10)
		code, _ = sb.IssueAuthCode("user00002")
		if got := e.do("", "POST", "/api/v1/auth/dingtalk", fmt.Sprintf(`{"auth_code":%q}`, code), nil, 503); !strings.Contains(got, "dingtalk_unavailable") {
			t.Fatal(got)
		}
		sb.Busy(0)
	})
}

func TestDingTalkLoginDisabled(t *testing.T) {
	e := newAPI(t, "sqlite")
	if got := e.do("", "POST", "/api/v1/auth/dingtalk", `{"auth_code":"x"}`, nil, 422); !strings.Contains(got, "dingtalk_disabled") {
		t.Fatal(got)
	}
}
