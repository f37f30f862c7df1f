package domain

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// The general ledger (总账) of 小企业会计准则 (财会[2011]17号): a chart of
// accounts, and vouchers (记账凭证) whose lines debit and credit them.

// Account categories (科目类别).
const (
	AccountAsset     = "asset"     // 资产
	AccountLiability = "liability" // 负债
	AccountEquity    = "equity"    // 所有者权益
	AccountCost      = "cost"      // 成本
	AccountPL        = "pl"        // 损益
)

// Balance sides.
const (
	Debit  = "debit"  // 借
	Credit = "credit" // 贷
)

// CodeUnbalancedVoucher is the error code of a voucher whose debits and
// credits differ.
const CodeUnbalancedVoucher = "unbalanced_voucher"

// CodePeriodClosed is the error code of a posting dated in a closed period.
const CodePeriodClosed = "period_closed"

// Account is one account of the chart (会计科目). Codes are hierarchical
// (1405, 222101, 22210101): a sub-account's code starts with its parent's.
// Only accounts without sub-accounts take postings.
type Account struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	Category string `json:"category"`
	// Normal is the side its balance normally lies on (正常余额方向).
	Normal   string `json:"normal"`
	ParentID *int64 `json:"parent_id"`
	Level    int    `json:"level"`
	// System accounts come with the chart; they are renamed at most, never
	// deleted.
	System    bool      `json:"system"`
	Status    string    `json:"status"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ValidateSub checks an account being added under parent: its code extends
// the parent's by two digits, and it inherits category and side.
func (a *Account) ValidateSub(parent *Account) error {
	a.Code = strings.TrimSpace(a.Code)
	name, err := AccountName(a.Name)
	if err != nil {
		return err
	}
	a.Name = name
	if parent == nil {
		return Invalid("parent_id", "只能在已有科目下增加明细科目（一级科目由准则规定）")
	}
	if len(a.Code) != len(parent.Code)+2 || !strings.HasPrefix(a.Code, parent.Code) || !allDigits(a.Code) {
		return Invalid("code", "明细科目编码应为上级编码 %s 加两位数字，如 %s01", parent.Code, parent.Code)
	}
	a.Category, a.Normal, a.Level, a.ParentID = parent.Category, parent.Normal, parent.Level+1, &parent.ID
	return nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// VoucherLine is one line of a voucher: an amount on one side of one
// account, with the partner and product it concerns when it does. A
// red-letter (红字) line has a negative amount on its usual side.
type VoucherLine struct {
	ID        int64           `json:"id"`
	AccountID int64           `json:"account_id"`
	Summary   string          `json:"summary"`
	Debit     decimal.Decimal `json:"debit"`
	Credit    decimal.Decimal `json:"credit"`
	PartnerID *int64          `json:"partner_id"`
	ProductID *int64          `json:"product_id"`
	// CashFlowItem is the 现金流量表 line a cash line belongs to (see
	// CashFlowItems); zero on other lines and on transfers between cash
	// accounts.
	CashFlowItem int `json:"cash_flow_item"`
}

// Voucher sources: manual, or the document type that generated it.
const (
	VoucherManual   = "manual"
	VoucherReversal = "reversal" // 红字冲销
	VoucherClosing  = "closing"  // 期末结转
	// VoucherAdjust is an upgrade's adjustment (调整) the system made to
	// keep the books agreeing with the sub-ledgers; not reversible.
	VoucherAdjust = "adjust"
)

// Voucher is a 记账凭证. It is posted when it is saved and never changes
// afterwards: a mistake is corrected by a red-letter reversal.
type Voucher struct {
	ID     int64  `json:"id"`
	Period string `json:"period"` // 2026-11
	Seq    int    `json:"seq"`
	Number string `json:"number"` // 记-0001
	// Date is the business date (Shanghai) it is booked on.
	Date        string          `json:"date"`
	Source      string          `json:"source"`
	SourceID    int64           `json:"source_id"`
	SourceNo    string          `json:"source_number"`
	ReversalOf  *int64          `json:"reversal_of"`
	ReversedBy  *int64          `json:"reversed_by"`
	Remark      string          `json:"remark"`
	Attachments int             `json:"attachments"`
	Lines       []VoucherLine   `json:"lines"`
	Debit       decimal.Decimal `json:"debit"`
	Credit      decimal.Decimal `json:"credit"`
	// CreatedBy is the preparer (制单人); CreatedByName is shown with it.
	CreatedBy     int64     `json:"created_by"`
	CreatedByName string    `json:"created_by_name"`
	CreatedAt     time.Time `json:"created_at"`
	// ReviewedBy is the reviewer (审核人), nil until reviewed.
	ReviewedBy     *int64     `json:"reviewed_by"`
	ReviewedByName string     `json:"reviewed_by_name"`
	ReviewedAt     *time.Time `json:"reviewed_at"`
	// AmountInWords is the total in capitals (金额大写) for the printed
	// voucher; filled on the detail read.
	AmountInWords string `json:"amount_in_words,omitempty"`
}

// PeriodOf returns the accounting period (yyyy-mm) of a business date.
func PeriodOf(date string) string {
	if len(date) >= 7 {
		return date[:7]
	}
	return date
}

// VoucherNumber formats a voucher's number within its period: 记-0001.
func VoucherNumber(seq int) string { return fmt.Sprintf("记-%04d", seq) }

// Check validates a voucher's lines and sums them: each line has one side
// (not both, not neither) with at most scale decimals, and debits equal
// credits (unbalanced_voucher otherwise). Lines with a zero amount are
// dropped first, so generated vouchers can list optional lines. Every
// voucher is in 分 (AmountScale): people enter cents, and the amounts a
// template books were rounded to 分 where they were created (the stock
// moves, the document's lines), so 1405 still equals the stock valuation
// exactly. Only the migrations that predate 分 check at BackfillScale.
func (v *Voucher) Check(scale int32) error {
	if _, err := ParseLocalDate("date", v.Date); err != nil {
		return err
	}
	v.Period = PeriodOf(v.Date)
	if len([]rune(v.Remark)) > 255 {
		return Invalid("remark", "摘要最长 255 字")
	}
	kept := v.Lines[:0]
	for _, l := range v.Lines {
		if !l.Debit.IsZero() || !l.Credit.IsZero() {
			kept = append(kept, l)
		}
	}
	v.Lines = kept
	if len(v.Lines) < 2 {
		return Invalid("lines", "凭证至少需要两行（有借有贷）")
	}
	if len(v.Lines) > 500 {
		return Invalid("lines", "一张凭证最多 500 行")
	}
	v.Debit, v.Credit = decimal.Zero, decimal.Zero
	for i, l := range v.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		if l.AccountID == 0 {
			return Invalid(f+".account_id", "请选择科目")
		}
		if !l.Debit.IsZero() && !l.Credit.IsZero() {
			return Invalid(f, "一行只能填借方或贷方")
		}
		if err := CheckScale(f+".debit", l.Debit, scale); err != nil {
			return err
		}
		if err := CheckScale(f+".credit", l.Credit, scale); err != nil {
			return err
		}
		if len([]rune(l.Summary)) > 255 {
			return Invalid(f+".summary", "摘要最长 255 字")
		}
		v.Debit, v.Credit = v.Debit.Add(l.Debit), v.Credit.Add(l.Credit)
	}
	if !v.Debit.Equal(v.Credit) {
		return (&Error{Kind: KindInvalid, Code: CodeUnbalancedVoucher, Field: "lines",
			Message: fmt.Sprintf("借贷不平衡：借方合计 %s，贷方合计 %s", v.Debit.StringFixed(2), v.Credit.StringFixed(2))}).
			WithDetails(map[string]any{"debit": v.Debit.StringFixed(2), "credit": v.Credit.StringFixed(2)})
	}
	if v.Debit.IsZero() {
		return Invalid("lines", "凭证金额不能全为零")
	}
	if v.Debit.Abs().GreaterThanOrEqual(maxVoucherTotal) {
		return Invalid("lines", "凭证金额过大")
	}
	return nil
}

// maxVoucherTotal keeps a voucher's totals inside DECIMAL(20,4).
var maxVoucherTotal = decimal.New(1, 15)

// CheckReversible decides whether v may be reversed (红字冲销) on date: only
// a manual voucher that is not itself a reversal, once, on or after its
// own date. A closing voucher goes with reopening its month; a document's
// voucher follows the document, corrected by a return or a new document,
// or the stock and the open items would disagree with the books. A reviewed
// (已审核) voucher is un-reviewed first (voucher_reviewed).
func (v *Voucher) CheckReversible(date string) error {
	if v.ReviewedBy != nil {
		return Errorf(KindConflict, CodeVoucherReviewed, "%s 已审核，请先取消审核再冲销", v.Number)
	}
	if v.ReversalOf != nil {
		return ErrInvalidState.WithMessage("%s 是红字冲销凭证，不能再冲销", v.Number)
	}
	switch v.Source {
	case VoucherManual:
	case VoucherClosing:
		return ErrInvalidState.WithMessage("结账凭证随反结账撤销，不能冲销")
	default:
		return ErrInvalidState.WithMessage("%s 由 %s 生成，请通过退货或新单据更正", v.Number, v.SourceNo)
	}
	if date < v.Date {
		return Invalid("date", "冲销日期不能早于原凭证日期 %s", v.Date)
	}
	if v.ReversedBy != nil {
		// The store refuses it too, for two reversals at once.
		return ErrInvalidState.WithMessage("凭证已被冲销")
	}
	return nil
}

// MaxAttachments is the most 附单据数 a manual voucher may state.
const MaxAttachments = 999

// CheckManual checks a manual voucher (手工凭证) as people enter it: its
// attachments count (附单据数, 0–999), then Check with cents.
//
// Its cash-flow items are checked with the accounts (CheckCashFlow).
func (v *Voucher) CheckManual() error {
	if v.Attachments < 0 || v.Attachments > MaxAttachments {
		return Invalid("attachments", "附单据数应在 0–999 之间")
	}
	return v.Check(2)
}

// Reversal returns the red-letter voucher that cancels v (红字冲销): the same
// accounts on the same sides with the amounts negated, dated date.
//
// The lines keep their cash-flow items, so the reversal takes the flow
// back out of the same 现金流量表 line.
func (v *Voucher) Reversal(date string) *Voucher {
	r := &Voucher{Date: date, Source: VoucherReversal, SourceID: v.ID, SourceNo: v.Number, ReversalOf: &v.ID,
		Remark: fmt.Sprintf("冲销 %s %s", v.Period, v.Number)}
	for _, l := range v.Lines {
		l.ID = 0
		l.Debit, l.Credit = l.Debit.Neg(), l.Credit.Neg()
		r.Lines = append(r.Lines, l)
	}
	return r
}

// Voucher template events: what a generated voucher is for.
const (
	EventPurchaseReceipt = "purchase_receipt" // 采购入库
	EventPurchaseReturn  = "purchase_return"  // 采购退货（红字）
	EventSalesShipment   = "sales_shipment"   // 销售出库
	EventSalesReturn     = "sales_return"     // 销售退货（红字）
	EventOpening         = "opening"          // 期初库存
	EventStocktake       = "stocktake"        // 盘点：盘盈/盘亏入待处理
	EventStocktakeSettle = "stocktake_settle" // 盘盈/盘亏处理
	// EventTransfer moves stock between warehouses at cost: 1405 does not
	// change, so it books nothing.
	EventTransfer = "transfer"

	// With finance.bill_at = invoice: goods move without VAT, the invoice
	// brings it (and the open item).
	EventPurchaseEstimate  = "purchase_estimate"  // 采购入库/退货（未到票，暂估）
	EventSalesUninvoiced   = "sales_uninvoiced"   // 销售出库/退货（未开票）
	EventPurchaseInvoice   = "purchase_invoice"   // 采购发票
	EventSalesInvoice      = "sales_invoice"      // 销售发票
	EventMoneyReceipt      = "money_receipt"      // 收款
	EventMoneyPayment      = "money_payment"      // 付款
	EventAdvanceApplied    = "advance_applied"    // 预收冲应收
	EventPrepaymentApplied = "prepayment_applied" // 预付冲应付
)

// CashAccount tells the accounts money is received into or paid from:
// 1001 库存现金, 1002 银行存款, 1012 其他货币资金 and their sub-accounts.
func CashAccount(code string) bool {
	return strings.HasPrefix(code, "1001") || strings.HasPrefix(code, "1002") || strings.HasPrefix(code, "1012")
}

// moneyEvent tells the money documents' events (amounts money, settled,
// advance) from the postings' (amount, tax, stock…).
func moneyEvent(event string) bool {
	switch event {
	case EventMoneyReceipt, EventMoneyPayment, EventAdvanceApplied, EventPrepaymentApplied:
		return true
	}
	return false
}

// Template amount keys: what a template line's amount is.
const (
	AmtAmount   = "amount"   // goods amount without tax
	AmtTax      = "tax"      // VAT
	AmtTotal    = "total"    // with tax
	AmtStock    = "stock"    // change in stock value (Σ move values)
	AmtCost     = "cost"     // stock value that left (−stock)
	AmtVariance = "variance" // amount − stock: what the stock value did not absorb
	AmtGain     = "gain"     // stocktake surplus value
	AmtLoss     = "loss"     // stocktake shortage value
	// A money document's: what came in or went out, the part of it that
	// settled open items at once (核销) and the rest, an advance (预收/预付).
	// For 预收冲应收 and 预付冲应付, settled is the advance used up.
	AmtMoney   = "money"
	AmtSettled = "settled"
	AmtAdvance = "advance"
)

// TemplateLine is one line of a voucher template: an account (by code), a
// side and which amount of the document it carries.
type TemplateLine struct {
	Account string `json:"account"`
	Side    string `json:"side"`
	Amount  string `json:"amount"`
	Summary string `json:"summary"`
	// CashFlow is the 现金流量项目 of a cash line; zero takes the event's
	// default (DefaultCashFlowItem).
	CashFlow int `json:"cash_flow,omitempty"`
}

// VoucherTemplate says how a document event becomes a voucher.
type VoucherTemplate struct {
	ID        int64          `json:"id"`
	Event     string         `json:"event"`
	Name      string         `json:"name"`
	Lines     []TemplateLine `json:"lines"`
	Version   int            `json:"version"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// Validate checks a template: known amounts and sides, accounts that exist
// and take postings (leaf), and that it balances for any amounts — each
// amount key's debits equal its credits, counting amount = stock +
// variance, total = amount + tax and cost = −stock.
func (t *VoucherTemplate) Validate(leaf func(code string) bool) error {
	if len(t.Lines) < 2 || len(t.Lines) > 20 {
		return Invalid("lines", "模板需要 2–20 行")
	}
	// Express every key in the independent amounts stock, variance, tax,
	// gain, loss; a balanced template nets each of them to zero.
	basis := map[string]map[string]int{
		AmtAmount: {AmtStock: 1, AmtVariance: 1}, AmtTax: {AmtTax: 1},
		AmtTotal: {AmtStock: 1, AmtVariance: 1, AmtTax: 1}, AmtStock: {AmtStock: 1},
		AmtCost: {AmtStock: -1}, AmtVariance: {AmtVariance: 1}, AmtGain: {AmtGain: 1}, AmtLoss: {AmtLoss: 1},
	}
	known := "amount, tax, total, stock, cost, variance, gain, loss"
	if moneyEvent(t.Event) {
		// Money documents: money = settled + advance.
		basis = map[string]map[string]int{
			AmtMoney: {AmtSettled: 1, AmtAdvance: 1}, AmtSettled: {AmtSettled: 1}, AmtAdvance: {AmtAdvance: 1},
		}
		known = "money, settled, advance"
		if t.Event == EventAdvanceApplied || t.Event == EventPrepaymentApplied {
			// Using an advance moves no money.
			basis, known = map[string]map[string]int{AmtSettled: {AmtSettled: 1}}, "settled"
		}
	}
	net := map[string]int{}
	for i, l := range t.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		b, ok := basis[l.Amount]
		if !ok {
			return Invalid(f+".amount", "未知金额 %q（%s）", l.Amount, known)
		}
		sign := 1
		switch l.Side {
		case Debit:
		case Credit:
			sign = -1
		default:
			return Invalid(f+".side", "方向只能是 debit 或 credit")
		}
		if l.Amount == AmtMoney && !CashAccount(l.Account) {
			// The cash line is a default: each money document may name its
			// own cash or bank account.
			return Invalid(f+".account", "收付款行的科目应是库存现金、银行存款或其他货币资金")
		}
		if !leaf(l.Account) {
			return Invalid(f+".account", "科目 %s 不存在、已停用或不是末级科目", l.Account)
		}
		if len([]rune(l.Summary)) > 60 {
			return Invalid(f+".summary", "摘要最长 60 字")
		}
		if l.CashFlow != 0 && (!CashAccount(l.Account) || !ValidCashFlowItem(l.CashFlow)) {
			return Invalid(f+".cash_flow", "现金流量项目只用于现金、银行科目的行，且须是现金流量表的项目")
		}
		for k, n := range b {
			net[k] += sign * n
		}
	}
	for k, n := range net {
		if n != 0 {
			return Errorf(KindInvalid, CodeUnbalancedVoucher, "模板借贷不平衡（%s 未对冲）", k).WithField("lines")
		}
	}
	return t.keepsControlled()
}

// keepsControlled checks a template books the controlled accounts (1405,
// 1122/2203, 2202/1123) exactly as the standard one does: the books' checks
// compare them with the stock and the sub-ledgers, so they are not a
// firm's choice. Other lines (revenue, tax, cost, cash) are.
func (t *VoucherTemplate) keepsControlled() error {
	var std *VoucherTemplate
	for _, st := range StandardTemplates() {
		if st.Event == t.Event {
			std = &st
			break
		}
	}
	if std == nil {
		return Invalid("event", "未知模板 %s", t.Event)
	}
	count := func(ls []TemplateLine) map[TemplateLine]int {
		m := map[TemplateLine]int{}
		for _, l := range ls {
			if ControlledAccounts[l.Account] {
				m[TemplateLine{Account: l.Account, Side: l.Side, Amount: l.Amount}]++
			}
		}
		return m
	}
	want, got := count(std.Lines), count(t.Lines)
	same := len(want) == len(got)
	for k, n := range want {
		same = same && got[k] == n
	}
	if !same {
		return Invalid("lines", "库存商品、应收/预收、应付/预付科目的行须与标准模板一致（它们与库存和往来明细核对）")
	}
	return nil
}

// DocAmounts are a posted document's figures a template draws on. Returns
// carry negative amounts (red-letter).
type DocAmounts struct {
	Amount, Tax, Stock, Gain, Loss decimal.Decimal
	// Money documents.
	Settled, Advance decimal.Decimal
}

func (d DocAmounts) get(key string) decimal.Decimal {
	switch key {
	case AmtAmount:
		return d.Amount
	case AmtTax:
		return d.Tax
	case AmtTotal:
		return d.Amount.Add(d.Tax)
	case AmtStock:
		return d.Stock
	case AmtCost:
		return d.Stock.Neg()
	case AmtVariance:
		return d.Amount.Sub(d.Stock)
	case AmtGain:
		return d.Gain
	case AmtLoss:
		return d.Loss
	case AmtMoney:
		return d.Settled.Add(d.Advance)
	case AmtSettled:
		return d.Settled
	case AmtAdvance:
		return d.Advance
	}
	return decimal.Zero
}

// Apply fills a template with a document's amounts: one line per template
// line (zero ones dropped by Check), accounts resolved by code. Lines on
// partner amounts carry the partner, for the sub-ledgers (stock and cash
// lines do not). A money document's cash line books to the cash or bank
// account the document names (moneyAccount, when not zero) rather than the
// template's.
func (t *VoucherTemplate) Apply(d DocAmounts, account func(code string) int64, summary string, partnerID *int64, moneyAccount int64) []VoucherLine {
	lines := make([]VoucherLine, 0, len(t.Lines))
	for _, tl := range t.Lines {
		amt := d.get(tl.Amount)
		l := VoucherLine{AccountID: account(tl.Account), Summary: summary}
		if tl.Summary != "" {
			l.Summary = summary + " " + tl.Summary
		}
		if r := []rune(l.Summary); len(r) > 255 {
			l.Summary = string(r[:255])
		}
		if tl.Side == Debit {
			l.Debit = amt
		} else {
			l.Credit = amt
		}
		switch tl.Amount {
		case AmtStock, AmtCost, AmtGain, AmtLoss:
		case AmtMoney:
			if moneyAccount != 0 {
				l.AccountID = moneyAccount
			}
		default:
			l.PartnerID = partnerID
		}
		if tl.Amount == AmtMoney || CashAccount(tl.Account) {
			// Every cash line is a flow: a template moves money between
			// the firm and someone else, never between its own accounts.
			l.CashFlowItem = tl.CashFlow
			if l.CashFlowItem == 0 {
				l.CashFlowItem = DefaultCashFlowItem(t.Event, tl.Side == Debit)
			}
		}
		lines = append(lines, l)
	}
	return lines
}

// Book fills v (its header set by the caller) with the template's lines
// for a document's amounts (Apply, the summaries from v's remark) and
// checks it in 分: an amount with a fraction of a cent is refused, never
// rounded here, where 1405 would drift from the stock. ok is false when every line is
// zero: a document worth nothing books nothing.
func (t *VoucherTemplate) Book(v *Voucher, d DocAmounts, account func(code string) int64, partnerID *int64, moneyAccount int64) (ok bool, err error) {
	v.Lines = t.Apply(d, account, v.Remark, partnerID, moneyAccount)
	if ZeroLines(v.Lines) {
		return false, nil
	}
	if err := v.Check(AmountScale); err != nil {
		return false, err
	}
	return true, nil
}

// StandardTemplates are the voucher templates a new ledger starts with, per
// 小企业会计准则 and common practice for a trading company (one that books
// stock at actual cost and general-taxpayer VAT). Returns use the same
// template with negative amounts: red-letter, same sides.
func StandardTemplates() []VoucherTemplate {
	l := func(acct, side, amt, sum string) TemplateLine {
		return TemplateLine{Account: acct, Side: side, Amount: amt, Summary: sum}
	}
	receipt := []TemplateLine{
		l("1405", Debit, AmtStock, "库存商品"), l("5401", Debit, AmtVariance, "入库成本差异"),
		l("22210101", Debit, AmtTax, "进项税额"), l("2202", Credit, AmtTotal, "应付账款")}
	sale := []TemplateLine{
		l("1122", Debit, AmtTotal, "应收账款"), l("5001", Credit, AmtAmount, "主营业务收入"),
		l("22210107", Credit, AmtTax, "销项税额"), l("5401", Debit, AmtCost, "结转成本"), l("1405", Credit, AmtCost, "结转成本")}
	return []VoucherTemplate{
		{Event: EventPurchaseReceipt, Name: "采购入库", Lines: receipt},
		{Event: EventPurchaseReturn, Name: "采购退货（红字）", Lines: receipt},
		{Event: EventSalesShipment, Name: "销售出库", Lines: sale},
		{Event: EventSalesReturn, Name: "销售退货（红字）", Lines: sale},
		{Event: EventOpening, Name: "期初库存", Lines: []TemplateLine{
			l("1405", Debit, AmtStock, "期初库存"), l("3001", Credit, AmtStock, "期初库存投入")}},
		{Event: EventStocktake, Name: "盘点盈亏", Lines: []TemplateLine{
			l("1405", Debit, AmtGain, "盘盈"), l("1901", Credit, AmtGain, "盘盈"),
			l("1901", Debit, AmtLoss, "盘亏"), l("1405", Credit, AmtLoss, "盘亏")}},
		{Event: EventStocktakeSettle, Name: "盘点盈亏处理", Lines: []TemplateLine{
			l("1901", Debit, AmtGain, "盘盈转营业外收入"), l("5301", Credit, AmtGain, "盘盈"),
			l("5711", Debit, AmtLoss, "盘亏转营业外支出"), l("1901", Credit, AmtLoss, "盘亏")}},
		{Event: EventPurchaseEstimate, Name: "采购入库（未到票暂估）", Lines: []TemplateLine{
			l("1405", Debit, AmtStock, "库存商品"), l("5401", Debit, AmtVariance, "入库成本差异"), l("2202", Credit, AmtAmount, "暂估应付")}},
		{Event: EventSalesUninvoiced, Name: "销售出库（未开票）", Lines: []TemplateLine{
			l("1122", Debit, AmtAmount, "应收账款（未开票）"), l("5001", Credit, AmtAmount, "主营业务收入"),
			l("5401", Debit, AmtCost, "结转成本"), l("1405", Credit, AmtCost, "结转成本")}},
		{Event: EventPurchaseInvoice, Name: "采购发票", Lines: []TemplateLine{
			l("22210101", Debit, AmtTax, "进项税额"), l("2202", Credit, AmtTax, "应付账款")}},
		{Event: EventSalesInvoice, Name: "销售发票", Lines: []TemplateLine{
			l("1122", Debit, AmtTax, "应收账款"), l("22210107", Credit, AmtTax, "销项税额")}},
		{Event: EventMoneyReceipt, Name: "收款", Lines: []TemplateLine{
			l("1002", Debit, AmtMoney, "收款"), l("1122", Credit, AmtSettled, "核销应收"), l("2203", Credit, AmtAdvance, "预收款")}},
		{Event: EventMoneyPayment, Name: "付款", Lines: []TemplateLine{
			l("2202", Debit, AmtSettled, "核销应付"), l("1123", Debit, AmtAdvance, "预付款"), l("1002", Credit, AmtMoney, "付款")}},
		{Event: EventAdvanceApplied, Name: "预收冲应收", Lines: []TemplateLine{
			l("2203", Debit, AmtSettled, "预收冲应收"), l("1122", Credit, AmtSettled, "预收冲应收")}},
		{Event: EventPrepaymentApplied, Name: "预付冲应付", Lines: []TemplateLine{
			l("2202", Debit, AmtSettled, "预付冲应付"), l("1123", Credit, AmtSettled, "预付冲应付")}},
	}
}

// ChartEntry is an account of the standard chart.
type ChartEntry struct {
	Code, Name, Category, Normal string
}

// SortAccounts orders accounts by code.
func SortAccounts(as []Account) {
	sort.Slice(as, func(i, j int) bool { return as[i].Code < as[j].Code })
}

// Totals are an account's debits and credits over some periods.
type Totals struct {
	Debit, Credit decimal.Decimal
}

// TrialBalanceRow is one account of the 科目余额表: balances on the side they
// lie (借/贷 columns), period movements, and whether it is a first-level
// account (totals add only those).
type TrialBalanceRow struct {
	AccountID     int64           `json:"account_id"`
	Code          string          `json:"code"`
	Name          string          `json:"name"`
	Level         int             `json:"level"`
	OpeningDebit  decimal.Decimal `json:"opening_debit"`
	OpeningCredit decimal.Decimal `json:"opening_credit"`
	PeriodDebit   decimal.Decimal `json:"period_debit"`
	PeriodCredit  decimal.Decimal `json:"period_credit"`
	ClosingDebit  decimal.Decimal `json:"closing_debit"`
	ClosingCredit decimal.Decimal `json:"closing_credit"`
}

// TrialBalance builds the 科目余额表 from each leaf account's totals before
// the period and in it; parents sum their sub-accounts. Accounts that never
// moved are left out unless all is set. The totals (first-level accounts)
// balance when the books do.
func TrialBalance(accounts []Account, before, during map[int64]Totals, all bool) (rows []TrialBalanceRow, total TrialBalanceRow) {
	SortAccounts(accounts)
	byCode := map[string]*TrialBalanceRow{}
	type sums struct{ open, pd, pc decimal.Decimal }
	acc := map[string]*sums{}
	for _, a := range accounts {
		acc[a.Code] = &sums{}
	}
	for _, a := range accounts {
		b, d := before[a.ID], during[a.ID]
		if b.Debit.IsZero() && b.Credit.IsZero() && d.Debit.IsZero() && d.Credit.IsZero() {
			continue
		}
		// Add to the account and every ancestor (codes are prefixes).
		for code := a.Code; len(code) >= 4; code = code[:len(code)-2] {
			s, ok := acc[code]
			if !ok {
				continue
			}
			s.open = s.open.Add(b.Debit).Sub(b.Credit)
			s.pd, s.pc = s.pd.Add(d.Debit), s.pc.Add(d.Credit)
			if len(code) == 4 {
				break
			}
		}
	}
	side := func(net decimal.Decimal) (dr, cr decimal.Decimal) {
		if net.IsNegative() {
			return decimal.Zero, net.Neg()
		}
		return net, decimal.Zero
	}
	for _, a := range accounts {
		s := acc[a.Code]
		if !all && s.open.IsZero() && s.pd.IsZero() && s.pc.IsZero() {
			continue
		}
		r := TrialBalanceRow{AccountID: a.ID, Code: a.Code, Name: a.Name, Level: a.Level, PeriodDebit: s.pd, PeriodCredit: s.pc}
		r.OpeningDebit, r.OpeningCredit = side(s.open)
		r.ClosingDebit, r.ClosingCredit = side(s.open.Add(s.pd).Sub(s.pc))
		rows = append(rows, r)
		byCode[a.Code] = &rows[len(rows)-1]
		if a.Level == 1 {
			total.OpeningDebit, total.OpeningCredit = total.OpeningDebit.Add(r.OpeningDebit), total.OpeningCredit.Add(r.OpeningCredit)
			total.PeriodDebit, total.PeriodCredit = total.PeriodDebit.Add(r.PeriodDebit), total.PeriodCredit.Add(r.PeriodCredit)
			total.ClosingDebit, total.ClosingCredit = total.ClosingDebit.Add(r.ClosingDebit), total.ClosingCredit.Add(r.ClosingCredit)
		}
	}
	total.Name = "合计"
	if rows == nil {
		rows = []TrialBalanceRow{}
	}
	return rows, total
}

// Balanced reports whether a trial balance's totals agree on both sides.
func (t TrialBalanceRow) Balanced() bool {
	return t.OpeningDebit.Equal(t.OpeningCredit) && t.PeriodDebit.Equal(t.PeriodCredit) && t.ClosingDebit.Equal(t.ClosingCredit)
}

// NetBalance is an account's balance on its normal side after totals t.
func (a Account) NetBalance(t Totals) decimal.Decimal {
	if a.Normal == Credit {
		return t.Credit.Sub(t.Debit)
	}
	return t.Debit.Sub(t.Credit)
}

// ZeroLines reports whether every line is zero: a document worth nothing
// books nothing.
func ZeroLines(lines []VoucherLine) bool {
	for _, l := range lines {
		if !l.Debit.IsZero() || !l.Credit.IsZero() {
			return false
		}
	}
	return true
}

// Leaves returns the ids of the accounts without sub-accounts (the ones
// that take postings).
func Leaves(accounts []Account) map[int64]bool {
	parents := map[int64]bool{}
	for _, a := range accounts {
		if a.ParentID != nil {
			parents[*a.ParentID] = true
		}
	}
	out := map[int64]bool{}
	for _, a := range accounts {
		if !parents[a.ID] {
			out[a.ID] = true
		}
	}
	return out
}

// ValidPeriod reports whether s is an accounting period (yyyy-mm).
func ValidPeriod(s string) bool {
	_, err := time.Parse("2006-01", s)
	return err == nil && len(s) == 7 && s >= MinDate[:7] && s <= MaxDate[:7]
}

// NextPeriod returns the month after period (yyyy-mm).
func NextPeriod(period string) string { return shiftPeriod(period, 1) }

// PrevPeriod returns the month before period (yyyy-mm).
func PrevPeriod(period string) string { return shiftPeriod(period, -1) }

func shiftPeriod(period string, months int) string {
	t, err := time.Parse("2006-01", period)
	if err != nil {
		return period
	}
	return t.AddDate(0, months, 0).Format("2006-01")
}

// PeriodEnd returns the first instant after a month (Shanghai) in UTC, and
// the month's last business date.
func PeriodEnd(period string) (time.Time, string) {
	start, _ := time.ParseInLocation("2006-01", period, Shanghai)
	next := start.AddDate(0, 1, 0)
	return next.UTC(), next.AddDate(0, 0, -1).Format("2006-01-02")
}

// ClipRunes cuts s to at most n characters.
func ClipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
