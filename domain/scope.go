package domain

// ScopeRoots says what a user's data scope covers: everything (all), or the
// documents of the users in the subtrees under roots plus their own. A
// department scope starts at the user's department; a department leader
// (主管, DingTalk's leader_in_dept) also sees the departments they lead,
// whatever their scope.
func ScopeRoots(u User) (all bool, roots []int64) {
	if u.ID == 0 || u.DataScope == ScopeAll {
		return true, nil
	}
	for _, r := range u.Roles {
		if r == RoleAdmin {
			return true, nil
		}
	}
	if u.DataScope == ScopeDepartment && u.DepartmentID != nil {
		roots = append(roots, *u.DepartmentID)
	}
	roots = append(roots, u.LeadsDepartments...)
	return false, roots
}

// Subtree returns roots and every department below them, given each
// department's parent.
func Subtree(parents map[int64]*int64, roots []int64) []int64 {
	children := map[int64][]int64{}
	for id, p := range parents {
		if p != nil {
			children[*p] = append(children[*p], id)
		}
	}
	seen := map[int64]bool{}
	queue := append([]int64(nil), roots...)
	var out []int64
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
		queue = append(queue, children[id]...)
	}
	return out
}
