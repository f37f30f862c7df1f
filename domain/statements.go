package domain

import "github.com/shopspring/decimal"

// The statements of 小企业会计准则: 利润表 (会小企02表) and 资产负债表 (会小企01表),
// computed from the accounts' totals; the store reads the totals.

// StatementLine is one line of a statement with its two columns.
type StatementLine struct {
	Line  int             `json:"line"`
	Item  string          `json:"item"`
	Col1  decimal.Decimal `json:"col1"`
	Col2  decimal.Decimal `json:"col2"`
	Total bool            `json:"total"`
}

// term is part of a line: the net balance of an account subtree, signed.
// mode "dr"/"cr" keeps only the partners whose balance is on that side (the
// balance sheet reclassifies a customer in credit as 预收, and so on).
type term struct {
	code string
	sign int
	mode string
}

type lineDef struct {
	line  int
	item  string
	terms []term
	sum   []int // a total: the lines it adds (negative subtracts)
}

func plus(code string) term             { return term{code: code, sign: 1} }
func minus(code string) term            { return term{code: code, sign: -1} }
func drPart(code string) term           { return term{code: code, sign: 1, mode: "dr"} }
func crPart(code string) term           { return term{code: code, sign: -1, mode: "cr"} }
func sumOf(ls ...int) []int             { return ls }
func stmtLines(ds ...lineDef) []lineDef { return ds }

// incomeLines are 利润表's lines; terms are credit-positive (revenue) for
// income and debit-positive for costs, summed per period.
var incomeLines = stmtLines(
	lineDef{line: 1, item: "一、营业收入", terms: []term{minus("5001"), minus("5051")}},
	lineDef{line: 2, item: "减：营业成本", terms: []term{plus("5401"), plus("5402")}},
	lineDef{line: 3, item: "税金及附加", terms: []term{plus("5403")}},
	lineDef{line: 11, item: "销售费用", terms: []term{plus("5601")}},
	lineDef{line: 14, item: "管理费用", terms: []term{plus("5602")}},
	lineDef{line: 18, item: "财务费用", terms: []term{plus("5603")}},
	lineDef{line: 20, item: "加：投资收益", terms: []term{minus("5111")}},
	lineDef{line: 21, item: "二、营业利润", sum: sumOf(1, -2, -3, -11, -14, -18, 20)},
	lineDef{line: 22, item: "加：营业外收入", terms: []term{minus("5301")}},
	lineDef{line: 24, item: "减：营业外支出", terms: []term{plus("5711")}},
	lineDef{line: 30, item: "三、利润总额", sum: sumOf(21, 22, -24)},
	lineDef{line: 31, item: "减：所得税费用", terms: []term{plus("5801")}},
	lineDef{line: 32, item: "四、净利润", sum: sumOf(30, -31)},
)

// balanceLines are 资产负债表's lines; terms are debit-positive (assets) and
// negated for liabilities and equity.
var balanceLines = stmtLines(
	lineDef{line: 1, item: "货币资金", terms: []term{plus("1001"), plus("1002"), plus("1012")}},
	lineDef{line: 2, item: "短期投资", terms: []term{plus("1101")}},
	lineDef{line: 3, item: "应收票据", terms: []term{plus("1121")}},
	lineDef{line: 4, item: "应收账款", terms: []term{drPart("1122"), drPart("2203")}},
	lineDef{line: 5, item: "预付账款", terms: []term{drPart("1123"), drPart("2202")}},
	lineDef{line: 6, item: "应收股利", terms: []term{plus("1131")}},
	lineDef{line: 7, item: "应收利息", terms: []term{plus("1132")}},
	lineDef{line: 8, item: "其他应收款", terms: []term{plus("1221")}},
	lineDef{line: 9, item: "存货", terms: []term{plus("1401"), plus("1402"), plus("1403"), plus("1404"), plus("1405"), plus("1407"), plus("1408"), plus("1411"),
		plus("1421"), plus("4001"), plus("4101"), plus("4401"), plus("4403")}},
	lineDef{line: 14, item: "其他流动资产", terms: []term{plus("1901")}},
	lineDef{line: 15, item: "流动资产合计", sum: sumOf(1, 2, 3, 4, 5, 6, 7, 8, 9, 14)},
	lineDef{line: 16, item: "长期债券投资", terms: []term{plus("1501")}},
	lineDef{line: 17, item: "长期股权投资", terms: []term{plus("1511")}},
	lineDef{line: 20, item: "固定资产账面价值", terms: []term{plus("1601"), plus("1602")}},
	lineDef{line: 21, item: "在建工程", terms: []term{plus("1604")}},
	lineDef{line: 22, item: "工程物资", terms: []term{plus("1605")}},
	lineDef{line: 23, item: "固定资产清理", terms: []term{plus("1606")}},
	lineDef{line: 24, item: "生产性生物资产", terms: []term{plus("1621"), plus("1622")}},
	lineDef{line: 25, item: "无形资产", terms: []term{plus("1701"), plus("1702")}},
	lineDef{line: 26, item: "开发支出", terms: []term{plus("4301")}},
	lineDef{line: 27, item: "长期待摊费用", terms: []term{plus("1801")}},
	lineDef{line: 29, item: "非流动资产合计", sum: sumOf(16, 17, 20, 21, 22, 23, 24, 25, 26, 27)},
	lineDef{line: 30, item: "资产总计", sum: sumOf(15, 29)},
	lineDef{line: 31, item: "短期借款", terms: []term{minus("2001")}},
	lineDef{line: 32, item: "应付票据", terms: []term{minus("2201")}},
	lineDef{line: 33, item: "应付账款", terms: []term{crPart("2202"), crPart("1123")}},
	lineDef{line: 34, item: "预收账款", terms: []term{crPart("2203"), crPart("1122")}},
	lineDef{line: 35, item: "应付职工薪酬", terms: []term{minus("2211")}},
	lineDef{line: 36, item: "应交税费", terms: []term{minus("2221")}},
	lineDef{line: 37, item: "应付利息", terms: []term{minus("2231")}},
	lineDef{line: 38, item: "应付利润", terms: []term{minus("2232")}},
	lineDef{line: 39, item: "其他应付款", terms: []term{minus("2241")}},
	lineDef{line: 41, item: "流动负债合计", sum: sumOf(31, 32, 33, 34, 35, 36, 37, 38, 39)},
	lineDef{line: 42, item: "长期借款", terms: []term{minus("2501")}},
	lineDef{line: 43, item: "长期应付款", terms: []term{minus("2701")}},
	lineDef{line: 44, item: "递延收益", terms: []term{minus("2401")}},
	lineDef{line: 46, item: "非流动负债合计", sum: sumOf(42, 43, 44)},
	lineDef{line: 47, item: "负债合计", sum: sumOf(41, 46)},
	lineDef{line: 48, item: "实收资本（或股本）", terms: []term{minus("3001")}},
	lineDef{line: 49, item: "资本公积", terms: []term{minus("3002")}},
	lineDef{line: 50, item: "盈余公积", terms: []term{minus("3101")}},
	lineDef{line: 51, item: "未分配利润", terms: []term{minus("3103"), minus("3104"),
		// Before the month is closed its profit still sits in the 损益
		// accounts: counted here so the sheet balances at any time.
		minus("5")}},
	lineDef{line: 52, item: "所有者权益（或股东权益）合计", sum: sumOf(48, 49, 50, 51)},
	lineDef{line: 53, item: "负债和所有者权益（或股东权益）总计", sum: sumOf(47, 52)},
)

// evaluate computes a statement's lines from each account's net debit
// balance (debit − credit) and per-partner balances of the reclassified
// accounts.
func evaluate(defs []lineDef, net func(code string) decimal.Decimal, partners func(code string) map[int64]decimal.Decimal) map[int]decimal.Decimal {
	out := map[int]decimal.Decimal{}
	for _, d := range defs {
		v := decimal.Zero
		for _, tm := range d.terms {
			switch tm.mode {
			case "dr", "cr":
				for _, b := range partners(tm.code) {
					if tm.mode == "dr" && b.IsPositive() || tm.mode == "cr" && b.IsNegative() {
						v = v.Add(b.Mul(decimal.NewFromInt(int64(tm.sign))))
					}
				}
			default:
				v = v.Add(net(tm.code).Mul(decimal.NewFromInt(int64(tm.sign))))
			}
		}
		for _, l := range d.sum {
			if l < 0 {
				v = v.Sub(out[-l])
			} else {
				v = v.Add(out[l])
			}
		}
		out[d.line] = v
	}
	return out
}

// ReclassifiedAccounts are the accounts the balance sheet splits by
// partner (a customer in credit is a 预收, a supplier in debit a 预付): the
// caller reads their per-partner balances for BalanceSheet.
func ReclassifiedAccounts() []string {
	return []string{AcctReceivable, AcctAdvanceReceived, AcctPrepaid, AcctPayable}
}

// IncomeStatement computes 利润表 from the year's and the month's totals,
// without the closing vouchers: 本年累计金额 (Col1) and 本月金额 (Col2).
func IncomeStatement(accounts []Account, year, month map[int64]Totals) []StatementLine {
	y := evaluate(incomeLines, NetOf(accounts, year), nil)
	m := evaluate(incomeLines, NetOf(accounts, month), nil)
	out := make([]StatementLine, len(incomeLines))
	for i, d := range incomeLines {
		out[i] = StatementLine{Line: d.line, Item: d.item, Col1: y[d.line], Col2: m[d.line], Total: d.sum != nil}
	}
	return out
}

// SheetBalances are the balances a balance sheet column is drawn from:
// every account's totals up to the day, and the reclassified accounts'
// per-partner balances (debit − credit; by code, see ReclassifiedAccounts).
type SheetBalances struct {
	Totals   map[int64]Totals
	Partners map[string]map[int64]decimal.Decimal
}

// BalanceSheet computes 资产负债表: 期末余额 (Col1) from end and 年初余额
// (Col2) from begin, and whether both columns balance (资产总计 = 负债和所有者
// 权益总计).
func BalanceSheet(accounts []Account, end, begin SheetBalances) ([]StatementLine, bool) {
	column := func(b SheetBalances) map[int]decimal.Decimal {
		return evaluate(balanceLines, NetOf(accounts, b.Totals), func(code string) map[int64]decimal.Decimal { return b.Partners[code] })
	}
	e, s := column(end), column(begin)
	out := make([]StatementLine, len(balanceLines))
	for i, d := range balanceLines {
		out[i] = StatementLine{Line: d.line, Item: d.item, Col1: e[d.line], Col2: s[d.line], Total: d.sum != nil}
	}
	return out, e[30].Equal(e[53]) && s[30].Equal(s[53])
}
