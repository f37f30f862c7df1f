package app

import (
	"context"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store"
)

// bizDate settles a document's 业务日期 in its transaction: today
// (Shanghai, from the clock) when none was given, else the given date
// checked by domain.CheckBizDate. Whether today's month is closed is read
// only for a date after today, so an ordinary posting costs no read. The
// date's own month is checked when the posting books (period_closed,
// under the period's lock).
func bizDate(tx *store.Tx, field, date string) (string, error) {
	today := domain.LocalDate(tx.Now)
	date = domain.BizDateOr(date, today)
	closed := false
	if date > today {
		var err error
		if closed, err = store.PeriodIsClosed(tx, domain.PeriodOf(today)); err != nil {
			return "", err
		}
	}
	if err := domain.CheckBizDate(field, date, today, closed); err != nil {
		return "", err
	}
	return date, nil
}

// latestBizDate is the latest date a money document or an invoice may be
// dated for a request dated date: today, or after today's month has been
// closed early, the next month's last day (domain.LatestBizDate). Their
// `date` is their business date: it already decides their voucher, period
// and open item. The closed state is read only for a date after today.
func (a *App) latestBizDate(ctx context.Context, date string) (string, error) {
	today := domain.LocalDate(a.now())
	if date <= today {
		return today, nil
	}
	closed, err := store.PeriodIsClosed(a.store.Read(ctx), domain.PeriodOf(today))
	if err != nil {
		return "", err
	}
	return domain.LatestBizDate(today, closed), nil
}
