package domain

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func booksDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestOpenItemOf(t *testing.T) {
	total := booksDec("113")
	for _, c := range []struct {
		doc, kind, amount string
	}{
		{DocSalesShipment, ItemAR, "113"}, {DocSalesReturn, ItemAR, "-113"},
		{DocPurchaseReceipt, ItemAP, "113"}, {DocPurchaseReturn, ItemAP, "-113"},
		{DocTransfer, "", "0"}, {DocMoneyReceipt, "", "0"},
	} {
		kind, amount := OpenItemOf(c.doc, total)
		if kind != c.kind || !amount.Equal(booksDec(c.amount)) {
			t.Errorf("OpenItemOf(%s) = %s %s, want %s %s", c.doc, kind, amount, c.kind, c.amount)
		}
	}
}

func TestRaiseOpenItem(t *testing.T) {
	cases := []struct {
		doc       string
		terms     int
		total     string
		ok        bool
		kind, amt string
		due       string
	}{
		{DocSalesShipment, 30, "113", true, ItemAR, "113", "2026-12-28"},
		{DocSalesReturn, 30, "56.5", true, ItemAR, "-56.5", "2026-12-28"},
		{DocPurchaseReceipt, 0, "1000", true, ItemAP, "1000", "2026-11-28"},
		{DocPurchaseReturn, 45, "10", true, ItemAP, "-10", "2027-01-12"},
		{DocStocktake, 30, "10", false, "", "0", ""},
	}
	for _, c := range cases {
		it, ok := RaiseOpenItem(DocRef{Type: c.doc, ID: 7, Number: "X-1"}, 3, c.terms, "2026-11-28", booksDec(c.total))
		if ok != c.ok {
			t.Errorf("%s: ok = %v", c.doc, ok)
			continue
		}
		if !ok {
			continue
		}
		if it.Kind != c.kind || !it.Amount.Equal(booksDec(c.amt)) || !it.Open.Equal(it.Amount) || it.DueDate != c.due ||
			it.Date != "2026-11-28" || it.PartnerID != 3 || it.DocID != 7 || it.DocNumber != "X-1" || it.DocType != c.doc {
			t.Errorf("%s: %+v", c.doc, it)
		}
	}
}

// booksItems builds a partner's open items from "id:open[:doctype]" in the
// order given (due date, id).
func booksItems(specs ...string) []OpenItem {
	out := make([]OpenItem, len(specs))
	for i, s := range specs {
		parts := strings.Split(s, ":")
		var id int64
		fmt.Sscan(parts[0], &id)
		it := OpenItem{ID: id, PartnerID: 1, Kind: ItemAR, Open: booksDec(parts[1]), DocType: DocSalesShipment}
		it.Amount = it.Open
		if len(parts) > 2 {
			it.DocType = parts[2]
		}
		out[i] = it
	}
	return out
}

func TestSettleFIFO(t *testing.T) {
	at := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		items []string
		want  string // "debit<-credit amount (debitOpen, creditOpen)" per step
		open  string // the open amounts after, in order
	}{
		{"nothing to settle: only debits", []string{"1:100", "2:50"}, "", "100 50"},
		{"nothing to settle: only credits", []string{"1:-100"}, "", "-100"},
		{"a credit settles the oldest debit whole and the next partly",
			[]string{"1:100", "2:50", "3:-120:" + DocMoneyReceipt},
			"1<-3 100 (0,-20) 2<-3 20 (30,0)", "0 30 0"},
		{"credits in turn, oldest first; a partly settled debit is finished by the next",
			[]string{"1:-30:" + DocSalesReturn, "2:100", "3:-100:" + DocMoneyReceipt, "4:50"},
			"2<-1 30 (70,0) 2<-3 70 (0,-30) 4<-3 30 (20,0)", "0 0 0 20"},
		{"a prepayment larger than every bill stays partly open (预收)",
			[]string{"1:-500:" + DocMoneyReceipt, "2:200"},
			"2<-1 200 (0,-300)", "-300 0"},
		{"exact amounts close both", []string{"1:80", "2:-80:" + DocMoneyReceipt}, "1<-2 80 (0,0)", "0 0"},
		{"cents", []string{"1:0.01", "2:99.99", "3:-50.005"}, "1<-3 0.01 (0,-49.995) 2<-3 49.995 (49.995,0)", "0 49.995 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			its := booksItems(c.items...)
			steps := SettleFIFO(its, at)
			var got []string
			for _, s := range steps {
				if !s.CreatedAt.Equal(at) {
					t.Errorf("created at %s", s.CreatedAt)
				}
				got = append(got, fmt.Sprintf("%d<-%d %s (%s,%s)", s.DebitItemID, s.CreditItemID, s.Amount, s.DebitOpen, s.CreditOpen))
			}
			if strings.Join(got, " ") != c.want {
				t.Errorf("steps %q, want %q", strings.Join(got, " "), c.want)
			}
			var open []string
			for _, it := range its {
				open = append(open, it.Open.String())
			}
			if strings.Join(open, " ") != c.open {
				t.Errorf("open %q, want %q", strings.Join(open, " "), c.open)
			}
			// Each step names the credit's document: an advance used up
			// books 预收冲应收.
			for _, s := range steps {
				for _, it := range its {
					if it.ID == s.CreditItemID && s.CreditDocType != it.DocType {
						t.Errorf("step %+v: credit doc type %s", s, it.DocType)
					}
				}
			}
		})
	}
}

func TestSettle(t *testing.T) {
	at := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	cases := []struct {
		name           string
		debit, credit  string
		amount         string
		otherPartner   bool
		field, message string // "" allowed
		dOpen, cOpen   string
	}{
		{"partial", "100", "-150", "60", false, "", "", "40", "-90"},
		{"whole", "100", "-100", "100", false, "", "", "0", "0"},
		{"over the bill", "100", "-150", "100.01", false, "amount", "B-1 未核销余额只有 100.00", "100", "-150"},
		{"over the credit", "100", "-50", "60", false, "amount", "C-1 可核销余额只有 50.00", "100", "-50"},
		{"zero", "100", "-50", "0", false, "amount", "核销金额必须大于零", "100", "-50"},
		{"negative", "100", "-50", "-1", false, "amount", "核销金额必须大于零", "100", "-50"},
		{"another partner's credit", "100", "-50", "10", true, "open_item_id", "核销双方应是同一往来单位的同类款项", "100", "-50"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := OpenItem{ID: 1, PartnerID: 1, Kind: ItemAR, DocNumber: "B-1", Open: booksDec(c.debit)}
			cr := OpenItem{ID: 2, PartnerID: 1, Kind: ItemAR, DocNumber: "C-1", DocType: DocMoneyReceipt, Open: booksDec(c.credit)}
			if c.otherPartner {
				cr.PartnerID = 2
			}
			al, err := Settle(&d, &cr, booksDec(c.amount), at)
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if al.DebitItemID != 1 || al.CreditItemID != 2 || !al.Amount.Equal(booksDec(c.amount)) || al.CreditDocType != DocMoneyReceipt {
					t.Errorf("allocation %+v", al)
				}
			} else if e := AsError(err); e == nil || e.Kind != KindInvalid || e.Field != c.field || e.Message != c.message {
				t.Errorf("err = %v, want %s: %s", err, c.field, c.message)
			}
			if !d.Open.Equal(booksDec(c.dOpen)) || !cr.Open.Equal(booksDec(c.cOpen)) {
				t.Errorf("open after: %s %s, want %s %s", d.Open, cr.Open, c.dOpen, c.cOpen)
			}
		})
	}
}
