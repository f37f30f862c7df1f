package app

import (
	"errors"
	"testing"

	"github.com/dingerp/erpd/domain"
)

// TestMissingOn: only a real "not found" becomes the user's 422; a deadlock
// keeps its kind (so InTx retries it) and anything else stays internal.
func TestMissingOn(t *testing.T) {
	boom := errors.New("connection reset")
	cases := []struct {
		name     string
		err      error
		wantKind domain.Kind
		wantCode string
		wantIs   error
	}{
		{"not found", domain.NotFound("往来单位", 7), domain.KindInvalid, domain.CodeValidation, nil},
		{"wrapped not found", domain.ErrNotFound.Wrap(errors.New("record not found")), domain.KindInvalid, domain.CodeValidation, nil},
		{"deadlock", domain.ErrDeadlock.WithMessage("系统繁忙").Wrap(boom), domain.KindUnavailable, domain.CodeDeadlock, domain.ErrDeadlock},
		{"unavailable", domain.ErrUnavailable.WithMessage("数据库暂时不可用"), domain.KindUnavailable, domain.CodeUnavailable, domain.ErrUnavailable},
		{"driver error", boom, domain.KindInternal, "", boom},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := missingOn(c.err, "partner_id", "往来单位 %d 不存在", 7)
			if got := domain.ErrorKind(err); got != c.wantKind {
				t.Fatalf("kind = %v, want %v (%v)", got, c.wantKind, err)
			}
			if de := domain.AsError(err); c.wantCode != "" && (de == nil || de.Code != c.wantCode) {
				t.Fatalf("code of %v, want %s", err, c.wantCode)
			}
			if c.wantIs != nil && !errors.Is(err, c.wantIs) {
				t.Fatalf("%v lost its cause %v", err, c.wantIs)
			}
			if c.wantKind == domain.KindInvalid {
				if de := domain.AsError(err); de.Field != "partner_id" || de.Message != "往来单位 7 不存在" {
					t.Fatalf("got %+v", de)
				}
			}
		})
	}
	if missingOn(nil, "partner_id", "x") != nil {
		t.Fatal("nil error became an error")
	}
}
