package domain

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// booksChart is StandardChart as accounts with ids (index+1) and parents,
// plus extra sub-accounts (code, name) under their parents.
func booksChart(extra ...string) []Account {
	entries := append([]ChartEntry(nil), StandardChart...)
	for i := 0; i+1 < len(extra); i += 2 {
		entries = append(entries, ChartEntry{Code: extra[i], Name: extra[i+1]})
	}
	out := make([]Account, 0, len(entries))
	ids := map[string]int64{}
	for i, e := range entries {
		a := Account{ID: int64(i + 1), Code: e.Code, Name: e.Name, Category: e.Category, Normal: e.Normal, Level: 1, Status: StatusActive}
		for c := e.Code[:len(e.Code)-2]; len(c) >= 4; c = c[:len(c)-2] {
			if pid, ok := ids[c]; ok {
				p := out[pid-1]
				pid := pid
				a.ParentID, a.Level = &pid, p.Level+1
				if a.Category == "" {
					a.Category, a.Normal = p.Category, p.Normal
				}
				break
			}
		}
		ids[e.Code] = a.ID
		out = append(out, a)
	}
	SortAccounts(out)
	return out
}

// booksTotals builds totals from "code:amount" pairs, debit positive.
func booksTotals(t *testing.T, accounts []Account, pairs ...string) map[int64]Totals {
	t.Helper()
	ids := map[string]int64{}
	for _, a := range accounts {
		ids[a.Code] = a.ID
	}
	out := map[int64]Totals{}
	for _, p := range pairs {
		code, amt, _ := strings.Cut(p, ":")
		id, ok := ids[code]
		if !ok {
			t.Fatalf("no account %s", code)
		}
		d := decimal.RequireFromString(amt)
		tt := out[id]
		if d.IsNegative() {
			tt.Credit = tt.Credit.Add(d.Neg())
		} else {
			tt.Debit = tt.Debit.Add(d)
		}
		out[id] = tt
	}
	return out
}

// booksVoucherText renders a voucher as "remark: code±amount …" in line order
// (D for a debit, C for a credit, each with its sign), for comparing.
func booksVoucherText(accounts []Account, v Voucher) string {
	codes := map[int64]string{}
	for _, a := range accounts {
		codes[a.ID] = a.Code
	}
	parts := []string{v.Remark + ":"}
	for _, l := range v.Lines {
		side, amt := "D", l.Debit
		if l.Debit.IsZero() {
			side, amt = "C", l.Credit
		}
		parts = append(parts, fmt.Sprintf("%s%s%s", codes[l.AccountID], side, amt))
	}
	return strings.Join(parts, " ")
}

func TestClosingEntries(t *testing.T) {
	chart := booksChart("560201", "办公费", "560202", "差旅费")
	cases := []struct {
		name, period    string
		through, month  []string
		want            []string
		profit, due, ov string
	}{
		{
			name:   "ordinary month: VAT payable and a profit",
			period: "2026-11",
			through: []string{"1122:1130", "5001:-1000", "22210107:-130", "1405:-600", "5401:600",
				"1405:500", "22210101:78", "2202:-578"},
			want: []string{
				"结转本月未交增值税: 22210104D52 222102C52",
				"结转本月损益: 5001D1000 5401C600 3103C400"},
			profit: "400", due: "52", ov: "0",
		},
		{
			name:   "留抵: input VAT beyond output stays, this month's overpayment moves",
			period: "2026-11",
			through: []string{"22210101:200", "22210107:-100", "22210103:30", "1002:-30",
				"5001:-500", "5401:450", "1122:50"},
			month:  []string{"22210103:30"},
			want:   []string{"结转本月多交增值税: 222102D30 22210110C30", "结转本月损益: 5001D500 5401C450 3103C50"},
			profit: "50", due: "0", ov: "30",
		},
		{
			name:    "留抵 without prepayment: nothing moves",
			period:  "2026-11",
			through: []string{"22210101:200", "22210107:-100", "1002:-100"},
			want:    []string{},
			profit:  "0", due: "0", ov: "0",
		},
		{
			name:   "December: the month's and the year's profit, and 利润分配's sub-accounts",
			period: "2026-12",
			// 3103 holds January–November's 1000; 310401 took 100 this year.
			through: []string{"3103:-1000", "1002:1000", "5001:-300", "1122:300", "310401:100", "1001:-100"},
			want: []string{
				"结转本月损益: 5001D300 3103C300",
				"结转本年利润: 3103D1300 310409C1300",
				"结转利润分配明细: 310401C100 310409D100"},
			profit: "300", due: "0", ov: "0",
		},
		{
			name:    "no P&L activity: no 损益 voucher",
			period:  "2026-10",
			through: []string{"1002:100", "3001:-100"},
			want:    []string{},
			profit:  "0", due: "0", ov: "0",
		},
		{
			name:   "a loss: 3103 is debited",
			period: "2026-10",
			through: []string{"5001:-100", "5401:80", "560201:50", "560202:20", "1122:100", "1405:-80",
				"1002:-70"},
			want:   []string{"结转本月损益: 5001D100 5401C80 560201C50 560202C20 3103D50"},
			profit: "-50", due: "0", ov: "0",
		},
		{
			// A red credit to 3103 would leave the voucher without a debit.
			name:    "only expenses: the loss is a debit to 3103",
			period:  "2026-10",
			through: []string{"560201:30", "1002:-30"},
			want:    []string{"结转本月损益: 560201C30 3103D30"},
			profit:  "-30", due: "0", ov: "0",
		},
		{
			name:    "December of a loss year with no activity in December",
			period:  "2025-12",
			through: []string{"3103:200", "1002:-200"},
			want:    []string{"结转本年利润: 3103D-200 310409C-200"},
			profit:  "0", due: "0", ov: "0",
		},
		{
			name:    "revenue and expense that cancel: a voucher, no profit",
			period:  "2026-03",
			through: []string{"5001:-100", "5603:100"},
			want:    []string{"结转本月损益: 5001D100 5603C100"},
			profit:  "0", due: "0", ov: "0",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			books := ClosingBooks{Accounts: chart, Through: booksTotals(t, chart, c.through...), Month: booksTotals(t, chart, c.month...)}
			got, err := ClosingEntries(c.period, books)
			if err != nil {
				t.Fatal(err)
			}
			_, last := PeriodEnd(c.period)
			var texts []string
			for _, v := range got.Vouchers {
				if v.Date != last || v.Source != VoucherClosing || v.Period != c.period || !v.Debit.Equal(v.Credit) {
					t.Errorf("voucher %+v: want dated %s, closing, balanced", v, last)
				}
				texts = append(texts, booksVoucherText(chart, v))
			}
			if strings.Join(texts, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("vouchers\n%s\nwant\n%s", strings.Join(texts, "\n"), strings.Join(c.want, "\n"))
			}
			for name, pair := range map[string][2]decimal.Decimal{
				"profit": {got.Profit, decimal.RequireFromString(c.profit)},
				"due":    {got.VATDue, decimal.RequireFromString(c.due)},
				"over":   {got.VATOverpaid, decimal.RequireFromString(c.ov)},
			} {
				if !pair[0].Equal(pair[1]) {
					t.Errorf("%s = %s, want %s", name, pair[0], pair[1])
				}
			}
		})
	}
}

func TestClosingEntriesRefusesAMissingAccount(t *testing.T) {
	// Without 3103 the 损益 voucher has a line without an account.
	var chart []Account
	for _, a := range booksChart() {
		if a.Code != AcctProfit {
			chart = append(chart, a)
		}
	}
	_, err := ClosingEntries("2026-11", ClosingBooks{Accounts: chart, Through: booksTotals(t, chart, "5001:-10", "1122:10")})
	if e := AsError(err); e == nil || e.Kind != KindInvalid {
		t.Fatalf("err = %v, want invalid", err)
	}
}

func TestNetOfAndSubAccounts(t *testing.T) {
	chart := booksChart()
	tot := booksTotals(t, chart, "22210101:78", "22210107:-130", "222102:-10")
	net := NetOf(chart, tot)
	for code, want := range map[string]string{"2221": "-62", "222101": "-52", "22210101": "78", "1405": "0"} {
		if got := net(code); !got.Equal(decimal.RequireFromString(want)) {
			t.Errorf("net(%s) = %s, want %s", code, got, want)
		}
	}
	for _, c := range []struct {
		code, parent string
		want         bool
	}{{"310401", "3104", true}, {"3104", "3104", false}, {"31040101", "3104", true}, {"3103", "3104", false}, {"31", "3104", false}} {
		if IsSubAccountOf(c.code, c.parent) != c.want {
			t.Errorf("IsSubAccountOf(%s, %s) != %v", c.code, c.parent, c.want)
		}
	}
	// The chart helper itself: sub-accounts know their parents.
	byCode := map[string]Account{}
	for _, a := range chart {
		byCode[a.Code] = a
	}
	if p := byCode["22210101"].ParentID; p == nil || *p != byCode["222101"].ID || byCode["22210101"].Level != 3 {
		t.Fatalf("chart parents: %+v", byCode["22210101"])
	}
	if !sort.SliceIsSorted(chart, func(i, j int) bool { return chart[i].Code < chart[j].Code }) {
		t.Fatal("chart not by code")
	}
}
