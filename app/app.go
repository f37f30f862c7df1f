// Package app holds erpd's use cases: one service method per thing a user
// does, each in one transaction, with permission checks and the audit log.
// It knows nothing of HTTP, so the API, the DingTalk bot, cards and
// schedules all call the same code.
package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// App is the set of use cases over one store and cache.
type App struct {
	store        *store.Store
	cache        domain.Cache
	log          *slog.Logger
	auth         AuthConfig
	throttle     Throttle
	catalog      *Catalog
	rules        *Master[domain.ApprovalRule, ApprovalRuleInput]
	creditPolicy string
	billAt       string // domain.BillAtShipment or BillAtInvoice
	finance      FinanceSettings
	directory    domain.Directory
	dt           DingTalk
	outboxKick   chan struct{}
	clock        func() time.Time
}

// DingTalk is what the use cases reach DingTalk through; the zero value
// means DingTalk is not used (approvals stay in the ERP inbox).
type DingTalk struct {
	// Workflow runs OA approvals; ProcessCodes maps a document type
	// (purchase_order, sales_order) to its OA process template.
	Workflow     domain.Workflow
	ProcessCodes map[string]string
	// Messenger sends work notifications and cards; CardTemplates holds
	// the card template ids ("approval", "low_stock").
	Messenger     domain.Messenger
	CardTemplates map[string]string
	// RetryBase and RetryMax bound the outbox's backoff (1 s and 5 min
	// when zero).
	RetryBase, RetryMax time.Duration
	// H5 is what the DingTalk H5 micro-app needs: the corp and app it runs
	// in, and the jsapi ticket its dd.config is signed with.
	H5 H5Config
	// Web is DingTalk's QR sign-in (扫码登录) for the console.
	Web WebLoginConfig
}

// WebLoginConfig points the console's QR sign-in at DingTalk.
type WebLoginConfig struct {
	// LoginHost serves /oauth2/auth (https://login.dingtalk.com); empty
	// turns QR sign-in off.
	LoginHost string
	// PublicURL is erpd's address as browsers reach it (the redirect goes
	// back there).
	PublicURL string
	// TrustRequestOrigin lets an empty PublicURL fall back to the address
	// of each request: the demo only, since in production the Host header
	// is the client's to choose.
	TrustRequestOrigin bool
}

// H5Config describes the DingTalk app to the H5 page.
type H5Config struct {
	JSAPI    domain.JSAPI
	CorpID   string
	AgentID  int64
	ClientID string // the app key, for dd.requestAuthCode
	SignAlgo string // domain.SignSHA256 (default) or SignSHA1
}

// Options configure the use cases.
type Options struct {
	Store    *store.Store
	Cache    domain.Cache
	Logger   *slog.Logger
	Auth     AuthConfig
	Throttle Throttle
	// DingTalk connects approvals, notifications and cards to DingTalk.
	DingTalk DingTalk
	// CreditPolicy is CreditRefuse (default) or CreditApproval.
	CreditPolicy string
	// BillAt is when receivables and payables arise: domain.BillAtShipment
	// (default) or domain.BillAtInvoice.
	BillAt string
	// Finance is the books' presentation and control settings: the
	// company name on printed statements (编制单位) and whether closing
	// requires every voucher reviewed (审核).
	Finance FinanceSettings
	// Directory resolves DingTalk 免登 codes; nil disables DingTalk login.
	Directory domain.Directory
	// Now is the clock of business time (today's date, periods, token
	// and code times). Nil takes the store's, so both read one clock.
	Now func() time.Time
}

// New builds the use cases.
func New(o Options) *App {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Throttle.MaxFailures == 0 {
		o.Throttle = DefaultThrottle
	}
	if o.DingTalk.RetryBase <= 0 {
		o.DingTalk.RetryBase = time.Second
	}
	if o.DingTalk.RetryMax <= 0 {
		o.DingTalk.RetryMax = 5 * time.Minute
	}
	if o.CreditPolicy == "" {
		o.CreditPolicy = CreditRefuse
	}
	if o.BillAt == "" {
		o.BillAt = domain.BillAtShipment
	}
	if o.Now == nil {
		o.Now = time.Now
		if o.Store != nil {
			o.Now = o.Store.Now
		}
	}
	a := &App{store: o.Store, cache: o.Cache, log: o.Logger, auth: o.Auth, throttle: o.Throttle,
		creditPolicy: o.CreditPolicy, billAt: o.BillAt, finance: o.Finance, directory: o.Directory, dt: o.DingTalk, outboxKick: make(chan struct{}, 1), clock: o.Now}
	a.catalog = a.newCatalog()
	a.rules = a.newApprovalRules()
	return a
}

// Store exposes the store to the transport for health checks.
func (a *App) Store() *store.Store { return a.store }

// Cache exposes the cache to the transport for health checks.
func (a *App) Cache() domain.Cache { return a.cache }

type actorKey struct{}
type requestIDKey struct{}

// WithActor returns ctx acting as u.
func WithActor(ctx context.Context, u *domain.User) context.Context {
	return context.WithValue(ctx, actorKey{}, u)
}

// WithRequestID returns ctx carrying the request id for the audit log.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// System is the actor of start-up tasks, migrations and demo data.
var System = &domain.User{ID: 0, Username: "system", Name: "系统", Roles: []domain.Role{domain.RoleAdmin}, Status: domain.UserActive, DataScope: domain.ScopeAll}

// Actor returns who is acting in ctx, or nil.
func Actor(ctx context.Context) *domain.User {
	u, _ := ctx.Value(actorKey{}).(*domain.User)
	return u
}

// require returns the actor if it may do p.
func require(ctx context.Context, p domain.Permission) (*domain.User, error) {
	u := Actor(ctx)
	if u == nil {
		return nil, domain.ErrUnauthorized.WithMessage("请先登录")
	}
	if !u.Can(p) {
		return nil, domain.ErrForbidden.WithMessage("没有权限执行此操作 (%s)", p)
	}
	return u, nil
}

// audit writes one audit entry in tx; before and after are rendered as JSON.
func audit(ctx context.Context, tx *store.Tx, action, entity string, id int64, before, after any) error {
	u := Actor(ctx)
	if u == nil {
		u = System
	}
	rid, _ := ctx.Value(requestIDKey{}).(string)
	return tx.Audit(domain.AuditEntry{ActorID: u.ID, ActorName: u.Name, Action: action, Entity: entity, EntityID: id,
		Before: jsonOf(before), After: jsonOf(after), RequestID: rid})
}

func jsonOf(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// List is one page of results.
type List[T any] struct {
	Items    []T   `json:"items"`
	Total    int64 `json:"total"`
	Page     int   `json:"page"`
	PageSize int   `json:"page_size"`
}

func newList[T any](items []T, total int64, p store.Page) *List[T] {
	if items == nil {
		items = []T{}
	}
	return &List[T]{Items: items, Total: total, Page: p.Page, PageSize: p.PageSize}
}

// ListParams are the paging, sorting and text search of a list request,
// already parsed by the transport.
type ListParams struct {
	Page     int
	PageSize int
	Sort     string
	Q        string
	// Export asks for every row (up to MaxExportRows) instead of a page.
	Export bool
}

// page validates sorting against the columns a list allows (field name →
// column) and returns the store's paging.
func (p ListParams) page(sortable map[string]string) (store.Page, error) {
	out := store.Page{Page: p.Page, PageSize: p.PageSize}
	if out.Page < 1 {
		out.Page = 1
	}
	if out.PageSize < 1 {
		out.PageSize = 20
	}
	if out.PageSize > 200 && !p.Export {
		return out, domain.Invalid("page_size", "每页最多 200 条")
	}
	if p.Export {
		out.Page, out.PageSize = 1, MaxExportRows+1
	}
	if p.Sort != "" {
		field, desc := p.Sort, false
		if field[0] == '-' {
			field, desc = field[1:], true
		}
		col, ok := sortable[field]
		if !ok {
			return out, domain.Invalid("sort", "不能按 %s 排序", field)
		}
		if desc {
			col = "-" + col
		}
		out.Sort = col
	}
	return out, nil
}

// now is the clock of use cases that run outside a transaction (inside
// one, tx.Now is the same clock fixed at the transaction's start).
func (a *App) now() time.Time { return a.clock().UTC() }

// Now is the use cases' clock, for the transport (the date in an export's
// file name).
func (a *App) Now() time.Time { return a.now() }
