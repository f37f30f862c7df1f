package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/dingerp/erpd/domain"
	"gorm.io/gorm"
)

// Tx is one database transaction of one use case. Now is fixed when it
// starts, so every row a posting writes carries the same time.
type Tx struct {
	db       *gorm.DB
	store    *Store
	Now      time.Time
	onCommit []func()
	// beforeCommit hooks run in the transaction after the use case.
	beforeCommit []func(*Tx) error
	// openPeriods are the periods whose row this transaction holds locked
	// and found open: checking again would change nothing.
	openPeriods map[string]bool
	memo        map[string]any
	// pipe is the connection on MySQL, which holds back writes (later);
	// nil on SQLite.
	pipe *pipeline
	// masterDirty: the transaction wrote a master table; it reads master
	// data from the database, and its end empties the master cache.
	masterDirty bool
	// lockedOrders are the orders this transaction holds FOR UPDATE, with
	// their version as it now stands in the transaction.
	lockedOrders map[int64]int
	// noOpen are sides of partners' open items known to be empty (see
	// OpenSidesIn).
	noOpen map[openSide]bool
}

func (tx *Tx) lockedOrder(id int64, version int) {
	if tx.lockedOrders == nil {
		tx.lockedOrders = map[int64]int{}
	}
	tx.lockedOrders[id] = version
}

type txKey struct{}

// maxAttempts bounds how often a use case is retried after a deadlock or a
// lock-wait timeout before the error reaches the caller.
const maxAttempts = 4

// InTx runs fn in a transaction and commits if it returns nil. A nested call
// (ctx already carries a Tx) joins the open transaction. A deadlock or lock
// timeout rolls back and runs fn again from the start, so fn must not have
// side effects outside the transaction: register them with OnCommit.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	if tx, ok := ctx.Value(txKey{}).(*Tx); ok {
		return fn(tx)
	}
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		var tx *Tx
		tx, err = s.runOnce(ctx, fn)
		if tx.masterDirty {
			// Also after a failed commit, which may have committed.
			s.master.changed()
		}
		if err == nil {
			for _, h := range tx.onCommit {
				h()
			}
			return nil
		}
		if !errors.Is(err, domain.ErrDeadlock) || ctx.Err() != nil {
			return err
		}
		s.log.Warn("retrying transaction", "attempt", attempt, "err", err)
		time.Sleep(time.Duration(rand.IntN(20*attempt)+5) * time.Millisecond)
	}
	return err
}

// runOnce runs fn in one transaction. It returns the Tx also on an error,
// so that InTx learns what the attempt wrote (masterDirty).
func (s *Store) runOnce(ctx context.Context, fn func(tx *Tx) error) (*Tx, error) {
	if s.driver == DriverSQLite {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	// MySQL connections are READ COMMITTED for the session (see Open).
	tx := &Tx{store: s, Now: s.Now()}
	txCtx := context.WithValue(ctx, txKey{}, tx)
	run := func(db *gorm.DB) error {
		tx.db = db
		if err := fn(tx); err != nil {
			return err
		}
		// Hooks that take the hottest locks run last, just before the commit.
		for i := 0; i < len(tx.beforeCommit); i++ {
			if err := tx.beforeCommit[i](tx); err != nil {
				return err
			}
		}
		return markIdemCommitted(ctx, tx)
	}
	if s.driver == DriverSQLite {
		if err := s.db.WithContext(txCtx).Transaction(run); err != nil {
			return tx, translate(err)
		}
		return tx, nil
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return tx, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return tx, translate(err)
	}
	defer conn.Close()
	tx.pipe = &pipeline{ctx: txCtx, conn: conn}
	defer func() {
		// A panic must not return the connection mid-transaction.
		if r := recover(); r != nil {
			tx.pipe.rollback()
			panic(r)
		}
	}()
	db := s.db.Session(&gorm.Session{NewDB: true, Context: txCtx})
	db.Statement.ConnPool = tx.pipe
	if err := run(db); err != nil {
		tx.pipe.rollback()
		return tx, translate(err)
	}
	if err := tx.pipe.commit(ctx); err != nil {
		return tx, translate(err)
	}
	return tx, nil
}

// later runs a write whose outcome nothing reads. On MySQL it is held and
// sent with the transaction's next statement or its commit (see pipeline);
// query must then carry one ? per argument, expanded (no "IN ?" of a
// slice). Its error, if any, fails the use case a statement later.
func (tx *Tx) later(query string, args ...any) error {
	tx.noteRaw(query)
	if tx.pipe == nil {
		return translate(tx.db.Exec(query, args...).Error)
	}
	return translate(tx.pipe.later(query, args))
}

// AwaitIDs sends what is held if it holds inserts (see laterInsert), so
// that their ids are known when it returns. After a read it costs nothing.
func (tx *Tx) AwaitIDs() error {
	if tx.pipe == nil || len(tx.pipe.ids) == 0 {
		return nil
	}
	return translate(tx.pipe.flush(tx.pipe.ctx))
}

// noteRaw marks the transaction master-dirty when a write it holds, which
// GORM's callbacks never see, goes to a master table.
func (tx *Tx) noteRaw(query string) {
	if writesMaster("", query) {
		tx.masterDirty = true
	}
}

// Context returns ctx carrying tx, for nested use cases that take a context.
func (tx *Tx) Context(ctx context.Context) context.Context {
	return context.WithValue(ctx, txKey{}, tx)
}

// BeforeCommit registers fn to run at the end of the transaction, after
// the use case's own work: drawing a gapless number (a voucher's) locks a
// row every posting shares, so it is drawn as late as possible.
func (tx *Tx) BeforeCommit(fn func(*Tx) error) { tx.beforeCommit = append(tx.beforeCommit, fn) }

// OnCommit registers fn to run after the transaction commits, and never if
// it rolls back: cache invalidation, notifications, DingTalk pushes.
func (tx *Tx) OnCommit(fn func()) { tx.onCommit = append(tx.onCommit, fn) }

// Memo returns what load returned for key earlier in this transaction, or
// calls it now. It lets a posting read what it books with (templates, the
// partner) before it takes the hot stock and number locks, and use it
// after without reading again. A retried transaction starts a new memo.
func (tx *Tx) Memo(key string, load func() (any, error)) (any, error) {
	if v, ok := tx.memo[key]; ok {
		return v, nil
	}
	v, err := load()
	if err != nil {
		return nil, err
	}
	if tx.memo == nil {
		tx.memo = map[string]any{}
	}
	tx.memo[key] = v
	return v, nil
}

// DB is the transaction's GORM handle for the store's repositories.
func (tx *Tx) DB() *gorm.DB { return tx.db }

// Driver names the engine under the transaction.
func (tx *Tx) Driver() string { return tx.store.driver }
