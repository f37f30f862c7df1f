package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// Approval channels: where approvers decide.
const (
	ChannelLocal    = "local"    // the ERP's inbox (and approval cards in DingTalk)
	ChannelDingTalk = "dingtalk" // a DingTalk OA process instance
)

// Outbox message kinds. Use cases write intents; the deliverer turns them
// into DingTalk calls after the commit.
const (
	kindOAStart       = "oa.start"       // start the OA instance of an approval
	kindOATerminate   = "oa.terminate"   // withdraw it (document cancelled)
	kindApprovalCards = "approval.cards" // approval cards to the approvers
	kindApprovalEnded = "approval.ended" // tell the requester, update the cards
	kindLowStock      = "lowstock"       // low-stock cards to the purchasers
)

// Card template names in DingTalk.CardTemplates.
const (
	CardApproval = "approval"
	CardLowStock = "low_stock"
)

type approvalRef struct {
	ApprovalID int64 `json:"approval_id"`
}

type lowStockItem struct {
	ProductID   int64           `json:"product_id"`
	SKU         string          `json:"sku"`
	Name        string          `json:"name"`
	Available   decimal.Decimal `json:"available"`
	SafetyStock decimal.Decimal `json:"safety_stock"`
	Suggested   decimal.Decimal `json:"suggested"`
}

type lowStockAlert struct {
	WarehouseID   int64          `json:"warehouse_id"`
	RequisitionID int64          `json:"requisition_id"`
	Items         []lowStockItem `json:"items"`
}

// approvalChannel routes a new approval: to DingTalk OA when the document
// type has a process template and the requester a DingTalk account (OA
// instances need an originator), else to the ERP inbox.
func (a *App) approvalChannel(docType string, requester *domain.User) string {
	if a.dt.Workflow != nil && a.dt.ProcessCodes[docType] != "" && requester.DingTalkUserID != "" {
		return ChannelDingTalk
	}
	return ChannelLocal
}

func (a *App) cardsOn(template string) bool {
	return a.dt.Messenger != nil && a.dt.CardTemplates[template] != ""
}

// enqueue writes an outbox message in tx and wakes the deliverer when the
// transaction commits.
func (a *App) enqueue(tx *store.Tx, kind string, payload any) error {
	if err := tx.Enqueue(kind, payload); err != nil {
		return err
	}
	tx.OnCommit(a.kickOutbox)
	return nil
}

func (a *App) kickOutbox() {
	select {
	case a.outboxKick <- struct{}{}:
	default:
	}
}

// approvalRequested sends a new approval where it is decided.
func (a *App) approvalRequested(tx *store.Tx, ap domain.Approval) error {
	if ap.Channel == ChannelDingTalk {
		return a.enqueue(tx, kindOAStart, approvalRef{ap.ID})
	}
	if a.cardsOn(CardApproval) {
		return a.enqueue(tx, kindApprovalCards, approvalRef{ap.ID})
	}
	return nil
}

// approvalEnded follows a decision or a cancellation: an OA instance of a
// cancelled document is withdrawn, the requester told, the cards updated.
func (a *App) approvalEnded(tx *store.Tx, ap domain.Approval) error {
	if ap.Channel == ChannelDingTalk && ap.Status == domain.ApprovalCancelled && a.dt.Workflow != nil {
		if err := a.enqueue(tx, kindOATerminate, approvalRef{ap.ID}); err != nil {
			return err
		}
	}
	if a.dt.Messenger != nil {
		return a.enqueue(tx, kindApprovalEnded, approvalRef{ap.ID})
	}
	return nil
}

// errUnknownInstance asks DingTalk to push an event again: its instance is
// not linked to an approval yet (the event overtook the commit that links
// it).
var errUnknownInstance = errors.New("dingtalk: approval instance not linked yet")

// HandleApprovalEvent applies an OA instance change (bpms_instance_change)
// to its approval, once: finish/agree approves the document, finish/refuse
// rejects it, terminate (the requester withdrew in DingTalk) returns it to
// draft. Events of other processes, duplicates and events about approvals
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
	var decider *domain.User
	remark := ""
	if ev.Type == "finish" {
		inst, err := a.dt.Workflow.Process(ctx, ev.InstanceID)
		if err != nil {
			return err
		}
		var uid string
		uid, remark = inst.Decider()
		if uid != "" {
			if u, err := store.Users.ByDingTalkUserID(q, uid); err == nil {
				decider = u
			}
		}
	}
	approve := ev.Type == "finish" && ev.Result == domain.ProcessAgree
	actor := System
	if decider != nil {
		actor = decider
	}
	actx := WithActor(ctx, actor)
	err = a.store.InTx(actx, func(tx *store.Tx) error {
		return a.applyApprovalEvent(actx, tx, ev, ap.ID, approve, remark, decider)
	})
	de := domain.AsError(err)
	if err == nil || !approve || de == nil || de.Kind == domain.KindInternal || de.Kind == domain.KindUnavailable {
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
	if ap.Status != domain.ApprovalPending || o.Status != domain.OrderPending {
		return nil
	}
	if ev.Type == "terminate" {
		aold := ap.Version
		ap.Status, ap.Version, ap.Comment = domain.ApprovalCancelled, aold+1, "发起人已在钉钉撤销审批"
		if err := store.SaveApproval(tx, ap, aold); err != nil {
			return err
		}
		old := o.Version
		o.Status, o.ApprovalID, o.Version = domain.OrderDraft, nil, old+1
		if err := tx.UpdateOrder(o, old, store.HeaderOnly); err != nil {
			return err
		}
		if err := audit(ctx, tx, "withdraw", ap.DocType, ap.DocID, nil, map[string]any{"approval_id": ap.ID, "instance": ev.InstanceID}); err != nil {
			return err
		}
		return a.approvalEnded(tx, *ap)
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

func (a *App) ownsProcess(code string) bool {
	for _, c := range a.dt.ProcessCodes {
		if c == code {
			return true
		}
	}
	return false
}

// RunOutbox delivers outbox messages until ctx ends: right after a commit
// that wrote one, and every second for retries that came due. A panic in a
// delivery is logged and the loop goes on: one bad message must not take
// the process (and, redelivered after a restart, take it again).
func (a *App) RunOutbox(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		func() {
			defer func() {
				if r := recover(); r != nil {
					a.log.Error("outbox delivery panicked", "panic", r)
				}
			}()
			if _, err := a.DeliverOutbox(ctx); err != nil && ctx.Err() == nil {
				a.log.Error("outbox", "err", err)
			}
		}()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-a.outboxKick:
		}
	}
}

// maxAttempts bounds retries of a message that fails for reasons other than
// DingTalk being unreachable (which never gives up: an outage only delays).
const outboxMaxAttempts = 12

// outage reports whether err means DingTalk (or the way to it) is down or
// throttling, rather than something wrong with this one message.
func outage(err error) bool {
	var o interface{ Outage() bool }
	if errors.As(err, &o) {
		return o.Outage()
	}
	var de *domain.Error
	return !errors.As(err, &de) && !errors.Is(err, context.Canceled)
}

// DeliverOutbox delivers the messages due now, oldest first, one lease at a
// time, and returns how many were delivered. An outage (DingTalk down or
// throttling) ends the pass and puts the message back with backoff; another
// transient failure backs off that message only, and gives it up after
// outboxMaxAttempts; a refusal for good is recorded as failed, after any
// fallback (an OA instance DingTalk refuses to start goes to the ERP inbox
// instead). What follows a delivered call does not depend on ctx: a
// shutdown must not lose the record of a call that was made.
func (a *App) DeliverOutbox(ctx context.Context) (int, error) {
	delivered := 0
	for ctx.Err() == nil {
		msgs, err := a.store.ClaimOutbox(ctx, a.now(), 2*time.Minute, 1)
		if err != nil || len(msgs) == 0 {
			return delivered, err
		}
		m := msgs[0]
		keep := context.WithoutCancel(ctx)
		apply, err := a.deliver(ctx, m)
		if err == nil {
			err = a.store.InTx(keep, func(tx *store.Tx) error {
				if apply != nil {
					if err := apply(tx); err != nil {
						return err
					}
				}
				return tx.FinishOutbox(m.ID)
			})
			if err == nil {
				delivered++
				continue
			}
		}
		if a.permanent(err) || (!outage(err) && m.Attempts >= outboxMaxAttempts) {
			a.log.Warn("outbox message given up", "id", m.ID, "kind", m.Kind, "attempts", m.Attempts, "err", err)
			if ferr := a.store.InTx(keep, func(tx *store.Tx) error {
				if err := a.fallback(keep, tx, m, err); err != nil {
					return err
				}
				return tx.FailOutbox(m.ID, err.Error())
			}); ferr != nil {
				return delivered, ferr
			}
			continue
		}
		wait := a.backoff(m.Attempts)
		a.log.Warn("outbox delivery failed; will retry", "id", m.ID, "kind", m.Kind, "attempt", m.Attempts, "retry_in", wait, "err", err)
		if rerr := a.store.RetryOutbox(keep, m.ID, a.now().Add(wait), err.Error()); rerr != nil {
			return delivered, rerr
		}
		if outage(err) {
			return delivered, nil // the rest would fail the same way
		}
	}
	return delivered, ctx.Err()
}

// permanent reports whether a delivery failed for good: the far side refused
// it, or the ERP's own data rules it out (a record gone, a rule broken).
func (a *App) permanent(err error) bool {
	var perm domain.PermanentError
	if errors.As(err, &perm) {
		return perm.Permanent()
	}
	var de *domain.Error
	return errors.As(err, &de) && de.Kind != domain.KindInternal && de.Kind != domain.KindUnavailable && de.Kind != domain.KindConflict
}

func (a *App) backoff(attempts int) time.Duration {
	d := a.dt.RetryBase
	for i := 1; i < attempts && d < a.dt.RetryMax; i++ {
		d *= 2
	}
	return min(d, a.dt.RetryMax)
}

// deliver makes the calls of one message; what it returns runs in the
// transaction that marks the message done.
func (a *App) deliver(ctx context.Context, m store.OutboxMessage) (func(*store.Tx) error, error) {
	ctx = WithActor(ctx, System)
	// Messages written while DingTalk was on, delivered after it was
	// turned off, have nowhere to go.
	if a.dt.Workflow == nil && (m.Kind == kindOAStart || m.Kind == kindOATerminate) ||
		a.dt.Messenger == nil && m.Kind != kindOAStart && m.Kind != kindOATerminate {
		return nil, nil
	}
	switch m.Kind {
	case kindOAStart:
		return a.deliverOAStart(ctx, m)
	case kindOATerminate:
		return nil, a.deliverOATerminate(ctx, m)
	case kindApprovalCards:
		return nil, a.deliverApprovalCards(ctx, m)
	case kindApprovalEnded:
		return nil, a.deliverApprovalEnded(ctx, m)
	case kindLowStock:
		return nil, a.deliverLowStock(ctx, m)
	}
	return nil, permanent(fmt.Errorf("outbox: unknown kind %q", m.Kind))
}

type permanentErr struct{ error }

func (permanentErr) Permanent() bool { return true }
func (e permanentErr) Unwrap() error { return e.error }

func permanent(err error) error { return permanentErr{err} }

// fallback handles a message refused for good.
func (a *App) fallback(ctx context.Context, tx *store.Tx, m store.OutboxMessage, cause error) error {
	if m.Kind != kindOAStart {
		return nil
	}
	var ref approvalRef
	if err := m.Decode(&ref); err != nil {
		return nil
	}
	ap, err := store.LockApproval(tx, ref.ApprovalID)
	if err != nil || ap.Status != domain.ApprovalPending || ap.Channel != ChannelDingTalk {
		return err
	}
	old := ap.Version
	ap.Channel, ap.Version = ChannelLocal, old+1
	ap.Reason = domain.ClipRunes(ap.Reason+"（钉钉审批未能发起，改在 ERP 内审批）", 255)
	if err := store.SaveApproval(tx, ap, old); err != nil {
		return err
	}
	if err := audit(WithActor(ctx, System), tx, "approval_fallback", ap.DocType, ap.DocID, nil,
		map[string]any{"approval_id": ap.ID, "error": cause.Error()}); err != nil {
		return err
	}
	return a.approvalRequested(tx, *ap)
}

func (a *App) deliverOAStart(ctx context.Context, m store.OutboxMessage) (func(*store.Tx) error, error) {
	var ref approvalRef
	if err := m.Decode(&ref); err != nil {
		return nil, permanent(err)
	}
	q := a.store.Read(ctx)
	ap, err := store.Approvals.Get(q, ref.ApprovalID)
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
		cur.ExternalID, cur.Version = id, old+1
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
	var ref approvalRef
	if err := m.Decode(&ref); err != nil {
		return permanent(err)
	}
	ap, err := store.Approvals.Get(a.store.Read(ctx), ref.ApprovalID)
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

func (a *App) deliverApprovalCards(ctx context.Context, m store.OutboxMessage) error {
	var ref approvalRef
	if err := m.Decode(&ref); err != nil {
		return permanent(err)
	}
	q := a.store.Read(ctx)
	ap, err := store.Approvals.Get(q, ref.ApprovalID)
	if err != nil {
		return err
	}
	if ap.Status != domain.ApprovalPending || !a.cardsOn(CardApproval) {
		return nil
	}
	to, err := store.Users.LinkedWithRole(q, ap.Role)
	if err != nil {
		return err
	}
	if len(to) == 0 {
		if to, err = store.Users.LinkedWithRole(q, domain.RoleAdmin); err != nil {
			return err
		}
	}
	o, err := store.GetOrder(q, ap.DocType, ap.DocID, false)
	if err != nil {
		return err
	}
	lines, err := a.lineSummary(q, o, 5, md)
	if err != nil {
		return err
	}
	// A card parameter holds 1 KB.
	content := clipBytes(fmt.Sprintf("**%s** %s\n\n%s：%s\n\n金额：¥%s\n\n原因：%s\n\n%s", domain.DocName(ap.DocType), ap.DocNumber,
		partnerLabel(ap.DocType), md(ap.PartnerName), ap.Amount.StringFixed(2), md(ap.Reason), lines), 1000)
	for _, u := range to {
		if u.ID == ap.RequestedBy {
			continue
		}
		params := map[string]string{"title": "待审批：" + domain.DocName(ap.DocType) + " " + ap.DocNumber, "content": content,
			"approval_id": fmt.Sprint(ap.ID), "status": domain.ApprovalPending, "status_text": "待审批", "message": ""}
		card := domain.Card{OutTrackID: fmt.Sprintf("appr-%d-%d", ap.ID, u.ID), TemplateID: a.dt.CardTemplates[CardApproval],
			UserID: u.DingTalkUserID, Params: params}
		if err := a.sendCard(ctx, card, CardApproval, ap.ID); err != nil {
			if !a.permanent(err) {
				return err // retried; cards already sent are sent again harmlessly
			}
			a.log.Warn("approval card refused", "approval", ap.ID, "user", u.DingTalkUserID, "err", err)
		}
	}
	return nil
}

// sendCard remembers a card, then sends it (a resend after a failure is
// harmless: the outTrackId is the same).
func (a *App) sendCard(ctx context.Context, c domain.Card, kind string, ref int64) error {
	if err := a.store.InTx(ctx, func(tx *store.Tx) error {
		return tx.SaveCard(store.Card{OutTrackID: c.OutTrackID, Kind: kind, RefID: ref, UserID: c.UserID})
	}); err != nil {
		return err
	}
	return a.dt.Messenger.SendCard(ctx, c)
}

func partnerLabel(docType string) string {
	if docType == domain.DocSalesOrder {
		return "客户"
	}
	return "供应商"
}

// approvalStatus is how a card shows an approval's outcome.
func approvalStatus(ap *domain.Approval, decider string) map[string]string {
	text := map[string]string{domain.ApprovalPending: "待审批", domain.ApprovalApproved: "已同意",
		domain.ApprovalRejected: "已拒绝", domain.ApprovalCancelled: "已撤销"}[ap.Status]
	if decider != "" && ap.Status != domain.ApprovalCancelled {
		text += "（" + decider + "）"
	}
	return map[string]string{"status": ap.Status, "status_text": text, "message": ""}
}

func (a *App) deciderName(q store.Q, ap *domain.Approval) string {
	if ap.DecidedBy == nil {
		if ap.ExternalID != "" && ap.Status != domain.ApprovalCancelled {
			return "钉钉审批"
		}
		return ""
	}
	u, err := store.Users.Get(q, *ap.DecidedBy)
	if err != nil {
		return ""
	}
	return u.Name
}

func (a *App) deliverApprovalEnded(ctx context.Context, m store.OutboxMessage) error {
	var ref approvalRef
	if err := m.Decode(&ref); err != nil {
		return permanent(err)
	}
	q := a.store.Read(ctx)
	ap, err := store.Approvals.Get(q, ref.ApprovalID)
	if err != nil {
		return err
	}
	who := a.deciderName(q, ap)
	// Cards first: a notification refused for good must not leave them
	// showing 待审批.
	cards, err := store.CardsFor(q, CardApproval, ap.ID)
	if err != nil {
		return err
	}
	for _, c := range cards {
		if err := a.dt.Messenger.UpdateCard(ctx, c.OutTrackID, approvalStatus(ap, who)); err != nil && !errors.Is(err, domain.ErrCardGone) && !a.permanent(err) {
			return err
		}
	}
	if ap.Status == domain.ApprovalApproved || ap.Status == domain.ApprovalRejected {
		requester, err := store.Users.Get(q, ap.RequestedBy)
		if err != nil {
			return err
		}
		if requester.DingTalkUserID != "" {
			verb := map[string]string{domain.ApprovalApproved: "已通过审批", domain.ApprovalRejected: "被驳回"}[ap.Status]
			title := fmt.Sprintf("%s %s %s", domain.DocName(ap.DocType), ap.DocNumber, verb)
			text := fmt.Sprintf("#### %s\n\n%s：%s\n\n金额：¥%s\n\n审批人：%s", title, partnerLabel(ap.DocType), md(ap.PartnerName),
				ap.Amount.StringFixed(2), md(who))
			if ap.Comment != "" {
				text += "\n\n意见：" + md(ap.Comment)
			}
			// DingTalk takes 2,048 bytes of message; the comment gives way.
			if err := a.dt.Messenger.Notify(ctx, []string{requester.DingTalkUserID}, title, clipBytes(text, 1800)); err != nil && !a.permanent(err) {
				return err
			}
		}
	}
	return nil
}

// clipBytes cuts s to at most n bytes, between whole characters.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("……")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "……"
}

func (a *App) deliverLowStock(ctx context.Context, m store.OutboxMessage) error {
	var alert lowStockAlert
	if err := m.Decode(&alert); err != nil {
		return permanent(err)
	}
	if !a.cardsOn(CardLowStock) {
		return nil
	}
	q := a.store.Read(ctx)
	wh, err := store.Warehouses.Get(q, alert.WarehouseID)
	if err != nil {
		return err
	}
	to, err := store.Users.LinkedWithRole(q, domain.RolePurchaser)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, it := range alert.Items {
		fmt.Fprintf(&b, "- %s %s：可用 %s，安全库存 %s，建议采购 %s\n", md(it.SKU), md(it.Name), it.Available.String(),
			it.SafetyStock.String(), it.Suggested.String())
	}
	content := clipBytes(b.String(), 1000)
	for _, u := range to {
		params := map[string]string{"title": "低库存提醒：" + wh.Name, "content": content, "warehouse_id": fmt.Sprint(wh.ID),
			"status": "open", "status_text": "低于安全库存", "message": ""}
		card := domain.Card{OutTrackID: fmt.Sprintf("low-%d-%d", m.ID, u.ID), TemplateID: a.dt.CardTemplates[CardLowStock],
			UserID: u.DingTalkUserID, Params: params}
		if err := a.sendCard(ctx, card, CardLowStock, wh.ID); err != nil {
			if !a.permanent(err) {
				return err
			}
			a.log.Warn("low-stock card refused", "warehouse", wh.ID, "user", u.DingTalkUserID, "err", err)
		}
	}
	return nil
}

// CardAction is a button pressed on a card in DingTalk.
type CardAction struct {
	OutTrackID string
	UserID     string // DingTalk userid of who pressed it
	Action     string
}

// HandleCardAction does what a card button asks, as the ERP user linked to
// whoever pressed it (their permissions apply), and returns the card
// parameters to change: an approval card shows the decision, a low-stock
// card the requisition. A refusal is shown on the card, not returned.
func (a *App) HandleCardAction(ctx context.Context, ca CardAction) (map[string]string, error) {
	card, err := store.CardByTrackID(a.store.Read(ctx), ca.OutTrackID)
	if err != nil {
		return nil, err
	}
	u, err := store.Users.ByDingTalkUserID(a.store.Read(ctx), ca.UserID)
	if err != nil || u.Status != domain.UserActive {
		return map[string]string{"message": "你的钉钉账号未绑定可用的 ERP 用户，请联系管理员"}, nil
	}
	ctx = WithActor(ctx, u)
	show := func(err error) (map[string]string, error) {
		if de := domain.AsError(err); de != nil && de.Kind != domain.KindInternal {
			return map[string]string{"message": "操作未完成：" + de.Message}, nil
		}
		return nil, err
	}
	switch {
	case card.Kind == CardApproval && (ca.Action == "approve" || ca.Action == "reject"):
		comment := ""
		if ca.Action == "reject" {
			comment = "在钉钉卡片中拒绝"
		}
		ap, err := a.Decide(ctx, card.RefID, ca.Action == "approve", comment)
		if err != nil {
			return show(err)
		}
		return approvalStatus(ap, u.Name), nil
	case card.Kind == CardLowStock && ca.Action == "requisition":
		r, err := a.ConfirmReorder(ctx, card.RefID)
		if err != nil {
			return show(err)
		}
		if r == nil {
			return map[string]string{"status": "done", "status_text": "库存已恢复或已生成请购单", "message": ""}, nil
		}
		return map[string]string{"status": "done", "status_text": fmt.Sprintf("已生成请购单 %s（%d 个商品）", r.Number, len(r.Lines)),
			"requisition_id": fmt.Sprint(r.ID), "message": ""}, nil
	}
	return map[string]string{"message": "未知操作 " + ca.Action}, nil
}

// ConfirmReorder turns the warehouse's automatic reorder suggestion into a
// requisition the purchasers own (生成请购单); nil when nothing is below
// safety stock there.
func (a *App) ConfirmReorder(ctx context.Context, warehouseID int64) (*domain.Requisition, error) {
	if _, err := require(ctx, domain.PermPurchaseWrite); err != nil {
		return nil, err
	}
	var r *domain.Requisition
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = tx.ConfirmReorderRequisition(warehouseID); err != nil || r == nil {
			return err
		}
		return audit(ctx, tx, "confirm", domain.DocRequisition, r.ID, nil, map[string]any{"lines": len(r.Lines)})
	})
	return r, err
}

// ListOutbox shows the calls waiting for DingTalk, delivered or refused
// (status pending, done or failed), for an administrator watching the
// integration.
func (a *App) ListOutbox(ctx context.Context, status string, lp ListParams) (*List[store.OutboxMessage], error) {
	if _, err := require(ctx, domain.PermUserManage); err != nil {
		return nil, err
	}
	switch status {
	case "", store.OutboxPending, store.OutboxDone, store.OutboxFailed:
	default:
		return nil, domain.Invalid("status", "状态只能是 pending、done 或 failed")
	}
	p, err := lp.page(nil)
	if err != nil {
		return nil, err
	}
	items, total, err := store.ListOutbox(a.store.Read(ctx), status, p)
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// RetryOutbox puts a message DingTalk refused back in line (after the
// cause, say a wrong process code, was fixed in the configuration).
func (a *App) RetryOutbox(ctx context.Context, id int64) (*store.OutboxMessage, error) {
	if _, err := require(ctx, domain.PermUserManage); err != nil {
		return nil, err
	}
	var m *store.OutboxMessage
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if m, err = tx.RequeueOutbox(id); err != nil {
			return err
		}
		tx.OnCommit(a.kickOutbox)
		return audit(ctx, tx, "retry", "outbox", id, nil, map[string]any{"kind": m.Kind})
	})
	return m, err
}
