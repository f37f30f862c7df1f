package store_test

import (
	"testing"
	"time"

	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// The business-date migration gives existing documents and moves the
// Shanghai day they were posted (drafts: created), which is what decided
// their period before: 2026-11-30 17:00 UTC is 2026-12-01 in Shanghai.
func TestUpgradeFillsBusinessDates(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s, err := store.Open(ctx, storetest.DSN(t, driver))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		mine := -1
		for i, m := range store.Migrations {
			if m.ID == "202612070100_dates_biz_date" {
				mine = i
			}
		}
		if mine < 1 {
			t.Fatal("the business-date migration is missing")
		}
		if err := s.MigrateTo(ctx, store.Migrations[mine-1].ID); err != nil {
			t.Fatal(err)
		}
		late := time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC)  // 12-01 01:00 in Shanghai
		early := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC) // 11-30 23:00
		db := s.DB()
		if err := db.Exec(`INSERT INTO stock_moves (product_id, warehouse_id, batch, kind, qty, unit_cost, amount, balance_qty, balance_value,
			doc_type, doc_id, doc_number, line_id, posted_at, created_by) VALUES (1, 1, '', 'in', 1, 1, 1, 1, 1, 'opening', 1, 'OB1', 1, ?, 1),
			(1, 1, '', 'in', 1, 1, 1, 2, 2, 'opening', 2, 'OB2', 2, ?, 1)`, late, early).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Table("transfers").Create(map[string]any{"number": "TR1", "status": "draft", "remark": "", "created_by": 1,
			"created_at": late, "updated_at": late, "version": 1, "from_warehouse_id": 1, "to_warehouse_id": 2}).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var days []string
		if err := db.Table("stock_moves").Order("doc_number").Pluck("biz_date", &days).Error; err != nil {
			t.Fatal(err)
		}
		if len(days) != 2 || days[0] != "2026-12-01" || days[1] != "2026-11-30" {
			t.Fatalf("moves dated %v", days)
		}
		var drafts []string
		if err := db.Table("transfers").Where("number = ?", "TR1").Pluck("biz_date", &drafts).Error; err != nil {
			t.Fatal(err)
		}
		if len(drafts) != 1 || drafts[0] != "2026-12-01" {
			t.Fatalf("draft dated %v", drafts)
		}
		v, err := store.StockValueThrough(s.Read(ctx), "2026-11-30")
		if err != nil || v.String() != "1" {
			t.Fatalf("stock through 11-30 = %s, %v", v, err)
		}
	})
}
