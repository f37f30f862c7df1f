package app

// Interactive cards in DingTalk (互动卡片): approval and low-stock cards
// sent, and their button clicks handled.

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// Card template names in DingTalk.CardTemplates.
const (
	CardApproval = "approval"
	CardLowStock = "low_stock"
)

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

func (a *App) cardsOn(template string) bool {
	return a.dt.Messenger != nil && a.dt.CardTemplates[template] != ""
}

func (a *App) deliverApprovalCards(ctx context.Context, m store.OutboxMessage) error {
	q := a.store.Read(ctx)
	ap, err := a.approvalOf(q, m)
	if err != nil {
		return err
	}
	if ap.Status != domain.ApprovalPending || !a.cardsOn(CardApproval) {
		return nil
	}
	o, err := store.GetOrder(q, ap.DocType, ap.DocID, false)
	if err != nil {
		return err
	}
	holders, err := store.Users.LinkedWithRole(q, ap.Role)
	if err != nil {
		return err
	}
	// Only approvers whose data scope holds the order get the card: the
	// others could neither open nor decide it (Decide answers 404), and
	// the card itself would tell them of an order they may not see.
	var to []*domain.User
	for _, u := range holders {
		if ok, err := a.canSee(WithActor(ctx, u), q, o.CreatedBy); err != nil {
			return err
		} else if ok {
			to = append(to, u)
		}
	}
	if len(to) == 0 {
		if to, err = store.Users.LinkedWithRole(q, domain.RoleAdmin); err != nil {
			return err
		}
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

// approvalStatus is how a card shows an approval's outcome.
func approvalStatus(ap *domain.Approval, decider string) map[string]string {
	text := map[string]string{domain.ApprovalPending: "待审批", domain.ApprovalApproved: "已同意",
		domain.ApprovalRejected: "已拒绝", domain.ApprovalCancelled: "已撤销"}[ap.Status]
	if decider != "" && ap.Status != domain.ApprovalCancelled {
		text += "（" + decider + "）"
	}
	return map[string]string{"status": ap.Status, "status_text": text, "message": ""}
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
	to, err := a.linkedWith(q, domain.PermPurchaseWrite)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, it := range alert.Items {
		fmt.Fprintf(&b, "- %s %s：可用 %s，补货点 %s，建议采购 %s\n", md(it.SKU), md(it.Name), it.Available.String(),
			it.SafetyStock.String(), it.Suggested.String())
	}
	content := clipBytes(b.String(), 1000)
	for _, u := range to {
		params := map[string]string{"title": "低库存提醒：" + wh.Name, "content": content, "warehouse_id": fmt.Sprint(wh.ID),
			"status": "open", "status_text": "低于补货点", "message": ""}
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

// linkedWith returns the active users linked to DingTalk whose roles,
// custom ones included, grant perm, by id: a low-stock card goes to whoever
// may buy, a custom buyer role as much as the built-in purchaser.
func (a *App) linkedWith(q store.Q, perm domain.Permission) ([]*domain.User, error) {
	linked, err := store.Users.LinkedUsers(q)
	if err != nil {
		return nil, err
	}
	custom, err := store.Roles.Custom(q)
	if err != nil {
		return nil, err
	}
	var out []*domain.User
	for _, u := range linked {
		u.Granted = domain.Grants(u.Roles, custom)
		if u.Status == domain.UserActive && u.Can(perm) {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(x, y *domain.User) int { return cmp.Compare(x.ID, y.ID) })
	return out, nil
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
	show := func(err error) (map[string]string, error) {
		if de := domain.AsError(err); de != nil && de.Kind != domain.KindInternal {
			return map[string]string{"message": "操作未完成：" + de.Message}, nil
		}
		return nil, err
	}
	u, err := store.Users.ByDingTalkUserID(a.store.Read(ctx), ca.UserID)
	if err != nil || u.Status != domain.UserActive {
		if card.Kind == CardApproval && (ca.Action == "approve" || ca.Action == "reject") {
			// A forwarded card pressed by someone the ERP does not know:
			// recorded and refused like any decision the rule refuses.
			if err := a.refuseCardDecision(ctx, card.RefID, ca.UserID, nil, ca.Action == "approve"); err != nil && domain.RefusalOf(err) == "" {
				return show(err)
			}
		}
		return map[string]string{"message": "你的钉钉账号未绑定可用的 ERP 用户，请联系管理员"}, nil
	}
	if err := a.resolveActor(ctx, u); err != nil {
		return nil, err
	}
	ctx = WithActor(ctx, u)
	switch {
	case card.Kind == CardApproval && (ca.Action == "approve" || ca.Action == "reject"):
		// The requester, or someone without the right or the document in
		// scope: the decision is recorded, the requester told.
		if err := a.refuseCardDecision(ctx, card.RefID, ca.UserID, u, ca.Action == "approve"); err != nil {
			return show(err)
		}
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
