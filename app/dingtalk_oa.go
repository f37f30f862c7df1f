package app

// DingTalk OA approvals (审批): routing an approval to OA, starting and
// withdrawing instances, and applying bpms_instance_change events.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// Approval channels: where approvers decide.
const (
	ChannelLocal    = "local"    // the ERP's inbox (and approval cards in DingTalk)
	ChannelDingTalk = "dingtalk" // a DingTalk OA process instance
)

// approvalChannel routes a new approval: to DingTalk OA when the document
// type has a process template and the requester a DingTalk account (OA
// instances need an originator), else to the ERP inbox.
func (a *App) approvalChannel(docType string, requester *domain.User) string {
	if a.dt.Workflow != nil && a.dt.ProcessCodes[docType] != "" && requester.DingTalkUserID != "" {
		return ChannelDingTalk
	}
	return ChannelLocal
}

// errUnknownInstance asks DingTalk to push an event again: its instance is
// not linked to an approval yet (the event overtook the commit that links
// it).
var errUnknownInstance = errors.New("dingtalk: approval instance not linked yet")

// HandleApprovalEvent applies an OA instance change (bpms_instance_change)
// to its approval, once: finish/agree approves the document, finish/refuse
// rejects it, terminate (the requester withdrew in DingTalk) returns it to
// draft. A decision by someone the ERP would not let decide
// (domain.CheckDecider) decides nothing: the approval goes to the ERP inbox
// (approval_refused.go). Events of other processes, duplicates and events about approvals
// already decided change nothing.
func (a *App) HandleApprovalEvent(ctx context.Context, ev domain.ApprovalEvent) error {
	if ev.Type != "finish" && ev.Type != "terminate" || a.dt.Workflow == nil || !a.ownsProcess(ev.ProcessCode) {
		return nil
	}
	q := a.store.Read(ctx)
	ap, err := store.ApprovalByExternalID(q, ev.InstanceID)
	if err != nil {
		return err
	}
	if ap == nil {
		if a.now().Sub(ev.At) < 10*time.Minute {
			return errUnknownInstance
		}
		a.log.Warn("dingtalk approval event for an unknown instance dropped", "instance", ev.InstanceID, "event", ev.ID)
		return nil
	}
	if ap.Status != domain.ApprovalPending {
		return nil // decided already (a duplicate, or withdrawn here first)
	}
	// Who decided, read before the transaction: no network call holds a lock.
	approve := ev.Type == "finish" && ev.Result == domain.ProcessAgree
	var decider *domain.User
	var refused *refusedDecision
	remark := ""
	if ev.Type == "finish" {
		if decider, refused, remark, err = a.judgeOADecision(ctx, q, ap, ev, approve); err != nil {
			return err
		}
	}
	actor := System
	if decider != nil && refused == nil {
		actor = decider
	}
	actx := WithActor(ctx, actor)
	err = a.store.InTx(actx, func(tx *store.Tx) error {
		if refused != nil {
			return a.applyRefusedEvent(actx, tx, ev, ap.ID, *refused)
		}
		return a.applyApprovalEvent(actx, tx, ev, ap.ID, approve, remark, decider)
	})
	de := domain.AsError(err)
	if err == nil || refused != nil || !approve || de == nil || de.Kind == domain.KindInternal || de.Kind == domain.KindUnavailable {
		return err
	}
	// DingTalk approved an order the ERP can no longer approve (its stock
	// has gone, a product was disabled meanwhile): it goes back to its
	// requester with the reason, rather than stay pending with nobody able
	// to decide it.
	msg := de.Message
	return a.store.InTx(actx, func(tx *store.Tx) error {
		return a.applyApprovalEvent(actx, tx, ev, ap.ID, false, domain.ClipRunes("钉钉审批已同意，但 ERP 无法通过："+msg+"；请调整后重新提交", 500), decider)
	})
}

// judgeOADecision reads who decided a finished OA instance and what they
// said, and judges the decision by the ERP's rule, not the OA template's
// routing (domain.CheckDecider, as in the inbox): refused is nil when it
// stands. decider is nil for a DingTalk account linked to no ERP user.
func (a *App) judgeOADecision(ctx context.Context, q store.Q, ap *domain.Approval, ev domain.ApprovalEvent, approve bool) (decider *domain.User, refused *refusedDecision, remark string, err error) {
	inst, err := a.dt.Workflow.Process(ctx, ev.InstanceID)
	if err != nil {
		return nil, nil, "", err
	}
	uid, remark := inst.Decider()
	// DingTalk has decided: a control or bidi character in the remark
	// cannot be refused, so it is stripped before it is stored.
	remark = domain.StripText(remark, true)
	if uid != "" {
		if u, err := store.Users.ByDingTalkUserID(q, uid); err == nil {
			if err := a.resolveActor(ctx, u); err != nil {
				return nil, nil, "", err
			}
			decider = u
		}
	}
	o, err := store.GetOrder(q, ap.DocType, ap.DocID, false)
	if err != nil {
		return nil, nil, "", err
	}
	if err := a.checkDecider(ctx, q, ap, o.CreatedBy, decider); domain.RefusalOf(err) != "" {
		refused = &refusedDecision{Source: sourceOA, DingTalkUserID: uid, Decider: decider, Approve: approve,
			Comment: remark, Instance: ev.InstanceID, Refusal: err}
	} else if err != nil {
		return nil, nil, "", err
	}
	return decider, refused, remark, nil
}

func (a *App) applyApprovalEvent(ctx context.Context, tx *store.Tx, ev domain.ApprovalEvent, approvalID int64, approve bool, remark string, decider *domain.User) error {
	first, err := tx.FirstDelivery(ev.ID, "bpms_instance_change")
	if err != nil || !first {
		return err
	}
	cur, err := store.Approvals.Get(tx, approvalID)
	if err != nil {
		return err
	}
	o, err := store.GetOrder(tx, cur.DocType, cur.DocID, true)
	if err != nil {
		return err
	}
	ap, err := store.LockApproval(tx, approvalID)
	if err != nil {
		return err
	}
	// An approval whose OA decision was refused has left the instance for
	// the inbox: the instance's later events decide nothing.
	if ap.Status != domain.ApprovalPending || o.Status != domain.OrderPending || ap.Channel != ChannelDingTalk || ap.ExternalID != ev.InstanceID {
		return nil
	}
	if ev.Type == "terminate" {
		return a.withdrawApproval(ctx, tx, ap, o, ev.InstanceID)
	}
	if remark == "" && !approve {
		remark = "钉钉审批拒绝"
	}
	var by *int64
	if decider != nil {
		by = &decider.ID
	}
	return a.decide(ctx, tx, ap, o, approve, remark, by)
}

// applyRefusedEvent applies an OA decision the ERP refused, once: the
// approval, still pending on this instance, goes to the ERP inbox.
func (a *App) applyRefusedEvent(ctx context.Context, tx *store.Tx, ev domain.ApprovalEvent, approvalID int64, d refusedDecision) error {
	first, err := tx.FirstDelivery(ev.ID, "bpms_instance_change")
	if err != nil || !first {
		return err
	}
	cur, err := store.Approvals.Get(tx, approvalID)
	if err != nil {
		return err
	}
	o, err := store.GetOrder(tx, cur.DocType, cur.DocID, true)
	if err != nil {
		return err
	}
	ap, err := store.LockApproval(tx, approvalID)
	if err != nil {
		return err
	}
	if ap.Status != domain.ApprovalPending || o.Status != domain.OrderPending || ap.Channel != ChannelDingTalk || ap.ExternalID != ev.InstanceID {
		return nil
	}
	return a.refuseDecision(ctx, tx, ap, d)
}

// withdrawApproval applies an OA instance its requester withdrew (撤销): the
// approval is cancelled and the order, both locked by the caller, goes back
// to draft.
func (a *App) withdrawApproval(ctx context.Context, tx *store.Tx, ap *domain.Approval, o *domain.Order, instanceID string) error {
	aold := ap.Version
	if err := ap.Cancel("发起人已在钉钉撤销审批"); err != nil {
		return err
	}
	if err := store.SaveApproval(tx, ap, aold); err != nil {
		return err
	}
	old := o.Version
	if err := o.Withdraw(); err != nil {
		return err
	}
	if err := tx.UpdateOrder(o, old, store.HeaderOnly); err != nil {
		return err
	}
	if err := audit(ctx, tx, "withdraw", ap.DocType, ap.DocID, nil, map[string]any{"approval_id": ap.ID, "instance": instanceID}); err != nil {
		return err
	}
	return a.approvalEnded(tx, *ap)
}

func (a *App) ownsProcess(code string) bool {
	for _, c := range a.dt.ProcessCodes {
		if c == code {
			return true
		}
	}
	return false
}

func (a *App) deliverOAStart(ctx context.Context, m store.OutboxMessage) (func(*store.Tx) error, error) {
	q := a.store.Read(ctx)
	ap, err := a.approvalOf(q, m)
	if err != nil {
		return nil, err
	}
	if ap.Status != domain.ApprovalPending || ap.Channel != ChannelDingTalk || ap.ExternalID != "" {
		return nil, nil // cancelled before it left, or started already
	}
	requester, err := store.Users.Get(q, ap.RequestedBy)
	if err != nil {
		return nil, err
	}
	o, err := store.GetOrder(q, ap.DocType, ap.DocID, false)
	if err != nil {
		return nil, err
	}
	form, err := a.approvalForm(q, ap, o)
	if err != nil {
		return nil, err
	}
	if requester.DingTalkUserID == "" || a.dt.ProcessCodes[ap.DocType] == "" {
		return nil, permanent(errors.New("requester not linked to DingTalk or no process code"))
	}
	code := a.dt.ProcessCodes[ap.DocType]
	// DingTalk's create call takes no idempotency key. When an earlier
	// attempt may have reached DingTalk (its deliverer died, or the answer
	// was lost on the way back), look for the instance it started before
	// starting another: the same process, originator and document number,
	// started since this message was written, and linked to no approval.
	id := ""
	if m.Attempts > 1 {
		if id, err = a.startedEarlier(ctx, q, code, requester.DingTalkUserID, o.Number, m.CreatedAt); err != nil {
			return nil, err
		}
	}
	if id == "" {
		if id, err = a.dt.Workflow.StartProcess(ctx, domain.ProcessStart{ProcessCode: code,
			OriginatorUserID: requester.DingTalkUserID, Form: form}); err != nil {
			return nil, err
		}
	}
	return func(tx *store.Tx) error {
		cur, err := store.LockApproval(tx, ap.ID)
		if err != nil {
			return err
		}
		old := cur.Version
		cur.Link(id)
		if err := store.SaveApproval(tx, cur, old); err != nil {
			return err
		}
		if cur.Status == domain.ApprovalCancelled {
			// Cancelled while the instance was being started: withdraw it.
			return a.enqueue(tx, kindOATerminate, approvalRef{cur.ID})
		}
		return nil
	}, nil
}

// startedEarlier finds the OA instance an earlier attempt started for a
// document: started by originator since the outbox message was written
// (less a minute of clock skew), carrying the document's number, and not
// yet the instance of any approval (a resubmitted document has older,
// linked ones). It returns "" when there is none.
func (a *App) startedEarlier(ctx context.Context, q store.Q, code, originator, number string, since time.Time) (string, error) {
	ids, err := a.dt.Workflow.ProcessIDs(ctx, domain.ProcessQuery{ProcessCode: code, Since: since.Add(-time.Minute),
		Until: a.now().Add(time.Minute), Originators: []string{originator}})
	if err != nil {
		return "", err
	}
	for _, id := range ids {
		linked, err := store.ApprovalByExternalID(q, id)
		if err != nil {
			return "", err
		}
		if linked != nil {
			continue
		}
		inst, err := a.dt.Workflow.Process(ctx, id)
		if err != nil {
			return "", err
		}
		if inst.FormValue(formNumberField) == number {
			a.log.Info("OA instance started by an earlier attempt adopted", "instance", id, "number", number)
			return id, nil
		}
	}
	return "", nil
}

// formNumberField is the OA form component that carries the document's
// number: the form shows it, and a retried start finds its instance by it.
const formNumberField = "单据编号"

// approvalForm summarises a document for the OA form: the labels are the
// components the process template must have (see README).
func (a *App) approvalForm(q store.Q, ap *domain.Approval, o *domain.Order) ([]domain.FormValue, error) {
	lines, err := a.lineSummary(q, o, 50, func(s string) string { return s })
	if err != nil {
		return nil, err
	}
	partner := "供应商"
	if o.Type == domain.DocSalesOrder {
		partner = "客户"
	}
	return []domain.FormValue{
		{Name: "单据类型", Value: domain.DocName(o.Type)},
		{Name: formNumberField, Value: o.Number},
		{Name: partner, Value: ap.PartnerName},
		{Name: "金额", Value: o.Total.StringFixed(2)},
		{Name: "明细", Value: lines},
		{Name: "审批原因", Value: ap.Reason},
	}, nil
}

// lineSummary renders up to max order lines as text, one per line.
func (a *App) lineSummary(q store.Q, o *domain.Order, max int, esc func(string) string) (string, error) {
	ids := make([]int64, 0, len(o.Lines))
	for _, l := range o.Lines {
		ids = append(ids, l.ProductID)
	}
	prods, err := store.Products.GetMany(q, ids, func(p *domain.Product) int64 { return p.ID })
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i, l := range o.Lines {
		if i == max {
			fmt.Fprintf(&b, "…… 共 %d 行", len(o.Lines))
			break
		}
		p := prods[l.ProductID]
		fmt.Fprintf(&b, "%s %s × %s @ %s = %s\n", esc(p.SKU), esc(p.Name), l.Qty.String(), l.UnitPrice.StringFixed(2), l.Total.StringFixed(2))
	}
	return strings.TrimRight(b.String(), "\n"), nil
}

func (a *App) deliverOATerminate(ctx context.Context, m store.OutboxMessage) error {
	ap, err := a.approvalOf(a.store.Read(ctx), m)
	if err != nil {
		return err
	}
	if ap.ExternalID == "" {
		return nil // never started: its start message sees the cancellation
	}
	err = a.dt.Workflow.TerminateProcess(ctx, ap.ExternalID, "ERP 单据 "+ap.DocNumber+" 已作废")
	if errors.Is(err, domain.ErrProcessEnded) {
		return nil
	}
	return err
}
