package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// The reorder-level migration moves each product's safety stock to the
// warehouses that carry it (a balance or a move there), a product never
// stocked anywhere to the first active warehouse, and no product without a
// safety stock gets a level; the old column is gone.
func TestUpgradeMovesSafetyStockToWarehouses(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s, err := store.Open(ctx, storetest.DSN(t, driver))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		mine := -1
		for i, m := range store.Migrations {
			if m.ID == "202612081000_reorder_levels" {
				mine = i
			}
		}
		if mine < 1 {
			t.Fatal("the reorder-level migration is missing")
		}
		if err := s.MigrateTo(ctx, store.Migrations[mine-1].ID); err != nil {
			t.Fatal(err)
		}
		db := s.DB()
		now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		exec := func(q string, args ...any) {
			t.Helper()
			if err := db.Exec(q, args...).Error; err != nil {
				t.Fatal(err)
			}
		}
		// W1 is disabled; W2, W3 active.
		for i, st := range []string{"disabled", "active", "active"} {
			exec(`INSERT INTO warehouses (id, code, name, address, allow_negative, status, version, created_at, updated_at)
				VALUES (?, ?, ?, '', false, ?, 1, ?, ?)`, i+1, fmt.Sprintf("W%d", i+1), fmt.Sprintf("仓%d", i+1), st, now, now)
		}
		// P1 (10): a balance in W1, a move (since emptied) in W3.
		// P2 (5): never stocked. P3 (0): stocked, no safety stock.
		for i, safety := range []string{"10", "5", "0"} {
			exec(`INSERT INTO products (id, sku, name, spec, unit_id, barcode, tax_rate, safety_stock, batch_tracked, status, version, created_at, updated_at)
				VALUES (?, ?, ?, '', 1, '', 0.13, ?, false, 'active', 1, ?, ?)`, i+1, fmt.Sprintf("P%d", i+1), fmt.Sprintf("品%d", i+1), safety, now, now)
		}
		exec(`INSERT INTO stock_balances (product_id, warehouse_id, batch, on_hand, reserved, avg_cost, value, updated_at)
			VALUES (1, 1, '', 3, 0, 1, 3, ?), (3, 2, '', 9, 0, 1, 9, ?)`, now, now)
		exec(`INSERT INTO stock_moves (product_id, warehouse_id, batch, kind, qty, unit_cost, amount, balance_qty, balance_value,
			doc_type, doc_id, doc_number, line_id, posted_at, biz_date, created_by) VALUES (1, 3, '', 'in', 1, 1, 1, 1, 1, 'opening', 1, 'OB1', 1, ?, '2026-12-01', 1)`, now)
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var got []struct {
			ProductID, WarehouseID int64
			SafetyStock            string
		}
		if err := db.Raw("SELECT product_id, warehouse_id, safety_stock FROM reorder_levels ORDER BY product_id, warehouse_id").Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		if s := fmt.Sprint(got); len(got) != 3 || got[0].ProductID != 1 || got[0].WarehouseID != 1 || got[1].ProductID != 1 || got[1].WarehouseID != 3 ||
			got[2].ProductID != 2 || got[2].WarehouseID != 2 {
			t.Fatalf("levels after the upgrade: %s", s)
		}
		if db.Migrator().HasColumn("products", "safety_stock") {
			t.Error("products.safety_stock is still there")
		}
		// P1 in W3 (nothing there) is low; in W1 (disabled) it is not listed.
		low, total, err := store.LowStock(s.Read(ctx), 10)
		if err != nil || total != 2 || len(low) != 2 {
			t.Fatalf("low stock after the upgrade: %+v %d %v", low, total, err)
		}
	})
}
