package domain

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// PermissionInfo labels a permission for the role editor: the area it is
// grouped under and what it allows, in Chinese.
type PermissionInfo struct {
	Permission Permission `json:"permission"`
	Group      string     `json:"group"`
	Label      string     `json:"label"`
}

// permissionCatalog is every permission there is, in the order the role
// editor shows them. A role may grant only these.
var permissionCatalog = []PermissionInfo{
	{PermMasterRead, "基础资料", "查看基础资料"},
	{PermMasterWrite, "基础资料", "维护商品、仓库、往来单位"},
	{PermPartnerCredit, "基础资料", "设置往来单位信用额度"},
	{PermWarehousePolicy, "基础资料", "设置仓库允许负库存"},
	{PermDictWrite, "基础资料", "维护数据字典"},
	{PermPurchaseRead, "采购", "查看采购单据"},
	{PermPurchaseWrite, "采购", "录入采购单据"},
	{PermSalesRead, "销售", "查看销售单据"},
	{PermSalesWrite, "销售", "录入销售单据"},
	{PermStockRead, "库存", "查看库存"},
	{PermStockWrite, "库存", "出入库、调拨、盘点"},
	{PermCostRead, "库存", "查看成本、库存金额与毛利"},
	{PermApprove, "审批", "审批单据"},
	{PermApprovalAdmin, "审批", "设置审批规则"},
	{PermLedgerRead, "财务", "查看账簿与报表"},
	{PermLedgerWrite, "财务", "录入凭证"},
	{PermLedgerAdmin, "财务", "科目、期初、结账"},
	{PermLedgerReopen, "财务", "反结账"},
	{PermUserManage, "系统", "管理用户与角色"},
	{PermAuditRead, "系统", "查看操作日志"},
}

// PermissionCatalog lists every permission with its area and label.
func PermissionCatalog() []PermissionInfo { return permissionCatalog }

// KnownPermission reports whether p is a permission erpd checks.
func KnownPermission(p Permission) bool {
	for _, info := range permissionCatalog {
		if info.Permission == p {
			return true
		}
	}
	return false
}

// roleCodePattern is a role's code: lower-case, as the built-in ones are,
// so a code reads the same in tokens, logs and the audit trail.
var roleCodePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,31}$`)

// Role errors.
const (
	CodeRoleInUse       = "role_in_use"
	CodeRoleBuiltIn     = "role_built_in"
	CodeLastUserManager = "last_user_manager"
	CodeForbiddenField  = "forbidden_field"
	maxRoleNameRunes    = 32
	maxRolePermissions  = 64
)

// ValidateRole checks a custom role before it is stored and puts its
// permissions in a canonical order (sorted, without repeats). Built-in
// codes are taken: they stay templates, so users holding them keep exactly
// what the code grants.
func ValidateRole(r *RoleInfo) error {
	if !roleCodePattern.MatchString(string(r.Role)) {
		return Invalid("role", "角色编码 2-32 位，小写字母开头，只能包含小写字母、数字和下划线")
	}
	if ValidRole(r.Role) {
		return &Error{Kind: KindConflict, Code: CodeDuplicate, Field: "role", Message: "角色编码 " + string(r.Role) + " 是内置角色，请换一个"}
	}
	r.Name = strings.TrimSpace(r.Name)
	if err := checkName("name", r.Name, maxRoleNameRunes); err != nil {
		return err
	}
	if len(r.Permissions) == 0 {
		return Invalid("permissions", "至少勾选一项权限")
	}
	if len(r.Permissions) > maxRolePermissions {
		return Invalid("permissions", "权限过多")
	}
	seen := map[Permission]bool{}
	out := make([]Permission, 0, len(r.Permissions))
	for _, p := range r.Permissions {
		if !KnownPermission(p) {
			return Invalid("permissions", "未知权限 %q", p)
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	r.Permissions = out
	r.BuiltIn = false
	return nil
}

// CheckRoleChange refuses changing or deleting a built-in role: they are
// templates, copied into custom roles.
func CheckRoleChange(code Role) error {
	if ValidRole(code) {
		return &Error{Kind: KindConflict, Code: CodeRoleBuiltIn, Field: "role", Message: "内置角色不能修改或删除，可以复制为新角色后修改"}
	}
	return nil
}

// CheckRoleDelete refuses deleting a role that users still hold: their
// permissions would silently vanish.
func CheckRoleDelete(code Role, holders int) error {
	if err := CheckRoleChange(code); err != nil {
		return err
	}
	if holders > 0 {
		return &Error{Kind: KindConflict, Code: CodeRoleInUse, Field: "role",
			Message: "角色仍有 " + strconv.Itoa(holders) + " 个用户在用，请先调整这些用户的角色", Details: map[string]any{"users": holders}}
	}
	return nil
}

// Grants resolves a set of roles to what they grant, given every custom
// role by code; built-in codes always mean what the code says.
func Grants(held []Role, custom map[Role][]Permission) map[Permission]bool {
	out := map[Permission]bool{}
	for _, r := range held {
		perms, ok := custom[r]
		for _, info := range roles {
			if info.Role == r {
				perms, ok = info.Permissions, true
			}
		}
		if !ok {
			continue
		}
		for _, p := range perms {
			out[p] = true
		}
	}
	return out
}

// CheckManagersRemain refuses a role change that would leave no active
// user able to manage users when some could before: nobody could then
// repair the roles (lock-out). users are all users; before and after are
// every custom role as it is and as it would be after the change.
func CheckManagersRemain(users []User, before, after map[Role][]Permission) error {
	managers := func(custom map[Role][]Permission) bool {
		for _, u := range users {
			if u.Status == UserActive && Grants(u.Roles, custom)[PermUserManage] {
				return true
			}
		}
		return false
	}
	if managers(after) || !managers(before) {
		return nil
	}
	return &Error{Kind: KindConflict, Code: CodeLastUserManager, Field: "permissions",
		Message: "修改后将没有任何启用的用户可以管理用户与角色，系统会被锁死"}
}

// FieldGrant is a field of a record that needs a permission beyond the
// record's own write permission, and whether this change touches it (on
// create: whether it differs from the zero value).
type FieldGrant struct {
	Field   string
	Label   string
	Perm    Permission
	Changed bool
}

// CheckFieldGrants refuses the first touched field the actor may not set,
// naming the field and the permission it needs.
func CheckFieldGrants(can func(Permission) bool, fields []FieldGrant) error {
	for _, f := range fields {
		if f.Changed && !can(f.Perm) {
			return &Error{Kind: KindForbidden, Code: CodeForbiddenField, Field: f.Field,
				Message: "没有权限修改" + f.Label + "（需要 " + string(f.Perm) + " 权限）"}
		}
	}
	return nil
}
