package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"net"
	"syscall"

	"github.com/dingerp/erpd/domain"
	"github.com/glebarez/go-sqlite"
	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
	sqlite3 "modernc.org/sqlite/lib"
)

// MySQL error numbers erpd reacts to.
const (
	mysqlDuplicate   = 1062
	mysqlLockWait    = 1205
	mysqlDeadlock    = 1213
	mysqlRowIsRef    = 1451
	mysqlNoRefRow    = 1452
	mysqlDataTooLong = 1406
	mysqlOutOfRange  = 1264
)

// The domain errors driver errors become. Each is wrapped around its cause
// (Wrap copies), so logs keep the driver's words.
var (
	errDuplicate   = &domain.Error{Kind: domain.KindConflict, Code: domain.CodeDuplicate, Message: "记录已存在"}
	errReferenced  = &domain.Error{Kind: domain.KindConflict, Code: domain.CodeReferenced, Message: "记录被引用或引用的记录不存在"}
	errBusy        = &domain.Error{Kind: domain.KindUnavailable, Code: domain.CodeDeadlock, Message: "系统繁忙，请稍后重试"}
	errOutOfRange  = &domain.Error{Kind: domain.KindInvalid, Code: domain.CodeValidation, Message: "数值或文本超出允许范围"}
	errUnavailable = &domain.Error{Kind: domain.KindUnavailable, Code: domain.CodeUnavailable, Message: "数据库暂时不可用，请稍后重试"}
)

// mysqlErrors maps the MySQL error numbers erpd reacts to: a deadlock or
// lock wait is retried by InTx, the rest are the caller's to explain.
var mysqlErrors = map[uint16]*domain.Error{
	mysqlDuplicate: errDuplicate,
	mysqlDeadlock:  errBusy, mysqlLockWait: errBusy,
	mysqlRowIsRef: errReferenced, mysqlNoRefRow: errReferenced,
	mysqlDataTooLong: errOutOfRange, mysqlOutOfRange: errOutOfRange,
}

// translate turns a driver error into a domain error, once, here. Domain
// errors pass through untouched; anything unknown stays internal.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if domain.AsError(err) != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if e := classify(err); e != nil {
		return e.Wrap(err)
	}
	return err
}

// classify finds the domain error a driver error means, or nil: GORM's
// own errors first, then each engine's codes, then a lost connection.
func classify(err error) *domain.Error {
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return domain.ErrNotFound
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return errDuplicate
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return errReferenced
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		if e, ok := mysqlErrors[me.Number]; ok {
			return e
		}
	}
	if errors.Is(err, mysql.ErrInvalidConn) {
		return errUnavailable
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		if e := sqliteError(se.Code()); e != nil {
			return e
		}
	}
	if connectionLost(err) {
		return errUnavailable
	}
	return nil
}

// sqliteError maps an SQLite result code. Extended codes keep the primary
// code in the low byte; only a unique or primary key constraint is a
// duplicate, other constraints stay internal.
func sqliteError(code int) *domain.Error {
	switch code & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return errBusy
	case sqlite3.SQLITE_CONSTRAINT:
		if code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
			return errDuplicate
		}
	}
	return nil
}

// connectionLost reports an error of a connection that broke or could not
// be made: the database is down or unreachable, not wrong.
func connectionLost(err error) bool {
	var opErr *net.OpError
	return errors.Is(err, driver.ErrBadConn) || errors.As(err, &opErr) || errors.Is(err, syscall.ECONNREFUSED)
}
