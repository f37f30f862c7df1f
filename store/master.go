package store

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// masterTables are the tables the master cache copies from, and the ones
// whose rows shape what it holds (a user's data scope reads departments).
// A write to any of them empties the whole cache: they change a few times a
// day, the documents that read them many times a minute.
var masterTables = map[string]bool{
	"users": true, "departments": true, "warehouses": true, "products": true, "partners": true,
	"approval_rules": true, "voucher_templates": true, "accounts": true, "roles": true,
}

// masterCache keeps the master data every posting checks (the user behind
// a token, warehouses, products, partners, approval rules, voucher
// templates and their accounts) in process memory, so that a sales order
// does not read them again on each of its three requests.
//
// It is never stale past a commit: every write to a master table empties
// it, in this process as the writing statement or transaction commits and,
// through notify (Redis pub/sub), in every other erpd process. A read that
// began before an emptying is not stored (gen), so a slow reader cannot put
// back what a writer just removed. Where no other process can be told (MySQL
// without Redis, or Redis unreachable) the cache is off and every read goes
// to the database.
type masterCache struct {
	on      atomic.Bool
	mu      sync.RWMutex
	gen     uint64 // counts emptyings; under mu
	entries map[string]any
	// notify tells the other erpd processes that master data changed.
	notify atomic.Pointer[func()]
}

func newMasterCache() *masterCache { return &masterCache{entries: map[string]any{}} }

// current is the generation a read must still see when it stores.
func (c *masterCache) current() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

func (c *masterCache) get(key string) (any, bool) {
	if !c.on.Load() {
		return nil, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.entries[key]
	return v, ok
}

// put stores v unless the cache was emptied since the read began (gen).
func (c *masterCache) put(gen uint64, key string, v any) {
	if !c.on.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		c.entries[key] = v
	}
}

// empty drops every entry and turns away stores of reads already under way.
func (c *masterCache) empty() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if len(c.entries) > 0 {
		c.entries = map[string]any{}
	}
}

// changed empties the cache after this process changed master data, and
// tells the others.
func (c *masterCache) changed() {
	c.empty()
	if n := c.notify.Load(); n != nil {
		(*n)()
	}
}

// ShareMasterCache turns the master cache on for a process that shares its
// database with others: notify must tell every other process (they call
// MasterChanged). Until it is called, a MySQL store reads master data from
// the database every time; a SQLite store, used by one process, caches on
// its own.
func (s *Store) ShareMasterCache(notify func()) {
	s.master.notify.Store(&notify)
	s.master.empty()
	s.master.on.Store(true)
}

// PauseMasterCache turns the cache off while other processes cannot reach
// this one (Redis down): a change there would go unnoticed here.
// ShareMasterCache turns it on again.
func (s *Store) PauseMasterCache() {
	s.master.on.Store(false)
	s.master.empty()
}

// MasterCacheOn tells whether master data is served from memory; off, every
// read goes to the database (MySQL without Redis, or Redis unreachable).
func (s *Store) MasterCacheOn() bool { return s.master.on.Load() }

// MasterChanged is another process's notice that master data changed.
func (s *Store) MasterChanged() { s.master.empty() }

// Notices carries notices between the erpd processes of one database
// (cache.Redis: pub/sub).
type Notices interface {
	Publish(ctx context.Context, channel, msg string) error
	// Watch calls changed for every notice, and up(true) whenever the
	// subscription (re)starts, up(false) when it falls, until ctx ends.
	Watch(ctx context.Context, channel string, up func(bool), changed func())
}

// masterChannel carries the notices that master data changed.
const masterChannel = "master-changed"

// ShareMasterCacheOver keeps the master cache on while n carries this
// process's change notices to the others and theirs to it, and off while
// it cannot. It returns when ctx ends.
func (s *Store) ShareMasterCacheOver(ctx context.Context, n Notices) {
	notify := func() {
		// Before the writer's response: a client told its change is saved
		// finds it in every process.
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if err := n.Publish(pctx, masterChannel, "changed"); err != nil {
			s.log.Error("master cache: other erpd processes were not told of a change", "err", err)
		}
	}
	on := false
	n.Watch(ctx, masterChannel, func(up bool) {
		if up {
			s.ShareMasterCache(notify) // empties it: notices may have been missed
			if !on {
				s.log.Info("master cache on")
			}
		} else {
			s.PauseMasterCache()
			if on && ctx.Err() == nil {
				s.log.Warn("master cache off: Redis unreachable, master data is read from the database")
			}
		}
		on = up
	}, s.MasterChanged)
}

// writeTarget finds the table a raw write changes.
var writeTarget = regexp.MustCompile("(?is)^\\s*(?:INSERT\\s+(?:IGNORE\\s+)?INTO|REPLACE\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+`?([a-z_0-9]+)")

// writesMaster reports whether a write statement changes a master table.
func writesMaster(table, sql string) bool {
	if table != "" {
		if i := strings.IndexByte(table, ' '); i > 0 {
			table = table[:i] // "accounts a"
		}
		return masterTables[strings.Trim(table, "`")]
	}
	for _, stmt := range strings.Split(sql, ";") {
		if m := writeTarget.FindStringSubmatch(stmt); m != nil && masterTables[strings.ToLower(m[1])] {
			return true
		}
	}
	return false
}

// watchMasterWrites registers the callbacks that see every write GORM
// makes: one to a master table marks its transaction, which empties the
// cache when it commits, or empties the cache at once outside one.
func (s *Store) watchMasterWrites() error {
	seen := func(db *gorm.DB) {
		// Even a failed write counts: a statement of several may have
		// done part of its work.
		st := db.Statement
		if !writesMaster(st.Table, st.SQL.String()) {
			return
		}
		if tx, ok := st.Context.Value(txKey{}).(*Tx); ok && tx.store == s {
			tx.masterDirty = true
			return
		}
		s.master.changed()
	}
	cb := s.db.Callback()
	for _, reg := range []error{
		cb.Create().After("gorm:create").Register("erpd:master_create", seen),
		cb.Update().After("gorm:update").Register("erpd:master_update", seen),
		cb.Delete().After("gorm:delete").Register("erpd:master_delete", seen),
		cb.Raw().After("gorm:raw").Register("erpd:master_raw", seen),
	} {
		if reg != nil {
			return reg
		}
	}
	return nil
}

// cacheView is how a read sees the master cache: through a transaction
// that changed master data it does not (it must read its own writes).
type cacheView struct {
	c   *masterCache
	gen uint64
}

func viewOf(q Q) cacheView {
	var s *Store
	switch q := q.(type) {
	case *Tx:
		if !q.masterDirty {
			s = q.store
		}
	case reader:
		s = q.store
	}
	if s == nil {
		return cacheView{}
	}
	return cacheView{c: s.master, gen: s.master.current()}
}

func (v cacheView) get(key string) (any, bool) {
	if v.c == nil {
		return nil, false
	}
	return v.c.get(key)
}

func (v cacheView) put(key string, val any) {
	if v.c != nil {
		v.c.put(v.gen, key, val)
	}
}

// cachedRead returns the value under key, or loads and keeps it.
func cachedRead[V any](q Q, key string, load func() (V, error)) (V, error) {
	view := viewOf(q)
	if v, ok := view.get(key); ok {
		return v.(V), nil
	}
	v, err := load()
	if err == nil {
		view.put(key, v)
	}
	return v, err
}
