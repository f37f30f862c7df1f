package domain

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// stockAt is the fixed posting time of these tests: 10:00 in Shanghai.
var stockAt = time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)

// stockPosting posts a document of docType over bs. Warehouse 1 (主仓)
// allows negative stock when allowNeg; warehouse 2 (分仓) never does.
// Product 1 (A001) is untracked, product 2 (B002) batch-tracked (批次).
func stockPosting(docType string, allowNeg bool, bs ...*Balance) *Posting {
	whs := map[int64]Warehouse{1: {ID: 1, Name: "主仓", AllowNegative: allowNeg}, 2: {ID: 2, Name: "分仓"}}
	prods := map[int64]Product{1: {ID: 1, SKU: "A001"}, 2: {ID: 2, SKU: "B002", BatchTracked: true}}
	return NewPosting(DocRef{Type: docType, ID: 77, Number: "DOC-77"}, stockAt, 5, bs, whs, prods)
}

// stockMoveSummary lists kind:amount of each move, for compact comparisons.
func stockMoveSummary(ms []Move) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.Kind + ":" + m.Amount.String()
	}
	return strings.Join(parts, " ")
}

func sumAmounts(ms []Move) decimal.Decimal {
	sum := Zero
	for _, m := range ms {
		sum = sum.Add(m.Amount)
	}
	return sum
}

func TestBalanceKeyLess(t *testing.T) {
	cases := []struct {
		a, b BalanceKey
		want bool
	}{
		{BalanceKey{1, 9, "Z"}, BalanceKey{2, 0, ""}, true}, // product first
		{BalanceKey{2, 0, ""}, BalanceKey{1, 9, "Z"}, false},
		{BalanceKey{1, 1, "Z"}, BalanceKey{1, 2, ""}, true}, // then warehouse
		{BalanceKey{1, 2, ""}, BalanceKey{1, 1, "Z"}, false},
		{BalanceKey{1, 1, "A"}, BalanceKey{1, 1, "B"}, true}, // then batch
		{BalanceKey{1, 1, ""}, BalanceKey{1, 1, "A"}, true},
		{BalanceKey{1, 1, "A"}, BalanceKey{1, 1, "A"}, false}, // strict
	}
	for _, c := range cases {
		if got := c.a.Less(c.b); got != c.want {
			t.Errorf("%v.Less(%v) = %v", c.a, c.b, got)
		}
	}
	if keys := SortKeys(nil); len(keys) != 0 {
		t.Errorf("SortKeys(nil) = %v", keys)
	}
}

func TestBalanceAvailableAndKey(t *testing.T) {
	cases := []struct{ onHand, reserved, want string }{
		{"40", "30", "10"},
		{"40", "0", "40"},
		{"40", "40", "0"},
		{"-5", "0", "-5"},
		{"10", "12.5", "-2.5"}, // reserved in a warehouse that allows negative stock
	}
	for _, c := range cases {
		b := Balance{OnHand: d(c.onHand), Reserved: d(c.reserved)}
		mustEq(t, "available of "+c.onHand+"-"+c.reserved, b.Available(), d(c.want))
	}
	b := Balance{ID: 9, ProductID: 2, WarehouseID: 3, Batch: "L1"}
	if b.Key() != (BalanceKey{2, 3, "L1"}) {
		t.Fatalf("Key() = %v", b.Key())
	}
}

// Receipts at moving weighted average (移动加权平均), including the
// re-valuation of stock that was sold short.
func TestPostingInCosting(t *testing.T) {
	cases := []struct {
		name                  string
		onHand, value, avg    string
		qty, amount           string
		wantOnHand, wantValue string
		wantAvg               string
		wantMoves             string
	}{
		{"into an empty balance", "0", "0", "0", "3", "10", "3", "10", "3.333333", "in:10"},
		{"averages with what is there", "10", "100", "10", "10", "120", "20", "220", "11", "in:120"},
		{"average rounded to 6 places", "3", "10", "3.333333", "4", "10", "7", "20", "2.857143", "in:10"},
		{"still negative: re-valued at the old average", "-10", "-100", "10", "4", "48", "-6", "-60", "10", "in:48 cost_adjustment:-8"},
		{"back to exactly zero: no value stays", "-5", "-50", "10", "5", "60", "0", "0", "12", "in:60 cost_adjustment:-10"},
		{"back to zero at the same cost: no adjustment", "-5", "-50", "10", "5", "50", "0", "0", "10", "in:50"},
		{"negative to positive at the new cost", "-5", "-25", "5", "20", "160", "15", "120", "8", "in:160 cost_adjustment:-15"},
		{"a free receipt lowers the average", "10", "100", "10", "10", "0", "20", "100", "5", "in:0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := BalanceKey{ProductID: 1, WarehouseID: 1}
			b := &Balance{ProductID: 1, WarehouseID: 1, OnHand: d(c.onHand), Value: d(c.value), AvgCost: d(c.avg)}
			p := stockPosting(DocOpening, true, b)
			p.In(k, 1, d(c.qty), d(c.amount))
			mustEq(t, "on hand", b.OnHand, d(c.wantOnHand))
			mustEq(t, "value", b.Value, d(c.wantValue))
			mustEq(t, "avg", b.AvgCost, d(c.wantAvg))
			if got := stockMoveSummary(p.Moves()); got != c.wantMoves {
				t.Fatalf("moves = %s, want %s", got, c.wantMoves)
			}
			mustEq(t, "Σ amounts = value change", sumAmounts(p.Moves()), b.Value.Sub(d(c.value)))
			if adj := p.Moves()[len(p.Moves())-1]; adj.Kind == MoveAdjustment && (!adj.Qty.IsZero() || !adj.UnitCost.IsZero()) {
				t.Fatalf("an adjustment moves no quantity: %+v", adj)
			}
		})
	}
}

// Issues at the moving average; issuing everything takes the whole value.
func TestPostingOutCosting(t *testing.T) {
	cases := []struct {
		name                  string
		onHand, value, avg    string
		qty                   string
		wantAmount            string
		wantOnHand, wantValue string
		wantUnit              string
	}{
		{"part", "10", "100", "10", "3", "30", "7", "70", "10"},
		{"part rounded to 分", "3", "10", "3.333333", "1", "3.33", "2", "6.67", "3.33"},
		{"everything takes the whole value", "3", "10", "3.333333", "3", "10", "0", "0", "3.333333"},
		{"into negative: value plus the shortfall at average", "10", "50", "5", "15", "75", "-5", "-25", "5"},
		{"already negative", "-5", "-50", "10", "3", "30", "-8", "-80", "10"},
		{"from nothing at no cost", "0", "0", "0", "2", "0", "-2", "0", "0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := BalanceKey{ProductID: 1, WarehouseID: 1}
			b := &Balance{ProductID: 1, WarehouseID: 1, OnHand: d(c.onHand), Value: d(c.value), AvgCost: d(c.avg)}
			p := stockPosting(DocTransfer, true, b)
			amt, err := p.Out(k, 3, d(c.qty), "lines[0].qty")
			if err != nil {
				t.Fatal(err)
			}
			mustEq(t, "amount", amt, d(c.wantAmount))
			mustEq(t, "on hand", b.OnHand, d(c.wantOnHand))
			mustEq(t, "value", b.Value, d(c.wantValue))
			mustEq(t, "avg unchanged by an issue", b.AvgCost, d(c.avg))
			m := p.Moves()[0]
			if len(p.Moves()) != 1 || m.Kind != MoveOut {
				t.Fatalf("moves = %s", stockMoveSummary(p.Moves()))
			}
			mustEq(t, "move qty", m.Qty, d(c.qty).Neg())
			mustEq(t, "move amount", m.Amount, d(c.wantAmount).Neg())
			mustEq(t, "move unit cost", m.UnitCost, d(c.wantUnit))
			mustEq(t, "move balance qty", m.BalanceQty, d(c.wantOnHand))
			mustEq(t, "move balance value", m.BalanceValue, d(c.wantValue))
		})
	}
}

// The one availability rule (可用 = 在手 - 预留), for issues and reservations.
func TestAvailabilityRule(t *testing.T) {
	cases := []struct {
		name      string
		key       BalanceKey
		allowNeg  bool
		qty       string
		reserve   bool
		wantErr   bool
		wantLabel string
	}{
		{"within available", BalanceKey{1, 2, ""}, false, "10", false, false, ""},
		{"one unit over", BalanceKey{1, 2, ""}, false, "10.0001", false, true, "A001 在 分仓 需要 10.0001, 可用 10"},
		{"reservation over", BalanceKey{1, 2, ""}, false, "11", true, true, "可用库存不足，无法预留: A001 在 分仓"},
		{"batch named in the message", BalanceKey{2, 2, "L1"}, false, "11", false, true, "B002 批次 L1 在 分仓"},
		{"negative allowed", BalanceKey{1, 1, ""}, true, "50", false, false, ""},
		{"reservation in a negative warehouse", BalanceKey{1, 1, ""}, true, "50", true, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := &Balance{ProductID: c.key.ProductID, WarehouseID: c.key.WarehouseID, Batch: c.key.Batch,
				OnHand: d("40"), Reserved: d("30"), Value: d("400"), AvgCost: d("10")}
			p := stockPosting(DocTransfer, c.allowNeg, b)
			var err error
			if c.reserve {
				err = p.Reserve(c.key, d(c.qty), "lines[0].qty")
			} else {
				_, err = p.Out(c.key, 1, d(c.qty), "lines[0].qty")
			}
			if !c.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e := AsError(err)
			if !errors.Is(err, ErrInsufficientStock) || e.Field != "lines[0].qty" || !strings.Contains(e.Message, c.wantLabel) {
				t.Fatalf("err = %v, want insufficient_stock with %q", err, c.wantLabel)
			}
			want := map[string]any{"product_id": c.key.ProductID, "sku": map[int64]string{1: "A001", 2: "B002"}[c.key.ProductID],
				"warehouse_id": c.key.WarehouseID, "batch": c.key.Batch, "requested": c.qty, "available": "10"}
			for k, v := range want {
				if e.Details[k] != v {
					t.Errorf("details[%s] = %v, want %v", k, e.Details[k], v)
				}
			}
			mustEq(t, "on hand untouched", b.OnHand, d("40"))
			mustEq(t, "reserved untouched", b.Reserved, d("30"))
			if len(p.Moves()) != 0 || len(p.Changed()) != 0 {
				t.Fatalf("a refused posting changed %d balances, wrote %d moves", len(p.Changed()), len(p.Moves()))
			}
			if ErrInsufficientStock.Field != "" || ErrInsufficientStock.Details != nil {
				t.Fatal("the sentinel picked up this error's field or details")
			}
		})
	}
}

func TestReserveAndRelease(t *testing.T) {
	k := BalanceKey{ProductID: 1, WarehouseID: 2}
	b := &Balance{ProductID: 1, WarehouseID: 2, OnHand: d("40"), Value: d("400"), AvgCost: d("10")}
	p := stockPosting(DocSalesOrder, false, b)
	steps := []struct {
		name         string
		do           func() error
		wantReserved string
		wantErr      bool
	}{
		{"reserve 30", func() error { return p.Reserve(k, d("30"), "lines[0].qty") }, "30", false},
		{"reserve 11 more than the 10 left", func() error { return p.Reserve(k, d("11"), "lines[1].qty") }, "30", true},
		{"reserve the last 10", func() error { return p.Reserve(k, d("10"), "lines[1].qty") }, "40", false},
		{"release 15", func() error { p.Release(k, d("15")); return nil }, "25", false},
		{"release more than is reserved stops at 0", func() error { p.Release(k, d("100")); return nil }, "0", false},
	}
	for _, s := range steps {
		err := s.do()
		if (err != nil) != s.wantErr {
			t.Fatalf("%s: err = %v", s.name, err)
		}
		mustEq(t, s.name+": reserved", b.Reserved, d(s.wantReserved))
		mustEq(t, s.name+": on hand", b.OnHand, d("40"))
	}
	if len(p.Moves()) != 0 {
		t.Fatal("reservations write no stock moves")
	}
	if ch := p.Changed(); len(ch) != 1 || ch[0] != b {
		t.Fatalf("Changed() = %v", ch)
	}
	if b.IdleSince != nil {
		t.Fatal("a reservation is not a movement of goods")
	}
}

// A purchase return (采购退货) leaves at the cost it was received at; the
// average of what stays is re-derived, and an emptied balance keeps no value.
func TestOutAtPurchaseReturn(t *testing.T) {
	cases := []struct {
		name                           string
		onHand, value, avg             string
		qty, amount                    string
		wantOnHand, wantValue, wantAvg string
		wantMoves                      string
	}{
		{"part at the received cost", "10", "110", "11", "4", "48", "6", "62", "10.333333", "out:-48"},
		{"the rest leaves a residue that is cleared", "6", "62", "10.333333", "6", "60", "0", "0", "10.333333", "out:-60 cost_adjustment:-2"},
		{"the rest at exactly its value", "5", "50", "10", "5", "50", "0", "0", "10", "out:-50"},
		{"the rest below its value clears a gain", "5", "50", "10", "5", "55", "0", "0", "10", "out:-55 cost_adjustment:5"},
		{"into negative keeps the average", "2", "20", "10", "5", "60", "-3", "-40", "10", "out:-60"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := BalanceKey{ProductID: 1, WarehouseID: 1}
			b := &Balance{ProductID: 1, WarehouseID: 1, OnHand: d(c.onHand), Value: d(c.value), AvgCost: d(c.avg)}
			p := stockPosting(DocPurchaseReturn, true, b)
			if err := p.OutAt(k, 1, d(c.qty), d(c.amount), "lines[0].qty"); err != nil {
				t.Fatal(err)
			}
			mustEq(t, "on hand", b.OnHand, d(c.wantOnHand))
			mustEq(t, "value", b.Value, d(c.wantValue))
			mustEq(t, "avg", b.AvgCost, d(c.wantAvg))
			if got := stockMoveSummary(p.Moves()); got != c.wantMoves {
				t.Fatalf("moves = %s, want %s", got, c.wantMoves)
			}
			mustEq(t, "Σ amounts = value change", sumAmounts(p.Moves()), b.Value.Sub(d(c.value)))
		})
	}

	k := BalanceKey{ProductID: 1, WarehouseID: 2}
	b := &Balance{ProductID: 1, WarehouseID: 2, OnHand: d("5"), Reserved: d("2"), Value: d("50"), AvgCost: d("10")}
	p := stockPosting(DocPurchaseReturn, false, b)
	if err := p.OutAt(k, 1, d("4"), d("40"), "lines[3].qty"); !errors.Is(err, ErrInsufficientStock) || AsError(err).Field != "lines[3].qty" {
		t.Fatalf("returning reserved goods: err = %v", err)
	}
	mustEq(t, "value untouched", b.Value, d("50"))
}

// A stocktake loss (盘亏) records goods already gone: no availability check,
// and it does not restart the idle period of the slow-moving report.
func TestStocktakeLoss(t *testing.T) {
	k := BalanceKey{ProductID: 1, WarehouseID: 2}
	idle := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	b := &Balance{ProductID: 1, WarehouseID: 2, OnHand: d("10"), Reserved: d("8"), Value: d("100"), AvgCost: d("10"), IdleSince: &idle}
	p := stockPosting(DocStocktake, false, b)
	amt := p.Loss(k, 4, d("4"))
	mustEq(t, "loss amount", amt, d("40"))
	mustEq(t, "on hand", b.OnHand, d("6"))
	mustEq(t, "value", b.Value, d("60"))
	if !b.IdleSince.Equal(idle) {
		t.Fatalf("idle since moved to %s", b.IdleSince)
	}
	m := p.Moves()[0]
	if m.Kind != MoveOut || m.DocType != DocStocktake || m.LineID != 4 || !m.Qty.Equal(d("-4")) {
		t.Fatalf("move = %+v", m)
	}
	// Losing all of it takes the whole value, even below a reservation.
	mustEq(t, "last loss", p.Loss(k, 5, d("6")), d("60"))
	mustEq(t, "value", b.Value, Zero)
}

// IdleSince (呆滞 report) restarts when goods leave, or arrive into an
// empty (or negative) balance; never on a stocktake or a reservation.
func TestIdleSince(t *testing.T) {
	earlier := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	k := BalanceKey{ProductID: 1, WarehouseID: 1}
	cases := []struct {
		name    string
		docType string
		onHand  string
		post    func(p *Posting)
		restart bool
	}{
		{"shipped", DocSalesShipment, "10", func(p *Posting) { p.Out(k, 1, d("1"), "q") }, true},
		{"transferred out", DocTransfer, "10", func(p *Posting) { p.Out(k, 1, d("1"), "q") }, true},
		{"returned to the supplier", DocPurchaseReturn, "10", func(p *Posting) { p.OutAt(k, 1, d("1"), d("10"), "q") }, true},
		{"stocktake loss", DocStocktake, "10", func(p *Posting) { p.Loss(k, 1, d("1")) }, false},
		{"received into stock on hand", DocPurchaseReceipt, "10", func(p *Posting) { p.In(k, 1, d("5"), d("50")) }, false},
		{"received into an empty balance", DocPurchaseReceipt, "0", func(p *Posting) { p.In(k, 1, d("5"), d("50")) }, true},
		{"received into a negative balance", DocPurchaseReceipt, "-3", func(p *Posting) { p.In(k, 1, d("5"), d("50")) }, true},
		{"stocktake gain onto stock on hand", DocStocktake, "10", func(p *Posting) { p.In(k, 1, d("1"), d("10")) }, false},
		{"reserved", DocSalesOrder, "10", func(p *Posting) { p.Reserve(k, d("1"), "q") }, false},
	}
	for _, c := range cases {
		e := earlier
		b := &Balance{ProductID: 1, WarehouseID: 1, OnHand: d(c.onHand), Value: d(c.onHand).Mul(d("10")), AvgCost: d("10"), IdleSince: &e}
		p := stockPosting(c.docType, true, b)
		c.post(p)
		want := earlier
		if c.restart {
			want = stockAt
		}
		if b.IdleSince == nil || !b.IdleSince.Equal(want) {
			t.Errorf("%s: idle since %v, want %s", c.name, b.IdleSince, want)
		}
	}
}

func TestSetExpiry(t *testing.T) {
	k := BalanceKey{ProductID: 2, WarehouseID: 1, Batch: "L1"}
	other := BalanceKey{ProductID: 2, WarehouseID: 1, Batch: "L2"}
	b := &Balance{ProductID: 2, WarehouseID: 1, Batch: "L1"}
	b2 := &Balance{ProductID: 2, WarehouseID: 1, Batch: "L2"}
	p := stockPosting(DocPurchaseReceipt, false, b, b2)

	p.SetExpiry(other, nil)
	if len(p.Changed()) != 0 {
		t.Fatal("no expiry, no change")
	}
	first := "2027-01-31"
	p.SetExpiry(k, &first)
	first = "2099-12-31" // the caller's variable is not kept
	second := "2027-06-30"
	p.SetExpiry(k, &second) // the batch already has an expiry: it stays
	if b.Expiry == nil || *b.Expiry != "2027-01-31" {
		t.Fatalf("expiry = %v", b.Expiry)
	}
	if ch := p.Changed(); len(ch) != 1 || ch[0] != b {
		t.Fatalf("Changed() = %v", ch)
	}
	if got := p.Balance(k); got.Expiry == nil || *got.Expiry != "2027-01-31" {
		t.Fatalf("Balance(k).Expiry = %v", got.Expiry)
	}
}

func TestPostingBookkeeping(t *testing.T) {
	keys := []BalanceKey{{2, 1, "L2"}, {1, 2, ""}, {2, 1, "L1"}, {1, 1, ""}}
	var bs []*Balance
	for _, k := range keys {
		bs = append(bs, &Balance{ProductID: k.ProductID, WarehouseID: k.WarehouseID, Batch: k.Batch,
			OnHand: d("10"), Value: d("100"), AvgCost: d("10")})
	}
	p := stockPosting(DocStocktake, false, bs...)
	if p.Doc() != (DocRef{Type: DocStocktake, ID: 77, Number: "DOC-77"}) {
		t.Fatalf("Doc() = %+v", p.Doc())
	}
	p.In(keys[0], 11, d("5"), d("60"))                         // gain 60
	p.Loss(keys[2], 12, d("3"))                                // loss 30
	p.In(keys[1], 13, d("1"), d("0"))                          // a free unit: neither
	if _, err := p.Out(keys[0], 14, d("1"), "q"); err != nil { // loss at the new average 160/15
		t.Fatal(err)
	}
	net, gains, losses := p.ValueChange()
	mustEq(t, "gains", gains, d("60"))
	mustEq(t, "losses", losses, d("40.67"))
	mustEq(t, "net", net, d("19.33"))

	ch := p.Changed()
	want := []BalanceKey{{1, 2, ""}, {2, 1, "L1"}, {2, 1, "L2"}}
	if len(ch) != len(want) {
		t.Fatalf("Changed() has %d balances, want %d", len(ch), len(want))
	}
	for i := range want {
		if ch[i].Key() != want[i] {
			t.Fatalf("Changed()[%d] = %v, want %v (key order, untouched left out)", i, ch[i].Key(), want[i])
		}
	}

	m := p.Moves()[0]
	if m.ProductID != 2 || m.WarehouseID != 1 || m.Batch != "L2" || m.DocType != DocStocktake || m.DocID != 77 ||
		m.DocNumber != "DOC-77" || m.LineID != 11 || !m.PostedAt.Equal(stockAt) || m.CreatedBy != 5 || !m.UnitCost.Equal(d("12")) {
		t.Fatalf("move = %+v", m)
	}
	if !bs[0].UpdatedAt.Equal(stockAt) || !bs[3].UpdatedAt.IsZero() {
		t.Fatal("UpdatedAt is the posting time, on touched balances only")
	}

	copyOf := p.Balance(keys[3])
	copyOf.OnHand = d("999")
	mustEq(t, "Balance returns a copy", bs[3].OnHand, d("10"))
}

// Posting to a balance that was not locked is a programming error and must
// stop the posting rather than write an unlocked row.
func TestPostingUnlockedBalancePanics(t *testing.T) {
	p := stockPosting(DocTransfer, false)
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "DOC-77") {
			t.Fatalf("recover() = %v, want a panic naming the document", r)
		}
	}()
	p.In(BalanceKey{ProductID: 1, WarehouseID: 1}, 1, d("1"), d("1"))
}

func TestCheckBatch(t *testing.T) {
	tracked := Product{SKU: "B002", BatchTracked: true}
	plain := Product{SKU: "A001"}
	cases := []struct {
		name    string
		p       Product
		batch   string
		wantMsg string
	}{
		{"tracked with a batch", tracked, "L20261123", ""},
		{"tracked, batch of 64", tracked, strings.Repeat("9", 64), ""},
		{"untracked without a batch", plain, "", ""},
		{"tracked without a batch", tracked, "", "商品 B002 启用了批次管理，必须填写批次"},
		{"untracked with a batch", plain, "L1", "商品 A001 未启用批次管理，不能填写批次"},
		{"tracked, batch of 65", tracked, strings.Repeat("9", 65), "批次号最长 64 位"},
	}
	for _, c := range cases {
		err := CheckBatch("lines[1].batch", c.p, c.batch)
		if c.wantMsg == "" {
			if err != nil {
				t.Errorf("%s: CheckBatch = %v", c.name, err)
			}
			continue
		}
		if e := AsError(err); e == nil || e.Field != "lines[1].batch" || e.Message != c.wantMsg {
			t.Errorf("%s: CheckBatch = %v, want %q", c.name, err, c.wantMsg)
		}
	}
}
