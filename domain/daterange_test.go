package domain

import "testing"

func TestDateRange(t *testing.T) {
	for _, c := range []struct {
		date string
		ok   bool
	}{
		{"2000-01-01", true}, {"2100-12-31", true}, {"2026-02-28", true},
		{"1999-12-31", false}, {"2101-01-01", false}, {"0000-01-01", false}, {"9999-12-31", false},
		{"2026-02-30", false}, {"2026-1-5", false}, {"", false},
	} {
		_, err := ParseLocalDate("biz_date", c.date)
		if (err == nil) != c.ok {
			t.Errorf("%q: %v", c.date, err)
		}
		if e := AsError(err); err != nil && (e == nil || e.Field != "biz_date" || e.Kind != KindInvalid) {
			t.Errorf("%q: %v does not name the field", c.date, err)
		}
	}
	for _, c := range []struct {
		period string
		ok     bool
	}{{"2000-01", true}, {"2100-12", true}, {"1999-12", false}, {"2101-01", false}, {"0000-01", false}, {"9999-12", false}} {
		if ValidPeriod(c.period) != c.ok {
			t.Errorf("period %q: want %v", c.period, c.ok)
		}
	}
	v := Voucher{Date: "9999-01-01"}
	if e := AsError(v.Check(AmountScale)); e == nil || e.Field != "date" {
		t.Errorf("a voucher dated 9999: %v", e)
	}
}
