package app_test

import (
	"context"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// A month whose only 损益 activity is an expense closes: the loss is
// debited to 3103 本年利润 (a red credit left the voucher with no debit,
// and closing was refused).
func TestCloseMonthOfOnlyExpenses(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		codes := must[map[string]domain.Account](t)(store.AccountsByCode(e.store.Read(context.Background())))
		last := e.store.Now().In(domain.Shanghai).AddDate(0, -1, 0)
		date := last.Format("2006-01") + "-10"
		must[*domain.Voucher](t)(e.app.CreateVoucher(e.admin, app.VoucherInput{Date: date, Remark: "办公用品", Lines: []app.VoucherLineInput{
			{AccountID: codes["5602"].ID, Debit: d("30")}, {AccountID: codes["1001"].ID, Credit: d("30"), CashFlowItem: domain.CFOtherOperOut}}}))
		res := must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, domain.PeriodOf(date), forced))
		if !res.Profit.Equal(d("-30")) || len(res.Vouchers) == 0 {
			t.Fatalf("close %+v", res)
		}
		pl := res.Vouchers[0]
		if !pl.Debit.Equal(d("30")) || !pl.Credit.Equal(d("30")) {
			t.Fatalf("损益 voucher %+v", pl)
		}
		bal, _ := e.books()
		books := map[string]string{"5602": "0", "3103": "-30"}
		if last.Month() == 12 { // December also carries the year's loss on
			books["3103"] = "0"
		}
		wantBooks(t, bal, books)
	})
}
