package store

import "testing"

// A read that began before the cache was emptied must not put back what
// it read: the row may be the one a writer just changed.
func TestMasterCacheRefusesReadsFromBeforeAnEmptying(t *testing.T) {
	c := newMasterCache()
	c.on.Store(true)
	gen := c.current()
	c.empty() // a writer committed while the read ran
	c.put(gen, "products:1", "old")
	if _, ok := c.get("products:1"); ok {
		t.Fatal("a read from before the emptying was kept")
	}
	c.put(c.current(), "products:1", "new")
	if v, ok := c.get("products:1"); !ok || v != "new" {
		t.Fatalf("a current read was not kept: %v %v", v, ok)
	}
}

func TestWritesMaster(t *testing.T) {
	for _, c := range []struct {
		table, sql string
		want       bool
	}{
		{"products", "", true},
		{"accounts a", "", true},
		{"stock_moves", "", false},
		{"", "UPDATE products SET name = ? WHERE id = ?", true},
		{"", "  insert into `partners` (code) values (?)", true},
		{"", "INSERT IGNORE INTO users (id) VALUES (1)", true},
		{"", "DELETE FROM approval_rules WHERE id = 1", true},
		{"", "INSERT INTO account_partner_totals (account_id) VALUES (1)", false},
		{"", "INSERT INTO stock_moves (product_id) SELECT id FROM products", false},
		{"", "UPDATE stock_docs SET cost_amount = 1;\nUPDATE voucher_templates SET name = 'x'", true},
		{"", "SELECT * FROM products", false},
	} {
		if got := writesMaster(c.table, c.sql); got != c.want {
			t.Errorf("writesMaster(%q, %q) = %v, want %v", c.table, c.sql, got, c.want)
		}
	}
}
