package domain

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// 结账检查 (the closing checklist): what closing a month looks at first, so
// the closer sees what stands in the way before confirming. The store reads
// the facts; BuildChecklist decides what each one means.

// CodeClosingBlocked refuses a closing while the checklist has blocking
// items; the error's details name them ("items").
const CodeClosingBlocked = "closing_blocked"

// CodeCloseEarly refuses closing a month before its last day has passed
// without force and a reason.
const CodeCloseEarly = "period_not_ended"

// Checklist item levels.
const (
	CheckOK    = "ok"    // nothing to do
	CheckWarn  = "warn"  // shown, does not stop the closing
	CheckBlock = "block" // refuses the closing
	CheckInfo  = "info"  // a figure to look at (the VAT position)
)

// Checklist item codes: stable, programs switch on them.
const (
	CheckDrafts           = "drafts"
	CheckPendingApprovals = "pending_approvals"
	CheckNegativeStock    = "negative_stock"
	CheckVAT              = "vat"
	CheckBooks            = "books"
	CheckEnded            = "period_ended"
)

// ChecklistItem is one line of the checklist.
type ChecklistItem struct {
	Code    string   `json:"code"`
	Title   string   `json:"title"`
	Level   string   `json:"level"`
	Count   int      `json:"count"`
	Message string   `json:"message"`
	Details []string `json:"details"`
}

// DraftCount is how many drafts of one document type are dated in the month.
type DraftCount struct {
	DocType string `json:"doc_type"`
	Count   int    `json:"count"`
}

// ChecklistFacts are what the store read for a month's checklist.
type ChecklistFacts struct {
	// Drafts are the drafts (transfers, stocktakes) dated in the month: a
	// draft posted after the closing could not be, so it is posted,
	// re-dated or cancelled first.
	Drafts []DraftCount
	// PendingApprovals are the orders waiting for approval. Orders book
	// nothing, so they only warn.
	PendingApprovals int
	// NegativeStock names the balances below zero at the month's end:
	// their cost is re-valued at the next receipt, so the month's cost of
	// sales is not final.
	NegativeStock []string
	// VATDue and VATOverpaid are the closing's VAT position (转出未交增值税,
	// 转出多交增值税), shown for the closer to compare with the tax return.
	VATDue, VATOverpaid decimal.Decimal
	// Books is BooksCheck's verdict at the month's end (nil when it holds).
	Books error
	// Extra are items other modules add (e.g. unreviewed vouchers when
	// review is required): the extension point, taken as they come.
	Extra []ChecklistItem
}

// Checklist is a month's closing checklist.
type Checklist struct {
	Period  string `json:"period"`
	LastDay string `json:"last_day"`
	// Early: the month's last day has not passed, so closing needs force
	// and a reason.
	Early    bool            `json:"early"`
	Blocking []string        `json:"blocking"`
	Items    []ChecklistItem `json:"items"`
}

// BuildChecklist turns the facts of period into its checklist, judged on
// today (a business date).
func BuildChecklist(period, today string, f ChecklistFacts) Checklist {
	_, lastDay := PeriodEnd(period)
	c := Checklist{Period: period, LastDay: lastDay, Early: today <= lastDay, Blocking: []string{}}
	ended := ChecklistItem{Code: CheckEnded, Title: "月份已结束", Level: CheckOK, Message: fmt.Sprintf("%s 已过", lastDay)}
	if c.Early {
		ended.Level, ended.Message = CheckWarn, fmt.Sprintf("本月最后一天 %s 尚未过去，提前结账须强制并填写原因", lastDay)
	}
	drafts := ChecklistItem{Code: CheckDrafts, Title: "本月草稿单据", Level: CheckOK, Message: "无", Details: []string{}}
	for _, d := range f.Drafts {
		if d.Count > 0 {
			drafts.Count += d.Count
			drafts.Details = append(drafts.Details, fmt.Sprintf("%s %d 张", DocName(d.DocType), d.Count))
		}
	}
	if drafts.Count > 0 {
		drafts.Level, drafts.Message = CheckBlock, fmt.Sprintf("%d 张草稿的业务日期在本月，请过账、改期或作废", drafts.Count)
	}
	pending := ChecklistItem{Code: CheckPendingApprovals, Title: "待审批单据", Level: CheckOK, Count: f.PendingApprovals, Message: "无", Details: []string{}}
	if f.PendingApprovals > 0 {
		pending.Level, pending.Message = CheckWarn, fmt.Sprintf("%d 张订单待审批（订单不记账，不影响结账）", f.PendingApprovals)
	}
	neg := ChecklistItem{Code: CheckNegativeStock, Title: "负库存", Level: CheckOK, Count: len(f.NegativeStock), Message: "无",
		Details: append([]string{}, f.NegativeStock...)}
	if len(f.NegativeStock) > 0 {
		neg.Level, neg.Message = CheckBlock, fmt.Sprintf("%d 项库存为负，成本未定，请先补录入库", len(f.NegativeStock))
	}
	vat := ChecklistItem{Code: CheckVAT, Title: "增值税", Level: CheckInfo, Details: []string{}}
	switch {
	case f.VATDue.IsPositive():
		vat.Message = fmt.Sprintf("本月应交增值税 %s，结账时转入未交增值税", f.VATDue.StringFixed(2))
	case f.VATOverpaid.IsPositive():
		vat.Message = fmt.Sprintf("本月多交增值税 %s，结账时转出", f.VATOverpaid.StringFixed(2))
	default:
		vat.Message = "本月无应交增值税（进项留抵或无销项）"
	}
	books := ChecklistItem{Code: CheckBooks, Title: "账实核对（1405 与库存、1122/2202 与往来）", Level: CheckOK, Message: "一致", Details: []string{}}
	if f.Books != nil {
		books.Level, books.Message = CheckBlock, f.Books.Error()
		if e := AsError(f.Books); e != nil && e.Kind != KindInternal {
			books.Message = e.Message
		}
	}
	c.Items = append(c.Items, ended, drafts, pending, neg, vat, books)
	c.Items = append(c.Items, f.Extra...)
	for _, it := range c.Items {
		if it.Level == CheckBlock {
			c.Blocking = append(c.Blocking, it.Code)
		}
	}
	return c
}

// Check refuses a closing the checklist blocks (closing_blocked), naming
// the blocking items in the message and in details.items.
func (c Checklist) Check() error {
	if len(c.Blocking) == 0 {
		return nil
	}
	titles := make([]string, 0, len(c.Blocking))
	for _, it := range c.Items {
		if it.Level == CheckBlock {
			titles = append(titles, it.Title+"："+it.Message)
		}
	}
	return Errorf(KindConflict, CodeClosingBlocked, "%s 不能结账：%s", c.Period, strings.Join(titles, "；")).
		WithField("period").WithDetails(map[string]any{"items": c.Blocking})
}

// MaxCloseReason is the longest reason a forced closing may give.
const MaxCloseReason = 500

// CheckCloseTime checks when period is being closed: only after its last
// day (today, a business date, is later), unless the closer forces it and
// says why. It returns the reason trimmed, and whether the closing is early.
func CheckCloseTime(period, today string, force bool, reason string) (string, bool, error) {
	reason = strings.TrimSpace(reason)
	_, lastDay := PeriodEnd(period)
	early := today <= lastDay
	if !early {
		return reason, false, nil
	}
	if !force {
		return reason, true, Errorf(KindConflict, CodeCloseEarly, "%s 的最后一天 %s 尚未过去，不能结账；如须提前结账，请选择强制并填写原因", period, lastDay).
			WithField("force")
	}
	if reason == "" {
		return reason, true, Invalid("reason", "提前结账须填写原因")
	}
	if len([]rune(reason)) > MaxCloseReason {
		return reason, true, Invalid("reason", "原因最多 %d 个字", MaxCloseReason)
	}
	return reason, true, nil
}

// Checklist item codes other modules add (ChecklistFacts.Extra).
const (
	// CheckUnreviewed: the month's vouchers not yet reviewed (凭证审核);
	// blocking when review is required, a figure otherwise.
	CheckUnreviewed = "unreviewed_vouchers"
	// CheckOpeningsBalanced: the openings' 试算平衡, on the start period only.
	CheckOpeningsBalanced = "openings_balanced"
)

// UnreviewedItem is the checklist item of a month's unreviewed vouchers:
// blocking when review is required (closing refuses with
// unreviewed_vouchers), shown as info otherwise.
func UnreviewedItem(required bool, unreviewed int64) ChecklistItem {
	it := ChecklistItem{Code: CheckUnreviewed, Title: "未审核凭证", Level: CheckOK, Count: int(unreviewed), Message: "无", Details: []string{}}
	switch {
	case unreviewed == 0:
	case required:
		it.Level, it.Message = CheckBlock, fmt.Sprintf("%d 张凭证未审核，审核后才能结账", unreviewed)
	default:
		it.Level, it.Message = CheckInfo, fmt.Sprintf("%d 张凭证未审核（未要求审核，不影响结账）", unreviewed)
	}
	return it
}

// OpeningsItem is the checklist item of the openings' 试算平衡 when the
// start period is being closed: blocking while they do not balance
// (closing refuses with openings_unbalanced).
func OpeningsItem(check error) ChecklistItem {
	it := ChecklistItem{Code: CheckOpeningsBalanced, Title: "期初试算平衡", Level: CheckOK, Message: "平衡", Details: []string{}}
	if check != nil {
		it.Level, it.Message = CheckBlock, check.Error()
		if e := AsError(check); e != nil {
			it.Message = e.Message
		}
	}
	return it
}
