package app_test

import (
	"context"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
)

// Documents dated back (业务日期) keep money in 分: a stock opening at a
// six-place unit cost, a receipt and a shipment dated in the last month
// book moves and vouchers rounded to 0.01, dated on their business dates,
// and the month closes on them.
func TestBizDatedDocumentsInFen(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e, clock := newClockEnv(t, driver)
		clock.Set(shanghai(t, "2026-12-03 10:00"))
		u := e.unit("个")
		wh := e.warehouse("W1", false)
		p := e.product("P1", u.ID, false)
		sup := e.partner("S1", domain.PartnerSupplier, "0")
		cus := e.partner("C1", domain.PartnerCustomer, "100000")

		must[*domain.Opening](t)(e.app.PostOpening(e.admin, app.OpeningInput{WarehouseID: wh.ID, BizDate: "2026-11-02",
			Lines: []app.OpeningLineInput{{ProductID: p.ID, Qty: d("3"), UnitCost: d("3.333333")}}}))
		po := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("7"), UnitPrice: d("1.234567")}))
		rc := must[*domain.StockDoc](t)(e.app.PostReceipt(e.admin, app.ReceiptInput{OrderID: po.ID, BizDate: "2026-11-15",
			Lines: []domain.MoveLine{{LineID: po.Lines[0].ID, Qty: d("7")}}}))
		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("3"), UnitPrice: d("3.333333")}))
		sh := must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID, BizDate: "2026-11-20",
			Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("3")}}}))

		var moves []struct {
			Amount, BalanceValue decimal.Decimal
			BizDate              string
		}
		if err := e.store.DB().Table("stock_moves").Select("amount, balance_value, biz_date").Order("id").Find(&moves).Error; err != nil {
			t.Fatal(err)
		}
		if len(moves) != 3 {
			t.Fatalf("moves %+v", moves)
		}
		for i, m := range moves {
			if !m.Amount.Equal(m.Amount.Round(2)) || !m.BalanceValue.Equal(m.BalanceValue.Round(2)) {
				t.Fatalf("move %d not in 分: %+v", i, m)
			}
			if want := []string{"2026-11-02", "2026-11-15", "2026-11-20"}[i]; m.BizDate != want {
				t.Fatalf("move %d dated %s, want %s", i, m.BizDate, want)
			}
		}
		if !moves[0].Amount.Equal(d("10")) || !moves[1].Amount.Equal(d("8.64")) {
			t.Fatalf("opening 3 × 3.333333 = %s (want 10.00), receipt 7 × 1.234567 = %s (want 8.64)", moves[0].Amount, moves[1].Amount)
		}
		for _, src := range []struct {
			typ  string
			id   int64
			date string
		}{{domain.DocPurchaseReceipt, rc.ID, "2026-11-15"}, {domain.DocSalesShipment, sh.ID, "2026-11-20"}} {
			vs := must[*app.List[domain.Voucher]](t)(e.app.ListVouchers(e.admin, store.VoucherFilter{Source: src.typ, SourceID: src.id}, app.ListParams{}))
			if len(vs.Items) != 1 || vs.Items[0].Date != src.date {
				t.Fatalf("%s vouchers %+v", src.typ, vs.Items)
			}
			v := must[*domain.Voucher](t)(e.app.GetVoucher(e.admin, vs.Items[0].ID))
			for _, l := range v.Lines {
				if !l.Debit.Equal(l.Debit.Round(2)) || !l.Credit.Equal(l.Credit.Round(2)) {
					t.Fatalf("%s voucher line not in 分: %+v", src.typ, l)
				}
			}
		}
		e.checkBooks()
		// November has ended: it closes without force, the stock kept by
		// business date.
		res := must[*app.PeriodClose](t)(e.app.ClosePeriod(e.admin, "2026-11", app.CloseInput{}))
		for _, v := range res.Vouchers {
			for _, l := range v.Lines {
				if !l.Debit.Equal(l.Debit.Round(2)) || !l.Credit.Equal(l.Credit.Round(2)) {
					t.Fatalf("closing line not in 分: %+v", l)
				}
			}
		}
		if err := e.app.CheckBooks(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}
