package domain

import "testing"

func TestApprovalRuleValidate(t *testing.T) {
	tests := []struct {
		name  string
		rule  ApprovalRule
		field string
	}{
		{"valid", ApprovalRule{DocType: DocPurchaseOrder, MinAmount: orderQty("10000"), Role: RoleManager}, ""},
		{"not an order", ApprovalRule{DocType: DocSalesShipment, Role: RoleManager}, "doc_type"},
		{"negative threshold", ApprovalRule{DocType: DocSalesOrder, MinAmount: orderQty("-1"), Role: RoleManager}, "min_amount"},
		{"unknown role", ApprovalRule{DocType: DocSalesOrder, Role: "boss"}, "role"},
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
