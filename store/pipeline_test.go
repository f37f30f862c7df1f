package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
)

func audited(t *testing.T, q store.Q, action string) bool {
	t.Helper()
	found, err := store.Exists(q, "audit_logs", "action = ?", action)
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// Writes held back on MySQL (audit entries, balances, moves, totals) must
// behave as if sent at once: the transaction reads them, a commit keeps
// them, a rollback drops them, and one that fails fails the transaction
// even when the caller never sees its error.
func TestHeldWrites(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		entry := func(action string) domain.AuditEntry {
			return domain.AuditEntry{ActorID: 1, ActorName: "测试", Action: action, Entity: "unit", EntityID: 1}
		}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.Audit(entry("held-read")); err != nil {
				return err
			}
			if !audited(t, tx, "held-read") {
				t.Error("the transaction does not see its own held write")
			}
			return tx.Audit(entry("held-last")) // held until the commit
		})
		if err != nil {
			t.Fatal(err)
		}
		if !audited(t, s.Read(ctx), "held-read") || !audited(t, s.Read(ctx), "held-last") {
			t.Fatal("committed held writes are missing")
		}

		err = s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.Audit(entry("rolled-back")); err != nil {
				return err
			}
			return errors.New("fail")
		})
		if err == nil || audited(t, s.Read(ctx), "rolled-back") {
			t.Fatalf("a held write survived a rollback (err=%v)", err)
		}

		// A held write that fails: its error reaches the next statement.
		err = s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.Audit(entry("before-failure")); err != nil {
				return err
			}
			if err := tx.Later("INSERT INTO no_such_table (x) VALUES (?)", 1); err != nil {
				return err // SQLite runs it at once
			}
			_, err := store.Exists(tx, "units", "name = ?", "x")
			if err == nil {
				t.Error("the statement after a failed held write succeeded")
			}
			return err
		})
		if err == nil || audited(t, s.Read(ctx), "before-failure") {
			t.Fatalf("a failed held write did not fail its transaction (err=%v)", err)
		}

		if driver == store.DriverMySQL {
			// Even a caller that drops the error cannot commit what is left.
			err = s.InTx(ctx, func(tx *store.Tx) error {
				_ = tx.Audit(entry("error-dropped"))
				_ = tx.Later("INSERT INTO no_such_table (x) VALUES (?)", 1)
				_, _ = store.Exists(tx, "units", "name = ?", "x")
				return nil
			})
			if err == nil || audited(t, s.Read(ctx), "error-dropped") {
				t.Fatalf("a transaction committed after a failed held write (err=%v)", err)
			}
		}

		// A large document holds more than one packet may carry (MariaDB's
		// max_allowed_packet, 16 MB by default): the pipeline sends what it
		// holds on before it grows too big, and nothing is lost.
		after := strings.Repeat("明细", 1400) // 8.4 KB an entry, 21 MB in all
		err = s.InTx(ctx, func(tx *store.Tx) error {
			for i := range 2500 {
				e := entry("bulk")
				e.EntityID, e.After = int64(i), after
				if err := tx.Audit(e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := s.DB().Table("audit_logs").Where("action = ?", "bulk").Count(&n).Error; err != nil || n != 2500 {
			t.Fatalf("bulk held writes: %d of 2500 (%v)", n, err)
		}

		// A panic rolls back; the connection goes back to the pool clean.
		func() {
			defer func() { _ = recover() }()
			_ = s.InTx(ctx, func(tx *store.Tx) error {
				if err := store.Units.Create(tx, &domain.Unit{Name: "panic", Ratio: decimal.NewFromInt(1), Version: 1}, "name", "panic"); err != nil {
					return err
				}
				panic("boom")
			})
		}()
		for range 3 { // whichever pooled connection comes next
			err = s.InTx(ctx, func(tx *store.Tx) error {
				if found, err := store.Units.Exists(tx, "name = ?", "panic"); err != nil || found {
					t.Errorf("after a panic: found=%v err=%v", found, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}

// A batch's reads come back in order, each into its destination, and a
// missing row is reported as the read asked.
func TestBatchReads(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		a, b := mustProduct(t, s, "BATCH-A"), mustProduct(t, s, "BATCH-B")
		err := s.InTx(ctx, func(tx *store.Tx) error {
			var one domain.Product
			many := map[int64]domain.Product{}
			var gone domain.Partner
			found := true
			batch := store.NewBatch(tx)
			store.Products.GetIn(batch, b.ID, &one)
			store.Products.GetManyIn(batch, []int64{a.ID, b.ID, 999999}, func(p *domain.Product) int64 { return p.ID }, many)
			store.Partners.LookupIn(batch, 999999, &gone, &found)
			if err := batch.Run(); err != nil {
				return err
			}
			if one.SKU != "BATCH-B" || len(many) != 2 || many[a.ID].SKU != "BATCH-A" || found {
				t.Errorf("batch read: one=%q many=%d found=%v", one.SKU, len(many), found)
			}
			batch = store.NewBatch(tx)
			store.Products.GetManyIn(batch, []int64{a.ID}, func(p *domain.Product) int64 { return p.ID }, map[int64]domain.Product{})
			store.Products.GetIn(batch, 999999, &one)
			if err := batch.Run(); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("a missing row in a batch: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// Held inserts get their ids when their packet has run: with the next read
// (the ids come back as a result set in front of the read's) or with the
// commit (from the driver's per-statement results). A row can name an
// earlier held row's id, and inserts of more rows than one statement takes
// still number every row right.
func TestHeldInserts(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		actions := make([]string, 1203) // three statements: 500, 500 and 203 rows
		for i := range actions {
			actions[i] = fmt.Sprintf("held-%d", i)
		}
		ids := make([]int64, len(actions))
		var childID, lastID int64
		err := s.InTx(ctx, func(tx *store.Tx) error {
			first, err := tx.AuditLater(actions, nil, func(i int, id int64) { ids[i] = id })
			if err != nil {
				return err
			}
			if _, err := tx.AuditLater([]string{"held-child"}, map[string]string{"entity_id": first},
				func(_ int, id int64) { childID = id }); err != nil {
				return err
			}
			if !audited(t, tx, "held-child") { // a read: the ids arrive with it
				t.Error("the transaction does not see its held inserts")
			}
			if ids[0] == 0 || ids[len(ids)-1] == 0 || childID == 0 {
				t.Errorf("a read did not deliver the held inserts' ids: first %d, last %d, child %d", ids[0], ids[len(ids)-1], childID)
			}
			// Held until the commit, which brings its id.
			_, err = tx.AuditLater([]string{"held-last"}, nil, func(_ int, id int64) { lastID = id })
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var rows []struct {
			ID       int64
			Action   string
			EntityID int64
		}
		if err := s.DB().Raw("SELECT id, action, entity_id FROM audit_logs WHERE action LIKE 'held-%'").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		byAction := map[string]int64{}
		for _, r := range rows {
			byAction[r.Action] = r.ID
			if r.Action == "held-child" && r.EntityID != ids[0] {
				t.Errorf("the child row names id %d, the first held row is %d", r.EntityID, ids[0])
			}
		}
		if len(rows) != len(actions)+2 {
			t.Fatalf("%d rows, want %d", len(rows), len(actions)+2)
		}
		for i, a := range actions {
			if byAction[a] != ids[i] {
				t.Fatalf("row %d (%s): id %d in the database, %d delivered", i, a, byAction[a], ids[i])
			}
		}
		if byAction["held-child"] != childID || byAction["held-last"] != lastID || lastID == 0 {
			t.Fatalf("child %d/%d, last %d/%d (database/delivered)", byAction["held-child"], childID, byAction["held-last"], lastID)
		}
	})
}

// An order the transaction holds is written without waiting for the
// outcome (nothing else can have changed it), version after version; one
// it does not hold is still checked against its version.
func TestUpdateOrderHeldAndChecked(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		o := &domain.Order{Type: domain.DocSalesOrder, Number: "SO-T-1", Status: domain.OrderDraft, PartnerID: 1, WarehouseID: 1,
			OrderDate: "2026-11-24", Version: 1, Lines: []domain.OrderLine{{ProductID: 1, Qty: decimal.NewFromInt(2)}}}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOrder(o) }); err != nil {
			t.Fatal(err)
		}
		if o.ID == 0 || o.Lines[0].ID == 0 {
			t.Fatalf("ids not filled: order %d, line %d", o.ID, o.Lines[0].ID)
		}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			held, err := store.GetOrder(tx, domain.DocSalesOrder, o.ID, true)
			if err != nil {
				return err
			}
			for _, status := range []string{domain.OrderPending, domain.OrderApproved} {
				old := held.Version
				held.Status, held.Version = status, held.Version+1
				if err := tx.UpdateOrder(held, old, store.HeaderOnly); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := store.GetOrder(s.Read(ctx), domain.DocSalesOrder, o.ID, false)
		if err != nil || got.Status != domain.OrderApproved || got.Version != 3 {
			t.Fatalf("after two held updates: %+v, %v", got, err)
		}
		// Not held, at a version that is gone: stale.
		err = s.InTx(ctx, func(tx *store.Tx) error {
			got.Status = domain.OrderCancelled
			return tx.UpdateOrder(got, 2, store.HeaderOnly)
		})
		if !errors.Is(err, domain.ErrVersionConflict) {
			t.Fatalf("a stale update: %v, want conflict", err)
		}
	})
}

// A posting that read its partner's open sides settles without a read of
// its own while a side is empty, and settles as before once the
// transaction itself has put an item on that side.
func TestOpenSidesKnownUntilChanged(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		item := func(p *domain.Partner, amount string) *domain.OpenItem {
			return &domain.OpenItem{PartnerID: p.ID, Kind: domain.ItemAR, DocType: domain.DocSalesShipment, DocID: 1,
				DocNumber: "GI-T", Date: "2026-11-24", DueDate: "2026-11-24", Amount: decimal.RequireFromString(amount)}
		}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			p := &domain.Partner{Code: "OS-1", Name: "开放项客户", Type: domain.PartnerCustomer, Status: domain.StatusActive, Version: 1}
			if err := store.Partners.Create(tx, p, "code", p.Code); err != nil {
				return err
			}
			if err := tx.AddOpenItem(item(p, "100")); err != nil { // a debit, no credit
				return err
			}
			b := store.NewBatch(tx)
			tx.OpenSidesIn(b, p.ID, domain.ItemAR)
			if err := b.Run(); err != nil {
				return err
			}
			if err := tx.AddOpenItemLater(item(p, "30")); err != nil { // another debit: credits still none
				return err
			}
			if allocs, err := tx.AutoAllocate(p.ID, domain.ItemAR); err != nil || len(allocs) != 0 {
				t.Fatalf("no credit yet: %v, %v", allocs, err)
			}
			if err := tx.AddOpenItemLater(item(p, "-50")); err != nil { // a credit: the answer is stale
				return err
			}
			allocs, err := tx.AutoAllocate(p.ID, domain.ItemAR)
			if err != nil {
				return err
			}
			var settled decimal.Decimal
			for _, a := range allocs {
				settled = settled.Add(a.Amount)
			}
			if !settled.Equal(decimal.NewFromInt(50)) {
				t.Fatalf("after a credit in the same transaction: settled %s of 50 (%v)", settled, allocs)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
