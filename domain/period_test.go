package domain

import (
	"testing"
	"time"
)

func TestPeriodArithmetic(t *testing.T) {
	if NextPeriod("2025-12") != "2026-01" || PrevPeriod("2026-01") != "2025-12" || NextPeriod("2026-02") != "2026-03" {
		t.Fatal("month arithmetic across a year or February")
	}
	end, last := PeriodEnd("2026-11")
	if !end.Equal(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)) || last != "2026-11-30" {
		t.Fatalf("end of 2026-11: %s %s", end, last)
	}
	if _, last := PeriodEnd("2024-02"); last != "2024-02-29" {
		t.Fatalf("leap February ends %s", last)
	}
	for s, ok := range map[string]bool{"2026-11": true, "2026-13": false, "2026-1": false, "2026-11-01": false, "": false} {
		if ValidPeriod(s) != ok {
			t.Errorf("ValidPeriod(%q) = %v", s, !ok)
		}
	}
	if ClipRunes("库存商品", 2) != "库存" || ClipRunes("ab", 5) != "ab" {
		t.Fatal("ClipRunes")
	}
}
