package domain

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Rounding is half away from zero at each scale: quantities keep 4 places,
// amounts 2 (分; a negative half cent rounds away from zero, so a
// red-letter amount is exactly its blue one negated), unit costs 6.
func TestRoundAtStoredScales(t *testing.T) {
	cases := []struct {
		name  string
		round func(decimal.Decimal) decimal.Decimal
		in    decimal.Decimal
		want  string
	}{
		{"qty half up", RoundQty, d("2.49995"), "2.5"},
		{"qty below half", RoundQty, d("2.49994"), "2.4999"},
		{"qty negative half", RoundQty, d("-0.00005"), "-0.0001"},
		{"amount half up", RoundAmount, d("3.18518555"), "3.19"},
		{"amount half cent up", RoundAmount, d("0.005"), "0.01"},
		{"amount below half a cent", RoundAmount, d("0.00499999"), "0"},
		{"amount negative half cent away from zero", RoundAmount, d("-0.005"), "-0.01"},
		{"amount negative below half", RoundAmount, d("-2.0049"), "-2"},
		{"amount already at scale", RoundAmount, d("1725"), "1725"},
		{"cost one third", RoundCost, d("10").Div(d("3")), "3.333333"},
		{"cost two thirds", RoundCost, d("20").Div(d("3")), "6.666667"},
		{"cost negative half", RoundCost, d("-1.0000005"), "-1.000001"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.round(c.in).String(); got != c.want {
				t.Fatalf("round(%s) = %s, want %s", c.in, got, c.want)
			}
		})
	}
}

func TestCheckScale(t *testing.T) {
	cases := []struct {
		in      string
		places  int32
		wantMsg string // "" when accepted
	}{
		{"1.2345", 4, ""},
		{"1.23450", 4, ""}, // a trailing zero is not a fifth place
		{"1.23456", 4, "最多保留 4 位小数"},
		{"0.001", 2, "最多保留 2 位小数"},
		{"-1.5", 2, ""},
		{"0", 0, ""},
		{"0.5", 0, "最多保留 0 位小数"},
		{"9999999999999999.9999", 4, ""},
		{"10000000000000000", 4, "数值过大"},
		{"-10000000000000000", 4, "数值过大"},
		{"-9999999999999999", 4, ""},
		// The limit follows the column: unit costs and prices are
		// DECIMAL(20,6), 14 digits before the point; money kept at 2 places
		// is stored in DECIMAL(20,4) like amounts.
		{"99999999999999.999999", 6, ""},
		{"100000000000000", 6, "数值过大"},
		{"-100000000000000", 6, "数值过大"},
		{"9999999999999999.99", 2, ""},
		{"10000000000000000", 2, "数值过大"},
	}
	for _, c := range cases {
		err := CheckScale("lines[0].qty", d(c.in), c.places)
		if c.wantMsg == "" {
			if err != nil {
				t.Errorf("CheckScale(%s, %d) = %v, want ok", c.in, c.places, err)
			}
			continue
		}
		e := AsError(err)
		if e == nil || e.Code != CodeValidation || e.Kind != KindInvalid || e.Field != "lines[0].qty" || e.Message != c.wantMsg {
			t.Errorf("CheckScale(%s, %d) = %#v, want %q on lines[0].qty", c.in, c.places, err, c.wantMsg)
		}
	}
}

func TestCheckPositiveQty(t *testing.T) {
	cases := []struct {
		in      string
		wantMsg string
	}{
		{"1", ""},
		{"0.0001", ""},
		{"0", "数量必须大于 0"},
		{"-1", "数量必须大于 0"},
		{"-0.0001", "数量必须大于 0"},
		{"0.00001", "最多保留 4 位小数"},
		{"10000000000000000", "数值过大"},
	}
	for _, c := range cases {
		err := CheckPositiveQty("qty", d(c.in))
		if c.wantMsg == "" {
			if err != nil {
				t.Errorf("CheckPositiveQty(%s) = %v", c.in, err)
			}
			continue
		}
		if e := AsError(err); e == nil || e.Field != "qty" || e.Message != c.wantMsg {
			t.Errorf("CheckPositiveQty(%s) = %v, want %q", c.in, err, c.wantMsg)
		}
	}
}

// Business dates are Shanghai dates: 16:00 UTC is already the next day.
func TestLocalDateAcrossMidnight(t *testing.T) {
	cases := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 11, 22, 15, 59, 59, 0, time.UTC), "2026-11-22"},
		{time.Date(2026, 11, 22, 16, 0, 0, 0, time.UTC), "2026-11-23"},
		{time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), "2027-01-01"},
		{time.Date(2024, 2, 28, 16, 0, 0, 0, time.UTC), "2024-02-29"},
		// The zone a time arrives in does not matter, only the instant.
		{time.Date(2026, 11, 22, 8, 0, 0, 0, time.FixedZone("PST", -8*3600)), "2026-11-23"},
		{time.Date(2026, 11, 23, 0, 0, 0, 0, time.FixedZone("CST", 8*3600)), "2026-11-23"},
	}
	for _, c := range cases {
		if got := LocalDate(c.at); got != c.want {
			t.Errorf("LocalDate(%s) = %s, want %s", c.at, got, c.want)
		}
	}
	if _, off := time.Date(2026, 7, 1, 0, 0, 0, 0, Shanghai).Zone(); off != 8*3600 {
		t.Fatalf("Shanghai offset in summer = %d, want +8h (no DST)", off)
	}
}

func TestParseLocalDate(t *testing.T) {
	cases := []struct {
		in   string
		want time.Time // zero when refused
	}{
		{"2026-11-23", time.Date(2026, 11, 22, 16, 0, 0, 0, time.UTC)},
		{"2027-01-01", time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)},
		{"2024-02-29", time.Date(2024, 2, 28, 16, 0, 0, 0, time.UTC)},
		{"2026-02-29", time.Time{}},
		{"2026-13-01", time.Time{}},
		{"2026-1-5", time.Time{}},
		{"2026/11/23", time.Time{}},
		{"2026-11-23T00:00:00", time.Time{}},
		{"", time.Time{}},
	}
	for _, c := range cases {
		got, err := ParseLocalDate("lines[2].expiry", c.in)
		if c.want.IsZero() {
			e := AsError(err)
			if e == nil || e.Field != "lines[2].expiry" || e.Code != CodeValidation || !strings.Contains(e.Message, "YYYY-MM-DD") || !got.IsZero() {
				t.Errorf("ParseLocalDate(%q) = %s, %v; want a validation error", c.in, got, err)
			}
			continue
		}
		if err != nil || !got.Equal(c.want) {
			t.Errorf("ParseLocalDate(%q) = %s, %v; want %s", c.in, got, err, c.want)
		}
		if back := LocalDate(got); back != c.in {
			t.Errorf("LocalDate(ParseLocalDate(%q)) = %s", c.in, back)
		}
	}
}
