package app

// The outbox: use cases write DingTalk intents in their transaction; the
// deliverer makes the calls after the commit, retries and gives up here.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// Outbox message kinds. Use cases write intents; the deliverer turns them
// into DingTalk calls after the commit.
const (
	kindOAStart       = "oa.start"       // start the OA instance of an approval
	kindOATerminate   = "oa.terminate"   // withdraw it (document cancelled)
	kindApprovalCards = "approval.cards" // approval cards to the approvers
	kindApprovalEnded = "approval.ended" // tell the requester, update the cards
	kindLowStock      = "lowstock"       // low-stock cards to the purchasers
	// kindDecisionRefused tells the requester a DingTalk decision was not
	// accepted (see approval_refused.go).
	kindDecisionRefused = "approval.refused"
)

type approvalRef struct {
	ApprovalID int64 `json:"approval_id"`
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
	case kindDecisionRefused:
		return nil, a.deliverDecisionRefused(ctx, m)
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
	if err := ap.Reroute(ChannelLocal, "（钉钉审批未能发起，改在 ERP 内审批）"); err != nil {
		return err
	}
	if err := store.SaveApproval(tx, ap, old); err != nil {
		return err
	}
	if err := audit(WithActor(ctx, System), tx, "approval_fallback", ap.DocType, ap.DocID, nil,
		map[string]any{"approval_id": ap.ID, "error": cause.Error()}); err != nil {
		return err
	}
	return a.approvalRequested(tx, *ap)
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

// approvalOf reads the approval an outbox message is about; a message
// that cannot be decoded is refused for good.
func (a *App) approvalOf(q store.Q, m store.OutboxMessage) (*domain.Approval, error) {
	var ref approvalRef
	if err := m.Decode(&ref); err != nil {
		return nil, permanent(err)
	}
	return store.Approvals.Get(q, ref.ApprovalID)
}
