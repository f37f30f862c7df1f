package app

// Notices about approvals: what a request or a decision writes to the
// outbox, and the requester's work notification (工作通知) with the card updates.

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

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

func partnerLabel(docType string) string {
	if docType == domain.DocSalesOrder {
		return "客户"
	}
	return "供应商"
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
	q := a.store.Read(ctx)
	ap, err := a.approvalOf(q, m)
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
	// The system's own requests (the demo's seeded orders) have nobody to
	// tell: user 0 is no row, and looking it up would fail the message for
	// good after the cards were updated.
	if (ap.Status == domain.ApprovalApproved || ap.Status == domain.ApprovalRejected) && ap.RequestedBy != System.ID {
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
