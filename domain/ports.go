package domain

import (
	"context"
	"time"
)

// Cache is the shared key-value cache: Redis in production, an in-process
// map on the embedded default. Nothing in it is the only copy of anything;
// losing it costs speed or a throttle window, never data.
type Cache interface {
	// Get returns the value and whether it was there.
	Get(ctx context.Context, key string) (string, bool, error)
	// Set stores a value for ttl.
	Set(ctx context.Context, key, value string, ttl time.Duration) error
	// Del removes keys.
	Del(ctx context.Context, keys ...string) error
	// Incr adds one to a counter, starting its ttl when it is created, and
	// returns the new count (login throttling, rate limits).
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
	// Ping checks the cache is reachable, for /readyz.
	Ping(ctx context.Context) error
}

// ApprovalGateway delivers approval requests to where approvers decide: the
// local inbox, or DingTalk OA. It is told inside the submitting transaction
// (ctx carries it); an implementation that reaches outside the process must
// go through an outbox written in that transaction, never call out directly,
// so a rolled-back submit never reaches an approver.
type ApprovalGateway interface {
	// Channel names the gateway: "local" or "dingtalk".
	Channel() string
	// Requested announces a new pending approval.
	Requested(ctx context.Context, a Approval) error
	// Cancelled withdraws a pending approval (its document was cancelled).
	Cancelled(ctx context.Context, a Approval) error
}

// DirectoryUser is a person as the company directory (DingTalk) knows them.
type DirectoryUser struct {
	UserID    string
	UnionID   string
	Name      string
	Title     string
	JobNumber string
	Mobile    string
	Email     string
	DeptIDs   []int64
	// LeaderIn lists the departments (directory ids) the user leads.
	LeaderIn []int64
	Active   bool
	Admin    bool
}

// DirectoryDepartment is a department as the directory knows it; ID and
// ParentID are the directory's own ids (1 is the root).
type DirectoryDepartment struct {
	ID       int64
	ParentID int64
	Name     string
}

// OrgSnapshot is the whole organisation at one moment.
type OrgSnapshot struct {
	Departments []DirectoryDepartment
	Users       []DirectoryUser
	Calls       int // directory API calls it took
}

// Directory is the company directory (DingTalk's contacts).
type Directory interface {
	// UserByAuthCode exchanges a one-time 免登 code from the mini-app or H5
	// page for the directory user it was issued to.
	UserByAuthCode(ctx context.Context, code string) (*DirectoryUser, error)
	// Org reads the whole organisation: every department and every member.
	Org(ctx context.Context) (*OrgSnapshot, error)
}

// Directory event types (DingTalk contact events).
const (
	EventUserAdd    = "user_add_org"
	EventUserModify = "user_modify_org"
	EventUserActive = "user_active_org"
	EventUserLeave  = "user_leave_org"
	EventDeptCreate = "org_dept_create"
	EventDeptModify = "org_dept_modify"
	EventDeptRemove = "org_dept_remove"
)

// DirectoryEvent is a change in the company directory, pushed as it happens.
// ID is the directory's event id: the same event may arrive more than once.
type DirectoryEvent struct {
	ID      string
	Type    string
	UserIDs []string
	DeptIDs []int64
}

// DirectoryReader reads single directory entries, for incremental updates.
type DirectoryReader interface {
	User(ctx context.Context, userID string) (*DirectoryUser, error)
	Department(ctx context.Context, deptID int64) (*DirectoryDepartment, error)
}
