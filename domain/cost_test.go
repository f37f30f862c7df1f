package domain

import (
	"encoding/json"
	"testing"
)

func TestStripCost(t *testing.T) {
	var v any
	if err := json.Unmarshal([]byte(`{"items":[{"sku":"A","on_hand":"2","avg_cost":"1.5","value":"3.00","amount":"3.00",
		"lines":[{"unit_cost":"1","cost_amount":"1","unit_price":"2"}]}],"summary":{"value":"3"},"stock_value":null,"margin":"0.2","total":1}`), &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(StripCost(v, nil))
	want := `{"items":[{"amount":"3.00","lines":[{"unit_price":"2"}],"on_hand":"2","sku":"A"}],"summary":{},"total":1}`
	if string(out) != want {
		t.Errorf("stripped = %s\nwant       %s", out, want)
	}
	out, _ = json.Marshal(StripCost(map[string]any{"amount": "1", "qty": "2"}, map[string]bool{"amount": true}))
	if string(out) != `{"qty":"2"}` {
		t.Errorf("extra keys: %s", out)
	}
	if StripCost("x", nil) != "x" || !IsCostKey("avg_cost") || IsCostKey("unit_price") || IsCostKey("amount") {
		t.Error("scalars and keys")
	}
}
