package domain

import (
	"testing"
)

func TestApprovalRuleFields(t *testing.T) {
	cases := []struct {
		name      string
		rule      ApprovalRule
		wantField string
	}{
		{"purchase orders from 10000 by a manager", ApprovalRule{DocType: DocPurchaseOrder, MinAmount: d("10000"), Role: RoleManager}, ""},
		{"every sales order (from 0) by finance", ApprovalRule{DocType: DocSalesOrder, MinAmount: d("0"), Role: RoleFinance}, ""},
		{"threshold in 分", ApprovalRule{DocType: DocSalesOrder, MinAmount: d("99.99"), Role: RoleManager}, ""},
		{"receipts are not approved", ApprovalRule{DocType: DocPurchaseReceipt, MinAmount: d("1"), Role: RoleManager}, "doc_type"},
		{"no type", ApprovalRule{MinAmount: d("1"), Role: RoleManager}, "doc_type"},
		{"negative threshold", ApprovalRule{DocType: DocSalesOrder, MinAmount: d("-0.01"), Role: RoleManager}, "min_amount"},
		{"a custom role's code (app checks it exists)", ApprovalRule{DocType: DocSalesOrder, MinAmount: d("1"), Role: "boss"}, ""},
		{"not a role code", ApprovalRule{DocType: DocSalesOrder, MinAmount: d("1"), Role: "Boss"}, "role"},
		{"no role", ApprovalRule{DocType: DocSalesOrder, MinAmount: d("1")}, "role"},
		{"threshold below 分", ApprovalRule{DocType: DocSalesOrder, MinAmount: d("0.001"), Role: RoleManager}, "min_amount"},
		{"threshold too large", ApprovalRule{DocType: DocSalesOrder, MinAmount: d("10000000000000000"), Role: RoleManager}, "min_amount"},
	}
	for _, c := range cases {
		r := c.rule
		err := r.Validate()
		if c.wantField == "" {
			if err != nil {
				t.Errorf("%s: Validate = %v", c.name, err)
			}
			continue
		}
		if e := AsError(err); e == nil || e.Field != c.wantField || e.Code != CodeValidation {
			t.Errorf("%s: Validate = %v, want an error on %s", c.name, err, c.wantField)
		}
	}
}

// MatchRule picks, among enabled rules of the type whose threshold the
// amount reaches, the one with the highest threshold.
func TestMatchRule(t *testing.T) {
	rules := func() []ApprovalRule {
		return []ApprovalRule{
			{ID: 1, DocType: DocPurchaseOrder, MinAmount: d("10000"), Role: RoleManager, Enabled: true},
			{ID: 2, DocType: DocPurchaseOrder, MinAmount: d("50000"), Role: RoleAdmin, Enabled: true},
			{ID: 3, DocType: DocPurchaseOrder, MinAmount: d("30000"), Role: RoleFinance, Enabled: false},
			{ID: 4, DocType: DocSalesOrder, MinAmount: d("0"), Role: RoleManager, Enabled: false},
			{ID: 5, DocType: DocSalesOrder, MinAmount: d("20000"), Role: RoleFinance, Enabled: true},
		}
	}
	cases := []struct {
		name    string
		docType string
		amount  string
		wantID  int64 // 0: no approval needed
	}{
		{"below every threshold", DocPurchaseOrder, "9999.99", 0},
		{"exactly the threshold", DocPurchaseOrder, "10000", 1},
		{"a disabled rule in between is skipped", DocPurchaseOrder, "30000", 1},
		{"just below the higher rule", DocPurchaseOrder, "49999.99", 1},
		{"the higher rule wins", DocPurchaseOrder, "50000", 2},
		{"far above", DocPurchaseOrder, "1000000", 2},
		{"a disabled catch-all is no rule", DocSalesOrder, "100", 0},
		{"sales rule", DocSalesOrder, "20000.00", 5},
		{"another type's rules never apply", DocPurchaseReceipt, "1000000", 0},
	}
	for _, c := range cases {
		rs := rules()
		got := MatchRule(rs, c.docType, d(c.amount))
		switch {
		case c.wantID == 0 && got != nil:
			t.Errorf("%s: MatchRule = rule %d, want none", c.name, got.ID)
		case c.wantID != 0 && (got == nil || got.ID != c.wantID):
			t.Errorf("%s: MatchRule = %+v, want rule %d", c.name, got, c.wantID)
		}
	}
	if MatchRule(nil, DocSalesOrder, d("1")) != nil {
		t.Error("no rules, no approval")
	}
}

// The permission to decide: the role the approval is routed to, or an
// administrator, but never the person who asked (不能自己审批自己).
func TestApprovalDeciderMatrix(t *testing.T) {
	a := Approval{Role: RoleManager, RequestedBy: 7}
	cases := []struct {
		name string
		user User
		a    Approval
		want bool
	}{
		{"the routed role", User{ID: 8, Roles: []Role{RoleManager}}, a, true},
		{"an administrator", User{ID: 8, Roles: []Role{RoleAdmin}}, a, true},
		{"the role among others", User{ID: 8, Roles: []Role{RoleViewer, RoleManager}}, a, true},
		{"another role", User{ID: 8, Roles: []Role{RoleFinance}}, a, false},
		{"no roles", User{ID: 8}, a, false},
		{"the requester holding the role", User{ID: 7, Roles: []Role{RoleManager}}, a, false},
		{"the requester as administrator", User{ID: 7, Roles: []Role{RoleAdmin}}, a, false},
		{"routed to finance", User{ID: 8, Roles: []Role{RoleFinance}}, Approval{Role: RoleFinance, RequestedBy: 7}, true},
		{"system request (no requester) decided by the role", User{ID: 8, Roles: []Role{RoleManager}}, Approval{Role: RoleManager}, true},
	}
	for _, c := range cases {
		if got := c.a.CanDecide(c.user); got != c.want {
			t.Errorf("%s: CanDecide = %v, want %v", c.name, got, c.want)
		}
	}
}
