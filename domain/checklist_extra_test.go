package domain

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
)

func TestChecklistExtraItems(t *testing.T) {
	for _, c := range []struct {
		required bool
		n        int64
		level    string
	}{{false, 0, CheckOK}, {true, 0, CheckOK}, {false, 3, CheckInfo}, {true, 3, CheckBlock}} {
		if it := UnreviewedItem(c.required, c.n); it.Level != c.level || it.Count != int(c.n) || it.Code != CheckUnreviewed {
			t.Fatalf("required %v, %d unreviewed: %+v", c.required, c.n, it)
		}
	}
	if it := OpeningsItem(nil); it.Level != CheckOK {
		t.Fatalf("balanced: %+v", it)
	}
	bad := OpeningCheck{Debit: decimal.RequireFromString("1"), Credit: decimal.Zero}.Err()
	it := OpeningsItem(bad)
	if it.Level != CheckBlock || it.Message != AsError(bad).Message {
		t.Fatalf("unbalanced: %+v", it)
	}
	if it := OpeningsItem(errors.New("boom")); it.Level != CheckBlock || it.Message != "boom" {
		t.Fatalf("other error: %+v", it)
	}
	// Taken as they come: a blocking extra item blocks the closing.
	cl := BuildChecklist("2026-11", "2026-12-07", ChecklistFacts{Extra: []ChecklistItem{UnreviewedItem(true, 2), OpeningsItem(bad)}})
	if len(cl.Blocking) != 2 || cl.Blocking[0] != CheckUnreviewed || cl.Blocking[1] != CheckOpeningsBalanced {
		t.Fatalf("blocking %v", cl.Blocking)
	}
	if e := AsError(cl.Check()); e == nil || e.Code != CodeClosingBlocked {
		t.Fatalf("check %v", cl.Check())
	}
}
