// Command erpd is the ERP server: HTTP API, workers and (later) the DingTalk
// stream connection, in one process.
//
//	erpd                 serve with the configuration (embedded SQLite by default)
//	erpd --demo          serve a demo company on the embedded default
//	erpd config          print the effective configuration, secrets masked
//	erpd migrate         migrate the database and exit
//	erpd check           verify the stock ledger (balances = Σ moves) and exit
//	erpd healthcheck     probe /healthz of the local server (container HEALTHCHECK)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // Asia/Shanghai on images without zoneinfo

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/app/httpapi"
	"github.com/dingerp/erpd/config"
	"github.com/dingerp/erpd/dingtalk"
	"github.com/dingerp/erpd/dingtalk/sandbox"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/cache"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	if err := m.ParseFlags(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	code := m.Exec(ctx)
	os.Exit(code)
}

// Main is the whole program, built so tests can start it on a random port
// with the same wiring as production.
type Main struct {
	ConfigPath string
	Command    string
	// Args follow the command (backup's file).
	Args   []string
	Demo   bool
	Config *config.Config
	Out    io.Writer

	Log   *slog.Logger
	Store *store.Store
	Cache domain.Cache
	App   *app.App

	ln   net.Listener
	http *http.Server
	// metricsLn and metricsHTTP serve /metrics alone on metrics.listen.
	metricsLn   net.Listener
	metricsHTTP *http.Server
	stream      *dingtalk.Stream
	dingtalk    *dingtalk.Client
	// OutboxRetryBase and OutboxRetryMax override the outbox backoff
	// (tests make it quick).
	OutboxRetryBase, OutboxRetryMax time.Duration
	sandbox                         *http.Server
	// Sandbox is the demo's in-process DingTalk stand-in.
	Sandbox *sandbox.Sandbox
	// SandboxURL is the in-process DingTalk sandbox of the demo.
	SandboxURL string
	closeRed   func() error
	cancel     context.CancelFunc
	done       chan struct{}
}

// NewMain returns a Main with defaults.
func NewMain() *Main { return &Main{Out: os.Stdout, Command: "serve", done: make(chan struct{})} }

// ParseFlags reads the command line.
func (m *Main) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("erpd", flag.ContinueOnError)
	fs.StringVar(&m.ConfigPath, "config", "", "path to erp.yaml (or ERP_CONFIG)")
	fs.BoolVar(&m.Demo, "demo", false, "run a demo company on the embedded database")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: erpd [--config erp.yaml] [--demo] [serve|demo|config|migrate|check|healthcheck|backup FILE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		m.Command, m.Args = fs.Arg(0), fs.Args()[1:]
	}
	switch m.Command {
	case "demo":
		m.Command, m.Demo = "serve", true
	case "serve", "config", "migrate", "check", "healthcheck":
	case "backup":
		if len(m.Args) != 1 {
			return errors.New("erpd: usage: erpd backup FILE (a new file: a SQLite database, or an SQL dump for MySQL/MariaDB)")
		}
	default:
		return fmt.Errorf("erpd: unknown command %q", m.Command)
	}
	if m.Demo {
		// The demo speaks DingTalk to an in-process sandbox, so 免登 and the
		// other DingTalk doors work on a bare machine.
		if os.Getenv("ERP_DINGTALK_ENABLED") == "" {
			url, err := m.startSandbox()
			if err != nil {
				return err
			}
			for k, v := range demoDingTalkEnv(url) {
				os.Setenv(k, v)
			}
		}
		// The demo never touches a real company's data directory.
		if os.Getenv("ERP_DATA_DIR") == "" {
			os.Setenv("ERP_DATA_DIR", "./demo-data")
		}
		if os.Getenv("ERP_ADMIN_PASSWORD") == "" {
			os.Setenv("ERP_ADMIN_PASSWORD", DemoPassword)
		}
		// The 编制单位 on the demo's printed vouchers and statements.
		if os.Getenv("ERP_FINANCE_COMPANY_NAME") == "" {
			os.Setenv("ERP_FINANCE_COMPANY_NAME", DemoCompanyName)
		}
	}
	cfg, err := config.Load(m.ConfigPath)
	if err != nil {
		return err
	}
	if m.Demo && os.Getenv("ERP_AUTH_TOTP_REQUIRED_ROLES") == "" {
		// The demo is signed into by anyone trying it (admin/erpdemo2026 is
		// printed): requiring an authenticator there would only hide the
		// product. Said at start-up, so nobody mistakes it for the default.
		cfg.Auth.TOTPRequiredRoles = nil
	}
	m.Config = cfg
	return nil
}

// Exec runs the chosen command until ctx ends and returns the exit code.
func (m *Main) Exec(ctx context.Context) int {
	switch m.Command {
	case "config":
		fmt.Fprintln(m.Out, m.Config.Masked())
		return 0
	case "healthcheck":
		return healthcheck(m.Config.HTTP.Addr)
	case "backup":
		return m.backup(ctx, m.Args[0])
	case "migrate", "check":
		if err := m.Open(ctx); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer m.Close()
		if m.Command == "check" {
			bad, err := m.Store.LedgerCheck(m.Store.Read(ctx))
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			if len(bad) > 0 {
				fmt.Fprintf(os.Stderr, "stock ledger: %d balances differ from their moves: %v\n", len(bad), bad)
				return 1
			}
			fmt.Fprintln(m.Out, "stock ledger: every balance equals the sum of its moves")
			if err := m.App.CheckBooks(ctx); err != nil {
				fmt.Fprintln(os.Stderr, "books:", err)
				return 1
			}
			fmt.Fprintln(m.Out, "books: the trial balance balances; 1405, 1122 and 2202 agree with the stock and the open items; "+
				"every month's 现金净增加额 equals its change in 货币资金")
		}
		return 0
	}
	if err := m.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	<-ctx.Done()
	m.Log.Info("shutting down")
	if err := m.Close(); err != nil {
		m.Log.Error("shutdown", "err", err)
		return 1
	}
	return 0
}

func (m *Main) logger() *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(m.Config.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if m.Config.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// storeOptions is the configured database (the embedded SQLite file under
// data_dir unless a DSN names another).
func (m *Main) storeOptions() store.Options {
	c := m.Config.Database
	dsn := c.DSN
	if c.Driver == store.DriverSQLite {
		dsn = m.Config.SQLitePath()
	}
	o := store.Options{Driver: c.Driver, DSN: dsn, MaxOpenConns: c.MaxOpenConns, MaxIdleConns: c.MaxIdleConns, Logger: m.Log}
	if m.Config.Auth.Secret == "" {
		o.SecretFile = m.Config.AuthSecretPath()
	}
	return o
}

// authSecret is the token-signing key: auth.secret when configured, else
// the key file in the data directory, made on first start. It is never in
// the database, so `erpd backup` does not copy it: a stolen backup signs no
// token, and deleting the file (or setting a new auth.secret) rotates it.
func (m *Main) authSecret() (string, error) {
	if s := m.Config.Auth.Secret; s != "" {
		return s, nil
	}
	path := m.Config.AuthSecretPath()
	s, created, loose, err := store.ReadOrCreateSecret(path)
	if err != nil {
		return "", err
	}
	if created {
		m.Log.Info("generated the token-signing key", "file", path)
		if m.Config.Database.Driver == store.DriverMySQL {
			m.Log.Warn("every erpd process on this database must sign tokens with the same key: "+
				"set auth.secret (ERP_AUTH_SECRET) on all of them, or give them this file", "file", path)
		}
	}
	if loose {
		m.Log.Warn("the token-signing key file was readable by others; it is 0600 now, and the key should be rotated", "file", path)
	}
	return s, nil
}

// backup copies the database to path while it stays in use; it opens the
// store without migrating, so an old database is copied as it is.
func (m *Main) backup(ctx context.Context, path string) int {
	o := m.storeOptions()
	o.MaxOpenConns, o.MaxIdleConns, o.Logger = 2, 1, m.logger()
	s, err := store.Open(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	if err := s.Backup(ctx, path); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	st, err := os.Stat(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Fprintf(m.Out, "backup written: %s (%d bytes)\n", path, st.Size())
	return 0
}

// Open connects the database (migrating it) and the cache, and builds the
// use cases; it starts nothing.
func (m *Main) Open(ctx context.Context) error {
	if m.Log == nil {
		m.Log = m.logger()
	}
	c := m.Config
	s, err := store.Open(ctx, m.storeOptions())
	if err != nil {
		return err
	}
	m.Store = s
	if err := s.MigrateLocked(ctx); err != nil {
		return err
	}
	if c.Redis.Addr != "" {
		r, err := cache.NewRedis(ctx, c.Redis.Addr, c.Redis.Password, c.Redis.DB, c.Redis.Prefix)
		if err != nil {
			return fmt.Errorf("redis %s: %w", c.Redis.Addr, err)
		}
		m.Cache, m.closeRed = r, r.Close
	} else {
		m.Cache = cache.NewMemory()
	}
	secret, err := m.authSecret()
	if err != nil {
		return err
	}
	var totpRoles []domain.Role
	for _, r := range c.Auth.RequiredTOTPRoles() {
		totpRoles = append(totpRoles, domain.Role(r))
	}
	if len(totpRoles) == 0 && m.Demo {
		m.Log.Warn("demo: two-step sign-in is required of no role (set ERP_AUTH_TOTP_REQUIRED_ROLES to try it)")
	}
	var dir domain.Directory
	var dt app.DingTalk
	if c.DingTalk.Enabled {
		m.dingtalk = dingtalk.New(dingtalk.Config{AppKey: c.DingTalk.AppKey, AppSecret: c.DingTalk.AppSecret,
			APIHost: c.DingTalk.APIHost, OAPIHost: c.DingTalk.OAPIHost, QPS: c.DingTalk.QPS, AgentID: c.DingTalk.AgentID,
			RobotCode: c.DingTalk.RobotCode, Cache: m.Cache, Logger: m.Log})
		dir = m.dingtalk
		dt = app.DingTalk{Workflow: m.dingtalk, ProcessCodes: c.DingTalk.ProcessCodes.ByDocType(), Messenger: m.dingtalk,
			CardTemplates: map[string]string{app.CardApproval: c.DingTalk.CardTemplates.Approval, app.CardLowStock: c.DingTalk.CardTemplates.LowStock},
			RetryBase:     m.OutboxRetryBase, RetryMax: m.OutboxRetryMax,
			H5: app.H5Config{JSAPI: m.dingtalk, CorpID: c.DingTalk.CorpID, AgentID: c.DingTalk.AgentID, ClientID: c.DingTalk.AppKey,
				SignAlgo: c.DingTalk.JSAPISign},
			Web: app.WebLoginConfig{LoginHost: c.DingTalk.LoginHost, PublicURL: c.HTTP.PublicURL, TrustRequestOrigin: m.Demo}}
	}
	m.App = app.New(app.Options{Store: s, Cache: m.Cache, Logger: m.Log,
		Auth: app.AuthConfig{Secret: []byte(secret), TokenTTL: c.Auth.TokenTTL,
			PreviousSecret: []byte(c.Auth.PreviousSecret), TOTPRequiredRoles: totpRoles},
		CreditPolicy: c.Sales.CreditPolicy, BillAt: c.Finance.BillAt,
		Finance:   app.FinanceSettings{CompanyName: c.Finance.CompanyName, ReviewRequired: c.Finance.ReviewRequired},
		Directory: dir, DingTalk: dt})
	return nil
}

// Run opens everything, makes sure an administrator exists, seeds the demo
// when asked, and starts serving HTTP in the background.
func (m *Main) Run(ctx context.Context) error {
	start := time.Now() // wall clock: start-up time, not business time
	if err := m.Open(ctx); err != nil {
		return err
	}
	created, err := m.App.EnsureAdmin(ctx, m.Config.Admin.Username, m.Config.Admin.Password)
	if err != nil {
		return err
	}
	if unknown, err := m.App.UnknownTOTPRoles(ctx); err != nil {
		return err
	} else if len(unknown) > 0 {
		m.Log.Warn("auth.totp_required_roles names roles that do not exist; no one holds them, so they require nothing", "roles", unknown)
	}
	if created {
		m.Log.Info("created the administrator", "username", m.Config.Admin.Username)
	}
	if m.Demo {
		if err := SeedDemo(ctx, m.App, m.Store); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	ln, err := net.Listen("tcp", m.Config.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", m.Config.HTTP.Addr, err)
	}
	m.ln = ln
	srv := httpapi.New(m.App, m.Log)
	srv.SetIdempotencyLease(m.Config.HTTP.IdempotencyLease)
	srv.SetMetricsToken(m.Config.Metrics.Token)
	if err := srv.SetTrustedProxies(m.Config.HTTP.TrustedProxies); err != nil {
		ln.Close()
		return fmt.Errorf("http.trusted_proxies: %w", err)
	}
	if addr := m.Config.Metrics.Listen; addr != "" {
		mln, err := net.Listen("tcp", addr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen %s (metrics.listen): %w", addr, err)
		}
		m.metricsLn = mln
		m.metricsHTTP = &http.Server{Handler: srv.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
		go func() {
			if err := m.metricsHTTP.Serve(mln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				m.Log.Error("metrics http", "err", err)
			}
		}()
	}
	m.http = &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	go func() {
		if err := m.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error("http", "err", err)
		}
	}()
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	m.cancel = cancel
	go m.workers(wctx)
	if r, ok := m.Cache.(*cache.Redis); ok {
		go m.Store.ShareMasterCacheOver(wctx, r)
	}
	if m.Config.DingTalk.Enabled {
		m.stream = dingtalk.NewStream(dingtalk.StreamConfig{AppKey: m.Config.DingTalk.AppKey, AppSecret: m.Config.DingTalk.AppSecret,
			APIHost: m.Config.DingTalk.APIHost, Logger: m.Log}, dingtalk.Handlers{
			Directory: m.App.HandleDirectoryEvent,
			Approval:  m.App.HandleApprovalEvent,
			Bot: func(ctx context.Context, msg dingtalk.BotMessage) (string, string, error) {
				a, err := m.App.BotReply(ctx, msg.SenderStaffID, msg.Text, msg.ConversationType == "2")
				return a.Title, a.Text, err
			},
			Reply: m.dingtalk.Reply,
			Card: func(ctx context.Context, c dingtalk.CardClick) (map[string]string, error) {
				return m.App.HandleCardAction(ctx, app.CardAction{OutTrackID: c.OutTrackID, UserID: c.UserID, Action: c.Action})
			},
		})
		go m.connectStream(wctx)
	}
	m.Log.Info("erpd ready", "addr", m.URL(), "driver", m.Config.Database.Driver, "cache", cacheKind(m.Config),
		"startup_ms", time.Since(start).Milliseconds())
	if m.Demo {
		fmt.Fprintf(m.Out, "\n演示数据已就绪: %s  用户 %s / 密码 %s (其他演示用户密码相同)\n", m.URL(), m.Config.Admin.Username, m.Config.Admin.Password)
		if m.SandboxURL != "" {
			fmt.Fprintf(m.Out, "钉钉沙盒: %s  (POST /sandbox/auth-codes {\"userid\":\"ding_caigou\"} 取免登码)\n", m.SandboxURL)
		}
		fmt.Fprintln(m.Out)
	}
	return nil
}

func cacheKind(c *config.Config) string {
	if c.Redis.Addr == "" {
		return "memory"
	}
	return "redis " + c.Redis.Addr
}

// workers runs the background chores until ctx ends.
func (m *Main) workers(ctx context.Context) {
	defer close(m.done)
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	// Calls to DingTalk wait in the outbox; with DingTalk off the outbox
	// still drains (low-stock alerts are written regardless). Close waits
	// for the deliverer, so a call made is recorded before the store closes.
	var outbox sync.WaitGroup
	outbox.Add(1)
	go func() {
		defer outbox.Done()
		m.App.RunOutbox(ctx)
	}()
	defer outbox.Wait()
	// The org mirror refreshes in full on a schedule; several erpd processes
	// may each run it: the sync is idempotent and writes only differences.
	var sync <-chan time.Time
	if m.Config.DingTalk.Enabled && m.Config.DingTalk.SyncInterval > 0 {
		st := time.NewTicker(m.Config.DingTalk.SyncInterval)
		defer st.Stop()
		sync = st.C
	}
	// The reorder check runs on every posting and level change; once a day
	// (at start, then at the first hourly tick of each new day by the
	// store's clock) it also runs over every level, for what no posting
	// touched, such as stock reserved by orders.
	lastReorder := ""
	reorder := func() {
		day := domain.LocalDate(m.Store.Now())
		if day == lastReorder {
			return
		}
		res, err := m.App.RunReorderCheck(app.WithActor(ctx, app.System))
		if err != nil {
			if ctx.Err() == nil {
				m.Log.Warn("daily reorder check", "err", err)
			}
			return
		}
		lastReorder = day
		m.Log.Info("daily reorder check", "warehouses", res.Warehouses, "low", res.Low)
	}
	reorder()
	for {
		select {
		case <-ctx.Done():
			return
		case <-sync:
			res, err := m.App.SyncOrg(app.WithActor(ctx, app.System))
			if err != nil {
				m.Log.Warn("scheduled org sync", "err", err)
			} else {
				m.Log.Info("scheduled org sync", "users_created", res.Users.Created, "users_updated", res.Users.Updated,
					"users_disabled", res.Users.Disabled, "directory_calls", res.DirectoryCalls)
			}
		case <-t.C:
			reorder()
			if _, err := m.Store.PurgeOutbox(ctx, m.Store.Now().Add(-7*24*time.Hour)); err != nil {
				m.Log.Warn("purge outbox", "err", err)
			}
			if n, err := m.Store.IdemPurge(ctx); err != nil {
				m.Log.Warn("purge idempotency keys", "err", err)
			} else if n > 0 {
				m.Log.Info("purged idempotency keys", "count", n)
			}
		}
	}
}

// connectStream opens the DingTalk stream, retrying until it succeeds: the
// SDK reconnects by itself only once it has connected, and DingTalk being
// unreachable at start must not keep erpd from serving.
func (m *Main) connectStream(ctx context.Context) {
	wait := time.Second
	for {
		err := m.stream.Start(ctx)
		if err == nil {
			m.Log.Info("dingtalk stream connected")
			return
		}
		m.Log.Warn("dingtalk stream", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Minute)
	}
}

// MetricsURL is the base URL of the metrics.listen listener, or "".
func (m *Main) MetricsURL() string {
	if m.metricsLn == nil {
		return ""
	}
	return "http://" + m.metricsLn.Addr().String()
}

// URL is the base URL the server listens on.
func (m *Main) URL() string {
	if m.ln == nil {
		return ""
	}
	addr := m.ln.Addr().String()
	if strings.HasPrefix(addr, "[::]:") || strings.HasPrefix(addr, "0.0.0.0:") {
		addr = "127.0.0.1:" + addr[strings.LastIndex(addr, ":")+1:]
	}
	return "http://" + addr
}

// Close stops serving, letting requests in flight finish, then closes the
// workers, the cache and the database.
func (m *Main) Close() error {
	var errs []error
	if m.sandbox != nil {
		// Shutdown (not Close) runs the hook that stops its redelivery loop.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if err := m.sandbox.Shutdown(ctx); err != nil {
			// Still busy after 2s: net/http waits up to 5s for a connection
			// opened with no request on it yet (a client's reconnect). The
			// sandbox only stands in for DingTalk, so it is closed outright.
			errs = append(errs, m.sandbox.Close())
		}
		cancel()
	}
	if m.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), m.Config.HTTP.ShutdownTimeout)
		errs = append(errs, m.http.Shutdown(ctx))
		cancel()
	}
	if m.metricsHTTP != nil {
		errs = append(errs, m.metricsHTTP.Close())
	}
	if m.cancel != nil {
		m.cancel()
		<-m.done
	}
	if m.stream != nil {
		m.stream.Close()
	}
	if m.closeRed != nil {
		errs = append(errs, m.closeRed())
	}
	if m.Store != nil {
		errs = append(errs, m.Store.Close())
	}
	return errors.Join(errs...)
}

// healthcheck probes the local server, for images without curl.
func healthcheck(addr string) int {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return 1
	}
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}
