package app_test

import (
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
)

// The proof of money in 分: receipts of 3 at 10.01 and 4 at 9.99
// (average 9.998571…), then seven shipments of one unit at 15.55. Worked by
// hand: the first six leave at 10.00 (69.99 / 7, 59.99 / 6, … 19.99 / 2 =
// 9.995, half up), the last takes the 9.99 left, so cost is 69.99 and
// revenue 108.85 (VAT 2.02 a line, computed per line). Every move, voucher
// line and open item is in 分, and the reports tie out to the statements
// to the cent: Σ 销售明细 cost = 营业成本, Σ 毛利 = revenue − cost, and the
// dashboard's stock value = the inventory balance = 1405.
func TestMoneyInCentsScenario(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		wh := e.warehouse("W1", false)
		p := e.product("F001", u.ID, false)
		sup := e.partner("S1", domain.PartnerSupplier, "0")
		cus := e.partner("C1", domain.PartnerCustomer, "0")
		for _, r := range []struct{ qty, price string }{{"3", "10.01"}, {"4", "9.99"}} {
			po := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d(r.qty), UnitPrice: d(r.price)}))
			e.receive(po, domain.MoveLine{LineID: po.Lines[0].ID, Qty: d(r.qty)})
		}
		e.wantAvg(p.ID, wh.ID, "7", "9.998571")
		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("7"), UnitPrice: d("15.55")}))
		var costs []string
		for i := 0; i < 7; i++ {
			sh := must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID,
				Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("1")}}}))
			if !sh.TaxAmount.Equal(d("2.02")) || !sh.Total.Equal(d("17.57")) {
				t.Fatalf("shipment %d: tax %s total %s", i, sh.TaxAmount, sh.Total)
			}
			costs = append(costs, sh.CostAmount.String())
		}
		if got := costs; len(got) != 7 || got[0] != "10" || got[5] != "10" || got[6] != "9.99" {
			t.Fatalf("shipment costs %v", got)
		}
		e.wantBalance(p.ID, wh.ID, "", "0", "0")
		e.checkLedger()

		// Every amount that reached the books is in 分.
		db := e.store.DB()
		for _, q := range []struct{ table, a, b string }{{"stock_moves", "amount", "balance_value"}, {"voucher_lines", "debit", "credit"},
			{"open_items", "amount", "open_amount"}, {"stock_doc_lines", "cost_amount", "tax_amount"}, {"stock_balances", "value", "value"}} {
			var rows []struct{ A, B decimal.Decimal }
			if err := db.Table(q.table).Select(q.a + " AS a, " + q.b + " AS b").Find(&rows).Error; err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 {
				t.Fatalf("%s: no rows", q.table)
			}
			for _, r := range rows {
				if !r.A.Equal(domain.RoundAmount(r.A)) || !r.B.Equal(domain.RoundAmount(r.B)) {
					t.Fatalf("%s: %s / %s has more than 2 decimals", q.table, r.A, r.B)
				}
			}
		}
		var items int64
		db.Table("open_items").Count(&items)
		if items != 9 { // 2 receipts, 7 shipments
			t.Fatalf("%d open items", items)
		}

		period := domain.PeriodOf(domain.LocalDate(e.store.Now()))
		report := func(name string, rp app.ReportParams) *app.Report {
			return must[*app.Report](t)(e.app.Report(e.admin, name, rp))
		}
		sum := func(rows []store.SalesDetailRow, f func(store.SalesDetailRow) decimal.Decimal) decimal.Decimal {
			s := decimal.Zero
			for _, r := range rows {
				s = s.Add(f(r))
			}
			return s
		}
		sd := report("sales-detail", app.ReportParams{ListParams: app.ListParams{PageSize: 100}}).Items.([]store.SalesDetailRow)
		sdCost := sum(sd, func(r store.SalesDetailRow) decimal.Decimal { return r.Cost })
		sdProfit := sum(sd, func(r store.SalesDetailRow) decimal.Decimal { return r.Profit })
		is := report("income-statement", app.ReportParams{Period: period}).Items.([]domain.StatementLine)
		line := func(ls []domain.StatementLine, n int) domain.StatementLine {
			for _, l := range ls {
				if l.Line == n {
					return l
				}
			}
			t.Fatalf("no line %d", n)
			return domain.StatementLine{}
		}
		revenue, cost := line(is, 1), line(is, 2)
		if !cost.Col2.Equal(d("69.99")) || !cost.Col1.Equal(d("69.99")) || !revenue.Col2.Equal(d("108.85")) {
			t.Fatalf("利润表: revenue %s, cost %s / %s", revenue.Col2, cost.Col1, cost.Col2)
		}
		if len(sd) != 7 || !sdCost.Equal(cost.Col2) || !sdProfit.Equal(revenue.Col2.Sub(cost.Col2)) {
			t.Fatalf("销售明细: %d rows, Σ cost %s, Σ profit %s", len(sd), sdCost, sdProfit)
		}
		gp := report("gross-profit", app.ReportParams{}).Items.([]store.SummaryRow)
		gpProfit, gpCost, gpAmount := decimal.Zero, decimal.Zero, decimal.Zero
		for _, r := range gp {
			gpProfit, gpCost, gpAmount = gpProfit.Add(r.Profit), gpCost.Add(r.Cost), gpAmount.Add(r.Amount)
		}
		if !gpCost.Equal(cost.Col2) || !gpAmount.Equal(revenue.Col2) || !gpProfit.Equal(revenue.Col2.Sub(cost.Col2)) || !gpProfit.Equal(d("38.86")) {
			t.Fatalf("毛利分析: amount %s cost %s profit %s", gpAmount, gpCost, gpProfit)
		}

		// A second round leaves stock behind, at a value in 分: 5 more at
		// 10.01, 1 shipped. The dashboard, the inventory balance and 1405
		// agree to the cent.
		po := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("3"), UnitPrice: d("10.013")}))
		e.receive(po, domain.MoveLine{LineID: po.Lines[0].ID, Qty: d("3")}) // 30.039 → 30.04
		so2 := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("1"), UnitPrice: d("15.55")}))
		must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so2.ID, Lines: []domain.MoveLine{{LineID: so2.Lines[0].ID, Qty: d("1")}}}))
		e.wantBalance(p.ID, wh.ID, "", "2", "20.03") // 30.04 − 10.01
		dash := must[*app.Dashboard](t)(e.app.Dashboard(e.admin))
		inv := report("inventory-balance", app.ReportParams{})
		var stock1405 decimal.Decimal
		for _, r := range report("trial-balance", app.ReportParams{Period: period}).Items.([]domain.TrialBalanceRow) {
			if r.Code == domain.AcctStock {
				stock1405 = r.ClosingDebit.Sub(r.ClosingCredit)
			}
		}
		invRows := inv.Items.([]store.InventoryRow)
		if dash.StockValue == nil || !dash.StockValue.Equal(d("20.03")) || !stock1405.Equal(d("20.03")) ||
			len(invRows) != 1 || !invRows[0].Value.Equal(d("20.03")) || inv.Summary["value"].(decimal.Decimal).String() != "20.03" {
			t.Fatalf("stock value: dashboard %v, 1405 %s, inventory %+v %v", dash.StockValue, stock1405, invRows, inv.Summary)
		}
		if err := e.app.CheckBooks(e.admin); err != nil {
			t.Fatal(err)
		}
	})
}
