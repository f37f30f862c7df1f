// Package store persists erpd's domain in a relational database through GORM:
// MySQL 8 / MariaDB 10.11 in production and tests, and an embedded SQLite
// file (pure Go, no cgo) by default. It owns the schema migrations, the
// transaction boundary and the translation of driver errors.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/go-sql-driver/mysql"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Drivers.
const (
	DriverSQLite = "sqlite"
	DriverMySQL  = "mysql"
)

// Options open a store.
type Options struct {
	Driver       string
	DSN          string // mysql DSN, or the SQLite file path
	MaxOpenConns int
	MaxIdleConns int
	Logger       *slog.Logger
	// Now is the clock of business time: transaction times, created_at
	// and updated_at. Nil is the system clock; tests set it so that no
	// test depends on the day it runs.
	Now func() time.Time
	// SecretFile is where migration 202612080200 puts the token-signing
	// key an earlier release kept in the database; empty when auth.secret
	// is configured (the stored key then signed nothing and is dropped).
	SecretFile string
}

// Store is the database handle. Use cases reach the tables through InTx.
type Store struct {
	db     *gorm.DB
	dsn    string
	driver string
	log    *slog.Logger
	// writeMu serializes write transactions on SQLite, which has no row
	// locks: holding it, a transaction never meets SQLITE_BUSY from this
	// process, so no "database is locked" can reach a user.
	writeMu sync.Mutex
	master  *masterCache
	clock   func() time.Time
	// secretFile: Options.SecretFile.
	secretFile string
}

// Now is the store's clock, in UTC at the millisecond precision both
// engines keep.
func (s *Store) Now() time.Time { return s.clock().UTC().Truncate(time.Millisecond) }

// Open connects and checks the connection; it does not migrate.
func Open(ctx context.Context, o Options) (*Store, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	clock := o.Now
	cfg := &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true, // every write is already in InTx
		NowFunc:                func() time.Time { return clock().UTC().Truncate(time.Millisecond) },
		Logger:                 logger.Discard,
		PrepareStmt:            false, // measured: database/sql re-prepares per transaction, 2× slower
	}
	var dial gorm.Dialector
	dsn := o.DSN
	switch o.Driver {
	case DriverSQLite:
		if dir := filepath.Dir(o.DSN); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("store: create data dir: %w", err)
			}
		}
		dial = sqlite.Open(sqliteDSN(o.DSN))
	case DriverMySQL:
		var err error
		if dsn, err = MySQLDSN(o.DSN); err != nil {
			return nil, err
		}
		if dsn, err = withReadCommitted(ctx, dsn); err != nil {
			return nil, err
		}
		dial = gormmysql.New(gormmysql.Config{DSN: dsn})
	default:
		return nil, fmt.Errorf("store: unknown driver %q", o.Driver)
	}
	db, err := gorm.Open(dial, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", o.Driver, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if o.Driver == DriverSQLite {
		// WAL lets readers run beside the one writer.
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetMaxIdleConns(8)
	} else {
		sqlDB.SetMaxOpenConns(max(o.MaxOpenConns, 1))
		sqlDB.SetMaxIdleConns(max(o.MaxIdleConns, 1))
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: connect %s: %w", o.Driver, err)
	}
	s := &Store{db: db, dsn: dsn, driver: o.Driver, log: o.Logger, master: newMasterCache(), clock: clock, secretFile: o.SecretFile}
	if err := s.watchMasterWrites(); err != nil {
		return nil, err
	}
	// One process owns a SQLite file, so nobody else needs telling.
	s.master.on.Store(o.Driver == DriverSQLite)
	return s, nil
}

// sqliteDSN adds the pragmas the embedded default needs: WAL, a busy timeout
// for readers, immediate write transactions, and enforced foreign keys.
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// MySQLDSN forces the session settings erpd relies on: UTC times parsed into
// time.Time and utf8mb4, whatever the operator's DSN says.
func MySQLDSN(dsn string) (string, error) {
	c, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "", fmt.Errorf("store: database.dsn: %w", err)
	}
	c.ParseTime = true
	c.Loc = time.UTC
	if c.Params == nil {
		c.Params = map[string]string{}
	}
	if _, ok := c.Params["charset"]; !ok {
		c.Params["charset"] = "utf8mb4"
	}
	c.Params["time_zone"] = "'+00:00'"
	// Arguments are escaped client-side (safe with utf8mb4): one round trip
	// per statement instead of prepare, execute and close.
	c.InterpolateParams = true
	// Several statements may go in one packet: a transaction holds back
	// writes nothing reads and sends them with its next statement (see
	// pipeline). Every statement takes its values as arguments, escaped by
	// the driver; no SQL text is ever built from input.
	c.MultiStatements = true
	// Times are sent at the columns' precision. With Go's nanoseconds
	// ('…45.197094862') MariaDB cannot read the literal as a DATETIME and
	// compares another way, which silently turns every time-range query
	// into a full table scan.
	if err := c.Apply(mysql.TimeTruncate(time.Millisecond)); err != nil {
		return "", fmt.Errorf("store: database.dsn: %w", err)
	}
	if c.Timeout == 0 {
		c.Timeout = 5 * time.Second
	}
	return c.FormatDSN(), nil
}

// withReadCommitted sets READ COMMITTED for every connection of the pool, so
// transactions need no SET TRANSACTION round trip of their own. Correctness
// comes from row locks; without gap locks, postings on different rows never
// wait for each other. MariaDB before 11.1 names the variable tx_isolation,
// MySQL 8 transaction_isolation, so ask the server which it is.
func withReadCommitted(ctx context.Context, dsn string) (string, error) {
	c, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "", err
	}
	conn, err := mysql.NewConnector(c)
	if err != nil {
		return "", err
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var name string
	err = db.QueryRowContext(pingCtx, "SELECT variable_name FROM information_schema.session_variables WHERE variable_name IN ('TRANSACTION_ISOLATION', 'TX_ISOLATION') ORDER BY variable_name LIMIT 1").Scan(&name)
	if err != nil {
		return "", fmt.Errorf("store: connect mysql: %w", err)
	}
	c.Params[strings.ToLower(name)] = "'READ-COMMITTED'"
	return c.FormatDSN(), nil
}

// DSN is the effective connection string (tests and benchmarks that need a
// raw connection with erpd's session settings).
func (s *Store) DSN() string { return s.dsn }

// Driver names the database engine ("sqlite" or "mysql").
func (s *Store) Driver() string { return s.driver }

// DB exposes the GORM handle for read-only queries outside a transaction and
// for tests; writes go through InTx.
func (s *Store) DB() *gorm.DB { return s.db }

// Ping checks the database is reachable, for /readyz.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes the connection pool.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// PoolStats reports the connection pool for metrics.
func (s *Store) PoolStats() (open, inUse, idle int, waitCount int64, waitDur time.Duration) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return
	}
	st := sqlDB.Stats()
	return st.OpenConnections, st.InUse, st.Idle, st.WaitCount, st.WaitDuration
}

// CreateMySQLDatabase creates a database on the server named by an admin DSN
// (tests and setup scripts); name must be a plain identifier.
func CreateMySQLDatabase(ctx context.Context, adminDSN, name string) error {
	if strings.ContainsAny(name, "`'\" ;") {
		return errors.New("store: bad database name")
	}
	s, err := Open(ctx, Options{Driver: DriverMySQL, DSN: adminDSN, MaxOpenConns: 1, MaxIdleConns: 1})
	if err != nil {
		return err
	}
	defer s.Close()
	return s.db.WithContext(ctx).Exec("CREATE DATABASE IF NOT EXISTS `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error
}

// DropMySQLDatabase drops a database created by CreateMySQLDatabase.
func DropMySQLDatabase(ctx context.Context, adminDSN, name string) error {
	if strings.ContainsAny(name, "`'\" ;") {
		return errors.New("store: bad database name")
	}
	s, err := Open(ctx, Options{Driver: DriverMySQL, DSN: adminDSN, MaxOpenConns: 1, MaxIdleConns: 1})
	if err != nil {
		return err
	}
	defer s.Close()
	return s.db.WithContext(ctx).Exec("DROP DATABASE IF EXISTS `" + name + "`").Error
}
