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
	mysqlServerGone  = 2006
	mysqlLostConn    = 2013
)

// translate turns a driver error into a domain error, once, here. Domain
// errors pass through untouched; anything unknown stays internal.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if domain.AsError(err) != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return domain.ErrNotFound.Wrap(err)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return (&domain.Error{Kind: domain.KindConflict, Code: domain.CodeDuplicate, Message: "记录已存在"}).Wrap(err)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return (&domain.Error{Kind: domain.KindConflict, Code: domain.CodeReferenced, Message: "记录被引用或引用的记录不存在"}).Wrap(err)
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case mysqlDuplicate:
			return (&domain.Error{Kind: domain.KindConflict, Code: domain.CodeDuplicate, Message: "记录已存在"}).Wrap(err)
		case mysqlDeadlock, mysqlLockWait:
			return (&domain.Error{Kind: domain.KindUnavailable, Code: domain.CodeDeadlock, Message: "系统繁忙，请稍后重试"}).Wrap(err)
		case mysqlRowIsRef, mysqlNoRefRow:
			return (&domain.Error{Kind: domain.KindConflict, Code: domain.CodeReferenced, Message: "记录被引用或引用的记录不存在"}).Wrap(err)
		case mysqlDataTooLong, mysqlOutOfRange:
			return (&domain.Error{Kind: domain.KindInvalid, Code: domain.CodeValidation, Message: "数值或文本超出允许范围"}).Wrap(err)
		}
	}
	if errors.Is(err, mysql.ErrInvalidConn) {
		return (&domain.Error{Kind: domain.KindUnavailable, Code: domain.CodeUnavailable, Message: "数据库暂时不可用，请稍后重试"}).Wrap(err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		// Extended codes keep the primary code in the low byte.
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return (&domain.Error{Kind: domain.KindUnavailable, Code: domain.CodeDeadlock, Message: "系统繁忙，请稍后重试"}).Wrap(err)
		case sqlite3.SQLITE_CONSTRAINT:
			if se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
				return (&domain.Error{Kind: domain.KindConflict, Code: domain.CodeDuplicate, Message: "记录已存在"}).Wrap(err)
			}
		}
	}
	var opErr *net.OpError
	if errors.Is(err, driver.ErrBadConn) || errors.As(err, &opErr) || errors.Is(err, syscall.ECONNREFUSED) {
		return (&domain.Error{Kind: domain.KindUnavailable, Code: domain.CodeUnavailable, Message: "数据库暂时不可用，请稍后重试"}).Wrap(err)
	}
	return err
}
