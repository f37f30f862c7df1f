package domain

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// CanonicalUsername is the one form a username is stored, looked up and
// throttled in. MariaDB's collation matches ｃａｉｇｏｕ２, càigou2 and
// caigou2 with a zero-width space to the same row, so a throttle keyed on
// the typed spelling gave each spelling its own five guesses at one
// account. The canonical form folds every such spelling into one:
// compatibility forms (full-width letters) become their plain letters
// (NFKC), case is folded, accents are dropped (as the collation ignores
// them), format characters (zero-width spaces and joiners, soft hyphens)
// and control characters are removed, and surrounding spaces trimmed.
//
// It does not decide validity: User.Validate refuses what is not a
// username after canonicalising (letters, digits, _ . -, 2–32).
func CanonicalUsername(s string) string {
	s = norm.NFKC.String(s)
	s = cases.Fold().String(s)
	// Decompose, drop the combining marks and what is invisible, recompose.
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r) || unicode.IsControl(r) {
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(norm.NFC.String(b.String()))
}

// ValidUsername reports whether a canonical name can be a username at all:
// 2–32 letters, digits, _ . -, beginning with a letter or digit. A sign-in
// under any other name cannot match an account, so it is not looked up
// (and no collation gets the chance to match it to one).
func ValidUsername(canonical string) bool {
	return codePattern.MatchString(canonical) && len(canonical) >= 2 && len(canonical) <= 32
}

// TOTPRequiredFor reports whether u must sign in with two steps because
// one of its roles is in required (the auth.totp_required_roles setting).
func TOTPRequiredFor(u *User, required []Role) bool {
	for _, r := range u.Roles {
		for _, q := range required {
			if r == q {
				return true
			}
		}
	}
	return false
}
