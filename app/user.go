package app

import (
	"context"
	"errors"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"golang.org/x/crypto/bcrypt"
)

// UserInput is what an administrator may set on a user. Absent fields keep
// their value on update. Ids, creators and token versions are not here, so
// they cannot be assigned through the API.
type UserInput struct {
	Username     *string        `json:"username"`
	Name         *string        `json:"name"`
	Password     *string        `json:"password"`
	Roles        *[]domain.Role `json:"roles"`
	Status       *string        `json:"status"`
	DataScope    *string        `json:"data_scope"`
	DepartmentID *int64         `json:"department_id"`
	Mobile       *string        `json:"mobile"`
	Email        *string        `json:"email"`
	// DingTalkUserID links the user to a DingTalk account for 免登.
	DingTalkUserID *string `json:"dingtalk_user_id"`
	Version        int     `json:"version"`
}

func (in UserInput) apply(u *domain.User) {
	set(&u.Username, in.Username)
	set(&u.Name, in.Name)
	set(&u.Roles, in.Roles)
	set(&u.Status, in.Status)
	set(&u.DataScope, in.DataScope)
	set(&u.Mobile, in.Mobile)
	set(&u.Email, in.Email)
	set(&u.DingTalkUserID, in.DingTalkUserID)
	if in.DepartmentID != nil {
		u.DepartmentID = in.DepartmentID
		if *in.DepartmentID == 0 { // 0 clears it: JSON null reads as "unchanged"
			u.DepartmentID = nil
		}
	}
}

// checkDepartment refuses a department that is not in the mirror.
func checkDepartment(q store.Q, u *domain.User) error {
	if u.DepartmentID == nil {
		return nil
	}
	status, err := store.DepartmentStatus(q, *u.DepartmentID)
	if errors.Is(err, domain.ErrNotFound) || (err == nil && status == "removed") {
		return domain.Invalid("department_id", "部门 %d 不存在或已撤销", *u.DepartmentID)
	}
	return err
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// CreateUser adds a user (admin only).
func (a *App) CreateUser(ctx context.Context, in UserInput) (*domain.User, error) {
	if _, err := require(ctx, domain.PermUserManage); err != nil {
		return nil, err
	}
	u := &domain.User{Version: 1, Source: "local", LeadsDepartments: []int64{}}
	in.apply(u)
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if in.Password == nil {
		return nil, domain.Invalid("password", "密码必填")
	}
	if err := domain.CheckPassword("password", u.Username, *in.Password); err != nil {
		return nil, err
	}
	h, err := hashPassword(*in.Password)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = h
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := checkRolesExist(tx, u); err != nil {
			return err
		}
		if err := checkDingTalkLink(tx, u); err != nil {
			return err
		}
		if err := checkDepartment(tx, u); err != nil {
			return err
		}
		if err := store.Users.Create(tx, u); err != nil {
			return err
		}
		return audit(ctx, tx, "create", "user", u.ID, nil, u)
	})
	return u, err
}

// checkDingTalkLink refuses linking two ERP users to one DingTalk account.
func checkDingTalkLink(q store.Q, u *domain.User) error {
	if u.DingTalkUserID == "" {
		return nil
	}
	other, err := store.Users.ByDingTalkUserID(q, u.DingTalkUserID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if other.ID != u.ID {
		return (&domain.Error{Kind: domain.KindConflict, Code: domain.CodeDuplicate, Field: "dingtalk_user_id",
			Message: "该钉钉账号已绑定用户 " + other.Username})
	}
	return nil
}

// UpdateUser changes a user (admin only). Disabling a user or changing the
// password ends the user's sessions.
func (a *App) UpdateUser(ctx context.Context, id int64, in UserInput) (*domain.User, error) {
	actor, err := require(ctx, domain.PermUserManage)
	if err != nil {
		return nil, err
	}
	var u *domain.User
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := store.Users.Get(tx, id)
		if err != nil {
			return err
		}
		if err := domain.CheckVersion(cur.Version, in.Version); err != nil {
			return err
		}
		before := *cur
		u = cur
		in.apply(u)
		if err := u.Validate(); err != nil {
			return err
		}
		if err := checkRolesExist(tx, u); err != nil {
			return err
		}
		if err := checkDingTalkLink(tx, u); err != nil {
			return err
		}
		if err := checkDepartment(tx, u); err != nil {
			return err
		}
		if u.ID == actor.ID && (u.Status != domain.UserActive || !u.Can(domain.PermUserManage)) {
			return domain.Invalid("status", "不能停用自己或取消自己的管理员角色")
		}
		if in.Password != nil {
			if err := domain.CheckPassword("password", u.Username, *in.Password); err != nil {
				return err
			}
			if u.PasswordHash, err = hashPassword(*in.Password); err != nil {
				return err
			}
			u.TokenVersion++
		}
		if u.Status != before.Status {
			u.TokenVersion++
		}
		old := u.Version
		u.Version++
		if err := store.Users.Update(tx, u, old); err != nil {
			return err
		}
		return audit(ctx, tx, "update", "user", u.ID, before, u)
	})
	return u, err
}

// ChangePassword changes the acting user's own password. The old password
// is guessed against the same failure count as sign-in: a stolen session
// must not become an unthrottled password oracle.
func (a *App) ChangePassword(ctx context.Context, oldPw, newPw string) error {
	actor := Actor(ctx)
	if actor == nil {
		return domain.ErrUnauthorized
	}
	key := userThrottleKey(domain.CanonicalUsername(actor.Username))
	if a.throttled(ctx, key, a.throttle.MaxFailures) {
		return errTooManyAttempts(a.throttle)
	}
	wrong := false
	defer func() {
		if wrong {
			a.countFailure(ctx, key)
		}
	}()
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		u, err := store.Users.Get(tx, actor.ID)
		if err != nil {
			return err
		}
		if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(oldPw)) != nil {
			wrong = true
			return domain.Invalid("old_password", "原密码不正确")
		}
		if err := domain.CheckPassword("new_password", u.Username, newPw); err != nil {
			return err
		}
		if u.PasswordHash, err = hashPassword(newPw); err != nil {
			return err
		}
		u.TokenVersion++
		old := u.Version
		u.Version++
		if err := store.Users.Update(tx, u, old); err != nil {
			return err
		}
		return audit(ctx, tx, "change_password", "user", u.ID, nil, nil)
	})
}

// GetUser returns a user; users may always see themselves.
func (a *App) GetUser(ctx context.Context, id int64) (*domain.User, error) {
	if u := Actor(ctx); u == nil || (u.ID != id && !u.Can(domain.PermUserManage)) {
		return nil, domain.ErrForbidden.WithMessage("没有权限查看其他用户")
	}
	return store.Users.Get(a.store.Read(ctx), id)
}

// ListUsers pages through users (admin only).
func (a *App) ListUsers(ctx context.Context, lp ListParams, status string) (*List[*domain.User], error) {
	if _, err := require(ctx, domain.PermUserManage); err != nil {
		return nil, err
	}
	p, err := lp.page(map[string]string{"id": "id", "username": "username", "name": "name", "created_at": "created_at"})
	if err != nil {
		return nil, err
	}
	items, total, err := store.Users.List(a.store.Read(ctx), p, lp.Q, status)
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// AuditFilter narrows the audit log.
type AuditFilter = store.AuditFilter

// AuditView is an audit entry as people read it: the action and what it
// is about in words, the record by the name people know it by (its
// document number, a product's SKU and name) and, for an update, what
// changed field by field.
type AuditView struct {
	domain.AuditEntry
	ActionName string               `json:"action_name"`
	EntityName string               `json:"entity_name"`
	Ref        string               `json:"ref"` // PO20261208-0002; empty when the record has none or is gone
	Changes    []domain.AuditChange `json:"changes,omitempty"`
}

// AuditLog pages through the audit log.
func (a *App) AuditLog(ctx context.Context, f AuditFilter, lp ListParams) (*List[AuditView], error) {
	if _, err := require(ctx, domain.PermAuditRead); err != nil {
		return nil, err
	}
	p, err := lp.page(map[string]string{"id": "id", "at": "at"})
	if err != nil {
		return nil, err
	}
	q := a.store.Read(ctx)
	items, total, err := a.store.AuditLog(q, f, p)
	if err != nil {
		return nil, err
	}
	ids := map[string][]int64{}
	for _, e := range items {
		if e.EntityID != 0 {
			ids[e.Entity] = append(ids[e.Entity], e.EntityID)
		}
	}
	refs, err := a.store.AuditRefs(q, ids)
	if err != nil {
		return nil, err
	}
	views := make([]AuditView, len(items))
	for i, e := range items {
		v := AuditView{AuditEntry: e, ActionName: domain.AuditActionNameFor(e.Entity, e.Action), EntityName: domain.AuditEntityName(e.Entity),
			Ref: refs[e.Entity][e.EntityID]}
		if e.Action == "update" || e.Before != "" && e.After != "" {
			v.Changes = domain.AuditDiff(e.Before, e.After)
		}
		views[i] = v
	}
	return newList(views, total, p), nil
}

// AuditNames are the audit log's actions and subjects with their names,
// for the log's filters.
type AuditNames struct {
	Actions  []domain.CodeName `json:"actions"`
	Entities []domain.CodeName `json:"entities"`
}

// AuditLogNames lists the names the audit log's filters offer.
func (a *App) AuditLogNames(ctx context.Context) (*AuditNames, error) {
	if _, err := require(ctx, domain.PermAuditRead); err != nil {
		return nil, err
	}
	return &AuditNames{Actions: domain.AuditActions(), Entities: domain.AuditEntities()}, nil
}
