package app_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/go-sql-driver/mysql"
	"github.com/shopspring/decimal"
)

// benchProducts is how many SKUs the transfers spread over, so parallel
// runs measure the posting path rather than one hot row.
const benchProducts = 50

type benchEnv struct {
	*env
	dsn      string
	from, to int64
	products []int64
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	opts := storetest.DSN(b, store.DriverMySQL)
	s, err := store.Open(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	c := storetest.Cache(b, store.DriverMySQL)
	// As erpd runs in production: the master cache on over Redis's
	// notices. Without it every posting reads its master data again, as
	// erpd does only while Redis is down.
	shareCtx, stopSharing := context.WithCancel(context.Background())
	b.Cleanup(stopSharing)
	go s.ShareMasterCacheOver(shareCtx, c.(store.Notices))
	for deadline := time.Now().Add(10 * time.Second); !s.MasterCacheOn(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatal("the master cache did not come on over Redis")
		}
	}
	a := app.New(app.Options{Store: s, Cache: c,
		Auth: app.AuthConfig{Secret: []byte("bench-secret-bench-secret-bench-00"), TokenTTL: time.Hour}})
	e := &benchEnv{env: &env{app: a, store: s, admin: app.WithActor(context.Background(), app.System)}, dsn: opts.DSN}
	ctx := e.admin
	u, err := a.Catalog().Units.Create(ctx, app.UnitInput{Name: ptr("个")})
	if err != nil {
		b.Fatal(err)
	}
	for i, code := range []string{"BF", "BT"} {
		w, err := a.Catalog().Warehouses.Create(ctx, app.WarehouseInput{Code: ptr(code), Name: ptr(code)})
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			e.from = w.ID
		} else {
			e.to = w.ID
		}
	}
	lines := []app.OpeningLineInput{}
	for i := 0; i < benchProducts; i++ {
		p, err := a.Catalog().Products.Create(ctx, app.ProductInput{SKU: ptr(fmt.Sprintf("B%03d", i)), Name: ptr("压测商品"), UnitID: &u.ID})
		if err != nil {
			b.Fatal(err)
		}
		e.products = append(e.products, p.ID)
		lines = append(lines, app.OpeningLineInput{ProductID: p.ID, Qty: decimal.NewFromInt(10_000_000), UnitCost: decimal.NewFromInt(3)})
	}
	if _, err := a.PostOpening(ctx, app.OpeningInput{WarehouseID: e.from, Lines: lines}); err != nil {
		b.Fatal(err)
	}
	return e
}

// transfer creates and posts one single-line transfer through the use cases:
// what POST /transfers and POST /transfers/{id}/post do.
func (e *benchEnv) transfer(product int64) error {
	lines := []app.TransferLineInput{{ProductID: product, Qty: decimal.NewFromInt(1)}}
	t, err := e.app.CreateTransfer(e.admin, app.TransferInput{FromWarehouseID: &e.from, ToWarehouseID: &e.to, Lines: &lines})
	if err != nil {
		return err
	}
	_, err = e.app.PostTransfer(e.admin, t.ID, 0)
	return err
}

// rawTransfer writes the same rows with database/sql and hand-written SQL, in
// the same two transactions: the draft (number, header, line, audit) and the
// posting (lock the document, lock or create both balances, update them,
// insert both moves, mark the document posted, audit). It skips what erpd
// adds on top: loading and checking warehouses and products, the ORM.
func rawTransfer(ctx context.Context, db *sql.DB, from, to, product int64) error {
	now := time.Now().UTC().Truncate(time.Millisecond)
	// The connection is READ COMMITTED for the session, as erpd's are.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	name := "RB" + now.Format("20060102")
	res, err := tx.Exec("INSERT INTO sequences (name, value) VALUES (?, LAST_INSERT_ID(1)) ON DUPLICATE KEY UPDATE value = LAST_INSERT_ID(value + 1)", name)
	if err != nil {
		return err
	}
	seq, _ := res.LastInsertId()
	number := fmt.Sprintf("%s-%06d", name, seq)
	res, err = tx.Exec("INSERT INTO transfers (number, status, remark, created_by, created_at, updated_at, version, from_warehouse_id, to_warehouse_id) VALUES (?, 'draft', '', 0, ?, ?, 1, ?, ?)", number, now, now, from, to)
	if err != nil {
		return err
	}
	tid, _ := res.LastInsertId()
	res, err = tx.Exec("INSERT INTO transfer_lines (transfer_id, product_id, batch, qty, unit_cost, amount) VALUES (?, ?, '', 1, 0, 0)", tid, product)
	if err != nil {
		return err
	}
	lid, _ := res.LastInsertId()
	if _, err := tx.Exec("INSERT INTO audit_logs (at, actor_id, actor_name, action, entity, entity_id, `before`, `after`, request_id) VALUES (?, 0, 'bench', 'create', 'transfer', ?, '', '{}', '')", now, tid); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}

	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var status string
	if err := tx.QueryRow("SELECT status FROM transfers WHERE id = ? FOR UPDATE", tid).Scan(&status); err != nil {
		return err
	}
	type bal struct {
		id            int64
		onHand, value decimal.Decimal
	}
	lock := func() ([]bal, error) {
		rows, err := tx.Query("SELECT id, on_hand, value FROM stock_balances WHERE product_id = ? AND warehouse_id IN (?, ?) AND batch = '' ORDER BY warehouse_id FOR UPDATE", product, from, to)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var bs []bal
		for rows.Next() {
			var b bal
			if err := rows.Scan(&b.id, &b.onHand, &b.value); err != nil {
				return nil, err
			}
			bs = append(bs, b)
		}
		return bs, rows.Err()
	}
	bs, err := lock()
	if err != nil {
		return err
	}
	if len(bs) < 2 { // the first transfer of this SKU creates the destination row
		if _, err := tx.Exec("INSERT IGNORE INTO stock_balances (product_id, warehouse_id, batch, on_hand, reserved, avg_cost, value, updated_at) VALUES (?, ?, '', 0, 0, 0, 0, ?)", product, to, now); err != nil {
			return err
		}
		if bs, err = lock(); err != nil {
			return err
		}
	}
	one := decimal.NewFromInt(1)
	amount := bs[0].value.Mul(one).Div(bs[0].onHand).Round(4)
	for i, sign := range []int64{-1, 1} {
		b := bs[i]
		q, a := one.Mul(decimal.NewFromInt(sign)), amount.Mul(decimal.NewFromInt(sign))
		b.onHand, b.value = b.onHand.Add(q), b.value.Add(a)
		if _, err := tx.Exec("UPDATE stock_balances SET on_hand = ?, value = ?, avg_cost = ?, updated_at = ? WHERE id = ?", b.onHand, b.value, b.value.Div(b.onHand).Round(6), now, b.id); err != nil {
			return err
		}
		if _, err := tx.Exec("INSERT INTO stock_moves (product_id, warehouse_id, batch, kind, qty, unit_cost, amount, balance_qty, balance_value, doc_type, doc_id, doc_number, line_id, posted_at, created_by) VALUES (?, ?, '', 'x', ?, ?, ?, ?, ?, 'transfer', ?, ?, ?, ?, 0)",
			product, []int64{from, to}[i], q, amount, a, b.onHand, b.value, tid, number, lid, now); err != nil {
			return err
		}
	}
	if _, err := tx.Exec("UPDATE transfers SET status = 'posted', posted_at = ?, version = 2, updated_at = ? WHERE id = ? AND version = 1", now, now, tid); err != nil {
		return err
	}
	if _, err := tx.Exec("UPDATE transfer_lines SET unit_cost = ?, amount = ? WHERE id = ?", amount, amount, lid); err != nil {
		return err
	}
	if _, err := tx.Exec("INSERT INTO audit_logs (at, actor_id, actor_name, action, entity, entity_id, `before`, `after`, request_id) VALUES (?, 0, 'bench', 'post', 'transfer', ?, '', '{}', '')", now, tid); err != nil {
		return err
	}
	return tx.Commit()
}

// BenchmarkTransferPosting measures single-line transfers per second on
// MariaDB through erpd's use cases and through the raw-SQL baseline, serially
// and with 16 concurrent writers, in the same run. scripts/bench turns the
// pair into the ratio recorded in BENCHMARKS.md.
func BenchmarkTransferPosting(b *testing.B) {
	for _, par := range []int{1, 16} {
		b.Run(fmt.Sprintf("erpd/conc=%d", par), func(b *testing.B) {
			e := newBenchEnv(b)
			runParallel(b, par, func(r *rand.Rand) error { return e.transfer(e.products[r.IntN(len(e.products))]) })
			if bad, err := e.store.LedgerCheck(e.store.Read(context.Background())); err != nil || len(bad) > 0 {
				b.Fatalf("ledger after benchmark: %v %v", bad, err)
			}
		})
		b.Run(fmt.Sprintf("rawsql/conc=%d", par), func(b *testing.B) {
			e := newBenchEnv(b)
			// The same connection settings erpd uses: UTC, utf8mb4, client-side
			// parameter interpolation, READ COMMITTED sessions.
			db, err := sql.Open("mysql", e.store.DSN())
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			db.SetMaxOpenConns(40)
			db.SetMaxIdleConns(40)
			runParallel(b, par, func(r *rand.Rand) error {
				return rawTransfer(context.Background(), db, e.from, e.to, e.products[r.IntN(len(e.products))])
			})
		})
	}
}

// runParallel runs b.N operations over conc goroutines, retrying an operation
// that lost a deadlock (both sides get the same retry).
func runParallel(b *testing.B, conc int, op func(*rand.Rand) error) {
	var next atomic.Int64
	errs := make(chan error, conc)
	b.ResetTimer()
	for g := 0; g < conc; g++ {
		go func(seed uint64) {
			r := rand.New(rand.NewPCG(seed, seed))
			for next.Add(1) <= int64(b.N) {
				var err error
				for try := 0; try < 5; try++ {
					if err = op(r); err == nil || !isRetryable(err) {
						break
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}(uint64(g + 1))
	}
	for g := 0; g < conc; g++ {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

func isRetryable(err error) bool {
	var me *mysql.MySQLError
	return domain.ErrorKind(err) == domain.KindUnavailable || errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205)
}
