package app_test

import (
	"errors"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

func TestMasterDataRules(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		cat := e.app.Catalog()
		ge := e.unit("个")

		t.Run("UnitConversions", func(t *testing.T) {
			box := must[*domain.Unit](t)(cat.Units.Create(e.admin, app.UnitInput{Name: ptr("箱"), BaseUnitID: &ge.ID, Ratio: ptr(d("12"))}))
			if !box.Ratio.Equal(d("12")) || *box.BaseUnitID != ge.ID {
				t.Fatalf("box = %+v", box)
			}
			_, err := cat.Units.Create(e.admin, app.UnitInput{Name: ptr("大箱"), BaseUnitID: &box.ID, Ratio: ptr(d("2"))})
			if de := wantCode(t, err, domain.CodeValidation); de.Field != "base_unit_id" {
				t.Fatalf("a unit based on a derived unit: %+v", de)
			}
			_, err = cat.Units.Create(e.admin, app.UnitInput{Name: ptr("件"), BaseUnitID: ptr(int64(999)), Ratio: ptr(d("2"))})
			if de := wantCode(t, err, domain.CodeValidation); de.Field != "base_unit_id" {
				t.Fatalf("missing base unit: %+v", de)
			}
		})

		t.Run("ProductDefaultsAndDuplicates", func(t *testing.T) {
			p := e.product("SKU-1", ge.ID, false)
			if !p.TaxRate.Equal(d("0.13")) || p.Status != domain.StatusActive || p.Version != 1 {
				t.Fatalf("defaults: %+v", p)
			}
			_, err := cat.Products.Create(e.admin, app.ProductInput{SKU: ptr("SKU-1"), Name: ptr("重复"), UnitID: &ge.ID})
			if de := wantCode(t, err, domain.CodeDuplicate); de.Field != "sku" || de.Kind != domain.KindConflict {
				t.Fatalf("duplicate: %+v", de)
			}
			_, err = cat.Products.Create(e.admin, app.ProductInput{SKU: ptr("SKU-2"), Name: ptr("x"), UnitID: ptr(int64(4242))})
			if de := wantCode(t, err, domain.CodeValidation); de.Field != "unit_id" {
				t.Fatalf("missing unit: %+v", de)
			}
			_, err = cat.Products.Create(e.admin, app.ProductInput{SKU: ptr("SKU 3"), Name: ptr("x"), UnitID: &ge.ID})
			if de := wantCode(t, err, domain.CodeValidation); de.Field != "sku" {
				t.Fatalf("bad sku: %+v", de)
			}
			_, err = cat.Products.Create(e.admin, app.ProductInput{SKU: ptr("SKU-4"), Name: ptr("x"), UnitID: &ge.ID, TaxRate: ptr(d("13"))})
			if de := wantCode(t, err, domain.CodeValidation); de.Field != "tax_rate" {
				t.Fatalf("tax rate 13 (not 0.13): %+v", de)
			}
			// Optimistic locking: an edit against an old version is refused.
			up := must[*domain.Product](t)(cat.Products.Update(e.admin, p.ID, app.ProductInput{Name: ptr("新名字"), Version: 1}))
			if up.Version != 2 || up.Name != "新名字" || up.SKU != "SKU-1" {
				t.Fatalf("update: %+v", up)
			}
			_, err = cat.Products.Update(e.admin, p.ID, app.ProductInput{Name: ptr("旧版本"), Version: 1})
			wantCode(t, err, domain.CodeVersionConflict)
		})

		t.Run("DeleteHidesReferencedAndKeepsHistory", func(t *testing.T) {
			w := e.warehouse("DEL", false)
			used := e.product("USED", ge.ID, false)
			unused := e.product("UNUSED", ge.ID, false)
			e.opening(w.ID, app.OpeningLineInput{ProductID: used.ID, Qty: d("1"), UnitCost: d("1")})
			err := cat.Products.Delete(e.admin, used.ID)
			wantCode(t, err, domain.CodeReferenced) // still has stock
			_, err = cat.Products.Update(e.admin, used.ID, app.ProductInput{BatchTracked: ptr(true)})
			if de := wantCode(t, err, domain.CodeValidation); de.Field != "batch_tracked" {
				t.Fatalf("changing batch tracking after moves: %+v", de)
			}
			st := must[*domain.Stocktake](t)(e.app.CreateStocktake(e.admin, app.StocktakeInput{WarehouseID: &w.ID,
				Lines: &[]app.StocktakeLineInput{{ProductID: used.ID, CountedQty: d("0")}}}))
			must[*domain.Stocktake](t)(e.app.PostStocktake(e.admin, st.ID, 0))
			if err := cat.Products.Delete(e.admin, used.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := cat.Products.Get(e.admin, used.ID); !errors.Is(err, domain.ErrNotFound) {
				t.Fatalf("deleted product still visible: %v", err)
			}
			// The row stays for history, so its SKU stays taken.
			var n int64
			e.store.DB().Table("products").Where("id = ?", used.ID).Count(&n)
			if n != 1 {
				t.Fatal("a referenced product was removed, not hidden")
			}
			_, err = cat.Products.Create(e.admin, app.ProductInput{SKU: ptr("USED"), Name: ptr("x"), UnitID: &ge.ID})
			wantCode(t, err, domain.CodeDuplicate)
			if err := cat.Products.Delete(e.admin, unused.ID); err != nil {
				t.Fatal(err)
			}
			e.store.DB().Table("products").Where("id = ?", unused.ID).Count(&n)
			if n != 0 {
				t.Fatal("an unreferenced product was only hidden")
			}
			if err := cat.Units.Delete(e.admin, ge.ID); !isCode(err, domain.CodeReferenced) {
				t.Fatalf("deleting a unit in use: %v", err)
			}
		})

		t.Run("CategoryTree", func(t *testing.T) {
			root := must[*domain.Category](t)(cat.Categories.Create(e.admin, app.CategoryInput{Code: ptr("R"), Name: ptr("根")}))
			child := must[*domain.Category](t)(cat.Categories.Create(e.admin, app.CategoryInput{Code: ptr("C"), Name: ptr("子"), ParentID: &root.ID}))
			_, err := cat.Categories.Update(e.admin, root.ID, app.CategoryInput{ParentID: &child.ID})
			if de := wantCode(t, err, domain.CodeValidation); de.Field != "parent_id" {
				t.Fatalf("cycle: %+v", de)
			}
			wantCode(t, cat.Categories.Delete(e.admin, root.ID), domain.CodeReferenced)
			top := must[*app.List[domain.Category]](t)(cat.Categories.List(e.admin, app.ListParams{}, map[string]any{"parent_id": nil}))
			if top.Total != 1 || top.Items[0].ID != root.ID {
				t.Fatalf("top level = %+v", top.Items)
			}
		})

		t.Run("PartnersAndFilters", func(t *testing.T) {
			for _, pt := range []struct{ code, typ string }{{"S1", "supplier"}, {"C1", "customer"}, {"B1", "both"}} {
				must[*domain.Partner](t)(cat.Partners.Create(e.admin, app.PartnerInput{Code: ptr(pt.code), Name: ptr("单位" + pt.code), Type: ptr(pt.typ)}))
			}
			_, err := cat.Partners.Create(e.admin, app.PartnerInput{Code: ptr("X1"), Name: ptr("x"), Type: ptr("vendor")})
			if de := wantCode(t, err, domain.CodeValidation); de.Field != "type" {
				t.Fatal(de)
			}
			l := must[*app.List[domain.Partner]](t)(cat.Partners.List(e.admin, app.ListParams{Sort: "-code"}, map[string]any{"type": []any{"supplier", "both"}}))
			if l.Total != 2 || l.Items[0].Code != "S1" || l.Items[1].Code != "B1" {
				t.Fatalf("suppliers sorted by -code = %+v", l.Items)
			}
			_, err = cat.Partners.List(e.admin, app.ListParams{Sort: "password"}, nil)
			if de := wantCode(t, err, domain.CodeValidation); de.Field != "sort" {
				t.Fatal(de)
			}
			l = must[*app.List[domain.Partner]](t)(cat.Partners.List(e.admin, app.ListParams{Q: "%"}, nil))
			if l.Total != 0 {
				t.Fatalf("a %% search matched %d rows: LIKE wildcards must be escaped", l.Total)
			}
			// Text with _ or % is found literally on both engines.
			must[*domain.Partner](t)(cat.Partners.Create(e.admin, app.PartnerInput{Code: ptr("X_1"), Name: ptr("五折!50%_店"), Type: ptr("customer")}))
			for q, want := range map[string]int64{"X_1": 1, "X%1": 0, "_": 1, "50%_": 1, "!50": 1, "X_": 1, "S_": 0} {
				if l := must[*app.List[domain.Partner]](t)(cat.Partners.List(e.admin, app.ListParams{Q: q}, nil)); l.Total != want {
					t.Errorf("search %q found %d, want %d", q, l.Total, want)
				}
			}
		})

		t.Run("Dictionaries", func(t *testing.T) {
			l := must[*app.List[domain.DictEntry]](t)(e.app.ListDict(e.admin, "payment_method", app.ListParams{}))
			if l.Total < 4 {
				t.Fatalf("seeded payment methods: %d", l.Total)
			}
			en := must[*domain.DictEntry](t)(e.app.CreateDictEntry(e.admin, "carrier", app.DictEntryInput{Code: ptr("SF"), Label: ptr("顺丰速运")}))
			if !en.Enabled || en.Type != "carrier" {
				t.Fatalf("entry = %+v", en)
			}
			_, err := e.app.CreateDictEntry(e.admin, "carrier", app.DictEntryInput{Code: ptr("SF"), Label: ptr("again")})
			wantCode(t, err, domain.CodeDuplicate)
			_, err = e.app.DictEntry(e.admin, "payment_method", en.ID)
			wantCode(t, err, domain.CodeNotFound) // an id of another dictionary
		})

		t.Run("AuditLog", func(t *testing.T) {
			l := must[*app.List[app.AuditView]](t)(e.app.AuditLog(e.admin, store.AuditFilter{Entity: "product"}, app.ListParams{PageSize: 200}))
			var sawUpdate bool
			for _, en := range l.Items {
				if en.Action == "update" && en.Before != "" && en.After != "" {
					sawUpdate = true
				}
			}
			if l.Total == 0 || !sawUpdate {
				t.Fatalf("audit entries for products: %d, update with before/after: %v", l.Total, sawUpdate)
			}
		})
	})
}
