package store

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
	"gorm.io/gorm"
)

var errStale = domain.ErrVersionConflict.WithMessage("数据已被他人修改或删除，请刷新后重试")

type settingRow struct {
	Key   string `gorm:"primaryKey"`
	Value string
}

func (settingRow) TableName() string { return "settings" }

// RandomSecret returns n random bytes as hex.
func RandomSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// NextNumber draws the next human number of a document type for the day of
// tx.Now (Shanghai time): TR20261123-0001. The sequence row is incremented
// in the caller's transaction, so a rolled-back creation gives its number
// back and numbers never repeat, across restarts and processes. (Drawing it
// in a separate autocommitted statement would shorten the row's lock but
// needs a second pooled connection per transaction, which deadlocks the pool
// under load.) The row is the hottest lock of document creation, so the
// increment and the read are one statement: MySQL's LAST_INSERT_ID(expr),
// SQLite's RETURNING; callers draw the number as late as they can.
func (tx *Tx) NextNumber(docType string) (string, error) {
	prefix := domain.NumberPrefix(docType)
	seq, err := tx.nextSeq(prefix + tx.Now.In(domain.Shanghai).Format("20060102"))
	if err != nil {
		return "", err
	}
	return domain.FormatNumber(prefix, tx.Now, seq), nil
}

// nextSeq draws the next value of a named sequence in tx.
func (tx *Tx) nextSeq(name string) (int64, error) {
	var seq int64
	if tx.Driver() == DriverMySQL {
		res, err := tx.DB().Statement.ConnPool.ExecContext(tx.DB().Statement.Context,
			"INSERT INTO sequences (name, value) VALUES (?, LAST_INSERT_ID(1)) ON DUPLICATE KEY UPDATE value = LAST_INSERT_ID(value + 1)", name)
		if err != nil {
			return 0, translate(err)
		}
		if seq, err = res.LastInsertId(); err != nil {
			return 0, translate(err)
		}
	} else {
		err := tx.DB().Raw("INSERT INTO sequences (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value", name).Scan(&seq).Error
		if err != nil {
			return 0, translate(err)
		}
	}
	if seq <= 0 {
		return 0, fmt.Errorf("store: sequence %s returned %d", name, seq)
	}
	return seq, nil
}

type auditRow struct {
	ID        int64
	At        time.Time
	ActorID   int64
	ActorName string
	Action    string
	Entity    string
	EntityID  int64
	Before    string
	After     string
	RequestID string
}

func (auditRow) TableName() string { return "audit_logs" }

// Audit appends an entry to the audit log in tx.
func (tx *Tx) Audit(e domain.AuditEntry) error {
	return tx.later("INSERT INTO audit_logs (at, actor_id, actor_name, action, entity, entity_id, `before`, `after`, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		tx.Now, e.ActorID, e.ActorName, e.Action, e.Entity, e.EntityID, e.Before, e.After, e.RequestID)
}

// AuditFilter narrows the audit log listing.
type AuditFilter struct {
	Entity   string
	EntityID int64
	ActorID  int64
	Action   string
	From, To *time.Time
}

// AuditLog pages through the audit log, newest first by default.
func (s *Store) AuditLog(q Q, f AuditFilter, p Page) ([]domain.AuditEntry, int64, error) {
	db := q.DB().Model(&auditRow{})
	if f.Entity != "" {
		db = db.Where("entity = ?", f.Entity)
	}
	if f.EntityID != 0 {
		db = db.Where("entity_id = ?", f.EntityID)
	}
	if f.ActorID != 0 {
		db = db.Where("actor_id = ?", f.ActorID)
	}
	if f.Action != "" {
		db = db.Where("action = ?", f.Action)
	}
	if f.From != nil {
		db = db.Where("at >= ?", *f.From)
	}
	if f.To != nil {
		db = db.Where("at < ?", *f.To)
	}
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []auditRow
	if err := p.apply(db, "-id").Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	out := make([]domain.AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = domain.AuditEntry(r)
		out[i].At = r.At.UTC()
	}
	return out, total, nil
}

// auditRefTables says where the name people know a record by is kept:
// a document's number, a product's SKU and name, a user's name (the
// columns joined with a space).
var auditRefTables = map[string]struct {
	table string
	cols  []string
}{
	domain.DocPurchaseOrder: {"orders", []string{"number"}}, domain.DocSalesOrder: {"orders", []string{"number"}},
	domain.DocPurchaseReceipt: {"stock_docs", []string{"number"}}, domain.DocPurchaseReturn: {"stock_docs", []string{"number"}},
	domain.DocSalesShipment: {"stock_docs", []string{"number"}}, domain.DocSalesReturn: {"stock_docs", []string{"number"}},
	domain.DocMoneyReceipt: {"money_docs", []string{"number"}}, domain.DocMoneyPayment: {"money_docs", []string{"number"}},
	domain.DocSalesInvoice: {"invoices", []string{"number"}}, domain.DocPurchaseInvoice: {"invoices", []string{"number"}},
	domain.DocRequisition: {"requisitions", []string{"number"}}, domain.DocOpening: {"stock_openings", []string{"number"}},
	domain.DocTransfer: {"transfers", []string{"number"}}, domain.DocStocktake: {"stocktakes", []string{"number"}},
	"voucher":    {"vouchers", []string{"period", "number"}},
	"product":    {"products", []string{"sku", "name"}},
	"partner":    {"partners", []string{"code", "name"}},
	"warehouse":  {"warehouses", []string{"code", "name"}},
	"category":   {"categories", []string{"code", "name"}},
	"unit":       {"units", []string{"name"}},
	"account":    {"accounts", []string{"code", "name"}},
	"user":       {"users", []string{"name"}},
	"dict_entry": {"dict_entries", []string{"label"}},
}

// AuditRefs finds, for each entity's ids, the name people know the record
// by (PO20261208-0002, A001 矿泉水); a record since deleted for good has
// none.
func (s *Store) AuditRefs(q Q, ids map[string][]int64) (map[string]map[int64]string, error) {
	out := map[string]map[int64]string{}
	for entity, list := range ids {
		t, ok := auditRefTables[entity]
		if !ok || len(list) == 0 {
			continue
		}
		rows, err := q.DB().Table(t.table).Select(append([]string{"id"}, t.cols...)).Where("id IN ?", list).Rows()
		if err != nil {
			return nil, translate(err)
		}
		m := map[int64]string{}
		for rows.Next() {
			var id int64
			vals := make([]string, len(t.cols))
			dest := []any{&id}
			for i := range vals {
				dest = append(dest, &vals[i])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return nil, translate(err)
			}
			m[id] = strings.TrimSpace(strings.Join(vals, " "))
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, translate(err)
		}
		out[entity] = m
	}
	return out, nil
}
