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
		if _, err := a.Login(context.Background(), leader.Username, "anything-1", "10.1.1.1"); !isCode(err, domain.CodeBadCredentials) {
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
		// Only administrators sync.
		viewer := must[*domain.User](t)(store.Users.ByDingTalkUserID(s.Read(context.Background()), "newbie"))
		_, err = a.SyncOrg(app.WithActor(context.Background(), viewer))
		wantCode(t, err, domain.CodeForbidden)
	})
}
