package domain

import (
	"fmt"
	"strings"
	"testing"
)

func TestVoucherTotals(t *testing.T) {
	p7, p0 := int64(7), int64(0)
	lines := []VoucherLine{
		{AccountID: 5, Debit: booksDec("226"), PartnerID: &p7},
		{AccountID: 2, Credit: booksDec("200"), PartnerID: &p7},
		{AccountID: 3, Credit: booksDec("26"), PartnerID: &p7},
		{AccountID: 4, Debit: booksDec("120")},
		{AccountID: 1, Credit: booksDec("120")},
		{AccountID: 5, Debit: booksDec("10"), PartnerID: &p0}, // no partner known: its own row
		{AccountID: 4, Credit: booksDec("10")},
	}
	render := func(ds []TotalsDelta) string {
		var parts []string
		for _, d := range ds {
			parts = append(parts, fmt.Sprintf("%d/%d:%s/%s/%s/%s", d.AccountID, d.PartnerID, d.Debit, d.Credit, d.ClosingDebit, d.ClosingCredit))
		}
		return strings.Join(parts, " ")
	}
	cases := []struct {
		name, source    string
		sign            int64
		accounts, parts string
	}{
		{"a posting", DocSalesShipment, 1,
			"1/0:0/120/0/0 2/0:0/200/0/0 3/0:0/26/0/0 4/0:120/10/0/0 5/0:236/0/0/0",
			"2/7:0/200/0/0 3/7:0/26/0/0 5/0:10/0/0/0 5/7:226/0/0/0"},
		{"a closing voucher taken away", VoucherClosing, -1,
			"1/0:0/-120/0/-120 2/0:0/-200/0/-200 3/0:0/-26/0/-26 4/0:-120/-10/-120/-10 5/0:-236/0/-236/0",
			"2/7:0/-200/0/0 3/7:0/-26/0/0 5/0:-10/0/0/0 5/7:-226/0/0/0"},
	}
	for _, c := range cases {
		accounts, partners := VoucherTotals(&Voucher{Source: c.source, Lines: lines}, c.sign)
		if got := render(accounts); got != c.accounts {
			t.Errorf("%s: accounts %s\nwant %s", c.name, got, c.accounts)
		}
		if got := render(partners); got != c.parts {
			t.Errorf("%s: partners %s\nwant %s", c.name, got, c.parts)
		}
	}
	if a, p := VoucherTotals(&Voucher{}, 1); a != nil || p != nil {
		t.Fatal("an empty voucher adds rows")
	}
}
