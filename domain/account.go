package domain

import (
	"fmt"
	"strings"
)

// The chart's maintenance rules (科目维护): names, sub-accounts, status,
// deletion and which accounts manual vouchers may use. The store reads
// the facts (postings, children, templates); these decide.

// AccountName trims an account's name and checks it: required, at most 64
// characters.
func AccountName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 64 {
		return "", Invalid("name", "科目名称必填，最长 64 字")
	}
	return name, nil
}

// SystemAccounts are the accounts erpd's own rules post to besides the
// templates': money documents (往来), closing (结转增值税, 损益, 本年利润).
// Cash and bank accounts are not among them: a money document books to
// the account it names, so 1002 may have a sub-account per bank account.
var SystemAccounts = []string{AcctReceivable, AcctPayable, AcctPrepaid, AcctAdvanceReceived,
	AcctStock, AcctVATPrepaid, AcctVATOutPaid, AcctVATOverpaid, AcctVATUnpaid,
	AcctProfit, AcctRetained}

// AccountUser says what posts to an account by its code — erpd's own
// rules or one of templates — or "" when nothing does. Such an account
// must stay a leaf and active, or generated vouchers would land on a
// parent or fail. A template's cash line does not count: each money
// document names its own cash or bank account.
func AccountUser(code string, templates []VoucherTemplate) string {
	for _, c := range SystemAccounts {
		if c == code {
			return "系统（收付款、结账）"
		}
	}
	for _, t := range templates {
		for _, l := range t.Lines {
			if l.Account == code && l.Amount != AmtMoney {
				return "凭证模板「" + t.Name + "」"
			}
		}
	}
	return ""
}

// AccountFacts are what the store knows of an account that its
// maintenance rules need.
type AccountFacts struct {
	// UsedBy is AccountUser's answer: what posts to it by code.
	UsedBy string
	// Postings: a voucher line is booked to it.
	Postings bool
	// Children: it has sub-accounts.
	Children bool
}

// CheckAddSub decides whether parent may take a new sub-account (明细科目):
// not one erpd's rules or a template post to (they need a leaf), nor one
// with postings of its own (they would sit on a non-leaf account).
func (f AccountFacts) CheckAddSub(parent *Account) error {
	if f.UsedBy != "" {
		return ErrInvalidState.WithField("parent_id").WithMessage("科目 %s %s 由%s使用，不能再增加下级科目", parent.Code, parent.Name, f.UsedBy)
	}
	if f.Postings {
		return ErrInvalidState.WithField("parent_id").WithMessage("科目 %s %s 已有发生额，不能再增加下级科目", parent.Code, parent.Name)
	}
	return nil
}

// CheckDelete decides whether an account may be deleted: the standard
// chart stays (it may be disabled), as do accounts something posts to,
// has posted to, or that have sub-accounts.
func (f AccountFacts) CheckDelete(a *Account) error {
	switch {
	case a.System:
		return ErrInvalidState.WithMessage("科目 %s %s 属于准则科目表，不能删除（可停用）", a.Code, a.Name)
	case f.UsedBy != "":
		return ErrInvalidState.WithMessage("科目 %s 由%s使用，不能删除", a.Code, f.UsedBy)
	case f.Postings || f.Children:
		return &Error{Kind: KindConflict, Code: CodeReferenced,
			Message: fmt.Sprintf("科目 %s %s 已有发生额或下级科目，不能删除", a.Code, a.Name)}
	}
	return nil
}

// SetStatus enables or disables an account; one something posts to by
// code (usedBy, see AccountUser) stays active.
func (a *Account) SetStatus(status, usedBy string) error {
	if status != StatusActive && status != StatusInactive {
		return Invalid("status", "状态只能是 active 或 inactive")
	}
	if status == StatusInactive && usedBy != "" {
		return ErrInvalidState.WithField("status").WithMessage("科目 %s 由%s使用，不能停用", a.Code, usedBy)
	}
	a.Status = status
	return nil
}

// CheckManualLine checks the account of a manual voucher's line i (手工凭证):
// a leaf that is active (leaf holds only those; ok is whether it was
// found), and not a controlled account, which the business documents keep
// (入库、出库、收付款、发票).
func CheckManualLine(i int, a Account, ok bool, id int64) error {
	f := fmt.Sprintf("lines[%d].account_id", i)
	if !ok {
		return Invalid(f, "科目 %d 不存在、已停用或有下级科目（请用明细科目）", id)
	}
	if ControlledAccounts[a.Code] {
		return Invalid(f, "科目 %s %s 由业务单据记账（入库、出库、收付款、发票），不能手工记账", a.Code, a.Name)
	}
	return nil
}
