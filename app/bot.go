package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// BotAnswer is the chat bot's reply, in DingTalk markdown.
type BotAnswer struct {
	Title string
	Text  string
}

const botHelp = `**我能回答：**

- 库存 <SKU或名称>：各仓库的在库、预留和可用数量（stock）
- 订单 <单号>：单据状态和明细（order）
- 待审批：等你审批（或你提交待审）的单据（pending）
- 今日销售：今天的销售额和畅销商品（sales）
- 低库存：低于仓库补货点的商品（lowstock）
- 帮助：显示本说明（help）`

// BotReply answers a chat message from a DingTalk user as the ERP user
// linked to them: their permissions and data scope apply, exactly as in the
// console. It always has an answer; the error is only for the log (the
// answer then says something went wrong).
//
// In a group chat the answer is seen by the whole group, not only by the
// sender whose permissions produced it: there the bot answers help and
// points to a one-to-one chat instead of showing business data.
func (a *App) BotReply(ctx context.Context, dingUserID, text string, group bool) (BotAnswer, error) {
	q := a.store.Read(ctx)
	u, err := store.Users.ByDingTalkUserID(q, dingUserID)
	if errors.Is(err, domain.ErrNotFound) {
		return BotAnswer{"未绑定", "你的钉钉账号还没有对应的 ERP 用户。请联系管理员同步通讯录（POST /org/sync）或在 ERP 中绑定后再试。"}, nil
	}
	if err != nil {
		return botFailed(), err
	}
	if u.Status != domain.UserActive {
		return BotAnswer{"账号已停用", "你的 ERP 账号已停用，请联系管理员。"}, nil
	}
	if err := a.resolveActor(ctx, u); err != nil {
		return botFailed(), err
	}
	ctx = WithActor(ctx, u)
	cmd := ParseBotCommand(text)
	if group && cmd.Cmd != BotHelp && cmd.Cmd != "" {
		return BotAnswer{"请单聊查询", "群聊里所有人都能看到回复，为保护业务数据，请单聊我发送「" + md(ParseBotCommandText(text)) + "」。"}, nil
	}
	var ans BotAnswer
	switch cmd.Cmd {
	case BotHelp:
		return BotAnswer{"帮助", botHelp}, nil
	case BotStock:
		ans, err = a.botStock(ctx, cmd.Arg)
	case BotOrder:
		ans, err = a.botOrder(ctx, cmd.Arg)
	case BotPending:
		ans, err = a.botPending(ctx)
	case BotSales:
		ans, err = a.botSales(ctx)
	case BotLowStock:
		ans, err = a.botLowStock(ctx)
	default:
		if cmd.Arg == "" {
			return BotAnswer{"帮助", botHelp}, nil
		}
		return BotAnswer{"没听懂", fmt.Sprintf("没听懂「%s」。\n\n%s", md(cmd.Arg), botHelp)}, nil
	}
	if err == nil {
		return ans, nil
	}
	if de := domain.AsError(err); de != nil && de.Kind == domain.KindForbidden {
		return BotAnswer{"没有权限", "你没有权限查看这些信息。" + de.Message}, nil
	}
	return botFailed(), err
}

func botFailed() BotAnswer {
	return BotAnswer{"出错了", "系统暂时无法回答，请稍后再试。"}
}

// md keeps user text from being read as markdown.
func md(s string) string {
	return strings.NewReplacer("*", "\\*", "_", "\\_", "#", "\\#", "`", "\\`", "[", "\\[", "]", "\\]", "\n", " ").Replace(s)
}

func (a *App) botStock(ctx context.Context, arg string) (BotAnswer, error) {
	if _, err := require(ctx, domain.PermStockRead); err != nil {
		return BotAnswer{}, err
	}
	if arg == "" {
		return BotAnswer{"库存", "请告诉我商品编码、条码或名称，例如：库存 A001"}, nil
	}
	q := a.store.Read(ctx)
	prods, err := store.FindProducts(q, arg, 5)
	if err != nil {
		return BotAnswer{}, err
	}
	if len(prods) == 0 {
		return BotAnswer{"库存", fmt.Sprintf("没有找到商品「%s」。", md(arg))}, nil
	}
	ids := make([]int64, len(prods))
	for i, p := range prods {
		ids[i] = p.ID
	}
	rows, err := store.StockOf(q, ids)
	if err != nil {
		return BotAnswer{}, err
	}
	by := map[int64][]store.ProductStock{}
	for _, r := range rows {
		by[r.ProductID] = append(by[r.ProductID], r)
	}
	var b strings.Builder
	for _, p := range prods {
		fmt.Fprintf(&b, "**%s %s**\n\n", md(p.SKU), md(p.Name))
		if len(by[p.ID]) == 0 {
			b.WriteString("- 暂无库存\n\n")
			continue
		}
		for _, r := range by[p.ID] {
			avail := r.OnHand.Sub(r.Reserved)
			fmt.Fprintf(&b, "- %s：在库 %s，预留 %s，可用 %s\n", md(r.Warehouse), r.OnHand.String(), r.Reserved.String(), avail.String())
		}
		b.WriteString("\n")
	}
	return BotAnswer{"库存：" + arg, strings.TrimSpace(b.String())}, nil
}

func (a *App) botOrder(ctx context.Context, arg string) (BotAnswer, error) {
	if arg == "" {
		return BotAnswer{"订单", "请告诉我单号，例如：订单 PO20261123-0001"}, nil
	}
	q := a.store.Read(ctx)
	notFound := BotAnswer{"订单", fmt.Sprintf("没有找到单据「%s」，或你无权查看。", md(arg))}
	typ, id, err := store.OrderRefByNumber(q, strings.ToUpper(arg))
	if errors.Is(err, domain.ErrNotFound) {
		return notFound, nil
	}
	if err != nil {
		return BotAnswer{}, err
	}
	v, err := a.GetOrder(ctx, typ, id)
	if errors.Is(err, domain.ErrNotFound) || errors.Is(err, domain.ErrForbidden) {
		// Outside the sender's scope or permissions an order does not
		// exist for them: the answer must not tell which numbers exist.
		return notFound, nil
	}
	if err != nil {
		return BotAnswer{}, err
	}
	o := v.Order
	partner, err := store.Partners.Get(q, o.PartnerID)
	if err != nil {
		return BotAnswer{}, err
	}
	wh, err := store.Warehouses.Get(q, o.WarehouseID)
	if err != nil {
		return BotAnswer{}, err
	}
	done := "已收"
	if typ == domain.DocSalesOrder {
		done = "已发"
	}
	prods, err := store.Products.GetMany(q, productIDs(o), func(p *domain.Product) int64 { return p.ID })
	if err != nil {
		return BotAnswer{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**%s %s**\n\n状态：%s\n\n%s：%s\n\n仓库：%s\n\n金额：¥%s（税额 ¥%s）\n\n",
		domain.DocName(typ), o.Number, domain.StatusName(o.Status), partnerLabel(typ), md(partner.Name), md(wh.Name),
		o.Total.StringFixed(2), o.TaxAmount.StringFixed(2))
	for i, l := range o.Lines {
		if i == 20 {
			fmt.Fprintf(&b, "- …… 共 %d 行\n", len(o.Lines))
			break
		}
		p := prods[l.ProductID]
		fmt.Fprintf(&b, "- %s %s：%s × ¥%s = ¥%s，%s %s\n", md(p.SKU), md(p.Name), l.Qty.String(), l.UnitPrice.StringFixed(2),
			l.Total.StringFixed(2), done, l.DoneQty(typ).String())
	}
	return BotAnswer{domain.DocName(typ) + " " + o.Number, strings.TrimSpace(b.String())}, nil
}

func productIDs(o *domain.Order) []int64 {
	ids := make([]int64, len(o.Lines))
	for i, l := range o.Lines {
		ids[i] = l.ProductID
	}
	return ids
}

func (a *App) botPending(ctx context.Context) (BotAnswer, error) {
	l, err := a.ListApprovals(ctx, domain.ApprovalPending, ListParams{Page: 1, PageSize: 10})
	if err != nil {
		return BotAnswer{}, err
	}
	if l.Total == 0 {
		return BotAnswer{"待审批", "没有待审批的单据。"}, nil
	}
	mine := "等你审批"
	if !Actor(ctx).Can(domain.PermApprove) {
		mine = "你提交、等待审批"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**%s的单据共 %d 张**\n\n", mine, l.Total)
	for _, ap := range l.Items {
		where := ""
		if ap.Channel == ChannelDingTalk {
			where = "（钉钉审批）"
		}
		fmt.Fprintf(&b, "- %s %s：%s ¥%s%s\n", domain.DocName(ap.DocType), ap.DocNumber, md(ap.PartnerName), ap.Amount.StringFixed(2), where)
	}
	if l.Total > int64(len(l.Items)) {
		fmt.Fprintf(&b, "- …… 另有 %d 张，请在 ERP 中查看\n", l.Total-int64(len(l.Items)))
	}
	return BotAnswer{"待审批", strings.TrimSpace(b.String())}, nil
}

func (a *App) botSales(ctx context.Context) (BotAnswer, error) {
	if _, err := require(ctx, domain.PermSalesRead); err != nil {
		return BotAnswer{}, err
	}
	q := a.store.Read(ctx)
	sc, err := a.scope(ctx, q)
	if err != nil {
		return BotAnswer{}, err
	}
	local := a.now().In(domain.Shanghai)
	from := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, domain.Shanghai)
	lines, n, total, err := store.SalesBetween(q, sc, from.Format("2006-01-02"), from.AddDate(0, 0, 1).Format("2006-01-02"), 5)
	if err != nil {
		return BotAnswer{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**今日销售（%s）**\n\n出库 %d 单，含税金额 ¥%s（已扣除退货）\n\n", from.Format("2006-01-02"), n, total.StringFixed(2))
	if !sc.All() {
		b.WriteString("仅含你的数据范围内的单据。\n\n")
	}
	if len(lines) > 0 {
		b.WriteString("畅销商品：\n\n")
		for i, l := range lines {
			fmt.Fprintf(&b, "%d. %s %s：%s，¥%s\n", i+1, md(l.SKU), md(l.Name), l.Qty.String(), l.Total.StringFixed(2))
		}
	}
	return BotAnswer{"今日销售", strings.TrimSpace(b.String())}, nil
}

func (a *App) botLowStock(ctx context.Context) (BotAnswer, error) {
	if _, err := require(ctx, domain.PermStockRead); err != nil {
		return BotAnswer{}, err
	}
	rows, total, err := store.LowStock(a.store.Read(ctx), 20)
	if err != nil {
		return BotAnswer{}, err
	}
	if total == 0 {
		return BotAnswer{"低库存", "各仓库备货的商品都在补货点之上。"}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**低于补货点：%d 项**\n\n", total)
	for _, r := range rows {
		fmt.Fprintf(&b, "- %s %s @%s：可用 %s / 补货点 %s\n", md(r.SKU), md(r.Name), md(r.Warehouse),
			r.OnHand.Sub(r.Reserved).String(), r.SafetyStock.String())
	}
	if total > int64(len(rows)) {
		fmt.Fprintf(&b, "- …… 另有 %d 项，请在 ERP 的补货建议中查看\n", total-int64(len(rows)))
	}
	return BotAnswer{"低库存", strings.TrimSpace(b.String())}, nil
}
