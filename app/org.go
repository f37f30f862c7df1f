package app

import (
	"context"
	"fmt"

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
		depts, err := syncDepartments(tx, snap, res)
		if err != nil {
			return err
		}
		gone, err := syncUsers(tx, snap.Users, depts, res)
		if err != nil {
			return err
		}
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

// syncDepartments writes the snapshot's departments (parents first, so
// their ids are known) where they changed, marks the ones it lacks
// removed, counts both in res, and returns the mirror by directory id.
func syncDepartments(tx *store.Tx, snap *domain.OrgSnapshot, res *SyncResult) (map[int64]domain.Department, error) {
	depts, err := store.Departments(tx)
	if err != nil {
		return nil, err
	}
	leaders := domain.DepartmentLeaders(snap.Users)
	seen := map[int64]bool{}
	for _, dd := range snap.Departments {
		seen[dd.ID] = true
		old, exists := depts[dd.ID]
		d, changed := domain.SyncDepartment(old, exists, dd, domain.DepartmentParent(dd, depts), leaders[dd.ID])
		if !changed {
			continue
		}
		if err := tx.SaveDepartment(&d); err != nil {
			return nil, fmt.Errorf("org sync: department %d: %w", dd.ID, err)
		}
		depts[dd.ID] = d
		if exists {
			res.Departments.Updated++
		} else {
			res.Departments.Created++
		}
	}
	for _, id := range domain.GoneDepartments(depts, seen) {
		d := depts[id]
		d.Status = domain.DepartmentRemoved
		if err := tx.SaveDepartment(&d); err != nil {
			return nil, fmt.Errorf("org sync: removing department %d: %w", id, err)
		}
		res.Departments.Removed++
	}
	return depts, nil
}

// syncUsers mirrors the snapshot's users, disables the linked users it
// lacks, counts them in res, and returns the userids disabled, sorted.
func syncUsers(tx *store.Tx, users []domain.DirectoryUser, depts map[int64]domain.Department, res *SyncResult) ([]string, error) {
	m, err := newMirror(tx, depts)
	if err != nil {
		return nil, err
	}
	created, updated, err := m.users(users)
	if err != nil {
		return nil, err
	}
	res.Users.Created, res.Users.Updated = len(created), updated
	present := make(map[string]bool, len(users))
	for _, du := range users {
		present[du.UserID] = true
	}
	gone := domain.Leavers(m.linked, present)
	for _, id := range gone {
		if err := leave(tx, m.linked[id]); err != nil {
			return nil, err
		}
	}
	res.Users.Disabled = len(gone)
	return gone, nil
}

// leave disables a linked user who left the directory: their sessions end
// now, their documents stay.
func leave(tx *store.Tx, u *domain.User) error {
	if !u.Leave() {
		return nil
	}
	old := u.Version
	u.Version++
	if err := store.Users.Update(tx, u, old); err != nil {
		return fmt.Errorf("disabling %s, who left the directory: %w", u.DingTalkUserID, err)
	}
	return nil
}

// mirror applies directory users to ERP users within one transaction.
type mirror struct {
	tx     *store.Tx
	depts  map[int64]domain.Department // by directory id
	linked map[string]*domain.User     // by directory userid
	taken  map[string]bool             // usernames in use
}

// newMirror reads the linked users and the usernames in use.
func newMirror(tx *store.Tx, depts map[int64]domain.Department) (*mirror, error) {
	linked, err := store.Users.LinkedUsers(tx)
	if err != nil {
		return nil, err
	}
	taken, err := store.Users.UsernamesLike(tx, "")
	if err != nil {
		return nil, err
	}
	return &mirror{tx: tx, depts: depts, linked: linked, taken: taken}, nil
}

// users mirrors directory users: linked ones are updated where they
// changed (counted), new ones are inserted together and returned.
func (m *mirror) users(users []domain.DirectoryUser) (created []*domain.User, updated int, err error) {
	for _, du := range users {
		nu, changed, err := m.user(du)
		if err != nil {
			return nil, 0, err
		}
		if nu != nil {
			created = append(created, nu)
		}
		if changed {
			updated++
		}
	}
	if err := store.Users.CreateUsers(m.tx, created); err != nil {
		return nil, 0, err
	}
	return created, updated, nil
}

// user mirrors one directory user: it updates the linked ERP user (and says
// whether anything changed), or returns a new one for the caller to insert.
func (m *mirror) user(du domain.DirectoryUser) (created *domain.User, updated bool, err error) {
	deptID, leads := domain.UserPlacement(du, m.depts)
	u, ok := m.linked[du.UserID]
	if !ok {
		return domain.NewMirroredUser(du, domain.FreeUsername(du.UserID, m.taken), deptID, leads), false, nil
	}
	next, changed := domain.MirrorUser(*u, du, deptID, leads)
	if !changed {
		return nil, false, nil
	}
	old := next.Version
	next.Version++
	if err := store.Users.Update(m.tx, &next, old); err != nil {
		return nil, false, fmt.Errorf("mirroring %s: %w", du.UserID, err)
	}
	m.linked[du.UserID] = &next
	return nil, true, nil
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
	users, depts, err := readEvent(ctx, reader, ev)
	if err != nil {
		return err
	}
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		first, err := tx.FirstDelivery(ev.ID, ev.Type)
		if err != nil || !first {
			return err
		}
		known, err := applyEventDepartments(tx, ev, depts)
		if err != nil {
			return err
		}
		if err := applyEventUsers(tx, ev, users, known); err != nil {
			return err
		}
		return audit(ctx, tx, "directory_event", "org", 0, nil, map[string]any{"event": ev.Type, "id": ev.ID,
			"users": ev.UserIDs, "departments": ev.DeptIDs})
	})
}

// readEvent reads from the directory the users or departments an event
// names, as they are now.
func readEvent(ctx context.Context, reader domain.DirectoryReader, ev domain.DirectoryEvent) ([]domain.DirectoryUser, []domain.DirectoryDepartment, error) {
	var users []domain.DirectoryUser
	var depts []domain.DirectoryDepartment
	if ev.ReadsUsers() {
		for _, id := range ev.UserIDs {
			du, err := reader.User(ctx, id)
			if err != nil {
				return nil, nil, err
			}
			users = append(users, *du)
		}
	}
	if ev.ReadsDepartments() {
		for _, id := range ev.DeptIDs {
			dd, err := reader.Department(ctx, id)
			if err != nil {
				return nil, nil, err
			}
			depts = append(depts, *dd)
		}
	}
	return users, depts, nil
}

// applyEventDepartments saves the departments an event read and marks the
// ones it removed, and returns the mirror by directory id.
func applyEventDepartments(tx *store.Tx, ev domain.DirectoryEvent, depts []domain.DirectoryDepartment) (map[int64]domain.Department, error) {
	known, err := store.Departments(tx)
	if err != nil {
		return nil, err
	}
	for _, dd := range depts {
		d := domain.EventDepartment(known[dd.ID], dd, domain.DepartmentParent(dd, known))
		if err := tx.SaveDepartment(&d); err != nil {
			return nil, fmt.Errorf("directory event %s: department %d: %w", ev.ID, dd.ID, err)
		}
		known[dd.ID] = d
	}
	if ev.Type != domain.EventDeptRemove {
		return known, nil
	}
	for _, id := range ev.DeptIDs {
		if d, ok := known[id]; ok {
			d.Status = domain.DepartmentRemoved
			if err := tx.SaveDepartment(&d); err != nil {
				return nil, fmt.Errorf("directory event %s: removing department %d: %w", ev.ID, id, err)
			}
		}
	}
	return known, nil
}

// applyEventUsers disables the users an event says left, and mirrors the
// users it read.
func applyEventUsers(tx *store.Tx, ev domain.DirectoryEvent, users []domain.DirectoryUser, known map[int64]domain.Department) error {
	linked, err := store.Users.LinkedUsers(tx)
	if err != nil {
		return err
	}
	if ev.Type == domain.EventUserLeave {
		for _, id := range ev.UserIDs {
			if u, ok := linked[id]; ok {
				if err := leave(tx, u); err != nil {
					return err
				}
			}
		}
	}
	if len(users) == 0 {
		return nil
	}
	taken, err := store.Users.UsernamesLike(tx, "")
	if err != nil {
		return err
	}
	m := &mirror{tx: tx, depts: known, linked: linked, taken: taken}
	_, _, err = m.users(users)
	return err
}
