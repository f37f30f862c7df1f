package domain

import (
	"time"

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
	ID          int64           `json:"id"`
	Type        string          `json:"type"`
	Number      string          `json:"number"`
	PartnerID   int64           `json:"partner_id"`
	AccountID   int64           `json:"account_id"`
	Amount      decimal.Decimal `json:"amount"`
	Date        string          `json:"date"`
	Remark      string          `json:"remark"`
	ItemID      int64           `json:"open_item_id"`
	Unallocated decimal.Decimal `json:"unallocated"`
	Allocations []Allocation    `json:"allocations"`
	CreatedBy   int64           `json:"created_by"`
	CreatedAt   time.Time       `json:"created_at"`
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
