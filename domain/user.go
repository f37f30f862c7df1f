package domain

import (
	"sort"
	"strings"
	"time"
	"unicode"
)

// Role is an ERP role. Roles grant permissions; a user may hold several.
type Role string

// The fixed roles of erpd.
const (
	RoleAdmin     Role = "admin"     // 管理员
	RolePurchaser Role = "purchaser" // 采购员
	RoleSales     Role = "sales"     // 销售员
	RoleWarehouse Role = "warehouse" // 仓管
	RoleFinance   Role = "finance"   // 财务
	RoleManager   Role = "manager"   // 经理（审批人）
	RoleViewer    Role = "viewer"    // 只读
)

// Permission is one action an endpoint or use case checks.
type Permission string

// Permissions. Reads of master data are open to every signed-in user because
// every role needs product and partner names to do its work.
const (
	PermMasterRead  Permission = "master:read"
	PermMasterWrite Permission = "master:write"
	PermStockRead   Permission = "stock:read"
	PermStockWrite  Permission = "stock:write" // opening, transfers, stocktakes
	PermUserManage  Permission = "user:manage"
	PermAuditRead   Permission = "audit:read"
	PermDictWrite   Permission = "dict:write"
	// Purchase and sales documents; receipts, shipments and returns are
	// stock postings and need stock:write (the warehouse does them).
	PermPurchaseRead  Permission = "purchase:read"
	PermPurchaseWrite Permission = "purchase:write"
	PermSalesRead     Permission = "sales:read"
	PermSalesWrite    Permission = "sales:write"
	PermApprove       Permission = "approval:decide"
	PermApprovalAdmin Permission = "approval:admin" // approval rules
	// The books: reading them, manual vouchers and reversals, the chart,
	// templates and month-end closing; reopening a closed month is an
	// administrator's alone.
	PermLedgerRead   Permission = "ledger:read"
	PermLedgerWrite  Permission = "ledger:write"
	PermLedgerAdmin  Permission = "ledger:admin"
	PermLedgerReopen Permission = "ledger:reopen"
	// PermCostRead shows what goods cost: unit and average cost, stock
	// value, cost of goods sold, gross profit and margin. Without it those
	// fields are absent from every answer, not zero, so a salesperson cannot
	// work back from a price to the margin.
	PermCostRead Permission = "cost:read"
	// Fields of master data that move money or stock rules, split from
	// master:write because whoever keeps names and addresses up to date
	// should not also decide how much credit a customer gets or whether a
	// warehouse may go negative.
	PermPartnerCredit   Permission = "partner:credit"   // 往来单位信用额度
	PermWarehousePolicy Permission = "warehouse:policy" // 仓库允许负库存
)

// RoleInfo is a role: its code, its name and what it grants. The built-in
// ones are templates kept in code (read-only, copyable); custom ones live
// in the roles table.
type RoleInfo struct {
	Role        Role         `json:"role"`
	Name        string       `json:"name"`
	Permissions []Permission `json:"permissions"`
	BuiltIn     bool         `json:"built_in"`
	Version     int          `json:"version,omitempty"`
}

var roles = []RoleInfo{
	{RoleAdmin, "管理员", []Permission{PermMasterRead, PermMasterWrite, PermStockRead, PermStockWrite, PermUserManage, PermAuditRead,
		PermDictWrite, PermPurchaseRead, PermPurchaseWrite, PermSalesRead, PermSalesWrite, PermApprove, PermApprovalAdmin,
		PermLedgerRead, PermLedgerWrite, PermLedgerAdmin, PermLedgerReopen, PermCostRead, PermPartnerCredit, PermWarehousePolicy}, true, 0},
	{RolePurchaser, "采购员", []Permission{PermMasterRead, PermMasterWrite, PermStockRead, PermPurchaseRead, PermPurchaseWrite}, true, 0},
	{RoleSales, "销售员", []Permission{PermMasterRead, PermStockRead, PermSalesRead, PermSalesWrite}, true, 0},
	{RoleWarehouse, "仓管", []Permission{PermMasterRead, PermStockRead, PermStockWrite, PermPurchaseRead, PermSalesRead}, true, 0},
	{RoleFinance, "财务", []Permission{PermMasterRead, PermStockRead, PermAuditRead, PermPurchaseRead, PermSalesRead,
		PermLedgerRead, PermLedgerWrite, PermLedgerAdmin, PermCostRead, PermPartnerCredit}, true, 0},
	{RoleManager, "经理", []Permission{PermMasterRead, PermStockRead, PermAuditRead, PermPurchaseRead, PermSalesRead, PermApprove,
		PermLedgerRead, PermCostRead}, true, 0},
	{RoleViewer, "只读", []Permission{PermMasterRead, PermStockRead, PermPurchaseRead, PermSalesRead}, true, 0},
}

// Roles lists the built-in roles with what they grant.
func Roles() []RoleInfo { return roles }

// ValidRole reports whether r is one of the built-in roles.
func ValidRole(r Role) bool {
	for _, info := range roles {
		if info.Role == r {
			return true
		}
	}
	return false
}

// Data scopes limit which documents a user sees.
const (
	ScopeOwn        = "own"        // 本人
	ScopeDepartment = "department" // 本部门及下级
	ScopeAll        = "all"        // 全部
)

// User states.
const (
	UserActive   = "active"
	UserDisabled = "disabled"
)

// User is a person who signs in to erpd.
type User struct {
	ID             int64  `json:"id"`
	Username       string `json:"username"`
	Name           string `json:"name"`
	PasswordHash   string `json:"-"`
	Roles          []Role `json:"roles"`
	Status         string `json:"status"`
	DataScope      string `json:"data_scope"`
	DepartmentID   *int64 `json:"department_id"`
	DingTalkUserID string `json:"dingtalk_user_id"`
	Mobile         string `json:"mobile"`
	Email          string `json:"email"`
	Title          string `json:"title"`
	JobNumber      string `json:"job_number"`
	// LeadsDepartments are the departments the user leads (主管), which
	// widens a department data scope to their whole subtree.
	LeadsDepartments []int64 `json:"leads_departments"`
	// Source is "local" for users made in erpd, "dingtalk" for mirrored ones.
	Source       string `json:"source"`
	TokenVersion int    `json:"-"`
	// TOTPEnabled asks for a one-time code (两步验证) at password sign-in.
	// TOTPSecret is the authenticator's key, sealed (see app/totp.go);
	// TOTPLastStep is the last 30-second step a code was accepted for, so
	// a code is never accepted twice.
	TOTPEnabled  bool       `json:"totp_enabled"`
	TOTPSecret   string     `json:"-"`
	TOTPLastStep int64      `json:"-"`
	LastLoginAt  *time.Time `json:"last_login_at"`
	// Granted is what the user's roles grant, resolved once when the user
	// is loaded as the actor (custom roles live in the database). Nil means
	// unresolved: only the built-in roles count, so an unresolved custom
	// role grants nothing.
	Granted   map[Permission]bool `json:"-"`
	Version   int                 `json:"version"`
	CreatedAt time.Time           `json:"created_at"`
	UpdatedAt time.Time           `json:"updated_at"`
}

// Can reports whether any of u's roles grants p.
func (u User) Can(p Permission) bool {
	if u.Granted != nil {
		return u.Granted[p]
	}
	for _, r := range u.Roles {
		for _, info := range roles {
			if info.Role != r {
				continue
			}
			for _, g := range info.Permissions {
				if g == p {
					return true
				}
			}
		}
	}
	return false
}

// Permissions lists what u may do, for the /me response and the UI.
func (u User) Permissions() []Permission {
	set := map[Permission]bool{}
	for p, ok := range u.Granted {
		if ok {
			set[p] = true
		}
	}
	for _, info := range roles {
		if u.Granted != nil {
			break
		}
		for _, r := range u.Roles {
			if r == info.Role {
				for _, p := range info.Permissions {
					set[p] = true
				}
			}
		}
	}
	out := make([]Permission, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Validate checks a user's own fields.
func (u *User) Validate() error {
	u.Username = CanonicalUsername(u.Username)
	if !ValidUsername(u.Username) {
		return Invalid("username", "用户名 2-32 位，只能包含字母、数字、_ . -")
	}
	if err := checkName("name", u.Name, 64); err != nil {
		return err
	}
	if len(u.Roles) == 0 {
		return Invalid("roles", "至少需要一个角色")
	}
	for _, r := range u.Roles {
		if !roleCodePattern.MatchString(string(r)) {
			return Invalid("roles", "未知角色 %q", r)
		}
	}
	if u.Status == "" {
		u.Status = UserActive
	}
	if u.Status != UserActive && u.Status != UserDisabled {
		return Invalid("status", "状态只能是 active 或 disabled")
	}
	if u.DataScope == "" {
		u.DataScope = DefaultScope(u.Roles)
	}
	switch u.DataScope {
	case ScopeOwn, ScopeDepartment, ScopeAll:
	default:
		return Invalid("data_scope", "数据范围只能是 own、department 或 all")
	}
	return nil
}

// commonPasswords are refused outright; attackers try them first.
var commonPasswords = map[string]bool{
	"password": true, "password1": true, "password123": true, "12345678": true, "123456789": true,
	"1234567890": true, "qwerty123": true, "admin123": true, "admin1234": true, "abc12345": true,
	"11111111": true, "88888888": true, "iloveyou": true, "1qaz2wsx": true, "qwertyuiop": true,
	"changeme": true, "changeme1": true, "welcome1": true, "abcd1234": true, "a1234567": true,
}

// CheckPassword enforces the password policy: at least 8 characters with
// letters and digits, not a well-known password, not the username.
func CheckPassword(field, username, pw string) error {
	if len(pw) < 8 || len(pw) > 72 { // bcrypt reads at most 72 bytes
		return Invalid(field, "密码长度应为 8 到 72 位")
	}
	var letter, digit bool
	for _, r := range pw {
		letter = letter || unicode.IsLetter(r)
		digit = digit || unicode.IsDigit(r)
	}
	if !letter || !digit {
		return Invalid(field, "密码必须同时包含字母和数字")
	}
	lower := strings.ToLower(pw)
	if commonPasswords[lower] || strings.Contains(lower, strings.ToLower(username)) && username != "" {
		return Invalid(field, "密码过于简单，请换一个")
	}
	return nil
}

// AuditEntry is one row of the audit log (操作日志): who changed what, when,
// and the record before and after.
type AuditEntry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorID   int64     `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	Action    string    `json:"action"`
	Entity    string    `json:"entity"`
	EntityID  int64     `json:"entity_id"`
	Before    string    `json:"before,omitempty"`
	After     string    `json:"after,omitempty"`
	RequestID string    `json:"request_id"`
}

// Department is a department mirrored from DingTalk (部门).
type Department struct {
	ID         int64     `json:"id"`
	DingTalkID int64     `json:"dingtalk_id"`
	Name       string    `json:"name"`
	ParentID   *int64    `json:"parent_id"`
	Managers   []string  `json:"managers"`
	Status     string    `json:"status"`
	SyncedAt   time.Time `json:"synced_at"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// DefaultScope is the data scope a new user gets when none is chosen: sales
// and purchasing staff see their own documents; the roles whose work spans
// everyone's documents (warehouse, finance, managers, viewers,
// administrators) see all.
func DefaultScope(roles []Role) string {
	for _, r := range roles {
		if r == RoleSales || r == RolePurchaser {
			return ScopeOwn
		}
	}
	return ScopeAll
}
