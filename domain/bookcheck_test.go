package domain

import "testing"

func TestBooksCheck(t *testing.T) {
	chart := booksChart()
	// A receipt of 113 on credit (stock 100), a shipment of 226 (cost 80),
	// a customer's advance of 50 and a prepayment of 20 to a supplier.
	agreeing := []string{"1405:100", "22210101:13", "2202:-113", "1122:226", "5001:-200", "22210107:-26", "5401:80", "1405:-80",
		"1002:50", "2203:-50", "1123:20", "1002:-20"}
	ar := SubLedgerTotals{Kind: ItemAR, Items: booksDec("176"), Docs: booksDec("226"), Advances: booksDec("50")}
	ap := SubLedgerTotals{Kind: ItemAP, Items: booksDec("93"), Docs: booksDec("113"), Advances: booksDec("20")}
	cases := []struct {
		name    string
		totals  []string
		stock   string
		ar, ap  SubLedgerTotals
		current bool
		err     string
	}{
		{"month end agrees", agreeing, "20", ar, ap, false, ""},
		{"today agrees", agreeing, "20", ar, ap, true, ""},
		{"trial balance off", append(agreeing[:len(agreeing):len(agreeing)], "1001:1"), "20", ar, ap, false,
			"ledger_check_failed::结账检查未通过：试算不平衡（借 377.00，贷 376.00）"},
		{"1405 off the stock", agreeing, "20.01", ar, ap, false,
			"ledger_check_failed::结账检查未通过：库存商品 1405 余额 20.00 与库存金额 20.01 不符"},
		{"AR items off", agreeing, "20", SubLedgerTotals{Kind: ItemAR, Items: booksDec("226")}, ap, false,
			"ledger_check_failed::结账检查未通过：1122 与 2203 余额合计 176.00 与往来明细 226.00 不符"},
		{"AP items off", agreeing, "20", ar, SubLedgerTotals{Kind: ItemAP, Items: booksDec("113")}, false,
			"ledger_check_failed::结账检查未通过：2202 与 1123 余额合计 93.00 与往来明细 113.00 不符"},
		{"month end ignores today's split", agreeing, "20", ar, SubLedgerTotals{Kind: ItemAP, Items: booksDec("93")}, false, ""},
		{"AR documents off today", agreeing, "20", SubLedgerTotals{Kind: ItemAR, Items: booksDec("176"), Docs: booksDec("176"), Advances: booksDec("50")}, ap, true,
			"ledger_check_failed::结账检查未通过：1122 余额 226.00 与未核销单据及未开票金额 176.00 不符"},
		{"AP advances off today", agreeing, "20", ar, SubLedgerTotals{Kind: ItemAP, Items: booksDec("93"), Docs: booksDec("113")}, true,
			"ledger_check_failed::结账检查未通过：1123 余额 20.00 与未核销的预收/预付款 0.00 不符"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := BooksCheck{Accounts: chart, Totals: booksTotals(t, chart, c.totals...), Stock: booksDec(c.stock),
				SubLedgers: []SubLedgerTotals{c.ar, c.ap}, Current: c.current}
			err := b.Check()
			booksWantErr(t, c.name, err, c.err)
			if err != nil && ErrorKind(err) != KindConflict {
				t.Errorf("kind %v", ErrorKind(err))
			}
		})
	}
}
