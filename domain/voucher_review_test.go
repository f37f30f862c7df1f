package domain

import (
	"errors"
	"testing"
	"time"
)

func reviewCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "?" + err.Error()
	}
	return ""
}

func TestVoucherReview(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	reviewer := int64(9)
	cases := []struct {
		name     string
		preparer int64
		reviewed *int64
		by       int64
		want     string
	}{
		{"another user reviews", 1, nil, 2, ""},
		{"preparer may not review", 1, nil, 1, CodeReviewerIsPreparer},
		{"reviewed once", 1, &reviewer, 2, CodeVoucherReviewed},
		{"system voucher (preparer 0) reviewed by anyone", 0, nil, 2, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := &Voucher{Number: "记-0001", CreatedBy: c.preparer, ReviewedBy: c.reviewed}
			err := v.Review(c.by, at)
			if got := reviewCode(err); got != c.want {
				t.Fatalf("Review: code %q, want %q", got, c.want)
			}
			if c.want == "" {
				if v.ReviewedBy == nil || *v.ReviewedBy != c.by || v.ReviewedAt == nil || !v.ReviewedAt.Equal(at) {
					t.Fatalf("not marked reviewed by %d at %v: %+v", c.by, at, v)
				}
			} else if (v.ReviewedBy == nil) != (c.reviewed == nil) {
				t.Fatalf("a refused review changed the voucher: %+v", v)
			}
		})
	}
}

func TestVoucherUnreview(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	reviewer := int64(2)
	cases := []struct {
		name     string
		reviewed *int64
		by       int64
		closed   bool
		want     string
	}{
		{"reviewer takes it back", &reviewer, 2, false, ""},
		{"another non-preparer takes it back", &reviewer, 3, false, ""},
		{"preparer may not", &reviewer, 1, false, CodeReviewerIsPreparer},
		{"not reviewed", nil, 2, false, CodeVoucherNotReviewed},
		{"closed month", &reviewer, 2, true, CodePeriodClosed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := &Voucher{Number: "记-0001", Period: "2026-11", CreatedBy: 1, ReviewedBy: c.reviewed}
			if c.reviewed != nil {
				v.ReviewedAt = &at
			}
			err := v.Unreview(c.by, c.closed)
			if got := reviewCode(err); got != c.want {
				t.Fatalf("Unreview: code %q, want %q", got, c.want)
			}
			if c.want == "" && (v.ReviewedBy != nil || v.ReviewedAt != nil) {
				t.Fatalf("still reviewed: %+v", v)
			}
			if c.want != "" && c.reviewed != nil && v.ReviewedBy == nil {
				t.Fatalf("a refused un-review changed the voucher")
			}
		})
	}
}

func TestReviewedVoucherNotReversible(t *testing.T) {
	reviewer := int64(2)
	v := &Voucher{Number: "记-0001", Date: "2026-11-05", Source: VoucherManual, CreatedBy: 1, ReviewedBy: &reviewer}
	if got := reviewCode(v.CheckReversible("2026-11-30")); got != CodeVoucherReviewed {
		t.Fatalf("reversing a reviewed voucher: code %q, want %q", got, CodeVoucherReviewed)
	}
	v.ReviewedBy = nil
	if err := v.CheckReversible("2026-11-30"); err != nil {
		t.Fatalf("un-reviewed voucher is reversible: %v", err)
	}
}

func TestCheckReviewedForClose(t *testing.T) {
	cases := []struct {
		required   bool
		unreviewed int64
		want       string
	}{
		{false, 0, ""},
		{false, 5, ""},
		{true, 0, ""},
		{true, 3, CodeUnreviewedVouchers},
	}
	for _, c := range cases {
		err := CheckReviewedForClose("2026-11", c.required, c.unreviewed)
		if got := reviewCode(err); got != c.want {
			t.Fatalf("required=%v unreviewed=%d: code %q, want %q", c.required, c.unreviewed, got, c.want)
		}
		if c.want != "" {
			var e *Error
			errors.As(err, &e)
			if e.Details["count"] != c.unreviewed || e.Kind != KindConflict {
				t.Fatalf("details %v kind %v", e.Details, e.Kind)
			}
		}
	}
}
