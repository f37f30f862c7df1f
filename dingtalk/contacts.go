package dingtalk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/dingerp/erpd/domain"
)

// Department is a DingTalk department (部门).
type Department struct {
	ID       int64  `json:"dept_id"`
	Name     string `json:"name"`
	ParentID int64  `json:"parent_id"`
	// Managers is filled by GetDepartment only.
	Managers []string `json:"dept_manager_userid_list"`
}

// LeaderInDept says whether a user leads one of their departments.
type LeaderInDept struct {
	DeptID int64 `json:"dept_id"`
	Leader bool  `json:"leader"`
}

// User is a DingTalk user as /topapi/v2/user/list and /user/get return it.
type User struct {
	UserID       string         `json:"userid"`
	UnionID      string         `json:"unionid"`
	Name         string         `json:"name"`
	Title        string         `json:"title"`
	JobNumber    string         `json:"job_number"`
	Mobile       string         `json:"mobile"`
	Email        string         `json:"email"`
	DeptIDs      []int64        `json:"dept_id_list"`
	Leader       bool           `json:"leader"`
	Active       bool           `json:"active"`
	Admin        bool           `json:"admin"`
	Boss         bool           `json:"boss"`
	ManagerID    string         `json:"manager_userid"`
	LeaderInDept []LeaderInDept `json:"leader_in_dept"`
}

// UserPage is one page of a department's direct members.
type UserPage struct {
	HasMore    bool   `json:"has_more"`
	NextCursor int64  `json:"next_cursor"`
	List       []User `json:"list"`
}

// ListSubDepartments returns the direct children of a department (1 is the
// root).
func (c *Client) ListSubDepartments(ctx context.Context, deptID int64) ([]Department, error) {
	var out struct {
		Result []Department `json:"result"`
	}
	err := c.OAPI(ctx, "/topapi/v2/department/listsub", map[string]any{"dept_id": deptID}, &out)
	return out.Result, err
}

// GetDepartment returns one department with its managers.
func (c *Client) GetDepartment(ctx context.Context, deptID int64) (*Department, error) {
	var out struct {
		Result Department `json:"result"`
	}
	if err := c.OAPI(ctx, "/topapi/v2/department/get", map[string]any{"dept_id": deptID}, &out); err != nil {
		return nil, err
	}
	return &out.Result, nil
}

// ListUsers returns one page (size 1–100) of a department's direct members.
func (c *Client) ListUsers(ctx context.Context, deptID, cursor int64, size int) (*UserPage, error) {
	var out struct {
		Result UserPage `json:"result"`
	}
	if err := c.OAPI(ctx, "/topapi/v2/user/list", map[string]any{"dept_id": deptID, "cursor": cursor, "size": size}, &out); err != nil {
		return nil, err
	}
	return &out.Result, nil
}

// GetUser returns one user with leader_in_dept.
func (c *Client) GetUser(ctx context.Context, userID string) (*User, error) {
	var out struct {
		Result User `json:"result"`
	}
	if err := c.OAPI(ctx, "/topapi/v2/user/get", map[string]any{"userid": userID}, &out); err != nil {
		return nil, err
	}
	return &out.Result, nil
}

var _ domain.Directory = (*Client)(nil)

// UserByAuthCode implements domain.Directory: a 免登 code becomes the user
// it was issued to. A bad or used code is the caller's problem
// (unauthorized); DingTalk being unreachable is nobody's (unavailable).
func (c *Client) UserByAuthCode(ctx context.Context, code string) (*domain.DirectoryUser, error) {
	code = strings.TrimSpace(code)
	if code == "" || len(code) > 256 {
		return nil, domain.Invalid("auth_code", "缺少钉钉免登授权码")
	}
	var info struct {
		Result struct {
			UserID  string `json:"userid"`
			UnionID string `json:"unionid"`
			Name    string `json:"name"`
		} `json:"result"`
	}
	if err := c.OAPI(ctx, "/topapi/v2/user/getuserinfo", map[string]any{"code": code}, &info); err != nil {
		return nil, directoryError(err)
	}
	u, err := c.GetUser(ctx, info.Result.UserID)
	if err != nil {
		return nil, directoryError(err)
	}
	return &domain.DirectoryUser{UserID: u.UserID, UnionID: u.UnionID, Name: u.Name, Title: u.Title, JobNumber: u.JobNumber,
		Mobile: u.Mobile, Email: u.Email, DeptIDs: u.DeptIDs, Active: u.Active, Admin: u.Admin}, nil
}

// directoryError turns DingTalk's answer into the domain's terms.
func directoryError(err error) error {
	var de *Error
	if errors.As(err, &de) {
		switch de.Code {
		case "40078", "40035", "400002":
			return (&domain.Error{Kind: domain.KindUnauthorized, Code: "dingtalk_auth_code_invalid",
				Message: "钉钉免登授权码无效或已使用，请重新打开应用"}).Wrap(err)
		case "33012", "60121":
			return (&domain.Error{Kind: domain.KindUnauthorized, Code: "dingtalk_user_not_found",
				Message: "钉钉通讯录中找不到该用户"}).Wrap(err)
		}
		if !de.Retryable() && !de.TokenInvalid() {
			return (&domain.Error{Kind: domain.KindUnavailable, Code: "dingtalk_error",
				Message: "钉钉接口返回错误: " + de.Code + " " + de.Message}).Wrap(err)
		}
	}
	return (&domain.Error{Kind: domain.KindUnavailable, Code: "dingtalk_unavailable", Message: "暂时无法连接钉钉，请稍后重试"}).Wrap(err)
}

// Org implements domain.Directory: it walks the department tree from the
// root (listsub per department) and pages through each department's direct
// members (user/list, 100 at a time), merging people who belong to several
// departments. The walk and the paging run side by side — the pager takes
// departments as the walk finds them — because DingTalk limits each API
// separately; the client's rate limit keeps each within DingTalk's QPS.
// Departments are paged in the order found, so the snapshot is the same as
// a sequential walk's.
func (c *Client) Org(ctx context.Context) (*domain.OrgSnapshot, error) {
	snap := &domain.OrgSnapshot{}
	root, err := c.GetDepartment(ctx, 1)
	snap.Calls++
	if err != nil {
		return nil, directoryError(err)
	}
	g, gctx := errgroup.WithContext(ctx)
	found := make(chan int64, 1024)
	var walkCalls, pageCalls int
	g.Go(func() error {
		defer close(found)
		snap.Departments = append(snap.Departments, domain.DirectoryDepartment{ID: 1, Name: root.Name})
		found <- 1
		for next := 0; next < len(snap.Departments); next++ {
			subs, err := c.ListSubDepartments(gctx, snap.Departments[next].ID)
			walkCalls++
			if err != nil {
				return directoryError(err)
			}
			for _, d := range subs {
				snap.Departments = append(snap.Departments, domain.DirectoryDepartment{ID: d.ID, ParentID: d.ParentID, Name: d.Name})
				select {
				case found <- d.ID:
				case <-gctx.Done():
					return gctx.Err()
				}
			}
		}
		return nil
	})
	byID := map[string]*domain.DirectoryUser{}
	var order []string
	g.Go(func() error {
		for dept := range found {
			var cursor int64
			for {
				page, err := c.ListUsers(gctx, dept, cursor, 100)
				pageCalls++
				if err != nil {
					return directoryError(err)
				}
				for _, u := range page.List {
					du, ok := byID[u.UserID]
					if !ok {
						du = &domain.DirectoryUser{UserID: u.UserID, UnionID: u.UnionID, Name: u.Name, Title: u.Title,
							JobNumber: u.JobNumber, Mobile: u.Mobile, Email: u.Email, Active: u.Active, Admin: u.Admin}
						byID[u.UserID] = du
						order = append(order, u.UserID)
					}
					du.DeptIDs = append(du.DeptIDs, dept)
					if u.Leader {
						du.LeaderIn = append(du.LeaderIn, dept)
					}
				}
				if !page.HasMore {
					break
				}
				cursor = page.NextCursor
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	snap.Calls += walkCalls + pageCalls
	for _, id := range order {
		snap.Users = append(snap.Users, *byID[id])
	}
	return snap, nil
}

var _ domain.DirectoryReader = (*Client)(nil)

// User implements domain.DirectoryReader.
func (c *Client) User(ctx context.Context, userID string) (*domain.DirectoryUser, error) {
	u, err := c.GetUser(ctx, userID)
	if err != nil {
		return nil, directoryError(err)
	}
	du := &domain.DirectoryUser{UserID: u.UserID, UnionID: u.UnionID, Name: u.Name, Title: u.Title, JobNumber: u.JobNumber,
		Mobile: u.Mobile, Email: u.Email, DeptIDs: u.DeptIDs, Active: u.Active, Admin: u.Admin}
	for _, l := range u.LeaderInDept {
		if l.Leader {
			du.LeaderIn = append(du.LeaderIn, l.DeptID)
		}
	}
	return du, nil
}

// Department implements domain.DirectoryReader.
func (c *Client) Department(ctx context.Context, deptID int64) (*domain.DirectoryDepartment, error) {
	d, err := c.GetDepartment(ctx, deptID)
	if err != nil {
		return nil, directoryError(err)
	}
	return &domain.DirectoryDepartment{ID: d.ID, ParentID: d.ParentID, Name: d.Name}, nil
}

// UserByOAuthCode implements domain.Directory for DingTalk's web sign-in
// (扫码登录): the authCode the browser brought back is traded for the
// person's own access token (POST /v1.0/oauth2/userAccessToken), which
// reads their unionId (GET /v1.0/contact/users/me); the corp's userid for
// that unionId (POST /topapi/user/getbyunionid) names the directory user.
func (c *Client) UserByOAuthCode(ctx context.Context, code string) (*domain.DirectoryUser, error) {
	code = strings.TrimSpace(code)
	if code == "" || len(code) > 256 {
		return nil, domain.Invalid("auth_code", "缺少钉钉扫码授权码")
	}
	var tok struct {
		AccessToken string `json:"accessToken"`
	}
	in := map[string]string{"clientId": c.cfg.AppKey, "clientSecret": c.cfg.AppSecret, "code": code, "grantType": "authorization_code"}
	// The code is single-use: a retry after a lost answer would be refused,
	// so this call is made once.
	if err := c.call(ctx, http.MethodPost, c.cfg.APIHost, "/v1.0/oauth2/userAccessToken", nil, in, &tok, false, ""); err != nil {
		return nil, oauthError(err)
	}
	var me struct {
		UnionID string `json:"unionId"`
		Nick    string `json:"nick"`
	}
	if err := c.call(ctx, http.MethodGet, c.cfg.APIHost, "/v1.0/contact/users/me", nil, nil, &me, false, tok.AccessToken); err != nil {
		return nil, directoryError(err)
	}
	var byUnion struct {
		Result struct {
			UserID string `json:"userid"`
		} `json:"result"`
	}
	if err := c.OAPI(ctx, "/topapi/user/getbyunionid", map[string]any{"unionid": me.UnionID}, &byUnion); err != nil {
		var de *Error
		if errors.As(err, &de) && de.Code == "60121" {
			// Signed in to DingTalk, but not a member of this company.
			return nil, (&domain.Error{Kind: domain.KindForbidden, Code: "dingtalk_user_not_in_corp",
				Message: fmt.Sprintf("钉钉账号 %s 不是本企业成员，请用企业钉钉扫码", me.Nick)}).Wrap(err)
		}
		return nil, directoryError(err)
	}
	u, err := c.GetUser(ctx, byUnion.Result.UserID)
	if err != nil {
		return nil, directoryError(err)
	}
	return &domain.DirectoryUser{UserID: u.UserID, UnionID: u.UnionID, Name: u.Name, Title: u.Title, JobNumber: u.JobNumber,
		Mobile: u.Mobile, Email: u.Email, DeptIDs: u.DeptIDs, Active: u.Active, Admin: u.Admin}, nil
}

func oauthError(err error) error {
	var de *Error
	if errors.As(err, &de) && de.Status == http.StatusBadRequest && de.Code != "invalidClientIdOrSecret" {
		return (&domain.Error{Kind: domain.KindUnauthorized, Code: "dingtalk_auth_code_invalid",
			Message: "钉钉扫码授权码无效或已使用，请重新扫码"}).Wrap(err)
	}
	return directoryError(err)
}
