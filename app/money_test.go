package app_test

import (
	"context"
	"errors"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
)

// A lookup that fails for another reason than "not found" is not the
// user's fault: it must not come back as a 422 "往来单位 … 不存在" (which
// would also hide a deadlock from the transaction's retry).
func TestLookupFailureIsNotUserError(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		cus := e.partner("C1", "customer", "0")
		_, err := e.app.Report(e.admin, "partner-statement", app.ReportParams{PartnerID: cus.ID + 1000})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "partner_id" {
			t.Fatalf("a missing partner: %v", err)
		}
		// The request is gone (client hung up): the read fails, and that is
		// not a missing partner.
		ctx, cancel := context.WithCancel(e.admin)
		cancel()
		_, err = e.app.Report(ctx, "partner-statement", app.ReportParams{PartnerID: cus.ID + 1000})
		if err == nil || isCode(err, domain.CodeValidation) || domain.ErrorKind(err) == domain.KindInvalid {
			t.Fatalf("a failed read became %v", err)
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want the cancellation", err)
		}
	})
}
