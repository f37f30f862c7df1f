package domain

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

func TestErrorString(t *testing.T) {
	cases := []struct {
		name string
		err  *Error
		want string
	}{
		{"code and message", Errorf(KindConflict, CodeDuplicate, "编码 %s 已存在", "A001"), "duplicate: 编码 A001 已存在"},
		{"with field", Invalid("lines[0].qty", "数量必须大于 0"), "validation_failed: 数量必须大于 0 (lines[0].qty)"},
		{"with cause", ErrUnavailable.WithMessage("缓存不可用").Wrap(io.EOF), "unavailable: 缓存不可用: EOF"},
		{"field and cause", Invalid("name", "名称必填").Wrap(io.ErrUnexpectedEOF), "validation_failed: 名称必填 (name): unexpected EOF"},
		{"sentinel", ErrNotFound, "not_found: "},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("%s: Error() = %q, want %q", c.name, got, c.want)
		}
	}
}

// errors.Is matches a sentinel by code whatever the message, field or
// wrapping, and never matches a target that carries a message or field.
func TestErrorIs(t *testing.T) {
	stock := ErrInsufficientStock.WithField("lines[0].qty").WithMessage("可用库存不足")
	cases := []struct {
		name   string
		err    error
		target error
		want   bool
	}{
		{"same code, own message", stock, ErrInsufficientStock, true},
		{"wrapped by fmt", fmt.Errorf("post TR1: %w", stock), ErrInsufficientStock, true},
		{"validation error is validation", Invalid("qty", "x"), ErrValidation, true},
		{"other code", stock, ErrValidation, false},
		{"not found is not duplicate", NotFound("商品", 7), ErrDuplicate, false},
		{"target with a message is not a sentinel", ErrDuplicate, ErrDuplicate.WithMessage("x"), false},
		{"target with a field is not a sentinel", ErrDuplicate, ErrDuplicate.WithField("code"), false},
		{"plain target", stock, io.EOF, false},
		{"cause reachable", ErrUnavailable.Wrap(io.EOF), io.EOF, true},
		{"cause reachable through two layers", fmt.Errorf("ping: %w", ErrUnavailable.Wrap(io.EOF)), io.EOF, true},
		{"plain error is no sentinel", io.EOF, ErrNotFound, false},
	}
	for _, c := range cases {
		if got := errors.Is(c.err, c.target); got != c.want {
			t.Errorf("%s: errors.Is = %v, want %v", c.name, got, c.want)
		}
	}
}

// The With* builders return copies: a sentinel shared by every request
// must never pick up one request's field, message, details or cause.
func TestErrorBuildersCopy(t *testing.T) {
	before := *ErrInvalidState
	e := ErrInvalidState.WithField("status").WithMessage("单据 %s 已过账", "TR1").
		WithDetails(map[string]any{"status": "posted"}).Wrap(io.EOF)
	if ErrInvalidState.Field != before.Field || ErrInvalidState.Message != before.Message ||
		ErrInvalidState.Details != nil || ErrInvalidState.Unwrap() != nil {
		t.Fatalf("sentinel mutated: %+v", ErrInvalidState)
	}
	if e.Kind != KindConflict || e.Code != CodeInvalidState || e.Field != "status" || e.Message != "单据 TR1 已过账" ||
		e.Details["status"] != "posted" || e.Unwrap() != io.EOF {
		t.Fatalf("built error = %+v", e)
	}
}

func TestErrorConstructors(t *testing.T) {
	cases := []struct {
		name                 string
		err                  *Error
		kind                 Kind
		code, field, message string
	}{
		{"Errorf", Errorf(KindForbidden, CodeForbidden, "无权%s", "审批"), KindForbidden, CodeForbidden, "", "无权审批"},
		{"Invalid", Invalid("ratio", "换算率必须大于 %d", 0), KindInvalid, CodeValidation, "ratio", "换算率必须大于 0"},
		{"NotFound int", NotFound("采购单", int64(42)), KindNotFound, CodeNotFound, "", "采购单 42 不存在"},
		{"NotFound string", NotFound("用户", "zhangsan"), KindNotFound, CodeNotFound, "", "用户 zhangsan 不存在"},
	}
	for _, c := range cases {
		e := c.err
		if e.Kind != c.kind || e.Code != c.code || e.Field != c.field || e.Message != c.message || e.Unwrap() != nil {
			t.Errorf("%s = %+v", c.name, e)
		}
	}
}

// The transport maps kinds to statuses; each sentinel must carry the kind
// its code implies (a stale version is a conflict, a deadlock is retryable).
func TestSentinelKinds(t *testing.T) {
	cases := []struct {
		err  *Error
		kind Kind
		code string
	}{
		{ErrNotFound, KindNotFound, CodeNotFound},
		{ErrDuplicate, KindConflict, CodeDuplicate},
		{ErrVersionConflict, KindConflict, CodeVersionConflict},
		{ErrInvalidState, KindConflict, CodeInvalidState},
		{ErrInsufficientStock, KindInvalid, CodeInsufficientStock},
		{ErrValidation, KindInvalid, CodeValidation},
		{ErrForbidden, KindForbidden, CodeForbidden},
		{ErrUnauthorized, KindUnauthorized, CodeUnauthorized},
		{ErrDeadlock, KindUnavailable, CodeDeadlock},
		{ErrUnavailable, KindUnavailable, CodeUnavailable},
	}
	for _, c := range cases {
		if c.err.Kind != c.kind || c.err.Code != c.code || c.err.Message != "" || c.err.Field != "" {
			t.Errorf("sentinel %s = %+v", c.code, c.err)
		}
	}
}

func TestAsErrorAndErrorKind(t *testing.T) {
	inv := Invalid("qty", "数量必须大于 0")
	cases := []struct {
		name string
		err  error
		want *Error
		kind Kind
	}{
		{"nil", nil, nil, KindInternal},
		{"plain error is internal", io.EOF, nil, KindInternal},
		{"domain error", inv, inv, KindInvalid},
		{"wrapped domain error", fmt.Errorf("create: %w", inv), inv, KindInvalid},
		{"joined errors find the domain one", errors.Join(io.EOF, ErrForbidden), ErrForbidden, KindForbidden},
		{"domain error wrapping a driver error", ErrDeadlock.Wrap(io.EOF), nil, KindUnavailable},
	}
	for _, c := range cases {
		got := AsError(c.err)
		if c.want != nil && got != c.want {
			t.Errorf("%s: AsError = %v, want %v", c.name, got, c.want)
		}
		if c.err == nil || c.kind == KindInternal {
			if got != nil {
				t.Errorf("%s: AsError = %v, want nil", c.name, got)
			}
		}
		if k := ErrorKind(c.err); k != c.kind {
			t.Errorf("%s: ErrorKind = %d, want %d", c.name, k, c.kind)
		}
	}
}
