package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/go-sql-driver/mysql"
	"github.com/shopspring/decimal"
)

var ctx = context.Background()

func mustProduct(t *testing.T, s *store.Store, sku string) *domain.Product {
	t.Helper()
	var p *domain.Product
	err := s.InTx(ctx, func(tx *store.Tx) error {
		u := &domain.Unit{Name: "个" + sku, Ratio: decimal.NewFromInt(1), Version: 1}
		if err := store.Units.Create(tx, u, "name", u.Name); err != nil {
			return err
		}
		p = &domain.Product{SKU: sku, Name: "测试商品 " + sku, UnitID: u.ID, TaxRate: domain.DefaultTaxRate, Status: domain.StatusActive, Version: 1}
		return store.Products.Create(tx, p, "sku", sku)
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// firstReleaseProduct writes a product into the first release's schema,
// whose columns (safety_stock among them, since moved to reorder levels)
// the current model no longer has.
func firstReleaseProduct(t *testing.T, s *store.Store, sku string) *domain.Product {
	t.Helper()
	u := &domain.Unit{Name: "个" + sku, Ratio: decimal.NewFromInt(1), Version: 1}
	if err := s.InTx(ctx, func(tx *store.Tx) error { return store.Units.Create(tx, u, "name", u.Name) }); err != nil {
		t.Fatal(err)
	}
	p := &domain.Product{SKU: sku, Name: "测试商品 " + sku, UnitID: u.ID, TaxRate: domain.DefaultTaxRate}
	now := s.Now()
	if err := s.DB().Table("products").Create(map[string]any{"sku": p.SKU, "name": p.Name, "spec": "", "unit_id": p.UnitID,
		"barcode": "", "tax_rate": p.TaxRate, "safety_stock": decimal.Zero, "batch_tracked": false, "status": "active",
		"version": 1, "created_at": now, "updated_at": now}).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Table("products").Where("sku = ?", sku).Pluck("id", &p.ID).Error; err != nil || p.ID == 0 {
		t.Fatalf("product %s: id %d, %v", sku, p.ID, err)
	}
	return p
}

func TestUpgradeFromOlderSchemaKeepsData(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s, err := store.Open(ctx, storetest.DSN(t, driver))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		// A database as the first release left it, with a product in it.
		if err := s.MigrateTo(ctx, store.Migrations[0].ID); err != nil {
			t.Fatal(err)
		}
		p := firstReleaseProduct(t, s, "OLD001")
		var n int64
		s.DB().Table("dict_entries").Count(&n)
		if n != 0 {
			t.Fatalf("the first schema version has %d dictionary entries, want 0", n)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := store.Products.Get(s.Read(ctx), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.SKU != "OLD001" || got.Name != p.Name || !got.TaxRate.Equal(domain.DefaultTaxRate) {
			t.Fatalf("product after upgrade = %+v", got)
		}
		s.DB().Table("dict_entries").Count(&n)
		if n == 0 {
			t.Fatal("the upgrade did not seed the dictionaries")
		}
		// Migrating again is a no-op.
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestNumbersNeverRepeatUnderConcurrency(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		const n = 40
		var mu sync.Mutex
		seen := map[string]bool{}
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var num string
				err := s.InTx(ctx, func(tx *store.Tx) error {
					var err error
					num, err = tx.NextNumber(domain.DocTransfer)
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if seen[num] {
					t.Errorf("number %s drawn twice", num)
				}
				seen[num] = true
			}()
		}
		wg.Wait()
		if len(seen) != n {
			t.Fatalf("%d numbers, want %d", len(seen), n)
		}
		// A rolled-back transaction gives its number back; the next one is
		// still unique.
		_ = s.InTx(ctx, func(tx *store.Tx) error {
			_, _ = tx.NextNumber(domain.DocTransfer)
			return errors.New("roll back")
		})
		err := s.InTx(ctx, func(tx *store.Tx) error {
			num, err := tx.NextNumber(domain.DocTransfer)
			if seen[num] {
				t.Errorf("number %s reused", num)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// Numbers carry the business day in Shanghai and start again at 1 on a
// new day: the last second of 31 December (15:59:59 UTC) is still that
// year's, the next is the next year's first number.
func TestNumbersFollowTheShanghaiDay(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s, clock := storetest.OpenClock(t, driver)
		draw := func() string {
			var num string
			if err := s.InTx(ctx, func(tx *store.Tx) error {
				var err error
				num, err = tx.NextNumber(domain.DocTransfer)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return num
		}
		prefix := domain.NumberPrefix(domain.DocTransfer)
		for _, c := range []struct {
			at   string
			want []string
		}{
			{"2026-12-31T15:59:58Z", []string{prefix + "20261231", prefix + "20261231"}},
			{"2026-12-31T16:00:00Z", []string{prefix + "20270101"}},
			{"2028-02-28T16:30:00Z", []string{prefix + "20280229"}},
		} {
			at, err := time.Parse(time.RFC3339, c.at)
			if err != nil {
				t.Fatal(err)
			}
			clock.Set(at)
			var got []string
			for range c.want {
				got = append(got, draw())
			}
			for i, n := range got {
				if !strings.HasPrefix(n, c.want[i]) {
					t.Fatalf("at %s: number %s, want prefix %s", c.at, n, c.want[i])
				}
			}
			if len(got) == 2 && got[0] == got[1] {
				t.Fatalf("at %s: %s drawn twice", c.at, got[0])
			}
			if !strings.HasSuffix(got[0], "0001") {
				t.Fatalf("at %s: the day's first number is %s", c.at, got[0])
			}
		}
	})
}

func TestOnCommitRunsOnlyAfterCommit(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		ran := 0
		err := s.InTx(ctx, func(tx *store.Tx) error {
			tx.OnCommit(func() { ran++ })
			// A nested use case joins the same transaction.
			return s.InTx(tx.Context(ctx), func(inner *store.Tx) error {
				if inner != tx {
					t.Error("nested InTx opened a second transaction")
				}
				return nil
			})
		})
		if err != nil || ran != 1 {
			t.Fatalf("after commit: err=%v ran=%d", err, ran)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			tx.OnCommit(func() { ran++ })
			if err := store.Units.Create(tx, &domain.Unit{Name: "回滚", Ratio: decimal.NewFromInt(1), Version: 1}, "name", "回滚"); err != nil {
				return err
			}
			return errors.New("fail")
		})
		if err == nil || ran != 1 {
			t.Fatalf("after rollback: err=%v ran=%d", err, ran)
		}
		if found, _ := store.Units.Exists(s.Read(ctx), "name = ?", "回滚"); found {
			t.Fatal("a rolled-back row is visible")
		}
	})
}

func TestDeadlockIsRetried(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		attempts := 0
		err := s.InTx(ctx, func(tx *store.Tx) error {
			attempts++
			if attempts < 3 {
				// What the driver returns when InnoDB picks this transaction
				// as a deadlock victim.
				return tx.DB().AddError(&mysql.MySQLError{Number: 1213, Message: "Deadlock found"})
			}
			return nil
		})
		if err != nil || attempts != 3 {
			t.Fatalf("err=%v attempts=%d, want success on the third attempt", err, attempts)
		}
		attempts = 0
		err = s.InTx(ctx, func(tx *store.Tx) error {
			attempts++
			return tx.DB().AddError(&mysql.MySQLError{Number: 1205, Message: "Lock wait timeout exceeded"})
		})
		if !errors.Is(err, domain.ErrDeadlock) || domain.ErrorKind(err) != domain.KindUnavailable || attempts != 4 {
			t.Fatalf("err=%v attempts=%d, want deadlock after 4 attempts", err, attempts)
		}
	})
}

func TestDriverErrorsTranslated(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		mustProduct(t, s, "DUP001")
		err := s.InTx(ctx, func(tx *store.Tx) error {
			p := &domain.Product{SKU: "DUP001", Name: "again", UnitID: 1, Status: domain.StatusActive, Version: 1}
			return store.Products.Create(tx, p, "sku", p.SKU)
		})
		e := domain.AsError(err)
		if e == nil || e.Code != domain.CodeDuplicate || e.Field != "sku" || e.Kind != domain.KindConflict {
			t.Fatalf("duplicate sku: %v", err)
		}
		_, err = store.Products.Get(s.Read(ctx), 999999)
		if !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("missing product: %v", err)
		}
		// A stale version is a conflict, not a silent overwrite.
		p := mustProduct(t, s, "VER001")
		err = s.InTx(ctx, func(tx *store.Tx) error {
			p.Name = "改名"
			return store.Products.Update(tx, p.ID, p.Version+5, p, "sku", p.SKU)
		})
		if !errors.Is(err, domain.ErrVersionConflict) {
			t.Fatalf("stale update: %v", err)
		}
	})
}

func TestLockBalancesCreatesRowsInKeyOrder(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		keys := []domain.BalanceKey{{ProductID: 2, WarehouseID: 1}, {ProductID: 1, WarehouseID: 2}, {ProductID: 1, WarehouseID: 1, Batch: "B2"}, {ProductID: 2, WarehouseID: 1}}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			bs, err := tx.LockBalances(keys, nil)
			if err != nil {
				return err
			}
			if len(bs) != 3 {
				t.Fatalf("%d balances, want 3 (duplicates folded)", len(bs))
			}
			for i := 1; i < len(bs); i++ {
				if !bs[i-1].Key().Less(bs[i].Key()) {
					t.Fatalf("balances out of lock order: %v then %v", bs[i-1].Key(), bs[i].Key())
				}
			}
			// Locking again finds the same rows.
			again, err := tx.LockBalances(keys, nil)
			if err != nil {
				return err
			}
			if again[0].ID != bs[0].ID {
				t.Fatal("second lock created new rows")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestIdempotencyClaim(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s, clock := storetest.OpenClock(t, driver)
		_, claimed, err := s.IdemClaim(ctx, "k1", "h1", 24*3600e9, time.Hour)
		if err != nil || !claimed {
			t.Fatalf("first claim: %v %v", claimed, err)
		}
		rec, claimed, err := s.IdemClaim(ctx, "k1", "h1", 24*3600e9, time.Hour)
		if err != nil || claimed || rec.State != store.IdemPending {
			t.Fatalf("second claim while pending: %+v %v %v", rec, claimed, err)
		}
		if err := s.IdemComplete(ctx, "k1", 201, `{"id":1}`, "application/json"); err != nil {
			t.Fatal(err)
		}
		rec, claimed, _ = s.IdemClaim(ctx, "k1", "h1", 24*3600e9, time.Hour)
		if claimed || rec.State != store.IdemDone || rec.Response != `{"id":1}` || rec.StatusCode != 201 {
			t.Fatalf("replay record: %+v", rec)
		}
		// An expired record is claimed afresh.
		_, claimed, _ = s.IdemClaim(ctx, "k2", "h", -1, time.Hour)
		_, claimed2, _ := s.IdemClaim(ctx, "k2", "h", 24*3600e9, time.Hour)
		if !claimed || !claimed2 {
			t.Fatal("an expired key must be claimable again")
		}
		// A claim whose request died before writing anything may be taken
		// again once its lease is over, by the same request only; one whose
		// request committed its work is never run again.
		s.IdemClaim(ctx, "k4", "h", time.Hour, time.Hour)
		if rec, claimed, _ := s.IdemClaim(ctx, "k4", "h", time.Hour, time.Hour); claimed || rec.State != store.IdemPending {
			t.Fatal("a fresh pending claim was taken over")
		}
		if _, claimed, _ := s.IdemClaim(ctx, "k4", "other", time.Hour, -time.Second); claimed {
			t.Fatal("another request took over a pending claim")
		}
		if _, claimed, _ := s.IdemClaim(ctx, "k4", "h", time.Hour, -time.Second); !claimed {
			t.Fatal("a pending claim past its lease could not be taken again")
		}
		s.IdemClaim(ctx, "k5", "h", time.Hour, time.Hour)
		err = s.InTx(store.WithIdemKey(ctx, "k5"), func(tx *store.Tx) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if rec, claimed, _ := s.IdemClaim(ctx, "k5", "h", time.Hour, -time.Second); claimed || rec.State != store.IdemCommitted {
			t.Fatalf("a committed claim: %+v claimed=%v", rec, claimed)
		}
		failed := errors.New("rolled back")
		s.IdemClaim(ctx, "k6", "h", time.Hour, time.Hour)
		s.InTx(store.WithIdemKey(ctx, "k6"), func(tx *store.Tx) error { return failed })
		if rec, _, _ := s.IdemClaim(ctx, "k6", "h", time.Hour, time.Hour); rec.State != store.IdemPending {
			t.Fatalf("a rolled-back transaction marked its key: %+v", rec)
		}
		// The hourly purge removes expired keys and keeps live ones.
		s.IdemClaim(ctx, "k3", "h", -1, time.Hour)
		if n, err := s.IdemPurge(ctx); err != nil || n != 1 {
			t.Fatalf("purged %d (%v), want the one expired key", n, err)
		}
		if rec, claimed, _ := s.IdemClaim(ctx, "k1", "h1", 24*3600e9, time.Hour); claimed || rec.State != store.IdemDone {
			t.Fatal("the purge removed a live key")
		}
		// A day on by the clock, the first key has expired: the purge
		// removes it and the key is claimed afresh.
		clock.Advance(24*time.Hour + time.Second)
		if n, err := s.IdemPurge(ctx); err != nil || n < 1 {
			t.Fatalf("purged %d (%v) a day later, want the expired k1", n, err)
		}
		if _, claimed, _ := s.IdemClaim(ctx, "k1", "h1", 24*3600e9, time.Hour); !claimed {
			t.Fatal("a key a day old was not claimable again")
		}
	})
}

// A posting is refused in a closed month and in any month before a closed
// one (it would change the closed month's balances), and allowed after it.
func TestPeriodOpenCheck(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		closed := func(err error) bool {
			e := domain.AsError(err)
			return e != nil && e.Code == domain.CodePeriodClosed
		}
		check := func(period string) error {
			return s.InTx(ctx, func(tx *store.Tx) error { return tx.CheckPeriodOpen(period) })
		}
		for _, p := range []string{"2026-08", "2026-10"} {
			if err := check(p); err != nil {
				t.Fatalf("%s before any closing: %v", p, err)
			}
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SetPeriodStatus("2026-10", store.PeriodClosed, nil) }); err != nil {
			t.Fatal(err)
		}
		for p, want := range map[string]bool{"2026-08": false, "2026-09": false, "2026-10": false, "2026-11": true} {
			err := check(p)
			if want && err != nil {
				t.Errorf("%s after 2026-10 closed: %v", p, err)
			}
			if !want && !closed(err) {
				t.Errorf("%s with 2026-10 closed: %v, want period_closed", p, err)
			}
		}
		// Checked in the same transaction as the closing: no stale answer.
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CheckPeriodOpen("2026-12"); err != nil {
				return err
			}
			if err := tx.CheckPeriodOpen("2026-11"); err != nil {
				return err
			}
			if err := tx.SetPeriodStatus("2026-12", store.PeriodClosed, nil); err != nil {
				return err
			}
			return tx.CheckPeriodOpen("2026-11")
		})
		if !closed(err) {
			t.Errorf("2026-11 after 2026-12 closed in the same transaction: %v", err)
		}
	})
}

// A back-dated posting that comes while a later month is being closed
// waits for the closing and is then refused: it may not land in a month
// whose balances the closing has already carried forward.
func TestBackdatedPostingWaitsForClosing(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		check := func(period string) error {
			return s.InTx(ctx, func(tx *store.Tx) error { return tx.CheckPeriodOpen(period) })
		}
		for _, p := range []string{"2026-10", "2026-11"} {
			if err := check(p); err != nil {
				t.Fatal(err)
			}
		}
		locked := make(chan struct{})
		var once sync.Once
		done := make(chan error, 1)
		go func() {
			done <- s.InTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.LockPeriod("2026-11"); err != nil {
					return err
				}
				once.Do(func() { close(locked) })
				time.Sleep(300 * time.Millisecond) // the closing's work
				return tx.SetPeriodStatus("2026-11", store.PeriodClosed, nil)
			})
		}()
		<-locked
		err := check("2026-10")
		if e := domain.AsError(err); e == nil || e.Code != domain.CodePeriodClosed {
			t.Errorf("a posting into 2026-10 while 2026-11 was being closed: %v, want period_closed", err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// A deliverer that dies holding a message (kill -9 mid-delivery) leaves its
// lease behind: no other deliverer takes the message while the lease runs,
// since the first may still be talking to DingTalk, and the first to claim
// it after the lease takes it, once, with the attempt counted (so an OA
// start looks for the instance the dead one may have started).
func TestOutboxLeaseOfDeadDeliverer(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		s := storetest.Open(t, driver)
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.Enqueue("oa.start", map[string]int{"approval_id": 1}) }); err != nil {
			t.Fatal(err)
		}
		t0 := s.Now().Add(time.Second)
		got, err := s.ClaimOutbox(ctx, t0, 2*time.Minute, 5)
		if err != nil || len(got) != 1 || got[0].Attempts != 1 {
			t.Fatalf("first claim: %+v %v", got, err)
		}
		for _, at := range []time.Duration{0, time.Minute, 2*time.Minute - time.Second} {
			if again, err := s.ClaimOutbox(ctx, t0.Add(at), 2*time.Minute, 5); err != nil || len(again) != 0 {
				t.Fatalf("claimed %s into a live lease: %+v %v", at, again, err)
			}
		}
		after := t0.Add(2*time.Minute + time.Second)
		var wg sync.WaitGroup
		claims := make([][]store.OutboxMessage, 4)
		for i := range claims {
			wg.Add(1)
			go func() {
				defer wg.Done()
				claims[i], _ = s.ClaimOutbox(ctx, after, 2*time.Minute, 5)
			}()
		}
		wg.Wait()
		took := 0
		for _, c := range claims {
			for _, m := range c {
				took++
				if m.ID != got[0].ID || m.Attempts != 2 {
					t.Errorf("taken over: %+v, want message %d at attempt 2", m, got[0].ID)
				}
			}
		}
		if took != 1 {
			t.Fatalf("%d deliverers took the message after the lease, want 1", took)
		}
	})
}
