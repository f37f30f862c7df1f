package domain

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
