package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// Finance settings saved in the console override the configuration: the
// company name printed, and review required before closing, which the
// checklist and ClosePeriod then apply; saves carry a version.
func TestFinanceSettingsSaved(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		e.opts.Finance = app.FinanceSettings{CompanyName: "配置的公司"}
		e.app = app.New(e.opts)
		acct := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("acct"), Name: ptr("会计"),
			Password: ptr("Qz7-Lm29x-Kp4"), Roles: &[]domain.Role{domain.RoleManager}}))
		mgr := app.WithActor(context.Background(), acct)

		fs := must[*app.FinanceSettings](t)(e.app.GetFinanceSettings(mgr))
		if fs.CompanyName != "配置的公司" || fs.ReviewRequired || fs.Version != 0 {
			t.Fatalf("before any save %+v", fs)
		}
		_, err := e.app.UpdateFinanceSettings(mgr, app.FinanceSettingsInput{ReviewRequired: ptr(true)})
		wantCode(t, err, domain.CodeForbidden)
		_, err = e.app.UpdateFinanceSettings(e.admin, app.FinanceSettingsInput{CompanyName: ptr(strings.Repeat("公", 101))})
		if de := wantCode(t, err, domain.CodeValidation); de.Field != "company_name" {
			t.Fatalf("field %q", de.Field)
		}
		fs = must[*app.FinanceSettings](t)(e.app.UpdateFinanceSettings(e.admin,
			app.FinanceSettingsInput{CompanyName: ptr("  华东商贸有限公司 "), ReviewRequired: ptr(true)}))
		if fs.CompanyName != "华东商贸有限公司" || !fs.ReviewRequired || fs.Version != 1 {
			t.Fatalf("saved %+v", fs)
		}
		// An omitted field keeps its value; a stale version is refused.
		fs = must[*app.FinanceSettings](t)(e.app.UpdateFinanceSettings(e.admin, app.FinanceSettingsInput{Version: 1}))
		if fs.CompanyName != "华东商贸有限公司" || !fs.ReviewRequired || fs.Version != 2 {
			t.Fatalf("saved again %+v", fs)
		}
		_, err = e.app.UpdateFinanceSettings(e.admin, app.FinanceSettingsInput{ReviewRequired: ptr(false), Version: 1})
		wantCode(t, err, domain.CodeVersionConflict)
		if fs = must[*app.FinanceSettings](t)(e.app.GetFinanceSettings(mgr)); !fs.ReviewRequired || fs.Version != 2 || fs.BillAt != domain.BillAtShipment {
			t.Fatalf("read back %+v", fs)
		}
		// The billing mode is the configuration's, shown (the console offers
		// the invoice pages only in invoice mode) but never saved.
		e.billAt(domain.BillAtInvoice)
		if fs = must[*app.FinanceSettings](t)(e.app.GetFinanceSettings(mgr)); fs.BillAt != domain.BillAtInvoice || fs.Version != 2 {
			t.Fatalf("in invoice mode %+v", fs)
		}
		if fs = must[*app.FinanceSettings](t)(e.app.UpdateFinanceSettings(e.admin, app.FinanceSettingsInput{Version: 2})); fs.BillAt != domain.BillAtInvoice {
			t.Fatalf("saved in invoice mode %+v", fs)
		}
		e.billAt(domain.BillAtShipment)
		if fs = must[*app.FinanceSettings](t)(e.app.GetFinanceSettings(mgr)); fs.BillAt != domain.BillAtShipment || fs.Version != 3 {
			t.Fatalf("back in shipment mode %+v", fs)
		}

		// The saved setting, not the configuration, decides closing.
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		now := e.store.Now().In(domain.Shanghai)
		date := now.AddDate(0, 0, -now.Day()-14).Format("2006-01-02")
		period := domain.PeriodOf(date)
		must[*domain.Voucher](t)(e.app.CreateVoucher(e.admin, app.VoucherInput{Date: date, Remark: "提取现金",
			Lines: []app.VoucherLineInput{{AccountID: codes["1001"].ID, Debit: d("10")}, {AccountID: codes["1002"].ID, Credit: d("10")}}}))
		cl := must[*domain.Checklist](t)(e.app.PeriodChecklist(mgr, period))
		blocked := false
		for _, c := range cl.Blocking {
			blocked = blocked || c == domain.CheckUnreviewed
		}
		if !blocked {
			t.Fatalf("checklist blocking %v, want %s", cl.Blocking, domain.CheckUnreviewed)
		}
		_, err = e.app.ClosePeriod(e.admin, period, app.CloseInput{Force: true, Reason: "测试"})
		wantCode(t, err, domain.CodeUnreviewedVouchers)
	})
}
