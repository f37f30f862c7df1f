package domain

import (
	"time"

	"github.com/shopspring/decimal"
)

// Scales of quantities and money. Columns are DECIMAL(20,4) for quantities
// and amounts and DECIMAL(20,6) for unit costs, but every amount that reaches
// the books (move values, balance values, line amounts, tax, totals, voucher
// lines, open items, allocations) is kept in 分 (AmountScale = 2) where it is
// created, so what a report adds up is what the statements show, to the
// cent. Unit prices and moving-average unit costs keep CostScale places.
const (
	QtyScale    = 4
	AmountScale = 2
	CostScale   = 6
)

// Zero is the decimal zero, named for readability at call sites.
var Zero = decimal.Zero

// RoundQty rounds a quantity to its stored scale.
func RoundQty(d decimal.Decimal) decimal.Decimal { return d.Round(QtyScale) }

// RoundAmount rounds money to 分, half up in magnitude: a half cent goes
// away from zero, so 0.005 is 0.01 and −0.005 is −0.01 (the same as
// RoundMoney and a 金税 invoice; a red-letter amount rounds to the negative
// of its blue one).
func RoundAmount(d decimal.Decimal) decimal.Decimal { return d.Round(AmountScale) }

// RoundCost rounds a unit cost to its stored scale.
func RoundCost(d decimal.Decimal) decimal.Decimal { return d.Round(CostScale) }

// columnDigits is the precision of every quantity, amount, money and unit
// cost column (DECIMAL(20,s) in store/migrate.go).
const columnDigits = 20

// columnMinScale is the fewest decimal places any of those columns keeps:
// amounts are rounded to 分 but stored in DECIMAL(20,4) like quantities.
const columnMinScale = 4

// columnLimit is the first magnitude the column of a value kept at places
// decimals cannot hold. Quantities, amounts and money are stored at 4 places
// (money in 分, 2 places, too), leaving 16 digits before the point: below
// 1e16. Unit costs and prices (单价/单位成本) are stored at 6, leaving 14:
// below 1e14. Rates live in DECIMAL(6,4) and are range-checked by their
// callers before their scale.
func columnLimit(places int32) decimal.Decimal {
	return decimal.New(1, columnDigits-max(places, columnMinScale))
}

// fitsColumn reports whether d fits the column a value kept at places
// decimals is stored in, so that no engine refuses it (MariaDB, error 1264)
// or keeps what the other refuses (SQLite).
func fitsColumn(d decimal.Decimal, places int32) bool {
	return d.Abs().LessThan(columnLimit(places))
}

// CheckScale refuses a value with more decimal places than the column keeps,
// so nothing is silently rounded away on the way into the ledger, and a value
// too large for that column, so the refusal names its field on every engine.
func CheckScale(field string, d decimal.Decimal, places int32) error {
	if !d.Equal(d.Round(places)) {
		return Invalid(field, "最多保留 %d 位小数", places)
	}
	if !fitsColumn(d, places) {
		return Invalid(field, "数值过大")
	}
	return nil
}

// CheckPositiveQty validates a quantity that must be greater than zero.
func CheckPositiveQty(field string, d decimal.Decimal) error {
	if !d.IsPositive() {
		return Invalid(field, "数量必须大于 0")
	}
	return CheckScale(field, d, QtyScale)
}

// Shanghai is the zone users read times in; storage is always UTC.
var Shanghai = loadShanghai()

func loadShanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	// Minimal images have no zoneinfo; China has had no DST since 1991.
	return time.FixedZone("CST", 8*3600)
}

// LocalDate formats t as a business date (YYYY-MM-DD) in Shanghai time.
func LocalDate(t time.Time) string { return t.In(Shanghai).Format("2006-01-02") }

// ParseLocalDate reads a YYYY-MM-DD business date as midnight Shanghai time,
// refusing one outside MinDate..MaxDate: it is the one check of every date
// input.
func ParseLocalDate(field, s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", s, Shanghai)
	if err != nil {
		return time.Time{}, Invalid(field, "日期格式应为 YYYY-MM-DD")
	}
	if s < MinDate || s > MaxDate {
		return time.Time{}, Invalid(field, "日期 %s 超出范围，应在 %s 至 %s 之间", s, MinDate, MaxDate)
	}
	return t, nil
}

// The range of every date a person enters (业务日期, order, expected, due,
// invoice and opening dates, expiries, report ranges) and, by their month,
// of periods. Year 0 or 9999 is a typo, not business; refusing it keeps it
// out of period arithmetic, reports and the books. As YYYY-MM-DD strings
// they compare in date order.
const (
	MinDate = "2000-01-01"
	MaxDate = "2100-12-31"
)
