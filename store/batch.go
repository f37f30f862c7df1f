package store

import (
	"errors"
	"strconv"
	"strings"

	"github.com/dingerp/erpd/domain"
	"gorm.io/gorm"
)

// Batch is reads that do not depend on each other, sent together. In a
// MySQL transaction they go in one packet and come back as one result set
// each (see pipeline); elsewhere they run one after another. Add the reads,
// then Run; the destinations are filled when Run returns nil.
type Batch struct {
	q     Q
	reads []batchRead
	// view serves master data from the cache; its generation is taken
	// before any read of the batch runs.
	view cacheView
}

type batchRead struct {
	build func(db *gorm.DB) *gorm.DB // ends with a finisher: Find or Take
	done  func(err error) error      // checks the outcome; nil err once the read ran
}

// NewBatch starts a batch of reads on q.
func NewBatch(q Q) *Batch { return &Batch{q: q, view: viewOf(q)} }

// Add appends a read. build applies its conditions and a finisher (Find or
// Take) to db; done turns its error into the caller's (it gets nil when
// the read succeeded) and may post-process the destination.
func (b *Batch) Add(build func(db *gorm.DB) *gorm.DB, done func(err error) error) {
	b.reads = append(b.reads, batchRead{build: build, done: done})
}

// Run sends the reads and checks each in order.
func (b *Batch) Run() error {
	tx, ok := b.q.(*Tx)
	if !ok || tx.pipe == nil || len(b.reads) < 2 {
		for _, r := range b.reads {
			if err := r.done(r.build(b.q.DB()).Error); err != nil {
				return err
			}
		}
		return nil
	}
	// Each read is built by GORM as usual, without running it (DryRun):
	// its statement keeps the SQL, the arguments and the destination, which
	// gorm.Scan fills from the read's result set.
	built := make([]*gorm.DB, len(b.reads))
	var sb strings.Builder
	var args []any
	for i, r := range b.reads {
		db := r.build(tx.db.Session(&gorm.Session{DryRun: true}))
		if db.Error != nil {
			return translate(db.Error)
		}
		built[i] = db
		if i > 0 {
			sb.WriteString(";\n")
		}
		sb.WriteString(db.Statement.SQL.String())
		args = append(args, db.Statement.Vars...)
	}
	if strings.Count(sb.String(), "?") != len(args) {
		// A literal '?' in a read's text: the driver would prepare the
		// statements, which it cannot do for several at once.
		b.q = reader{db: tx.db} // the same transaction, one read at a time
		return b.Run()
	}
	rows, err := tx.pipe.QueryContext(tx.db.Statement.Context, sb.String(), args...)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	for i, db := range built {
		if i > 0 && !rows.NextResultSet() {
			if err := rows.Err(); err != nil {
				return translate(err)
			}
			return errors.New("store: batch: a read returned no result set")
		}
		gorm.Scan(rows, db, 0)
		if err := b.reads[i].done(db.Error); err != nil {
			return err
		}
	}
	return translate(rows.Err())
}

// one reads the live row id into v.
func (t Table[T]) one(id int64, v *T) func(db *gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB { return t.scopeDB(db).Where(t.Name+".id = ?", id).Take(v) }
}

// GetIn adds Get's read of id to b: v is filled when b runs, or b fails
// with not found.
func (t Table[T]) GetIn(b *Batch, id int64, v *T) {
	if t.hit(b, id, v) {
		return
	}
	b.Add(t.one(id, v), func(err error) error {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return domain.NotFound(t.What, id)
		}
		t.keep(b, id, v, err)
		return translate(err)
	})
}

func (t Table[T]) key(id int64) string { return t.Name + ":" + strconv.FormatInt(id, 10) }

// hit fills v from the master cache, for a cached table.
func (t Table[T]) hit(b *Batch, id int64, v *T) bool {
	if !t.Cached {
		return false
	}
	c, ok := b.view.get(t.key(id))
	if ok {
		*v = c.(T)
	}
	return ok
}

// keep stores a row a cached table's read found.
func (t Table[T]) keep(b *Batch, id int64, v *T, err error) {
	if t.Cached && err == nil {
		b.view.put(t.key(id), *v)
	}
}

// GetManyIn adds GetMany's read to b: out (made by the caller) is filled
// when b runs; missing ids are simply absent.
func (t Table[T]) GetManyIn(b *Batch, ids []int64, id func(*T) int64, out map[int64]T) {
	var missing []int64
	for _, i := range ids {
		var v T
		if t.hit(b, i, &v) {
			out[i] = v
		} else {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return
	}
	var rows []T
	b.Add(func(db *gorm.DB) *gorm.DB {
		return t.scopeDB(db).Where(t.Name+".id IN ?", missing).Find(&rows)
	}, func(err error) error {
		if err != nil {
			return translate(err)
		}
		for i := range rows {
			k := id(&rows[i])
			out[k] = rows[i]
			t.keep(b, k, &rows[i], nil)
		}
		return nil
	})
}

// LookupIn adds a read of id to b that does not fail when the row is
// missing: found tells, once b has run.
func (t Table[T]) LookupIn(b *Batch, id int64, v *T, found *bool) {
	if t.hit(b, id, v) {
		*found = true
		return
	}
	b.Add(t.one(id, v), func(err error) error {
		*found = err == nil
		t.keep(b, id, v, err)
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		}
		return translate(err)
	})
}
