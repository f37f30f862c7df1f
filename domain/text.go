package domain

import "strings"

// Text inputs (names, codes, remarks…) are shown on screens, printed on
// documents, exported to Excel and sent to DingTalk. A control character
// there breaks layouts and files (NUL truncates in C-based tools), and a
// bidi control makes text display in an order other than the one stored
// ("Trojan Source"), so a supplier name or a remark can read as something
// it is not. Both are refused where text is checked, naming the field.

// CheckText refuses C0 controls (U+0000–U+001F), DEL, C1 controls
// (U+0080–U+009F) and bidi controls (U+061C, U+200E/F, U+202A–U+202E,
// U+2066–U+2069) in s. Tab, line feed and carriage return are allowed
// where the text may span lines (remarks, reasons, messages), which
// multiline says.
func CheckText(field, s string, multiline bool) error {
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			if !multiline {
				return Invalid(field, "不能包含换行符或制表符")
			}
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			return Invalid(field, "不能包含控制字符 (U+%04X)", r)
		case isBidiControl(r):
			return Invalid(field, "不能包含改变文字方向的控制字符 (U+%04X)", r)
		}
	}
	return nil
}

func isBidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// MultilineField says whether an input field (by its JSON name, the last
// part of a path such as lines[0].remark) holds text that may span lines.
func MultilineField(name string) bool {
	switch name {
	case "remark", "reason", "message", "comment", "description", "note":
		return true
	}
	return false
}

// StripText removes from s what CheckText refuses (unless multiline, a
// line break or tab becomes a space, so words stay apart), for text that was already accepted elsewhere and
// cannot be refused: a remark or comment from a DingTalk approval that has
// been decided, or a name from the DingTalk directory. A string with
// nothing to strip comes back as it is.
func StripText(s string, multiline bool) string {
	if CheckText("", s, multiline) == nil {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			if multiline {
				b.WriteRune(r)
			} else {
				b.WriteByte(' ')
			}
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidiControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
