package domain

import (
	"fmt"
	"reflect"
	"testing"
)

func orgID(n int64) *int64 { return &n }

func TestDirectoryEventReads(t *testing.T) {
	tests := []struct {
		typ          string
		users, depts bool
	}{
		{EventUserAdd, true, false},
		{EventUserModify, true, false},
		{EventUserActive, true, false},
		{EventUserLeave, false, false}, // a leaver is disabled, not read
		{EventDeptCreate, false, true},
		{EventDeptModify, false, true},
		{EventDeptRemove, false, false},
		{"check_url", false, false},
	}
	for _, tt := range tests {
		ev := DirectoryEvent{Type: tt.typ}
		if ev.ReadsUsers() != tt.users || ev.ReadsDepartments() != tt.depts {
			t.Errorf("%s: reads users %v, departments %v; want %v, %v", tt.typ, ev.ReadsUsers(), ev.ReadsDepartments(), tt.users, tt.depts)
		}
	}
}

func TestDepartmentLeaders(t *testing.T) {
	got := DepartmentLeaders([]DirectoryUser{
		{UserID: "zhang", LeaderIn: []int64{2, 3}},
		{UserID: "li"},
		{UserID: "an", LeaderIn: []int64{2}},
	})
	want := map[int64][]string{2: {"an", "zhang"}, 3: {"zhang"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("DepartmentLeaders = %v, want %v", got, want)
	}
	if got := DepartmentLeaders(nil); len(got) != 0 {
		t.Fatalf("no users lead nothing: %v", got)
	}
}

func TestDepartmentParent(t *testing.T) {
	known := map[int64]Department{1: {ID: 10, DingTalkID: 1}, 2: {ID: 20, DingTalkID: 2}}
	tests := []struct {
		name string
		dd   DirectoryDepartment
		want *int64
	}{
		{"under the root", DirectoryDepartment{ID: 2, ParentID: 1}, orgID(10)},
		{"under a department", DirectoryDepartment{ID: 5, ParentID: 2}, orgID(20)},
		{"parent not mirrored", DirectoryDepartment{ID: 5, ParentID: 9}, nil},
		{"the root has none", DirectoryDepartment{ID: 1, ParentID: 2}, nil},
	}
	for _, tt := range tests {
		if got := DepartmentParent(tt.dd, known); !SameID(got, tt.want) {
			t.Errorf("%s: parent %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSyncDepartment(t *testing.T) {
	stored := Department{ID: 20, DingTalkID: 2, Name: "销售部", ParentID: orgID(10), Managers: []string{"an", "zhang"}, Status: StatusActive}
	dd := DirectoryDepartment{ID: 2, ParentID: 1, Name: "销售部"}
	tests := []struct {
		name     string
		d        Department
		exists   bool
		dd       DirectoryDepartment
		parent   *int64
		managers []string
		changed  bool
	}{
		{"unchanged", stored, true, dd, orgID(10), []string{"an", "zhang"}, false},
		{"new", Department{}, false, dd, orgID(10), nil, true},
		{"renamed", stored, true, DirectoryDepartment{ID: 2, ParentID: 1, Name: "销售一部"}, orgID(10), []string{"an", "zhang"}, true},
		{"moved", stored, true, dd, orgID(30), []string{"an", "zhang"}, true},
		{"moved to the top", stored, true, dd, nil, []string{"an", "zhang"}, true},
		{"lost a leader", stored, true, dd, orgID(10), []string{"an"}, true},
		{"came back", func() Department { d := stored; d.Status = DepartmentRemoved; return d }(), true, dd, orgID(10), []string{"an", "zhang"}, true},
		{"no leaders, none stored", func() Department { d := stored; d.Managers = nil; return d }(), true, dd, orgID(10), nil, false},
	}
	for _, tt := range tests {
		got, changed := SyncDepartment(tt.d, tt.exists, tt.dd, tt.parent, tt.managers)
		if changed != tt.changed {
			t.Errorf("%s: changed = %v, want %v", tt.name, changed, tt.changed)
		}
		if got.ID != tt.d.ID || got.DingTalkID != tt.dd.ID || got.Name != tt.dd.Name || !SameID(got.ParentID, tt.parent) ||
			got.Status != StatusActive || got.Managers == nil || fmt.Sprint(got.Managers) != fmt.Sprint(tt.managers) {
			t.Errorf("%s: department = %+v", tt.name, got)
		}
	}
}

func TestEventDepartment(t *testing.T) {
	dd := DirectoryDepartment{ID: 2, ParentID: 1, Name: "销售一部"}
	got := EventDepartment(Department{ID: 20, DingTalkID: 2, Name: "销售部", Managers: []string{"an"}, Status: DepartmentRemoved}, dd, orgID(10))
	if got.ID != 20 || got.Name != "销售一部" || got.Status != StatusActive || !SameID(got.ParentID, orgID(10)) ||
		len(got.Managers) != 1 || got.Managers[0] != "an" {
		t.Fatalf("changed department = %+v (leaders are kept)", got)
	}
	got = EventDepartment(Department{}, dd, nil)
	if got.ID != 0 || got.DingTalkID != 2 || got.ParentID != nil || got.Managers == nil || len(got.Managers) != 0 {
		t.Fatalf("new department = %+v", got)
	}
}

func TestGoneDepartments(t *testing.T) {
	known := map[int64]Department{
		1: {Status: StatusActive}, 7: {Status: StatusActive}, 3: {Status: StatusActive},
		4: {Status: DepartmentRemoved}, 5: {Status: StatusActive},
	}
	got := GoneDepartments(known, map[int64]bool{1: true, 5: true})
	if !reflect.DeepEqual(got, []int64{3, 7}) {
		t.Fatalf("GoneDepartments = %v, want [3 7] (4 is removed already)", got)
	}
	if got := GoneDepartments(known, map[int64]bool{1: true, 3: true, 5: true, 7: true}); len(got) != 0 {
		t.Fatalf("all seen: %v", got)
	}
}

func TestUserPlacement(t *testing.T) {
	depts := map[int64]Department{2: {ID: 20}, 3: {ID: 30}}
	tests := []struct {
		name  string
		du    DirectoryUser
		dept  *int64
		leads []int64
	}{
		{"first department is the main one", DirectoryUser{DeptIDs: []int64{3, 2}, LeaderIn: []int64{2, 3}}, orgID(30), []int64{20, 30}},
		{"in no department", DirectoryUser{}, nil, nil},
		{"main department not mirrored", DirectoryUser{DeptIDs: []int64{9, 2}, LeaderIn: []int64{9}}, nil, nil},
	}
	for _, tt := range tests {
		dept, leads := UserPlacement(tt.du, depts)
		if !SameID(dept, tt.dept) || !reflect.DeepEqual(leads, tt.leads) {
			t.Errorf("%s: %v %v, want %v %v", tt.name, dept, leads, tt.dept, tt.leads)
		}
	}
}

func TestNewMirroredUser(t *testing.T) {
	du := DirectoryUser{UserID: "u1", Name: "张三", Mobile: "138", Email: "z@x.cn", Title: "销售", JobNumber: "007"}
	u := NewMirroredUser(du, "u1", orgID(20), []int64{20})
	want := &User{Username: "u1", Name: "张三", PasswordHash: NoPassword, Roles: []Role{RoleViewer}, Status: UserActive,
		DataScope: ScopeOwn, DepartmentID: orgID(20), DingTalkUserID: "u1", Mobile: "138", Email: "z@x.cn", Title: "销售",
		JobNumber: "007", LeadsDepartments: []int64{20}, Source: SourceDingTalk, Version: 1}
	if !reflect.DeepEqual(u, want) {
		t.Fatalf("NewMirroredUser = %+v", u)
	}
	if u := NewMirroredUser(DirectoryUser{UserID: "u2"}, "u2", nil, nil); u.Name != "u2" {
		t.Fatalf("a nameless user is named by their userid: %q", u.Name)
	}
}

func TestMirrorUser(t *testing.T) {
	stored := User{ID: 5, Username: "zs", Name: "张三", Mobile: "138", Title: "销售", DepartmentID: orgID(20),
		LeadsDepartments: []int64{20}, Roles: []Role{RoleSales}, Status: UserDisabled, Version: 3}
	du := DirectoryUser{UserID: "u1", Name: "张三", Mobile: "138", Title: "销售"}
	tests := []struct {
		name    string
		du      DirectoryUser
		dept    *int64
		leads   []int64
		changed bool
	}{
		{"unchanged", du, orgID(20), []int64{20}, false},
		{"renamed", DirectoryUser{Name: "张三丰", Mobile: "138", Title: "销售"}, orgID(20), []int64{20}, true},
		{"new mobile", DirectoryUser{Name: "张三", Mobile: "139", Title: "销售"}, orgID(20), []int64{20}, true},
		{"new email", DirectoryUser{Name: "张三", Mobile: "138", Title: "销售", Email: "z@x.cn"}, orgID(20), []int64{20}, true},
		{"promoted", DirectoryUser{Name: "张三", Mobile: "138", Title: "主管"}, orgID(20), []int64{20}, true},
		{"job number", DirectoryUser{Name: "张三", Mobile: "138", Title: "销售", JobNumber: "1"}, orgID(20), []int64{20}, true},
		{"moved", du, orgID(30), []int64{20}, true},
		{"left every department", du, nil, []int64{20}, true},
		{"no longer leads", du, orgID(20), nil, true},
	}
	for _, tt := range tests {
		got, changed := MirrorUser(stored, tt.du, tt.dept, tt.leads)
		if changed != tt.changed {
			t.Errorf("%s: changed = %v, want %v", tt.name, changed, tt.changed)
		}
		// What the directory does not own stays: a disabled user stays so.
		if got.ID != 5 || got.Username != "zs" || got.Status != UserDisabled || got.Version != 3 || got.Roles[0] != RoleSales ||
			got.Name != tt.du.Name || !SameID(got.DepartmentID, tt.dept) {
			t.Errorf("%s: user = %+v", tt.name, got)
		}
	}
	// Led departments nil and empty are the same.
	empty := stored
	empty.LeadsDepartments = []int64{}
	if _, changed := MirrorUser(empty, du, orgID(20), nil); changed {
		t.Error("nil and empty led departments differ")
	}
}

func TestLeave(t *testing.T) {
	u := User{Status: UserActive, TokenVersion: 4}
	if !u.Leave() || u.Status != UserDisabled || u.TokenVersion != 5 {
		t.Fatalf("first leave: %+v", u)
	}
	if u.Leave() || u.TokenVersion != 5 {
		t.Fatalf("leaving twice changed %+v", u)
	}
}

func TestLeavers(t *testing.T) {
	linked := map[string]*User{"a": {Status: UserActive}, "b": {Status: UserActive}, "c": {Status: UserDisabled}, "d": {Status: UserActive}}
	got := Leavers(linked, map[string]bool{"b": true})
	if !reflect.DeepEqual(got, []string{"a", "d"}) {
		t.Fatalf("Leavers = %v, want [a d]", got)
	}
	if got := Leavers(linked, map[string]bool{"a": true, "b": true, "d": true}); got != nil {
		t.Fatalf("nobody left: %v", got)
	}
}

func TestSameID(t *testing.T) {
	tests := []struct {
		a, b *int64
		want bool
	}{
		{nil, nil, true}, {orgID(1), orgID(1), true}, {orgID(1), orgID(2), false}, {nil, orgID(1), false}, {orgID(1), nil, false},
	}
	for _, tt := range tests {
		if got := SameID(tt.a, tt.b); got != tt.want {
			t.Errorf("SameID(%v, %v) = %v", tt.a, tt.b, got)
		}
	}
}

func TestFreeUsername(t *testing.T) {
	long := "abcdefghijklmnopqrstuvwxyz0123456789"
	tests := []struct {
		name   string
		dingID string
		taken  []string
		want   string
	}{
		{"as is", "manager4521", nil, "manager4521"},
		{"unsafe characters dropped", "张三#01", nil, "01"},
		{"too short gets a prefix", "张三", nil, "dt"},
		{"one character gets a prefix", "x", nil, "dtx"},
		{"long cut to 28", long, nil, long[:28]},
		{"taken gets a number", "zs", []string{"zs"}, "zs-2"},
		{"numbers count up", "zs", []string{"zs", "zs-2", "zs-3"}, "zs-4"},
		{"dots and dashes kept", "a.b-c_d", nil, "a.b-c_d"},
		{"case folded", "Manager4521", nil, "manager4521"},
		{"full-width folded", "ＭＧＲ０１", nil, "mgr01"},
		{"folded name is taken", "ZS", []string{"zs"}, "zs-2"},
	}
	for _, tt := range tests {
		taken := map[string]bool{}
		for _, n := range tt.taken {
			taken[n] = true
		}
		got := FreeUsername(tt.dingID, taken)
		if got != tt.want || !taken[got] {
			t.Errorf("%s: FreeUsername(%q) = %q, want %q (and taken)", tt.name, tt.dingID, got, tt.want)
		}
	}
	// Two users with the same safe characters get two names.
	taken := map[string]bool{}
	if a, b := FreeUsername("张a1", taken), FreeUsername("李a1", taken); a != "a1" || b != "a1-2" {
		t.Fatalf("two users: %q %q", a, b)
	}
}

// The directory's text cannot be refused, so control and bidi characters
// are stripped before it is mirrored: a name that only gained one is not
// a change.
func TestMirroredTextStripped(t *testing.T) {
	stored := User{ID: 5, Name: "张三", Mobile: "138", Title: "销售", Status: UserActive}
	got, changed := MirrorUser(stored, DirectoryUser{Name: "张\u202e三", Mobile: "13\x008", Title: "销售"}, nil, nil)
	if changed || got.Name != "张三" || got.Mobile != "138" {
		t.Fatalf("mirrored %+v (changed %v)", got, changed)
	}
	u := NewMirroredUser(DirectoryUser{UserID: "u9", Name: "\u2066李四\u2069", Title: "会计\x7f", JobNumber: "A\t1"}, "u9", nil, nil)
	if u.Name != "李四" || u.Title != "会计" || u.JobNumber != "A 1" {
		t.Fatalf("new mirrored user %+v", u)
	}
	d, _ := SyncDepartment(Department{}, false, DirectoryDepartment{ID: 3, Name: "财务\u202e部"}, nil, nil)
	if e := EventDepartment(Department{}, DirectoryDepartment{ID: 3, Name: "销售\x00部"}, nil); d.Name != "财务部" || e.Name != "销售部" {
		t.Fatalf("departments %q %q", d.Name, e.Name)
	}
}
