package domain

import (
	"slices"
	"strings"
	"testing"
)

// allPermissions is every permission erpd checks, for the role matrix.
var allPermissions = []Permission{PermMasterRead, PermMasterWrite, PermStockRead, PermStockWrite, PermUserManage,
	PermAuditRead, PermDictWrite, PermPurchaseRead, PermPurchaseWrite, PermSalesRead, PermSalesWrite, PermApprove,
	PermApprovalAdmin, PermLedgerRead, PermLedgerWrite, PermLedgerAdmin, PermLedgerReopen, PermCostRead,
	PermPartnerCredit, PermWarehousePolicy}

// The permission matrix of the fixed roles: each row is everything the role
// grants, and Can must refuse every permission not listed.
func TestRolePermissionMatrix(t *testing.T) {
	matrix := map[Role][]Permission{
		RoleAdmin: allPermissions,
		// 采购员: buys and keeps products and suppliers; no stock postings.
		RolePurchaser: {PermMasterRead, PermMasterWrite, PermStockRead, PermPurchaseRead, PermPurchaseWrite},
		// 销售员: sells; cannot edit master data.
		RoleSales: {PermMasterRead, PermStockRead, PermSalesRead, PermSalesWrite},
		// 仓管: posts stock (receipts, shipments, transfers, stocktakes).
		RoleWarehouse: {PermMasterRead, PermStockRead, PermStockWrite, PermPurchaseRead, PermSalesRead},
		// 财务: the books and closing, but reopening is the administrator's;
		// sees costs and may set credit limits (with master:write in a
		// custom role).
		RoleFinance: {PermMasterRead, PermStockRead, PermAuditRead, PermPurchaseRead, PermSalesRead,
			PermLedgerRead, PermLedgerWrite, PermLedgerAdmin, PermCostRead, PermPartnerCredit},
		// 经理: approves and reads, costs and margins included.
		RoleManager: {PermMasterRead, PermStockRead, PermAuditRead, PermPurchaseRead, PermSalesRead, PermApprove, PermLedgerRead,
			PermCostRead},
		// 只读
		RoleViewer: {PermMasterRead, PermStockRead, PermPurchaseRead, PermSalesRead},
	}
	if len(Roles()) != len(matrix) {
		t.Fatalf("Roles() lists %d roles, the matrix has %d", len(Roles()), len(matrix))
	}
	for _, info := range Roles() {
		want, ok := matrix[info.Role]
		if !ok {
			t.Errorf("role %s is not in the matrix", info.Role)
			continue
		}
		if info.Name == "" {
			t.Errorf("role %s has no name", info.Role)
		}
		u := User{ID: 9, Roles: []Role{info.Role}}
		for _, p := range allPermissions {
			if got := u.Can(p); got != slices.Contains(want, p) {
				t.Errorf("%s.Can(%s) = %v", info.Role, p, got)
			}
		}
		sorted := slices.Clone(want)
		slices.Sort(sorted)
		if got := u.Permissions(); !slices.Equal(got, sorted) {
			t.Errorf("%s.Permissions() = %v, want %v", info.Role, got, sorted)
		}
	}
}

func TestUserPermissionsCombine(t *testing.T) {
	cases := []struct {
		name  string
		roles []Role
		can   []Permission
		not   []Permission
		count int
	}{
		{"no roles", nil, nil, []Permission{PermMasterRead}, 0},
		{"unknown role grants nothing", []Role{"root"}, nil, []Permission{PermMasterRead, PermUserManage}, 0},
		{"purchaser and sales is the union", []Role{RolePurchaser, RoleSales}, []Permission{PermPurchaseWrite, PermSalesWrite, PermMasterWrite},
			[]Permission{PermStockWrite, PermApprove}, 7},
		{"repeated role counts once", []Role{RoleViewer, RoleViewer}, []Permission{PermSalesRead}, []Permission{PermSalesWrite}, 4},
		{"finance and manager: approve, but no reopen", []Role{RoleFinance, RoleManager}, []Permission{PermApprove, PermLedgerAdmin},
			[]Permission{PermLedgerReopen, PermUserManage}, 11},
	}
	for _, c := range cases {
		u := User{ID: 3, Roles: c.roles}
		for _, p := range c.can {
			if !u.Can(p) {
				t.Errorf("%s: cannot %s", c.name, p)
			}
		}
		for _, p := range c.not {
			if u.Can(p) {
				t.Errorf("%s: can %s", c.name, p)
			}
		}
		got := u.Permissions()
		if len(got) != c.count || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
			t.Errorf("%s: Permissions() = %v, want %d sorted distinct", c.name, got, c.count)
		}
	}
}

func TestValidRole(t *testing.T) {
	for r, want := range map[Role]bool{RoleAdmin: true, RolePurchaser: true, RoleSales: true, RoleWarehouse: true,
		RoleFinance: true, RoleManager: true, RoleViewer: true, "": false, "Admin": false, "root": false, "admin ": false} {
		if ValidRole(r) != want {
			t.Errorf("ValidRole(%q) = %v", r, !want)
		}
	}
}

func TestDefaultScope(t *testing.T) {
	cases := []struct {
		roles []Role
		want  string
	}{
		{[]Role{RoleSales}, ScopeOwn},
		{[]Role{RolePurchaser}, ScopeOwn},
		{[]Role{RoleWarehouse, RoleSales}, ScopeOwn}, // anyone who makes documents sees their own first
		{[]Role{RoleWarehouse}, ScopeAll},
		{[]Role{RoleFinance}, ScopeAll},
		{[]Role{RoleManager}, ScopeAll},
		{[]Role{RoleViewer}, ScopeAll},
		{[]Role{RoleAdmin}, ScopeAll},
		{nil, ScopeAll},
	}
	for _, c := range cases {
		if got := DefaultScope(c.roles); got != c.want {
			t.Errorf("DefaultScope(%v) = %s, want %s", c.roles, got, c.want)
		}
	}
}

func TestUserValidate(t *testing.T) {
	ok := func() User { return User{Username: "zhang.san", Name: "张三", Roles: []Role{RoleSales}} }
	cases := []struct {
		name      string
		edit      func(*User)
		wantField string
		status    string
		scope     string
	}{
		{"defaults for sales", func(u *User) {}, "", UserActive, ScopeOwn},
		{"defaults for warehouse", func(u *User) { u.Roles = []Role{RoleWarehouse} }, "", UserActive, ScopeAll},
		{"explicit department scope kept", func(u *User) { u.DataScope = ScopeDepartment }, "", UserActive, ScopeDepartment},
		{"disabled kept", func(u *User) { u.Status = UserDisabled }, "", UserDisabled, ScopeOwn},
		{"username trimmed", func(u *User) { u.Username = "  li_si-2 " }, "", UserActive, ScopeOwn},
		{"username of 2", func(u *User) { u.Username = "ab" }, "", UserActive, ScopeOwn},
		{"username of 32", func(u *User) { u.Username = strings.Repeat("a", 32) }, "", UserActive, ScopeOwn},
		{"username of 1", func(u *User) { u.Username = "a" }, "username", "", ""},
		{"username of 33", func(u *User) { u.Username = strings.Repeat("a", 33) }, "username", "", ""},
		{"username in Chinese", func(u *User) { u.Username = "张三" }, "username", "", ""},
		{"username starting with a dot", func(u *User) { u.Username = ".zhang" }, "username", "", ""},
		{"username with a space", func(u *User) { u.Username = "zhang san" }, "username", "", ""},
		{"name blank", func(u *User) { u.Name = "  " }, "name", "", ""},
		{"name of 64 runes", func(u *User) { u.Name = strings.Repeat("张", 64) }, "", UserActive, ScopeOwn},
		{"name of 65 runes", func(u *User) { u.Name = strings.Repeat("张", 65) }, "name", "", ""},
		{"no roles", func(u *User) { u.Roles = nil }, "roles", "", ""},
		// Custom roles live in the database: Validate checks the code's
		// form, the use case checks it exists.
		{"malformed role", func(u *User) { u.Roles = []Role{RoleSales, "Boss!"} }, "roles", "", ""},
		{"custom role code", func(u *User) { u.Roles = []Role{"boss"} }, "", UserActive, ScopeAll},
		{"unknown status", func(u *User) { u.Status = "locked" }, "status", "", ""},
		{"unknown scope", func(u *User) { u.DataScope = "team" }, "data_scope", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := ok()
			c.edit(&u)
			err := u.Validate()
			if c.wantField != "" {
				if e := AsError(err); e == nil || e.Field != c.wantField || e.Code != CodeValidation {
					t.Fatalf("Validate = %v, want an error on %s", err, c.wantField)
				}
				return
			}
			if err != nil {
				t.Fatalf("Validate = %v", err)
			}
			if u.Status != c.status || u.DataScope != c.scope || u.Username != strings.TrimSpace(u.Username) {
				t.Fatalf("after Validate: status %s scope %s username %q", u.Status, u.DataScope, u.Username)
			}
		})
	}
}

func TestCheckPasswordPolicy(t *testing.T) {
	cases := []struct {
		name, username, pw string
		wantMsg            string // "" when accepted
	}{
		{"8 with letters and digits", "zhang", "abcdefg1", ""},
		{"7 is too short", "zhang", "abcdef1", "密码长度应为 8 到 72 位"},
		{"72 bytes is the bcrypt limit", "zhang", strings.Repeat("a1", 36), ""},
		{"73 bytes", "zhang", strings.Repeat("a1", 36) + "b", "密码长度应为 8 到 72 位"},
		{"letters only", "zhang", "abcdefghij", "密码必须同时包含字母和数字"},
		{"digits only", "zhang", "1234567890123", "密码必须同时包含字母和数字"},
		{"Chinese letters count as letters", "zhang", "仓库管理2026", ""},
		{"common password in other case", "zhang", "PassWord123", "密码过于简单，请换一个"},
		{"common password", "zhang", "1qaz2wsx", "密码过于简单，请换一个"},
		{"contains the username", "Zhang", "myzhang2026", "密码过于简单，请换一个"},
		{"no username to compare", "", "myzhang2026", ""},
	}
	for _, c := range cases {
		err := CheckPassword("new_password", c.username, c.pw)
		if c.wantMsg == "" {
			if err != nil {
				t.Errorf("%s: CheckPassword = %v", c.name, err)
			}
			continue
		}
		if e := AsError(err); e == nil || e.Field != "new_password" || e.Message != c.wantMsg {
			t.Errorf("%s: CheckPassword = %v, want %q", c.name, err, c.wantMsg)
		}
	}
}
