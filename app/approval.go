package app

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// Decide approves or rejects a pending approval and moves its document: an
// approved sales order reserves its stock (or the decision fails with
// insufficient_stock and stays pending); a rejected order is editable again.
// The requester cannot decide their own request.
func (a *App) Decide(ctx context.Context, id int64, approve bool, comment string) (*domain.Approval, error) {
	actor, err := require(ctx, domain.PermApprove)
	if err != nil {
		return nil, err
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > 500 {
		return nil, domain.Invalid("comment", "审批意见最长 500 字")
	}
	if !approve && comment == "" {
		return nil, domain.Invalid("comment", "驳回时请填写原因")
	}
	var ap *domain.Approval
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		// Lock the document first, as submit and cancel do, then the approval.
		cur, err := store.Approvals.Get(tx, id)
		if err != nil {
			return err
		}
		o, err := store.GetOrder(tx, cur.DocType, cur.DocID, true)
		if err != nil {
			return err
		}
		// An approver decides only what is in their data scope; outside
		// it the approval does not exist for them, as in the inbox.
		if ok, err := a.canSee(ctx, tx, o.CreatedBy); err != nil {
			return err
		} else if !ok {
			return domain.NotFound("审批", id)
		}
		if ap, err = store.LockApproval(tx, id); err != nil {
			return err
		}
		if ap.Status != domain.ApprovalPending {
			return domain.ErrInvalidState.WithMessage("审批 %s 已是 %s 状态", ap.DocNumber, ap.Status)
		}
		if ap.Channel == ChannelDingTalk && a.dt.Workflow != nil {
			return domain.ErrInvalidState.WithMessage("审批 %s 在钉钉审批中进行，请在钉钉中处理", ap.DocNumber)
		}
		if err := a.checkDecider(ctx, tx, ap, o.CreatedBy, actor); err != nil {
			return err
		}
		return a.decide(ctx, tx, ap, o, approve, comment, &actor.ID)
	})
	if err != nil {
		return nil, err
	}
	return ap, nil
}

// checkDecider applies domain.CheckDecider: decider (nil when a DingTalk
// account is linked to no ERP user) judged with the data scope they have
// over the document created by creator. A refusal is a forbidden error
// (domain.RefusalOf names it); any other error is a failed read.
func (a *App) checkDecider(ctx context.Context, q store.Q, ap *domain.Approval, creator int64, decider *domain.User) error {
	inScope := false
	if decider != nil {
		ok, err := a.canSee(WithActor(ctx, decider), q, creator)
		if err != nil {
			return err
		}
		inScope = ok
	}
	return ap.CheckDecider(decider, inScope)
}

// decide applies a decision to a pending approval and its order, both
// locked by the caller, and announces it (requester notified, cards
// updated).
func (a *App) decide(ctx context.Context, tx *store.Tx, ap *domain.Approval, o *domain.Order, approve bool, comment string, by *int64) error {
	if err := o.CheckDecidable(); err != nil {
		return err
	}
	byID := int64(0)
	if by != nil {
		byID = *by
	}
	old := o.Version
	if approve {
		if err := reserveSalesOrder(tx, o, byID, nil); err != nil {
			return err
		}
		if err := o.Approve(); err != nil {
			return err
		}
	} else if err := o.Reject(); err != nil {
		return err
	}
	if err := tx.UpdateOrder(o, old, store.HeaderOnly); err != nil {
		return err
	}
	aold := ap.Version
	if err := ap.Decide(approve, by, tx.Now, comment); err != nil {
		return err
	}
	if err := store.SaveApproval(tx, ap, aold); err != nil {
		return err
	}
	action := "approve"
	if !approve {
		action = "reject"
	}
	if err := audit(ctx, tx, action, ap.DocType, ap.DocID, nil, map[string]any{"approval_id": ap.ID, "comment": comment}); err != nil {
		return err
	}
	return a.approvalEnded(tx, *ap)
}

// ApprovalView is an approval with the names of who asked and who decided,
// so an approver's phone can say who is waiting without reading the users
// (which only administrators may).
type ApprovalView struct {
	domain.Approval
	RequestedByName string `json:"requested_by_name"`
	DecidedByName   string `json:"decided_by_name"`
}

// approvalScope is what an actor may see of the approvals: administrators
// everything, approvers their roles' approvals, everyone else their own
// requests.
func approvalScope(actor *domain.User, exact map[string]any) {
	for _, r := range actor.Roles {
		if r == domain.RoleAdmin {
			return
		}
	}
	if actor.Can(domain.PermApprove) {
		roles := make([]any, len(actor.Roles))
		for i, r := range actor.Roles {
			roles[i] = string(r)
		}
		exact["role"] = roles
		return
	}
	exact["requested_by"] = actor.ID
}

// ListApprovals is the inbox: approvals of a status that the actor may see
// (approvalScope: by role; and the data scope: of orders in it), newest
// first.
func (a *App) ListApprovals(ctx context.Context, status string, lp ListParams) (*List[ApprovalView], error) {
	actor := Actor(ctx)
	if actor == nil {
		return nil, domain.ErrUnauthorized
	}
	p, err := lp.page(map[string]string{"id": "id", "created_at": "created_at", "amount": "amount"})
	if err != nil {
		return nil, err
	}
	exact := map[string]any{}
	if status != "" {
		exact["status"] = status
	}
	approvalScope(actor, exact)
	q := a.store.Read(ctx)
	sc, err := a.scope(ctx, q)
	if err != nil {
		return nil, err
	}
	items, total, err := store.ListApprovals(q, sc, p, "-id", store.Match{Text: lp.Q, Exact: exact})
	if err != nil {
		return nil, err
	}
	views, err := approvalViews(q, items)
	if err != nil {
		return nil, err
	}
	return newList(views, total, p), nil
}

// GetApproval returns one approval the actor may see (others are not found).
func (a *App) GetApproval(ctx context.Context, id int64) (*ApprovalView, error) {
	actor := Actor(ctx)
	if actor == nil {
		return nil, domain.ErrUnauthorized
	}
	exact := map[string]any{"id": id}
	approvalScope(actor, exact)
	q := a.store.Read(ctx)
	sc, err := a.scope(ctx, q)
	if err != nil {
		return nil, err
	}
	items, _, err := store.ListApprovals(q, sc, store.Page{Page: 1, PageSize: 1}, "-id", store.Match{Exact: exact})
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, domain.NotFound("审批", id)
	}
	views, err := approvalViews(q, items)
	if err != nil {
		return nil, err
	}
	return &views[0], nil
}

func approvalViews(q store.Q, items []domain.Approval) ([]ApprovalView, error) {
	var ids []int64
	for _, it := range items {
		ids = append(ids, it.RequestedBy)
		if it.DecidedBy != nil {
			ids = append(ids, *it.DecidedBy)
		}
	}
	names, err := store.UserNames(q, ids)
	if err != nil {
		return nil, err
	}
	out := make([]ApprovalView, len(items))
	for i, it := range items {
		out[i] = ApprovalView{Approval: it, RequestedByName: names[it.RequestedBy]}
		if it.DecidedBy != nil {
			out[i].DecidedByName = names[*it.DecidedBy]
		}
	}
	return out, nil
}

// ApprovalRuleInput is what an administrator sets on an approval rule.
type ApprovalRuleInput struct {
	DocType   *string          `json:"doc_type"`
	MinAmount *decimal.Decimal `json:"min_amount"`
	Role      *domain.Role     `json:"role"`
	Enabled   *bool            `json:"enabled"`
	Version   int              `json:"version"`
}

func (a *App) newApprovalRules() *Master[domain.ApprovalRule, ApprovalRuleInput] {
	return &Master[domain.ApprovalRule, ApprovalRuleInput]{
		app: a, table: store.ApprovalRules, entity: "approval_rule", write: domain.PermApprovalAdmin,
		sortable: map[string]string{"id": "id", "min_amount": "min_amount"},
		id:       func(v *domain.ApprovalRule) int64 { return v.ID }, version: func(v *domain.ApprovalRule) *int { return &v.Version },
		code: func(v *domain.ApprovalRule) (string, string) { return "doc_type", v.DocType },
		apply: func(in ApprovalRuleInput, v *domain.ApprovalRule) {
			if v.ID == 0 && in.Enabled == nil {
				v.Enabled = true
			}
			set(&v.DocType, in.DocType)
			set(&v.MinAmount, in.MinAmount)
			set(&v.Role, in.Role)
			set(&v.Enabled, in.Enabled)
		},
		inVersion: func(in ApprovalRuleInput) int { return in.Version },
		// The role may be a custom one (the console offers every role), but
		// it must exist, or no one could ever decide.
		check: func(q store.Q, v *domain.ApprovalRule) error {
			if domain.ValidRole(v.Role) {
				return nil
			}
			custom, err := store.Roles.Custom(q)
			if err != nil {
				return err
			}
			if _, ok := custom[v.Role]; !ok {
				return domain.Invalid("role", "未知角色 %q", v.Role)
			}
			return nil
		},
	}
}

// ApprovalRules returns the approval-rule use cases.
func (a *App) ApprovalRules() *Master[domain.ApprovalRule, ApprovalRuleInput] { return a.rules }
