package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// Idempotency record states.
const (
	IdemPending = "pending"
	IdemDone    = "done"
)

// IdemRecord is a remembered POST: the hash of its request and, once
// finished, the response to replay on a retry.
type IdemRecord struct {
	Key         string `gorm:"primaryKey"`
	RequestHash string
	State       string
	StatusCode  int
	Response    string
	ContentType string
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// TableName is the SQL table.
func (IdemRecord) TableName() string { return "idempotency_keys" }

// IdemClaim claims key for a request with hash. It returns claimed=true when
// this caller must run the request, or the existing record otherwise.
// Records live in the database so they survive restarts on every engine and
// are shared by every erpd process.
func (s *Store) IdemClaim(ctx context.Context, key, hash string, ttl time.Duration) (rec *IdemRecord, claimed bool, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		if err := tx.DB().Where("`key` = ? AND expires_at < ?", key, tx.Now).Delete(&IdemRecord{}).Error; err != nil {
			return translate(err)
		}
		r := IdemRecord{Key: key, RequestHash: hash, State: IdemPending, CreatedAt: tx.Now, ExpiresAt: tx.Now.Add(ttl)}
		res := tx.DB().Clauses(clause.OnConflict{DoNothing: true}).Create(&r)
		if res.Error != nil {
			return translate(res.Error)
		}
		if res.RowsAffected == 1 {
			claimed = true
			return nil
		}
		rec = &IdemRecord{}
		return translate(tx.DB().Where("`key` = ?", key).Take(rec).Error)
	})
	return rec, claimed, err
}

// IdemComplete stores the response of a claimed key.
func (s *Store) IdemComplete(ctx context.Context, key string, status int, body, contentType string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		return translate(tx.DB().Model(&IdemRecord{}).Where("`key` = ?", key).Updates(map[string]any{
			"state": IdemDone, "status_code": status, "response": body, "content_type": contentType}).Error)
	})
}

// IdemRelease forgets a claimed key whose request failed for a reason a
// retry may not meet (a fault, a rate limit), so the retry runs afresh.
func (s *Store) IdemRelease(ctx context.Context, key string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		return translate(tx.DB().Where("`key` = ? AND state = ?", key, IdemPending).Delete(&IdemRecord{}).Error)
	})
}

// IdemPurge deletes expired records; a worker calls it periodically.
func (s *Store) IdemPurge(ctx context.Context) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		res := tx.DB().Where("expires_at < ?", tx.Now).Delete(&IdemRecord{})
		n = res.RowsAffected
		return translate(res.Error)
	})
	return n, err
}
