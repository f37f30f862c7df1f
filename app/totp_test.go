package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/pquerna/otp/totp"
)

// Two-step sign-in: a key confirmed by a code turns it on; sign-in then
// needs a fresh code (a used or wrong one is refused and counted); the key
// is sealed in the database; the user or an administrator turns it off.
func TestTwoStepSignIn(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		bg := context.Background()
		u := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("boss"), Name: ptr("老板"),
			Password: ptr("Kq7-chief-9Lm"), Roles: &[]domain.Role{domain.RoleAdmin}}))
		me := app.WithActor(bg, u)
		setup := must[*app.TOTPSetup](t)(e.app.SetupTOTP(me))
		if !strings.HasPrefix(setup.URL, "otpauth://totp/erpd:boss?") || len(setup.Secret) < 16 {
			t.Fatalf("setup %+v", setup)
		}
		// Not on until a code confirms the key; a wrong code is refused on
		// its field.
		must[*app.Session](t)(e.app.Login(bg, "boss", "Kq7-chief-9Lm", "", "10.9.0.1"))
		_, err := e.app.EnableTOTP(me, "000000")
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "code" {
			t.Fatalf("field %s", de.Field)
		}
		code := func(at time.Time) string {
			c, err := totp.GenerateCode(setup.Secret, at)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		first := code(e.store.Now())
		// Enabling ends the user's other sessions (one opened with a
		// stolen password must not survive it); the enabling session goes
		// on with the token it gets back.
		other := must[*app.Session](t)(e.app.Login(bg, "boss", "Kq7-chief-9Lm", "", "10.9.0.3"))
		sess, err := e.app.EnableTOTP(me, first)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Authenticate(bg, other.Token); !isCode(err, domain.CodeUnauthorized) {
			t.Fatalf("another session after enabling: %v", err)
		}
		if cur, err := e.app.Authenticate(bg, sess.Token); err != nil || cur.ID != u.ID || !cur.TOTPEnabled {
			t.Fatalf("the enabling session's new token: %v %v", cur, err)
		}
		// The key is not in the database in the clear.
		row := must[*domain.User](t)(store.Users.Get(e.store.Read(bg), u.ID))
		if !row.TOTPEnabled || row.TOTPSecret == "" || strings.Contains(row.TOTPSecret, setup.Secret) {
			t.Fatalf("stored %+v", row.TOTPSecret)
		}
		// The password alone is not enough; the code used to enable is not
		// accepted again; the next step's code is.
		_, err = e.app.Login(bg, "boss", "Kq7-chief-9Lm", "", "10.9.0.1")
		wantCode(t, err, domain.CodeTOTPRequired)
		_, err = e.app.Login(bg, "boss", "Kq7-chief-9Lm", first, "10.9.0.1")
		wantCode(t, err, domain.CodeTOTPInvalid)
		_, err = e.app.Login(bg, "boss", "Kq7-chief-9Lm", "123456x", "10.9.0.1")
		wantCode(t, err, domain.CodeTOTPInvalid)
		next := code(e.store.Now().Add(30 * time.Second))
		must[*app.Session](t)(e.app.Login(bg, "boss", "Kq7-chief-9Lm", next, "10.9.0.1"))
		_, err = e.app.Login(bg, "boss", "Kq7-chief-9Lm", next, "10.9.0.1")
		wantCode(t, err, domain.CodeTOTPInvalid) // once only
		// A wrong password says nothing about the second step.
		_, err = e.app.Login(bg, "boss", "wrong-pass-2026", "", "10.9.0.1")
		wantCode(t, err, domain.CodeBadCredentials)
		// Turning it off needs the password; an administrator can for a
		// user who lost the phone; someone else cannot.
		if de := wantCode(t, e.app.DisableTOTP(me, u.ID, "nope"), domain.CodeValidation); de.Field != "password" {
			t.Fatalf("field %s", de.Field)
		}
		viewer := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("v2"), Name: ptr("只读"),
			Password: ptr("Vw8-two-4Xp"), Roles: &[]domain.Role{domain.RoleViewer}}))
		wantCode(t, e.app.DisableTOTP(app.WithActor(bg, viewer), u.ID, ""), domain.CodeForbidden)
		if err := e.app.DisableTOTP(e.admin, u.ID, ""); err != nil {
			t.Fatal(err)
		}
		must[*app.Session](t)(e.app.Login(bg, "boss", "Kq7-chief-9Lm", "", "10.9.0.2"))
	})
}

// Rotating the signing key does not lock out users with two-step sign-in
// (their keys are sealed under it): without auth.previous_secret their
// sign-in says why (totp_key_unreadable, not a 500); with it, it works and
// seals the key again under the new one, after which the old key is not
// needed. The old key signs no token.
func TestTwoStepSignInAfterRotation(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		bg := context.Background()
		u := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("boss"), Name: ptr("老板"),
			Password: ptr("Kq7-chief-9Lm"), Roles: &[]domain.Role{domain.RoleAdmin}}))
		setup := must[*app.TOTPSetup](t)(e.app.SetupTOTP(app.WithActor(bg, u)))
		code := func(steps int) string {
			c, err := totp.GenerateCode(setup.Secret, e.store.Now().Add(time.Duration(steps*30)*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if _, err := e.app.EnableTOTP(app.WithActor(bg, u), code(-1)); err != nil {
			t.Fatal(err)
		}
		oldSession := must[*app.Session](t)(e.app.Login(bg, "boss", "Kq7-chief-9Lm", code(0), "10.9.1.1"))

		old := e.opts.Auth.Secret
		rotated := e.opts
		rotated.Auth.Secret = []byte("rotated-secret-rotated-secret-rotated")
		_, err := app.New(rotated).Login(bg, "boss", "Kq7-chief-9Lm", code(1), "10.9.1.1")
		wantCode(t, err, "totp_key_unreadable")

		rotated.Auth.PreviousSecret = old
		withPrev := app.New(rotated)
		if _, err := withPrev.Authenticate(bg, oldSession.Token); err == nil {
			t.Fatal("a token signed with the previous key is accepted")
		}
		must[*app.Session](t)(withPrev.Login(bg, "boss", "Kq7-chief-9Lm", code(1), "10.9.1.1"))

		// Sealed again: the new key alone opens it (the code, used once,
		// is then refused as used, not as unreadable).
		rotated.Auth.PreviousSecret = nil
		_, err = app.New(rotated).Login(bg, "boss", "Kq7-chief-9Lm", code(1), "10.9.1.1")
		wantCode(t, err, domain.CodeTOTPInvalid)
	})
}
