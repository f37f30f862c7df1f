package domain

import "testing"

// A level is low below its point (the reorder point, else the safety
// stock), and a low product is suggested its order quantity in whole
// multiples that restore the point, or else enough to reach point + safety.
func TestReorderLevelSuggest(t *testing.T) {
	cases := []struct {
		name                          string
		safety, point, qty, available string
		low                           bool
		want                          string
	}{
		{"safety only, below: up to twice it", "10", "0", "0", "3", true, "17"},
		{"safety only, empty", "10", "0", "0", "0", true, "20"},
		{"safety only, a hair below", "10", "0", "0", "9.9999", true, "10.0001"},
		{"safety only, at it: not low", "10", "0", "0", "10", false, "0"},
		{"safety only, above", "10", "0", "0", "12", false, "0"},
		{"sold short: the shortfall is bought too", "10", "0", "0", "-5", true, "25"},
		{"point above safety: low below the point", "10", "30", "0", "25", true, "15"},
		{"point above safety: at the point", "10", "30", "0", "30", false, "0"},
		{"point only", "0", "30", "0", "12", true, "18"},
		{"order qty covers the gap once", "10", "30", "48", "25", true, "48"},
		{"order qty twice to restore the point", "10", "100", "48", "5", true, "96"},
		{"order qty exactly the gap", "0", "20", "10", "10", true, "10"},
		{"order qty with safety only", "10", "0", "24", "9", true, "24"},
		{"order qty, not low", "10", "30", "48", "31", false, "0"},
		{"order qty but no point: never low", "0", "0", "48", "-3", false, "0"},
		{"nothing set", "0", "0", "0", "-5", false, "0"},
		{"decimal order qty", "0", "2.5", "0.75", "1", true, "1.5"},
	}
	for _, c := range cases {
		l := ReorderLevel{ProductID: 1, WarehouseID: 1, SafetyStock: d(c.safety), ReorderPoint: d(c.point), ReorderQty: d(c.qty)}
		if got := l.Low(d(c.available)); got != c.low {
			t.Errorf("%s: Low = %v", c.name, got)
		}
		if got := l.Suggest(d(c.available)); !got.Equal(d(c.want)) {
			t.Errorf("%s: Suggest = %s, want %s", c.name, got, c.want)
		}
	}
}

func TestReorderLevelValidate(t *testing.T) {
	cases := []struct {
		name, safety, point, qty, field string
	}{
		{"all set", "10", "30", "48", ""},
		{"safety only", "10", "0", "0", ""},
		{"point equal to safety", "10", "10", "0", ""},
		{"all zero", "0", "0", "0", ""},
		{"negative safety", "-1", "0", "0", "safety_stock"},
		{"negative point", "0", "-1", "0", "reorder_point"},
		{"negative qty", "0", "0", "-1", "reorder_qty"},
		{"point below safety", "10", "5", "0", "reorder_point"},
		{"qty too precise", "0", "0", "0.00001", "reorder_qty"},
	}
	for _, c := range cases {
		l := ReorderLevel{ProductID: 1, WarehouseID: 2, SafetyStock: d(c.safety), ReorderPoint: d(c.point), ReorderQty: d(c.qty)}
		err := l.Validate()
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if e := AsError(err); e == nil || e.Field != c.field || e.Code != CodeValidation {
			t.Errorf("%s: Validate = %v, want an error on %s", c.name, err, c.field)
		}
	}
	if err := (&ReorderLevel{WarehouseID: 1}).Validate(); AsError(err) == nil || AsError(err).Field != "product_id" {
		t.Errorf("no product: %v", err)
	}
	if err := (&ReorderLevel{ProductID: 1}).Validate(); AsError(err) == nil || AsError(err).Field != "warehouse_id" {
		t.Errorf("no warehouse: %v", err)
	}
	if !(ReorderLevel{}).Empty() || (ReorderLevel{ReorderQty: d("1")}).Empty() {
		t.Error("Empty")
	}
}
