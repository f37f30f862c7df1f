package app

import (
	"strings"

	"github.com/dingerp/erpd/domain"
	"unicode"
	"unicode/utf8"
)

// Chat bot commands (机器人指令).
const (
	BotStock    = "stock"    // 库存 <SKU或名称>
	BotOrder    = "order"    // 订单 <单号>
	BotPending  = "pending"  // 待审批
	BotSales    = "sales"    // 今日销售
	BotLowStock = "lowstock" // 低库存
	BotHelp     = "help"     // 帮助
)

// botWords maps what people type to commands, longest first so that 今日销售
// is not read as 销售 and lowstock not as low. English words must stand
// alone; Chinese ones may run into their argument (库存A001).
var botWords = []struct {
	word, cmd string
	english   bool
}{
	{"lowstock", BotLowStock, true}, {"pending", BotPending, true}, {"今日销售", BotSales, false},
	{"approvals", BotPending, true}, {"stock", BotStock, true}, {"order", BotOrder, true}, {"sales", BotSales, true},
	{"today", BotSales, true}, {"help", BotHelp, true}, {"low", BotLowStock, true},
	{"待审批", BotPending, false}, {"低库存", BotLowStock, false}, {"库存", BotStock, false}, {"订单", BotOrder, false},
	{"单据", BotOrder, false}, {"审批", BotPending, false}, {"销售", BotSales, false}, {"帮助", BotHelp, false},
	{"?", BotHelp, false}, {"？", BotHelp, false},
}

// maxBotArg bounds an argument (runes); more is not a SKU, name or number.
const maxBotArg = 64

// BotCommand is a parsed chat message: Cmd is empty when nothing matched.
type BotCommand struct {
	Cmd string
	Arg string
}

// ParseBotCommand reads a chat message: spaces of any width and a leading
// slash or @mention are ignored, English is case-insensitive.
func ParseBotCommand(text string) BotCommand {
	text = strings.ToValidUTF8(text, "")
	text = strings.Map(func(r rune) rune {
		switch {
		case r == '\u200b' || r == '\ufeff':
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, text)
	text = strings.TrimSpace(text)
	for strings.HasPrefix(text, "@") { // "@ERP助手 库存 A001"
		if i := strings.IndexByte(text, ' '); i > 0 {
			text = strings.TrimSpace(text[i:])
		} else {
			text = ""
		}
	}
	text = strings.TrimSpace(strings.TrimLeft(text, "/"))
	for _, w := range botWords {
		if len(text) < len(w.word) || !strings.EqualFold(text[:len(w.word)], w.word) {
			continue
		}
		rest := text[len(w.word):]
		if w.english && rest != "" && rest[0] != ' ' {
			continue
		}
		if !utf8.ValidString(rest) { // the match cut a rune: not this word
			continue
		}
		return BotCommand{Cmd: w.cmd, Arg: clipArg(strings.TrimSpace(rest))}
	}
	return BotCommand{Arg: clipArg(text)}
}

func clipArg(s string) string { return strings.TrimSpace(domain.ClipRunes(s, maxBotArg)) }

// ParseBotCommandText returns the message as the parser reads it (spaces
// normalised, mention and slash dropped), for echoing it back.
func ParseBotCommandText(text string) string {
	c := ParseBotCommand(text)
	for _, w := range botWords {
		if w.cmd == c.Cmd && !w.english {
			return strings.TrimSpace(w.word + " " + c.Arg)
		}
	}
	return c.Arg
}
