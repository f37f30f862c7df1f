package domain

import (
	"errors"
	"strings"
	"testing"
)

// booksWantErr checks err against an expected "code:field:message" (parts may
// be empty to skip them); want "" means no error.
func booksWantErr(t *testing.T, what string, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("%s: unexpected %v", what, err)
		}
		return
	}
	parts := strings.SplitN(want, ":", 3)
	e := AsError(err)
	if e == nil {
		t.Errorf("%s: err = %v, want %s", what, err, want)
		return
	}
	if parts[0] != "" && e.Code != parts[0] || len(parts) > 1 && parts[1] != "" && e.Field != parts[1] ||
		len(parts) > 2 && parts[2] != "" && e.Message != parts[2] {
		t.Errorf("%s: err = %s/%s/%q, want %s", what, e.Code, e.Field, e.Message, want)
	}
}

func TestAccountName(t *testing.T) {
	for _, c := range []struct{ in, out, err string }{
		{"  工商银行 ", "工商银行", ""},
		{"", "", "validation_failed:name:科目名称必填，最长 64 字"},
		{"   ", "", "validation_failed:name:"},
		{strings.Repeat("账", 64), strings.Repeat("账", 64), ""},
		{strings.Repeat("账", 65), "", "validation_failed:name:"},
	} {
		got, err := AccountName(c.in)
		booksWantErr(t, c.in, err, c.err)
		if got != c.out {
			t.Errorf("AccountName(%q) = %q", c.in, got)
		}
	}
}

func TestValidateSub(t *testing.T) {
	parent := &Account{ID: 9, Code: "1002", Category: AccountAsset, Normal: Debit, Level: 1}
	for _, c := range []struct {
		code, name string
		parent     *Account
		err        string
	}{
		{" 100201 ", " 工商银行 ", parent, ""},
		{"100201", "", parent, "validation_failed:name:"},
		{"100201", "x", nil, "validation_failed:parent_id:"},
		{"10020", "x", parent, "validation_failed:code:明细科目编码应为上级编码 1002 加两位数字，如 100201"},
		{"100301", "x", parent, "validation_failed:code:"},
		{"1002ab", "x", parent, "validation_failed:code:"},
		{"10020101", "x", parent, "validation_failed:code:"},
	} {
		a := &Account{Code: c.code, Name: c.name}
		err := a.ValidateSub(c.parent)
		booksWantErr(t, c.code, err, c.err)
		if err == nil && (a.Code != "100201" || a.Name != "工商银行" || a.Category != AccountAsset || a.Normal != Debit ||
			a.Level != 2 || a.ParentID == nil || *a.ParentID != 9) {
			t.Errorf("sub-account %+v", a)
		}
	}
}

func TestAccountUser(t *testing.T) {
	ts := StandardTemplates()
	for code, want := range map[string]string{
		AcctReceivable: "系统（收付款、结账）", AcctRetained: "系统（收付款、结账）",
		"5001": "凭证模板「销售出库」", "22210107": "凭证模板「销售出库」", "1901": "凭证模板「盘点盈亏」",
		"1002": "", // the cash line of 收款/付款: each document names its own account
		"5602": "",
	} {
		if got := AccountUser(code, ts); got != want {
			t.Errorf("AccountUser(%s) = %q, want %q", code, got, want)
		}
	}
	if got := AccountUser("5001", nil); got != "" {
		t.Errorf("without templates: %q", got)
	}
}

func TestAccountRules(t *testing.T) {
	acc := &Account{ID: 3, Code: "560201", Name: "办公费"}
	sys := &Account{ID: 4, Code: "5602", Name: "管理费用", System: true}
	cases := []struct {
		name  string
		err   error
		want  string
		isRef bool
	}{
		{"add under a free leaf", AccountFacts{}.CheckAddSub(sys), "", false},
		{"add under a template's account", AccountFacts{UsedBy: "凭证模板「销售出库」"}.CheckAddSub(sys),
			"invalid_state:parent_id:科目 5602 管理费用 由凭证模板「销售出库」使用，不能再增加下级科目", false},
		{"add under an account with postings", AccountFacts{Postings: true}.CheckAddSub(sys),
			"invalid_state:parent_id:科目 5602 管理费用 已有发生额，不能再增加下级科目", false},
		{"delete a free sub-account", AccountFacts{}.CheckDelete(acc), "", false},
		{"delete the standard chart", AccountFacts{}.CheckDelete(sys), "invalid_state::科目 5602 管理费用 属于准则科目表，不能删除（可停用）", false},
		{"delete a used account", AccountFacts{UsedBy: "系统（收付款、结账）"}.CheckDelete(acc), "invalid_state::科目 560201 由系统（收付款、结账）使用，不能删除", false},
		{"delete an account with postings", AccountFacts{Postings: true}.CheckDelete(acc), "referenced::科目 560201 办公费 已有发生额或下级科目，不能删除", true},
		{"delete an account with children", AccountFacts{Children: true}.CheckDelete(acc), "referenced::", true},
	}
	for _, c := range cases {
		booksWantErr(t, c.name, c.err, c.want)
		if c.isRef && AsError(c.err).Code != CodeReferenced {
			t.Errorf("%s: code %s", c.name, AsError(c.err).Code)
		}
		if strings.HasPrefix(c.want, "invalid_state") && !errors.Is(c.err, ErrInvalidState) {
			t.Errorf("%s: not invalid_state", c.name)
		}
	}
}

func TestSetStatus(t *testing.T) {
	for _, c := range []struct {
		status, usedBy, err, after string
	}{
		{StatusInactive, "", "", StatusInactive},
		{StatusActive, "", "", StatusActive},
		{StatusActive, "系统（收付款、结账）", "", StatusActive},
		{StatusInactive, "凭证模板「收款」", "invalid_state:status:科目 560201 由凭证模板「收款」使用，不能停用", "x"},
		{"gone", "", "validation_failed:status:状态只能是 active 或 inactive", "x"},
	} {
		a := &Account{Code: "560201", Status: "x"}
		booksWantErr(t, c.status, a.SetStatus(c.status, c.usedBy), c.err)
		if a.Status != c.after {
			t.Errorf("%s: status %s, want %s", c.status, a.Status, c.after)
		}
	}
}

func TestCheckManualLine(t *testing.T) {
	booksWantErr(t, "leaf", CheckManualLine(0, Account{Code: "5602"}, true, 5), "")
	booksWantErr(t, "missing", CheckManualLine(2, Account{}, false, 77), "validation_failed:lines[2].account_id:科目 77 不存在、已停用或有下级科目（请用明细科目）")
	booksWantErr(t, "controlled", CheckManualLine(1, Account{Code: AcctStock, Name: "库存商品"}, true, 5),
		"validation_failed:lines[1].account_id:科目 1405 库存商品 由业务单据记账（入库、出库、收付款、发票），不能手工记账")
}
