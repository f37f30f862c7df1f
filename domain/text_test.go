package domain

import "testing"

func TestCheckText(t *testing.T) {
	for _, c := range []struct {
		name      string
		s         string
		multiline bool
		ok        bool
	}{
		{"plain Chinese", "华东五金 有限公司", false, true},
		{"emoji and symbols", "螺丝 M4×20 ½ ✓ 😀", false, true},
		{"empty", "", false, true},
		{"NUL", "甲\x00乙", false, false},
		{"NUL in a remark", "甲\x00乙", true, false},
		{"bell", "a\x07", true, false},
		{"escape", "\x1b[31m红", true, false},
		{"DEL", "a\x7f", true, false},
		{"C1 NEL", "a\u0085b", true, false},
		{"C1 CSI", "a\u009b", true, false},
		{"newline in a name", "甲\n乙", false, false},
		{"tab in a name", "甲\t乙", false, false},
		{"CR in a name", "甲\r", false, false},
		{"newline in a remark", "第一行\r\n第二行\t完", true, true},
		{"RLO", "invoice\u202Efdp.exe", false, false},
		{"LRE", "\u202Aa", true, false},
		{"PDF", "a\u202C", true, false},
		{"LRI", "\u2066a", false, false},
		{"PDI", "a\u2069", false, false},
		{"LRM", "a\u200Eb", false, false},
		{"RLM", "a\u200Fb", false, false},
		{"ALM", "a\u061Cb", false, false},
		{"zero-width joiner is text", "👨\u200D👩", false, true},
		{"Arabic letters are text", "شركة", false, true},
	} {
		err := CheckText("name", c.s, c.multiline)
		if (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
		if e := AsError(err); err != nil && (e == nil || e.Field != "name" || e.Kind != KindInvalid) {
			t.Errorf("%s: %v does not name the field", c.name, err)
		}
	}
	for name, want := range map[string]bool{"remark": true, "reason": true, "name": false, "address": false, "summary": false} {
		if MultilineField(name) != want {
			t.Errorf("MultilineField(%q) = %v", name, !want)
		}
	}
}

// StripText leaves what CheckText accepts, so stripped text always passes.
func TestStripText(t *testing.T) {
	tests := []struct {
		name, in  string
		multiline bool
		want      string
	}{
		{"plain", "同意，按合同价", true, "同意，按合同价"},
		{"lines kept in a comment", "同意\r\n下月到货\t好", true, "同意\r\n下月到货\t好"},
		{"lines become spaces in a name", "王\n采购\t员", false, "王 采购 员"},
		{"NUL and DEL", "a\x00b\x7fc", true, "abc"},
		{"C1 control", "a\u0085b", true, "ab"},
		{"bidi override", "金额 \u202e0001\u202c 元", true, "金额 0001 元"},
		{"bidi isolates and marks", "\u2066x\u2069\u200e\u200f\u061cy", false, "xy"},
		{"empty", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := StripText(tt.in, tt.multiline)
			if got != tt.want {
				t.Fatalf("StripText(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if err := CheckText("f", got, tt.multiline); err != nil {
				t.Fatalf("stripped %q still refused: %v", got, err)
			}
		})
	}
}
