package domain

import (
	"testing"

	"github.com/shopspring/decimal"
)

func booksStatement(rows []StatementLine) map[int]StatementLine {
	out := map[int]StatementLine{}
	for _, r := range rows {
		out[r.Line] = r
	}
	return out
}

func TestIncomeStatement(t *testing.T) {
	chart := booksChart()
	// The year: sales 3000, cost 1800, 5403 taxes 30, 5601 200, 5602 300,
	// 5603 interest 10, investment income 50, 营业外 in 20 / out 40, tax 150.
	year := booksTotals(t, chart, "5001:-2800", "5051:-200", "5401:1700", "5402:100", "5403:30", "5601:200", "5602:300",
		"5603:10", "5111:-50", "5301:-20", "5711:40", "5801:150")
	month := booksTotals(t, chart, "5001:-1000", "5401:600", "5602:100")
	rows := IncomeStatement(chart, year, month)
	if len(rows) != 13 {
		t.Fatalf("%d lines", len(rows))
	}
	got := booksStatement(rows)
	for line, want := range map[int][2]string{
		1: {"3000", "1000"}, 2: {"1800", "600"}, 3: {"30", "0"}, 11: {"200", "0"}, 14: {"300", "100"}, 18: {"10", "0"},
		20: {"50", "0"}, 21: {"710", "300"}, 22: {"20", "0"}, 24: {"40", "0"}, 30: {"690", "300"}, 31: {"150", "0"}, 32: {"540", "300"},
	} {
		if !got[line].Col1.Equal(booksDec(want[0])) || !got[line].Col2.Equal(booksDec(want[1])) {
			t.Errorf("利润表 line %d %s = %s / %s, want %s / %s", line, got[line].Item, got[line].Col1, got[line].Col2, want[0], want[1])
		}
	}
	if !got[32].Total || got[1].Total || got[32].Item != "四、净利润" {
		t.Errorf("totals marked wrong: %+v %+v", got[32], got[1])
	}
}

func TestBalanceSheet(t *testing.T) {
	chart := booksChart()
	// Capital 1000 in the bank; goods 400 bought on credit; sales of 300
	// (cost 200) on credit, not yet closed (the profit sits in 损益).
	// Customer 1 owes 350, customer 2 paid 50 ahead through 1122; supplier
	// 3 is owed 450, supplier 4 was paid 50 ahead through 2202.
	end := SheetBalances{
		Totals: booksTotals(t, chart, "1002:1000", "3001:-1000", "1405:400", "2202:-400", "1122:300", "5001:-300", "5401:200", "1405:-200"),
		Partners: map[string]map[int64]decimal.Decimal{
			AcctReceivable: {1: booksDec("350"), 2: booksDec("-50")},
			AcctPayable:    {3: booksDec("-450"), 4: booksDec("50")},
		},
	}
	begin := SheetBalances{Totals: booksTotals(t, chart, "1002:1000", "3001:-1000")}
	rows, balanced := BalanceSheet(chart, end, begin)
	if !balanced {
		t.Fatal("does not balance")
	}
	got := booksStatement(rows)
	for line, want := range map[int][2]string{
		1: {"1000", "1000"}, 4: {"350", "0"}, 5: {"50", "0"}, 9: {"200", "0"}, 15: {"1600", "1000"}, 30: {"1600", "1000"},
		33: {"450", "0"}, 34: {"50", "0"}, 41: {"500", "0"}, 47: {"500", "0"}, 48: {"1000", "1000"}, 51: {"100", "0"},
		52: {"1100", "1000"}, 53: {"1600", "1000"},
	} {
		if !got[line].Col1.Equal(booksDec(want[0])) || !got[line].Col2.Equal(booksDec(want[1])) {
			t.Errorf("资产负债表 line %d %s = %s / %s, want %s / %s", line, got[line].Item, got[line].Col1, got[line].Col2, want[0], want[1])
		}
	}
	// One-sided books do not balance.
	end.Totals = booksTotals(t, chart, "1002:1")
	if _, ok := BalanceSheet(chart, end, begin); ok {
		t.Fatal("a one-sided entry balanced")
	}
	if codes := ReclassifiedAccounts(); len(codes) != 4 {
		t.Fatalf("reclassified %v", codes)
	}
}
