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

// canSee reports whether a document created by creator is in the actor's
// scope.
func (a *App) canSee(ctx context.Context, q store.Q, creator int64) (bool, error) {
	ids, err := a.visibleCreators(ctx, q)
	if err != nil || ids == nil {
		return err == nil, err
	}
	for _, id := range ids {
		if id == creator {
			return true, nil
		}
	}
	return false, nil
}
