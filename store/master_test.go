package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/cache"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
)

// second opens another store on s's database: another erpd process, which
// tells s nothing of its writes unless wired to.
func second(t *testing.T, s *store.Store) *store.Store {
	t.Helper()
	o, err := store.Open(ctx, store.Options{Driver: s.Driver(), DSN: s.DSN()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

func needMariaDB(t *testing.T) {
	t.Helper()
	if storetest.SQLiteOnly() {
		t.Fatal("this test needs MariaDB and Redis: unset ERP_TEST_SQLITE_ONLY (scripts/test starts them)")
	}
}

func productName(t *testing.T, q store.Q, id int64) string {
	t.Helper()
	p, err := store.Products.Get(q, id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Name
}

func rename(t *testing.T, s *store.Store, id int64, name string) {
	t.Helper()
	if err := s.InTx(ctx, func(tx *store.Tx) error {
		return tx.Later("UPDATE products SET name = ? WHERE id = ?", name, id)
	}); err != nil {
		t.Fatal(err)
	}
}

// The master cache answers repeated reads from memory, and no read after a
// commit that changed master data sees the old rows: not the writer's own,
// not inside the writing transaction, not after a rollback.
func TestMasterCache(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		p := mustProduct(t, s, "MC-1")
		other := second(t, s)

		if got := productName(t, s.Read(ctx), p.ID); got != p.Name {
			t.Fatalf("first read: %q", got)
		}
		// A write s is not told of shows that the read above was kept.
		rename(t, other, p.ID, "旁改")
		if got := productName(t, s.Read(ctx), p.ID); got != p.Name {
			t.Fatalf("a cached product was read again: %q", got)
		}
		s.MasterChanged()
		if got := productName(t, s.Read(ctx), p.ID); got != "旁改" {
			t.Fatalf("after a notice of change: %q, want 旁改", got)
		}

		// The writing transaction reads its own write; after the commit
		// everyone does.
		err := s.InTx(ctx, func(tx *store.Tx) error {
			productName(t, tx, p.ID) // cached before the write
			if err := tx.Later("UPDATE products SET name = ? WHERE id = ?", "改一", p.ID); err != nil {
				return err
			}
			if got := productName(t, tx, p.ID); got != "改一" {
				t.Errorf("inside the writing transaction: %q, want 改一", got)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := productName(t, s.Read(ctx), p.ID); got != "改一" {
			t.Fatalf("after the commit: %q, want 改一", got)
		}

		// GORM's own writes count as well as raw ones.
		err = s.InTx(ctx, func(tx *store.Tx) error {
			cur, err := store.Products.Get(tx, p.ID)
			if err != nil {
				return err
			}
			cur.Name = "改二"
			return store.Products.Update(tx, cur.ID, cur.Version, cur, "sku", cur.SKU)
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := productName(t, s.Read(ctx), p.ID); got != "改二" {
			t.Fatalf("after an update: %q, want 改二", got)
		}

		// A rolled-back write leaves the committed row, and what the
		// transaction read of its own write is not kept.
		boom := errors.New("boom")
		err = s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.Later("UPDATE products SET name = ? WHERE id = ?", "回滚", p.ID); err != nil {
				return err
			}
			productName(t, tx, p.ID)
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("rollback: %v", err)
		}
		if got := productName(t, s.Read(ctx), p.ID); got != "改二" {
			t.Fatalf("after a rollback: %q, want 改二", got)
		}

		// A user handed out is a copy: changing it changes nobody else's.
		u := &domain.User{Username: "mc", Name: "缓存", Roles: []domain.Role{domain.RoleSales}, Status: domain.UserActive,
			DataScope: domain.ScopeOwn, Version: 1}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return store.Users.Create(tx, u) }); err != nil {
			t.Fatal(err)
		}
		first, err := store.Users.Get(s.Read(ctx), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		first.Roles[0] = domain.RoleAdmin
		again, err := store.Users.Get(s.Read(ctx), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if again.Roles[0] != domain.RoleSales {
			t.Fatalf("a caller's change reached the cache: %v", again.Roles)
		}

		// Paused (its notices cannot arrive), the cache keeps nothing.
		s.PauseMasterCache()
		rename(t, other, p.ID, "暂停")
		if got := productName(t, s.Read(ctx), p.ID); got != "暂停" {
			t.Fatalf("paused: %q, want 暂停", got)
		}
	})
}

// Until a MySQL store is told how to reach the other processes, it caches
// nothing: another process's change shows at once.
func TestMasterCacheOffUntilShared(t *testing.T) {
	needMariaDB(t)
	s := storetest.Open(t, store.DriverMySQL)
	p := mustProduct(t, s, "MC-2")
	lone := second(t, s) // not shared
	productName(t, lone.Read(ctx), p.ID)
	rename(t, s, p.ID, "已改")
	if got := productName(t, lone.Read(ctx), p.ID); got != "已改" {
		t.Fatalf("an unshared MySQL store cached: %q", got)
	}
}

// Two processes on one database, told of each other's changes through
// Redis, never keep serving a row the other changed.
func TestMasterCacheAcrossProcesses(t *testing.T) {
	needMariaDB(t)
	a := storetest.Open(t, store.DriverMySQL)
	a.PauseMasterCache()
	b := second(t, a)
	p := mustProduct(t, a, "MC-3")
	bus := storetest.Cache(t, store.DriverMySQL).(*cache.Redis)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, s := range []*store.Store{a, b} {
		go s.ShareMasterCacheOver(wctx, bus)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !a.MasterCacheOn() || !b.MasterCacheOn() {
		if time.Now().After(deadline) {
			t.Fatal("the Redis subscriptions never stood")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := productName(t, b.Read(ctx), p.ID); got != p.Name {
		t.Fatalf("b's first read: %q", got)
	}
	rename(t, a, p.ID, "甲改")
	deadline = time.Now().Add(5 * time.Second)
	for productName(t, b.Read(ctx), p.ID) != "甲改" {
		if time.Now().After(deadline) {
			t.Fatal("b still serves the row a changed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// And b's cache is on: a change nobody announces is not seen.
	third := second(t, a)
	rename(t, third, p.ID, "无声")
	time.Sleep(50 * time.Millisecond)
	if got := productName(t, b.Read(ctx), p.ID); got != "甲改" {
		t.Fatalf("b did not cache: %q", got)
	}
}

// Approval rules and voucher templates, read through the cache by every
// submit and posting, show a change at the next read.
func TestMasterCacheRulesAndTemplates(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		rules := func() []domain.ApprovalRule {
			t.Helper()
			var rs []domain.ApprovalRule
			b := store.NewBatch(s.Read(ctx))
			store.ApprovalRulesIn(b, domain.DocSalesOrder, &rs)
			if err := b.Run(); err != nil {
				t.Fatal(err)
			}
			return rs
		}
		before := len(rules())
		rule := &domain.ApprovalRule{DocType: domain.DocSalesOrder, MinAmount: decimal.NewFromInt(5000), Role: domain.RoleManager,
			Enabled: true, Version: 1}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return store.ApprovalRules.Create(tx, rule, "doc_type", rule.DocType) }); err != nil {
			t.Fatal(err)
		}
		if got := len(rules()); got != before+1 {
			t.Fatalf("rules after a new one: %d, want %d", got, before+1)
		}

		const ev = "sales_shipment"
		ts, err := store.TemplatesFor(s.Read(ctx), ev)
		if err != nil {
			t.Fatal(err)
		}
		tpl, ok := ts[ev]
		if !ok {
			t.Fatalf("no %s template", ev)
		}
		old := tpl.Version
		tpl.Version++
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SaveTemplate(&tpl, old) }); err != nil {
			t.Fatal(err)
		}
		if ts, err = store.TemplatesFor(s.Read(ctx), ev); err != nil {
			t.Fatal(err)
		}
		if ts[ev].Version != old+1 {
			t.Fatalf("template after a save: version %d, want %d", ts[ev].Version, old+1)
		}
	})
}
