package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
)

// The dashboard's figures, the bot's 今日销售, the 收发明细表 and the stock
// ledger count documents by business date (业务日期), as their vouchers do:
// a receipt and a shipment entered just after midnight for the day before
// count on the day before, not on the day they were posted.
func TestFiguresByBusinessDate(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e, clock := newClockEnv(t, driver)
		clock.Set(shanghai(t, "2026-11-12 00:30"))
		const today, yesterday = "2026-11-12", "2026-11-11"
		u := e.unit("个")
		wh := e.warehouse("W1", false)
		p := e.product("P1", u.ID, false)
		sup := e.partner("S1", domain.PartnerSupplier, "0")
		cus := e.partner("C1", domain.PartnerCustomer, "100000")
		po := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("10"), UnitPrice: d("6")}))
		must[*domain.StockDoc](t)(e.app.PostReceipt(e.admin, app.ReceiptInput{OrderID: po.ID, BizDate: yesterday,
			Lines: []domain.MoveLine{{LineID: po.Lines[0].ID, Qty: d("10")}}}))
		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("4"), UnitPrice: d("10")}))
		sh := must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID, BizDate: yesterday,
			Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("4")}}}))
		if domain.LocalDate(sh.PostedAt) != today {
			t.Fatalf("posted %v, want on %s", sh.PostedAt, today)
		}

		dash := must[*app.Dashboard](t)(e.app.Dashboard(e.admin))
		if dash.Date != today || dash.Sales.Count != 0 || !dash.Sales.Total.IsZero() || dash.Purchases.Count != 0 || !dash.Purchases.Total.IsZero() {
			t.Fatalf("today %s: sales %+v purchases %+v, want nothing", dash.Date, dash.Sales, dash.Purchases)
		}
		trend := map[string]string{}
		for _, pt := range dash.SalesTrend {
			trend[pt.Date] = pt.Total.StringFixed(2)
		}
		if trend[yesterday] != sh.Total.StringFixed(2) || trend[today] != "0.00" || sh.Total.IsZero() {
			t.Fatalf("trend %v, want %s on %s", trend, sh.Total, yesterday)
		}

		// The bot answers for a user with a DingTalk id.
		must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("boss"), Name: ptr("老板"),
			Password: ptr("Qz7-Lm29x-Kp4"), Roles: &[]domain.Role{domain.RoleManager}, DingTalkUserID: ptr("ding_boss")}))
		ans, err := e.app.BotReply(context.Background(), "ding_boss", "今日销售", false)
		if err != nil || !strings.Contains(ans.Text, "今日销售（"+today+"）") || !strings.Contains(ans.Text, "出库 0 单") {
			t.Fatalf("bot: %+v %v", ans, err)
		}

		// 收发明细表 and the stock ledger by business date.
		day := func(s string) app.ReportParams {
			at := shanghai(t, s+" 00:00")
			to := at.AddDate(0, 0, 1)
			return app.ReportParams{ProductID: p.ID, From: &at, To: &to}
		}
		for date, want := range map[string]int64{yesterday: 2, today: 0} {
			r := must[*app.Report](t)(e.app.Report(e.admin, "stock-ledger", day(date)))
			if r.Total != want {
				t.Fatalf("收发明细 on %s: %d rows, want %d", date, r.Total, want)
			}
			rp := day(date)
			ms := must[*app.List[domain.Move]](t)(e.app.Moves(e.admin, app.MoveFilter{ProductID: p.ID, From: rp.From, To: rp.To}, app.ListParams{}))
			if ms.Total != want {
				t.Fatalf("stock ledger on %s: %d moves, want %d", date, ms.Total, want)
			}
		}
	})
}
