package domain

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// The org mirror (通讯录同步): how the company directory's departments and
// people become ERP departments and users. The rules are here; app reads
// the directory and the mirror, and writes what these functions decide.

// DepartmentRemoved marks a mirrored department the directory no longer
// has (已删除). It is kept, not deleted: users and data scopes may still
// name it.
const DepartmentRemoved = "removed"

// NoPassword is the password hash of mirrored users: no password matches
// it, so they sign in through DingTalk (免登, QR) until an administrator
// sets one.
const NoPassword = "!dingtalk"

// SourceDingTalk is the Source of users mirrored from DingTalk.
const SourceDingTalk = "dingtalk"

// RootDepartment is the directory id of the organisation's root (根部门),
// which has no parent in the mirror.
const RootDepartment int64 = 1

// ReadsUsers reports whether an event names users who must be read from
// the directory (joined, changed, activated), as opposed to one who left,
// which needs no read.
func (ev DirectoryEvent) ReadsUsers() bool {
	switch ev.Type {
	case EventUserAdd, EventUserModify, EventUserActive:
		return true
	}
	return false
}

// ReadsDepartments reports whether an event names departments that must be
// read from the directory (created or changed).
func (ev DirectoryEvent) ReadsDepartments() bool {
	return ev.Type == EventDeptCreate || ev.Type == EventDeptModify
}

// DepartmentLeaders maps each department (directory id) to the userids of
// the users who lead it (部门主管), sorted so that comparing two syncs does
// not depend on the directory's order.
func DepartmentLeaders(users []DirectoryUser) map[int64][]string {
	leaders := map[int64][]string{}
	for _, u := range users {
		for _, d := range u.LeaderIn {
			leaders[d] = append(leaders[d], u.UserID)
		}
	}
	for _, ids := range leaders {
		sort.Strings(ids)
	}
	return leaders
}

// DepartmentParent is the ERP id of a directory department's parent, from
// the departments mirrored so far (by directory id): nil for the root and
// for a parent not mirrored (yet).
func DepartmentParent(dd DirectoryDepartment, known map[int64]Department) *int64 {
	if p, ok := known[dd.ParentID]; ok && dd.ID != RootDepartment {
		return &p.ID
	}
	return nil
}

// SyncDepartment mirrors a directory department in a full sync: d is the
// mirrored one (zero when exists is false), parent its ERP parent and
// managers its leaders' userids (sorted). It returns the department as it
// must be and whether that differs from what is stored, so an unchanged
// department is not written.
func SyncDepartment(d Department, exists bool, dd DirectoryDepartment, parent *int64, managers []string) (Department, bool) {
	if managers == nil {
		managers = []string{}
	}
	dd.Name = StripText(dd.Name, false)
	changed := !exists || d.Name != dd.Name || !SameID(d.ParentID, parent) || d.Status != StatusActive ||
		strings.Join(d.Managers, ",") != strings.Join(managers, ",") // stored joined, so compared joined
	d.DingTalkID, d.Name, d.ParentID, d.Managers, d.Status = dd.ID, dd.Name, parent, managers, StatusActive
	return d, changed
}

// EventDepartment mirrors a directory department named by a contact event
// (created or changed). Leaders are kept: an event does not say who leads;
// the next full sync does.
func EventDepartment(d Department, dd DirectoryDepartment, parent *int64) Department {
	dd.Name = StripText(dd.Name, false)
	d.DingTalkID, d.Name, d.Status, d.ParentID = dd.ID, dd.Name, StatusActive, parent
	if d.Managers == nil {
		d.Managers = []string{}
	}
	return d
}

// GoneDepartments lists, in directory id order, the active mirrored
// departments (by directory id) that a full sync did not see: the
// directory removed them.
func GoneDepartments(known map[int64]Department, seen map[int64]bool) []int64 {
	var gone []int64
	for id, d := range known {
		if !seen[id] && d.Status == StatusActive {
			gone = append(gone, id)
		}
	}
	slices.Sort(gone)
	return gone
}

// UserPlacement resolves where a directory user sits in the mirror: the
// ERP department of their first directory department (主部门), and the ERP
// ids of the departments they lead. Departments not mirrored are left out.
func UserPlacement(du DirectoryUser, depts map[int64]Department) (deptID *int64, leads []int64) {
	if len(du.DeptIDs) > 0 {
		if d, ok := depts[du.DeptIDs[0]]; ok {
			deptID = &d.ID
		}
	}
	for _, l := range du.LeaderIn {
		if d, ok := depts[l]; ok {
			leads = append(leads, d.ID)
		}
	}
	return deptID, leads
}

// NewMirroredUser is the ERP user a new directory user gets: a viewer (只读)
// who sees their own documents and has no password, until an
// administrator grants more.
func NewMirroredUser(du DirectoryUser, username string, deptID *int64, leads []int64) *User {
	du = strippedDirectoryUser(du)
	u := &User{Username: username, Name: du.Name, PasswordHash: NoPassword,
		Roles: []Role{RoleViewer}, Status: UserActive, DataScope: ScopeOwn,
		DepartmentID: deptID, DingTalkUserID: du.UserID, Mobile: du.Mobile, Email: du.Email, Title: du.Title,
		JobNumber: du.JobNumber, LeadsDepartments: leads, Source: SourceDingTalk, Version: 1}
	if u.Name == "" {
		u.Name = du.UserID
	}
	return u
}

// MirrorUser updates a linked ERP user from the directory: name, contact,
// title, job number, department and what they lead. It returns the user as
// it must be and whether anything changed. Roles, scope and status stay:
// a disabled user stays disabled, whether they left and came back or an
// administrator shut them out; being in the directory does not by itself
// give ERP access back.
func MirrorUser(u User, du DirectoryUser, deptID *int64, leads []int64) (User, bool) {
	du = strippedDirectoryUser(du)
	next := u
	next.Name, next.Mobile, next.Email, next.Title, next.JobNumber = du.Name, du.Mobile, du.Email, du.Title, du.JobNumber
	next.DepartmentID, next.LeadsDepartments = deptID, leads
	return next, !sameMirroredUser(&u, &next)
}

// strippedDirectoryUser is du with control and bidi characters taken out
// of the text the mirror stores (StripText): the directory is DingTalk's,
// so its names cannot be refused the way an input is, but they must not
// reach screens, prints and exports as they are.
func strippedDirectoryUser(du DirectoryUser) DirectoryUser {
	du.Name, du.Title, du.JobNumber = StripText(du.Name, false), StripText(du.Title, false), StripText(du.JobNumber, false)
	du.Mobile, du.Email = StripText(du.Mobile, false), StripText(du.Email, false)
	return du
}

// sameMirroredUser compares what the mirror writes. Led departments are
// compared as printed, so nil and empty are the same.
func sameMirroredUser(a, b *User) bool {
	return a.Name == b.Name && a.Mobile == b.Mobile && a.Email == b.Email && a.Title == b.Title && a.JobNumber == b.JobNumber &&
		SameID(a.DepartmentID, b.DepartmentID) && fmt.Sprint(a.LeadsDepartments) == fmt.Sprint(b.LeadsDepartments) && a.Status == b.Status
}

// Leave disables a user who left the directory (离职): their sessions end
// now (the token version moves) and their documents stay. It reports
// false, changing nothing, when the user was disabled already.
func (u *User) Leave() bool {
	if u.Status == UserDisabled {
		return false
	}
	u.Status = UserDisabled
	u.TokenVersion++
	return true
}

// SameID reports whether two optional ids are both absent or equal.
func SameID(a, b *int64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

var usernameUnsafe = regexp.MustCompile(`[^A-Za-z0-9_.\-]`)

// FreeUsername derives a login name from a DingTalk userid that no user
// has, and marks it taken: the userid's safe characters in canonical form
// (CanonicalUsername: lower case, full-width folded; at least two, at most
// 28), then -2, -3, … until one is free. taken holds canonical names.
func FreeUsername(dingID string, taken map[string]bool) string {
	base := usernameUnsafe.ReplaceAllString(CanonicalUsername(dingID), "")
	if len(base) < 2 {
		base = "dt" + base
	}
	if len(base) > 28 {
		base = base[:28]
	}
	name := base
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	taken[name] = true
	return name
}

// Leavers lists, sorted, the directory userids of the linked ERP users a
// full sync did not find in the directory (离职) and who are not disabled
// yet.
func Leavers(linked map[string]*User, present map[string]bool) []string {
	var gone []string
	for id, u := range linked {
		if !present[id] && u.Status != UserDisabled {
			gone = append(gone, id)
		}
	}
	sort.Strings(gone)
	return gone
}
