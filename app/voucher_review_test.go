package app_test

import (
	"context"
	"slices"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// Voucher review (凭证审核): a second person reviews, the preparer never;
// a reviewed voucher is not reversed until un-reviewed; with
// finance.review_required a month closes only when all its vouchers are
// reviewed, and a closed month's reviews stand.
func TestVoucherReview(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		user := func(login, name string, role domain.Role) context.Context {
			u := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr(login), Name: ptr(name),
				Password: ptr("Qz7-Lm29x-Kp4"), Roles: &[]domain.Role{role}}))
			return app.WithActor(context.Background(), u)
		}
		prep, rev, mgr := user("prep", "制单员", domain.RoleFinance),
			user("rev", "主管", domain.RoleFinance), user("mgr", "经理", domain.RoleManager)
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		lastMonth := e.store.Now().In(domain.Shanghai).AddDate(0, 0, -e.store.Now().In(domain.Shanghai).Day()-14)
		date := lastMonth.Format("2006-01-02")
		period := domain.PeriodOf(date)
		voucher := func(amount string) *domain.Voucher {
			return must[*domain.Voucher](t)(e.app.CreateVoucher(prep, app.VoucherInput{Date: date, Remark: "提取现金", Attachments: 2,
				Lines: []app.VoucherLineInput{{AccountID: codes["1001"].ID, Debit: d(amount)}, {AccountID: codes["1002"].ID, Credit: d(amount)}}}))
		}
		v1 := voucher("100010.50")

		_, err := e.app.ReviewVoucher(prep, v1.ID)
		if de := wantCode(t, err, domain.CodeReviewerIsPreparer); de.Kind != domain.KindForbidden {
			t.Fatalf("kind %v", de.Kind)
		}
		_, err = e.app.ReviewVoucher(mgr, v1.ID)
		wantCode(t, err, domain.CodeForbidden)
		_, err = e.app.ReviewVoucher(rev, 999999)
		wantCode(t, err, domain.CodeNotFound)
		r := must[*domain.Voucher](t)(e.app.ReviewVoucher(rev, v1.ID))
		if r.ReviewedBy == nil || r.ReviewedByName != "主管" || r.CreatedByName != "制单员" || r.ReviewedAt == nil {
			t.Fatalf("reviewed %+v", r)
		}
		got := must[*domain.Voucher](t)(e.app.GetVoucher(mgr, v1.ID))
		if got.ReviewedBy == nil || *got.ReviewedBy != *r.ReviewedBy || got.ReviewedByName != "主管" || got.CreatedByName != "制单员" ||
			got.AmountInWords != "壹拾万零壹拾元伍角" || got.Attachments != 2 {
			t.Fatalf("read back %+v", got)
		}
		list := must[*app.List[domain.Voucher]](t)(e.app.ListVouchers(mgr, store.VoucherFilter{Period: period}, app.ListParams{}))
		if list.Total != 1 || list.Items[0].ReviewedByName != "主管" || list.Items[0].CreatedByName != "制单员" {
			t.Fatalf("list %+v", list.Items)
		}

		// Frozen while reviewed.
		_, err = e.app.ReverseVoucher(prep, v1.ID, "")
		wantCode(t, err, domain.CodeVoucherReviewed)
		_, err = e.app.ReviewVoucher(rev, v1.ID)
		wantCode(t, err, domain.CodeVoucherReviewed)
		_, err = e.app.UnreviewVoucher(prep, v1.ID)
		wantCode(t, err, domain.CodeReviewerIsPreparer)
		u := must[*domain.Voucher](t)(e.app.UnreviewVoucher(rev, v1.ID))
		if u.ReviewedBy != nil || u.ReviewedAt != nil {
			t.Fatalf("unreviewed %+v", u)
		}
		_, err = e.app.UnreviewVoucher(rev, v1.ID)
		wantCode(t, err, domain.CodeVoucherNotReviewed)
		r1 := must[*domain.Voucher](t)(e.app.ReverseVoucher(prep, v1.ID, date))

		// Without review required, the checklist shows the unreviewed
		// vouchers as a figure, not in the way.
		item := func(code string) domain.ChecklistItem {
			t.Helper()
			cl := must[*domain.Checklist](t)(e.app.PeriodChecklist(mgr, period))
			for _, it := range cl.Items {
				if it.Code == code {
					return it
				}
			}
			t.Fatalf("checklist %+v has no %s", cl, code)
			return domain.ChecklistItem{}
		}
		if it := item(domain.CheckUnreviewed); it.Level != domain.CheckInfo || it.Count != 2 {
			t.Fatalf("not required: %+v", it)
		}

		// Closing with review required counts the month's unreviewed vouchers.
		e.opts.Finance = app.FinanceSettings{CompanyName: "示例商贸有限公司", ReviewRequired: true}
		e.app = app.New(e.opts)
		fs := must[*app.FinanceSettings](t)(e.app.GetFinanceSettings(mgr))
		if fs.CompanyName != "示例商贸有限公司" || !fs.ReviewRequired {
			t.Fatalf("settings %+v", fs)
		}
		v2 := voucher("0.05")
		if n := must[int64](t)(e.app.CountUnreviewedVouchers(mgr, period)); n != 3 {
			t.Fatalf("unreviewed %d, want 3", n)
		}
		_, err = e.app.CountUnreviewedVouchers(mgr, "2026-13")
		wantCode(t, err, domain.CodeValidation)
		if it := item(domain.CheckUnreviewed); it.Level != domain.CheckBlock || it.Count != 3 {
			t.Fatalf("required: %+v", it)
		}
		if cl := must[*domain.Checklist](t)(e.app.PeriodChecklist(mgr, period)); !slices.Contains(cl.Blocking, domain.CheckUnreviewed) {
			t.Fatalf("blocking %v", cl.Blocking)
		}
		_, err = e.app.ClosePeriod(e.admin, period, forced)
		if de := wantCode(t, err, domain.CodeUnreviewedVouchers); de.Details["count"] != int64(3) {
			t.Fatalf("details %v", de.Details)
		}
		for _, v := range []*domain.Voucher{v1, r1} {
			must[*domain.Voucher](t)(e.app.ReviewVoucher(rev, v.ID))
		}
		_, err = e.app.ClosePeriod(e.admin, period, forced)
		if de := wantCode(t, err, domain.CodeUnreviewedVouchers); de.Details["count"] != int64(1) {
			t.Fatalf("details %v", de.Details)
		}
		must[*domain.Voucher](t)(e.app.ReviewVoucher(rev, v2.ID))
		if it := item(domain.CheckUnreviewed); it.Level != domain.CheckOK || it.Count != 0 {
			t.Fatalf("all reviewed: %+v", it)
		}
		must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, period, forced))
		// The closed month's reviews stand.
		_, err = e.app.UnreviewVoucher(rev, v2.ID)
		wantCode(t, err, domain.CodePeriodClosed)
		if got := must[*domain.Voucher](t)(e.app.GetVoucher(mgr, v2.ID)); got.ReviewedBy == nil || got.AmountInWords != "伍分" {
			t.Fatalf("after close %+v", got)
		}
	})
}
