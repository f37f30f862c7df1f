package domain

import (
	"slices"
	"testing"
)

func TestScopeRootsTable(t *testing.T) {
	dept := int64(20)
	cases := []struct {
		name  string
		user  User
		all   bool
		roots []int64
	}{
		{"system user (id 0) sees all", User{DataScope: ScopeOwn, Roles: []Role{RoleSales}}, true, nil},
		{"all scope", User{ID: 1, DataScope: ScopeAll, Roles: []Role{RoleSales}}, true, nil},
		{"admin whatever the scope", User{ID: 1, DataScope: ScopeDepartment, DepartmentID: &dept, Roles: []Role{RoleViewer, RoleAdmin}}, true, nil},
		{"own scope", User{ID: 1, DataScope: ScopeOwn, DepartmentID: &dept, Roles: []Role{RoleSales}}, false, nil},
		{"department scope", User{ID: 1, DataScope: ScopeDepartment, DepartmentID: &dept, Roles: []Role{RoleSales}}, false, []int64{20}},
		{"department scope without a department", User{ID: 1, DataScope: ScopeDepartment, Roles: []Role{RoleSales}}, false, nil},
		{"department scope and led departments", User{ID: 1, DataScope: ScopeDepartment, DepartmentID: &dept,
			LeadsDepartments: []int64{30, 40}, Roles: []Role{RoleManager}}, false, []int64{20, 30, 40}},
		{"a leader (主管) with own scope", User{ID: 1, DataScope: ScopeOwn, LeadsDepartments: []int64{30}, Roles: []Role{RoleSales}}, false, []int64{30}},
	}
	for _, c := range cases {
		all, roots := ScopeRoots(c.user)
		if all != c.all || !slices.Equal(roots, c.roots) {
			t.Errorf("%s: ScopeRoots = %v %v, want %v %v", c.name, all, roots, c.all, c.roots)
		}
	}
}

// TestSubtreeTable walks this tree, plus a cycle 8→9→8 a bad sync could
// leave behind:
//
//	  1        5
//	 / \
//	2   4
//	|   |
//	3   6
//	    |
//	    7
func TestSubtreeTable(t *testing.T) {
	p := func(id int64) *int64 { return &id }
	parents := map[int64]*int64{1: nil, 2: p(1), 3: p(2), 4: p(1), 6: p(4), 7: p(6), 5: nil, 8: p(9), 9: p(8)}
	cases := []struct {
		name  string
		roots []int64
		want  []int64
	}{
		{"whole tree", []int64{1}, []int64{1, 2, 3, 4, 6, 7}},
		{"a branch", []int64{4}, []int64{4, 6, 7}},
		{"a leaf", []int64{3}, []int64{3}},
		{"overlapping roots counted once", []int64{4, 1, 6}, []int64{1, 2, 3, 4, 6, 7}},
		{"two trees", []int64{2, 5}, []int64{2, 3, 5}},
		{"unknown department is its own subtree", []int64{99}, []int64{99}},
		{"a cycle ends", []int64{8}, []int64{8, 9}},
		{"no roots", nil, nil},
	}
	for _, c := range cases {
		got := Subtree(parents, c.roots)
		if len(c.roots) > 0 && got[0] != c.roots[0] {
			t.Errorf("%s: Subtree starts with %d, want the first root %d", c.name, got[0], c.roots[0])
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: Subtree = %v, want %v", c.name, got, c.want)
		}
	}
}
