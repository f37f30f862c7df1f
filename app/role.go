package app

import (
	"context"
	"slices"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// RoleInput is what may be set on a custom role. Template names a role
// (usually a built-in one) whose permissions a new role starts from when
// Permissions is absent: 从模板新建.
type RoleInput struct {
	Role        *domain.Role         `json:"role"`
	Name        *string              `json:"name"`
	Permissions *[]domain.Permission `json:"permissions"`
	Template    *domain.Role         `json:"template"`
	Version     int                  `json:"version"`
}

// RoleList is every role, built-in ones first, and every permission a role
// may grant, labelled and grouped for the role editor.
type RoleList struct {
	Items       []domain.RoleInfo       `json:"items"`
	Permissions []domain.PermissionInfo `json:"permissions"`
}

// ListRoles returns every role. Any signed-in user may read it: the user,
// department and approval-rule pages name roles.
func (a *App) ListRoles(ctx context.Context) (*RoleList, error) {
	if Actor(ctx) == nil {
		return nil, domain.ErrUnauthorized.WithMessage("请先登录")
	}
	custom, err := store.Roles.List(a.store.Read(ctx))
	if err != nil {
		return nil, err
	}
	items := slices.Clone(domain.Roles())
	items = append(items, custom...)
	return &RoleList{Items: items, Permissions: domain.PermissionCatalog()}, nil
}

// resolveActor works out once what u's roles grant, custom ones included,
// so every later u.Can is a map lookup. The custom roles come through the
// master cache, which a write to roles empties on every instance.
func (a *App) resolveActor(ctx context.Context, u *domain.User) error {
	custom, err := store.Roles.Custom(a.store.Read(ctx))
	if err != nil {
		return err
	}
	u.Granted = domain.Grants(u.Roles, custom)
	return nil
}

// checkRolesExist refuses a user's role that is neither built in nor custom.
func checkRolesExist(q store.Q, u *domain.User) error {
	custom, err := store.Roles.Custom(q)
	if err != nil {
		return err
	}
	for _, r := range u.Roles {
		if _, ok := custom[r]; !ok && !domain.ValidRole(r) {
			return domain.Invalid("roles", "未知角色 %q", r)
		}
	}
	u.Granted = domain.Grants(u.Roles, custom)
	return nil
}

// CreateRole adds a custom role, from a template when no permissions are
// given.
func (a *App) CreateRole(ctx context.Context, in RoleInput) (*domain.RoleInfo, error) {
	if _, err := require(ctx, domain.PermUserManage); err != nil {
		return nil, err
	}
	r := &domain.RoleInfo{Version: 1}
	set(&r.Role, in.Role)
	set(&r.Name, in.Name)
	set(&r.Permissions, in.Permissions)
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		if in.Permissions == nil && in.Template != nil {
			custom, err := store.Roles.Custom(tx)
			if err != nil {
				return err
			}
			for p, ok := range domain.Grants([]domain.Role{*in.Template}, custom) {
				if ok {
					r.Permissions = append(r.Permissions, p)
				}
			}
			if len(r.Permissions) == 0 {
				return domain.Invalid("template", "模板角色 %q 不存在", *in.Template)
			}
		}
		if err := domain.ValidateRole(r); err != nil {
			return err
		}
		if err := store.Roles.Create(tx, r); err != nil {
			return err
		}
		return audit(ctx, tx, "create", "role", 0, nil, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// UpdateRole changes a custom role's name or permissions. Taking
// user:manage away from the last people who hold it is refused, so the
// company cannot lock itself out.
func (a *App) UpdateRole(ctx context.Context, code domain.Role, in RoleInput) (*domain.RoleInfo, error) {
	if _, err := require(ctx, domain.PermUserManage); err != nil {
		return nil, err
	}
	if err := domain.CheckRoleChange(code); err != nil {
		return nil, err
	}
	var r *domain.RoleInfo
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := store.Roles.Lock(tx, code)
		if err != nil {
			return err
		}
		if err := domain.CheckVersion(cur.Version, in.Version); err != nil {
			return err
		}
		before := *cur
		r = cur
		set(&r.Name, in.Name)
		set(&r.Permissions, in.Permissions)
		if err := domain.ValidateRole(r); err != nil {
			return err
		}
		if err := a.checkNoLockOut(tx, code, r.Permissions); err != nil {
			return err
		}
		r.Version = before.Version + 1
		if err := store.Roles.Update(tx, r, before.Version); err != nil {
			return err
		}
		return audit(ctx, tx, "update", "role", 0, before, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DeleteRole removes a custom role nobody holds.
func (a *App) DeleteRole(ctx context.Context, code domain.Role) error {
	if _, err := require(ctx, domain.PermUserManage); err != nil {
		return err
	}
	if err := domain.CheckRoleChange(code); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := store.Roles.Lock(tx, code)
		if err != nil {
			return err
		}
		users, err := store.RoleHolders(tx)
		if err != nil {
			return err
		}
		holders := 0
		for _, u := range users {
			if slices.Contains(u.Roles, code) {
				holders++
			}
		}
		if err := domain.CheckRoleDelete(code, holders); err != nil {
			return err
		}
		if err := store.Roles.Delete(tx, code); err != nil {
			return err
		}
		return audit(ctx, tx, "delete", "role", 0, cur, nil)
	})
}

// checkNoLockOut refuses a role change after which no active user could
// manage users.
func (a *App) checkNoLockOut(tx *store.Tx, code domain.Role, perms []domain.Permission) error {
	custom, err := store.Roles.Custom(tx)
	if err != nil {
		return err
	}
	after := make(map[domain.Role][]domain.Permission, len(custom))
	for k, v := range custom {
		after[k] = v
	}
	after[code] = perms
	users, err := store.RoleHolders(tx)
	if err != nil {
		return err
	}
	return domain.CheckManagersRemain(users, custom, after)
}

// UnknownTOTPRoles lists the roles in auth.totp_required_roles that are
// neither built in nor custom. Config checks only their form, since custom
// roles live in the database; the server warns about these at start-up
// rather than refusing to start, so deleting a custom role later cannot
// keep it down.
func (a *App) UnknownTOTPRoles(ctx context.Context) ([]domain.Role, error) {
	custom, err := store.Roles.Custom(a.store.Read(ctx))
	if err != nil {
		return nil, err
	}
	var unknown []domain.Role
	for _, r := range a.auth.TOTPRequiredRoles {
		if _, ok := custom[r]; !ok && !domain.ValidRole(r) {
			unknown = append(unknown, r)
		}
	}
	return unknown, nil
}
