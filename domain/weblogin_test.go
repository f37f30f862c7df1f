package domain

import "testing"

func TestWebLoginBase(t *testing.T) {
	for _, tc := range []struct {
		name, public, origin string
		trust                bool
		want, code           string
	}{
		{"OK public", "https://erp.example.com/", "http://evil.example", false, "https://erp.example.com", ""},
		{"OK public wins in the demo", "https://erp.example.com", "http://localhost:8080", true, "https://erp.example.com", ""},
		{"OK demo request", "", "http://localhost:8080", true, "http://localhost:8080", ""},
		{"ErrProductionNoPublic", "", "https://erp.example.com", false, "", CodePublicURLRequired},
		{"ErrDemoOddHost", "", "http://a@evil.example", true, "", CodeValidation},
		{"ErrDemoPathInHost", "", "http://evil.example/x", true, "", CodeValidation},
		{"ErrDemoNoHost", "", "http://", true, "", CodeValidation},
		{"ErrDemoScheme", "", "javascript://x", true, "", CodeValidation},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := WebLoginBase(tc.public, tc.origin, tc.trust)
			if tc.code != "" {
				if e := AsError(err); e == nil || e.Code != tc.code {
					t.Fatalf("err %v, want %s", err, tc.code)
				}
				if tc.code == CodePublicURLRequired && ErrorKind(err) != KindMisconfigured {
					t.Fatalf("kind %v, want misconfigured", ErrorKind(err))
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("%q %v, want %q", got, err, tc.want)
			}
		})
	}
}
