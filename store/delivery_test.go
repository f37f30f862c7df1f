package store_test

import (
	"testing"

	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// A database from before delivery information gains its columns and the
// indexes a dictionary delete looks references up by; rows already there
// read back empty, and migrating again changes nothing.
func TestUpgradeAddsDeliveryAndDictRefs(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s, err := store.Open(ctx, storetest.DSN(t, driver))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.MigrateTo(ctx, "202612081000_reorder_levels"); err != nil { // the migration before delivery
			t.Fatal(err)
		}
		p := mustProduct(t, s, "OLD002")
		if s.DB().Migrator().HasColumn("stock_docs", "waybill_no") || s.DB().Migrator().HasTable("partner_addresses") {
			t.Fatal("delivery columns before their migration")
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		m := s.DB().Migrator()
		for table, cols := range map[string][]string{
			"stock_docs":        {"shipping_method_id", "carrier", "waybill_no", "ship_address", "ship_contact", "ship_phone"},
			"money_docs":        {"payment_method_id"},
			"partners":          {"level_id"},
			"partner_addresses": {"partner_id", "address", "contact", "phone", "is_default"},
		} {
			for _, c := range cols {
				if !m.HasColumn(table, c) {
					t.Errorf("%s.%s missing", table, c)
				}
			}
		}
		for table, idx := range map[string]string{"stock_docs": "idx_stock_docs_shipping_method_id",
			"money_docs": "idx_money_docs_payment_method_id", "partners": "idx_partners_level_id"} {
			if !m.HasIndex(table, idx) {
				t.Errorf("%s has no index %s", table, idx)
			}
		}
		if got, err := store.Products.Get(s.Read(ctx), p.ID); err != nil || got.SKU != "OLD002" {
			t.Fatalf("product after upgrade: %+v %v", got, err)
		}
	})
}
