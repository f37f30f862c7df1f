package app_test

import (
	"context"
	"errors"
	"strings"
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

// An inactive (停用) partner takes no new receipts or payments, refused as
// an order refuses it: validation_failed on partner_id.
func TestMoneyDocRefusesInactivePartner(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		cus, sup := e.partner("C1", "customer", "0"), e.partner("S1", "supplier", "0")
		must[*domain.MoneyDoc](t)(e.app.CreateMoneyDoc(e.admin, domain.DocMoneyReceipt, app.MoneyInput{PartnerID: cus.ID, Amount: d("10")}))
		for _, p := range []*domain.Partner{cus, sup} {
			must[*domain.Partner](t)(e.app.Catalog().Partners.Update(e.admin, p.ID, app.PartnerInput{Status: ptr(domain.StatusInactive)}))
		}
		for typ, pid := range map[string]int64{domain.DocMoneyReceipt: cus.ID, domain.DocMoneyPayment: sup.ID} {
			_, err := e.app.CreateMoneyDoc(e.admin, typ, app.MoneyInput{PartnerID: pid, Amount: d("10")})
			if de := wantCode(t, err, domain.CodeValidation); de.Field != "partner_id" || !strings.Contains(de.Message, "已停用") {
				t.Fatalf("%s for an inactive partner: %v", typ, err)
			}
		}
		// The same code an order gets for it.
		wh := e.warehouse("W1", false)
		p := e.product("A", e.unit("个").ID, false)
		_, err := e.app.CreateOrder(e.admin, domain.DocSalesOrder, app.OrderInput{PartnerID: &cus.ID, WarehouseID: &wh.ID,
			Lines: &[]app.OrderLineInput{{ProductID: p.ID, Qty: d("1"), UnitPrice: d("1")}}})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "partner_id" {
			t.Fatalf("an order for an inactive partner: %v", err)
		}
		e.checkBooks()
	})
}
