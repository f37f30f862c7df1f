package domain

// costKeys are the JSON keys that carry what goods cost: unit and average
// cost, stock value, cost of goods sold, gross profit and margin. An actor
// without cost:read gets answers with these keys absent (not zero), from
// the one response-shaping step, so a new endpoint that reuses the names is
// covered without a handler of its own. Purchase prices are not cost: a
// purchaser needs them to buy.
var costKeys = map[string]bool{
	"unit_cost": true, "avg_cost": true, "cost": true, "cost_amount": true, "value": true, "balance_value": true,
	"stock_value": true, "profit": true, "gross_profit": true, "margin": true,
}

// IsCostKey reports whether a JSON key carries cost.
func IsCostKey(key string) bool { return costKeys[key] }

// StripCost removes the cost keys, and the extra ones given (a stock move's
// amount is at cost, an order's is not), from a decoded JSON value at any
// depth, in place, and returns it.
func StripCost(v any, extra map[string]bool) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if costKeys[k] || extra[k] {
				delete(t, k)
				continue
			}
			t[k] = StripCost(x, extra)
		}
	case []any:
		for i, x := range t {
			t[i] = StripCost(x, extra)
		}
	}
	return v
}
