package domain

import (
	"errors"
	"testing"
)

func TestCheckPostable(t *testing.T) {
	open, closed := PeriodOpen, PeriodClosed
	cases := []struct {
		name   string
		period string
		from   []PeriodState
		want   string // "" allowed, else the message
	}{
		{"no rows yet", "2026-11", nil, ""},
		{"own month open", "2026-11", []PeriodState{{"2026-11", open}}, ""},
		{"own month closed", "2026-11", []PeriodState{{"2026-11", closed}}, "会计期间 2026-11 已结账，不能再记账"},
		{"later months open", "2026-10", []PeriodState{{"2026-10", open}, {"2026-11", open}}, ""},
		{"a later month closed: counts as closed", "2026-10", []PeriodState{{"2026-10", open}, {"2026-12", closed}},
			"2026-10 之后的月份已结账，不能再记入 2026-10"},
		{"own closed wins over a later one", "2026-10", []PeriodState{{"2026-10", closed}, {"2026-11", closed}},
			"会计期间 2026-10 已结账，不能再记账"},
		{"earlier rows ignored", "2026-11", []PeriodState{{"2026-10", closed}, {"2026-11", open}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckPostable(c.period, c.from)
			if c.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e := AsError(err)
			if e == nil || e.Kind != KindConflict || e.Code != CodePeriodClosed || e.Message != c.want {
				t.Fatalf("err = %v, want period_closed %q", err, c.want)
			}
		})
	}
}

func TestCheckClosablePeriod(t *testing.T) {
	for _, c := range []struct {
		period, today string
		field         string // "" allowed
	}{
		{"2026-11", "2026-11-07", ""},
		{"2026-10", "2026-11-07", ""},
		{"2026-12", "2026-11-30", "period"},
		{"2026-1", "2026-11-07", "period"},
		{"", "2026-11-07", "period"},
	} {
		err := CheckClosablePeriod(c.period, c.today)
		if c.field == "" && err != nil || c.field != "" && (AsError(err) == nil || AsError(err).Field != c.field) {
			t.Errorf("CheckClosablePeriod(%q, %q) = %v", c.period, c.today, err)
		}
	}
}

func TestPeriodTransitions(t *testing.T) {
	open, closed := PeriodOpen, PeriodClosed
	cases := []struct {
		name          string
		facts         PeriodFacts
		close, reopen string // "" allowed, else the message
	}{
		{"the first month of the books", PeriodFacts{Status: open},
			"", "2026-11 未结账"},
		{"the next month in order", PeriodFacts{Status: open, BooksBefore: true, PrevStatus: closed},
			"", "2026-11 未结账"},
		{"closed, the newest closed month", PeriodFacts{Status: closed, BooksBefore: true, PrevStatus: closed},
			"2026-11 已结账", ""},
		{"closed with a later closed month", PeriodFacts{Status: closed, ClosedAfter: true},
			"2026-11 已结账", "2026-11 之后还有已结账的月份，请先反结账那些月份"},
		{"open with a later closed month", PeriodFacts{Status: open, ClosedAfter: true},
			"2026-11 之后已有结账的月份", "2026-11 未结账"},
		{"an earlier month with vouchers open", PeriodFacts{Status: open, OpenBefore: []string{"2026-08", "2026-09"}, BooksBefore: true, PrevStatus: open},
			"请先结账 2026-08", "2026-11 未结账"},
		{"an empty previous month open once the books began", PeriodFacts{Status: open, BooksBefore: true, PrevStatus: open},
			"请先结账 2026-10", "2026-11 未结账"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, step := range []struct {
				what string
				err  error
				want string
			}{{"close", c.facts.CheckClose("2026-11"), c.close}, {"reopen", c.facts.CheckReopen("2026-11"), c.reopen}} {
				if step.want == "" {
					if step.err != nil {
						t.Errorf("%s refused: %v", step.what, step.err)
					}
					continue
				}
				if !errors.Is(step.err, ErrInvalidState) || AsError(step.err).Message != step.want {
					t.Errorf("%s: %v, want invalid_state %q", step.what, step.err, step.want)
				}
			}
		})
	}
}
