package domain

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func expiryOn(s string) *string { return &s }

func fefoBatch(name string, expiry *string, onHand, reserved string) Balance {
	return Balance{ProductID: 1, WarehouseID: 3, Batch: name, Expiry: expiry, OnHand: orderQty(onHand), Reserved: orderQty(reserved)}
}

func batchNames(keys []BalanceKey) string {
	var names []string
	for _, k := range keys {
		names = append(names, k.Batch)
	}
	return strings.Join(names, ",")
}

func TestFEFO(t *testing.T) {
	tests := []struct {
		name    string
		batches []Balance
		want    string
	}{
		{"none", nil, ""},
		{"earliest expiry first", []Balance{fefoBatch("A", expiryOn("2027-03-01"), "5", "0"), fefoBatch("B", expiryOn("2026-12-31"), "5", "0"),
			fefoBatch("C", expiryOn("2027-01-15"), "5", "0")}, "B,C,A"},
		{"no expiry last", []Balance{fefoBatch("A", nil, "5", "0"), fefoBatch("B", expiryOn("2030-01-01"), "5", "0")}, "B,A"},
		{"same expiry keeps the given order", []Balance{fefoBatch("A", expiryOn("2027-01-01"), "1", "0"), fefoBatch("B", expiryOn("2027-01-01"), "1", "0"),
			fefoBatch("C", nil, "1", "0"), fefoBatch("D", nil, "1", "0")}, "A,B,C,D"},
		{"nothing available is skipped", []Balance{fefoBatch("A", expiryOn("2026-12-08"), "5", "5"), fefoBatch("B", expiryOn("2026-12-09"), "0", "0"),
			fefoBatch("C", expiryOn("2026-12-10"), "-2", "0"), fefoBatch("D", expiryOn("2027-01-01"), "5", "4")}, "D"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := batchNames(FEFO(tt.batches)); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func reservePosting(allowNegative bool, balances ...Balance) *Posting {
	var bs []*Balance
	for i := range balances {
		b := balances[i]
		bs = append(bs, &b)
	}
	return NewPosting(DocRef{Type: DocSalesOrder, ID: 7, Number: "SO20261207-0001"}, time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), 1, bs,
		map[int64]Warehouse{3: {ID: 3, Name: "上海仓", AllowNegative: allowNegative}}, map[int64]Product{1: {ID: 1, SKU: "MILK-1L", BatchTracked: true}})
}

func TestReserveFEFO(t *testing.T) {
	a, b, c := fefoBatch("A", expiryOn("2026-12-20"), "3", "1"), fefoBatch("B", expiryOn("2027-01-10"), "5", "0"), fefoBatch("C", nil, "4", "0")
	keys := []BalanceKey{a.Key(), b.Key(), c.Key()}
	tests := []struct {
		name          string
		allowNegative bool
		candidates    []BalanceKey
		need          string
		want          string // batch:qty reserved
		errCode, msg  string
	}{
		{"one batch covers it", false, keys, "2", "A:2", "", ""},
		{"spills over to the next batches", false, keys, "9", "A:2,B:5,C:2", "", ""},
		{"exactly everything", false, keys, "11", "A:2,B:5,C:4", "", ""},
		{"short on the last batch", false, keys, "12", "", CodeInsufficientStock, "可用库存不足，无法预留: MILK-1L 批次 C 在 上海仓 需要 5, 可用 4"},
		{"negative warehouse over-reserves the last batch", true, keys, "12", "A:2,B:5,C:5", "", ""},
		{"no batch in stock", false, nil, "1", "", CodeInsufficientStock, "可用库存不足，无法预留: MILK-1L 在 上海仓 缺 1"},
		{"nothing to reserve", false, nil, "0", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := reservePosting(tt.allowNegative, a, b, c)
			got, err := p.ReserveFEFO(1, 3, tt.candidates, orderQty(tt.need), "lines[0].qty")
			if tt.errCode != "" {
				de := AsError(err)
				if de == nil || de.Code != tt.errCode || de.Field != "lines[0].qty" || !strings.Contains(de.Message, tt.msg) {
					t.Fatalf("got %v, want %s %q", err, tt.errCode, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, r := range got {
				s = append(s, fmt.Sprintf("%s:%s", r.Key.Batch, r.Qty))
			}
			if strings.Join(s, ",") != tt.want {
				t.Fatalf("reserved %v, want %s", s, tt.want)
			}
			if len(got) > 0 && !p.Balance(a.Key()).Reserved.Equal(a.Reserved.Add(got[0].Qty)) {
				t.Fatalf("the posting's balance was not reserved: %s", p.Balance(a.Key()).Reserved)
			}
		})
	}
}

func TestReserveFEFOTwoLinesOneProduct(t *testing.T) {
	// A second line of the same product sees what the first set aside.
	a, b := fefoBatch("A", expiryOn("2026-12-20"), "3", "0"), fefoBatch("B", expiryOn("2027-01-10"), "5", "0")
	p := reservePosting(false, a, b)
	keys := []BalanceKey{a.Key(), b.Key()}
	if _, err := p.ReserveFEFO(1, 3, keys, orderQty("2"), "lines[0].qty"); err != nil {
		t.Fatal(err)
	}
	got, err := p.ReserveFEFO(1, 3, keys, orderQty("4"), "lines[1].qty")
	if err != nil || len(got) != 2 || !got[0].Qty.Equal(orderQty("1")) || got[1].Key.Batch != "B" || !got[1].Qty.Equal(orderQty("3")) {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestSplitShipment(t *testing.T) {
	line := OrderLine{ID: 11, ProductID: 1, Qty: orderQty("10")}
	key := func(b string) BalanceKey { return BalanceKey{ProductID: 1, WarehouseID: 3, Batch: b} }
	reservations := func() []Reservation {
		return []Reservation{
			{OrderLineID: 11, Key: key("A"), Qty: orderQty("2")},
			{OrderLineID: 12, Key: key("A"), Qty: orderQty("9")}, // another line's
			{OrderLineID: 11, Key: key("B"), Qty: orderQty("0")}, // used up
			{OrderLineID: 11, Key: key("C"), Qty: orderQty("5")},
		}
	}
	tests := []struct {
		name    string
		rs      []Reservation
		qty     string
		tracked bool
		want    string // batch:qty:fromReserved
		left    []string
		errMsg  string
	}{
		{"within the first reservation", reservations(), "1", true, "A:1:1", []string{"1", "9", "0", "5"}, ""},
		{"across reservations in their order", reservations(), "6", true, "A:2:2,C:4:4", []string{"0", "9", "0", "1"}, ""},
		{"all reserved", reservations(), "7", true, "A:2:2,C:5:5", []string{"0", "9", "0", "0"}, ""},
		{"beyond the reservations, unbatched", reservations(), "8", false, "A:2:2,C:5:5,:1:0", []string{"0", "9", "0", "0"}, ""},
		{"nothing reserved, unbatched", nil, "3", false, ":3:0", nil, ""},
		{"beyond the reservations, batch-tracked", reservations(), "8", true, "", nil, "订单行 11 的预留不足以出库 8"},
		{"first expiry first, no expiry last", []Reservation{
			{OrderLineID: 11, Key: key("N"), Qty: orderQty("5")},
			{OrderLineID: 11, Key: key("L"), Qty: orderQty("5"), Expiry: expiryOn("2027-06-01")},
			{OrderLineID: 11, Key: key("E"), Qty: orderQty("1"), Expiry: expiryOn("2026-12-31")},
			{OrderLineID: 11, Key: key("S"), Qty: orderQty("1"), Expiry: expiryOn("2027-06-01")},
		}, "8", true, "E:1:1,L:5:5,S:1:1,N:1:1", []string{"4", "0", "0", "0"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SplitShipment(tt.rs, line, 3, orderQty(tt.qty), tt.tracked, "lines[0].qty")
			if tt.errMsg != "" {
				de := AsError(err)
				if de == nil || de.Code != CodeInsufficientStock || de.Field != "lines[0].qty" || de.Message != tt.errMsg {
					t.Fatalf("got %v, want %q", err, tt.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, pc := range got {
				if pc.Key.ProductID != 1 || pc.Key.WarehouseID != 3 {
					t.Fatalf("piece on %+v", pc.Key)
				}
				s = append(s, fmt.Sprintf("%s:%s:%s", pc.Key.Batch, pc.Qty, pc.FromReserved))
			}
			if strings.Join(s, ",") != tt.want {
				t.Fatalf("got %v, want %s", s, tt.want)
			}
			for i, r := range tt.rs {
				if !r.Qty.Equal(decimal.RequireFromString(tt.left[i])) {
					t.Fatalf("reservation %d left %s, want %s", i, r.Qty, tt.left[i])
				}
			}
		})
	}
}

func TestPlanReturn(t *testing.T) {
	src := StockDoc{Number: "SR20261207-0001", Lines: []StockDocLine{
		{ID: 21, OrderLineID: 11, ProductID: 1, Batch: "A", Qty: orderQty("3"), UnitPrice: orderQty("10"), TaxRate: orderQty("0.13"),
			UnitCost: orderQty("6.6667"), CostAmount: orderQty("20.00"), ReturnedQty: orderQty("0")},
		{ID: 22, OrderLineID: 11, ProductID: 1, Batch: "B", Qty: orderQty("5"), UnitPrice: orderQty("10"), TaxRate: orderQty("0.13"),
			UnitCost: orderQty("6"), CostAmount: orderQty("30.00"), ReturnedQty: orderQty("4")},
		{ID: 23, OrderLineID: 12, ProductID: 2, Qty: orderQty("2"), UnitPrice: orderQty("99.99"), TaxRate: orderQty("0.09"),
			UnitCost: orderQty("50"), CostAmount: orderQty("100.00"), ReturnedQty: orderQty("0")},
	}}
	tests := []struct {
		name     string
		lines    []MoveLine
		want     string // per line: source:qty:amount:tax:cost
		byOrder  map[int64]string
		errCode  string
		errField string
	}{
		{"part of a line at its share of the cost", []MoveLine{{LineID: 21, Qty: orderQty("1")}},
			"21:1:10.00:1.30:6.67", map[int64]string{11: "1"}, "", ""},
		{"the whole line takes exactly its cost", []MoveLine{{LineID: 21, Qty: orderQty("3")}, {LineID: 23, Qty: orderQty("2"), Batch: ""}},
			"21:3:30.00:3.90:20,23:2:199.98:18.00:100", map[int64]string{11: "3", 12: "2"}, "", ""},
		{"what is left of a line", []MoveLine{{LineID: 22, Qty: orderQty("1"), Batch: "B"}, {LineID: 21, Qty: orderQty("1")}},
			"22:1:10.00:1.30:6,21:1:10.00:1.30:6.67", map[int64]string{11: "2"}, "", ""},
		{"more than is left", []MoveLine{{LineID: 22, Qty: orderQty("2")}}, "", nil, "exceeds_returnable_qty", "lines[0].qty"},
		{"another document's line", []MoveLine{{LineID: 99, Qty: orderQty("1")}}, "", nil, CodeValidation, "lines[0].shipment_line_id"},
		{"another batch", []MoveLine{{LineID: 21, Qty: orderQty("1"), Batch: "B"}}, "", nil, CodeValidation, "lines[0].batch"},
		{"no lines", nil, "", nil, CodeValidation, "lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := PlanReturn(src, tt.lines, "shipment_line_id")
			if tt.errCode != "" {
				de := AsError(err)
				if de == nil || de.Code != tt.errCode || de.Field != tt.errField {
					t.Fatalf("got %v, want %s on %s", err, tt.errCode, tt.errField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, l := range plan.Lines {
				s = append(s, fmt.Sprintf("%d:%s:%s:%s:%s", *l.SourceLineID, l.Qty, l.Amount.StringFixed(2), l.TaxAmount.StringFixed(2), l.CostAmount.String()))
				if l.UnitCost.String() == "" || l.ProductID == 0 {
					t.Fatalf("%+v", l)
				}
			}
			if strings.Join(s, ",") != tt.want {
				t.Fatalf("got %v, want %s", s, tt.want)
			}
			if len(plan.ByOrderLine) != len(tt.byOrder) {
				t.Fatalf("by order line %v", plan.ByOrderLine)
			}
			for id, q := range tt.byOrder {
				if !plan.ByOrderLine[id].Equal(orderQty(q)) {
					t.Fatalf("order line %d returned %s, want %s", id, plan.ByOrderLine[id], q)
				}
			}
		})
	}
}
