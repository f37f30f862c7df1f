package app_test

import (
	"context"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// Version 0 means one thing everywhere (API.md: a stale version is 409): the
// client sent none, so the optimistic check is skipped. A stale version is
// a conflict. Accounts and voucher templates used to refuse 0.
func TestVersionZeroSkipsTheCheck(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		icbc := must[*domain.Account](t)(e.app.CreateAccount(e.admin, app.AccountInput{ParentID: ptr(codes["1002"].ID), Code: ptr("100201"), Name: ptr("工商银行")}))

		// An account: 0 skips, the current version passes, a stale one is 409.
		acc := must[*domain.Account](t)(e.app.UpdateAccount(e.admin, icbc.ID, app.AccountInput{Name: ptr("工行")}))
		if acc.Version != icbc.Version+1 || acc.Name != "工行" {
			t.Fatalf("account after an update without version: %+v", acc)
		}
		must[*domain.Account](t)(e.app.UpdateAccount(e.admin, icbc.ID, app.AccountInput{Name: ptr("工商银行北京分行"), Version: acc.Version}))
		_, err := e.app.UpdateAccount(e.admin, icbc.ID, app.AccountInput{Name: ptr("旧"), Version: icbc.Version})
		wantCode(t, err, domain.CodeVersionConflict)

		// A voucher template likewise.
		var rt domain.VoucherTemplate
		for _, tt := range must[[]domain.VoucherTemplate](t)(e.app.ListTemplates(e.admin)) {
			if tt.Event == domain.EventPurchaseReceipt {
				rt = tt
			}
		}
		up := must[*domain.VoucherTemplate](t)(e.app.UpdateTemplate(e.admin, rt.Event, app.TemplateInput{Lines: rt.Lines}))
		if up.Version != rt.Version+1 {
			t.Fatalf("template after an update without version: %+v", up)
		}
		must[*domain.VoucherTemplate](t)(e.app.UpdateTemplate(e.admin, rt.Event, app.TemplateInput{Lines: rt.Lines, Version: up.Version}))
		_, err = e.app.UpdateTemplate(e.admin, rt.Event, app.TemplateInput{Lines: rt.Lines, Version: rt.Version})
		wantCode(t, err, domain.CodeVersionConflict)

		// Master data and documents, as before.
		u := e.unit("个")
		must[*domain.Unit](t)(e.app.Catalog().Units.Update(e.admin, u.ID, app.UnitInput{Name: ptr("件")}))
		_, err = e.app.Catalog().Units.Update(e.admin, u.ID, app.UnitInput{Name: ptr("箱"), Version: u.Version})
		wantCode(t, err, domain.CodeVersionConflict)
		wh, wh2 := e.warehouse("W1", true), e.warehouse("W2", false)
		p := e.product("A", u.ID, false)
		tr := must[*domain.Transfer](t)(e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &wh.ID, ToWarehouseID: &wh2.ID,
			Lines: &[]app.TransferLineInput{{ProductID: p.ID, Qty: d("1")}}}))
		must[*domain.Transfer](t)(e.app.UpdateTransfer(e.admin, tr.ID, app.TransferInput{Remark: ptr("改")}))
		_, err = e.app.PostTransfer(e.admin, tr.ID, tr.Version)
		wantCode(t, err, domain.CodeVersionConflict)
		must[*domain.Transfer](t)(e.app.PostTransfer(e.admin, tr.ID, 0))
	})
}
