package domain

import (
	"context"
	"errors"
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

// FormValue is one field of an OA approval form: Name is the label of the
// form template's component.
type FormValue struct {
	Name  string
	Value string
}

// ProcessStart asks the OA system (DingTalk 审批) to start an instance of a
// process template for a document.
type ProcessStart struct {
	ProcessCode string
	// OriginatorUserID is the requester's directory (DingTalk) user id.
	OriginatorUserID string
	Form             []FormValue
}

// Process instance states and results (DingTalk's words).
const (
	ProcessRunning    = "RUNNING"
	ProcessCompleted  = "COMPLETED"
	ProcessTerminated = "TERMINATED"
	ProcessAgree      = "agree"
	ProcessRefuse     = "refuse"
)

// ProcessRecord is one step of an instance's history.
type ProcessRecord struct {
	UserID string
	Type   string // EXECUTE_TASK_NORMAL, START_PROCESS_INSTANCE, …
	Result string // AGREE, REFUSE, NONE
	Remark string
	At     time.Time
}

// ProcessInstance is an OA approval instance as it stands.
type ProcessInstance struct {
	ID      string
	Status  string
	Result  string
	Form    []FormValue
	Records []ProcessRecord
}

// FormValue returns the value of the form field with name, or "".
func (p ProcessInstance) FormValue(name string) string {
	for _, f := range p.Form {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// ProcessQuery selects instances of one process started in a time window,
// optionally by some originators (获取审批实例ID列表).
type ProcessQuery struct {
	ProcessCode  string
	Since, Until time.Time
	Originators  []string
}

// Decider returns who decided a finished instance and their remark: the
// last task executed.
func (p ProcessInstance) Decider() (userID, remark string) {
	for i := len(p.Records) - 1; i >= 0; i-- {
		if r := p.Records[i]; r.Type == "EXECUTE_TASK_NORMAL" || r.Type == "EXECUTE_TASK_AGENT" {
			return r.UserID, r.Remark
		}
	}
	return "", ""
}

// Workflow is the OA approval system approvers use (DingTalk 审批).
type Workflow interface {
	// StartProcess starts an instance and returns its id.
	StartProcess(ctx context.Context, p ProcessStart) (string, error)
	// Process reads an instance.
	Process(ctx context.Context, id string) (*ProcessInstance, error)
	// ProcessIDs lists the ids of the instances a query selects, oldest
	// first.
	ProcessIDs(ctx context.Context, q ProcessQuery) ([]string, error)
	// TerminateProcess withdraws a running instance (its document was
	// cancelled in the ERP).
	TerminateProcess(ctx context.Context, id, remark string) error
}

// ApprovalEvent is a change of an OA instance, pushed as it happens
// (bpms_instance_change). ID is the event id: it may arrive more than once.
type ApprovalEvent struct {
	ID          string
	InstanceID  string
	ProcessCode string
	Type        string // start, finish, terminate
	Result      string // agree, refuse (finish only)
	At          time.Time
}

// Card is an interactive card for one directory user. OutTrackID is ours
// and unique; Params fill the card template.
type Card struct {
	OutTrackID string
	TemplateID string
	UserID     string
	Params     map[string]string
}

// Messenger reaches people where they work (DingTalk): work notifications
// and interactive cards in the bot's chat.
type Messenger interface {
	// Notify sends a work notification (工作通知) in markdown.
	Notify(ctx context.Context, userIDs []string, title, markdown string) error
	// SendCard creates a card and delivers it to its user.
	SendCard(ctx context.Context, c Card) error
	// UpdateCard replaces the named parameters of a sent card.
	UpdateCard(ctx context.Context, outTrackID string, params map[string]string) error
}

// ErrProcessEnded says an OA instance is no longer running (or gone), so
// withdrawing it has nothing left to do.
var ErrProcessEnded = errors.New("process instance no longer running")

// ErrCardGone says a card to update no longer exists.
var ErrCardGone = errors.New("card does not exist")

// PermanentError is implemented by errors of a far side that refused a
// call for good (bad parameters, unknown template): retrying cannot help.
type PermanentError interface {
	Permanent() bool
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
	// UserByOAuthCode exchanges the one-time code of the web sign-in
	// (扫码登录, OAuth2) for the directory user who scanned.
	UserByOAuthCode(ctx context.Context, code string) (*DirectoryUser, error)
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

// JSAPI issues the ticket DingTalk H5 pages sign dd.config with, and how
// long it stays valid.
type JSAPI interface {
	JSAPITicket(ctx context.Context) (string, time.Duration, error)
}
