package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxCompanyName is the longest 编制单位, as the configuration allows
// (finance.company_name): it must fit the printed voucher's header line.
const MaxCompanyName = 100

// FinanceSettings are the books' settings an accountant edits in the
// console (财务设置); once saved they override the configuration's
// finance.company_name and finance.review_required.
type FinanceSettings struct {
	// CompanyName is the 编制单位 printed on vouchers and statements.
	CompanyName string `json:"company_name"`
	// ReviewRequired makes closing a month require every voucher of it
	// reviewed (审核); closing is refused with unreviewed_vouchers.
	ReviewRequired bool `json:"review_required"`
	// Version counts the saves, so two accountants editing the settings
	// cannot overwrite each other silently (0 until first saved).
	Version int `json:"version"`
	// BillAt is when receivables and payables arise, BillAtShipment or
	// BillAtInvoice: the configuration's finance.bill_at, shown so the
	// console offers the invoice pages only when they are used. Read only:
	// it is neither taken from a save nor stored.
	BillAt string `json:"bill_at,omitempty"`
}

// CheckFinanceSettings trims the company name and refuses one that is too
// long or carries control characters (it is printed on one line). An empty
// name is allowed: the print then leaves 编制单位 blank, as before any was
// configured.
func CheckFinanceSettings(s *FinanceSettings) error {
	s.CompanyName = strings.TrimSpace(s.CompanyName)
	if utf8.RuneCountInString(s.CompanyName) > MaxCompanyName {
		return Invalid("company_name", "编制单位最长 %d 字", MaxCompanyName)
	}
	if strings.IndexFunc(s.CompanyName, unicode.IsControl) >= 0 {
		return Invalid("company_name", "编制单位不能包含换行或控制字符")
	}
	return nil
}
