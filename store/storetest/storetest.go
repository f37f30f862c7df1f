// Package storetest opens real databases and caches for tests: a fresh
// SQLite file and a fresh, uniquely named MariaDB/MySQL database per test,
// dropped afterwards. MariaDB and Redis are required: a test that needs
// them fails loudly when they are missing, unless the developer explicitly
// chose ERP_TEST_SQLITE_ONLY=1 on a machine without them.
package storetest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/cache"
	"github.com/go-sql-driver/mysql"
)

// MySQLAdminDSN is the server the tests create their databases on.
func MySQLAdminDSN() string {
	if v := os.Getenv("ERP_TEST_MYSQL_DSN"); v != "" {
		return v
	}
	return "root@tcp(127.0.0.1:3306)/"
}

// RedisAddr is the Redis the tests use.
func RedisAddr() string {
	if v := os.Getenv("ERP_TEST_REDIS_ADDR"); v != "" {
		return v
	}
	return "127.0.0.1:6379"
}

// SQLiteOnly reports whether the developer opted out of the real services.
func SQLiteOnly() bool { return os.Getenv("ERP_TEST_SQLITE_ONLY") == "1" }

// Drivers lists the engines every store and app test runs on.
func Drivers() []string {
	if SQLiteOnly() {
		return []string{store.DriverSQLite}
	}
	return []string{store.DriverSQLite, store.DriverMySQL}
}

var seq atomic.Int64

// UniqueName returns a database or key-prefix name no other test run uses.
func UniqueName(prefix string) string {
	return fmt.Sprintf("%s_%d_%d_%d", prefix, os.Getpid(), time.Now().UnixNano()%1e9, // wall clock: a unique name, not business time
		seq.Add(1))
}

// RedisPrefix returns a fresh key prefix ("name_…:") for an erpd the test
// starts on the shared Redis, and deletes the keys under it when the test
// ends (access tokens, sign-in counters), so no run leaves keys behind.
func RedisPrefix(tb testing.TB, name string) string {
	tb.Helper()
	prefix := UniqueName(name) + ":"
	tb.Cleanup(func() {
		r, err := cache.NewRedis(context.Background(), RedisAddr(), "", 0, prefix)
		if err != nil {
			tb.Errorf("clean up Redis keys %s*: %v", prefix, err)
			return
		}
		defer r.Close()
		if err := r.Flush(context.Background()); err != nil {
			tb.Errorf("clean up Redis keys %s*: %v", prefix, err)
		}
	})
	return prefix
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

// DSN creates a fresh database for driver and returns the store options to
// open it, with a clock at ERP_TEST_NOW (or the real time); the database
// is removed when the test ends.
func DSN(tb testing.TB, driver string) store.Options {
	tb.Helper()
	ctx := context.Background()
	switch driver {
	case store.DriverSQLite:
		return store.Options{Driver: driver, DSN: filepath.Join(tb.TempDir(), "erpd.db"), Logger: quietLogger(), Now: TestClock(tb).Now}
	case store.DriverMySQL:
		name := UniqueName("erpdtest")
		admin := MySQLAdminDSN()
		if err := store.CreateMySQLDatabase(ctx, admin, name); err != nil {
			tb.Fatalf("MariaDB/MySQL is required for this test (ERP_TEST_MYSQL_DSN=%s): %v\n"+
				"start it (make test does) or set ERP_TEST_SQLITE_ONLY=1 to run on SQLite alone", admin, err)
		}
		tb.Cleanup(func() {
			if err := store.DropMySQLDatabase(context.Background(), admin, name); err != nil {
				tb.Logf("drop test database %s: %v", name, err)
			}
		})
		cfg, err := mysql.ParseDSN(admin)
		if err != nil {
			tb.Fatal(err)
		}
		cfg.DBName = name
		return store.Options{Driver: driver, DSN: cfg.FormatDSN(), MaxOpenConns: 40, MaxIdleConns: 40, Logger: quietLogger(), Now: TestClock(tb).Now}
	}
	tb.Fatalf("unknown driver %s", driver)
	return store.Options{}
}

// Open returns a migrated store on a fresh database of driver.
func Open(tb testing.TB, driver string) *store.Store {
	tb.Helper()
	s, _ := OpenClock(tb, driver)
	return s
}

// OpenClock is Open, with the store's clock for the test to move.
func OpenClock(tb testing.TB, driver string) (*store.Store, *Clock) {
	tb.Helper()
	o := DSN(tb, driver)
	clock := TestClock(tb)
	o.Now = clock.Now
	s, err := store.Open(context.Background(), o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if driver == store.DriverMySQL {
		// As erpd runs with Redis: the master cache on. A test database has
		// one process, so there is nobody else to tell of a change.
		s.ShareMasterCache(func() {})
	}
	return s, clock
}

// Cache returns the cache twin of driver: Redis beside MariaDB (as in
// production), memory beside SQLite (as on the embedded default). Keys get
// a unique prefix and are deleted when the test ends.
func Cache(tb testing.TB, driver string) domain.Cache {
	tb.Helper()
	if driver == store.DriverSQLite {
		return cache.NewMemory()
	}
	r, err := cache.NewRedis(context.Background(), RedisAddr(), "", 0, RedisPrefix(tb, "erpdtest"))
	if err != nil {
		tb.Fatalf("Redis is required for this test (ERP_TEST_REDIS_ADDR=%s): %v", RedisAddr(), err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

// ForEachDriver runs fn as a subtest on each engine.
func ForEachDriver(t *testing.T, fn func(t *testing.T, driver string)) {
	for _, d := range Drivers() {
		t.Run(strings.ToUpper(d[:1])+d[1:], func(t *testing.T) { fn(t, d) })
	}
}
