package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// Idempotency record states. A claim is pending while its request runs;
// committed once a write transaction of that request has committed (the
// mark is written in that same transaction); done with the response stored.
// A request cut off by a crash leaves pending (nothing was written: the
// key may be run again once its lease is over) or committed (the work is
// done but its answer lost: it must not run again).
const (
	IdemPending   = "pending"
	IdemCommitted = "committed"
	IdemDone      = "done"
)

type idemKeyCtx struct{}

// WithIdemKey marks ctx as serving the claimed idempotency key: every write
// transaction run with it records, as it commits, that the key's work is
// done.
func WithIdemKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, idemKeyCtx{}, key)
}

// markIdemCommitted runs inside a write transaction, just before commit.
func markIdemCommitted(ctx context.Context, tx *Tx) error {
	key, ok := ctx.Value(idemKeyCtx{}).(string)
	if !ok {
		return nil
	}
	return translate(tx.DB().Model(&IdemRecord{}).Where("`key` = ? AND state = ?", key, IdemPending).
		Update("state", IdemCommitted).Error)
}

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
//
// A pending claim older than lease belongs to a request that died with its
// process before writing anything; the same request may claim it again.
func (s *Store) IdemClaim(ctx context.Context, key, hash string, ttl, lease time.Duration) (rec *IdemRecord, claimed bool, err error) {
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
		// Locked and decided here, not by the update's row count: MySQL
		// counts a row whose created_at is set to the value it has (a
		// takeover in the same millisecond) as unchanged.
		rec = &IdemRecord{}
		if err := lockRow(tx.DB()).Where("`key` = ?", key).Take(rec).Error; err != nil {
			return translate(err)
		}
		if rec.State != IdemPending || rec.RequestHash != hash || !rec.CreatedAt.Before(tx.Now.Add(-lease)) {
			return nil
		}
		if err := tx.DB().Model(&IdemRecord{}).Where("`key` = ?", key).Update("created_at", tx.Now).Error; err != nil {
			return translate(err)
		}
		rec, claimed = nil, true
		return nil
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
