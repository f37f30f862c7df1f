package domain

import (
	"sort"

	"github.com/shopspring/decimal"
)

// TotalsDelta is what a voucher adds to (or, reversed, takes from) one
// row of the per-month totals: an account's, or an account's per partner.
type TotalsDelta struct {
	AccountID, PartnerID int64
	Debit, Credit        decimal.Decimal
	// ClosingDebit and ClosingCredit are the closing vouchers' part, kept
	// apart so the income statement can leave 期末结转 out.
	ClosingDebit, ClosingCredit decimal.Decimal
}

// VoucherTotals sums a voucher's lines per account and, for lines about a
// partner, per account and partner (the balance sheet reclassifies 应收/预收
// and 应付/预付 by it), times sign (1 to add, −1 to take away). Both come
// in key order, the one lock order every writer takes.
func VoucherTotals(v *Voucher, sign int64) (accounts, partners []TotalsDelta) {
	type key struct {
		account, partner int64
		byPartner        bool // a line's partner may be 0 (none known)
	}
	sums := map[key]*TotalsDelta{}
	add := func(k key, l VoucherLine) {
		d, ok := sums[k]
		if !ok {
			d = &TotalsDelta{AccountID: k.account, PartnerID: k.partner}
			sums[k] = d
		}
		d.Debit, d.Credit = d.Debit.Add(l.Debit), d.Credit.Add(l.Credit)
	}
	for _, l := range v.Lines {
		add(key{account: l.AccountID}, l)
		if l.PartnerID != nil {
			add(key{l.AccountID, *l.PartnerID, true}, l)
		}
	}
	s := decimal.NewFromInt(sign)
	for k, d := range sums {
		d.Debit, d.Credit = d.Debit.Mul(s), d.Credit.Mul(s)
		if k.byPartner {
			partners = append(partners, *d)
			continue
		}
		if v.Source == VoucherClosing {
			d.ClosingDebit, d.ClosingCredit = d.Debit, d.Credit
		}
		accounts = append(accounts, *d)
	}
	order := func(ds []TotalsDelta) {
		sort.Slice(ds, func(i, j int) bool {
			return ds[i].AccountID < ds[j].AccountID || ds[i].AccountID == ds[j].AccountID && ds[i].PartnerID < ds[j].PartnerID
		})
	}
	order(accounts)
	order(partners)
	return accounts, partners
}
