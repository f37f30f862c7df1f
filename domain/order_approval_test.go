package domain

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestApprovalRuleValidate(t *testing.T) {
	tests := []struct {
		name  string
		rule  ApprovalRule
		field string
	}{
		{"valid", ApprovalRule{DocType: DocPurchaseOrder, MinAmount: orderQty("10000"), Role: RoleManager}, ""},
		{"not an order", ApprovalRule{DocType: DocSalesShipment, Role: RoleManager}, "doc_type"},
		{"negative threshold", ApprovalRule{DocType: DocSalesOrder, MinAmount: orderQty("-1"), Role: RoleManager}, "min_amount"},
		{"not a role code", ApprovalRule{DocType: DocSalesOrder, Role: "Boss!"}, "role"},
		{"threshold below 分", ApprovalRule{DocType: DocSalesOrder, MinAmount: orderQty("0.001"), Role: RoleManager}, "min_amount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rule.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if de := AsError(err); de == nil || de.Field != tt.field {
				t.Fatalf("got %v, want %s", err, tt.field)
			}
		})
	}
}

func TestApprovalCanDecide(t *testing.T) {
	ap := Approval{Role: RoleManager, RequestedBy: 5}
	tests := []struct {
		name string
		user User
		want bool
	}{
		{"the role", User{ID: 6, Roles: []Role{RoleManager}}, true},
		{"an administrator", User{ID: 7, Roles: []Role{RoleSales, RoleAdmin}}, true},
		{"another role", User{ID: 8, Roles: []Role{RoleSales}}, false},
		{"the requester, even a manager", User{ID: 5, Roles: []Role{RoleManager, RoleAdmin}}, false},
		{"the system (id 0)", User{ID: 0, Roles: []Role{RoleAdmin}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ap.CanDecide(tt.user); got != tt.want {
				t.Fatalf("got %v", got)
			}
		})
	}
	if got := (Approval{Role: RoleManager, RequestedBy: 0}).CanDecide(User{ID: 0, Roles: []Role{RoleManager}}); !got {
		t.Fatal("a request by nobody may be decided by the system")
	}
}

// TestApprovalSteps runs every step of an approval from every state: only a
// pending approval is decided, cancelled or rerouted, each bumping the
// version once; linking an OA instance works in any state.
func TestApprovalSteps(t *testing.T) {
	by := int64(6)
	at := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	steps := []struct {
		name   string
		do     func(a *Approval) error
		status string // after, from pending
		check  func(a Approval) bool
	}{
		{"approve", func(a *Approval) error { return a.Decide(true, &by, at, "同意") }, ApprovalApproved,
			func(a Approval) bool { return *a.DecidedBy == 6 && a.DecidedAt.Equal(at) && a.Comment == "同意" }},
		{"reject", func(a *Approval) error { return a.Decide(false, nil, at, "价格太高") }, ApprovalRejected,
			func(a Approval) bool { return a.DecidedBy == nil && a.Comment == "价格太高" }},
		{"cancel with the document", func(a *Approval) error { return a.Cancel("") }, ApprovalCancelled,
			func(a Approval) bool { return a.Comment == "旧意见" && a.DecidedAt == nil }},
		{"withdrawn in DingTalk", func(a *Approval) error { return a.Cancel("发起人已在钉钉撤销审批") }, ApprovalCancelled,
			func(a Approval) bool { return a.Comment == "发起人已在钉钉撤销审批" }},
		{"to the inbox", func(a *Approval) error { return a.Reroute("local", "（改在 ERP 内审批）") }, ApprovalPending,
			func(a Approval) bool {
				return a.Channel == "local" && a.Reason == "金额达到审批线（改在 ERP 内审批）"
			}},
		{"link", func(a *Approval) error { a.Link("inst-1"); return nil }, ApprovalPending,
			func(a Approval) bool { return a.ExternalID == "inst-1" }},
	}
	for _, st := range steps {
		for _, from := range []string{ApprovalPending, ApprovalApproved, ApprovalRejected, ApprovalCancelled} {
			t.Run(st.name+"/"+from, func(t *testing.T) {
				a := Approval{DocNumber: "SO20261207-0001", Status: from, Channel: "dingtalk", Reason: "金额达到审批线", Comment: "旧意见", Version: 2}
				err := st.do(&a)
				if from != ApprovalPending && st.name != "link" {
					if de := AsError(err); de == nil || de.Code != CodeInvalidState || a.Status != from || a.Version != 2 {
						t.Fatalf("from %s: %v, %s v%d", from, err, a.Status, a.Version)
					}
					return
				}
				want := st.status
				if st.name == "link" {
					want = from
				}
				if err != nil || a.Status != want || a.Version != 3 || !st.check(a) {
					t.Fatalf("from %s: %v %+v", from, err, a)
				}
			})
		}
	}
	long := Approval{Status: ApprovalPending, Reason: strings.Repeat("长", 250)}
	if err := long.Reroute("local", "（钉钉审批未能发起，改在 ERP 内审批）"); err != nil || utf8.RuneCountInString(long.Reason) > 255 {
		t.Fatalf("reason of %d characters", utf8.RuneCountInString(long.Reason))
	}
}
