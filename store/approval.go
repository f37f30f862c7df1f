package store

import (
	"slices"

	"github.com/dingerp/erpd/domain"
	"gorm.io/gorm"
)

// Approval tables.
var (
	Approvals     = Table[domain.Approval]{Name: "approvals", What: "审批", Text: []string{"doc_number", "partner_name"}}
	ApprovalRules = Table[domain.ApprovalRule]{Name: "approval_rules", What: "审批规则"}
)

// ApprovalRulesIn adds the read of a document type's enabled approval
// rules to b.
func ApprovalRulesIn(b *Batch, docType string, rules *[]domain.ApprovalRule) {
	key := "approval_rules:" + docType
	if c, ok := b.view.get(key); ok {
		*rules = slices.Clone(c.([]domain.ApprovalRule))
		return
	}
	b.Add(func(db *gorm.DB) *gorm.DB {
		return db.Table("approval_rules").Where("doc_type = ? AND enabled = ?", docType, true).Find(rules)
	}, func(err error) error {
		if err == nil {
			b.view.put(key, slices.Clone(*rules))
		}
		return translate(err)
	})
}

// ListApprovals pages through the approvals in a scope: those of the
// orders it sees (an approval is part of its order), further narrowed by
// m (the role and requester rules of the inbox).
func ListApprovals(q Q, sc Scope, p Page, defaultSort string, m Match) ([]domain.Approval, int64, error) {
	db := Approvals.scope(q)
	if !sc.All() {
		db = db.Where("approvals.doc_id IN (?)", q.DB().Table("orders").Select("id").Where("created_by IN ?", sc.ids()))
	}
	return Approvals.listOn(db, p, defaultSort, m)
}

// PendingApproval returns the pending approval of a document, if any.
func PendingApproval(q Q, docType string, docID int64) (*domain.Approval, error) {
	var a domain.Approval
	err := q.DB().Table("approvals").Where("doc_type = ? AND doc_id = ? AND status = ?", docType, docID, domain.ApprovalPending).
		Order("id DESC").Take(&a).Error
	if err == gorm.ErrRecordNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	return &a, nil
}

// LockApproval loads an approval FOR UPDATE.
func LockApproval(tx *Tx, id int64) (*domain.Approval, error) {
	var a domain.Approval
	err := lockRow(tx.DB()).Table("approvals").Where("id = ?", id).Take(&a).Error
	if err == gorm.ErrRecordNotFound {
		return nil, domain.NotFound("审批", id)
	}
	if err != nil {
		return nil, translate(err)
	}
	return &a, nil
}

// SaveApproval writes an approval's decision where its version is oldVersion.
func SaveApproval(tx *Tx, a *domain.Approval, oldVersion int) error {
	a.UpdatedAt = tx.Now
	res := tx.DB().Table("approvals").Where("id = ? AND version = ?", a.ID, oldVersion).Updates(map[string]any{
		"status": a.Status, "decided_by": a.DecidedBy, "decided_at": a.DecidedAt, "comment": a.Comment,
		"external_id": a.ExternalID, "channel": a.Channel, "reason": a.Reason, "version": a.Version, "updated_at": tx.Now})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return errStale
	}
	return nil
}

// ApprovalHistory lists every approval of a document, oldest first.
func ApprovalHistory(q Q, docType string, docID int64) ([]domain.Approval, error) {
	var out []domain.Approval
	err := q.DB().Table("approvals").Where("doc_type = ? AND doc_id = ?", docType, docID).Order("id").Find(&out).Error
	if out == nil {
		out = []domain.Approval{}
	}
	return out, translate(err)
}
