package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/dingerp/erpd/domain"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Outbox states.
const (
	OutboxPending = "pending"
	OutboxDone    = "done"
	// OutboxFailed is a message the far side refused for good (not an
	// outage): kept for an administrator to read, never retried.
	OutboxFailed = "failed"
)

// OutboxMessage is one call to make outside the process (DingTalk), written
// in the transaction of the change that causes it and delivered after it
// commits, so a rolled-back change never calls out and an outage delays a
// call without losing it.
type OutboxMessage struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind"`
	Payload    string     `json:"payload"`
	Status     string     `json:"status"`
	NextAt     time.Time  `json:"next_at"`
	LeaseUntil *time.Time `json:"-"`
	Attempts   int        `json:"attempts"`
	LastError  string     `json:"last_error"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// TableName maps OutboxMessage to its table.
func (OutboxMessage) TableName() string { return "outbox" }

// Decode unmarshals the payload into v.
func (m OutboxMessage) Decode(v any) error { return json.Unmarshal([]byte(m.Payload), v) }

// Enqueue writes a message to the outbox in tx.
func (tx *Tx) Enqueue(kind string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	return translate(tx.DB().Create(&OutboxMessage{Kind: kind, Payload: string(b), Status: OutboxPending, NextAt: tx.Now,
		CreatedAt: tx.Now, UpdatedAt: tx.Now}).Error)
}

// ClaimOutbox takes up to limit due messages, oldest first, for lease: each
// is claimed with a conditional update, so two processes never deliver the
// same message at once, and one whose deliverer died is claimed again once
// its lease ran out.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxMessage, error) {
	db := s.db.WithContext(ctx)
	due := func(q *gorm.DB) *gorm.DB {
		return q.Where("status = ? AND next_at <= ? AND (lease_until IS NULL OR lease_until < ?)", OutboxPending, now, now)
	}
	var cands []OutboxMessage
	if err := due(db.Model(&OutboxMessage{})).Order("id").Limit(limit).Find(&cands).Error; err != nil {
		return nil, translate(err)
	}
	out := cands[:0]
	until := now.Add(lease)
	for _, m := range cands {
		res := due(db.Model(&OutboxMessage{}).Where("id = ?", m.ID)).
			Updates(map[string]any{"lease_until": until, "attempts": gorm.Expr("attempts + 1"), "updated_at": now})
		if res.Error != nil {
			return nil, translate(res.Error)
		}
		if res.RowsAffected == 1 {
			m.Attempts++
			m.LeaseUntil = &until
			out = append(out, m)
		}
	}
	return out, nil
}

// FinishOutbox marks a delivered message done.
func (tx *Tx) FinishOutbox(id int64) error {
	return translate(tx.DB().Model(&OutboxMessage{}).Where("id = ?", id).
		Updates(map[string]any{"status": OutboxDone, "lease_until": nil, "last_error": "", "updated_at": tx.Now}).Error)
}

// RetryOutbox releases a message whose delivery failed, to be tried at next.
func (s *Store) RetryOutbox(ctx context.Context, id int64, next time.Time, reason string) error {
	return translate(s.db.WithContext(ctx).Model(&OutboxMessage{}).Where("id = ?", id).
		Updates(map[string]any{"next_at": next, "lease_until": nil, "last_error": domain.ClipRunes(reason, 500), "updated_at": s.Now()}).Error)
}

// FailOutbox gives a message up: the far side refused it for good.
func (tx *Tx) FailOutbox(id int64, reason string) error {
	return translate(tx.DB().Model(&OutboxMessage{}).Where("id = ?", id).
		Updates(map[string]any{"status": OutboxFailed, "lease_until": nil, "last_error": domain.ClipRunes(reason, 500), "updated_at": tx.Now}).Error)
}

// PurgeOutbox deletes delivered messages older than before.
func (s *Store) PurgeOutbox(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("status = ? AND updated_at < ?", OutboxDone, before).Delete(&OutboxMessage{})
	return res.RowsAffected, translate(res.Error)
}

// OutboxCounts counts messages by status.
func OutboxCounts(q Q) (map[string]int64, error) {
	var rows []struct {
		Status string
		N      int64
	}
	err := q.DB().Model(&OutboxMessage{}).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error
	out := map[string]int64{OutboxPending: 0, OutboxDone: 0, OutboxFailed: 0}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, translate(err)
}

// ListOutbox lists messages of a status, newest first.
func ListOutbox(q Q, status string, p Page) ([]OutboxMessage, int64, error) {
	db := q.DB().Model(&OutboxMessage{})
	if status != "" {
		db = db.Where("status = ?", status)
	}
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var out []OutboxMessage
	err := db.Order("id DESC").Offset((p.Page - 1) * p.PageSize).Limit(p.PageSize).Find(&out).Error
	return out, total, translate(err)
}

// Card is an interactive card sent to one DingTalk user about one record.
type Card struct {
	OutTrackID string
	Kind       string
	RefID      int64
	UserID     string
	CreatedAt  time.Time
}

// TableName maps Card to its table.
func (Card) TableName() string { return "dingtalk_cards" }

// SaveCard remembers a card (sending it twice is harmless).
func (tx *Tx) SaveCard(c Card) error {
	c.CreatedAt = tx.Now
	return translate(tx.DB().Clauses(clause.OnConflict{DoNothing: true}).Create(&c).Error)
}

// CardByTrackID returns a card by its outTrackId.
func CardByTrackID(q Q, id string) (*Card, error) {
	var c Card
	err := q.DB().Where("out_track_id = ?", id).Take(&c).Error
	if err == gorm.ErrRecordNotFound {
		return nil, domain.NotFound("卡片", id)
	}
	return &c, translate(err)
}

// CardsFor lists the cards sent about one record.
func CardsFor(q Q, kind string, refID int64) ([]Card, error) {
	var out []Card
	err := q.DB().Where("kind = ? AND ref_id = ?", kind, refID).Order("out_track_id").Find(&out).Error
	return out, translate(err)
}

// ApprovalByExternalID returns the approval an external (DingTalk OA)
// instance belongs to, or nil.
func ApprovalByExternalID(q Q, id string) (*domain.Approval, error) {
	var a domain.Approval
	err := q.DB().Table("approvals").Where("external_id = ?", id).Take(&a).Error
	if err == gorm.ErrRecordNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	return &a, nil
}

// LinkedWithRole returns active users linked to DingTalk who hold role.
func (s UserStore) LinkedWithRole(q Q, role domain.Role) ([]*domain.User, error) {
	var rows []userRow
	err := s.scope(q).Where("dingtalk_user_id <> '' AND status = ? AND roles LIKE ?", domain.UserActive, "%"+string(role)+"%").
		Order("id").Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	var out []*domain.User
	for _, r := range rows {
		u := r.toDomain()
		for _, have := range u.Roles {
			if have == role {
				out = append(out, u)
				break
			}
		}
	}
	return out, nil
}

// RequeueOutbox makes a failed message pending again, due now.
func (tx *Tx) RequeueOutbox(id int64) (*OutboxMessage, error) {
	var m OutboxMessage
	err := lockRow(tx.DB()).Where("id = ?", id).Take(&m).Error
	if err == gorm.ErrRecordNotFound {
		return nil, domain.NotFound("待发消息", id)
	}
	if err != nil {
		return nil, translate(err)
	}
	if m.Status != OutboxFailed {
		return nil, domain.ErrInvalidState.WithMessage("只有发送失败的消息可以重试（当前 %s）", m.Status)
	}
	m.Status, m.NextAt, m.Attempts, m.UpdatedAt = OutboxPending, tx.Now, 0, tx.Now
	if err := tx.DB().Model(&OutboxMessage{}).Where("id = ?", id).
		Updates(map[string]any{"status": m.Status, "next_at": m.NextAt, "attempts": 0, "updated_at": tx.Now}).Error; err != nil {
		return nil, translate(err)
	}
	return &m, nil
}
