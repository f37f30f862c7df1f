package app_test

import (
	"strings"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// Input that does not fit its column is refused by the domain, on its field,
// the same way on both engines, and nothing is stored: before, MariaDB
// refused it with a field-less "out of range" (1264/1406) while SQLite stored
// it as sent, or failed later on the generated voucher.
func TestOpeningColumnLimits(t *testing.T) {
	cases := []struct {
		name      string
		remark    string
		line      app.OpeningLineInput // product filled in below
		wantField string
	}{
		{"remark of 501 characters", strings.Repeat("期", 501), app.OpeningLineInput{Qty: d("1"), UnitCost: d("1")}, "remark"},
		// unit_cost is DECIMAL(20,6): 14 digits before the point.
		{"unit cost of 1e14", "", app.OpeningLineInput{Qty: d("1"), UnitCost: d("100000000000000")}, "lines[0].unit_cost"},
		// 1 × 99999999999999.999999 is worth 100000000000000.00 in 分: the
		// balance's average cost would be 1e14.
		{"unit cost rounded up to 1e14", "", app.OpeningLineInput{Qty: d("1"), UnitCost: d("99999999999999.999999")}, "lines[0].unit_cost"},
		// amount is DECIMAL(20,4), and qty × unit cost may not fit it.
		{"amount of 1e16", "", app.OpeningLineInput{Qty: d("100000000"), UnitCost: d("100000000")}, "lines[0].unit_cost"},
	}
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newEnv(t, driver)
		w := e.warehouse("A", false)
		p := e.product("P001", e.unit("个").ID, false)
		for _, c := range cases {
			l := c.line
			l.ProductID = p.ID
			_, err := e.app.PostOpening(e.admin, app.OpeningInput{WarehouseID: w.ID, Remark: c.remark, Lines: []app.OpeningLineInput{l}})
			de := domain.AsError(err)
			if de == nil || de.Kind != domain.KindInvalid || de.Code != domain.CodeValidation || de.Field != c.wantField {
				t.Errorf("%s: PostOpening = %#v, want a validation error on %s", c.name, err, c.wantField)
			}
			// Nothing of the refused opening is kept.
			for _, table := range []string{"stock_openings", "stock_opening_lines", "stock_moves", "stock_balances"} {
				var n int64
				if err := e.store.DB().Table(table).Count(&n).Error; err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Errorf("%s: %d rows in %s after a refused opening", c.name, n, table)
				}
			}
		}
		// The largest unit cost that fits is posted on both engines, as the
		// first opening.
		op := e.opening(w.ID, app.OpeningLineInput{ProductID: p.ID, Qty: d("1"), UnitCost: d("99999999999999.994999")})
		if !strings.HasSuffix(op.Number, "-0001") {
			t.Errorf("opening after refused ones = %s, want the first number", op.Number)
		}
		// SQLite keeps 15 significant digits exactly (ARCHITECTURE.md), not
		// the 16 of this value.
		if driver == store.DriverMySQL {
			e.wantBalance(p.ID, w.ID, "", "1", "99999999999999.99")
		}
	})
}
