package app

import (
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/shopspring/decimal"
)

// The statements of 小企业会计准则: 利润表 (会小企02表) and 资产负债表 (会小企01表).

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

func t(code string) term           { return term{code: code, sign: 1} }
func neg(code string) term         { return term{code: code, sign: -1} }
func dr(code string) term          { return term{code: code, sign: 1, mode: "dr"} }
func crPart(code string) term      { return term{code: code, sign: -1, mode: "cr"} }
func lines(ls ...int) []int        { return ls }
func defs(ds ...lineDef) []lineDef { return ds }

// incomeLines are 利润表's lines; terms are credit-positive (revenue) for
// income and debit-positive for costs, summed per period.
var incomeLines = defs(
	lineDef{line: 1, item: "一、营业收入", terms: []term{neg("5001"), neg("5051")}},
	lineDef{line: 2, item: "减：营业成本", terms: []term{t("5401"), t("5402")}},
	lineDef{line: 3, item: "税金及附加", terms: []term{t("5403")}},
	lineDef{line: 11, item: "销售费用", terms: []term{t("5601")}},
	lineDef{line: 14, item: "管理费用", terms: []term{t("5602")}},
	lineDef{line: 18, item: "财务费用", terms: []term{t("5603")}},
	lineDef{line: 20, item: "加：投资收益", terms: []term{neg("5111")}},
	lineDef{line: 21, item: "二、营业利润", sum: lines(1, -2, -3, -11, -14, -18, 20)},
	lineDef{line: 22, item: "加：营业外收入", terms: []term{neg("5301")}},
	lineDef{line: 24, item: "减：营业外支出", terms: []term{t("5711")}},
	lineDef{line: 30, item: "三、利润总额", sum: lines(21, 22, -24)},
	lineDef{line: 31, item: "减：所得税费用", terms: []term{t("5801")}},
	lineDef{line: 32, item: "四、净利润", sum: lines(30, -31)},
)

// balanceLines are 资产负债表's lines; terms are debit-positive (assets) and
// negated for liabilities and equity.
var balanceLines = defs(
	lineDef{line: 1, item: "货币资金", terms: []term{t("1001"), t("1002"), t("1012")}},
	lineDef{line: 2, item: "短期投资", terms: []term{t("1101")}},
	lineDef{line: 3, item: "应收票据", terms: []term{t("1121")}},
	lineDef{line: 4, item: "应收账款", terms: []term{dr("1122"), dr("2203")}},
	lineDef{line: 5, item: "预付账款", terms: []term{dr("1123"), dr("2202")}},
	lineDef{line: 6, item: "应收股利", terms: []term{t("1131")}},
	lineDef{line: 7, item: "应收利息", terms: []term{t("1132")}},
	lineDef{line: 8, item: "其他应收款", terms: []term{t("1221")}},
	lineDef{line: 9, item: "存货", terms: []term{t("1401"), t("1402"), t("1403"), t("1404"), t("1405"), t("1407"), t("1408"), t("1411"),
		t("1421"), t("4001"), t("4101"), t("4401"), t("4403")}},
	lineDef{line: 14, item: "其他流动资产", terms: []term{t("1901")}},
	lineDef{line: 15, item: "流动资产合计", sum: lines(1, 2, 3, 4, 5, 6, 7, 8, 9, 14)},
	lineDef{line: 16, item: "长期债券投资", terms: []term{t("1501")}},
	lineDef{line: 17, item: "长期股权投资", terms: []term{t("1511")}},
	lineDef{line: 20, item: "固定资产账面价值", terms: []term{t("1601"), t("1602")}},
	lineDef{line: 21, item: "在建工程", terms: []term{t("1604")}},
	lineDef{line: 22, item: "工程物资", terms: []term{t("1605")}},
	lineDef{line: 23, item: "固定资产清理", terms: []term{t("1606")}},
	lineDef{line: 24, item: "生产性生物资产", terms: []term{t("1621"), t("1622")}},
	lineDef{line: 25, item: "无形资产", terms: []term{t("1701"), t("1702")}},
	lineDef{line: 26, item: "开发支出", terms: []term{t("4301")}},
	lineDef{line: 27, item: "长期待摊费用", terms: []term{t("1801")}},
	lineDef{line: 29, item: "非流动资产合计", sum: lines(16, 17, 20, 21, 22, 23, 24, 25, 26, 27)},
	lineDef{line: 30, item: "资产总计", sum: lines(15, 29)},
	lineDef{line: 31, item: "短期借款", terms: []term{neg("2001")}},
	lineDef{line: 32, item: "应付票据", terms: []term{neg("2201")}},
	lineDef{line: 33, item: "应付账款", terms: []term{crPart("2202"), crPart("1123")}},
	lineDef{line: 34, item: "预收账款", terms: []term{crPart("2203"), crPart("1122")}},
	lineDef{line: 35, item: "应付职工薪酬", terms: []term{neg("2211")}},
	lineDef{line: 36, item: "应交税费", terms: []term{neg("2221")}},
	lineDef{line: 37, item: "应付利息", terms: []term{neg("2231")}},
	lineDef{line: 38, item: "应付利润", terms: []term{neg("2232")}},
	lineDef{line: 39, item: "其他应付款", terms: []term{neg("2241")}},
	lineDef{line: 41, item: "流动负债合计", sum: lines(31, 32, 33, 34, 35, 36, 37, 38, 39)},
	lineDef{line: 42, item: "长期借款", terms: []term{neg("2501")}},
	lineDef{line: 43, item: "长期应付款", terms: []term{neg("2701")}},
	lineDef{line: 44, item: "递延收益", terms: []term{neg("2401")}},
	lineDef{line: 46, item: "非流动负债合计", sum: lines(42, 43, 44)},
	lineDef{line: 47, item: "负债合计", sum: lines(41, 46)},
	lineDef{line: 48, item: "实收资本（或股本）", terms: []term{neg("3001")}},
	lineDef{line: 49, item: "资本公积", terms: []term{neg("3002")}},
	lineDef{line: 50, item: "盈余公积", terms: []term{neg("3101")}},
	lineDef{line: 51, item: "未分配利润", terms: []term{neg("3103"), neg("3104"),
		// Before the month is closed its profit still sits in the 损益
		// accounts: counted here so the sheet balances at any time.
		neg("5")}},
	lineDef{line: 52, item: "所有者权益（或股东权益）合计", sum: lines(48, 49, 50, 51)},
	lineDef{line: 53, item: "负债和所有者权益（或股东权益）总计", sum: lines(47, 52)},
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

// incomeStatement computes 利润表 for a month: 本年累计金额 and 本月金额, net of
// the closing vouchers.
func incomeStatement(q store.Q, period string) ([]StatementLine, error) {
	accounts, err := store.AllAccounts(q)
	if err != nil {
		return nil, err
	}
	next := domain.NextPeriod(period)
	month, err := store.AccountTotalsBeforeClosing(q, period, next)
	if err != nil {
		return nil, err
	}
	year, err := store.AccountTotalsBeforeClosing(q, period[:4]+"-01", next)
	if err != nil {
		return nil, err
	}
	m := evaluate(incomeLines, domain.NetOf(accounts, month), nil)
	y := evaluate(incomeLines, domain.NetOf(accounts, year), nil)
	out := make([]StatementLine, len(incomeLines))
	for i, d := range incomeLines {
		out[i] = StatementLine{Line: d.line, Item: d.item, Col1: y[d.line], Col2: m[d.line], Total: d.sum != nil}
	}
	return out, nil
}

// balanceSheet computes 资产负债表 at a month's end: 期末余额 and 年初余额 (the
// balances at the start of the year).
func balanceSheet(q store.Q, period string) ([]StatementLine, bool, error) {
	accounts, err := store.AllAccounts(q)
	if err != nil {
		return nil, false, err
	}
	next := domain.NextPeriod(period)
	yearStart := period[:4] + "-01"
	at := func(before, through string) (map[int]decimal.Decimal, error) {
		totals, err := store.AccountTotals(q, "", before)
		if err != nil {
			return nil, err
		}
		parts := map[string]map[int64]decimal.Decimal{}
		partners := func(code string) map[int64]decimal.Decimal {
			if p, ok := parts[code]; ok {
				return p
			}
			p, perr := store.PartnerBalances(q, code, through)
			if perr != nil {
				err = perr
			}
			parts[code] = p
			return p
		}
		out := evaluate(balanceLines, domain.NetOf(accounts, totals), partners)
		return out, err
	}
	end, err := at(next, period)
	if err != nil {
		return nil, false, err
	}
	startPeriod := domain.PrevPeriod(yearStart)
	begin, err := at(yearStart, startPeriod)
	if err != nil {
		return nil, false, err
	}
	out := make([]StatementLine, len(balanceLines))
	for i, d := range balanceLines {
		out[i] = StatementLine{Line: d.line, Item: d.item, Col1: end[d.line], Col2: begin[d.line], Total: d.sum != nil}
	}
	return out, end[30].Equal(end[53]) && begin[30].Equal(begin[53]), nil
}
