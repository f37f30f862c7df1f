package app

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseBotCommand(t *testing.T) {
	cases := []struct{ in, cmd, arg string }{
		{"库存 A001", BotStock, "A001"},
		{"  库存A001 ", BotStock, "A001"},
		{"库存　螺丝刀", BotStock, "螺丝刀"}, // full-width space
		{"STOCK a001", BotStock, "a001"},
		{"stockA001", "", "stockA001"},
		{"/订单 PO20261123-0001", BotOrder, "PO20261123-0001"},
		{"@ERP助手 订单 SO1", BotOrder, "SO1"},
		{"order so1", BotOrder, "so1"},
		{"待审批", BotPending, ""},
		{"pending", BotPending, ""},
		{"今日销售", BotSales, ""},
		{"销售", BotSales, ""},
		{"低库存", BotLowStock, ""},
		{"lowstock", BotLowStock, ""},
		{"low", BotLowStock, ""},
		{"帮助", BotHelp, ""},
		{"？", BotHelp, ""},
		{"HELP", BotHelp, ""},
		{"你好", "", "你好"},
		{"", "", ""},
		{"@someone", "", ""},
	}
	for _, c := range cases {
		got := ParseBotCommand(c.in)
		if got.Cmd != c.cmd || got.Arg != c.arg {
			t.Errorf("ParseBotCommand(%q) = %+v, want {%s %s}", c.in, got, c.cmd, c.arg)
		}
	}
	long := ParseBotCommand("库存 " + strings.Repeat("长", 500))
	if utf8.RuneCountInString(long.Arg) != maxBotArg {
		t.Errorf("argument not clipped: %d runes", utf8.RuneCountInString(long.Arg))
	}
}

// FuzzParseBotCommand: any text parses without panicking into a known
// command or none, with a trimmed, valid, bounded argument; and a command
// word followed by an argument always reads back as that command and
// argument.
func FuzzParseBotCommand(f *testing.F) {
	for _, s := range []string{"库存 A001", "订单 PO1", "待审批", "今日销售", "低库存", "帮助", "stock x", "\xff库存", "库\xe5", "@a b", "lowstock"} {
		f.Add(s, "A-01")
	}
	known := map[string]bool{"": true, BotStock: true, BotOrder: true, BotPending: true, BotSales: true, BotLowStock: true, BotHelp: true}
	f.Fuzz(func(t *testing.T, text, arg string) {
		c := ParseBotCommand(text)
		if !known[c.Cmd] {
			t.Fatalf("unknown command %q from %q", c.Cmd, text)
		}
		if !utf8.ValidString(c.Arg) || strings.TrimSpace(c.Arg) != c.Arg || utf8.RuneCountInString(c.Arg) > maxBotArg {
			t.Fatalf("bad argument %q from %q", c.Arg, text)
		}
		// Round trip with an argument that is a plain token.
		arg = strings.Map(func(r rune) rune {
			if r < 0x21 || r > 0x7e || r == '@' || r == '/' {
				return -1
			}
			return r
		}, arg)
		if arg == "" || len(arg) > maxBotArg {
			return
		}
		for _, w := range botWords {
			got := ParseBotCommand(w.word + " " + arg)
			if got.Cmd != w.cmd || got.Arg != arg {
				t.Fatalf("%q + %q parsed as %+v", w.word, arg, got)
			}
		}
	})
}
