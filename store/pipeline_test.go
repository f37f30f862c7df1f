package store_test

import (
	"errors"
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
