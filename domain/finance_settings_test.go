package domain

import (
	"strings"
	"testing"
)

func TestCheckFinanceSettings(t *testing.T) {
	cases := []struct {
		name, in, want, field string
	}{
		{"OK", "华东商贸有限公司", "华东商贸有限公司", ""},
		{"OK trimmed", "  华东商贸  ", "华东商贸", ""},
		{"OK empty", "", "", ""},
		{"OK at limit", strings.Repeat("公", MaxCompanyName), strings.Repeat("公", MaxCompanyName), ""},
		{"ErrTooLong", strings.Repeat("公", MaxCompanyName+1), "", "company_name"},
		{"ErrNewline", "华东\n商贸", "", "company_name"},
		{"ErrTab", "华东\t商贸", "", "company_name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := FinanceSettings{CompanyName: c.in}
			err := CheckFinanceSettings(&s)
			if c.field == "" {
				if err != nil || s.CompanyName != c.want {
					t.Fatalf("got %q, %v; want %q", s.CompanyName, err, c.want)
				}
				return
			}
			e := AsError(err)
			if e == nil || e.Field != c.field || e.Kind != KindInvalid {
				t.Fatalf("got %v, want invalid %s", err, c.field)
			}
		})
	}
}
