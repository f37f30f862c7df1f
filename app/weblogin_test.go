package app_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/dingtalk"
	"github.com/dingerp/erpd/dingtalk/sandbox"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/pquerna/otp/totp"
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

// TestTwoStepRequiredByRole: with admin in auth.totp_required_roles, an
// administrator without a key gets an enrolment session from a password
// or a console QR sign-in (which used to skip the second step), enabling
// answers a full session, and from then on both sign-ins ask for the code;
// the QR one through a single-use ticket, since DingTalk's code and state
// cannot be used twice. Other roles are not asked; the administrator cannot
// turn the required second step off.
func TestTwoStepRequiredByRole(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		sb := sandbox.New(sandbox.Options{AppKey: "k", AppSecret: "s", Org: sandbox.Generate(1, 2, 1)})
		srv := httptest.NewServer(sb.Handler())
		defer srv.Close()
		sb.PutUser(sandbox.User{UserID: "ding_boss", Name: "老板", DeptIDs: []int64{1}, Active: true})
		sb.PutUser(sandbox.User{UserID: "ding_clerk", Name: "文员", DeptIDs: []int64{1}, Active: true})
		cache := storetest.Cache(t, driver)
		s := storetest.Open(t, driver)
		a := app.New(app.Options{Store: s, Cache: cache,
			Directory: dingtalk.New(dingtalk.Config{AppKey: "k", AppSecret: "s", APIHost: srv.URL, OAPIHost: srv.URL, Cache: cache}),
			Auth: app.AuthConfig{Secret: []byte("test-secret-test-secret-test-secret"), TokenTTL: time.Hour,
				TOTPRequiredRoles: []domain.Role{domain.RoleAdmin}},
			DingTalk: app.DingTalk{H5: app.H5Config{ClientID: "k"}, Web: app.WebLoginConfig{LoginHost: "https://login.example", PublicURL: "http://erp.local"}}})
		bg := context.Background()
		sys := app.WithActor(bg, app.System)
		boss := must[*domain.User](t)(a.CreateUser(sys, app.UserInput{Username: ptr("boss"), Name: ptr("老板"), Password: ptr("Chief-pw-2026x"),
			Roles: &[]domain.Role{domain.RoleAdmin}, DingTalkUserID: ptr("ding_boss")}))
		must[*domain.User](t)(a.CreateUser(sys, app.UserInput{Username: ptr("clerk"), Name: ptr("文员"), Password: ptr("Desk-pw-2026x"),
			Roles: &[]domain.Role{domain.RoleSales}, DingTalkUserID: ptr("ding_clerk")}))
		qr := func(userID string) (*app.Session, error) {
			t.Helper()
			start := must[*app.WebLoginStart](t)(a.StartWebLogin(bg, "http://erp.local", "10.7.0.1"))
			code, err := sb.IssueOAuthCode(userID)
			if err != nil {
				t.Fatal(err)
			}
			return a.LoginWebDingTalk(bg, code, start.State, "10.7.0.1")
		}

		// Not enrolled: both sign-ins give an enrolment session only.
		for name, sess := range map[string]*app.Session{
			"password": must[*app.Session](t)(a.Login(bg, "boss", "Chief-pw-2026x", "", "10.7.0.1")),
			"qr":       must[*app.Session](t)(qr("ding_boss")),
		} {
			if !sess.TOTPEnrolmentRequired {
				t.Fatalf("%s sign-in of an unenrolled administrator gave a full session", name)
			}
			if _, err := a.Authenticate(bg, sess.Token); !isCode(err, domain.CodeTOTPEnrolmentRequired) {
				t.Fatalf("%s enrolment token used as a full one: %v", name, err)
			}
			if u, enrol, err := a.AuthenticateEnrolment(bg, sess.Token); err != nil || !enrol || u.ID != boss.ID {
				t.Fatalf("%s enrolment token: %v %v %v", name, u, enrol, err)
			}
		}
		// Other roles are not asked.
		if sess := must[*app.Session](t)(qr("ding_clerk")); sess.TOTPEnrolmentRequired {
			t.Fatal("a salesperson was asked to enrol")
		}
		if sess := must[*app.Session](t)(a.Login(bg, "clerk", "Desk-pw-2026x", "", "10.7.0.1")); sess.TOTPEnrolmentRequired {
			t.Fatal("a salesperson was asked to enrol")
		}

		// Enrol; enabling answers a full session.
		me := app.WithActor(bg, boss)
		setup := must[*app.TOTPSetup](t)(a.SetupTOTP(me))
		codeAt := func(at time.Time) string {
			c, err := totp.GenerateCode(setup.Secret, at)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		full := must[*app.Session](t)(a.EnableTOTP(me, codeAt(s.Now())))
		if full.TOTPEnrolmentRequired {
			t.Fatal("enabling gave another enrolment session")
		}
		if _, err := a.Authenticate(bg, full.Token); err != nil {
			t.Fatal(err)
		}
		// Required: the administrator cannot turn it off themselves.
		refreshed := must[*domain.User](t)(a.Authenticate(bg, full.Token))
		wantCode(t, a.DisableTOTP(app.WithActor(bg, refreshed), boss.ID, "Chief-pw-2026x"), domain.CodeInvalidState)

		// QR sign-in now asks for the code with a ticket.
		_, err := qr("ding_boss")
		de := wantCode(t, err, domain.CodeTOTPRequired)
		ticket, _ := de.Details["totp_ticket"].(string)
		if ticket == "" {
			t.Fatalf("no ticket: %+v", de)
		}
		_, err = a.SecondStepQR(bg, ticket, "000000", "10.7.0.1")
		wantCode(t, err, domain.CodeTOTPInvalid)
		sess := must[*app.Session](t)(a.SecondStepQR(bg, ticket, codeAt(s.Now().Add(30*time.Second)), "10.7.0.1"))
		if sess.TOTPEnrolmentRequired || sess.User.ID != boss.ID {
			t.Fatalf("second step: %+v", sess)
		}
		_, err = a.SecondStepQR(bg, ticket, codeAt(s.Now().Add(60*time.Second)), "10.7.0.1")
		wantCode(t, err, "oauth_state_invalid") // once only
		// And the password sign-in asks for it as before.
		_, err = a.Login(bg, "boss", "Chief-pw-2026x", "", "10.7.0.2")
		wantCode(t, err, domain.CodeTOTPRequired)
	})
}
