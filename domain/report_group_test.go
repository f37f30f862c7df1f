package domain

import "testing"

func TestReportGroup(t *testing.T) {
	for _, c := range []struct {
		in, want string
		bad      bool
	}{
		{"", "", false},
		{"product", "product", false},
		{"partner", "partner", false},
		{"month", "month", false},
		{"supplier", "partner", false},
		{"customer", "partner", false},
		{"Partner", "", true},
		{"warehouse", "", true},
		{"partner ", "", true},
	} {
		got, err := ReportGroup(c.in)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("ReportGroup(%q) = %q, %v; want %q, bad=%v", c.in, got, err, c.want, c.bad)
		}
		if e := AsError(err); c.bad && (e == nil || e.Field != "group_by") {
			t.Errorf("ReportGroup(%q): error %v, want one on group_by", c.in, err)
		}
	}
}
