package app_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/dingtalk"
	"github.com/dingerp/erpd/dingtalk/sandbox"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// The issue's scale: 300 departments and 5,000 users, mirrored in full,
// then again after people join, leave and move.
func TestOrgSync(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		sb := sandbox.New(sandbox.Options{AppKey: "k", AppSecret: "s", Org: sandbox.Generate(300, 5000, 11)})
		srv := httptest.NewServer(sb.Handler())
		defer srv.Close()
		s := storetest.Open(t, driver)
		cache := storetest.Cache(t, driver)
		dir := dingtalk.New(dingtalk.Config{AppKey: "k", AppSecret: "s", APIHost: srv.URL, OAPIHost: srv.URL, QPS: 100000, Cache: cache})
		a := app.New(app.Options{Store: s, Cache: cache, Directory: dir})
		admin := app.WithActor(context.Background(), app.System)

		res := must[*app.SyncResult](t)(a.SyncOrg(admin))
		if res.Departments.Created != 301 || res.Users.Created != 5000 || res.Users.Disabled != 0 {
			t.Fatalf("first sync: %+v", res)
		}
		// 1 root + 300 listsub + ≥ 301 user pages (size 100).
		if res.DirectoryCalls < 602 || res.DirectoryCalls > 700 {
			t.Fatalf("directory calls: %d", res.DirectoryCalls)
		}
		again := must[*app.SyncResult](t)(a.SyncOrg(admin))
		if again.Users.Created+again.Users.Updated+again.Users.Disabled+again.Departments.Created+again.Departments.Updated != 0 {
			t.Fatalf("a second sync of an unchanged org changed %+v", again)
		}
		depts, err := store.Departments(s.Read(context.Background()))
		if err != nil || len(depts) != 301 {
			t.Fatalf("departments: %d %v", len(depts), err)
		}
		// The first member of department 2 leads it.
		leader := must[*domain.User](t)(store.Users.ByDingTalkUserID(s.Read(context.Background()), "user00001"))
		if leader.DepartmentID == nil || *leader.DepartmentID != depts[2].ID || len(leader.LeadsDepartments) != 1 ||
			len(depts[2].Managers) != 1 || depts[2].Managers[0] != "user00001" || leader.Source != "dingtalk" {
			t.Fatalf("leader = %+v, dept = %+v", leader, depts[2])
		}
		// Mirrored users have no password: they sign in through DingTalk.
		if _, err := a.Login(context.Background(), leader.Username, "anything-1", "", "10.1.1.1"); !isCode(err, domain.CodeBadCredentials) {
			t.Fatalf("password login of a mirrored user: %v", err)
		}
		code, _ := sb.IssueAuthCode("user00001")
		if sess, err := a.LoginDingTalk(context.Background(), code, "10.1.1.2"); err != nil || sess.User.ID != leader.ID {
			t.Fatalf("免登 after sync: %v", err)
		}

		// People leave, join and move; a department is renamed.
		sb.RemoveUser("user00002")
		u3, _ := sb.User("user00003")
		u3.DeptIDs, u3.Title = []int64{5}, "主管"
		sb.PutUser(u3)
		sb.PutUser(sandbox.User{UserID: "newbie", Name: "新同事", DeptIDs: []int64{2}, Active: true})
		sb.PutDepartment(sandbox.Department{ID: 2, Name: "销售一部", ParentID: 1})
		res = must[*app.SyncResult](t)(a.SyncOrg(admin))
		// Departments: 2 renamed; 3 lost its leader (user00002 left); 4 lost
		// its leader (user00003 moved to 5).
		if res.Users.Created != 1 || res.Users.Disabled != 1 || res.Users.Updated != 1 || res.Departments.Updated != 3 {
			t.Fatalf("incremental changes: %+v", res)
		}
		gone := must[*domain.User](t)(store.Users.ByDingTalkUserID(s.Read(context.Background()), "user00002"))
		if gone.Status != domain.UserDisabled {
			t.Fatalf("a user who left is %s", gone.Status)
		}
		moved := must[*domain.User](t)(store.Users.ByDingTalkUserID(s.Read(context.Background()), "user00003"))
		if moved.Title != "主管" || *moved.DepartmentID != depts[5].ID {
			t.Fatalf("moved user = %+v", moved)
		}
		// Someone an administrator shut out stays out, though DingTalk still
		// lists them; so does a leaver who comes back, until enabled.
		must[*domain.User](t)(a.UpdateUser(admin, moved.ID, app.UserInput{Status: ptr(domain.UserDisabled), Version: moved.Version}))
		sb.PutUser(sandbox.User{UserID: "user00002", Name: "回来了", DeptIDs: []int64{2}, Active: true})
		must[*app.SyncResult](t)(a.SyncOrg(admin))
		for _, id := range []string{"user00003", "user00002"} {
			if u := must[*domain.User](t)(store.Users.ByDingTalkUserID(s.Read(context.Background()), id)); u.Status != domain.UserDisabled {
				t.Fatalf("%s was enabled again by the sync", id)
			}
		}
		// A user's department: one of the mirror's, or none (0 clears it).
		_, err = a.UpdateUser(admin, moved.ID, app.UserInput{DepartmentID: ptr(int64(999999)), Version: moved.Version + 1})
		wantCode(t, err, domain.CodeValidation)
		if u := must[*domain.User](t)(a.UpdateUser(admin, moved.ID, app.UserInput{DepartmentID: ptr(int64(0)), Version: moved.Version + 1})); u.DepartmentID != nil {
			t.Fatalf("department not cleared: %v", *u.DepartmentID)
		}
		found := must[*app.List[domain.Department]](t)(a.ListDepartments(admin, "", app.ListParams{Q: "销售一", PageSize: 20}))
		if found.Total != 1 || found.Items[0].Name != "销售一部" {
			t.Fatalf("departments by name: %+v", found)
		}
		// Only administrators sync.
		viewer := must[*domain.User](t)(store.Users.ByDingTalkUserID(s.Read(context.Background()), "newbie"))
		_, err = a.SyncOrg(app.WithActor(context.Background(), viewer))
		wantCode(t, err, domain.CodeForbidden)
	})
}

// Data scope on orders: own, department and below, all; leaders see the
// departments they lead.
func TestOrderDataScope(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		u := e.unit("个")
		wh := e.warehouse("W1", false)
		p := e.product("A001", u.ID, false)
		cus := e.partner("C1", domain.PartnerCustomer, "0")
		// A mirrored tree: 销售部 (root child) with 华东组 below it.
		var sales, east domain.Department
		err := e.store.InTx(context.Background(), func(tx *store.Tx) error {
			sales = domain.Department{DingTalkID: 2, Name: "销售部", Status: domain.StatusActive, Managers: []string{}}
			if err := tx.SaveDepartment(&sales); err != nil {
				return err
			}
			east = domain.Department{DingTalkID: 3, Name: "华东组", ParentID: &sales.ID, Status: domain.StatusActive, Managers: []string{}}
			return tx.SaveDepartment(&east)
		})
		if err != nil {
			t.Fatal(err)
		}
		mk := func(name string, scope string, dept *int64) context.Context {
			usr := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr(name), Name: ptr(name),
				Password: ptr("Pw-scope-2026x"), Roles: &[]domain.Role{domain.RoleSales}, DataScope: ptr(scope), DepartmentID: dept}))
			return app.WithActor(context.Background(), usr)
		}
		rep1, rep2 := mk("rep1", domain.ScopeOwn, &east.ID), mk("rep2", domain.ScopeOwn, &east.ID)
		head := mk("head", domain.ScopeDepartment, &sales.ID)
		lines := []app.OrderLineInput{{ProductID: p.ID, Qty: d("1"), UnitPrice: d("1")}}
		o1 := must[*domain.Order](t)(e.app.CreateOrder(rep1, domain.DocSalesOrder, app.OrderInput{PartnerID: &cus.ID, WarehouseID: &wh.ID, Lines: &lines}))
		must[*domain.Order](t)(e.app.CreateOrder(rep2, domain.DocSalesOrder, app.OrderInput{PartnerID: &cus.ID, WarehouseID: &wh.ID, Lines: &lines}))
		count := func(ctx context.Context) int64 {
			return must[*app.List[store.OrderListItem]](t)(e.app.ListOrders(ctx, domain.DocSalesOrder, app.OrderFilter{}, app.ListParams{})).Total
		}
		if count(rep1) != 1 || count(rep2) != 1 || count(head) != 2 || count(e.admin) != 2 {
			t.Fatalf("visible: rep1 %d, rep2 %d, head %d, admin %d", count(rep1), count(rep2), count(head), count(e.admin))
		}
		_, err = e.app.GetOrder(rep2, domain.DocSalesOrder, o1.ID)
		wantCode(t, err, domain.CodeNotFound)
		_, err = e.app.CancelOrder(rep2, domain.DocSalesOrder, o1.ID)
		wantCode(t, err, domain.CodeNotFound)
		if _, err := e.app.GetOrder(head, domain.DocSalesOrder, o1.ID); err != nil {
			t.Fatalf("the department head sees the subtree: %v", err)
		}
		// A leader of 华东组 with an own scope sees the group's orders too.
		lead := must[*domain.User](t)(e.app.CreateUser(e.admin, app.UserInput{Username: ptr("lead"), Name: ptr("组长"),
			Password: ptr("Pw-scope-2026y"), Roles: &[]domain.Role{domain.RoleSales}, DataScope: ptr(domain.ScopeOwn)}))
		lead.LeadsDepartments = []int64{east.ID}
		if n := count(app.WithActor(context.Background(), lead)); n != 2 {
			t.Fatalf("a group leader sees %d orders, want 2", n)
		}
	})
}

// A contact event is applied once: delivered again (DingTalk redelivers
// what it thinks was not acked) it changes nothing.
func TestDirectoryEventsAppliedOnce(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		sb := sandbox.New(sandbox.Options{AppKey: "k", AppSecret: "s", Org: sandbox.Generate(2, 4, 5)})
		srv := httptest.NewServer(sb.Handler())
		defer srv.Close()
		s := storetest.Open(t, driver)
		cache := storetest.Cache(t, driver)
		a := app.New(app.Options{Store: s, Cache: cache,
			Directory: dingtalk.New(dingtalk.Config{AppKey: "k", AppSecret: "s", APIHost: srv.URL, OAPIHost: srv.URL, Cache: cache})})
		admin := app.WithActor(context.Background(), app.System)
		must[*app.SyncResult](t)(a.SyncOrg(admin))
		q := s.Read(context.Background())

		leave := domain.DirectoryEvent{ID: "ev-1", Type: domain.EventUserLeave, UserIDs: []string{"user00002"}}
		if err := a.HandleDirectoryEvent(context.Background(), leave); err != nil {
			t.Fatal(err)
		}
		u := must[*domain.User](t)(store.Users.ByDingTalkUserID(q, "user00002"))
		if u.Status != domain.UserDisabled {
			t.Fatalf("after user_leave_org: %s", u.Status)
		}
		// An administrator lets them back in; the same event arriving again
		// must not undo that.
		must[*domain.User](t)(a.UpdateUser(admin, u.ID, app.UserInput{Status: ptr(domain.UserActive)}))
		if err := a.HandleDirectoryEvent(context.Background(), leave); err != nil {
			t.Fatal(err)
		}
		if u := must[*domain.User](t)(store.Users.ByDingTalkUserID(q, "user00002")); u.Status != domain.UserActive {
			t.Fatalf("a redelivered event was applied again: %s", u.Status)
		}
		// A new hire and a renamed department arrive as events.
		sb.PutUser(sandbox.User{UserID: "hire1", Name: "新人", DeptIDs: []int64{3}, Active: true})
		sb.PutDepartment(sandbox.Department{ID: 3, Name: "改名部", ParentID: 1})
		for _, ev := range []domain.DirectoryEvent{{ID: "ev-2", Type: domain.EventUserAdd, UserIDs: []string{"hire1"}},
			{ID: "ev-3", Type: domain.EventDeptModify, DeptIDs: []int64{3}}} {
			if err := a.HandleDirectoryEvent(context.Background(), ev); err != nil {
				t.Fatal(err)
			}
		}
		hire := must[*domain.User](t)(store.Users.ByDingTalkUserID(q, "hire1"))
		depts := must[map[int64]domain.Department](t)(store.Departments(q))
		if hire.DepartmentID == nil || *hire.DepartmentID != depts[3].ID || depts[3].Name != "改名部" {
			t.Fatalf("hire %+v, department %+v", hire, depts[3])
		}
	})
}
