// Package config reads erpd's configuration: defaults, then an optional YAML
// file, then ERP_<SECTION>_<KEY> environment variables. Only cmd imports it;
// everything else receives plain values.
package config

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/viper"
)

// Config is the whole effective configuration.
type Config struct {
	HTTP     HTTP     `mapstructure:"http" json:"http"`
	DataDir  string   `mapstructure:"data_dir" json:"data_dir"`
	Database Database `mapstructure:"database" json:"database"`
	Redis    Redis    `mapstructure:"redis" json:"redis"`
	Admin    Admin    `mapstructure:"admin" json:"admin"`
	Auth     Auth     `mapstructure:"auth" json:"auth"`
	Log      Log      `mapstructure:"log" json:"log"`
	Sales    Sales    `mapstructure:"sales" json:"sales"`
	Finance  Finance  `mapstructure:"finance" json:"finance"`
	DingTalk DingTalk `mapstructure:"dingtalk" json:"dingtalk"`
	Metrics  Metrics  `mapstructure:"metrics" json:"metrics"`
}

// Metrics says who may read the Prometheus metrics. With neither key set
// /metrics is 404: it names every route and the database pool's state,
// which is no one's business but the operator's.
type Metrics struct {
	// Token, when set, is the bearer token a scrape of /metrics must send
	// (on the main listener and on Listen).
	Token string `mapstructure:"token" json:"token"`
	// Listen, when set, is a separate address (127.0.0.1:9090) serving
	// /metrics alone, for a network only the monitoring reaches.
	Listen string `mapstructure:"listen" json:"listen"`
}

// DingTalk connects erpd to a DingTalk app. Both hosts are configuration:
// pointed at any server that speaks DingTalk's protocol (the sandbox), every
// DingTalk door works unchanged.
type DingTalk struct {
	Enabled   bool    `mapstructure:"enabled" json:"enabled"`
	AppKey    string  `mapstructure:"app_key" json:"app_key"`
	AppSecret string  `mapstructure:"app_secret" json:"app_secret"`
	AgentID   int64   `mapstructure:"agent_id" json:"agent_id"`
	RobotCode string  `mapstructure:"robot_code" json:"robot_code"`
	CorpID    string  `mapstructure:"corp_id" json:"corp_id"`
	APIHost   string  `mapstructure:"api_host" json:"api_host"`
	OAPIHost  string  `mapstructure:"oapi_host" json:"oapi_host"`
	QPS       float64 `mapstructure:"qps" json:"qps"`
	// SyncInterval is how often the org mirror is refreshed in full (0: never).
	SyncInterval time.Duration `mapstructure:"sync_interval" json:"sync_interval"`
	// ProcessCodes are the OA approval templates per document type; a type
	// without one is approved in the ERP inbox (with approval cards).
	ProcessCodes ProcessCodes `mapstructure:"process_codes" json:"process_codes"`
	// JSAPISign is the hash dd.config is signed with: sha256 (the current
	// official samples) or sha1 (the older docs).
	JSAPISign string `mapstructure:"jsapi_sign" json:"jsapi_sign"`
	// CardTemplates are the interactive card templates; empty sends none.
	CardTemplates CardTemplates `mapstructure:"card_templates" json:"card_templates"`
	// LoginHost serves DingTalk's OAuth2 web sign-in page (扫码登录);
	// empty turns the console's QR sign-in off.
	LoginHost string `mapstructure:"login_host" json:"login_host"`
}

// ProcessCodes name a DingTalk OA process template (PROC-…) per document
// type.
type ProcessCodes struct {
	PurchaseOrder string `mapstructure:"purchase_order" json:"purchase_order"`
	SalesOrder    string `mapstructure:"sales_order" json:"sales_order"`
}

// ByDocType returns the codes keyed by document type.
func (p ProcessCodes) ByDocType() map[string]string {
	return map[string]string{"purchase_order": p.PurchaseOrder, "sales_order": p.SalesOrder}
}

// CardTemplates name the interactive card templates (from DingTalk's card
// builder) erpd fills.
type CardTemplates struct {
	Approval string `mapstructure:"approval" json:"approval"`
	LowStock string `mapstructure:"low_stock" json:"low_stock"`
}

// Sales configures order-to-cash rules.
type Sales struct {
	// CreditPolicy is "refuse" (credit_limit_exceeded) or "approval" (route
	// an order over the limit to a manager).
	CreditPolicy string `mapstructure:"credit_policy" json:"credit_policy"`
}

// Finance configures the books.
type Finance struct {
	// BillAt is when receivables and payables arise: "shipment" (the goods
	// move billed, with VAT) or "invoice" (they move without VAT and wait
	// for a sales or purchase invoice, which raises the open item).
	BillAt string `mapstructure:"bill_at" json:"bill_at"`
	// CompanyName is the 编制单位 printed on vouchers and statements.
	CompanyName string `mapstructure:"company_name" json:"company_name"`
	// ReviewRequired makes month-end closing require every voucher of the
	// month reviewed (审核) by someone other than its preparer.
	ReviewRequired bool `mapstructure:"review_required" json:"review_required"`
}

// HTTP is the listener.
type HTTP struct {
	Addr string `mapstructure:"addr" json:"addr"`
	// PublicURL is erpd's address as browsers reach it (https://erp.example.com),
	// where DingTalk's QR sign-in sends them back; empty uses each request's
	// own address.
	PublicURL       string        `mapstructure:"public_url" json:"public_url"`
	ShutdownTimeout time.Duration `mapstructure:"shutdown_timeout" json:"shutdown_timeout"`
	// IdempotencyLease is how long a POST with an Idempotency-Key that never
	// finished (its process died) blocks a retry before the retry may run
	// it; it must outlast the longest request.
	IdempotencyLease time.Duration `mapstructure:"idempotency_lease" json:"idempotency_lease"`
	// TrustedProxies are the reverse proxies (IPs or CIDRs such as
	// 10.0.0.0/8) allowed to say who the client is in X-Forwarded-For or
	// X-Real-IP. None by default: the client is the connection's peer, so
	// nobody can choose their own address to dodge the sign-in throttle.
	// In the environment: ERP_HTTP_TRUSTED_PROXIES=10.0.0.1,10.1.0.0/16.
	TrustedProxies []string `mapstructure:"trusted_proxies" json:"trusted_proxies"`
}

// Database selects the store. Driver is "sqlite" (embedded, a file under
// DataDir unless DSN names one) or "mysql" (MySQL 8 / MariaDB 10.11 / TiDB).
type Database struct {
	Driver       string `mapstructure:"driver" json:"driver"`
	DSN          string `mapstructure:"dsn" json:"dsn"`
	MaxOpenConns int    `mapstructure:"max_open_conns" json:"max_open_conns"`
	MaxIdleConns int    `mapstructure:"max_idle_conns" json:"max_idle_conns"`
}

// Redis is the shared cache; an empty Addr means an in-process cache.
type Redis struct {
	Addr     string `mapstructure:"addr" json:"addr"`
	Password string `mapstructure:"password" json:"password"`
	DB       int    `mapstructure:"db" json:"db"`
	Prefix   string `mapstructure:"prefix" json:"prefix"`
}

// Admin is the bootstrap administrator created when no user exists yet.
type Admin struct {
	Username string `mapstructure:"username" json:"username"`
	Password string `mapstructure:"password" json:"password"`
}

// Auth configures tokens. An empty secret means one generated on first
// start into data_dir/auth_secret (0600), never into the database, so no
// backup carries it; erpd processes on several hosts sharing one database
// must be given one secret here.
type Auth struct {
	Secret   string        `mapstructure:"secret" json:"secret"`
	TokenTTL time.Duration `mapstructure:"token_ttl" json:"token_ttl"`
	// PreviousSecret is the key before a rotation: it verifies no token,
	// it only opens two-step sign-in keys sealed under it until their users
	// have signed in once more.
	PreviousSecret string `mapstructure:"previous_secret" json:"previous_secret"`
	// TOTPRequiredRoles must use two-step sign-in for password and console
	// QR sign-in (admin by default: the accounts worth stealing); ["none"]
	// or an empty list in the file requires it of nobody. 免登 inside
	// DingTalk is DingTalk's own sign-in and is never asked. The demo
	// requires nobody unless ERP_AUTH_TOTP_REQUIRED_ROLES is set.
	TOTPRequiredRoles []string `mapstructure:"totp_required_roles" json:"totp_required_roles"`
}

// RequiredTOTPRoles is TOTPRequiredRoles without the "none" marker.
func (a Auth) RequiredTOTPRoles() []string {
	var out []string
	for _, r := range a.TOTPRequiredRoles {
		if r != "none" {
			out = append(out, r)
		}
	}
	return out
}

// roleCode is the form of a role's code (domain's roleCodePattern), for
// validating the setting without config depending on the domain. Whether
// the role exists, built in or custom, is only known once the database is
// open: the server warns at start-up about one that does not.
var roleCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,31}$`)

// Log selects the log format: "text" for a terminal, "json" for production.
type Log struct {
	Format string `mapstructure:"format" json:"format"`
	Level  string `mapstructure:"level" json:"level"`
}

func defaults(v *viper.Viper) {
	v.SetDefault("http.addr", ":8080")
	v.SetDefault("http.shutdown_timeout", "15s")
	v.SetDefault("http.public_url", "")
	v.SetDefault("http.idempotency_lease", "3m")
	v.SetDefault("http.trusted_proxies", []string{})
	v.SetDefault("data_dir", "./data")
	v.SetDefault("database.driver", "sqlite")
	v.SetDefault("database.dsn", "")
	v.SetDefault("database.max_open_conns", 50)
	v.SetDefault("database.max_idle_conns", 10)
	v.SetDefault("redis.addr", "")
	v.SetDefault("redis.password", "")
	v.SetDefault("redis.db", 0)
	v.SetDefault("redis.prefix", "erpd:")
	v.SetDefault("admin.username", "admin")
	v.SetDefault("admin.password", "")
	v.SetDefault("auth.secret", "")
	v.SetDefault("auth.token_ttl", "12h")
	v.SetDefault("auth.previous_secret", "")
	v.SetDefault("auth.totp_required_roles", []string{"admin"})
	v.SetDefault("sales.credit_policy", "refuse")
	v.SetDefault("finance.bill_at", "shipment")
	v.SetDefault("finance.company_name", "")
	v.SetDefault("finance.review_required", false)
	v.SetDefault("dingtalk.jsapi_sign", "sha256")
	v.SetDefault("dingtalk.enabled", false)
	v.SetDefault("dingtalk.app_key", "")
	v.SetDefault("dingtalk.app_secret", "")
	v.SetDefault("dingtalk.agent_id", 0)
	v.SetDefault("dingtalk.robot_code", "")
	v.SetDefault("dingtalk.corp_id", "")
	v.SetDefault("dingtalk.api_host", "https://api.dingtalk.com")
	v.SetDefault("dingtalk.oapi_host", "https://oapi.dingtalk.com")
	v.SetDefault("dingtalk.qps", 20)
	v.SetDefault("dingtalk.login_host", "https://login.dingtalk.com")
	v.SetDefault("dingtalk.sync_interval", "6h")
	v.SetDefault("dingtalk.process_codes.purchase_order", "")
	v.SetDefault("dingtalk.process_codes.sales_order", "")
	v.SetDefault("dingtalk.card_templates.approval", "")
	v.SetDefault("dingtalk.card_templates.low_stock", "")
	v.SetDefault("metrics.token", "")
	v.SetDefault("metrics.listen", "")
	v.SetDefault("log.format", "text")
	v.SetDefault("log.level", "info")
}

// Load builds the configuration from defaults, the file at path (optional;
// ERP_CONFIG names it when path is empty) and the environment.
func Load(path string) (*Config, error) {
	v := viper.New()
	defaults(v)
	v.SetEnvPrefix("ERP")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	if path == "" {
		path = os.Getenv("ERP_CONFIG")
	}
	if path != "" {
		v.SetConfigFile(path)
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config: read %s: %w", path, err)
		}
	}
	var c Config
	if err := v.Unmarshal(&c); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks every value and names the key (and its variable) at fault.
func (c *Config) Validate() error {
	bad := func(key, format string, args ...any) error {
		env := "ERP_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
		return fmt.Errorf("config: %s (%s): %s", key, env, fmt.Sprintf(format, args...))
	}
	if _, _, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
		return bad("http.addr", "%q is not host:port", c.HTTP.Addr)
	}
	if c.HTTP.PublicURL != "" {
		if p, err := url.Parse(c.HTTP.PublicURL); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" || p.RawQuery != "" {
			return bad("http.public_url", "%q is not an http(s) address like https://erp.example.com", c.HTTP.PublicURL)
		}
	}
	if c.HTTP.IdempotencyLease < time.Second {
		return bad("http.idempotency_lease", "must be at least 1s")
	}
	for _, p := range c.HTTP.TrustedProxies {
		if !validProxy(p) {
			return bad("http.trusted_proxies", "%q is neither an IP address nor a CIDR like 10.0.0.0/8", p)
		}
	}
	if c.HTTP.ShutdownTimeout <= 0 {
		return bad("http.shutdown_timeout", "must be positive")
	}
	switch c.Database.Driver {
	case "sqlite":
		if c.DataDir == "" && c.Database.DSN == "" {
			return bad("data_dir", "must be set for the embedded database")
		}
	case "mysql":
		if c.Database.DSN == "" {
			return bad("database.dsn", "is required with the mysql driver, e.g. user:pass@tcp(127.0.0.1:3306)/erp")
		}
	default:
		return bad("database.driver", "%q: use sqlite or mysql", c.Database.Driver)
	}
	if c.Database.MaxOpenConns < 1 {
		return bad("database.max_open_conns", "must be at least 1")
	}
	if c.Redis.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Redis.Addr); err != nil {
			return bad("redis.addr", "%q is not host:port", c.Redis.Addr)
		}
	}
	if c.Admin.Username == "" {
		return bad("admin.username", "must not be empty")
	}
	if c.Auth.Secret != "" && len(c.Auth.Secret) < 32 {
		return bad("auth.secret", "must be at least 32 characters (or empty to generate one)")
	}
	if c.Auth.PreviousSecret != "" && len(c.Auth.PreviousSecret) < 32 {
		return bad("auth.previous_secret", "must be at least 32 characters (or empty)")
	}
	if c.Auth.TokenTTL < time.Minute || c.Auth.TokenTTL > 30*24*time.Hour {
		return bad("auth.token_ttl", "must be between 1m and 720h")
	}
	for _, r := range c.Auth.TOTPRequiredRoles {
		if r == "none" && len(c.Auth.TOTPRequiredRoles) > 1 || !roleCode.MatchString(r) {
			return bad("auth.totp_required_roles", "%q: use role codes (admin, finance, a custom role's code…) or none alone", r)
		}
	}
	switch c.Sales.CreditPolicy {
	case "refuse", "approval":
	default:
		return bad("sales.credit_policy", "%q: use refuse or approval", c.Sales.CreditPolicy)
	}
	if c.DingTalk.JSAPISign != "sha256" && c.DingTalk.JSAPISign != "sha1" {
		return bad("dingtalk.jsapi_sign", "%q: use sha256 or sha1", c.DingTalk.JSAPISign)
	}
	switch c.Finance.BillAt {
	case "shipment", "invoice":
	default:
		return bad("finance.bill_at", "%q: use shipment or invoice", c.Finance.BillAt)
	}
	if len([]rune(c.Finance.CompanyName)) > 100 {
		return bad("finance.company_name", "at most 100 characters")
	}
	if c.DingTalk.Enabled {
		if c.DingTalk.AppKey == "" {
			return bad("dingtalk.app_key", "is required when dingtalk.enabled is true")
		}
		if c.DingTalk.AppSecret == "" {
			return bad("dingtalk.app_secret", "is required when dingtalk.enabled is true")
		}
		hosts := map[string]string{"dingtalk.api_host": c.DingTalk.APIHost, "dingtalk.oapi_host": c.DingTalk.OAPIHost}
		if c.DingTalk.LoginHost != "" {
			hosts["dingtalk.login_host"] = c.DingTalk.LoginHost
		}
		for key, u := range hosts {
			if p, err := url.Parse(u); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
				return bad(key, "%q is not an http(s) base URL", u)
			}
		}
		if c.DingTalk.QPS <= 0 || c.DingTalk.QPS > 1000 {
			return bad("dingtalk.qps", "must be between 1 and 1000")
		}
		if c.DingTalk.SyncInterval != 0 && c.DingTalk.SyncInterval < 10*time.Minute {
			return bad("dingtalk.sync_interval", "must be 0 (off) or at least 10m")
		}
	}
	if c.Metrics.Token != "" && len(c.Metrics.Token) < 16 {
		return bad("metrics.token", "must be at least 16 characters (or empty)")
	}
	if c.Metrics.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Metrics.Listen); err != nil {
			return bad("metrics.listen", "%q is not host:port", c.Metrics.Listen)
		}
		if _, port, _ := net.SplitHostPort(c.Metrics.Listen); c.Metrics.Listen == c.HTTP.Addr && port != "0" {
			return bad("metrics.listen", "must differ from http.addr")
		}
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		return bad("log.format", "%q: use text or json", c.Log.Format)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return bad("log.level", "%q: use debug, info, warn or error", c.Log.Level)
	}
	return nil
}

// validProxy accepts what gin's SetTrustedProxies accepts: an IP address
// or a CIDR.
func validProxy(p string) bool {
	if strings.Contains(p, "/") {
		_, _, err := net.ParseCIDR(p)
		return err == nil
	}
	return net.ParseIP(p) != nil
}

// SQLitePath is the database file of the embedded default.
func (c *Config) SQLitePath() string {
	if c.Database.DSN != "" {
		return c.Database.DSN
	}
	return filepath.Join(c.DataDir, "erpd.db")
}

// AuthSecretPath is the file holding the token-signing key when auth.secret
// is not configured.
func (c *Config) AuthSecretPath() string { return filepath.Join(c.DataDir, "auth_secret") }

// Masked renders the configuration as JSON with secrets replaced, for
// `erpd config` and start-up logs.
func (c Config) Masked() string {
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return "******"
	}
	c.Redis.Password = mask(c.Redis.Password)
	c.Admin.Password = mask(c.Admin.Password)
	c.Auth.Secret = mask(c.Auth.Secret)
	c.Auth.PreviousSecret = mask(c.Auth.PreviousSecret)
	c.Metrics.Token = mask(c.Metrics.Token)
	c.DingTalk.AppSecret = mask(c.DingTalk.AppSecret)
	c.Database.DSN = maskDSN(c.Database.DSN)
	b, _ := json.MarshalIndent(c, "", "  ")
	return string(b)
}

// maskDSN hides the password in user:pass@tcp(...) DSNs.
func maskDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	colon := strings.Index(dsn, ":")
	if at < 0 || colon < 0 || colon > at {
		return dsn
	}
	return dsn[:colon+1] + "******" + dsn[at:]
}
