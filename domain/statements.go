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

// stmtTerm is part of a line: the net balance of an account subtree, signed.
// mode "dr"/"cr" keeps only the partners whose balance is on that side (the
// balance sheet reclassifies a customer in credit as 预收, and so on).
type stmtTerm struct {
	code string
	sign int
	mode string
}

type stmtLineDef struct {
	line  int
	item  string
	terms []stmtTerm
	sum   []int // a total: the lines it adds (negative subtracts)
}

func stmtPlus(code string) stmtTerm             { return stmtTerm{code: code, sign: 1} }
func stmtMinus(code string) stmtTerm            { return stmtTerm{code: code, sign: -1} }
func stmtDr(code string) stmtTerm               { return stmtTerm{code: code, sign: 1, mode: "dr"} }
func stmtCr(code string) stmtTerm               { return stmtTerm{code: code, sign: -1, mode: "cr"} }
func stmtSum(ls ...int) []int                   { return ls }
func stmtLines(ds ...stmtLineDef) []stmtLineDef { return ds }

// incomeLines are 利润表's lines; terms are credit-positive (revenue) for
// income and debit-positive for costs, summed per period.
var incomeLines = stmtLines(
	stmtLineDef{line: 1, item: "一、营业收入", terms: []stmtTerm{stmtMinus("5001"), stmtMinus("5051")}},
	stmtLineDef{line: 2, item: "减：营业成本", terms: []stmtTerm{stmtPlus("5401"), stmtPlus("5402")}},
	stmtLineDef{line: 3, item: "税金及附加", terms: []stmtTerm{stmtPlus("5403")}},
	stmtLineDef{line: 11, item: "销售费用", terms: []stmtTerm{stmtPlus("5601")}},
	stmtLineDef{line: 14, item: "管理费用", terms: []stmtTerm{stmtPlus("5602")}},
	stmtLineDef{line: 18, item: "财务费用", terms: []stmtTerm{stmtPlus("5603")}},
	stmtLineDef{line: 20, item: "加：投资收益", terms: []stmtTerm{stmtMinus("5111")}},
	stmtLineDef{line: 21, item: "二、营业利润", sum: stmtSum(1, -2, -3, -11, -14, -18, 20)},
	stmtLineDef{line: 22, item: "加：营业外收入", terms: []stmtTerm{stmtMinus("5301")}},
	stmtLineDef{line: 24, item: "减：营业外支出", terms: []stmtTerm{stmtPlus("5711")}},
	stmtLineDef{line: 30, item: "三、利润总额", sum: stmtSum(21, 22, -24)},
	stmtLineDef{line: 31, item: "减：所得税费用", terms: []stmtTerm{stmtPlus("5801")}},
	stmtLineDef{line: 32, item: "四、净利润", sum: stmtSum(30, -31)},
)

// balanceLines are 资产负债表's lines; terms are debit-positive (assets) and
// negated for liabilities and equity.
var balanceLines = stmtLines(
	stmtLineDef{line: 1, item: "货币资金", terms: []stmtTerm{stmtPlus("1001"), stmtPlus("1002"), stmtPlus("1012")}},
	stmtLineDef{line: 2, item: "短期投资", terms: []stmtTerm{stmtPlus("1101")}},
	stmtLineDef{line: 3, item: "应收票据", terms: []stmtTerm{stmtPlus("1121")}},
	stmtLineDef{line: 4, item: "应收账款", terms: []stmtTerm{stmtDr("1122"), stmtDr("2203")}},
	stmtLineDef{line: 5, item: "预付账款", terms: []stmtTerm{stmtDr("1123"), stmtDr("2202")}},
	stmtLineDef{line: 6, item: "应收股利", terms: []stmtTerm{stmtPlus("1131")}},
	stmtLineDef{line: 7, item: "应收利息", terms: []stmtTerm{stmtPlus("1132")}},
	stmtLineDef{line: 8, item: "其他应收款", terms: []stmtTerm{stmtPlus("1221")}},
	stmtLineDef{line: 9, item: "存货", terms: []stmtTerm{stmtPlus("1401"), stmtPlus("1402"), stmtPlus("1403"), stmtPlus("1404"), stmtPlus("1405"), stmtPlus("1407"), stmtPlus("1408"), stmtPlus("1411"),
		stmtPlus("1421"), stmtPlus("4001"), stmtPlus("4101"), stmtPlus("4401"), stmtPlus("4403")}},
	stmtLineDef{line: 14, item: "其他流动资产", terms: []stmtTerm{stmtPlus("1901")}},
	stmtLineDef{line: 15, item: "流动资产合计", sum: stmtSum(1, 2, 3, 4, 5, 6, 7, 8, 9, 14)},
	stmtLineDef{line: 16, item: "长期债券投资", terms: []stmtTerm{stmtPlus("1501")}},
	stmtLineDef{line: 17, item: "长期股权投资", terms: []stmtTerm{stmtPlus("1511")}},
	stmtLineDef{line: 20, item: "固定资产账面价值", terms: []stmtTerm{stmtPlus("1601"), stmtPlus("1602")}},
	stmtLineDef{line: 21, item: "在建工程", terms: []stmtTerm{stmtPlus("1604")}},
	stmtLineDef{line: 22, item: "工程物资", terms: []stmtTerm{stmtPlus("1605")}},
	stmtLineDef{line: 23, item: "固定资产清理", terms: []stmtTerm{stmtPlus("1606")}},
	stmtLineDef{line: 24, item: "生产性生物资产", terms: []stmtTerm{stmtPlus("1621"), stmtPlus("1622")}},
	stmtLineDef{line: 25, item: "无形资产", terms: []stmtTerm{stmtPlus("1701"), stmtPlus("1702")}},
	stmtLineDef{line: 26, item: "开发支出", terms: []stmtTerm{stmtPlus("4301")}},
	stmtLineDef{line: 27, item: "长期待摊费用", terms: []stmtTerm{stmtPlus("1801")}},
	stmtLineDef{line: 29, item: "非流动资产合计", sum: stmtSum(16, 17, 20, 21, 22, 23, 24, 25, 26, 27)},
	stmtLineDef{line: 30, item: "资产总计", sum: stmtSum(15, 29)},
	stmtLineDef{line: 31, item: "短期借款", terms: []stmtTerm{stmtMinus("2001")}},
	stmtLineDef{line: 32, item: "应付票据", terms: []stmtTerm{stmtMinus("2201")}},
	stmtLineDef{line: 33, item: "应付账款", terms: []stmtTerm{stmtCr("2202"), stmtCr("1123")}},
	stmtLineDef{line: 34, item: "预收账款", terms: []stmtTerm{stmtCr("2203"), stmtCr("1122")}},
	stmtLineDef{line: 35, item: "应付职工薪酬", terms: []stmtTerm{stmtMinus("2211")}},
	stmtLineDef{line: 36, item: "应交税费", terms: []stmtTerm{stmtMinus("2221")}},
	stmtLineDef{line: 37, item: "应付利息", terms: []stmtTerm{stmtMinus("2231")}},
	stmtLineDef{line: 38, item: "应付利润", terms: []stmtTerm{stmtMinus("2232")}},
	stmtLineDef{line: 39, item: "其他应付款", terms: []stmtTerm{stmtMinus("2241")}},
	stmtLineDef{line: 41, item: "流动负债合计", sum: stmtSum(31, 32, 33, 34, 35, 36, 37, 38, 39)},
	stmtLineDef{line: 42, item: "长期借款", terms: []stmtTerm{stmtMinus("2501")}},
	stmtLineDef{line: 43, item: "长期应付款", terms: []stmtTerm{stmtMinus("2701")}},
	stmtLineDef{line: 44, item: "递延收益", terms: []stmtTerm{stmtMinus("2401")}},
	stmtLineDef{line: 46, item: "非流动负债合计", sum: stmtSum(42, 43, 44)},
	stmtLineDef{line: 47, item: "负债合计", sum: stmtSum(41, 46)},
	stmtLineDef{line: 48, item: "实收资本（或股本）", terms: []stmtTerm{stmtMinus("3001")}},
	stmtLineDef{line: 49, item: "资本公积", terms: []stmtTerm{stmtMinus("3002")}},
	stmtLineDef{line: 50, item: "盈余公积", terms: []stmtTerm{stmtMinus("3101")}},
	stmtLineDef{line: 51, item: "未分配利润", terms: []stmtTerm{stmtMinus("3103"), stmtMinus("3104"),
		// Before the month is closed its profit still sits in the 损益
		// accounts: counted here so the sheet balances at any time.
		stmtMinus("5")}},
	stmtLineDef{line: 52, item: "所有者权益（或股东权益）合计", sum: stmtSum(48, 49, 50, 51)},
	stmtLineDef{line: 53, item: "负债和所有者权益（或股东权益）总计", sum: stmtSum(47, 52)},
)

// evaluateStatement computes a statement's lines from each account's net debit
// balance (debit − credit) and per-partner balances of the reclassified
// accounts.
func evaluateStatement(defs []stmtLineDef, net func(code string) decimal.Decimal, partners func(code string) map[int64]decimal.Decimal) map[int]decimal.Decimal {
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
	y := evaluateStatement(incomeLines, NetOf(accounts, year), nil)
	m := evaluateStatement(incomeLines, NetOf(accounts, month), nil)
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
		return evaluateStatement(balanceLines, NetOf(accounts, b.Totals), func(code string) map[int64]decimal.Decimal { return b.Partners[code] })
	}
	e, s := column(end), column(begin)
	out := make([]StatementLine, len(balanceLines))
	for i, d := range balanceLines {
		out[i] = StatementLine{Line: d.line, Item: d.item, Col1: e[d.line], Col2: s[d.line], Total: d.sum != nil}
	}
	return out, e[30].Equal(e[53]) && s[30].Equal(s[53])
}
