package domain

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// 现金流量表 (会小企03表), by the direct method. Every voucher line on a cash
// account (库存现金 1001, 银行存款 1002, 其他货币资金 1012 and their
// sub-accounts) carries a cash-flow item (现金流量项目): the number of the
// statement's line it belongs to. Lines between cash accounts (划转, 存现,
// 取现) carry none, because moving money between them is not a flow.
//
// The line names and numbers follow the form in the appendix of
// 小企业会计准则 (财会〔2011〕17号) as recalled in ../shared/finance/MORE.md;
// the recollection agrees with the published form as far as we know (22
// lines, 经营 1–7, 投资 8–13, 筹资 14–19, 20–22 the totals). Assumption, not
// checked against the printed text here: there is no line for the effect of
// exchange rates, which the small-enterprise form leaves out.

// Cash-flow items (现金流量项目): the line numbers of 会小企03表 a cash line
// may carry. Zero is none (a transfer between cash accounts).
const (
	CFSales           = 1  // 销售产成品、商品、提供劳务收到的现金
	CFOtherOperIn     = 2  // 收到其他与经营活动有关的现金
	CFPurchases       = 3  // 购买原材料、商品、接受劳务支付的现金
	CFWages           = 4  // 支付的职工薪酬
	CFTaxes           = 5  // 支付的税费
	CFOtherOperOut    = 6  // 支付其他与经营活动有关的现金
	CFInvestReturned  = 8  // 收回短期投资、长期债券投资和长期股权投资收到的现金
	CFInvestIncome    = 9  // 取得投资收益收到的现金
	CFAssetsDisposed  = 10 // 处置固定资产、无形资产和其他非流动资产收回的现金净额
	CFInvestPaid      = 11 // 短期投资、长期债券投资和长期股权投资支付的现金
	CFAssetsBought    = 12 // 购建固定资产、无形资产和其他非流动资产支付的现金
	CFBorrowed        = 14 // 取得借款收到的现金
	CFCapitalIn       = 15 // 吸收投资者投资收到的现金
	CFRepaid          = 16 // 偿还借款本金支付的现金
	CFInterestPaid    = 17 // 偿还借款利息支付的现金
	CFProfitsPaid     = 18 // 分配利润支付的现金
	CFLineNetIncrease = 20 // 四、现金净增加额
	CFLineOpening     = 21 // 加：期初现金余额
	CFLineClosing     = 22 // 五、期末现金余额
	// CFLineBeforeGoLive is no line of the form: 加：上线前本年现金净增加额
	// (期初录入), the movement of 货币资金 earlier in the year that a company
	// going live mid-year brings in with its openings (see
	// BeforeGoLiveCash). It is served without a line number and shown only
	// when not zero.
	CFLineBeforeGoLive = 100
)

// CashFlowItem is one item a cash line may carry, for pick lists.
type CashFlowItem struct {
	Line int    `json:"line"`
	Name string `json:"name"`
	// Activity is 经营, 投资 or 筹资.
	Activity string `json:"activity"`
	// Inflow tells a 收到 line from a 支付 one: the statement shows an
	// inflow as debits less credits on cash, an outflow the other way round.
	Inflow bool `json:"inflow"`
}

// cashFlowLines are 会小企03表's lines in order; a line with sum is a total
// of the lines it names (negative: subtracted).
var cashFlowLines = []struct {
	line int
	item string
	sum  []int
}{
	{0, "一、经营活动产生的现金流量：", nil},
	{CFSales, "销售产成品、商品、提供劳务收到的现金", nil},
	{CFOtherOperIn, "收到其他与经营活动有关的现金", nil},
	{CFPurchases, "购买原材料、商品、接受劳务支付的现金", nil},
	{CFWages, "支付的职工薪酬", nil},
	{CFTaxes, "支付的税费", nil},
	{CFOtherOperOut, "支付其他与经营活动有关的现金", nil},
	{7, "经营活动产生的现金流量净额", []int{1, 2, -3, -4, -5, -6}},
	{0, "二、投资活动产生的现金流量：", nil},
	{CFInvestReturned, "收回短期投资、长期债券投资和长期股权投资收到的现金", nil},
	{CFInvestIncome, "取得投资收益收到的现金", nil},
	{CFAssetsDisposed, "处置固定资产、无形资产和其他非流动资产收回的现金净额", nil},
	{CFInvestPaid, "短期投资、长期债券投资和长期股权投资支付的现金", nil},
	{CFAssetsBought, "购建固定资产、无形资产和其他非流动资产支付的现金", nil},
	{13, "投资活动产生的现金流量净额", []int{8, 9, 10, -11, -12}},
	{0, "三、筹资活动产生的现金流量：", nil},
	{CFBorrowed, "取得借款收到的现金", nil},
	{CFCapitalIn, "吸收投资者投资收到的现金", nil},
	{CFRepaid, "偿还借款本金支付的现金", nil},
	{CFInterestPaid, "偿还借款利息支付的现金", nil},
	{CFProfitsPaid, "分配利润支付的现金", nil},
	{19, "筹资活动产生的现金流量净额", []int{14, 15, -16, -17, -18}},
	{CFLineBeforeGoLive, "加：上线前本年现金净增加额（期初录入）", nil},
	{CFLineNetIncrease, "四、现金净增加额", []int{7, 13, 19, CFLineBeforeGoLive}},
	{CFLineOpening, "加：期初现金余额", nil},
	{CFLineClosing, "五、期末现金余额", []int{20, 21}},
}

// cashFlowInflow are the 收到 lines; the other items are 支付 lines.
var cashFlowInflow = map[int]bool{CFSales: true, CFOtherOperIn: true, CFInvestReturned: true, CFInvestIncome: true,
	CFAssetsDisposed: true, CFBorrowed: true, CFCapitalIn: true}

// CashFlowItems lists the items a cash line may carry, in the form's order.
func CashFlowItems() []CashFlowItem {
	var out []CashFlowItem
	activity := ""
	for _, l := range cashFlowLines {
		if l.line == 0 {
			activity = strings.TrimSuffix(l.item[len("一、"):], "活动产生的现金流量：")
			continue
		}
		if l.sum != nil || l.line == CFLineOpening || l.line == CFLineBeforeGoLive {
			continue
		}
		out = append(out, CashFlowItem{Line: l.line, Name: l.item, Activity: activity, Inflow: cashFlowInflow[l.line]})
	}
	return out
}

// ValidCashFlowItem tells whether n is an item a cash line may carry.
func ValidCashFlowItem(n int) bool {
	for _, it := range CashFlowItems() {
		if it.Line == n {
			return true
		}
	}
	return false
}

// DefaultCashFlowItem is the item a generated voucher's cash line carries
// when its template line names none: money from customers and cash sales
// are 销售…收到的现金 (1), money to suppliers and cash purchases 购买…支付的
// 现金 (3); any other event's cash is 收到/支付其他与经营活动有关的现金 by its
// side (2 or 6).
func DefaultCashFlowItem(event string, debit bool) int {
	switch event {
	case EventMoneyReceipt, EventSalesShipment, EventSalesReturn, EventSalesUninvoiced, EventSalesInvoice:
		return CFSales
	case EventMoneyPayment, EventPurchaseReceipt, EventPurchaseReturn, EventPurchaseEstimate, EventPurchaseInvoice:
		return CFPurchases
	}
	if debit {
		return CFOtherOperIn
	}
	return CFOtherOperOut
}

// cashFlowByCounter maps the account a cash line is paid to or received
// from (its counter-account, by code prefix) to the item: the usual entries
// of a small trading company. Longer prefixes are tried first.
var cashFlowByCounter = []struct {
	prefix      string
	debit, cred int // the item when cash is debited (received) / credited (paid)
}{
	{"1122", CFSales, CFSales}, {"2203", CFSales, CFSales}, {"5001", CFSales, CFSales}, {"5051", CFSales, CFSales},
	{"22210107", CFSales, CFSales}, // 销项税额 received with a cash sale
	{"2202", CFPurchases, CFPurchases}, {"1123", CFPurchases, CFPurchases}, {"1405", CFPurchases, CFPurchases},
	{"1403", CFPurchases, CFPurchases}, {"22210101", CFPurchases, CFPurchases},
	{"2211", CFOtherOperIn, CFWages},
	{"2221", CFOtherOperIn, CFTaxes}, {"5403", CFOtherOperIn, CFTaxes}, {"5801", CFOtherOperIn, CFTaxes},
	{"1101", CFInvestReturned, CFInvestPaid}, {"1501", CFInvestReturned, CFInvestPaid}, {"1511", CFInvestReturned, CFInvestPaid},
	{"5111", CFInvestIncome, CFInvestPaid}, {"1131", CFInvestIncome, CFInvestPaid}, {"1132", CFInvestIncome, CFInvestPaid},
	{"1601", CFAssetsDisposed, CFAssetsBought}, {"1604", CFAssetsDisposed, CFAssetsBought}, {"1605", CFAssetsDisposed, CFAssetsBought},
	{"1606", CFAssetsDisposed, CFAssetsBought}, {"1701", CFAssetsDisposed, CFAssetsBought}, {"1801", CFAssetsDisposed, CFAssetsBought},
	{"2001", CFBorrowed, CFRepaid}, {"2501", CFBorrowed, CFRepaid},
	{"2231", CFOtherOperIn, CFInterestPaid},
	{"3001", CFCapitalIn, CFOtherOperOut}, {"3002", CFCapitalIn, CFOtherOperOut},
	{"2232", CFOtherOperIn, CFProfitsPaid},
}

// SuggestCashFlowItem proposes the item of a cash line from its
// counter-account (the largest non-cash line on the other side) and its
// side: 2211 paid is 支付的职工薪酬, 2001 received 取得借款收到的现金, and so
// on. An account it does not know gives 收到/支付其他与经营活动有关的现金.
// The upgrade uses it for the vouchers booked before items existed.
func SuggestCashFlowItem(debit bool, counter string) int {
	best := -1
	for i, c := range cashFlowByCounter {
		if strings.HasPrefix(counter, c.prefix) && (best < 0 || len(c.prefix) > len(cashFlowByCounter[best].prefix)) {
			best = i
		}
	}
	switch {
	case best >= 0 && debit:
		return cashFlowByCounter[best].debit
	case best >= 0:
		return cashFlowByCounter[best].cred
	case debit:
		return CFOtherOperIn
	}
	return CFOtherOperOut
}

// CheckCashFlow checks a voucher's cash-flow items, given each line's
// account code: only cash lines carry one, each a valid item, and the cash
// lines without one (transfers between cash accounts) net to zero, so the
// items account for all the money that came in or went out
// (cash_flow_required on the first cash line without an item otherwise).
func (v *Voucher) CheckCashFlow(code func(accountID int64) string) error {
	untagged, first := decimal.Zero, -1
	for i, l := range v.Lines {
		f := fmt.Sprintf("lines[%d].cash_flow_item", i)
		cash := CashAccount(code(l.AccountID))
		switch {
		case !cash && l.CashFlowItem != 0:
			return Invalid(f, "只有库存现金、银行存款、其他货币资金科目的行才填现金流量项目")
		case cash && l.CashFlowItem != 0 && !ValidCashFlowItem(l.CashFlowItem):
			return Invalid(f, "现金流量项目 %d 不存在", l.CashFlowItem)
		case cash && l.CashFlowItem == 0:
			untagged = untagged.Add(l.Debit).Sub(l.Credit)
			if first < 0 {
				first = i
			}
		}
	}
	if !untagged.IsZero() {
		return Errorf(KindInvalid, CodeCashFlowRequired,
			"现金/银行科目的行须选择现金流量项目（只有现金、银行账户之间的划转可以不填）").
			WithField(fmt.Sprintf("lines[%d].cash_flow_item", first))
	}
	return nil
}

// CodeCashFlowRequired refuses a voucher whose cash lines do not all carry
// a cash-flow item, other than transfers between cash accounts.
const CodeCashFlowRequired = "cash_flow_required"

// CashAccountNet is 货币资金 in a set of totals: the net debit balance of
// 1001, 1002 and 1012 with their sub-accounts.
func CashAccountNet(accounts []Account, totals map[int64]Totals) decimal.Decimal {
	net := NetOf(accounts, totals)
	return net("1001").Add(net("1002")).Add(net("1012"))
}

// Going live mid-year (上线, 期初) and 现金流量表. The openings are no
// vouchers: store.AccountTotals reads them as totals before the start
// period, the year's opening balance in the month before January and the
// year-to-date movement in the month before the start period. The
// statement sums itemised voucher lines, so on its own it would miss the
// movement of 货币资金 before go-live. The rule: that movement (the cash
// accounts' opening 本年累计借方 less 本年累计贷方) is a flow of the month
// before the start period, in the start year only, with no item; the
// statement shows it on its own line, 加：上线前本年现金净增加额（期初录入）,
// in every column that covers that month (本年累计金额 of the start year;
// 本月金额 never once the books have started), and counts it in 四、现金净
// 增加额. So 期初现金余额 (本年) stays 货币资金 at the start of the year,
// 期末现金余额 货币资金 at the month's end, and 现金净增加额 the change in
// 货币资金 in every column. The books check (CashMonth.BeforeGoLive) uses
// the same rule.

// OpeningCashMovement is the year-to-date movement of 货币资金 the openings
// bring in: the net of YTDDebit − YTDCredit over the cash accounts (1001,
// 1002, 1012 and their sub-accounts).
func OpeningCashMovement(rows []OpeningBalance) decimal.Decimal {
	v := decimal.Zero
	for _, r := range rows {
		if CashAccount(r.Code) {
			v = v.Add(r.YTDDebit).Sub(r.YTDCredit)
		}
	}
	return v
}

// BeforeGoLiveCash is the part of the openings' cash movement (movement,
// OpeningCashMovement) that a column of 现金流量表 covering the periods from
// (inclusive) up to before (exclusive) shows on its 上线前 line: all of it
// when the column covers the month before the start period and that month
// is in the start year (going live in January brings in no movement),
// nothing otherwise. No start period (never gone live): nothing.
func BeforeGoLiveCash(start string, movement decimal.Decimal, from, before string) decimal.Decimal {
	if start == "" {
		return decimal.Zero
	}
	month := PrevPeriod(start)
	if month[:4] != start[:4] || month < from || month >= before {
		return decimal.Zero
	}
	return movement
}

// CashFlowColumn is what one column of 现金流量表 is made of: each item's
// debits and credits on cash accounts, 货币资金 at the column's start
// (期初现金余额), and the movement before go-live it covers
// (BeforeGoLiveCash).
type CashFlowColumn struct {
	Flows        map[int]Totals
	Opening      decimal.Decimal
	BeforeGoLive decimal.Decimal
}

// CashFlowStatement computes 现金流量表 over the year to date (本年累计金额,
// Col1) and the month (本月金额, Col2). An inflow line shows debits less
// credits, an outflow line credits less debits, so a refund nets against
// its line. Heading lines have line number 0 and no amounts; the 上线前
// line (CFLineBeforeGoLive) is left out when zero in both columns.
func CashFlowStatement(year, month CashFlowColumn) []StatementLine {
	column := func(c CashFlowColumn) map[int]decimal.Decimal {
		out := map[int]decimal.Decimal{CFLineOpening: c.Opening, CFLineBeforeGoLive: c.BeforeGoLive}
		for _, l := range cashFlowLines {
			if l.line == 0 || l.line == CFLineOpening || l.line == CFLineBeforeGoLive {
				continue
			}
			v := decimal.Zero
			if l.sum == nil {
				t := c.Flows[l.line]
				v = t.Debit.Sub(t.Credit)
				if !cashFlowInflow[l.line] {
					v = v.Neg()
				}
			}
			for _, s := range l.sum {
				if s < 0 {
					v = v.Sub(out[-s])
				} else {
					v = v.Add(out[s])
				}
			}
			out[l.line] = v
		}
		return out
	}
	y, m := column(year), column(month)
	out := make([]StatementLine, 0, len(cashFlowLines))
	for _, l := range cashFlowLines {
		if l.line == CFLineBeforeGoLive && y[l.line].IsZero() && m[l.line].IsZero() {
			continue
		}
		out = append(out, StatementLine{Line: l.line, Item: l.item, Col1: y[l.line], Col2: m[l.line], Total: l.sum != nil})
	}
	return out
}

// CashMonth is one month's cash as the books tell it twice: Flows, what its
// cash-flow items net to (debits less credits of the itemised cash lines),
// and Cash, the change in 货币资金. 现金流量表's 现金净增加额 is Flows, so the
// two must agree.
//
// BeforeGoLive is, in the month before the start period of a company going
// live mid-year, the openings' movement of 货币资金 earlier in the year
// (BeforeGoLiveCash): the statement's 上线前 line, counted in its 现金净增加
// 额. Cash then includes it too, as store.AccountTotals does, so the month
// agrees when Flows + BeforeGoLive = Cash.
type CashMonth struct {
	Flows, Cash  decimal.Decimal
	BeforeGoLive decimal.Decimal
}

// CheckCashMonths refuses (ledger_check_failed) the first month, in order,
// whose 现金净增加额 differs from its change in 货币资金: a cash line booked
// without an item that was not a transfer.
func CheckCashMonths(months map[string]CashMonth) error {
	keys := make([]string, 0, len(months))
	for k := range months {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m := months[k]
		if flows := m.Flows.Add(m.BeforeGoLive); !flows.Equal(m.Cash) {
			return Errorf(KindConflict, CodeLedgerCheckFailed, "结账检查未通过：%s 现金流量表现金净增加额 %s 与货币资金变动 %s 不符",
				k, flows.StringFixed(2), m.Cash.StringFixed(2))
		}
	}
	return nil
}

// FillCashFlowItems gives each cash line of v without an item the one
// SuggestCashFlowItem proposes from its counter-account: the largest
// non-cash line on the other side (or, with none there, on either side).
// A voucher of cash lines only is a transfer and keeps none. The upgrade
// gives vouchers booked before items existed their items this way; a
// line it cannot place goes to 收到/支付其他与经营活动有关的现金.
func FillCashFlowItems(v *Voucher, code func(accountID int64) string) {
	type counter struct {
		code string
		amt  decimal.Decimal
	}
	var dr, cr, any counter // the largest non-cash line on each side
	for _, l := range v.Lines {
		c := code(l.AccountID)
		if CashAccount(c) {
			continue
		}
		side := &dr
		amt := l.Debit.Abs()
		if l.Debit.IsZero() {
			side, amt = &cr, l.Credit.Abs()
		}
		if side.code == "" || amt.GreaterThan(side.amt) {
			*side = counter{c, amt}
		}
		if any.code == "" || amt.GreaterThan(any.amt) {
			any = counter{c, amt}
		}
	}
	if any.code == "" {
		return // cash lines only: a transfer
	}
	for i, l := range v.Lines {
		if !CashAccount(code(l.AccountID)) || l.CashFlowItem != 0 {
			continue
		}
		debit := !l.Debit.IsZero()
		other := cr
		if !debit {
			other = dr
		}
		if other.code == "" {
			other = any
		}
		v.Lines[i].CashFlowItem = SuggestCashFlowItem(debit, other.code)
	}
}
