package app

import (
	"context"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// visibleCreators returns the users whose documents the actor may see, or
// nil when the actor sees all (domain.ScopeRoots decides; the mirrored
// department tree expands it).
func (a *App) visibleCreators(ctx context.Context, q store.Q) ([]int64, error) {
	u := Actor(ctx)
	if u == nil {
		return []int64{}, nil
	}
	all, roots := domain.ScopeRoots(*u)
	if all {
		return nil, nil
	}
	ids := []int64{u.ID}
	if len(roots) == 0 {
		return ids, nil
	}
	parents, err := store.DepartmentParents(q)
	if err != nil {
		return nil, err
	}
	members, err := store.Users.IDsInDepartments(q, domain.Subtree(parents, roots))
	if err != nil {
		return nil, err
	}
	return append(ids, members...), nil
}

// scope is the actor's data scope as the store applies it: computed once
// per use case and passed to every query that returns documents or
// figures made of them (see store.Scope).
func (a *App) scope(ctx context.Context, q store.Q) (store.Scope, error) {
	ids, err := a.visibleCreators(ctx, q)
	if err != nil {
		return store.Scope{}, err
	}
	if ids == nil {
		return store.AllScope(), nil
	}
	return store.CreatorsScope(ids), nil
}

// canSee reports whether a document owned by owner is in the actor's
// scope.
func (a *App) canSee(ctx context.Context, q store.Q, owner int64) (bool, error) {
	sc, err := a.scope(ctx, q)
	if err != nil {
		return false, err
	}
	return sc.Sees(owner), nil
}

// ScopeInfo names the data scope a report was computed under, so a figure
// is never read as the firm's when it is one person's.
type ScopeInfo struct {
	Scope string `json:"scope"` // all, department or own
	Label string `json:"label"` // 全部, 本部门及下级, 本人
}

// scopeInfo describes the actor's scope for reports: "all" whenever the
// scope sees everything (administrators, all), otherwise the user's
// setting; a department leader with an own scope sees their departments
// too, which is reported as department.
func scopeInfo(u *domain.User, sc store.Scope) ScopeInfo {
	if sc.All() || u == nil {
		return ScopeInfo{domain.ScopeAll, "全部"}
	}
	if u.DataScope == domain.ScopeDepartment || len(u.LeadsDepartments) > 0 {
		return ScopeInfo{domain.ScopeDepartment, "本部门及下级"}
	}
	return ScopeInfo{domain.ScopeOwn, "本人"}
}

// notInScope is how a document outside the actor's scope answers: not
// found, so that its existence (and number) does not leak.
func notInScope(typ string, id int64) error { return domain.NotFound(domain.DocName(typ), id) }
