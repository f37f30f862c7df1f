package app

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// SyncResult reports what an org sync changed.
type SyncResult struct {
	Departments struct {
		Created int `json:"created"`
		Updated int `json:"updated"`
		Removed int `json:"removed"`
	} `json:"departments"`
	Users struct {
		Created  int `json:"created"`
		Updated  int `json:"updated"`
		Disabled int `json:"disabled"`
	} `json:"users"`
	DirectoryCalls int `json:"directory_calls"`
}

// noPassword is stored for mirrored users: no password matches it, so they
// sign in through DingTalk (免登, QR) until an administrator sets one.
const noPassword = "!dingtalk"

var usernameUnsafe = regexp.MustCompile(`[^A-Za-z0-9_.\-]`)

// SyncOrg mirrors the DingTalk organisation: departments (tree, managers)
// and users. A DingTalk user already linked to an ERP user updates it; a new
// one gets a viewer account in their department; a linked user who left
// DingTalk is disabled, their documents kept. The directory is read first,
// outside any transaction; the mirror is then written in one.
func (a *App) SyncOrg(ctx context.Context) (*SyncResult, error) {
	if _, err := require(ctx, domain.PermUserManage); err != nil {
		return nil, err
	}
	if a.directory == nil {
		return nil, &domain.Error{Kind: domain.KindInvalid, Code: "dingtalk_disabled", Message: "未启用钉钉，无法同步通讯录"}
	}
	snap, err := a.directory.Org(ctx)
	if err != nil {
		return nil, err
	}
	res := &SyncResult{DirectoryCalls: snap.Calls}
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		depts, err := store.Departments(tx)
		if err != nil {
			return err
		}
		// Departments: save each (parents first, so their ids are known).
		leaders := map[int64][]string{}
		for _, u := range snap.Users {
			for _, d := range u.LeaderIn {
				leaders[d] = append(leaders[d], u.UserID)
			}
		}
		seen := map[int64]bool{}
		for _, dd := range snap.Departments {
			seen[dd.ID] = true
			d, exists := depts[dd.ID]
			var parent *int64
			if p, ok := depts[dd.ParentID]; ok && dd.ID != 1 {
				parent = &p.ID
			}
			managers := leaders[dd.ID]
			sort.Strings(managers)
			if managers == nil {
				managers = []string{}
			}
			changed := !exists || d.Name != dd.Name || !sameID(d.ParentID, parent) || d.Status != domain.StatusActive ||
				strings.Join(d.Managers, ",") != strings.Join(managers, ",")
			d.DingTalkID, d.Name, d.ParentID, d.Managers, d.Status = dd.ID, dd.Name, parent, managers, domain.StatusActive
			if !changed {
				continue
			}
			if err := tx.SaveDepartment(&d); err != nil {
				return err
			}
			depts[dd.ID] = d
			if exists {
				res.Departments.Updated++
			} else {
				res.Departments.Created++
			}
		}
		for id, d := range depts {
			if !seen[id] && d.Status == domain.StatusActive {
				d.Status = "removed"
				if err := tx.SaveDepartment(&d); err != nil {
					return err
				}
				res.Departments.Removed++
			}
		}
		// Users.
		linked, err := store.Users.LinkedUsers(tx)
		if err != nil {
			return err
		}
		taken, err := store.Users.UsernamesLike(tx, "")
		if err != nil {
			return err
		}
		m := &mirror{tx: tx, depts: depts, linked: linked, taken: taken}
		var created []*domain.User
		present := map[string]bool{}
		for _, du := range snap.Users {
			present[du.UserID] = true
			nu, updated, err := m.user(du)
			if err != nil {
				return err
			}
			if nu != nil {
				created = append(created, nu)
			}
			if updated {
				res.Users.Updated++
			}
		}
		if err := store.Users.CreateUsers(tx, created); err != nil {
			return err
		}
		res.Users.Created = len(created)
		var gone []string
		for id, u := range linked {
			if present[id] || u.Status == domain.UserDisabled {
				continue
			}
			u.Status = domain.UserDisabled
			u.TokenVersion++ // their sessions end now
			old := u.Version
			u.Version++
			if err := store.Users.Update(tx, u, old); err != nil {
				return err
			}
			gone = append(gone, id)
		}
		res.Users.Disabled = len(gone)
		sort.Strings(gone)
		if len(gone) > 100 {
			gone = gone[:100]
		}
		return audit(ctx, tx, "org_sync", "org", 0, nil, map[string]any{"result": res, "disabled": gone})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// mirror applies directory users to ERP users within one transaction.
type mirror struct {
	tx     *store.Tx
	depts  map[int64]domain.Department // by directory id
	linked map[string]*domain.User     // by directory userid
	taken  map[string]bool             // usernames in use
}

// user mirrors one directory user: it updates the linked ERP user (and says
// whether anything changed), or returns a new one for the caller to insert.
func (m *mirror) user(du domain.DirectoryUser) (created *domain.User, updated bool, err error) {
	var deptID *int64
	if len(du.DeptIDs) > 0 {
		if d, ok := m.depts[du.DeptIDs[0]]; ok {
			deptID = &d.ID
		}
	}
	var leads []int64
	for _, l := range du.LeaderIn {
		if d, ok := m.depts[l]; ok {
			leads = append(leads, d.ID)
		}
	}
	u, ok := m.linked[du.UserID]
	if !ok {
		nu := &domain.User{Username: freeUsername(du.UserID, m.taken), Name: du.Name, PasswordHash: noPassword,
			Roles: []domain.Role{domain.RoleViewer}, Status: domain.UserActive, DataScope: domain.ScopeOwn,
			DepartmentID: deptID, DingTalkUserID: du.UserID, Mobile: du.Mobile, Email: du.Email, Title: du.Title,
			JobNumber: du.JobNumber, LeadsDepartments: leads, Source: "dingtalk", Version: 1}
		if nu.Name == "" {
			nu.Name = du.UserID
		}
		return nu, false, nil
	}
	next := *u
	next.Name, next.Mobile, next.Email, next.Title, next.JobNumber = du.Name, du.Mobile, du.Email, du.Title, du.JobNumber
	next.DepartmentID, next.LeadsDepartments = deptID, leads
	// A disabled user stays disabled: whether they left and came back or an
	// administrator shut them out, being in the directory does not by
	// itself give ERP access back. The administrator enables them.
	if sameUser(u, &next) {
		return nil, false, nil
	}
	old := next.Version
	next.Version++
	if err := store.Users.Update(m.tx, &next, old); err != nil {
		return nil, false, err
	}
	m.linked[du.UserID] = &next
	return nil, true, nil
}

func sameID(a, b *int64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func sameUser(a, b *domain.User) bool {
	return a.Name == b.Name && a.Mobile == b.Mobile && a.Email == b.Email && a.Title == b.Title && a.JobNumber == b.JobNumber &&
		sameID(a.DepartmentID, b.DepartmentID) && fmt.Sprint(a.LeadsDepartments) == fmt.Sprint(b.LeadsDepartments) && a.Status == b.Status
}

// freeUsername derives a login name from a DingTalk userid that no user has.
func freeUsername(dingID string, taken map[string]bool) string {
	base := usernameUnsafe.ReplaceAllString(dingID, "")
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

// ListDepartments pages through the mirrored departments.
func (a *App) ListDepartments(ctx context.Context, status string, lp ListParams) (*List[domain.Department], error) {
	if _, err := require(ctx, domain.PermMasterRead); err != nil {
		return nil, err
	}
	p, err := lp.page(map[string]string{"id": "id", "name": "name"})
	if err != nil {
		return nil, err
	}
	items, total, err := store.ListDepartments(a.store.Read(ctx), status, lp.Q, p)
	if err != nil {
		return nil, err
	}
	return newList(items, total, p), nil
}

// HandleDirectoryEvent applies one contact event to the mirror, once: a user
// who joined or changed is read from the directory and mirrored, one who
// left is disabled (sessions ended, documents kept), a department created or
// changed is read and saved, one removed is marked so. Events with an id
// already applied change nothing.
func (a *App) HandleDirectoryEvent(ctx context.Context, ev domain.DirectoryEvent) error {
	ctx = WithActor(ctx, System)
	reader, ok := a.directory.(domain.DirectoryReader)
	if !ok {
		return nil
	}
	// Read what the event names before the transaction: no network call
	// holds a database lock.
	var users []domain.DirectoryUser
	var depts []domain.DirectoryDepartment
	switch ev.Type {
	case domain.EventUserAdd, domain.EventUserModify, domain.EventUserActive:
		for _, id := range ev.UserIDs {
			du, err := reader.User(ctx, id)
			if err != nil {
				return err
			}
			users = append(users, *du)
		}
	case domain.EventDeptCreate, domain.EventDeptModify:
		for _, id := range ev.DeptIDs {
			dd, err := reader.Department(ctx, id)
			if err != nil {
				return err
			}
			depts = append(depts, *dd)
		}
	}
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		first, err := tx.FirstDelivery(ev.ID, ev.Type)
		if err != nil || !first {
			return err
		}
		known, err := store.Departments(tx)
		if err != nil {
			return err
		}
		for _, dd := range depts {
			d := known[dd.ID]
			d.DingTalkID, d.Name, d.Status = dd.ID, dd.Name, domain.StatusActive
			d.ParentID = nil
			if p, ok := known[dd.ParentID]; ok && dd.ID != 1 {
				d.ParentID = &p.ID
			}
			if d.Managers == nil {
				d.Managers = []string{}
			}
			if err := tx.SaveDepartment(&d); err != nil {
				return err
			}
			known[dd.ID] = d
		}
		if ev.Type == domain.EventDeptRemove {
			for _, id := range ev.DeptIDs {
				if d, ok := known[id]; ok {
					d.Status = "removed"
					if err := tx.SaveDepartment(&d); err != nil {
						return err
					}
				}
			}
		}
		linked, err := store.Users.LinkedUsers(tx)
		if err != nil {
			return err
		}
		if ev.Type == domain.EventUserLeave {
			for _, id := range ev.UserIDs {
				u, ok := linked[id]
				if !ok || u.Status == domain.UserDisabled {
					continue
				}
				u.Status = domain.UserDisabled
				u.TokenVersion++
				old := u.Version
				u.Version++
				if err := store.Users.Update(tx, u, old); err != nil {
					return err
				}
			}
		}
		if len(users) > 0 {
			taken, err := store.Users.UsernamesLike(tx, "")
			if err != nil {
				return err
			}
			m := &mirror{tx: tx, depts: known, linked: linked, taken: taken}
			var created []*domain.User
			for _, du := range users {
				nu, _, err := m.user(du)
				if err != nil {
					return err
				}
				if nu != nil {
					created = append(created, nu)
				}
			}
			if err := store.Users.CreateUsers(tx, created); err != nil {
				return err
			}
		}
		return audit(ctx, tx, "directory_event", "org", 0, nil, map[string]any{"event": ev.Type, "id": ev.ID,
			"users": ev.UserIDs, "departments": ev.DeptIDs})
	})
}
