package store

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// laterInsert inserts rows (a non-empty slice of one model) and gives
// each row's id to set, by the row's index. On MySQL the insert is held
// (see pipeline) and set runs when it has been sent, with the
// transaction's next statement or its commit, so a caller must not read the
// ids before then (awaitIDs waits for them). exprs gives columns an SQL
// expression instead of the row's value: another held insert's id (the
// name it returned), so that a document's lines can be held with their
// header. On SQLite it runs at once and the name is the id itself.
//
// The columns are those GORM's Create writes, from the model: every
// creatable one but the auto-increment id; a zero creation or update time
// is the transaction's time. Rows go in inserts of insertChunk, whose ids
// are consecutive (InnoDB gives a multi-row INSERT one block, as GORM
// relies on too); the name is the first row's.
func (tx *Tx) laterInsert(rows any, exprs map[string]string, set func(row int, id int64)) (string, error) {
	list := reflect.Indirect(reflect.ValueOf(rows))
	if list.Kind() != reflect.Slice || list.Len() == 0 {
		return "", fmt.Errorf("store: insert: no rows")
	}
	var name string
	for from := 0; from < list.Len(); from += insertChunk {
		to := min(from+insertChunk, list.Len())
		n, err := tx.insertChunk(list.Slice(from, to), exprs, func(first int64) {
			for k := range to - from {
				set(from+k, first+int64(k))
			}
		})
		if err != nil {
			return "", err
		}
		if from == 0 {
			name = n
		}
	}
	return name, nil
}

// insertChunk bounds the rows of one INSERT: SQLite takes at most 32,766
// values in a statement, and a stock document line has 15.
const insertChunk = 500

func (tx *Tx) insertChunk(rows reflect.Value, exprs map[string]string, set func(first int64)) (string, error) {
	query, args, err := insertSQL(tx.db, tx.Now, rows, exprs)
	if err != nil {
		return "", err
	}
	tx.noteRaw(query)
	if tx.pipe != nil {
		name, err := tx.pipe.laterInsert(query, args, set)
		return name, translate(err)
	}
	var ids []int64
	if err := tx.db.Raw(query+" RETURNING id", args...).Scan(&ids).Error; err != nil {
		return "", translate(err)
	}
	if len(ids) != rows.Len() {
		return "", fmt.Errorf("store: insert returned %d ids for %d rows", len(ids), rows.Len())
	}
	first := slices.Min(ids)
	set(first)
	return strconv.FormatInt(first, 10), nil
}

// insertSQL builds one INSERT of rows, one ? per value.
func insertSQL(db *gorm.DB, now time.Time, list reflect.Value, exprs map[string]string) (string, []any, error) {
	stmt := &gorm.Statement{DB: db}
	if err := stmt.Parse(list.Interface()); err != nil {
		return "", nil, err
	}
	s := stmt.Schema
	var fields []*schema.Field
	for _, name := range s.DBNames {
		f := s.FieldsByDBName[name]
		if !f.Creatable || (f.PrimaryKey && f.AutoIncrement) {
			continue
		}
		fields = append(fields, f)
	}
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + s.Table + " (")
	for i, f := range fields {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("`" + f.DBName + "`")
	}
	sb.WriteString(") VALUES ")
	args := make([]any, 0, list.Len()*len(fields))
	for r := 0; r < list.Len(); r++ {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(")
		row := reflect.Indirect(list.Index(r))
		for i, f := range fields {
			if i > 0 {
				sb.WriteString(", ")
			}
			if e, ok := exprs[f.DBName]; ok {
				sb.WriteString(e)
				continue
			}
			v, zero := f.ValueOf(context.Background(), row)
			if zero && (f.AutoCreateTime > 0 || f.AutoUpdateTime > 0) {
				v = now
			}
			sb.WriteString("?")
			args = append(args, v)
		}
		sb.WriteString(")")
	}
	return sb.String(), args, nil
}
