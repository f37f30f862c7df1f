package app_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
)

// Low stock equals the items actually below their warehouse's level, and
// every one of them has a suggestion: the dashboard, the low-stock list
// and the open reorder requisitions agree with the rule applied to every
// product × warehouse by hand, through postings, reservations (which no
// posting's check sees until the daily run), level changes and a product a
// warehouse does not carry.
func TestLowStockEqualsItemsBelowTheirLevel(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		w1, w2, w3 := e.warehouse("W1", false), e.warehouse("W2", false), e.warehouse("W3", false)
		var ps []*domain.Product
		for i := 0; i < 5; i++ {
			ps = append(ps, e.product(fmt.Sprintf("P%d", i), u.ID, false))
		}
		line := func(p *domain.Product, qty string) app.OpeningLineInput {
			return app.OpeningLineInput{ProductID: p.ID, Qty: d(qty), UnitCost: d("1")}
		}
		e.opening(w1.ID, line(ps[0], "100"), line(ps[1], "8"), line(ps[2], "50"), line(ps[3], "30"))
		e.opening(w2.ID, line(ps[0], "5"), line(ps[2], "3"))
		// W3 stocks nothing and carries only P4; P0 has no level in W3, so
		// its zero there is not low.
		lv := func(p *domain.Product, w *domain.Warehouse, safety, point, qty string) app.ReorderLevelInput {
			return app.ReorderLevelInput{ProductID: p.ID, WarehouseID: w.ID, SafetyStock: d(safety), ReorderPoint: d(point), ReorderQty: d(qty)}
		}
		must[*app.ReorderLevelsResult](t)(e.app.SetReorderLevels(e.admin, app.ReorderLevelsInput{Levels: []app.ReorderLevelInput{
			lv(ps[0], w1, "20", "0", "0"),   // 100: fine
			lv(ps[1], w1, "10", "0", "0"),   // 8: low, up to 20 → 12
			lv(ps[2], w1, "10", "60", "25"), // 50 < 60: low, one case of 25
			lv(ps[3], w1, "0", "0", "0"),    // all zero: not carried (removed)
			lv(ps[0], w2, "10", "0", "0"),   // 5: low
			lv(ps[2], w2, "2", "0", "0"),    // 3: fine
			lv(ps[4], w3, "5", "0", "0"),    // nothing there: low
		}}))
		check := func(when string) {
			t.Helper()
			q := e.store.Read(context.Background())
			// The rule by hand over every pair.
			want := map[[2]int64]decimal.Decimal{}
			for _, w := range []*domain.Warehouse{w1, w2, w3} {
				levels := must[map[int64]domain.ReorderLevel](t)(store.ReorderLevelsIn(q, w.ID, nil))
				for _, p := range ps {
					l, ok := levels[p.ID]
					if !ok {
						continue
					}
					b := e.balance(p.ID, w.ID, "")
					if avail := b.OnHand.Sub(b.Reserved); l.Low(avail) {
						want[[2]int64{p.ID, w.ID}] = l.Suggest(avail)
					}
				}
			}
			low, total := must2(t)(store.LowStock(q, 100))
			dash := must[*app.Dashboard](t)(e.app.Dashboard(e.admin))
			if int(total) != len(want) || len(low) != len(want) || int(dash.LowStockTotal) != len(want) {
				t.Fatalf("%s: %d below their level, low stock lists %d (total %d), dashboard %d: %+v", when, len(want), len(low), total, dash.LowStockTotal, low)
			}
			for _, r := range low {
				if _, ok := want[[2]int64{r.ProductID, r.WarehouseID}]; !ok {
					t.Errorf("%s: %s @ %s listed low", when, r.SKU, r.Warehouse)
				}
			}
			rep := must[*app.Report](t)(e.app.Report(e.admin, "low-stock", app.ReportParams{ListParams: app.ListParams{PageSize: 100}}))
			rows := rep.Items.([]store.LowStockRow)
			if int(rep.Total) != len(want) || len(rows) != len(want) {
				t.Fatalf("%s: the low-stock report has %d rows (total %d), want %d", when, len(rows), rep.Total, len(want))
			}
			for _, r := range rows {
				if q, ok := want[[2]int64{r.ProductID, r.WarehouseID}]; !ok || !r.Suggested.Equal(q) || r.Requisition == "" {
					t.Errorf("%s: report row %+v, want suggested %s", when, r, q)
				}
			}
			sug := must[*app.List[store.ReorderSuggestion]](t)(e.app.ReorderSuggestions(e.admin, 0, app.ListParams{PageSize: 100})).Items
			got := map[[2]int64]decimal.Decimal{}
			reqs := map[int64]int64{}
			for _, s := range sug {
				got[[2]int64{s.ProductID, s.WarehouseID}] = s.SuggestedQty
				if r, ok := reqs[s.WarehouseID]; ok && r != s.RequisitionID {
					t.Errorf("%s: two open reorder requisitions for warehouse %d", when, s.WarehouseID)
				}
				reqs[s.WarehouseID] = s.RequisitionID
			}
			if len(got) != len(want) {
				t.Errorf("%s: %d suggestions for %d low items: %+v", when, len(got), len(want), sug)
			}
			for k, qty := range want {
				if g, ok := got[k]; !ok || !g.Equal(qty) {
					t.Errorf("%s: product %d @ warehouse %d: suggested %v (%v), want %s", when, k[0], k[1], g, ok, qty)
				}
			}
		}
		check("after setting levels")
		if got := sortedLow(t, e); fmt.Sprint(got) != fmt.Sprint([]string{"P0@仓库W2", "P1@仓库W1", "P2@仓库W1", "P4@仓库W3"}) {
			t.Errorf("low = %v", got)
		}

		// A posting: P0 sold down to 15 in W1 (below 20).
		cus := e.partner("C1", domain.PartnerCustomer, "0")
		so := e.submit(e.order(domain.DocSalesOrder, cus.ID, w1.ID, app.OrderLineInput{ProductID: ps[0].ID, Qty: d("85"), UnitPrice: d("2")}))
		must[*domain.StockDoc](t)(e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: so.ID, Lines: []domain.MoveLine{{LineID: so.Lines[0].ID, Qty: d("85")}}}))
		check("after a shipment")

		// A reservation: P2 in W2 held by an approved order, nothing
		// posted. The daily run brings the suggestions in line.
		e.submit(e.order(domain.DocSalesOrder, cus.ID, w2.ID, app.OrderLineInput{ProductID: ps[2].ID, Qty: d("2"), UnitPrice: d("2")}))
		res := must[*app.ReorderCheckResult](t)(e.app.RunReorderCheck(e.admin))
		if res.Warehouses != 3 {
			t.Errorf("checked %d warehouses", res.Warehouses)
		}
		check("after a reservation and the daily check")

		// Levels change: P1 no longer carried in W1 (its line goes), P0 in
		// W2 lowered below what is there (recovered), P3 carried again.
		must[*app.ReorderLevelsResult](t)(e.app.SetReorderLevels(e.admin, app.ReorderLevelsInput{Levels: []app.ReorderLevelInput{
			lv(ps[1], w1, "0", "0", "0"), lv(ps[0], w2, "4", "0", "0"), lv(ps[3], w1, "40", "0", "0")}}))
		check("after the levels changed")
		if got := sortedLow(t, e); fmt.Sprint(got) != fmt.Sprint([]string{"P0@仓库W1", "P2@仓库W1", "P2@仓库W2", "P3@仓库W1", "P4@仓库W3"}) {
			t.Errorf("low = %v", got)
		}
		if res := must[*app.ReorderCheckResult](t)(e.app.RunReorderCheck(e.admin)); res.Low != 5 {
			t.Errorf("daily check: %+v", res)
		}
		check("after a second daily check")
	})
}

func sortedLow(t *testing.T, e *env) []string {
	t.Helper()
	low, _ := must2(t)(store.LowStock(e.store.Read(context.Background()), 100))
	out := make([]string, len(low))
	for i, r := range low {
		out[i] = r.SKU + "@" + r.Warehouse
	}
	sort.Strings(out)
	return out
}

func must2(t *testing.T) func([]store.ProductStock, int64, error) ([]store.ProductStock, int64) {
	return func(v []store.ProductStock, n int64, err error) ([]store.ProductStock, int64) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v, n
	}
}

// Levels are checked whole: a bad figure, an unknown product, a pair twice
// or neither a warehouse nor a product to list are 4xx with the row named;
// only purchasers/admins (master:write) may set them.
func TestReorderLevelsRefused(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		w := e.warehouse("W1", false)
		p := e.product("P", u.ID, false)
		set := func(levels ...app.ReorderLevelInput) error {
			_, err := e.app.SetReorderLevels(e.admin, app.ReorderLevelsInput{Levels: levels})
			return err
		}
		ok := app.ReorderLevelInput{ProductID: p.ID, WarehouseID: w.ID, SafetyStock: d("5")}
		bad := ok
		bad.ReorderPoint = d("2")
		wantField(t, set(ok, bad), "levels[1].reorder_point")
		wantField(t, set(app.ReorderLevelInput{ProductID: 999999, WarehouseID: w.ID, SafetyStock: d("1")}), "levels[0].product_id")
		wantField(t, set(app.ReorderLevelInput{ProductID: p.ID, WarehouseID: 999999, SafetyStock: d("1")}), "levels[0].warehouse_id")
		wantField(t, set(ok, ok), "levels[1].product_id")
		wantField(t, set(), "levels")
		_, err := e.app.ReorderLevels(e.admin, 0, 0, app.ListParams{})
		wantField(t, err, "warehouse_id")
		// Nothing of a refused save was kept.
		rows := must[*app.List[store.ReorderLevelRow]](t)(e.app.ReorderLevels(e.admin, w.ID, 0, app.ListParams{})).Items
		if len(rows) != 1 || rows[0].Carried {
			t.Fatalf("grid after refused saves: %+v", rows)
		}
		must[*app.ReorderLevelsResult](t)(e.app.SetReorderLevels(e.admin, app.ReorderLevelsInput{Levels: []app.ReorderLevelInput{ok}}))
		rows = must[*app.List[store.ReorderLevelRow]](t)(e.app.ReorderLevels(e.admin, 0, p.ID, app.ListParams{})).Items
		if len(rows) != 1 || !rows[0].Carried || !rows[0].SafetyStock.Equal(d("5")) || !rows[0].Low || rows[0].WarehouseName != w.Name {
			t.Fatalf("product's levels: %+v", rows)
		}
	})
}

// Levels import from a sheet (kind reorder-levels): every bad cell is
// reported and nothing written; a good file sets levels, removes a level
// with a row of zeros and suggests what it makes low at once.
func TestImportReorderLevels(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		w1, w2 := e.warehouse("W1", false), e.warehouse("W2", false)
		p1, p2 := e.product("P1", u.ID, false), e.product("P2", u.ID, false)
		e.opening(w1.ID, app.OpeningLineInput{ProductID: p1.ID, Qty: d("10"), UnitCost: d("1")}, app.OpeningLineInput{ProductID: p2.ID, Qty: d("50"), UnitCost: d("1")})
		bad := "仓库编码*,商品编码*,安全库存,再订货点,订货量\n" +
			"W1,P1,5,,\n" +
			"W9,P1,5,,\n" + // unknown warehouse
			"W1,NOPE,5,,\n" + // unknown product
			"W1,P2,10,5,\n" + // point below safety
			"W1,P1,6,,\n" + // P1 @ W1 twice
			"W2,P2,abc,,x\n" + // two bad cells
			"W2,P1,-1,,\n" // negative
		_, err := e.app.Import(e.admin, "reorder-levels", strings.NewReader(bad), "csv", false)
		errs := wantCode(t, err, "import_invalid").Details["errors"].([]app.RowError)
		want := []app.RowError{{3, "仓库编码", ""}, {4, "商品编码", ""}, {5, "再订货点", ""}, {6, "商品编码", ""}, {7, "安全库存", ""}, {7, "订货量", ""}, {8, "安全库存", ""}}
		if len(errs) != len(want) {
			t.Fatalf("errors = %+v", errs)
		}
		for i, w := range want {
			if errs[i].Row != w.Row || errs[i].Column != w.Column || errs[i].Message == "" {
				t.Fatalf("error %d = %+v, want row %d column %s", i, errs[i], w.Row, w.Column)
			}
		}
		grid := func(wh int64) []store.ReorderLevelRow {
			return must[*app.List[store.ReorderLevelRow]](t)(e.app.ReorderLevels(e.admin, wh, 0, app.ListParams{})).Items
		}
		if g := grid(w1.ID); g[0].Carried || g[1].Carried {
			t.Fatalf("a refused file wrote levels: %+v", g)
		}
		good := "仓库编码,商品编码,安全库存,再订货点,订货量\nW1,P1,8,12,24\nW1,P2,10,,\nW2,P2,3,,\n"
		res := must[*app.ImportResult](t)(e.app.Import(e.admin, "reorder-levels", strings.NewReader(good), "csv", false))
		if res.Created != 3 {
			t.Fatalf("import = %+v", res)
		}
		sug := must[*app.List[store.ReorderSuggestion]](t)(e.app.ReorderSuggestions(e.admin, 0, app.ListParams{})).Items
		// P1 @ W1: 10 < 12, a case of 24; P2 @ W2: nothing there, up to 6.
		if len(sug) != 2 || !sug[0].SuggestedQty.Equal(d("24")) || sug[0].WarehouseID != w1.ID || !sug[1].SuggestedQty.Equal(d("6")) {
			t.Fatalf("suggestions after the import: %+v", sug)
		}
		must[*app.ImportResult](t)(e.app.Import(e.admin, "reorder-levels", strings.NewReader("仓库编码,商品编码,安全库存\nW2,P2,0\n"), "csv", false))
		if g := grid(w2.ID); g[1].Carried {
			t.Fatalf("a row of zeros kept the level: %+v", g)
		}
		if sug := must[*app.List[store.ReorderSuggestion]](t)(e.app.ReorderSuggestions(e.admin, 0, app.ListParams{})).Items; len(sug) != 1 {
			t.Fatalf("no longer carried, still suggested: %+v", sug)
		}
	})
}
