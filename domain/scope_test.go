package domain

import (
	"sort"
	"testing"
)

func TestScopeRootsAndSubtree(t *testing.T) {
	one, two := int64(1), int64(2)
	parents := map[int64]*int64{1: nil, 2: &one, 3: &two, 4: &one, 5: nil}
	sub := Subtree(parents, []int64{2})
	sort.Slice(sub, func(i, j int) bool { return sub[i] < sub[j] })
	if len(sub) != 2 || sub[0] != 2 || sub[1] != 3 {
		t.Fatalf("subtree of 2 = %v", sub)
	}
	if all, _ := ScopeRoots(User{ID: 7, Roles: []Role{RoleAdmin}, DataScope: ScopeOwn}); !all {
		t.Fatal("admins see all")
	}
	if all, roots := ScopeRoots(User{ID: 7, Roles: []Role{RoleSales}, DataScope: ScopeOwn}); all || len(roots) != 0 {
		t.Fatal("own scope has no roots")
	}
	if _, roots := ScopeRoots(User{ID: 7, Roles: []Role{RoleSales}, DataScope: ScopeDepartment, DepartmentID: &two, LeadsDepartments: []int64{4}}); len(roots) != 2 {
		t.Fatalf("department scope plus led departments: %v", roots)
	}
	if _, roots := ScopeRoots(User{ID: 7, Roles: []Role{RoleSales}, DataScope: ScopeOwn, LeadsDepartments: []int64{4}}); len(roots) != 1 || roots[0] != 4 {
		t.Fatalf("a leader with own scope: %v", roots)
	}
}
