package dingtalk_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/dingerp/erpd/dingtalk"
	"github.com/dingerp/erpd/dingtalk/sandbox"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
)

var ctx = context.Background()

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newSandbox(t *testing.T, qps int, org sandbox.Org) (*sandbox.Sandbox, *dingtalk.Client, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	sb := sandbox.New(sandbox.Options{AppKey: "ding-app", AppSecret: "ding-secret", QPSLimit: qps, Org: org, Now: clk.now})
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	c := dingtalk.New(dingtalk.Config{AppKey: "ding-app", AppSecret: "ding-secret", APIHost: srv.URL, OAPIHost: srv.URL,
		QPS: 1000, Cache: storetest.Cache(t, "sqlite")})
	return sb, c, clk
}

func TestClientAgainstSandbox(t *testing.T) {
	org := sandbox.Generate(12, 250, 7)
	sb, c, clk := newSandbox(t, 0, org)

	t.Run("TokenCachedAndRefreshed", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			if _, err := c.GetDepartment(ctx, 2); err != nil {
				t.Fatal(err)
			}
		}
		if n := sb.CountCalls("/v1.0/oauth2/accessToken"); n != 1 {
			t.Fatalf("%d token calls for 5 requests, want 1", n)
		}
		// DingTalk expired the token: the client notices 40014, fetches a
		// new one once and the call still succeeds.
		sb.ExpireToken()
		clk.t = clk.t.Add(time.Second)
		if _, err := c.GetDepartment(ctx, 2); err != nil {
			t.Fatal(err)
		}
		if n := sb.CountCalls("/v1.0/oauth2/accessToken"); n != 2 {
			t.Fatalf("%d token calls after expiry, want 2", n)
		}
	})

	t.Run("BusyIsRetried", func(t *testing.T) {
		sb.Busy(2)
		if _, err := c.GetUser(ctx, "user00001"); err != nil {
			t.Fatalf("two -1 answers then success: %v", err)
		}
		sb.Busy(5)
		_, err := c.GetUser(ctx, "user00001")
		var de *dingtalk.Error
		if !errors.As(err, &de) || de.Code != "-1" || !de.Retryable() {
			t.Fatalf("still busy after 3 attempts: %v", err)
		}
		sb.Busy(0)
	})

	t.Run("OrgRead", func(t *testing.T) {
		top, err := c.ListSubDepartments(ctx, 1)
		if err != nil || len(top) != 10 {
			t.Fatalf("top departments: %d %v", len(top), err)
		}
		var all []dingtalk.User
		var cursor int64
		for {
			p, err := c.ListUsers(ctx, 2, cursor, 7)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, p.List...)
			if !p.HasMore {
				break
			}
			cursor = p.NextCursor
		}
		want := 0
		for _, u := range org.Users {
			if u.DeptIDs[0] == 2 {
				want++
			}
		}
		if len(all) != want || want == 0 {
			t.Fatalf("paged %d users of department 2, want %d", len(all), want)
		}
		u, err := c.GetUser(ctx, all[0].UserID)
		if err != nil || len(u.LeaderInDept) != 1 || !u.LeaderInDept[0].Leader {
			t.Fatalf("the first member leads the department: %+v %v", u, err)
		}
		_, err = c.GetUser(ctx, "nobody")
		var de *dingtalk.Error
		if !errors.As(err, &de) || de.Code != "33012" {
			t.Fatalf("unknown user: %v", err)
		}
		if _, err := c.ListUsers(ctx, 2, 0, 101); err == nil {
			t.Fatal("size 101 accepted")
		}
	})

	t.Run("ProcessIDsPaged", func(t *testing.T) {
		start := func(code, who, number string) string {
			id, err := c.StartProcess(ctx, domain.ProcessStart{ProcessCode: code, OriginatorUserID: who,
				Form: []domain.FormValue{{Name: "单据编号", Value: number}}})
			if err != nil {
				t.Fatal(err)
			}
			clk.t = clk.t.Add(time.Second)
			return id
		}
		start("PROC-A", "user00001", "before")
		since := clk.t
		var want []string
		for i := 0; i < 45; i++ {
			want = append(want, start("PROC-A", "user00001", fmt.Sprintf("PO-%02d", i)))
			start("PROC-B", "user00001", "other process")
			if i%15 == 0 {
				start("PROC-A", "user00002", "other originator")
			}
		}
		got, err := c.ProcessIDs(ctx, domain.ProcessQuery{ProcessCode: "PROC-A", Since: since, Until: clk.t, Originators: []string{"user00001"}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("ids over three pages: got %d %v, want %d oldest first", len(got), got, len(want))
		}
		if n := sb.CountCalls("/v1.0/workflow/processes/instanceIds/query"); n != 3 {
			t.Fatalf("%d calls for 45 ids, want 3 pages of at most 20", n)
		}
		inst, err := c.Process(ctx, want[7])
		if err != nil || inst.FormValue("单据编号") != "PO-07" || inst.Status != "RUNNING" {
			t.Fatalf("instance read back: %+v %v", inst, err)
		}
		all, err := c.ProcessIDs(ctx, domain.ProcessQuery{ProcessCode: "PROC-A", Since: since.Add(-time.Hour), Until: clk.t})
		if err != nil || len(all) != 45+1+3 {
			t.Fatalf("every originator since an hour before: %d %v", len(all), err)
		}
		_, err = c.ProcessIDs(ctx, domain.ProcessQuery{ProcessCode: "PROC-A", Since: clk.t.AddDate(0, 0, -121), Until: clk.t})
		var de *dingtalk.Error
		if !errors.As(err, &de) || de.Code != "invalidParameter" {
			t.Fatalf("a window starting 121 days back: %v", err)
		}
	})

	t.Run("AuthCodeOnce", func(t *testing.T) {
		code, err := sb.IssueAuthCode("user00003")
		if err != nil {
			t.Fatal(err)
		}
		u, err := c.UserByAuthCode(ctx, code)
		if err != nil || u.UserID != "user00003" || u.Name == "" {
			t.Fatalf("user by code: %+v %v", u, err)
		}
		_, err = c.UserByAuthCode(ctx, code)
		if de := domain.AsError(err); de == nil || de.Code != "dingtalk_auth_code_invalid" || de.Kind != domain.KindUnauthorized {
			t.Fatalf("a code used twice: %v", err)
		}
	})
}

func TestRateLimitAndErrors(t *testing.T) {
	sb, c, _ := newSandbox(t, 3, sandbox.Generate(2, 5, 1))
	// The sandbox allows 3 calls a second per API; the client's own limit is
	// high here, so the fourth call within the second meets 90018 and is
	// retried a second later (the sandbox clock does not move, so it keeps
	// failing and the error comes back typed).
	var err error
	for i := 0; i < 4 && err == nil; i++ {
		_, err = c.GetDepartment(ctx, 2)
	}
	var de *dingtalk.Error
	if !errors.As(err, &de) || de.Code != "90018" || !de.Retryable() {
		t.Fatalf("over the QPS limit: %v", err)
	}
	if n := sb.CountCalls("/topapi/v2/department/get"); n != 6 {
		t.Fatalf("%d calls: 3 allowed, then 3 attempts", n)
	}

	bad := dingtalk.New(dingtalk.Config{AppKey: "ding-app", AppSecret: "wrong", APIHost: "http://127.0.0.1:1", OAPIHost: "http://127.0.0.1:1"})
	_, err = bad.UserByAuthCode(ctx, "x")
	if de := domain.AsError(err); de == nil || de.Kind != domain.KindUnavailable {
		t.Fatalf("DingTalk unreachable: %v", err)
	}
}

func TestTokenSharedBetweenProcesses(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		sb := sandbox.New(sandbox.Options{AppKey: "k", AppSecret: "s", Org: sandbox.Generate(1, 2, 1)})
		srv := httptest.NewServer(sb.Handler())
		defer srv.Close()
		cache := storetest.Cache(t, driver) // Redis beside MariaDB, as in production
		for i := 0; i < 2; i++ {            // two erpd processes
			c := dingtalk.New(dingtalk.Config{AppKey: "k", AppSecret: "s", APIHost: srv.URL, OAPIHost: srv.URL, Cache: cache})
			for j := 0; j < 3; j++ {
				if _, err := c.GetDepartment(ctx, 2); err != nil {
					t.Fatal(err)
				}
			}
		}
		if n := sb.CountCalls("/v1.0/oauth2/accessToken"); n != 1 {
			t.Fatalf("%d token fetches for two processes sharing the cache, want 1", n)
		}
	})
}

// The sandbox's messaging doors as DingTalk shapes them: robot messages
// take msgParam as a JSON string, work notifications a comma-separated
// userid_list, and the errors are DingTalk's codes.
func TestSandboxMessagingShapes(t *testing.T) {
	org := sandbox.Generate(1, 3, 2)
	sb := sandbox.New(sandbox.Options{AppKey: "k", AppSecret: "s", Org: org})
	srv := httptest.NewServer(sb.Handler())
	defer srv.Close()
	c := dingtalk.New(dingtalk.Config{AppKey: "k", AppSecret: "s", APIHost: srv.URL, OAPIHost: srv.URL, Cache: storetest.Cache(t, "sqlite")})
	ctx := context.Background()
	u1, u2 := org.Users[0].UserID, org.Users[1].UserID
	var out struct {
		InvalidStaffIDList []string `json:"invalidStaffIdList"`
	}
	err := c.API(ctx, "POST", "/v1.0/robot/oToMessages/batchSend", nil, map[string]any{"robotCode": "r",
		"userIds": []string{u1, "nobody"}, "msgKey": "sampleMarkdown", "msgParam": `{"title":"库存","text":"**A001** 12"}`}, &out)
	if err != nil || len(out.InvalidStaffIDList) != 1 || out.InvalidStaffIDList[0] != "nobody" {
		t.Fatalf("batchSend: %v %+v", err, out)
	}
	if m := sb.Messages(u1, "robot"); len(m) != 1 || m[0].Title != "库存" || m[0].Text != "**A001** 12" {
		t.Fatalf("robot messages %+v", m)
	}
	var de *dingtalk.Error
	err = c.API(ctx, "POST", "/v1.0/robot/oToMessages/batchSend", nil, map[string]any{"robotCode": "r",
		"userIds": []string{u1}, "msgKey": "sampleMarkdown", "msgParam": map[string]string{"title": "x"}}, nil)
	if !errors.As(err, &de) || de.Status != 400 {
		t.Fatalf("msgParam as an object: %v", err)
	}
	err = c.API(ctx, "POST", "/v1.0/robot/groupMessages/send", nil, map[string]any{"robotCode": "r",
		"openConversationId": "cid1", "msgKey": "sampleNope", "msgParam": `{}`}, nil)
	if !errors.As(err, &de) || de.Code != "invalidParameter.msgKey.invalid" {
		t.Fatalf("bad msgKey: %v", err)
	}
	if err := c.API(ctx, "POST", "/v1.0/robot/groupMessages/send", nil, map[string]any{"robotCode": "r",
		"openConversationId": "cid1", "msgKey": "sampleText", "msgParam": `{"content":"今日销售 ¥1,130.00"}`}, nil); err != nil {
		t.Fatal(err)
	}
	if m := sb.Messages("", "group"); len(m) != 1 || m[0].Conversation != "cid1" || m[0].Text != "今日销售 ¥1,130.00" {
		t.Fatalf("group messages %+v", m)
	}
	if err := c.Notify(ctx, []string{u1, u2}, "审批结果", "PO 已通过"); err != nil {
		t.Fatal(err)
	}
	if m := sb.Messages(u2, "work_notice"); len(m) != 1 || m[0].Text != "PO 已通过" || len(m[0].To) != 2 {
		t.Fatalf("work notices %+v", m)
	}
	// Replies through an unknown or expired session are refused.
	if err := c.Reply(ctx, srv.URL+"/robot/sendBySession?session=nope", "t", "x"); err == nil {
		t.Fatal("reply through an unknown session accepted")
	}
}
