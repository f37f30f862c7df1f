package domain

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func moveAmounts(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = decimal.RequireFromString(s)
	}
	return out
}

func TestBackfillEventsAndHeader(t *testing.T) {
	tests := []struct {
		docType string
		events  []string
		header  bool
	}{
		{DocTransfer, nil, false},
		{DocStocktake, []string{DocStocktake, EventStocktakeSettle}, false},
		{DocOpening, []string{DocOpening}, false},
		{DocPurchaseReceipt, []string{DocPurchaseReceipt}, true},
		{DocPurchaseReturn, []string{DocPurchaseReturn}, true},
		{DocSalesShipment, []string{DocSalesShipment}, true},
		{DocSalesReturn, []string{DocSalesReturn}, true},
	}
	for _, tt := range tests {
		if got := BackfillEvents(tt.docType); !reflect.DeepEqual(got, tt.events) {
			t.Errorf("BackfillEvents(%s) = %v, want %v", tt.docType, got, tt.events)
		}
		if got := BackfillNeedsHeader(tt.docType); got != tt.header {
			t.Errorf("BackfillNeedsHeader(%s) = %v", tt.docType, got)
		}
	}
}

func TestBackfillAmounts(t *testing.T) {
	tests := []struct {
		name                           string
		doc                            BackfillDoc
		stock, gain, loss, amount, tax string
	}{
		{"receipt", BackfillDoc{Type: DocPurchaseReceipt, Moves: moveAmounts("100", "50.5"), Amount: d("150"), Tax: d("19.5")},
			"150.5", "150.5", "0", "150", "19.5"},
		{"purchase return is negative", BackfillDoc{Type: DocPurchaseReturn, Moves: moveAmounts("-40"), Amount: d("40"), Tax: d("5.2")},
			"-40", "0", "40", "-40", "-5.2"},
		{"sales return is negative", BackfillDoc{Type: DocSalesReturn, Moves: moveAmounts("30"), Amount: d("45"), Tax: d("5.85")},
			"30", "30", "0", "-45", "-5.85"},
		{"stocktake gains and losses apart", BackfillDoc{Type: DocStocktake, Moves: moveAmounts("12.34567", "-2.00004", "0")},
			"10.3456", "12.3457", "2", "0", "0"},
		{"header ignored without a partner", BackfillDoc{Type: DocOpening, Moves: moveAmounts("7"), Amount: d("99"), Tax: d("1")},
			"7", "7", "0", "0", "0"},
	}
	for _, tt := range tests {
		got := tt.doc.Amounts()
		if !got.Stock.Equal(d(tt.stock)) || !got.Gain.Equal(d(tt.gain)) || !got.Loss.Equal(d(tt.loss)) ||
			!got.Amount.Equal(d(tt.amount)) || !got.Tax.Equal(d(tt.tax)) {
			t.Errorf("%s: %+v", tt.name, got)
		}
	}
}

func TestBackfillVouchers(t *testing.T) {
	templates := map[string]VoucherTemplate{}
	for _, tpl := range StandardTemplates() {
		templates[tpl.Event] = tpl
	}
	codes := map[string]int64{}
	account := func(code string) int64 {
		if codes[code] == 0 {
			codes[code] = int64(len(codes) + 1)
		}
		return codes[code]
	}
	// 23:30 UTC on 31 October is 1 November in Shanghai: the voucher's date.
	posted := time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC)
	partner := int64(9)
	t.Run("OK receipt", func(t *testing.T) {
		doc := BackfillDoc{Type: DocPurchaseReceipt, ID: 4, Number: "PR-1", PostedAt: posted, CreatedBy: 2,
			Moves: moveAmounts("100"), PartnerID: &partner, Amount: d("100"), Tax: d("13")}
		vs, err := doc.Vouchers(templates, account)
		if err != nil || len(vs) != 1 {
			t.Fatalf("Vouchers = %v, %v", vs, err)
		}
		v := vs[0]
		if v.Date != "2026-11-01" || v.Period != "2026-11" || v.Source != DocPurchaseReceipt || v.SourceID != 4 || v.SourceNo != "PR-1" ||
			v.CreatedBy != 2 || v.Attachments != 1 || !v.Debit.Equal(d("113")) || !strings.HasSuffix(v.Remark, "（启用总账前的单据补记）") {
			t.Fatalf("voucher = %+v", v)
		}
		for _, l := range v.Lines {
			if l.AccountID == codes["2202"] && (l.PartnerID == nil || *l.PartnerID != 9) {
				t.Fatalf("the payable names no partner: %+v", l)
			}
		}
	})
	t.Run("OK stocktake settles", func(t *testing.T) {
		doc := BackfillDoc{Type: DocStocktake, Number: "ST-1", PostedAt: posted, Moves: moveAmounts("5", "-3")}
		vs, err := doc.Vouchers(templates, account)
		if err != nil || len(vs) != 2 || !vs[0].Debit.Equal(d("8")) || !vs[1].Debit.Equal(d("8")) {
			t.Fatalf("Vouchers = %v, %v", vs, err)
		}
	})
	t.Run("OK nothing", func(t *testing.T) {
		for _, doc := range []BackfillDoc{
			{Type: DocTransfer, PostedAt: posted, Moves: moveAmounts("5", "-5")},
			{Type: DocOpening, PostedAt: posted, Moves: moveAmounts("0")},         // worth nothing
			{Type: "assembly", PostedAt: posted, Moves: moveAmounts("5")},         // no template
			{Type: DocStocktake, PostedAt: posted, Moves: moveAmounts("0.00001")}, // rounds to nothing
		} {
			if vs, err := doc.Vouchers(templates, account); err != nil || len(vs) != 0 {
				t.Errorf("%s: Vouchers = %v, %v", doc.Type, vs, err)
			}
		}
	})
	t.Run("ErrUnbookable", func(t *testing.T) {
		doc := BackfillDoc{Type: DocOpening, Number: "OB-1", PostedAt: posted, Moves: moveAmounts("5")}
		_, err := doc.Vouchers(templates, func(string) int64 { return 0 }) // the chart lacks the accounts
		if err == nil || !strings.HasPrefix(err.Error(), "backfill OB-1: ") || ErrorKind(err) != KindInvalid {
			t.Fatalf("Vouchers = %v", err)
		}
	})
}
