package domain

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// The sub-ledgers' date rules and the small helpers the books lean on.

func TestBooksDueDateAndAging(t *testing.T) {
	for _, c := range []struct {
		date  string
		terms int
		due   string
	}{{"2026-11-28", 0, "2026-11-28"}, {"2026-11-28", 30, "2026-12-28"}, {"2026-12-15", 30, "2027-01-14"},
		{"2024-02-28", 1, "2024-02-29"}, {"bad", 30, "bad"}} {
		if got := DueDate(c.date, c.terms); got != c.due {
			t.Errorf("DueDate(%s, %d) = %s, want %s", c.date, c.terms, got, c.due)
		}
	}
	for _, c := range []struct {
		due, asOf string
		bucket    int
	}{
		{"2026-12-01", "2026-11-28", 0}, // not yet due
		{"2026-11-28", "2026-11-28", 0}, // due today
		{"2026-11-27", "2026-11-28", 1},
		{"2026-10-29", "2026-11-28", 1}, // 30 days
		{"2026-10-28", "2026-11-28", 2}, // 31 days
		{"2026-09-29", "2026-11-28", 2}, // 60
		{"2026-09-28", "2026-11-28", 3}, // 61
		{"2026-08-30", "2026-11-28", 3}, // 90
		{"2026-08-29", "2026-11-28", 4}, // 91
		{"bad", "2026-11-28", 0},
		{"2026-11-28", "", 0},
	} {
		if got := AgingBucket(c.due, c.asOf); got != c.bucket {
			t.Errorf("AgingBucket(%s, %s) = %d (%s), want %d", c.due, c.asOf, got, AgingBuckets[got], c.bucket)
		}
	}
}

func TestBooksInvoiceTypes(t *testing.T) {
	for _, c := range []struct{ typ, doc, ret, kind string }{
		{DocSalesInvoice, DocSalesShipment, DocSalesReturn, ItemAR},
		{DocPurchaseInvoice, DocPurchaseReceipt, DocPurchaseReturn, ItemAP},
	} {
		doc, ret := InvoiceDocTypes(c.typ)
		if doc != c.doc || ret != c.ret || InvoiceKind(c.typ) != c.kind {
			t.Errorf("%s: %s %s %s", c.typ, doc, ret, InvoiceKind(c.typ))
		}
	}
	if doc, ret := InvoiceDocTypes("x"); doc != "" || ret != "" {
		t.Error("an unknown invoice type covers documents")
	}
}

func TestBooksScalesAndDates(t *testing.T) {
	for _, c := range []struct {
		v      string
		places int32
		msg    string
	}{{"1.23", 2, ""}, {"1.234", 2, "最多保留 2 位小数"}, {"-0.0001", 4, ""}, {"10000000000000000", 0, "数值过大"}, {"9999999999999999", 0, ""}} {
		err := CheckScale("amount", booksDec(c.v), c.places)
		if c.msg == "" {
			booksWantErr(t, c.v, err, "")
		} else {
			booksWantErr(t, c.v, err, "validation_failed:amount:"+c.msg)
		}
	}
	booksWantErr(t, "zero qty", CheckPositiveQty("qty", booksDec("0")), "validation_failed:qty:数量必须大于 0")
	booksWantErr(t, "fine qty", CheckPositiveQty("qty", booksDec("0.0001")), "")
	booksWantErr(t, "fine qty", CheckPositiveQty("qty", booksDec("0.00001")), "validation_failed:qty:最多保留 4 位小数")
	if !RoundAmount(booksDec("1.23456")).Equal(booksDec("1.2346")) || !RoundQty(booksDec("0.00005")).Equal(booksDec("0.0001")) ||
		!RoundCost(booksDec("1.0000005")).Equal(booksDec("1.000001")) {
		t.Error("rounding")
	}
	// 16:00 UTC is the next day in Shanghai: business dates are Shanghai's.
	if d := LocalDate(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)); d != "2026-12-01" {
		t.Errorf("LocalDate = %s", d)
	}
	at, err := ParseLocalDate("date", "2026-12-01")
	if err != nil || !at.Equal(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseLocalDate = %s %v", at, err)
	}
	_, err = ParseLocalDate("date", "2026/12/01")
	booksWantErr(t, "bad date", err, "validation_failed:date:日期格式应为 YYYY-MM-DD")
}

func TestBooksErrors(t *testing.T) {
	cause := errors.New("driver: lock wait timeout")
	e := ErrUnavailable.WithMessage("稍后再试").WithField("x").Wrap(cause)
	if e.Error() != "unavailable: 稍后再试 (x): driver: lock wait timeout" || !errors.Is(e, cause) || !errors.Is(e, ErrUnavailable) {
		t.Fatalf("wrapped error %q", e.Error())
	}
	wrapped := fmt.Errorf("app: closing 2026-11: %w", NotFound("科目", 7))
	if ErrorKind(wrapped) != KindNotFound || AsError(wrapped).Message != "科目 7 不存在" || !errors.Is(wrapped, ErrNotFound) {
		t.Fatalf("through fmt.Errorf: %v", wrapped)
	}
	if ErrorKind(cause) != KindInternal || AsError(cause) != nil || AsError(nil) != nil {
		t.Fatal("a foreign error is internal")
	}
	// A sentinel matches by code only when it carries no message or field.
	if errors.Is(ErrInvalidState.WithMessage("a"), ErrInvalidState.WithMessage("b")) || errors.Is(e, cause) == false {
		t.Fatal("Is with a message")
	}
	if (&Error{Code: "c", Message: "m"}).Error() != "c: m" {
		t.Fatal("plain Error()")
	}
}
