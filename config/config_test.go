package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// valid is a configuration every rule accepts, as the defaults make it
// (DingTalk on, so its rules are reachable); each case changes one value.
func valid() Config {
	return Config{
		HTTP:     HTTP{Addr: ":8080", ShutdownTimeout: 15 * time.Second, IdempotencyLease: 3 * time.Minute},
		DataDir:  "./data",
		Database: Database{Driver: "sqlite", MaxOpenConns: 50, MaxIdleConns: 10},
		Redis:    Redis{Prefix: "erpd:"},
		Admin:    Admin{Username: "admin"},
		Auth:     Auth{TokenTTL: 12 * time.Hour},
		Log:      Log{Format: "text", Level: "info"},
		Sales:    Sales{CreditPolicy: "refuse"},
		Finance:  Finance{BillAt: "shipment"},
		DingTalk: DingTalk{Enabled: true, AppKey: "key", AppSecret: "secret", APIHost: "https://api.dingtalk.com",
			OAPIHost: "https://oapi.dingtalk.com", LoginHost: "https://login.dingtalk.com", QPS: 20,
			SyncInterval: 6 * time.Hour, JSAPISign: "sha256"},
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		// key is the configuration key the error must name; empty: valid.
		key string
	}{
		{"OK defaults", func(c *Config) {}, ""},
		{"OK addr with host", func(c *Config) { c.HTTP.Addr = "127.0.0.1:80" }, ""},
		{"ErrAddrNoPort", func(c *Config) { c.HTTP.Addr = "localhost" }, "http.addr"},
		{"ErrAddrEmpty", func(c *Config) { c.HTTP.Addr = "" }, "http.addr"},
		{"OK public url https", func(c *Config) { c.HTTP.PublicURL = "https://erp.example.com" }, ""},
		{"OK public url http with path", func(c *Config) { c.HTTP.PublicURL = "http://erp.example.com/erp" }, ""},
		{"ErrPublicURLScheme", func(c *Config) { c.HTTP.PublicURL = "ftp://erp.example.com" }, "http.public_url"},
		{"ErrPublicURLNoHost", func(c *Config) { c.HTTP.PublicURL = "https://" }, "http.public_url"},
		{"ErrPublicURLQuery", func(c *Config) { c.HTTP.PublicURL = "https://erp.example.com/?a=1" }, "http.public_url"},
		{"ErrPublicURLUnparsable", func(c *Config) { c.HTTP.PublicURL = "https://erp example.com:x" }, "http.public_url"},
		{"OK lease 1s", func(c *Config) { c.HTTP.IdempotencyLease = time.Second }, ""},
		{"ErrLeaseShort", func(c *Config) { c.HTTP.IdempotencyLease = 999 * time.Millisecond }, "http.idempotency_lease"},
		{"OK trusted proxies", func(c *Config) { c.HTTP.TrustedProxies = []string{"10.0.0.1", "10.1.0.0/16", "::1"} }, ""},
		{"ErrTrustedProxyHost", func(c *Config) { c.HTTP.TrustedProxies = []string{"proxy.local"} }, "http.trusted_proxies"},
		{"ErrTrustedProxyCIDR", func(c *Config) { c.HTTP.TrustedProxies = []string{"10.0.0.0/33"} }, "http.trusted_proxies"},
		{"ErrShutdownZero", func(c *Config) { c.HTTP.ShutdownTimeout = 0 }, "http.shutdown_timeout"},
		{"ErrShutdownNegative", func(c *Config) { c.HTTP.ShutdownTimeout = -time.Second }, "http.shutdown_timeout"},
		{"OK sqlite dsn without data dir", func(c *Config) { c.DataDir, c.Database.DSN = "", "/tmp/erp.db" }, ""},
		{"ErrSqliteNoDataDir", func(c *Config) { c.DataDir, c.Database.DSN = "", "" }, "data_dir"},
		{"OK mysql", func(c *Config) { c.Database.Driver, c.Database.DSN = "mysql", "u:p@tcp(127.0.0.1:3306)/erp" }, ""},
		{"ErrMysqlNoDSN", func(c *Config) { c.Database.Driver = "mysql" }, "database.dsn"},
		{"ErrDriver", func(c *Config) { c.Database.Driver = "postgres" }, "database.driver"},
		{"OK one connection", func(c *Config) { c.Database.MaxOpenConns = 1 }, ""},
		{"ErrNoConnections", func(c *Config) { c.Database.MaxOpenConns = 0 }, "database.max_open_conns"},
		{"OK redis", func(c *Config) { c.Redis.Addr = "127.0.0.1:6379" }, ""},
		{"ErrRedisAddr", func(c *Config) { c.Redis.Addr = "127.0.0.1" }, "redis.addr"},
		{"ErrAdminEmpty", func(c *Config) { c.Admin.Username = "" }, "admin.username"},
		{"OK secret 32", func(c *Config) { c.Auth.Secret = strings.Repeat("s", 32) }, ""},
		{"ErrSecretShort", func(c *Config) { c.Auth.Secret = strings.Repeat("s", 31) }, "auth.secret"},
		{"OK metrics token", func(c *Config) { c.Metrics.Token = strings.Repeat("m", 16) }, ""},
		{"ErrMetricsTokenShort", func(c *Config) { c.Metrics.Token = "short" }, "metrics.token"},
		{"OK metrics listen", func(c *Config) { c.Metrics.Listen = "127.0.0.1:9090" }, ""},
		{"ErrMetricsListen", func(c *Config) { c.Metrics.Listen = "9090" }, "metrics.listen"},
		{"ErrMetricsListenIsHTTP", func(c *Config) { c.Metrics.Listen = c.HTTP.Addr }, "metrics.listen"},
		{"OK totp roles", func(c *Config) { c.Auth.TOTPRequiredRoles = []string{"admin", "finance"} }, ""},
		{"OK totp none", func(c *Config) { c.Auth.TOTPRequiredRoles = []string{"none"} }, ""},
		{"OK totp empty", func(c *Config) { c.Auth.TOTPRequiredRoles = nil }, ""},
		{"OK totp custom role", func(c *Config) { c.Auth.TOTPRequiredRoles = []string{"boss", "admin"} }, ""},
		{"ErrTOTPRole", func(c *Config) { c.Auth.TOTPRequiredRoles = []string{"Boss"} }, "auth.totp_required_roles"},
		{"ErrTOTPRoleBlank", func(c *Config) { c.Auth.TOTPRequiredRoles = []string{""} }, "auth.totp_required_roles"},
		{"ErrTOTPNoneAndRole", func(c *Config) { c.Auth.TOTPRequiredRoles = []string{"none", "admin"} }, "auth.totp_required_roles"},
		{"OK ttl 1m", func(c *Config) { c.Auth.TokenTTL = time.Minute }, ""},
		{"OK ttl 720h", func(c *Config) { c.Auth.TokenTTL = 720 * time.Hour }, ""},
		{"ErrTTLShort", func(c *Config) { c.Auth.TokenTTL = 59 * time.Second }, "auth.token_ttl"},
		{"ErrTTLLong", func(c *Config) { c.Auth.TokenTTL = 720*time.Hour + time.Second }, "auth.token_ttl"},
		{"OK credit approval", func(c *Config) { c.Sales.CreditPolicy = "approval" }, ""},
		{"ErrCreditPolicy", func(c *Config) { c.Sales.CreditPolicy = "warn" }, "sales.credit_policy"},
		{"OK jsapi sha1", func(c *Config) { c.DingTalk.JSAPISign = "sha1" }, ""},
		{"ErrJSAPISign", func(c *Config) { c.DingTalk.JSAPISign = "md5" }, "dingtalk.jsapi_sign"},
		{"ErrJSAPISignEvenDisabled", func(c *Config) { c.DingTalk.Enabled, c.DingTalk.JSAPISign = false, "" }, "dingtalk.jsapi_sign"},
		{"OK bill at invoice", func(c *Config) { c.Finance.BillAt = "invoice" }, ""},
		{"ErrBillAt", func(c *Config) { c.Finance.BillAt = "order" }, "finance.bill_at"},
		{"OK company name", func(c *Config) { c.Finance.CompanyName = "杭州示例商贸有限公司" }, ""},
		{"ErrCompanyName", func(c *Config) { c.Finance.CompanyName = strings.Repeat("公", 101) }, "finance.company_name"},
		{"ErrAppKey", func(c *Config) { c.DingTalk.AppKey = "" }, "dingtalk.app_key"},
		{"ErrAppSecret", func(c *Config) { c.DingTalk.AppSecret = "" }, "dingtalk.app_secret"},
		{"ErrAPIHost", func(c *Config) { c.DingTalk.APIHost = "api.dingtalk.com" }, "dingtalk.api_host"},
		{"ErrOAPIHost", func(c *Config) { c.DingTalk.OAPIHost = "ws://oapi.dingtalk.com" }, "dingtalk.oapi_host"},
		{"ErrLoginHost", func(c *Config) { c.DingTalk.LoginHost = "https://" }, "dingtalk.login_host"},
		{"OK no login host", func(c *Config) { c.DingTalk.LoginHost = "" }, ""},
		{"OK sandbox hosts over http", func(c *Config) {
			c.DingTalk.APIHost, c.DingTalk.OAPIHost = "http://127.0.0.1:9000", "http://127.0.0.1:9000"
		}, ""},
		{"OK qps fraction", func(c *Config) { c.DingTalk.QPS = 0.5 }, ""},
		{"OK qps 1000", func(c *Config) { c.DingTalk.QPS = 1000 }, ""},
		{"ErrQPSZero", func(c *Config) { c.DingTalk.QPS = 0 }, "dingtalk.qps"},
		{"ErrQPSHigh", func(c *Config) { c.DingTalk.QPS = 1001 }, "dingtalk.qps"},
		{"OK sync off", func(c *Config) { c.DingTalk.SyncInterval = 0 }, ""},
		{"OK sync 10m", func(c *Config) { c.DingTalk.SyncInterval = 10 * time.Minute }, ""},
		{"ErrSyncShort", func(c *Config) { c.DingTalk.SyncInterval = 9 * time.Minute }, "dingtalk.sync_interval"},
		// A disabled DingTalk is not checked beyond its signing hash: a
		// configuration without an app must start.
		{"OK disabled without app", func(c *Config) {
			c.DingTalk = DingTalk{JSAPISign: "sha256", QPS: 0, APIHost: "nonsense", SyncInterval: time.Second}
		}, ""},
		{"OK log json", func(c *Config) { c.Log.Format = "json" }, ""},
		{"ErrLogFormat", func(c *Config) { c.Log.Format = "xml" }, "log.format"},
		{"OK level debug", func(c *Config) { c.Log.Level = "debug" }, ""},
		{"OK level warn", func(c *Config) { c.Log.Level = "warn" }, ""},
		{"OK level error", func(c *Config) { c.Log.Level = "error" }, ""},
		{"ErrLogLevel", func(c *Config) { c.Log.Level = "trace" }, "log.level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.change(&c)
			err := c.Validate()
			if tt.key == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want an error naming %s", tt.key)
			}
			// The message names the key and the variable that sets it.
			env := "ERP_" + strings.ToUpper(strings.ReplaceAll(tt.key, ".", "_"))
			if want := "config: " + tt.key + " (" + env + "): "; !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("Validate() = %q, want prefix %q", err, want)
			}
		})
	}
}

// clearEnv keeps the process's own ERP_ variables out of a Load.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "ERP_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
}

func TestLoad(t *testing.T) {
	t.Run("OK defaults", func(t *testing.T) {
		clearEnv(t)
		c, err := Load("")
		if err != nil {
			t.Fatal(err)
		}
		if c.HTTP.Addr != ":8080" || c.Database.Driver != "sqlite" || c.Auth.TokenTTL != 12*time.Hour ||
			c.DingTalk.QPS != 20 || c.DingTalk.SyncInterval != 6*time.Hour || c.Redis.Prefix != "erpd:" ||
			c.SQLitePath() != filepath.Join("data", "erpd.db") || len(c.HTTP.TrustedProxies) != 0 ||
			strings.Join(c.Auth.RequiredTOTPRoles(), ",") != "admin" {
			t.Fatalf("defaults: %+v", c)
		}
	})
	t.Run("OK file then environment", func(t *testing.T) {
		clearEnv(t)
		path := filepath.Join(t.TempDir(), "erp.yaml")
		yaml := "http:\n  addr: \"127.0.0.1:9090\"\ndatabase:\n  driver: mysql\n  dsn: \"u:p@tcp(db:3306)/erp\"\n" +
			"dingtalk:\n  process_codes:\n    sales_order: PROC-1\nlog:\n  format: json\n"
		if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("ERP_CONFIG", path)
		t.Setenv("ERP_LOG_FORMAT", "text") // the environment wins over the file
		t.Setenv("ERP_AUTH_TOKEN_TTL", "2h")
		t.Setenv("ERP_HTTP_TRUSTED_PROXIES", "10.0.0.1,10.1.0.0/16")
		c, err := Load("")
		if err != nil {
			t.Fatal(err)
		}
		if c.HTTP.Addr != "127.0.0.1:9090" || c.Database.Driver != "mysql" || c.Database.DSN != "u:p@tcp(db:3306)/erp" ||
			c.DingTalk.ProcessCodes.ByDocType()["sales_order"] != "PROC-1" || c.Log.Format != "text" || c.Auth.TokenTTL != 2*time.Hour ||
			strings.Join(c.HTTP.TrustedProxies, " ") != "10.0.0.1 10.1.0.0/16" {
			t.Fatalf("loaded: %+v", c)
		}
		if m := c.Masked(); strings.Contains(m, ":p@") || !strings.Contains(m, "u:******@tcp(db:3306)/erp") {
			t.Fatalf("Masked() shows the password: %s", m)
		}
	})
	t.Run("OK example file", func(t *testing.T) {
		clearEnv(t)
		if _, err := Load("erp.example.yaml"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrMissingFile", func(t *testing.T) {
		clearEnv(t)
		if _, err := Load(filepath.Join(t.TempDir(), "none.yaml")); err == nil || !strings.Contains(err.Error(), "config: read") {
			t.Fatalf("Load = %v", err)
		}
	})
	t.Run("ErrInvalidValue", func(t *testing.T) {
		clearEnv(t)
		t.Setenv("ERP_SALES_CREDIT_POLICY", "warn")
		if _, err := Load(""); err == nil || !strings.Contains(err.Error(), "ERP_SALES_CREDIT_POLICY") {
			t.Fatalf("Load = %v", err)
		}
	})
	t.Run("ErrUnparsableDuration", func(t *testing.T) {
		clearEnv(t)
		t.Setenv("ERP_AUTH_TOKEN_TTL", "soon")
		if _, err := Load(""); err == nil {
			t.Fatal("Load accepted token_ttl=soon")
		}
	})
}

func TestMaskDSN(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"", ""},
		{"/var/lib/erp.db", "/var/lib/erp.db"},
		{"user:pass@tcp(127.0.0.1:3306)/erp", "user:******@tcp(127.0.0.1:3306)/erp"},
		{"user:p@ss@tcp(h:3306)/erp", "user:******@tcp(h:3306)/erp"},
		{"user@tcp(h:3306)/erp", "user@tcp(h:3306)/erp"},
	}
	for _, tt := range tests {
		if got := maskDSN(tt.dsn); got != tt.want {
			t.Errorf("maskDSN(%q) = %q, want %q", tt.dsn, got, tt.want)
		}
	}
}
