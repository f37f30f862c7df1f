package app

import (
	"context"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// ReportColumn describes one column: its JSON key, its Chinese title for
// CSV/XLSX headers and the UI, and its kind (text, qty, money, cost, date,
// time, percent) for formatting.
type ReportColumn struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Kind  string `json:"kind"`
}

// Report is one page (or, exported, all) of a report.
type Report struct {
	Name     string         `json:"name"`
	Title    string         `json:"title"`
	Columns  []ReportColumn `json:"columns"`
	Items    any            `json:"items"`
	Total    int64          `json:"total"`
	Page     int            `json:"page"`
	PageSize int            `json:"page_size"`
	Summary  map[string]any `json:"summary,omitempty"`
	// Footer is the rows printed after the items, in the items' columns:
	// the 科目余额表's 合计 row. Exports write them after the items.
	Footer any `json:"footer,omitempty"`
	// At is when it was made, by the use cases' clock (an export's file
	// name carries its date).
	At time.Time `json:"-"`
	// Scope is the data scope the figures were computed under, on the
	// reports made of documents (nil on the books and balances, which
	// are not scoped). Exports name it in the file name when it is not
	// all, so a salesperson's 毛利 is never passed on as the firm's.
	Scope *ScopeInfo `json:"scope,omitempty"`
}

// ReportParams are a report request's filters, already parsed.
type ReportParams struct {
	ListParams
	From, To    *time.Time // business dates; To includes its whole day
	AsOf        *time.Time
	WarehouseID int64
	CategoryID  int64
	ProductID   int64
	PartnerID   int64
	GroupBy     string
	Days        int
	// Period is the accounting month (yyyy-mm) of ledger reports; empty
	// means the current one.
	Period    string
	AccountID int64
}

// MaxExportRows bounds one export; a larger one is refused with advice to
// narrow the filters, rather than building a file nobody can open.
const MaxExportRows = 100000

type reportDef struct {
	title    string
	perm     domain.Permission
	columns  []ReportColumn
	sortable map[string]string
	run      func(q store.Q, driver string, f store.ReportFilter, p store.Page) (any, int64, map[string]any, error)
	// footer makes the rows after the items from the summary; nil for none.
	footer func(summary map[string]any) any
	// scoped reports are made of documents and run under the actor's
	// data scope (store.ReportFilter.Scope); the others read the books
	// or the balances, which everyone with the permission sees whole.
	scoped bool
	// costOnly reports are about cost itself (毛利分析) and need cost:read;
	// costKeys are columns carrying cost beyond domain.IsCostKey's (a stock
	// move's amount), dropped for an actor without it.
	costOnly bool
	costKeys []string
}

var agingColumns = []ReportColumn{{"partner_code", "往来单位编码", "text"}, {"partner_name", "往来单位", "text"},
	{"not_due", "未到期", "money"}, {"d1_30", "逾期1-30天", "money"}, {"d31_60", "逾期31-60天", "money"},
	{"d61_90", "逾期61-90天", "money"}, {"d90_plus", "逾期90天以上", "money"}, {"unallocated", "未核销预收/预付", "money"},
	{"uninvoiced", "未开票/未到票（含税）", "money"}, {"total", "合计", "money"}}

func agingReport(kind string) func(q store.Q, _ string, f store.ReportFilter, _ store.Page) (any, int64, map[string]any, error) {
	return func(q store.Q, _ string, f store.ReportFilter, _ store.Page) (any, int64, map[string]any, error) {
		asOf := domain.LocalDate(store.Now(q))
		if f.AsOf != nil {
			asOf = domain.LocalDate(f.AsOf.Add(-time.Millisecond)) // AsOf is the end of the day
		}
		rows, err := aging(q, kind, asOf)
		if err != nil {
			return nil, 0, nil, err
		}
		sum := decimal.Zero
		for _, r := range rows {
			sum = sum.Add(r.Total)
		}
		return rows, int64(len(rows)), map[string]any{"as_of": asOf, "total": sum}, nil
	}
}

func statementColumns(c1, c2 string) []ReportColumn {
	return []ReportColumn{{"line", "行次", "text"}, {"item", "项目", "text"}, {"col1", c1, "money"}, {"col2", c2, "money"}}
}

var reports = map[string]reportDef{
	"account-detail": {
		title: "明细账", perm: domain.PermLedgerRead,
		columns: []ReportColumn{{"date", "日期", "date"}, {"voucher_number", "凭证号", "text"}, {"summary", "摘要", "text"},
			{"debit", "借方", "money"}, {"credit", "贷方", "money"}, {"side", "方向", "text"}, {"balance", "余额", "money"}},
		run: accountDetail,
	},
	"general-ledger": {
		title: "总账", perm: domain.PermLedgerRead,
		columns: []ReportColumn{{"period", "期间", "text"}, {"summary", "摘要", "text"}, {"debit", "借方", "money"},
			{"credit", "贷方", "money"}, {"side", "方向", "text"}, {"balance", "余额", "money"}},
		run: generalLedger,
	},
	"income-statement": {
		title: "利润表", perm: domain.PermLedgerRead, columns: statementColumns("本年累计金额", "本月金额"),
		run: func(q store.Q, _ string, f store.ReportFilter, _ store.Page) (any, int64, map[string]any, error) {
			rows, err := incomeStatement(q, f.Period)
			return rows, int64(len(rows)), map[string]any{"period": f.Period, "form": "会小企02表"}, err
		},
	},
	"balance-sheet": {
		title: "资产负债表", perm: domain.PermLedgerRead, columns: statementColumns("期末余额", "年初余额"),
		run: func(q store.Q, _ string, f store.ReportFilter, _ store.Page) (any, int64, map[string]any, error) {
			rows, balanced, err := balanceSheet(q, f.Period)
			return rows, int64(len(rows)), map[string]any{"period": f.Period, "form": "会小企01表", "balanced": balanced}, err
		},
	},
	"cash-flow": {
		title: "现金流量表", perm: domain.PermLedgerRead, columns: statementColumns("本年累计金额", "本月金额"),
		run: func(q store.Q, _ string, f store.ReportFilter, _ store.Page) (any, int64, map[string]any, error) {
			rows, err := cashFlowStatement(q, f.Period)
			return rows, int64(len(rows)), map[string]any{"period": f.Period, "form": "会小企03表"}, err
		},
	},
	"ar-aging": {title: "应收账龄表", perm: domain.PermLedgerRead, columns: agingColumns, run: agingReport(domain.ItemAR)},
	"ap-aging": {title: "应付账龄表", perm: domain.PermLedgerRead, columns: agingColumns, run: agingReport(domain.ItemAP)},
	"partner-statement": {
		title: "往来对账单", perm: domain.PermLedgerRead,
		columns: []ReportColumn{{"kind", "类别", "text"}, {"date", "业务日期", "date"}, {"doc_name", "单据", "text"},
			{"doc_number", "单号", "text"}, {"debit", "增加", "money"}, {"credit", "减少", "money"}, {"balance", "余额", "money"}},
		run: partnerStatement,
	},
	"trial-balance": {
		title: "科目余额表", perm: domain.PermLedgerRead,
		columns: []ReportColumn{{"code", "科目编码", "text"}, {"name", "科目名称", "text"},
			{"opening_debit", "期初借方", "money"}, {"opening_credit", "期初贷方", "money"},
			{"period_debit", "本期借方", "money"}, {"period_credit", "本期贷方", "money"},
			{"closing_debit", "期末借方", "money"}, {"closing_credit", "期末贷方", "money"}},
		run: func(q store.Q, _ string, f store.ReportFilter, _ store.Page) (any, int64, map[string]any, error) {
			rows, total, err := trialBalance(q, f.Period)
			if err != nil {
				return nil, 0, nil, err
			}
			return rows, int64(len(rows)), map[string]any{"period": f.Period, "total": total, "balanced": total.Balanced()}, nil
		},
		// 合计: the first-level accounts' sums, which balance when the
		// books do (期初、本期、期末 借方 = 贷方).
		footer: func(summary map[string]any) any {
			total, _ := summary["total"].(domain.TrialBalanceRow)
			total.Code, total.Name = "", "合计"
			return []domain.TrialBalanceRow{total}
		},
	},
	"inventory-balance": {
		title: "库存余额表", perm: domain.PermStockRead,
		columns: []ReportColumn{{"sku", "商品编码", "text"}, {"product_name", "商品名称", "text"}, {"spec", "规格", "text"},
			{"category", "分类", "text"}, {"warehouse", "仓库", "text"}, {"batch", "批次", "text"}, {"on_hand", "结存数量", "qty"},
			{"avg_cost", "平均成本", "cost"}, {"value", "结存金额", "money"}},
		sortable: map[string]string{"sku": "p.sku", "on_hand": "on_hand", "value": "value"},
		run: func(q store.Q, _ string, f store.ReportFilter, p store.Page) (any, int64, map[string]any, error) {
			rows, n, value, err := store.InventoryBalance(q, f, p)
			return rows, n, map[string]any{"value": value}, err
		},
	},
	"stock-ledger": {
		title: "收发明细表", perm: domain.PermStockRead, scoped: true,
		columns: []ReportColumn{{"biz_date", "业务日期", "date"}, {"doc_number", "单号", "text"}, {"doc_type", "单据类型", "text"},
			{"sku", "商品编码", "text"}, {"product_name", "商品名称", "text"}, {"warehouse", "仓库", "text"}, {"batch", "批次", "text"},
			{"in_qty", "收入数量", "qty"}, {"out_qty", "发出数量", "qty"}, {"unit_cost", "单位成本", "cost"}, {"amount", "金额", "money"},
			{"balance_qty", "结存数量", "qty"}, {"balance_value", "结存金额", "money"}, {"posted_at", "过账时间", "time"}},
		sortable: map[string]string{"posted_at": "m.posted_at"},
		costKeys: []string{"amount"},
		run: func(q store.Q, _ string, f store.ReportFilter, p store.Page) (any, int64, map[string]any, error) {
			if f.ProductID == 0 {
				return nil, 0, nil, domain.Invalid("product_id", "收发明细需要指定商品")
			}
			rows, n, err := store.StockLedger(q, f, p)
			return rows, n, nil, err
		},
	},
	"purchase-summary": {
		title: "采购汇总表", perm: domain.PermPurchaseRead, scoped: true,
		columns: []ReportColumn{{"key", "编码", "text"}, {"name", "名称", "text"}, {"qty", "净采购量", "qty"}, {"return_qty", "退货数量", "qty"},
			{"amount", "金额(不含税)", "money"}, {"tax_amount", "税额", "money"}, {"total", "价税合计", "money"}},
		sortable: map[string]string{"key": "`key`", "amount": "amount", "qty": "qty"},
		run: func(q store.Q, driver string, f store.ReportFilter, p store.Page) (any, int64, map[string]any, error) {
			rows, n, err := store.PurchaseSummary(q, driver, f, p)
			return rows, n, nil, err
		},
	},
	"sales-detail": {
		title: "销售明细表", perm: domain.PermSalesRead, scoped: true,
		columns: []ReportColumn{{"date", "业务日期", "date"}, {"number", "单号", "text"}, {"customer", "客户", "text"}, {"sku", "商品编码", "text"},
			{"product_name", "商品名称", "text"}, {"warehouse", "仓库", "text"}, {"qty", "数量", "qty"}, {"unit_price", "单价", "cost"},
			{"amount", "金额(不含税)", "money"}, {"tax_amount", "税额", "money"}, {"total", "价税合计", "money"}, {"cost", "成本", "money"},
			{"profit", "毛利", "money"}},
		sortable: map[string]string{"date": "d.biz_date", "number": "d.number"},
		run: func(q store.Q, driver string, f store.ReportFilter, p store.Page) (any, int64, map[string]any, error) {
			rows, n, err := store.SalesDetail(q, driver, f, p)
			return rows, n, nil, err
		},
	},
	"gross-profit": {
		title: "毛利分析表", perm: domain.PermSalesRead, scoped: true, costOnly: true,
		columns: []ReportColumn{{"key", "编码", "text"}, {"name", "名称", "text"}, {"qty", "净销量", "qty"}, {"return_qty", "退货数量", "qty"},
			{"amount", "销售收入", "money"}, {"cost", "销售成本", "money"}, {"profit", "毛利", "money"}, {"margin", "毛利率", "percent"}},
		sortable: map[string]string{"key": "`key`", "amount": "amount", "profit": "amount - cost"},
		run: func(q store.Q, driver string, f store.ReportFilter, p store.Page) (any, int64, map[string]any, error) {
			rows, n, err := store.GrossProfit(q, driver, f, p)
			return rows, n, nil, err
		},
	},
	"low-stock": {
		// 低库存表: exactly the items below their warehouse's level, as the
		// dashboard counts them, with what the open reorder requisition
		// suggests for each.
		title: "低库存表", perm: domain.PermStockRead,
		columns: []ReportColumn{{"sku", "商品编码", "text"}, {"product_name", "商品名称", "text"}, {"warehouse", "仓库", "text"},
			{"on_hand", "在库", "qty"}, {"reserved", "已预留", "qty"}, {"available", "可用", "qty"}, {"point", "补货点", "qty"},
			{"suggested", "建议采购", "qty"}, {"requisition", "补货请购单", "text"}},
		run: func(q store.Q, _ string, f store.ReportFilter, p store.Page) (any, int64, map[string]any, error) {
			rows, err := store.LowStockReport(q, f.WarehouseID)
			if err != nil {
				return nil, 0, nil, err
			}
			total := int64(len(rows))
			from, to := min(p.Offset(), len(rows)), min(p.Offset()+p.PageSize, len(rows))
			return rows[from:to], total, nil, nil
		},
	},
	"slow-moving": {
		title: "呆滞库存表", perm: domain.PermStockRead,
		columns: []ReportColumn{{"sku", "商品编码", "text"}, {"product_name", "商品名称", "text"}, {"warehouse", "仓库", "text"},
			{"batch", "批次", "text"}, {"on_hand", "结存数量", "qty"}, {"value", "结存金额", "money"}, {"idle_since", "呆滞起始", "time"}},
		sortable: map[string]string{"value": "b.value", "on_hand": "b.on_hand", "sku": "p.sku"},
		run: func(q store.Q, _ string, f store.ReportFilter, p store.Page) (any, int64, map[string]any, error) {
			rows, n, err := store.SlowMoving(q, f, p)
			return rows, n, nil, err
		},
	},
}

// Report runs a named report.
func (a *App) Report(ctx context.Context, name string, rp ReportParams) (*Report, error) {
	def, ok := reports[name]
	if !ok {
		return nil, domain.NotFound("报表", name)
	}
	actor, err := require(ctx, def.perm)
	if err != nil {
		return nil, err
	}
	seesCost := actor.Can(domain.PermCostRead)
	if def.costOnly && !seesCost {
		return nil, domain.ErrForbidden.WithMessage("没有权限查看成本与毛利 (%s)", domain.PermCostRead)
	}
	p, err := rp.page(sortableFor(actor, def.sortable))
	if err != nil {
		return nil, err
	}
	f, err := rp.filter(name, def.perm == domain.PermLedgerRead, a.now())
	if err != nil {
		return nil, err
	}
	q := a.store.Read(ctx)
	var info *ScopeInfo
	if def.scoped {
		if f.Scope, err = a.scope(ctx, q); err != nil {
			return nil, err
		}
		si := scopeInfo(actor, f.Scope)
		info = &si
	}
	items, total, summary, err := def.run(q, a.store.Driver(), f, p)
	if err != nil {
		return nil, err
	}
	if rp.Export && total > MaxExportRows {
		return nil, domain.Invalid("format", "导出超过 %d 行，请缩小日期或筛选范围", MaxExportRows)
	}
	r := &Report{Name: name, Title: def.title, Columns: def.columns, Items: items, Total: total, Page: p.Page, PageSize: p.PageSize, Summary: summary, At: a.now(), Scope: info}
	if !seesCost {
		// The rows lose their cost keys on the way out (httpapi's one
		// shaping step); the columns and the summary go here, so the
		// console and the CSV/XLSX files have no empty cost column.
		r.Columns = make([]ReportColumn, 0, len(def.columns))
		for _, c := range def.columns {
			if !domain.IsCostKey(c.Key) && !slices.Contains(def.costKeys, c.Key) {
				r.Columns = append(r.Columns, c)
			}
		}
		for k := range summary {
			if domain.IsCostKey(k) {
				delete(summary, k)
			}
		}
	}
	if def.footer != nil {
		r.Footer = def.footer(summary)
	}
	if rp.Export {
		r.PageSize = int(total)
	}
	return r, nil
}

// sortableFor leaves out the sort fields that carry cost for an actor
// without cost:read: sorting by stock value would rank what the answer
// leaves out.
func sortableFor(actor *domain.User, sortable map[string]string) map[string]string {
	if actor.Can(domain.PermCostRead) {
		return sortable
	}
	out := make(map[string]string, len(sortable))
	for k, v := range sortable {
		if !domain.IsCostKey(k) {
			out[k] = v
		}
	}
	return out
}

// filter checks a report's parameters and turns them into the store's
// filter: the grouping, a date range that does not end before it starts
// (to is inclusive, so it ends with its day), the days of slow-moving
// stock (90 by default) and, for the books (ledger), the period (this
// month by default).
func (rp *ReportParams) filter(name string, ledger bool, now time.Time) (f store.ReportFilter, err error) {
	group, err := domain.ReportGroup(rp.GroupBy)
	if err != nil {
		return f, err
	}
	f = store.ReportFilter{WarehouseID: rp.WarehouseID, CategoryID: rp.CategoryID, ProductID: rp.ProductID,
		PartnerID: rp.PartnerID, GroupBy: group, AsOf: rp.AsOf}
	if rp.From != nil {
		t := rp.From.UTC()
		f.From = &t
	}
	if rp.To != nil {
		t := EndOfDay(*rp.To)
		f.To = &t
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		return f, domain.Invalid("to", "结束日期不能早于开始日期")
	}
	if name == "slow-moving" {
		days := rp.Days
		if days == 0 {
			days = 90
		}
		if days < 1 || days > 3650 {
			return f, domain.Invalid("days", "天数应在 1 到 3650 之间")
		}
		since := now.AddDate(0, 0, -days)
		f.IdleSince = &since
	}
	if ledger {
		if rp.Period == "" {
			rp.Period = domain.PeriodOf(domain.LocalDate(now))
		}
		if !domain.ValidPeriod(rp.Period) {
			return f, domain.Invalid("period", "期间格式应为 YYYY-MM")
		}
		f.Period, f.AccountID = rp.Period, rp.AccountID
	}
	return f, nil
}

// trialBalance computes the 科目余额表 of a period.
func trialBalance(q store.Q, period string) ([]domain.TrialBalanceRow, domain.TrialBalanceRow, error) {
	accounts, err := store.AllAccounts(q)
	if err != nil {
		return nil, domain.TrialBalanceRow{}, err
	}
	next := domain.NextPeriod(period)
	before, err := store.AccountTotals(q, "", period)
	if err != nil {
		return nil, domain.TrialBalanceRow{}, err
	}
	during, err := store.AccountTotals(q, period, next)
	if err != nil {
		return nil, domain.TrialBalanceRow{}, err
	}
	rows, total := domain.TrialBalance(accounts, before, during, false)
	return rows, total, nil
}

// StatementRow is one line of a partner statement (对账单).
type StatementRow struct {
	Kind      string          `json:"kind"`
	Date      string          `json:"date"`
	DocName   string          `json:"doc_name"`
	DocNumber string          `json:"doc_number"`
	Debit     decimal.Decimal `json:"debit"`
	Credit    decimal.Decimal `json:"credit"`
	Balance   decimal.Decimal `json:"balance"`
}

// partnerStatement lists a partner's receivables (customers) and payables
// (suppliers) in a date range: the balance brought forward, every document,
// the running balance.
func partnerStatement(q store.Q, _ string, f store.ReportFilter, _ store.Page) (any, int64, map[string]any, error) {
	if f.PartnerID == 0 {
		return nil, 0, nil, domain.Invalid("partner_id", "请选择往来单位")
	}
	partner, err := store.Partners.Get(q, f.PartnerID)
	if err != nil {
		return nil, 0, nil, missingOn(err, "partner_id", "往来单位 %d 不存在", f.PartnerID)
	}
	from, to := "", ""
	if f.From != nil {
		from = domain.LocalDate(*f.From)
	}
	if f.To != nil {
		to = domain.LocalDate(f.To.Add(-time.Millisecond))
	}
	rows := []StatementRow{}
	summary := map[string]any{"partner": partner.Name, "from": from, "to": to}
	for _, k := range partner.ItemKinds() {
		bal, err := store.PartnerBalance(q, partner.ID, k, from)
		if err != nil {
			return nil, 0, nil, err
		}
		if from == "" {
			bal = decimal.Zero
		}
		rows = append(rows, StatementRow{Kind: domain.ItemKindName(k), Date: from, DocName: "期初余额", Balance: bal})
		items, err := store.ListOpenItems(q, store.OpenItemFilter{Kind: k, PartnerID: partner.ID, From: from, To: to})
		if err != nil {
			return nil, 0, nil, err
		}
		for _, it := range items {
			r := StatementRow{Kind: domain.ItemKindName(k), Date: it.Date, DocName: domain.DocName(it.DocType), DocNumber: it.DocNumber}
			if it.Amount.IsPositive() {
				r.Debit = it.Amount
			} else {
				r.Credit = it.Amount.Neg()
			}
			bal = bal.Add(it.Amount)
			r.Balance = bal
			rows = append(rows, r)
		}
		summary["closing_"+k] = bal
	}
	return rows, int64(len(rows)), summary, nil
}

// LedgerRow is a line of the detail ledger or the general ledger: the
// balance after it on the side it lies (借/贷/平).
type LedgerRow struct {
	Date      string          `json:"date,omitempty"`
	Period    string          `json:"period"`
	VoucherID int64           `json:"voucher_id,omitempty"`
	Number    string          `json:"voucher_number,omitempty"`
	Summary   string          `json:"summary"`
	Debit     decimal.Decimal `json:"debit"`
	Credit    decimal.Decimal `json:"credit"`
	Side      string          `json:"side"`
	Balance   decimal.Decimal `json:"balance"`
}

func ledgerAccount(q store.Q, id int64) (domain.Account, []domain.Account, []int64, error) {
	if id == 0 {
		return domain.Account{}, nil, nil, domain.Invalid("account_id", "请选择科目")
	}
	accounts, err := store.AllAccounts(q)
	if err != nil {
		return domain.Account{}, nil, nil, err
	}
	var acc domain.Account
	for _, a := range accounts {
		if a.ID == id {
			acc = a
		}
	}
	if acc.ID == 0 {
		return acc, nil, nil, domain.Invalid("account_id", "科目 %d 不存在", id)
	}
	var ids []int64
	for _, a := range accounts {
		if len(a.Code) >= len(acc.Code) && a.Code[:len(acc.Code)] == acc.Code {
			ids = append(ids, a.ID)
		}
	}
	return acc, accounts, ids, nil
}

// sideOf shows a debit-minus-credit balance the way ledgers do.
func sideOf(net decimal.Decimal) (string, decimal.Decimal) {
	switch {
	case net.IsPositive():
		return "借", net
	case net.IsNegative():
		return "贷", net.Neg()
	}
	return "平", decimal.Zero
}

func ledgerRow(r LedgerRow, net decimal.Decimal) LedgerRow {
	r.Side, r.Balance = sideOf(net)
	return r
}

// accountDetail is the 明细账 of an account (with its sub-accounts) for a
// month: brought forward, every voucher line, the running balance.
func accountDetail(q store.Q, _ string, f store.ReportFilter, _ store.Page) (any, int64, map[string]any, error) {
	acc, _, ids, err := ledgerAccount(q, f.AccountID)
	if err != nil {
		return nil, 0, nil, err
	}
	before, err := store.AccountTotals(q, "", f.Period)
	if err != nil {
		return nil, 0, nil, err
	}
	net := decimal.Zero
	for _, id := range ids {
		net = net.Add(before[id].Debit).Sub(before[id].Credit)
	}
	rows := []LedgerRow{ledgerRow(LedgerRow{Period: f.Period, Summary: "期初余额"}, net)}
	lines, err := store.AccountLines(q, ids, f.Period)
	if err != nil {
		return nil, 0, nil, err
	}
	dr, cr := decimal.Zero, decimal.Zero
	for _, l := range lines {
		net = net.Add(l.Debit).Sub(l.Credit)
		dr, cr = dr.Add(l.Debit), cr.Add(l.Credit)
		rows = append(rows, ledgerRow(LedgerRow{Date: l.Date, Period: l.Period, VoucherID: l.VoucherID, Number: l.Number,
			Summary: l.Summary, Debit: l.Debit, Credit: l.Credit}, net))
	}
	rows = append(rows, ledgerRow(LedgerRow{Period: f.Period, Summary: "本月合计", Debit: dr, Credit: cr}, net))
	return rows, int64(len(rows)), map[string]any{"account": acc.Code + " " + acc.Name, "period": f.Period}, nil
}

// generalLedger is the 总账 of an account for the year up to a month: the
// year's opening balance, then each month's totals and balance.
func generalLedger(q store.Q, _ string, f store.ReportFilter, _ store.Page) (any, int64, map[string]any, error) {
	acc, _, ids, err := ledgerAccount(q, f.AccountID)
	if err != nil {
		return nil, 0, nil, err
	}
	sum := func(t map[int64]domain.Totals) (dr, cr decimal.Decimal) {
		for _, id := range ids {
			dr, cr = dr.Add(t[id].Debit), cr.Add(t[id].Credit)
		}
		return dr, cr
	}
	yearStart := f.Period[:4] + "-01"
	opening, err := store.AccountTotals(q, "", yearStart)
	if err != nil {
		return nil, 0, nil, err
	}
	odr, ocr := sum(opening)
	net := odr.Sub(ocr)
	rows := []LedgerRow{ledgerRow(LedgerRow{Period: yearStart, Summary: "年初余额"}, net)}
	ydr, ycr := decimal.Zero, decimal.Zero
	for p := yearStart; p <= f.Period; p = domain.NextPeriod(p) {
		month, err := store.AccountTotals(q, p, domain.NextPeriod(p))
		if err != nil {
			return nil, 0, nil, err
		}
		dr, cr := sum(month)
		ydr, ycr = ydr.Add(dr), ycr.Add(cr)
		net = net.Add(dr).Sub(cr)
		rows = append(rows, ledgerRow(LedgerRow{Period: p, Summary: "本月合计", Debit: dr, Credit: cr}, net),
			ledgerRow(LedgerRow{Period: p, Summary: "本年累计", Debit: ydr, Credit: ycr}, net))
	}
	return rows, int64(len(rows)), map[string]any{"account": acc.Code + " " + acc.Name, "period": f.Period}, nil
}
