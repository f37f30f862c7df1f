package domain

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func mustEq(t *testing.T, what string, got, want decimal.Decimal) {
	t.Helper()
	if !got.Equal(want) {
		t.Fatalf("%s = %s, want %s", what, got, want)
	}
}

func newPosting(allowNeg bool, bs ...*Balance) *Posting {
	whs := map[int64]Warehouse{1: {ID: 1, Name: "主仓", AllowNegative: allowNeg}, 2: {ID: 2, Name: "分仓"}}
	prods := map[int64]Product{1: {ID: 1, SKU: "A001"}}
	return NewPosting(DocRef{Type: DocTransfer, ID: 1, Number: "TR1"}, time.Now(), 1, bs, whs, prods)
}

func TestMovingAverage(t *testing.T) {
	k := BalanceKey{ProductID: 1, WarehouseID: 1}
	b := &Balance{ProductID: 1, WarehouseID: 1}
	p := newPosting(false, b)
	p.In(k, 1, d("100"), d("1000")) // 100 @ 10
	p.In(k, 2, d("100"), d("1300")) // 100 @ 13
	mustEq(t, "avg", b.AvgCost, d("11.5"))
	mustEq(t, "value", b.Value, d("2300"))

	amt, err := p.Out(k, 3, d("150"), "lines[0].qty")
	if err != nil {
		t.Fatal(err)
	}
	mustEq(t, "issue amount", amt, d("1725"))
	mustEq(t, "on hand", b.OnHand, d("50"))
	mustEq(t, "avg after issue", b.AvgCost, d("11.5"))

	// Issue the rest: the whole remaining value leaves, no residue.
	amt, _ = p.Out(k, 4, d("50"), "lines[0].qty")
	mustEq(t, "final issue", amt, d("575"))
	mustEq(t, "value", b.Value, Zero)

	var sumQty, sumAmt decimal.Decimal
	for _, m := range p.Moves() {
		sumQty, sumAmt = sumQty.Add(m.Qty), sumAmt.Add(m.Amount)
	}
	mustEq(t, "Σ qty", sumQty, b.OnHand)
	mustEq(t, "Σ amount", sumAmt, b.Value)
}

func TestIssueRoundingLeavesNoResidue(t *testing.T) {
	k := BalanceKey{ProductID: 1, WarehouseID: 1}
	b := &Balance{ProductID: 1, WarehouseID: 1}
	p := newPosting(false, b)
	p.In(k, 1, d("3"), d("10")) // 3.333333 each
	for i := 0; i < 3; i++ {
		if _, err := p.Out(k, 2, d("1"), "qty"); err != nil {
			t.Fatal(err)
		}
	}
	mustEq(t, "on hand", b.OnHand, Zero)
	mustEq(t, "value", b.Value, Zero)
}

func TestNegativeStockRefused(t *testing.T) {
	k := BalanceKey{ProductID: 1, WarehouseID: 2}
	b := &Balance{ProductID: 1, WarehouseID: 2, OnHand: d("40"), Value: d("400"), AvgCost: d("10")}
	p := newPosting(false, b)
	_, err := p.Out(k, 1, d("41"), "lines[0].qty")
	if !errors.Is(err, ErrInsufficientStock) {
		t.Fatalf("err = %v, want insufficient_stock", err)
	}
	e := AsError(err)
	if e.Field != "lines[0].qty" || e.Details["available"] != "40" || e.Kind != KindInvalid {
		t.Fatalf("error = %+v", e)
	}
	mustEq(t, "on hand untouched", b.OnHand, d("40"))
	if len(p.Moves()) != 0 {
		t.Fatalf("refused issue wrote %d moves", len(p.Moves()))
	}
}

func TestReservedIsNotAvailable(t *testing.T) {
	k := BalanceKey{ProductID: 1, WarehouseID: 2}
	b := &Balance{ProductID: 1, WarehouseID: 2, OnHand: d("40"), Reserved: d("30"), Value: d("400"), AvgCost: d("10")}
	p := newPosting(false, b)
	if _, err := p.Out(k, 1, d("11"), "qty"); !errors.Is(err, ErrInsufficientStock) {
		t.Fatalf("err = %v", err)
	}
	if _, err := p.Out(k, 1, d("10"), "qty"); err != nil {
		t.Fatal(err)
	}
}

func TestNegativeStockAllowedThenRefilled(t *testing.T) {
	k := BalanceKey{ProductID: 1, WarehouseID: 1}
	b := &Balance{ProductID: 1, WarehouseID: 1, OnHand: d("10"), Value: d("50"), AvgCost: d("5")}
	p := newPosting(true, b)
	amt, err := p.Out(k, 1, d("15"), "qty")
	if err != nil {
		t.Fatal(err)
	}
	mustEq(t, "issue into negative", amt, d("75")) // 50 + 5×5
	mustEq(t, "on hand", b.OnHand, d("-5"))
	mustEq(t, "value", b.Value, d("-25"))

	// 20 arrive at 8: the 5 sold short are re-valued at 8, 15 remain at 8.
	p.In(k, 2, d("20"), d("160"))
	mustEq(t, "on hand", b.OnHand, d("15"))
	mustEq(t, "value", b.Value, d("120"))
	mustEq(t, "avg", b.AvgCost, d("8"))
	moves := p.Moves()
	last := moves[len(moves)-1]
	if last.Kind != MoveAdjustment || !last.Amount.Equal(d("-15")) {
		t.Fatalf("adjustment move = %+v", last)
	}
	var sum decimal.Decimal
	for _, m := range moves {
		sum = sum.Add(m.Amount)
	}
	mustEq(t, "Σ amount = value - opening", sum, b.Value.Sub(d("50")))
}

func TestSortKeysDedupes(t *testing.T) {
	keys := SortKeys([]BalanceKey{{2, 1, ""}, {1, 2, ""}, {1, 1, "B"}, {1, 1, "A"}, {2, 1, ""}})
	want := []BalanceKey{{1, 1, "A"}, {1, 1, "B"}, {1, 2, ""}, {2, 1, ""}}
	if len(keys) != len(want) {
		t.Fatalf("keys = %v", keys)
	}
	for i := range want {
		if keys[i] != want[i] {
			t.Fatalf("keys = %v, want %v", keys, want)
		}
	}
}

func TestUnitConversion(t *testing.T) {
	ge := Unit{ID: 1, Name: "个", Ratio: d("1")}
	base := int64(1)
	xiang := Unit{ID: 2, Name: "箱", BaseUnitID: &base, Ratio: d("12")}
	other := Unit{ID: 3, Name: "千克", Ratio: d("1")}

	got, err := ConvertQty(d("2"), xiang, ge)
	if err != nil {
		t.Fatal(err)
	}
	mustEq(t, "2 箱 → 个", got, d("24"))
	got, err = ConvertQty(d("36"), ge, xiang)
	if err != nil {
		t.Fatal(err)
	}
	mustEq(t, "36 个 → 箱", got, d("3"))
	if _, err := ConvertQty(d("1"), ge, xiang); err == nil {
		t.Fatal("1 个 → 箱 is not exact at 4 places and must be refused")
	}
	if _, err := ConvertQty(d("1"), ge, other); err == nil {
		t.Fatal("个 → 千克 must be refused")
	}
	bad := Unit{ID: 4, Name: "包", BaseUnitID: &base, Ratio: d("0")}
	if err := bad.Validate(); err == nil || AsError(err).Field != "ratio" {
		t.Fatalf("ratio 0 must be refused on ratio, got %v", err)
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, ok := range map[string]bool{"short1": false, "allletters": false, "12345678901": false, "password123": false,
		"admin2026x": false, "Tr0ub4dor&3": true, "仓库2026abc": true} {
		err := CheckPassword("password", "admin", pw)
		if (err == nil) != ok {
			t.Errorf("CheckPassword(%q) = %v, want ok=%v", pw, err, ok)
		}
	}
}
