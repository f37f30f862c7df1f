package domain

import (
	"strings"

	"github.com/shopspring/decimal"
)

// AmountInWords writes an amount in Chinese capitals (人民币大写金额) as on
// a printed voucher or cheque, after rounding it to 分 half up. It follows
// 《正确填写票据和结算凭证的基本规定》 (银发[1997]393号 annex):
//   - 元 with no 角 or 分 ends in 整 (壹拾元整); 角 and 分 never take 整;
//   - a run of zeros inside the integer part reads as one 零
//     (100,010 → 壹拾万零壹拾), and 拾 keeps its 壹 (壹拾, not 拾);
//   - 角 zero with 分 not zero writes 零 after 元 (壹元零伍分); where the
//     rules allow either, no 零 is written after 元 (壹拾万零壹拾元伍角);
//   - below one 元 the 元 is left out (伍分); zero is 零元整;
//   - a negative (红字) amount is prefixed 负.
func AmountInWords(d decimal.Decimal) string {
	d = d.Round(2)
	var b strings.Builder
	if d.IsNegative() {
		b.WriteString("负")
		d = d.Neg()
	}
	cents := d.Shift(2).IntPart() // fits: amounts stay below 10^15
	yuan, jiao, fen := cents/100, cents/10%10, cents%10
	if yuan == 0 && cents == 0 {
		return "零元整"
	}
	if yuan > 0 {
		b.WriteString(integerInWords(yuan))
		b.WriteString("元")
	}
	if jiao == 0 && fen == 0 {
		b.WriteString("整")
		return b.String()
	}
	if jiao > 0 {
		b.WriteString(cnDigits[jiao] + "角")
	} else if yuan > 0 {
		b.WriteString("零")
	}
	if fen > 0 {
		b.WriteString(cnDigits[fen] + "分")
	}
	return b.String()
}

var (
	cnDigits     = [10]string{"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"}
	cnPlaces     = [4]string{"", "拾", "佰", "仟"}
	cnGroupUnits = [4]string{"", "万", "亿", "万"}
)

// integerInWords writes n > 0 in capitals, by groups of four digits (万,
// 亿, 万亿).
func integerInWords(n int64) string {
	digits := []byte(decimal.NewFromInt(n).String())
	var b strings.Builder
	zero := false    // a zero is pending since the last digit written
	nonzero := false // the current group has a digit
	for i, c := range digits {
		p := len(digits) - 1 - i
		d := int(c - '0')
		if d == 0 {
			zero = true
		} else {
			if zero && b.Len() > 0 {
				b.WriteString("零")
			}
			zero = false
			nonzero = true
			b.WriteString(cnDigits[d] + cnPlaces[p%4])
		}
		if p%4 == 0 && p > 0 {
			g := p / 4
			if nonzero {
				b.WriteString(cnGroupUnits[g])
				// Zeros at the end of a group need no 零: the next
				// group's own leading zeros ask for one (壹拾万柒仟 but
				// 壹拾万零壹拾).
				zero = false
			}
			// The 万 of 万亿 leaves nonzero set, so 亿 follows it even
			// when the four digits below are zero (壹万亿).
			if g != 3 {
				nonzero = false
			}
		}
	}
	return b.String()
}
