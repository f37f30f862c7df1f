package store

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/dingerp/erpd/domain"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

var errStale = domain.ErrVersionConflict.WithMessage("数据已被他人修改或删除，请刷新后重试")

type settingRow struct {
	Key   string `gorm:"primaryKey"`
	Value string
}

func (settingRow) TableName() string { return "settings" }

// Setting returns a stored setting, creating it with gen() the first time.
// Concurrent first calls from several processes agree on one value.
func (s *Store) Setting(q Q, key string, gen func() string) (string, error) {
	var r settingRow
	err := q.DB().Where("`key` = ?", key).Take(&r).Error
	if err == nil {
		return r.Value, nil
	}
	if err != gorm.ErrRecordNotFound {
		return "", translate(err)
	}
	r = settingRow{Key: key, Value: gen()}
	if err := q.DB().Clauses(clause.OnConflict{DoNothing: true}).Create(&r).Error; err != nil {
		return "", translate(err)
	}
	if err := q.DB().Where("`key` = ?", key).Take(&r).Error; err != nil {
		return "", translate(err)
	}
	return r.Value, nil
}

// RandomSecret returns n random bytes as hex.
func RandomSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

type sequenceRow struct {
	Name  string `gorm:"primaryKey"`
	Value int64
}

func (sequenceRow) TableName() string { return "sequences" }

// NextNumber draws the next human number of a document type for the day of
// tx.Now (Shanghai time): TR20261123-0001. The sequence row is incremented
// in the caller's transaction, so a rolled-back posting gives its number
// back and numbers never repeat, across restarts and processes.
func (tx *Tx) NextNumber(docType string) (string, error) {
	prefix := domain.NumberPrefix(docType)
	name := prefix + tx.Now.In(domain.Shanghai).Format("20060102")
	err := tx.DB().Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "name"}},
		DoUpdates: clause.Assignments(map[string]any{"value": gorm.Expr("value + 1")}),
	}).Create(&sequenceRow{Name: name, Value: 1}).Error
	if err != nil {
		return "", translate(err)
	}
	var r sequenceRow
	if err := tx.DB().Where("name = ?", name).Take(&r).Error; err != nil {
		return "", translate(err)
	}
	return domain.FormatNumber(prefix, tx.Now, r.Value), nil
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
	r := auditRow(e)
	r.At = tx.Now
	return translate(tx.DB().Create(&r).Error)
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
