package domain

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func decs(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = d(s)
	}
	return out
}

func joinDecs(ds []decimal.Decimal) string {
	s := make([]string, len(ds))
	for i, x := range ds {
		s[i] = x.String()
	}
	return strings.Join(s, " ")
}

func TestRunningCents(t *testing.T) {
	cases := []struct {
		name              string
		in                []decimal.Decimal
		amounts, balances string
	}{
		{"already in 分", decs("10.01", "-3.5", "9.99"), "10.01 -3.5 9.99", "10.01 6.51 16.5"},
		{"thirds: the last out takes what is left", decs("10", "-3.3333", "-3.3333", "-3.3334"), "10 -3.33 -3.34 -3.33", "10 6.67 3.33 0"},
		{"half a cent up, and away from zero below zero", decs("0.005", "-0.01", "0.0049"), "0.01 -0.02 0.01", "0.01 -0.01 0"},
		{"an empty history", nil, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, run := RunningCents(c.in)
			if got := joinDecs(out); got != c.amounts {
				t.Errorf("amounts %q, want %q", got, c.amounts)
			}
			if got := joinDecs(run); got != c.balances {
				t.Errorf("balances %q, want %q", got, c.balances)
			}
			sum := Zero
			for i, a := range out {
				sum = sum.Add(a)
				if !sum.Equal(run[i]) || !a.Equal(RoundAmount(a)) || a.Sub(c.in[i]).Abs().GreaterThan(d("0.01")) {
					t.Fatalf("move %d: %s, running %s vs %s", i, a, sum, run[i])
				}
			}
		})
	}
}

func TestRoundVoucherLines(t *testing.T) {
	controlled := func(id int64) bool { return id == 1405 || id == 1122 || id == 2202 }
	line := func(acct int64, side string) VoucherLine {
		kv := strings.SplitN(side, ":", 2)
		l := VoucherLine{AccountID: acct}
		if kv[0] == "d" {
			l.Debit = d(kv[1])
		} else {
			l.Credit = d(kv[1])
		}
		return l
	}
	show := func(ls []VoucherLine) string {
		s := make([]string, len(ls))
		for i, l := range ls {
			if !l.Debit.IsZero() {
				s[i] = fmt.Sprintf("%d:d:%s", l.AccountID, l.Debit)
			} else {
				s[i] = fmt.Sprintf("%d:c:%s", l.AccountID, l.Credit)
			}
		}
		return strings.Join(s, " ")
	}
	cases := []struct {
		name    string
		lines   []VoucherLine
		want    string
		changed bool
	}{
		{"in 分 already", []VoucherLine{line(5401, "d:3.5"), line(1405, "c:3.5")}, "5401:d:3.5 1405:c:3.5", false},
		{"both sides round alike", []VoucherLine{line(5401, "d:3.3333"), line(1405, "c:3.3333")}, "5401:d:3.33 1405:c:3.33", true},
		// 1405 100.005 → 100.01, variance 0.0049 → 0: the debits exceed the
		// payable by a cent, which the variance (not 1405) gives back.
		{"residue on the uncontrolled line", []VoucherLine{line(1405, "d:100.005"), line(5401, "d:-0.0049"), line(2202, "c:100.0001")},
			"1405:d:100.01 5401:d:-0.01 2202:c:100", true},
		{"residue raises a credit line", []VoucherLine{line(1405, "d:2.005"), line(1122, "d:1"), line(5001, "c:3.0049")},
			"1405:d:2.01 1122:d:1 5001:c:3.01", true},
		{"every line controlled: the largest", []VoucherLine{line(1405, "d:1.005"), line(1122, "c:0.5025"), line(1122, "c:0.5025")},
			"1405:d:1 1122:c:0.5 1122:c:0.5", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			changed, err := RoundVoucherLines(c.lines, controlled)
			if err != nil {
				t.Fatal(err)
			}
			if got := show(c.lines); got != c.want || changed != c.changed {
				t.Fatalf("got %s (changed %v), want %s (changed %v)", got, changed, c.want, c.changed)
			}
			v := Voucher{Date: "2026-11-30", Lines: c.lines}
			if err := v.Check(AmountScale); err != nil {
				t.Fatalf("rounded voucher: %v", err)
			}
		})
	}
	if _, err := RoundVoucherLines(nil, controlled); err == nil {
		t.Fatal("rounded a voucher without lines")
	}
}

func TestStockResidueLines(t *testing.T) {
	for _, diff := range []string{"0.03", "-0.02"} {
		v := Voucher{Date: "2026-11-30", Lines: StockResidueLines(d(diff), 1, 2, "尾差")}
		if err := v.Check(AmountScale); err != nil {
			t.Fatal(err)
		}
		if net := v.Lines[0].Debit.Sub(v.Lines[0].Credit); !net.Equal(d(diff)) || v.Lines[0].AccountID != 1 {
			t.Fatalf("%s: 1405 moves by %s", diff, net)
		}
	}
}

// The proof of 分: receipts at 10.01 and 9.99, then shipments one unit at a
// time. The average (9.998571 after the receipts, then 69.99 / 7 and so
// on) runs to many decimals, but every move is in 分 (19.99 / 2 is 9.995,
// half up to 10.00), the balance
// is the sum of its moves at every step, and the last unit out takes what
// value is left, so the balance ends at exactly zero.
func TestPostingInCents(t *testing.T) {
	k := BalanceKey{ProductID: 1, WarehouseID: 1}
	b := &Balance{ProductID: 1, WarehouseID: 1}
	post := func(f func(p *Posting)) []Move {
		p := stockPosting(DocTransfer, false, b)
		f(p)
		return p.Moves()
	}
	var moves []Move
	moves = append(moves, post(func(p *Posting) { p.In(k, 1, d("3"), d("30.03")) })...) // 3 × 10.01
	moves = append(moves, post(func(p *Posting) { p.In(k, 2, d("4"), d("39.96")) })...) // 4 × 9.99
	mustEq(t, "average", b.AvgCost, d("9.998571"))
	var out []string
	for i := 0; i < 7; i++ {
		moves = append(moves, post(func(p *Posting) {
			if _, err := p.Out(k, int64(10+i), d("1"), "q"); err != nil {
				t.Fatal(err)
			}
		})...)
		out = append(out, moves[len(moves)-1].Amount.Neg().String())
	}
	if got := strings.Join(out, " "); got != "10 10 10 10 10 10 9.99" {
		t.Fatalf("issued %s", got)
	}
	sum := Zero
	for i, m := range moves {
		sum = sum.Add(m.Amount)
		if !m.Amount.Equal(RoundAmount(m.Amount)) || !m.BalanceValue.Equal(sum) {
			t.Fatalf("move %d: amount %s, balance %s, Σ %s", i, m.Amount, m.BalanceValue, sum)
		}
	}
	if !b.Value.IsZero() || !b.OnHand.IsZero() {
		t.Fatalf("left %s units worth %s", b.OnHand, b.Value)
	}
}
