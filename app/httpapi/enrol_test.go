package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/app/httpapi"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/pquerna/otp/totp"
)

// TestEnrolmentSession: an administrator whose role requires two-step
// sign-in and who has no key signs in with the password to a session
// that reaches /me, the enrolment routes and logout, and answers
// totp_enrolment_required (403) everywhere else; enabling answers a full
// session, and the enrolment token is dead.
func TestEnrolmentSession(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		a := app.New(app.Options{Store: s, Cache: storetest.Cache(t, driver), Logger: log,
			Auth: app.AuthConfig{Secret: []byte("enrol-test-secret-enrol-test-secret-1"), TokenTTL: time.Hour,
				TOTPRequiredRoles: []domain.Role{domain.RoleAdmin}}})
		if _, err := a.EnsureAdmin(context.Background(), "admin", "Root-pass-2026"); err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(httpapi.New(a, log).Handler())
		defer srv.Close()
		e := &apiEnv{t: t, srv: srv, tokens: map[string]string{}, now: s.Now}
		var sess struct {
			Token                 string `json:"token"`
			TOTPEnrolmentRequired bool   `json:"totp_enrolment_required"`
		}
		body := e.do("", "POST", "/api/v1/auth/login", `{"username":"admin","password":"Root-pass-2026"}`, nil, 200)
		if err := json.Unmarshal([]byte(body), &sess); err != nil || !sess.TOTPEnrolmentRequired || sess.Token == "" {
			t.Fatalf("login: %s", body)
		}
		e.tokens["admin"] = sess.Token
		e.do("admin", "GET", "/api/v1/me", "", nil, 200)
		for _, path := range []string{"/api/v1/users", "/api/v1/products", "/api/v1/dashboard"} {
			if out := e.do("admin", "GET", path, "", nil, 403); !json.Valid([]byte(out)) || !contains(out, "totp_enrolment_required") {
				t.Fatalf("%s: %s", path, out)
			}
		}
		e.do("admin", "POST", "/api/v1/me/password", `{"old_password":"Root-pass-2026","new_password":"Other-pass-2027"}`, nil, 403)
		var setup app.TOTPSetup
		if err := json.Unmarshal([]byte(e.do("admin", "POST", "/api/v1/me/totp/setup", "", nil, 200)), &setup); err != nil {
			t.Fatal(err)
		}
		code, err := totp.GenerateCode(setup.Secret, s.Now())
		if err != nil {
			t.Fatal(err)
		}
		old := sess.Token
		body = e.do("admin", "POST", "/api/v1/me/totp/enable", `{"code":"`+code+`"}`, nil, 200)
		sess.TOTPEnrolmentRequired = false
		if err := json.Unmarshal([]byte(body), &sess); err != nil || sess.TOTPEnrolmentRequired || sess.Token == old {
			t.Fatalf("enable: %s", body)
		}
		e.tokens["admin"] = sess.Token
		e.do("admin", "GET", "/api/v1/users", "", nil, 200)
		e.tokens["old"] = old
		e.do("old", "GET", "/api/v1/me", "", nil, 401)
	})
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
