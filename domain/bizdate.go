package domain

// 业务日期 (business date): the Shanghai date a document belongs to. It
// decides the document's period (its voucher's date and period, its open
// item's date, the period its stock moves count in), not the instant it was
// entered, so a month can be closed while the next month's business goes on,
// and a late document can still be put in the month it happened in.

// BizDateOr is date, or today when none was given (the default).
func BizDateOr(date, today string) string {
	if date == "" {
		return today
	}
	return date
}

// CheckBizDate checks a document's business date against today (Shanghai):
// a valid date, not in the future. Once today's month is closed (closed
// early, by force), dates in the next month are allowed too: otherwise
// nothing could be posted until the calendar caught up, which is what an
// early close is for. Whether the date's own month is closed is the
// period check's (period_closed), made under the period's lock.
func CheckBizDate(field, date, today string, todayClosed bool) error {
	if _, err := ParseLocalDate(field, date); err != nil {
		return err
	}
	if date <= LatestBizDate(today, todayClosed) {
		return nil
	}
	if todayClosed {
		return Invalid(field, "业务日期 %s 晚于今天，本月已结账时最晚只能记入 %s", date, NextPeriod(PeriodOf(today)))
	}
	return Invalid(field, "业务日期 %s 晚于今天", date)
}

// LatestBizDate is the latest business date a document may carry: today,
// or once today's month is closed, the last day of the next month.
func LatestBizDate(today string, todayClosed bool) string {
	if !todayClosed {
		return today
	}
	_, last := PeriodEnd(NextPeriod(PeriodOf(today)))
	return last
}

// CheckNotBefore refuses a business date before the one of the document
// it follows (a return before its receipt or shipment).
func CheckNotBefore(field, date, source, sourceNo string) error {
	if source != "" && date < source {
		return Invalid(field, "业务日期 %s 早于原单 %s 的业务日期 %s", date, sourceNo, source)
	}
	return nil
}
