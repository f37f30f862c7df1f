package domain

import (
	"slices"
	"strings"
	"testing"
)

func TestPermissionCatalogCoversEveryPermission(t *testing.T) {
	for _, p := range allPermissions {
		if !KnownPermission(p) {
			t.Errorf("%s is not in the catalog", p)
		}
	}
	if len(PermissionCatalog()) != len(allPermissions) {
		t.Errorf("catalog has %d permissions, want %d", len(PermissionCatalog()), len(allPermissions))
	}
	for _, info := range PermissionCatalog() {
		if info.Group == "" || info.Label == "" {
			t.Errorf("%s has no group or label", info.Permission)
		}
	}
	if KnownPermission("root:all") {
		t.Error("root:all is known")
	}
}

func TestValidateRole(t *testing.T) {
	ok := func() RoleInfo {
		return RoleInfo{Role: "boss_helper", Name: "老板助理", Permissions: []Permission{PermSalesRead, PermMasterRead, PermSalesRead}, BuiltIn: true}
	}
	cases := []struct {
		name  string
		edit  func(*RoleInfo)
		field string
		code  string
	}{
		{"ok", func(*RoleInfo) {}, "", ""},
		{"code too short", func(r *RoleInfo) { r.Role = "b" }, "role", CodeValidation},
		{"code of 32", func(r *RoleInfo) { r.Role = Role("b" + strings.Repeat("x", 31)) }, "", ""},
		{"code of 33", func(r *RoleInfo) { r.Role = Role("b" + strings.Repeat("x", 32)) }, "role", CodeValidation},
		{"upper-case code", func(r *RoleInfo) { r.Role = "Boss" }, "role", CodeValidation},
		{"code starting with a digit", func(r *RoleInfo) { r.Role = "1boss" }, "role", CodeValidation},
		{"built-in code", func(r *RoleInfo) { r.Role = RoleAdmin }, "role", CodeDuplicate},
		{"blank name", func(r *RoleInfo) { r.Name = "  " }, "name", CodeValidation},
		{"name of 32", func(r *RoleInfo) { r.Name = strings.Repeat("角", 32) }, "", ""},
		{"name of 33", func(r *RoleInfo) { r.Name = strings.Repeat("角", 33) }, "name", CodeValidation},
		{"no permissions", func(r *RoleInfo) { r.Permissions = nil }, "permissions", CodeValidation},
		{"unknown permission", func(r *RoleInfo) { r.Permissions = append(r.Permissions, "root:all") }, "permissions", CodeValidation},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ok()
			c.edit(&r)
			err := ValidateRole(&r)
			if c.field == "" {
				if err != nil {
					t.Fatalf("ValidateRole = %v", err)
				}
				if r.BuiltIn || !slices.IsSorted(r.Permissions) || len(r.Permissions) != 2 {
					t.Errorf("not canonical: %+v", r)
				}
				return
			}
			if e := AsError(err); e == nil || e.Field != c.field || e.Code != c.code {
				t.Fatalf("ValidateRole = %v, want %s on %s", err, c.code, c.field)
			}
		})
	}
}

func TestCheckRoleDelete(t *testing.T) {
	if err := CheckRoleDelete("boss", 0); err != nil {
		t.Errorf("unused custom role: %v", err)
	}
	if e := AsError(CheckRoleDelete("boss", 2)); e == nil || e.Code != CodeRoleInUse || e.Kind != KindConflict {
		t.Errorf("role in use: %v", e)
	}
	if e := AsError(CheckRoleDelete(RoleViewer, 0)); e == nil || e.Code != CodeRoleBuiltIn {
		t.Errorf("built-in: %v", e)
	}
	if e := AsError(CheckRoleChange(RoleAdmin)); e == nil || e.Code != CodeRoleBuiltIn {
		t.Errorf("change built-in: %v", e)
	}
}

func TestGrants(t *testing.T) {
	custom := map[Role][]Permission{"boss": {PermCostRead, PermUserManage}, "admin": {PermSalesRead}}
	g := Grants([]Role{"boss", RoleSales, "ghost"}, custom)
	for _, p := range []Permission{PermCostRead, PermUserManage, PermSalesWrite} {
		if !g[p] {
			t.Errorf("boss+sales lacks %s", p)
		}
	}
	if g[PermLedgerRead] || len(g) != 6 {
		t.Errorf("grants = %v", g)
	}
	// A custom entry cannot redefine a built-in code.
	if g := Grants([]Role{RoleAdmin}, custom); !g[PermLedgerReopen] {
		t.Errorf("admin redefined: %v", g)
	}
	u := User{Roles: []Role{"boss"}, Granted: Grants([]Role{"boss"}, custom)}
	if !u.Can(PermCostRead) || u.Can(PermSalesRead) || !slices.Equal(u.Permissions(), []Permission{PermCostRead, PermUserManage}) {
		t.Errorf("resolved user: %v", u.Permissions())
	}
	if (User{Roles: []Role{"boss"}}).Can(PermCostRead) {
		t.Error("an unresolved custom role grants something")
	}
}

func TestCheckManagersRemain(t *testing.T) {
	users := []User{
		{ID: 1, Roles: []Role{"boss"}, Status: UserActive},
		{ID: 2, Roles: []Role{RoleAdmin}, Status: UserDisabled},
		{ID: 3, Roles: []Role{RoleSales}, Status: UserActive},
	}
	manages := map[Role][]Permission{"boss": {PermUserManage}}
	sells := map[Role][]Permission{"boss": {PermSalesRead}}
	if err := CheckManagersRemain(users, sells, manages); err != nil {
		t.Errorf("boss gains user:manage: %v", err)
	}
	// Taking user:manage off boss leaves only a disabled admin.
	if e := AsError(CheckManagersRemain(users, manages, sells)); e == nil || e.Code != CodeLastUserManager || e.Kind != KindConflict {
		t.Errorf("lock-out: %v", e)
	}
	// Nobody managed before either (a fresh install's system actor):
	// the change takes nothing away.
	if err := CheckManagersRemain(users, sells, sells); err != nil {
		t.Errorf("no manager before: %v", err)
	}
	users[1].Status = UserActive
	if err := CheckManagersRemain(users, manages, sells); err != nil {
		t.Errorf("active admin: %v", err)
	}
}

func TestCheckFieldGrants(t *testing.T) {
	purchaser := User{Roles: []Role{RolePurchaser}}
	fields := []FieldGrant{{Field: "name", Perm: PermMasterWrite, Changed: true, Label: "名称"},
		{Field: "credit_limit", Label: "信用额度", Perm: PermPartnerCredit}}
	if err := CheckFieldGrants(purchaser.Can, fields); err != nil {
		t.Errorf("untouched credit limit: %v", err)
	}
	fields[1].Changed = true
	e := AsError(CheckFieldGrants(purchaser.Can, fields))
	if e == nil || e.Kind != KindForbidden || e.Code != CodeForbiddenField || e.Field != "credit_limit" || !strings.Contains(e.Message, "信用额度") {
		t.Errorf("purchaser sets credit: %v", e)
	}
	admin := User{Roles: []Role{RoleAdmin}}
	if err := CheckFieldGrants(admin.Can, fields); err != nil {
		t.Errorf("admin sets credit: %v", err)
	}
}
