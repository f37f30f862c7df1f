package domain

import "testing"

func TestCanonicalUsername(t *testing.T) {
	tests := []struct{ in, want string }{
		{"caigou2", "caigou2"},
		{"CaiGou2", "caigou2"},
		{"ｃａｉｇｏｕ２", "caigou2"},             // full-width (NFKC)
		{"ＣＡＩＧＯＵ２", "caigou2"},             // full-width capitals
		{"càigou2", "caigou2"},             // precomposed accent
		{"ca\u0300igou2", "caigou2"},       // combining accent
		{"caigou2\u200b", "caigou2"},       // zero-width space
		{"\u200dcai\u00adgou2", "caigou2"}, // zero-width joiner, soft hyphen
		{"\ufeffcaigou2", "caigou2"},       // byte-order mark
		{"cai\tgou2\x00", "caigou2"},       // control characters
		{"  caigou2  ", "caigou2"},
		{"STRASSE", "strasse"},
		{"straße", "strasse"}, // full case folding
		{"ﬁnance", "finance"}, // ligature (NFKC)
		{"wang.li-2_x", "wang.li-2_x"},
		{"王力", "王力"}, // kept; Validate refuses it as a username
		{"", ""},
	}
	for _, tt := range tests {
		if got := CanonicalUsername(tt.in); got != tt.want {
			t.Errorf("CanonicalUsername(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Idempotent: the canonical form is its own canonical form.
	for _, tt := range tests {
		if c := CanonicalUsername(tt.want); c != tt.want {
			t.Errorf("CanonicalUsername(%q) = %q, not idempotent", tt.want, c)
		}
	}
}

func TestUserValidateCanonicalises(t *testing.T) {
	for _, in := range []string{"ｃａｉｇｏｕ２", "CaiGou2", "càigou2", "caigou2\u200b"} {
		u := User{Username: in, Name: "采购", Roles: []Role{RolePurchaser}}
		if err := u.Validate(); err != nil || u.Username != "caigou2" {
			t.Errorf("Validate(%q): username %q, err %v", in, u.Username, err)
		}
	}
	u := User{Username: "王力", Name: "王力", Roles: []Role{RoleViewer}}
	if err := u.Validate(); err == nil {
		t.Error("a Chinese username was accepted")
	}
}

func TestTOTPRequiredFor(t *testing.T) {
	admins := []Role{RoleAdmin}
	tests := []struct {
		roles, required []Role
		want            bool
	}{
		{[]Role{RoleAdmin}, admins, true},
		{[]Role{RoleSales, RoleAdmin}, admins, true},
		{[]Role{RoleSales}, admins, false},
		{[]Role{RoleAdmin}, nil, false},
		{[]Role{RoleFinance}, []Role{RoleAdmin, RoleFinance}, true},
	}
	for _, tt := range tests {
		if got := TOTPRequiredFor(&User{Roles: tt.roles}, tt.required); got != tt.want {
			t.Errorf("TOTPRequiredFor(%v, %v) = %v", tt.roles, tt.required, got)
		}
	}
}
