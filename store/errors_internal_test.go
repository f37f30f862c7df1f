package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/dingerp/erpd/domain"
	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
	sqlite3 "modernc.org/sqlite/lib"
)

func TestTranslate(t *testing.T) {
	own := domain.Invalid("qty", "数量必填")
	plain := errors.New("syntax error near FROM")
	tests := []struct {
		name string
		err  error
		code string // the domain code it becomes; empty: passed through
	}{
		{"not found", gorm.ErrRecordNotFound, domain.CodeNotFound},
		{"not found wrapped", fmt.Errorf("loading: %w", gorm.ErrRecordNotFound), domain.CodeNotFound},
		{"gorm duplicate", gorm.ErrDuplicatedKey, domain.CodeDuplicate},
		{"gorm foreign key", gorm.ErrForeignKeyViolated, domain.CodeReferenced},
		{"mysql duplicate", &mysql.MySQLError{Number: 1062}, domain.CodeDuplicate},
		{"mysql deadlock", &mysql.MySQLError{Number: 1213}, domain.CodeDeadlock},
		{"mysql lock wait", &mysql.MySQLError{Number: 1205}, domain.CodeDeadlock},
		{"mysql row referenced", &mysql.MySQLError{Number: 1451}, domain.CodeReferenced},
		{"mysql no referenced row", &mysql.MySQLError{Number: 1452}, domain.CodeReferenced},
		{"mysql too long", &mysql.MySQLError{Number: 1406}, domain.CodeValidation},
		{"mysql out of range", &mysql.MySQLError{Number: 1264}, domain.CodeValidation},
		{"mysql other", &mysql.MySQLError{Number: 1064}, ""},
		{"mysql invalid connection", mysql.ErrInvalidConn, domain.CodeUnavailable},
		{"bad connection", fmt.Errorf("query: %w", driver.ErrBadConn), domain.CodeUnavailable},
		{"refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, domain.CodeUnavailable},
		{"refused bare", syscall.ECONNREFUSED, domain.CodeUnavailable},
		{"unknown", plain, ""},
	}
	for _, tt := range tests {
		got := translate(tt.err)
		e := domain.AsError(got)
		switch {
		case tt.code == "" && got != tt.err:
			t.Errorf("%s: translate = %v, want it untouched", tt.name, got)
		case tt.code != "" && (e == nil || e.Code != tt.code):
			t.Errorf("%s: translate = %v, want code %s", tt.name, got, tt.code)
		case tt.code != "" && !errors.Is(got, tt.err):
			t.Errorf("%s: translate lost its cause: %v", tt.name, got)
		}
	}
	// Domain errors, cancellations and nil pass through.
	for _, err := range []error{nil, own, context.Canceled, fmt.Errorf("q: %w", context.DeadlineExceeded)} {
		if got := translate(err); got != err {
			t.Errorf("translate(%v) = %v", err, got)
		}
	}
	// A translated error is a copy: changing it changes no other.
	a := domain.AsError(translate(gorm.ErrDuplicatedKey))
	a.Message = "changed"
	if b := domain.AsError(translate(gorm.ErrDuplicatedKey)); b.Message != "记录已存在" {
		t.Fatalf("translations share their error: %q", b.Message)
	}
	if !errors.Is(translate(&mysql.MySQLError{Number: 1213}), domain.ErrDeadlock) {
		t.Fatal("a MySQL deadlock is not retried as one")
	}
}

func TestSQLiteError(t *testing.T) {
	tests := []struct {
		code int
		want string
	}{
		{sqlite3.SQLITE_BUSY, domain.CodeDeadlock},
		{sqlite3.SQLITE_LOCKED, domain.CodeDeadlock},
		{sqlite3.SQLITE_BUSY_SNAPSHOT, domain.CodeDeadlock}, // extended: primary code in the low byte
		{sqlite3.SQLITE_CONSTRAINT_UNIQUE, domain.CodeDuplicate},
		{sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, domain.CodeDuplicate},
		{sqlite3.SQLITE_CONSTRAINT_NOTNULL, ""},
		{sqlite3.SQLITE_CONSTRAINT, ""},
		{sqlite3.SQLITE_ERROR, ""},
	}
	for _, tt := range tests {
		got := sqliteError(tt.code)
		if (got == nil && tt.want != "") || (got != nil && got.Code != tt.want) {
			t.Errorf("sqliteError(%d) = %v, want %q", tt.code, got, tt.want)
		}
	}
}
