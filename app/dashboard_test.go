package app_test

import (
	"context"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// The dashboard's figures are the documents': today's sales net of a
// return, today's purchases, the stock at cost, what is below safety stock
// and the approvals waiting; a user without the permission sees none of it.
func TestDashboard(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		wh := e.warehouse("W1", false)
		p := e.product("A", e.unit("个").ID, false)
		must[*app.ReorderLevelsResult](t)(e.app.SetReorderLevels(e.admin, app.ReorderLevelsInput{Levels: []app.ReorderLevelInput{
			{ProductID: p.ID, WarehouseID: wh.ID, SafetyStock: d("500")}}}))
		sup, cus := e.partner("S1", "supplier", "0"), e.partner("C1", "customer", "0")
		po := e.submit(e.order(domain.DocPurchaseOrder, sup.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("100"), UnitPrice: d("10")}))
		e.receive(po, domain.MoveLine{LineID: po.Lines[0].ID, Qty: d("100")}) // 1,130 with tax
		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, wh.ID, app.OrderLineInput{ProductID: p.ID, Qty: d("10"), UnitPrice: d("20")}))
		sh := must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID, Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("10")}}}))
		must[*domain.StockDoc](t)(e.app.PostSalesReturn(e.admin, app.ReturnInput{SourceID: sh.ID, Lines: []domain.MoveLine{{LineID: sh.Lines[0].ID, Qty: d("2")}}}))

		got := must[*app.Dashboard](t)(e.app.Dashboard(e.admin))
		if got.Sales == nil || got.Sales.Count != 1 || !got.Sales.Total.Equal(d("180.8")) {
			t.Fatalf("sales %+v", got.Sales)
		}
		if got.Purchases == nil || got.Purchases.Count != 1 || !got.Purchases.Total.Equal(d("1130")) {
			t.Fatalf("purchases %+v", got.Purchases)
		}
		val := must[interface{ String() string }](t)(store.StockValuation(e.store.Read(context.Background())))
		if got.StockValue == nil || got.StockValue.String() != val.String() || got.StockValue.String() != "920" {
			t.Fatalf("stock value %v, valuation %s", got.StockValue, val)
		}
		if got.LowStockTotal != 1 || len(got.LowStock) != 1 || !got.LowStock[0].Available.Equal(d("92")) || got.LowStock[0].SKU != "A" {
			t.Fatalf("low stock %+v", got.LowStock)
		}
		if len(got.SalesTrend) != 30 || got.SalesTrend[29].Date != got.Date || !got.SalesTrend[29].Total.Equal(d("180.8")) ||
			!got.SalesTrend[0].Total.IsZero() {
			t.Fatalf("trend %+v", got.SalesTrend)
		}
		if got.PendingApprovals == nil || *got.PendingApprovals != 0 {
			t.Fatalf("pending %v", got.PendingApprovals)
		}
		// A salesperson who sees only her own orders: none of today's sales
		// are hers; purchases and approvals are not hers to see, nor the
		// stock value, which is at cost (cost:read).
		clerk := app.WithActor(context.Background(), &domain.User{ID: 77, Name: "销售", Roles: []domain.Role{domain.RoleSales},
			Status: domain.UserActive, DataScope: domain.ScopeOwn})
		got = must[*app.Dashboard](t)(e.app.Dashboard(clerk))
		if got.Sales == nil || !got.Sales.Total.IsZero() || got.Sales.Count != 0 || got.Purchases != nil || got.PendingApprovals != nil ||
			got.StockValue != nil || got.LowStockTotal != 1 {
			t.Fatalf("clerk's dashboard %+v", got)
		}
	})
}
