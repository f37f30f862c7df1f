package domain

import (
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// Approval states.
const (
	ApprovalPending   = "pending"
	ApprovalApproved  = "approved"
	ApprovalRejected  = "rejected"
	ApprovalCancelled = "cancelled"
)

// Approval is one request for a decision on a document (审批).
type Approval struct {
	ID          int64           `json:"id"`
	DocType     string          `json:"doc_type"`
	DocID       int64           `json:"doc_id"`
	DocNumber   string          `json:"doc_number"`
	Status      string          `json:"status"`
	Role        Role            `json:"role"`
	Amount      decimal.Decimal `json:"amount"`
	PartnerName string          `json:"partner_name"`
	Reason      string          `json:"reason"`
	RequestedBy int64           `json:"requested_by"`
	DecidedBy   *int64          `json:"decided_by"`
	DecidedAt   *time.Time      `json:"decided_at"`
	Comment     string          `json:"comment"`
	Channel     string          `json:"channel"` // local, or dingtalk once that gateway is used
	ExternalID  string          `json:"external_id"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	Version     int             `json:"version"`
}

// ApprovalRule says documents of a type from MinAmount up need a decision by
// Role (e.g. purchase orders from ¥10,000 need a manager).
type ApprovalRule struct {
	ID        int64           `json:"id"`
	DocType   string          `json:"doc_type"`
	MinAmount decimal.Decimal `json:"min_amount"`
	Role      Role            `json:"role"`
	Enabled   bool            `json:"enabled"`
	Version   int             `json:"version"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// Validate checks a rule's own fields.
func (r *ApprovalRule) Validate() error {
	if r.DocType != DocPurchaseOrder && r.DocType != DocSalesOrder {
		return Invalid("doc_type", "审批规则只适用于 purchase_order 或 sales_order")
	}
	if r.MinAmount.IsNegative() {
		return Invalid("min_amount", "金额下限不能为负")
	}
	// The code's form only: a rule may name a custom role, whose existence
	// app checks against the roles table.
	if !roleCodePattern.MatchString(string(r.Role)) {
		return Invalid("role", "未知角色 %q", r.Role)
	}
	return CheckScale("min_amount", r.MinAmount, MoneyScale)
}

// MatchRule picks the rule that governs a document of docType and amount:
// among enabled rules whose threshold the amount reaches, the highest one.
// Nil means no approval is needed.
func MatchRule(rules []ApprovalRule, docType string, amount decimal.Decimal) *ApprovalRule {
	sort.Slice(rules, func(i, j int) bool { return rules[i].MinAmount.GreaterThan(rules[j].MinAmount) })
	for i, r := range rules {
		if r.Enabled && r.DocType == docType && amount.GreaterThanOrEqual(r.MinAmount) {
			return &rules[i]
		}
	}
	return nil
}

// CanDecide reports whether u may decide an approval routed to role: the
// role's holders and administrators, but never the requester themself.
func (a Approval) CanDecide(u User) bool {
	if u.ID == a.RequestedBy && u.ID != 0 {
		return false
	}
	for _, r := range u.Roles {
		if r == a.Role || r == RoleAdmin {
			return true
		}
	}
	return false
}
