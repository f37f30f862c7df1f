package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Money documents (收付款) and the partner sub-ledgers they settle.
const (
	DocMoneyReceipt = "money_receipt" // 收款单: a customer pays us
	DocMoneyPayment = "money_payment" // 付款单: we pay a supplier
)

// Open item kinds: receivables (应收) and payables (应付).
const (
	ItemAR = "ar"
	ItemAP = "ap"
)

// OpenItem is one entry of a partner's receivables or payables: a shipment
// or receipt raises it (positive), a return or a money document lowers it
// (negative). Open is what allocation (核销) has not settled yet, with the
// amount's sign; a negative open item is an unallocated prepayment or
// credit.
type OpenItem struct {
	ID        int64           `json:"id"`
	PartnerID int64           `json:"partner_id"`
	Kind      string          `json:"kind"`
	DocType   string          `json:"doc_type"`
	DocID     int64           `json:"doc_id"`
	DocNumber string          `json:"doc_number"`
	Date      string          `json:"date"`
	DueDate   string          `json:"due_date"`
	Amount    decimal.Decimal `json:"amount"`
	Open      decimal.Decimal `json:"open"`
	CreatedAt time.Time       `json:"created_at"`
}

// Allocation settles part of a positive item by a negative one (核销).
type Allocation struct {
	ID           int64           `json:"id"`
	DebitItemID  int64           `json:"debit_item_id"`
	CreditItemID int64           `json:"credit_item_id"`
	Amount       decimal.Decimal `json:"amount"`
	CreatedAt    time.Time       `json:"created_at"`
	// CreditDocType is the credit item's document type: a money document's
	// advance used up (预收/预付冲销) books a voucher, a return's credit does not.
	CreditDocType string `json:"-"`
}

// MoneyDoc is a receipt from a customer or a payment to a supplier through
// a cash or bank account.
type MoneyDoc struct {
	ID        int64           `json:"id"`
	Type      string          `json:"type"`
	Number    string          `json:"number"`
	PartnerID int64           `json:"partner_id"`
	AccountID int64           `json:"account_id"`
	Amount    decimal.Decimal `json:"amount"`
	Date      string          `json:"date"`
	Remark    string          `json:"remark"`
	// PaymentMethodID names the 结算方式 (a payment_method dictionary entry).
	PaymentMethodID *int64          `json:"payment_method_id"`
	ItemID          int64           `json:"open_item_id"`
	Unallocated     decimal.Decimal `json:"unallocated"`
	Allocations     []Allocation    `json:"allocations"`
	CreatedBy       int64           `json:"created_by"`
	CreatedAt       time.Time       `json:"created_at"`
}

// MoneyKind is the sub-ledger a money document type settles: a receipt
// (收款) the receivables (应收), a payment (付款) the payables (应付).
func MoneyKind(typ string) (string, error) {
	switch typ {
	case DocMoneyReceipt:
		return ItemAR, nil
	case DocMoneyPayment:
		return ItemAP, nil
	}
	return "", Invalid("type", "未知收付款类型 %s", typ)
}

// ItemKindName is a sub-ledger's name for messages: 应收 or 应付.
func ItemKindName(kind string) string {
	if kind == ItemAP {
		return "应付"
	}
	return "应收"
}

// MaxRemark is the length of a money document's or invoice's remark (备注).
const MaxRemark = 255

// CheckNotFuture checks the date of a fact (money moved, an invoice
// issued): a valid business day, not after today (Shanghai).
func CheckNotFuture(field, date, today string) error {
	if _, err := ParseLocalDate(field, date); err != nil {
		return err
	}
	if date > today {
		return Invalid(field, "日期 %s 晚于今天", date)
	}
	return nil
}

// checkRemark trims a remark and refuses one over MaxRemark characters.
func checkRemark(remark *string) error {
	*remark = strings.TrimSpace(*remark)
	if utf8.RuneCountInString(*remark) > MaxRemark {
		return Invalid("remark", "备注最长 %d 字", MaxRemark)
	}
	return nil
}

// Validate checks a new receipt or payment before anything is read: its
// date (today when empty, never in the future), a positive amount in 分, the
// remark, and the amounts it is asked to allocate (核销) to named open
// items, each positive in 分 and together no more than the amount (what is
// left is an advance, 预收/预付).
func (m *MoneyDoc) Validate(today string, allocations []decimal.Decimal) error {
	if m.Date == "" {
		m.Date = today
	}
	if err := CheckNotFuture("date", m.Date, today); err != nil {
		return err
	}
	if !m.Amount.IsPositive() {
		return Invalid("amount", "金额必须大于零")
	}
	if err := CheckScale("amount", m.Amount, MoneyScale); err != nil {
		return err
	}
	if err := checkRemark(&m.Remark); err != nil {
		return err
	}
	allocated := decimal.Zero
	for i, a := range allocations {
		f := fmt.Sprintf("allocations[%d].amount", i)
		if !a.IsPositive() {
			return Invalid(f, "核销金额必须大于零")
		}
		if err := CheckScale(f, a, MoneyScale); err != nil {
			return err
		}
		allocated = allocated.Add(a)
	}
	if allocated.GreaterThan(m.Amount) {
		return Invalid("allocations", "核销合计 %s 超过金额 %s", allocated.StringFixed(2), m.Amount.StringFixed(2))
	}
	return nil
}

// CheckSettle checks that a money document of partner in sub-ledger kind
// may settle amount of the open item it: the item is the partner's, of that
// kind, positive (a debt, not another credit) and still open by at least
// amount. A requested item that does not exist is passed as an OpenItem
// with only its ID, and is refused like someone else's. field is the
// allocation's (allocations[0]).
func (it OpenItem) CheckSettle(field string, partner Partner, kind string, amount decimal.Decimal) error {
	if it.PartnerID != partner.ID || it.Kind != kind || !it.Amount.IsPositive() {
		return Invalid(field+".open_item_id", "待核销项 %d 不是 %s 的%s", it.ID, partner.Name, ItemKindName(kind))
	}
	if amount.GreaterThan(it.Open) {
		return Invalid(field+".amount", "%s 未核销余额只有 %s", it.DocNumber, it.Open.StringFixed(2))
	}
	return nil
}

// SettledBy is what allocations settled by the credit item creditItemID:
// the part of a money document that paid debts at once, not an advance.
func SettledBy(allocations []Allocation, creditItemID int64) decimal.Decimal {
	settled := decimal.Zero
	for _, a := range allocations {
		if a.CreditItemID == creditItemID {
			settled = settled.Add(a.Amount)
		}
	}
	return settled
}

// MoneyAccount picks the cash or bank account (收付款账户) of a money
// document: the one the request names by id or by code (not both), else
// the cash line of the document's voucher template (tpl), else 1002 银行存款.
// It must be a leaf (leaves, by id) under 库存现金, 银行存款 or 其他货币资金;
// byCode is the chart by code.
func MoneyAccount(tpl VoucherTemplate, byCode map[string]Account, leaves map[int64]Account, id *int64, code string) (int64, error) {
	acct := byCode[AcctBank].ID
	for _, l := range tpl.Lines {
		if l.Amount == AmtMoney {
			acct = byCode[l.Account].ID
		}
	}
	field := "account_id"
	switch {
	case id != nil && code != "":
		return 0, Invalid("account_code", "account_id 与 account_code 只填一个")
	case id != nil:
		acct = *id
	case code != "":
		a, ok := byCode[code]
		if !ok {
			return 0, Invalid("account_code", "科目 %s 不存在", code)
		}
		acct, field = a.ID, "account_code"
	}
	if la, ok := leaves[acct]; !ok || !CashAccount(la.Code) {
		return 0, Invalid(field, "请选择收付款账户：库存现金、银行存款或其他货币资金下的末级科目")
	}
	return acct, nil
}

// OpenBefore rolls open items back to how they stood before the
// allocations in later (核销 made after the day asked for): each
// allocation's amount is open again on its debit item and on its credit
// item, and the items that are then settled (open zero) drop out. It
// reuses items' storage.
func OpenBefore(items []OpenItem, later []Allocation) []OpenItem {
	back := map[int64]decimal.Decimal{}
	for _, al := range later {
		back[al.DebitItemID] = back[al.DebitItemID].Add(al.Amount)
		back[al.CreditItemID] = back[al.CreditItemID].Sub(al.Amount)
	}
	kept := items[:0]
	for _, it := range items {
		it.Open = it.Open.Add(back[it.ID])
		if !it.Open.IsZero() {
			kept = append(kept, it)
		}
	}
	return kept
}

// ItemKinds are the sub-ledgers a partner's statement (对账单) shows:
// receivables (应收) for a customer, payables (应付) for a supplier, both for
// a partner that is both.
func (p Partner) ItemKinds() []string {
	switch p.Type {
	case PartnerSupplier:
		return []string{ItemAP}
	case PartnerBoth:
		return []string{ItemAR, ItemAP}
	}
	return []string{ItemAR}
}

// DueDate is a date plus payment terms (账期).
func DueDate(date string, termsDays int) string {
	t, err := time.Parse("2006-01-02", date)
	if err != nil {
		return date
	}
	return t.AddDate(0, 0, termsDays).Format("2006-01-02")
}

// AgingBuckets are the columns of an aging report: not yet due, then days
// overdue.
var AgingBuckets = []string{"not_due", "d1_30", "d31_60", "d61_90", "d90_plus"}

// AgingBucket says which column an open item falls in on asOf.
func AgingBucket(due, asOf string) int {
	d, err1 := time.Parse("2006-01-02", due)
	a, err2 := time.Parse("2006-01-02", asOf)
	if err1 != nil || err2 != nil {
		return 0
	}
	days := int(a.Sub(d).Hours() / 24)
	switch {
	case days <= 0:
		return 0
	case days <= 30:
		return 1
	case days <= 60:
		return 2
	case days <= 90:
		return 3
	}
	return 4
}
