package store

import (
	"context"
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Q is anything repositories can run a query on: a transaction, or a plain
// read handle from Read.
type Q interface{ DB() *gorm.DB }

// Now reads the clock of the store behind q, for rules that run on a
// reader and need today (aging, as-of reports).
func Now(q Q) time.Time { return q.DB().NowFunc() }

type reader struct {
	db    *gorm.DB
	store *Store // nil: no master cache
}

func (r reader) DB() *gorm.DB { return r.db }

// Read returns a handle for reads outside a transaction. Inside one (ctx
// carries a Tx) it reads through the transaction, so a use case sees its own
// writes.
func (s *Store) Read(ctx context.Context) Q {
	if tx, ok := ctx.Value(txKey{}).(*Tx); ok {
		return tx
	}
	return reader{db: s.db.WithContext(ctx), store: s}
}

// Page is the paging and sorting of a list request.
type Page struct {
	Page     int
	PageSize int
	Sort     string // a column, "-" prefix for descending; already validated
}

// Offset is the row offset of the page.
func (p Page) Offset() int { return (p.Page - 1) * p.PageSize }

// apply orders and limits a query. Ties break on id so pages never overlap.
func (p Page) apply(db *gorm.DB, defaultSort string) *gorm.DB {
	return p.applyTie(db, defaultSort, "id")
}

// applyTie is apply for queries whose unique order is not "id" (joins,
// groupings): tie is appended to every ordering.
func (p Page) applyTie(db *gorm.DB, defaultSort, tie string) *gorm.DB {
	sort := p.Sort
	if sort == "" {
		sort = defaultSort
	}
	col, dir := strings.TrimPrefix(sort, "-"), "ASC"
	if strings.HasPrefix(sort, "-") {
		dir = "DESC"
	}
	db = db.Order(col + " " + dir)
	if col != tie {
		db = db.Order(tie)
	}
	return db.Offset(p.Offset()).Limit(p.PageSize)
}

// likeEscaper escapes a user's text for LIKE … ESCAPE '!': the same on
// MySQL and SQLite (SQLite has no default escape character, and MySQL reads
// backslashes in string literals, so '!' is the one both take as written).
var likeEscaper = strings.NewReplacer(`!`, `!!`, `%`, `!%`, `_`, `!_`)

// like makes a "contains" pattern of a user's search text.
func like(s string) string { return "%" + likeEscaper.Replace(s) + "%" }

// Table is a master-data table whose rows map one to one onto a domain type.
// Soft means rows referenced by documents are hidden rather than removed,
// so history keeps its names and the code stays reserved.
type Table[T any] struct {
	Name string // the SQL table
	What string // the record's name for messages (商品, 仓库…)
	Soft bool
	// Text lists the columns a free-text search (?q=) matches with LIKE.
	Text []string
	// Cached rows are read through the master cache by id (see
	// masterCache); the table must be one of masterTables.
	Cached bool
}

// Match is a list filter: free text plus exact column matches. A []any
// value matches any of its elements. Columns come from code, never input.
type Match struct {
	Text  string
	Exact map[string]any
}

func (t Table[T]) match(db *gorm.DB, m Match) *gorm.DB {
	if m.Text != "" && len(t.Text) > 0 {
		cond, args := "", []any{}
		for i, c := range t.Text {
			if i > 0 {
				cond += " OR "
			}
			cond += t.Name + "." + c + " LIKE ? ESCAPE '!'"
			args = append(args, like(m.Text))
		}
		db = db.Where("("+cond+")", args...)
	}
	for col, v := range m.Exact {
		if many, ok := v.([]any); ok {
			db = db.Where(t.Name+"."+col+" IN ?", many)
		} else if v == nil {
			db = db.Where(t.Name + "." + col + " IS NULL")
		} else {
			db = db.Where(t.Name+"."+col+" = ?", v)
		}
	}
	return db
}

func (t Table[T]) scope(q Q) *gorm.DB { return t.scopeDB(q.DB()) }

func (t Table[T]) scopeDB(db *gorm.DB) *gorm.DB {
	db = db.Table(t.Name)
	if t.Soft {
		db = db.Where(t.Name + ".deleted_at IS NULL")
	}
	return db
}

// Get loads one live row by id.
func (t Table[T]) Get(q Q, id int64) (*T, error) {
	var v T
	b := NewBatch(q)
	t.GetIn(b, id, &v)
	if err := b.Run(); err != nil {
		return nil, err
	}
	return &v, nil
}

// GetMany loads live rows by id into a map; missing ids are simply absent.
func (t Table[T]) GetMany(q Q, ids []int64, id func(*T) int64) (map[int64]T, error) {
	out := map[int64]T{}
	b := NewBatch(q)
	t.GetManyIn(b, ids, id, out)
	if err := b.Run(); err != nil {
		return nil, err
	}
	return out, nil
}

// List returns one page of live rows matching filter, and the total.
func (t Table[T]) List(q Q, p Page, defaultSort string, m Match) ([]T, int64, error) {
	return t.listOn(t.scope(q), p, defaultSort, m)
}

// listOn is List on a query already narrowed (by a data scope).
func (t Table[T]) listOn(db *gorm.DB, p Page, defaultSort string, m Match) ([]T, int64, error) {
	db = t.match(db, m)
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	items := make([]T, 0, p.PageSize)
	if err := p.apply(db, defaultSort).Find(&items).Error; err != nil {
		return nil, 0, translate(err)
	}
	return items, total, nil
}

// Create inserts v; a unique-key clash is reported on field.
func (t Table[T]) Create(tx *Tx, v *T, field, value string) error {
	if err := tx.DB().Table(t.Name).Create(v).Error; err != nil {
		return t.dup(translate(err), field, value)
	}
	return nil
}

// Update writes every column of v where its version is still oldVersion.
func (t Table[T]) Update(tx *Tx, id int64, oldVersion int, v *T, field, value string) error {
	res := tx.DB().Table(t.Name).Where("id = ? AND version = ?", id, oldVersion).
		Select("*").Omit("id", "created_at").Updates(v)
	if res.Error != nil {
		return t.dup(translate(res.Error), field, value)
	}
	if res.RowsAffected == 0 {
		return errStale
	}
	return nil
}

// Delete removes the row, or hides it when soft is set.
func (t Table[T]) Delete(tx *Tx, id int64, soft bool) error {
	var err error
	if soft {
		err = tx.DB().Table(t.Name).Where("id = ?", id).Updates(map[string]any{"deleted_at": tx.Now, "version": gorm.Expr("version + 1")}).Error
	} else {
		err = tx.DB().Table(t.Name).Where("id = ?", id).Delete(nil).Error
	}
	return translate(err)
}

// Exists reports whether a live row matches the condition.
func (t Table[T]) Exists(q Q, cond string, args ...any) (bool, error) {
	return exists(t.scope(q).Where(cond, args...))
}

func (t Table[T]) dup(err error, field, value string) error {
	if e := domain.AsError(err); e != nil && e.Code == domain.CodeDuplicate {
		msg := t.What + "编码 " + value + " 已存在"
		if t.Soft {
			msg += "（可能被已删除的记录占用）"
		}
		return (&domain.Error{Kind: domain.KindConflict, Code: domain.CodeDuplicate, Message: msg, Field: field}).Wrap(err)
	}
	return err
}

// The master-data tables.
var (
	Units       = Table[domain.Unit]{Name: "units", What: "单位", Soft: true, Text: []string{"name"}}
	Categories  = Table[domain.Category]{Name: "categories", What: "分类", Soft: true, Text: []string{"code", "name"}}
	Products    = Table[domain.Product]{Name: "products", What: "商品", Soft: true, Cached: true, Text: []string{"sku", "name", "barcode", "spec"}}
	Warehouses  = Table[domain.Warehouse]{Name: "warehouses", What: "仓库", Soft: true, Cached: true, Text: []string{"code", "name"}}
	Partners    = Table[domain.Partner]{Name: "partners", What: "往来单位", Soft: true, Cached: true, Text: []string{"code", "name", "contact", "phone"}}
	DictEntries = Table[domain.DictEntry]{Name: "dict_entries", What: "字典项", Text: []string{"code", "label"}}
)

// Referenced reports whether any row of the given tables points at id
// through column; deletes use it to choose between hiding and removing.
func Referenced(q Q, id int64, refs ...[2]string) (bool, error) {
	for _, r := range refs {
		found, err := exists(q.DB().Table(r[0]).Where(r[1]+" = ?", id))
		if err != nil || found {
			return found, err
		}
	}
	return false, nil
}

// exists asks for one row and no more, so it stops at the first index hit.
func exists(db *gorm.DB) (bool, error) {
	var one []int
	if err := db.Select("1").Limit(1).Find(&one).Error; err != nil {
		return false, translate(err)
	}
	return len(one) > 0, nil
}

// lockRow takes the row FOR UPDATE (a no-op on SQLite, where the writer
// mutex already serializes).
func lockRow(db *gorm.DB) *gorm.DB {
	return db.Clauses(clause.Locking{Strength: "UPDATE"})
}

// Exists reports whether table has a row matching the condition.
func Exists(q Q, table, cond string, args ...any) (bool, error) {
	return exists(q.DB().Table(table).Where(cond, args...))
}

// CodeIndex maps a unique text column of a table's live rows to their ids,
// for imports that name records by code.
func CodeIndex(q Q, table, col string) (map[string]int64, error) {
	var rows []struct {
		ID   int64
		Code string
	}
	db := q.DB().Table(table).Select("id, " + col + " AS code")
	if table != "dict_entries" {
		db = db.Where("deleted_at IS NULL")
	}
	if err := db.Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Code] = r.ID
	}
	return out, nil
}
