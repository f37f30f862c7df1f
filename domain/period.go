package domain

// Accounting periods (会计期间): a month is open or closed (已结账). The rules
// below decide from what the store read; the store only locks and reads the
// periods' rows.

// Period states.
const (
	PeriodOpen   = "open"
	PeriodClosed = "closed"
)

// PeriodState is a period's row as the rules need it.
type PeriodState struct {
	Period string
	Status string
}

// CheckPostable refuses a posting dated in period when that month is
// closed, or when a later one is (a month before a closed one counts as
// closed: anything dated there would change the closed month's balances).
// from are the periods' rows from period on, in period order.
func CheckPostable(period string, from []PeriodState) error {
	for _, p := range from {
		if p.Period < period || p.Status != PeriodClosed {
			continue
		}
		if p.Period == period {
			return Errorf(KindConflict, CodePeriodClosed, "会计期间 %s 已结账，不能再记账", period)
		}
		return Errorf(KindConflict, CodePeriodClosed, "%s 之后的月份已结账，不能再记入 %s", period, period)
	}
	return nil
}

// CheckClosablePeriod checks a period asked to be closed before anything is
// read: a month (yyyy-mm) that has begun by today (a business date).
func CheckClosablePeriod(period, today string) error {
	if !ValidPeriod(period) {
		return Invalid("period", "期间格式应为 YYYY-MM")
	}
	if period > PeriodOf(today) {
		return Invalid("period", "%s 尚未开始，不能结账", period)
	}
	return nil
}

// PeriodFacts are what closing or reopening a month must know of it and
// of the months around it.
type PeriodFacts struct {
	Status string // the month's own
	// ClosedAfter: a later month is closed.
	ClosedAfter bool
	// OpenBefore are the earlier months still open that hold vouchers, in
	// order.
	OpenBefore []string
	// BooksBefore: a voucher is dated before the month; then PrevStatus is
	// the previous month's state.
	BooksBefore bool
	PrevStatus  string
}

// CheckClose decides whether period may be closed (月末结账). Months close in
// order once the books have begun, empty ones too: December's closing
// carries the year's profit to 3104, so no month may be skipped.
func (f PeriodFacts) CheckClose(period string) error {
	switch {
	case f.Status == PeriodClosed:
		return ErrInvalidState.WithMessage("%s 已结账", period)
	case f.ClosedAfter:
		return ErrInvalidState.WithMessage("%s 之后已有结账的月份", period)
	case len(f.OpenBefore) > 0:
		return ErrInvalidState.WithMessage("请先结账 %s", f.OpenBefore[0])
	case f.BooksBefore && f.PrevStatus != PeriodClosed:
		return ErrInvalidState.WithMessage("请先结账 %s", PrevPeriod(period))
	}
	return nil
}

// CheckReopen decides whether period may be reopened (反结账): a closed
// month with no later closed month (those are reopened first, newest
// first, so no closed month ever follows an open one).
func (f PeriodFacts) CheckReopen(period string) error {
	switch {
	case f.Status != PeriodClosed:
		return ErrInvalidState.WithMessage("%s 未结账", period)
	case f.ClosedAfter:
		return ErrInvalidState.WithMessage("%s 之后还有已结账的月份，请先反结账那些月份", period)
	}
	return nil
}
