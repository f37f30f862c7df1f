package app

// Decisions made in DingTalk that the ERP does not accept (issue 21 part
// 6). An OA template or a forwarded card can put a decision in the hands
// of someone the ERP would never let decide: the requester, a DingTalk
// user linked to no ERP user, one without approval:decide or without the
// document in their data scope. Such a decision is recorded (audit row,
// and a note in the approval's reason, which the document's approval
// history shows), the approval stays pending and moves to the ERP inbox,
// where a proper approver decides it, and the requester is told.
//
// An OA instance is finished on DingTalk's side once anyone decided it and
// cannot be reopened, so the approval leaves the OA channel for good: later
// events of that instance are ignored, and the inbox (or an approval card)
// decides it.

import (
	"context"
	"fmt"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// Decision sources, as the audit log names them.
const (
	sourceOA   = "dingtalk_oa"
	sourceCard = "dingtalk_card"
)

// refusedDecision is a decision made in DingTalk that domain.CheckDecider
// refused.
type refusedDecision struct {
	Source         string
	DingTalkUserID string
	Decider        *domain.User // nil: the DingTalk account is linked to no ERP user
	Approve        bool
	Comment        string
	Instance       string // the OA instance, for sourceOA
	Refusal        error  // from CheckDecider
}

// decisionRefusedNotice is the outbox payload that tells the requester.
type decisionRefusedNotice struct {
	ApprovalID int64  `json:"approval_id"`
	Who        string `json:"who"`
	Verb       string `json:"verb"`
	Reason     string `json:"reason"`
}

func (d refusedDecision) who() string {
	if d.Decider != nil {
		return d.Decider.Name
	}
	return "钉钉用户 " + d.DingTalkUserID
}

func (d refusedDecision) verb() string {
	if d.Approve {
		return "同意"
	}
	return "拒绝"
}

// refuseDecision records a refused decision on ap, pending and locked by
// the caller: the approval goes to the ERP inbox with a note saying whose
// decision was not accepted and why (approvers get cards when an OA
// instance had decided it), an audit row keeps the details, and the
// requester is told.
func (a *App) refuseDecision(ctx context.Context, tx *store.Tx, ap *domain.Approval, d refusedDecision) error {
	why := d.Refusal.Error()
	if de := domain.AsError(d.Refusal); de != nil {
		why = de.Message
	}
	wasOA := ap.Channel == ChannelDingTalk
	old := ap.Version
	if err := ap.Reroute(ChannelLocal, fmt.Sprintf("（钉钉中%s的%s未被接受：%s；请在 ERP 内审批）", d.who(), d.verb(), why)); err != nil {
		return err
	}
	if err := store.SaveApproval(tx, ap, old); err != nil {
		return err
	}
	after := map[string]any{"approval_id": ap.ID, "source": d.Source, "approve": d.Approve, "dingtalk_user": d.DingTalkUserID,
		"refusal": domain.RefusalOf(d.Refusal), "reason": why, "comment": d.Comment}
	if d.Decider != nil {
		after["user_id"] = d.Decider.ID
	}
	if d.Instance != "" {
		after["instance"] = d.Instance
	}
	if err := audit(ctx, tx, "decision_refused", ap.DocType, ap.DocID, nil, after); err != nil {
		return err
	}
	if wasOA {
		// The approvers learn it waits in the inbox (cards, when on).
		if err := a.approvalRequested(tx, *ap); err != nil {
			return err
		}
	}
	if a.dt.Messenger == nil {
		return nil
	}
	return a.enqueue(tx, kindDecisionRefused, decisionRefusedNotice{ApprovalID: ap.ID, Who: d.who(), Verb: d.verb(), Reason: why})
}

// refuseCardDecision checks a card decision before it is made, and records
// it when the rule refuses it (the returned error is the refusal, shown on
// the card). Nil means the decision may go ahead: Decide checks again in
// its transaction. An approval no longer pending is left to Decide to
// report.
func (a *App) refuseCardDecision(ctx context.Context, approvalID int64, dingUser string, decider *domain.User, approve bool) error {
	q := a.store.Read(ctx)
	ap, err := store.Approvals.Get(q, approvalID)
	if err != nil {
		return err
	}
	if ap.Status != domain.ApprovalPending {
		return nil
	}
	o, err := store.GetOrder(q, ap.DocType, ap.DocID, false)
	if err != nil {
		return err
	}
	refusal := a.checkDecider(ctx, q, ap, o.CreatedBy, decider)
	if domain.RefusalOf(refusal) == "" {
		return refusal // nil, or a failed read
	}
	actor := System
	if decider != nil {
		actor = decider
	}
	actx := WithActor(ctx, actor)
	err = a.store.InTx(actx, func(tx *store.Tx) error {
		// Lock the document first, as Decide does, then the approval.
		if _, err := store.GetOrder(tx, ap.DocType, ap.DocID, true); err != nil {
			return err
		}
		cur, err := store.LockApproval(tx, approvalID)
		if err != nil || cur.Status != domain.ApprovalPending {
			return err
		}
		return a.refuseDecision(actx, tx, cur, refusedDecision{Source: sourceCard, DingTalkUserID: dingUser, Decider: decider,
			Approve: approve, Refusal: refusal})
	})
	if err != nil {
		return err
	}
	return refusal
}

// deliverDecisionRefused tells the requester that a decision on their
// request was not accepted and that it waits in the ERP inbox.
func (a *App) deliverDecisionRefused(ctx context.Context, m store.OutboxMessage) error {
	var n decisionRefusedNotice
	if err := m.Decode(&n); err != nil {
		return permanent(err)
	}
	q := a.store.Read(ctx)
	ap, err := store.Approvals.Get(q, n.ApprovalID)
	if err != nil || ap.RequestedBy == 0 {
		return err // a system request: nobody to tell
	}
	requester, err := store.Users.Get(q, ap.RequestedBy)
	if err != nil || requester.DingTalkUserID == "" {
		return err // a requester without DingTalk: nobody to tell
	}
	title := fmt.Sprintf("%s %s 的审批未生效", domain.DocName(ap.DocType), ap.DocNumber)
	text := fmt.Sprintf("#### %s\n\n%s：%s\n\n金额：¥%s\n\n钉钉中%s的%s未被 ERP 接受：%s\n\n单据仍待审批，将由有审批权限的人员在 ERP 内审批。",
		title, partnerLabel(ap.DocType), md(ap.PartnerName), ap.Amount.StringFixed(2), md(n.Who), n.Verb, md(n.Reason))
	if err := a.dt.Messenger.Notify(ctx, []string{requester.DingTalkUserID}, title, clipBytes(text, 1800)); err != nil && !a.permanent(err) {
		return err
	}
	return nil
}
