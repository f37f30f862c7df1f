package app_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
)

func TestAuthAndPermissions(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		bg := context.Background()

		t.Run("BootstrapAdminRefusesWeakPassword", func(t *testing.T) {
			if _, err := e.app.EnsureAdmin(bg, "admin", "admin"); err == nil {
				t.Fatal("admin/admin accepted")
			}
			created, err := e.app.EnsureAdmin(bg, "admin", "S3cure-erp-2026")
			if err != nil || !created {
				t.Fatalf("created=%v err=%v", created, err)
			}
			created, err = e.app.EnsureAdmin(bg, "admin", "S3cure-erp-2026")
			if err != nil || created {
				t.Fatal("a second start must not create another admin")
			}
		})

		viewer := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("viewer1"), Name: ptr("只读"),
			Password: ptr("Viewer-pass-1"), Roles: &[]domain.Role{domain.RoleViewer}}))

		t.Run("LoginAndToken", func(t *testing.T) {
			sess, err := e.app.Login(bg, "viewer1", "Viewer-pass-1", "", "10.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			u, err := e.app.Authenticate(bg, sess.Token)
			if err != nil || u.ID != viewer.ID {
				t.Fatalf("authenticate: %v %v", u, err)
			}
			if _, err := e.app.Authenticate(bg, sess.Token+"x"); !isCode(err, domain.CodeUnauthorized) {
				t.Fatalf("tampered token: %v", err)
			}
			// Disabling the user kills the token.
			must[*domain.User](t)(e.app.UpdateUser(e.admin, viewer.ID, app.UserInput{Status: ptr(domain.UserDisabled)}))
			if _, err := e.app.Authenticate(bg, sess.Token); !isCode(err, domain.CodeUnauthorized) {
				t.Fatalf("token of a disabled user: %v", err)
			}
			if _, err := e.app.Login(bg, "viewer1", "Viewer-pass-1", "", "10.0.0.1"); !isCode(err, domain.CodeBadCredentials) {
				t.Fatalf("login of a disabled user: %v", err)
			}
			// A successful login clears the account's failure count.
			must[*domain.User](t)(e.app.UpdateUser(e.admin, viewer.ID, app.UserInput{Status: ptr(domain.UserActive)}))
			if _, err := e.app.Login(bg, "viewer1", "Viewer-pass-1", "", "10.0.0.1"); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("ThrottleAfterFailures", func(t *testing.T) {
			must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("guessed"), Name: ptr("被猜"),
				Password: ptr("Pw-for-test-77"), Roles: &[]domain.Role{domain.RoleViewer}}))
			for i := 0; i < 5; i++ {
				_, err := e.app.Login(bg, "guessed", "wrong-password-9", "", "10.0.0.2")
				wantCode(t, err, domain.CodeBadCredentials)
			}
			// Now even the right password is refused until the window passes.
			_, err := e.app.Login(bg, "guessed", "Pw-for-test-77", "", "10.0.0.2")
			if de := wantCode(t, err, domain.CodeTooManyAttempts); de.Kind != domain.KindRateLimited {
				t.Fatal(de)
			}
			// Unknown users are throttled the same way and answer the same.
			_, err = e.app.Login(bg, "nobody", "whatever-1", "", "10.0.0.3")
			wantCode(t, err, domain.CodeBadCredentials)
		})

		t.Run("RolesGrantPermissions", func(t *testing.T) {
			vctx := app.WithActor(bg, viewer)
			_, err := e.app.Catalog().Products.Create(vctx, app.ProductInput{SKU: ptr("V1"), Name: ptr("x"), UnitID: ptr(int64(1))})
			wantCode(t, err, domain.CodeForbidden)
			_, err = e.app.CreateTransfer(vctx, app.TransferInput{})
			wantCode(t, err, domain.CodeForbidden)
			_, err = e.app.ListUsers(vctx, app.ListParams{}, "")
			wantCode(t, err, domain.CodeForbidden)
			if _, err := e.app.Catalog().Products.List(vctx, app.ListParams{}, nil); err != nil {
				t.Fatalf("a viewer reads products: %v", err)
			}
			_, err = e.app.Catalog().Products.List(bg, app.ListParams{}, nil)
			wantCode(t, err, domain.CodeUnauthorized)
			// Users see themselves, not others.
			if _, err := e.app.GetUser(vctx, viewer.ID); err != nil {
				t.Fatal(err)
			}
			_, err = e.app.GetUser(vctx, 1)
			wantCode(t, err, domain.CodeForbidden)
		})

		t.Run("PasswordChangeEndsSessions", func(t *testing.T) {
			sess, err := e.app.Login(bg, "viewer1", "Viewer-pass-1", "", "10.0.0.9")
			if err != nil {
				t.Fatal(err)
			}
			vctx := app.WithActor(bg, viewer)
			wantCode(t, e.app.ChangePassword(vctx, "not-it-1", "Another-pass-2"), domain.CodeValidation)
			if err := e.app.ChangePassword(vctx, "Viewer-pass-1", "Another-pass-2"); err != nil {
				t.Fatal(err)
			}
			if _, err := e.app.Authenticate(bg, sess.Token); !isCode(err, domain.CodeUnauthorized) {
				t.Fatalf("old token after password change: %v", err)
			}
		})
	})
}

// TestLoginSpellingsShareThrottle reproduces the spelling attack: MariaDB's
// collation matched ｃａｉｇｏｕ２, càigou2 and caigou2 with a zero-width
// space to one account while the throttle counted each spelling apart, so
// ten spellings gave fifty guesses. Now every spelling is the one canonical
// name: the sixth attempt is refused, right password or not, and the
// spellings sign in as the one account when not throttled.
func TestLoginSpellingsShareThrottle(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		bg := context.Background()
		u := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("ＣａｉＧｏｕ２"), Name: ptr("采购"),
			Password: ptr("Caigou-pass-22"), Roles: &[]domain.Role{domain.RolePurchaser}}))
		if u.Username != "caigou2" {
			t.Fatalf("stored as %q, want caigou2", u.Username)
		}
		spellings := []string{"caigou2", "CAIGOU2", "Caigou2", "ｃａｉｇｏｕ２", "ＣＡＩＧＯＵ２", "càigou2",
			"ca\u0301igou2", "caigou2\u200b", "\u200dcai\u00adgou2", " caigou2\ufeff"}
		// Each spelling signs in (one account).
		for i, s := range spellings {
			sess, err := e.app.Login(bg, s, "Caigou-pass-22", "", fmt.Sprintf("10.1.0.%d", i))
			if err != nil || sess.User.ID != u.ID {
				t.Fatalf("login as %q: %v", s, err)
			}
		}
		// Five wrong guesses under five spellings, each from its own address.
		for i := 0; i < 5; i++ {
			_, err := e.app.Login(bg, spellings[i*2], "wrong-pass-9", "", fmt.Sprintf("10.2.0.%d", i))
			wantCode(t, err, domain.CodeBadCredentials)
		}
		for i, s := range spellings {
			_, err := e.app.Login(bg, s, "Caigou-pass-22", "", fmt.Sprintf("10.3.0.%d", i))
			wantCode(t, err, domain.CodeTooManyAttempts)
		}
	})
}

// TestPasswordGuessesThrottled: a password change and turning two-step
// sign-in off check the password, so with a stolen session they were an
// unthrottled way to guess it. They now count against the account's
// sign-in failures: after five wrong passwords the right one is refused
// too, and so is signing in.
func TestPasswordGuessesThrottled(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		bg := context.Background()
		t.Run("ChangePassword", func(t *testing.T) {
			u := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("pwguess"), Name: ptr("甲"),
				Password: ptr("Right-pass-31"), Roles: &[]domain.Role{domain.RoleViewer}}))
			me := app.WithActor(bg, u)
			for i := 0; i < 5; i++ {
				wantCode(t, e.app.ChangePassword(me, fmt.Sprintf("guess-%d-xx", i), "Newer-pass-32"), domain.CodeValidation)
			}
			wantCode(t, e.app.ChangePassword(me, "Right-pass-31", "Newer-pass-32"), domain.CodeTooManyAttempts)
			_, err := e.app.Login(bg, "pwguess", "Right-pass-31", "", "10.4.0.1")
			wantCode(t, err, domain.CodeTooManyAttempts)
		})
		t.Run("DisableTOTP", func(t *testing.T) {
			u := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("totpguess"), Name: ptr("乙"),
				Password: ptr("Right-pass-41"), Roles: &[]domain.Role{domain.RoleViewer}}))
			me := app.WithActor(bg, u)
			for i := 0; i < 5; i++ {
				wantCode(t, e.app.DisableTOTP(me, u.ID, fmt.Sprintf("guess-%d-xx", i)), domain.CodeValidation)
			}
			wantCode(t, e.app.DisableTOTP(me, u.ID, "Right-pass-41"), domain.CodeTooManyAttempts)
			// An administrator turning it off for someone needs no password
			// and is not throttled.
			if err := e.app.DisableTOTP(e.admin, u.ID, ""); err != nil {
				t.Fatal(err)
			}
		})
	})
}
