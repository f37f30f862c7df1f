package domain

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Going live (期初): a company that starts its books in erpd in a month
// (the start period, 启用期间) brings each account's balance at the start of
// that month (期初余额) and, when the month is not January, what moved on
// it earlier in the year (本年累计借方/贷方), so that 利润表 本年累计 and
// 资产负债表 年初余额 are right from the first month.
//
// The figures are not vouchers: the statements read them as two rows of
// totals before the start period (OpeningTotals): the balance at the
// start of the year in the month before January, and the year-to-date
// movement in the month before the start period.

// Error codes of the openings.
const (
	// CodeOpeningsUnbalanced: 期初试算不平衡 (debit balances differ from
	// credit balances, at the start period or at the start of the year).
	CodeOpeningsUnbalanced = "openings_unbalanced"
	// CodeOpeningsLocked: the start period has been closed; reopen it to
	// change the openings.
	CodeOpeningsLocked = "openings_locked"
	// CodeBooksBeforeStart: vouchers exist before the start period asked for.
	CodeBooksBeforeStart = "books_before_start"
)

// OpeningBalance is one leaf account's opening (科目期初余额). Debit and
// Credit are its balance at the start of the start period, on one side.
// YTDDebit and YTDCredit are its movement from January to the month before
// the start period; for a 损益 account they are the amounts actually
// incurred (实际发生额: revenue on the credit side, costs on the debit side),
// without the month-end transfers to 本年利润.
type OpeningBalance struct {
	AccountID int64           `json:"account_id"`
	Code      string          `json:"code"`
	Name      string          `json:"name"`
	Debit     decimal.Decimal `json:"debit"`
	Credit    decimal.Decimal `json:"credit"`
	YTDDebit  decimal.Decimal `json:"ytd_debit"`
	YTDCredit decimal.Decimal `json:"ytd_credit"`
	// YearDebit and YearCredit are the derived balance at the start of the
	// year (年初余额), on one side (filled by the reads, not input).
	YearDebit  decimal.Decimal `json:"year_debit"`
	YearCredit decimal.Decimal `json:"year_credit"`
}

// OpeningCheck is the openings' 试算平衡: the sums of the debit and credit
// balances at the start period (期初) and at the start of the year (年初),
// and of the year-to-date movements.
type OpeningCheck struct {
	Debit      decimal.Decimal `json:"debit"`
	Credit     decimal.Decimal `json:"credit"`
	YearDebit  decimal.Decimal `json:"year_debit"`
	YearCredit decimal.Decimal `json:"year_credit"`
	YTDDebit   decimal.Decimal `json:"ytd_debit"`
	YTDCredit  decimal.Decimal `json:"ytd_credit"`
	Balanced   bool            `json:"balanced"`
}

// Err is nil when the openings balance, else openings_unbalanced naming
// the side that differs.
func (c OpeningCheck) Err() error {
	if !c.Debit.Equal(c.Credit) {
		return Errorf(KindConflict, CodeOpeningsUnbalanced, "期初余额试算不平衡：借方 %s，贷方 %s",
			c.Debit.StringFixed(2), c.Credit.StringFixed(2))
	}
	if !c.YearDebit.Equal(c.YearCredit) {
		return Errorf(KindConflict, CodeOpeningsUnbalanced, "年初余额试算不平衡：借方 %s，贷方 %s（请核对本年累计发生额）",
			c.YearDebit.StringFixed(2), c.YearCredit.StringFixed(2))
	}
	return nil
}

// sideOf puts a debit-positive net on its side.
func sideOf(net decimal.Decimal) (dr, cr decimal.Decimal) {
	if net.IsNegative() {
		return decimal.Zero, net.Neg()
	}
	return net, decimal.Zero
}

// openingSplit is an opening's part before the start of the year (the
// balance brought forward, debit-positive) and its closing transfer (the
// 损益 account's net carried to 本年利润 before the start period,
// debit-positive). A 损益 account starts every year at zero: what its
// balance at the start period does not owe to the year's actual amounts
// was transferred; any other account's balance at the start of the year is
// its opening less the year's movement.
func openingSplit(a Account, b OpeningBalance) (year, transfer decimal.Decimal) {
	open := b.Debit.Sub(b.Credit)
	ytd := b.YTDDebit.Sub(b.YTDCredit)
	if a.Category == AccountPL {
		return decimal.Zero, open.Sub(ytd)
	}
	return open.Sub(ytd), decimal.Zero
}

// YearStart fills b's 年初余额 from its opening and year-to-date figures.
func (b *OpeningBalance) YearStart(a Account) {
	year, _ := openingSplit(a, *b)
	b.YearDebit, b.YearCredit = sideOf(year)
}

// CheckOpening checks line i of the openings against its account (ok:
// it exists as an active leaf account) and the start period: amounts of
// at least zero in 分, a balance on one side only, no year-to-date figures
// when the books start in January (nothing moved before), and none on an
// account the business documents keep (1405, 1122, 2202, 2203, 1123: their
// openings come from 期初库存 and the opening open items, so the books
// always equal the sub-ledgers).
func CheckOpening(i int, start string, a Account, ok bool, b OpeningBalance) error {
	f := func(name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }
	if !ok {
		return Invalid(f("account_id"), "科目 %d 不存在、已停用或有下级科目（请用明细科目）", b.AccountID)
	}
	if ControlledAccounts[a.Code] {
		return Invalid(f("account_id"), "科目 %s %s 的期初由期初库存或期初往来生成，不能直接录入", a.Code, a.Name)
	}
	for _, v := range []struct {
		name string
		d    decimal.Decimal
	}{{"debit", b.Debit}, {"credit", b.Credit}, {"ytd_debit", b.YTDDebit}, {"ytd_credit", b.YTDCredit}} {
		if v.d.IsNegative() {
			return Invalid(f(v.name), "金额不能为负数")
		}
		if err := CheckScale(f(v.name), v.d, 2); err != nil {
			return err
		}
	}
	if b.Debit.IsPositive() && b.Credit.IsPositive() {
		return Invalid(f("credit"), "期初余额只能在借方或贷方一方")
	}
	if start[5:] == "01" && !(b.YTDDebit.IsZero() && b.YTDCredit.IsZero()) {
		return Invalid(f("ytd_debit"), "一月启用时没有本年累计发生额")
	}
	if start[5:] == "01" && a.Category == AccountPL && !(b.Debit.IsZero() && b.Credit.IsZero()) {
		return Invalid(f("debit"), "损益类科目年初没有余额，一月启用时期初余额应为零")
	}
	return nil
}

// CheckStartPeriod checks a start period (YYYY-MM) that is to be set:
// booksBefore says whether vouchers exist before it (they would sit
// before the openings), locked whether the current start period is closed.
func CheckStartPeriod(start string, booksBefore, locked bool) error {
	if !ValidPeriod(start) {
		return Invalid("start_period", "启用期间格式应为 YYYY-MM")
	}
	if locked {
		return ErrOpeningsLocked()
	}
	if booksBefore {
		return Errorf(KindConflict, CodeBooksBeforeStart, "启用期间 %s 之前已有凭证，不能从该期间启用", start).WithField("start_period")
	}
	return nil
}

// ErrOpeningsLocked is the refusal of a change once the books have gone
// live (the start period is closed).
func ErrOpeningsLocked() *Error {
	return Errorf(KindConflict, CodeOpeningsLocked, "启用期间已结账，期初数据已锁定；如需修改请先反结账启用期间")
}

// OpeningsLocked says whether the openings are locked: the start period
// (or a later one, which cannot be closed before it) is closed. Reopening
// the start period unlocks them.
func OpeningsLocked(start string, periods []PeriodState) bool {
	if start == "" {
		return false
	}
	for _, p := range periods {
		if p.Period >= start && p.Status == PeriodClosed {
			return true
		}
	}
	return false
}

// CheckOpenings sums the openings' 试算平衡. accounts are the accounts by
// id (for the 损益 rule of the year-start balance).
func CheckOpenings(accounts map[int64]Account, rows []OpeningBalance) OpeningCheck {
	var c OpeningCheck
	for _, b := range rows {
		c.Debit, c.Credit = c.Debit.Add(b.Debit), c.Credit.Add(b.Credit)
		c.YTDDebit, c.YTDCredit = c.YTDDebit.Add(b.YTDDebit), c.YTDCredit.Add(b.YTDCredit)
		year, _ := openingSplit(accounts[b.AccountID], b)
		dr, cr := sideOf(year)
		c.YearDebit, c.YearCredit = c.YearDebit.Add(dr), c.YearCredit.Add(cr)
	}
	c.Balanced = c.Err() == nil
	return c
}

// PeriodTotal is a row of per-month account totals (what the vouchers of a
// month add to an account), with the closing vouchers' part apart.
type PeriodTotal struct {
	AccountID                   int64
	Period                      string
	Debit, Credit               decimal.Decimal
	ClosingDebit, ClosingCredit decimal.Decimal
}

// OpeningTotals turns the openings into the per-month totals the reports
// read: the balance at the start of the year in the month before January
// of the start year, and the year-to-date movement in the month before the
// start period (the same month when the books start in January). A 损益
// account's transfer to 本年利润 goes in as a closing part, so 利润表 本年累计
// shows the actual amounts while its balance is what was brought in.
func OpeningTotals(accounts map[int64]Account, start string, rows []OpeningBalance) []PeriodTotal {
	if start == "" {
		return nil
	}
	yearRow, ytdRow := PrevPeriod(start[:4]+"-01"), PrevPeriod(start)
	var out []PeriodTotal
	for _, b := range rows {
		year, transfer := openingSplit(accounts[b.AccountID], b)
		if !year.IsZero() {
			dr, cr := sideOf(year)
			out = append(out, PeriodTotal{AccountID: b.AccountID, Period: yearRow, Debit: dr, Credit: cr})
		}
		t := PeriodTotal{AccountID: b.AccountID, Period: ytdRow, Debit: b.YTDDebit, Credit: b.YTDCredit}
		t.ClosingDebit, t.ClosingCredit = sideOf(transfer)
		t.Debit, t.Credit = t.Debit.Add(t.ClosingDebit), t.Credit.Add(t.ClosingCredit)
		if !(t.Debit.IsZero() && t.Credit.IsZero()) {
			out = append(out, t)
		}
	}
	return out
}

// DocOpeningItem is the document type of an opening receivable or payable
// (期初往来): an open item brought in at go-live, settled by receipts and
// payments like any other.
const DocOpeningItem = "opening_item"

// OpeningItem is a receivable (ar) or payable (ap) still open at go-live,
// with its original document's number, date and due date (期初应收/应付).
type OpeningItem struct {
	PartnerID int64           `json:"partner_id"`
	Kind      string          `json:"kind"`
	DocNumber string          `json:"doc_number"`
	Date      string          `json:"date"`
	DueDate   string          `json:"due_date"`
	Amount    decimal.Decimal `json:"amount"`
}

// CheckOpeningItem checks item i against its partner (found: it exists)
// and the start period: a kind the partner takes (a customer owes, a
// supplier is owed), the original number, a date before the start period,
// a due date not before it (the partner's terms when empty), an amount
// above zero in 分. It fills the due date.
func CheckOpeningItem(i int, start string, p Partner, found bool, it *OpeningItem) error {
	f := func(name string) string { return fmt.Sprintf("items[%d].%s", i, name) }
	if !found {
		return Invalid(f("partner_id"), "往来单位 %d 不存在", it.PartnerID)
	}
	kindOK := false
	for _, k := range p.ItemKinds() {
		kindOK = kindOK || k == it.Kind
	}
	if !kindOK {
		return Invalid(f("kind"), "%s 不能有%s", p.Name, map[string]string{ItemAR: "应收", ItemAP: "应付"}[it.Kind]+"（类型应为 ar 应收或 ap 应付，并与往来单位类型一致）")
	}
	if it.DocNumber == "" || len([]rune(it.DocNumber)) > 64 {
		return Invalid(f("doc_number"), "请填写原单据号（最多 64 字）")
	}
	if err := CheckText(f("doc_number"), it.DocNumber, false); err != nil {
		return err
	}
	if _, err := ParseLocalDate(f("date"), it.Date); err != nil {
		return err
	}
	if PeriodOf(it.Date) >= start {
		return Invalid(f("date"), "期初往来的单据日期应早于启用期间 %s", start)
	}
	if it.DueDate == "" {
		it.DueDate = DueDate(it.Date, p.PaymentTermsDays)
	} else if _, err := ParseLocalDate(f("due_date"), it.DueDate); err != nil {
		return err
	} else if it.DueDate < it.Date {
		return Invalid(f("due_date"), "到期日不能早于单据日期")
	}
	if !it.Amount.IsPositive() {
		return Invalid(f("amount"), "金额应大于 0")
	}
	return CheckScale(f("amount"), it.Amount, 2)
}

// OpeningItemBalances are the openings the opening items make on 1122
// (receivables, debit) and 2202 (payables, credit): their whole amounts at
// the start period, of which those dated in the start year are that
// year's movement, so 年初 holds only the older ones. Settling an item
// later is a voucher of its own, so the amounts here never change.
func OpeningItemBalances(start string, items []OpenItem, receivable, payable int64) []OpeningBalance {
	if start == "" {
		return nil
	}
	ar := OpeningBalance{AccountID: receivable}
	ap := OpeningBalance{AccountID: payable}
	for _, it := range items {
		thisYear := it.Date >= start[:4]+"-01-01"
		switch it.Kind {
		case ItemAR:
			ar.Debit = ar.Debit.Add(it.Amount)
			if thisYear {
				ar.YTDDebit = ar.YTDDebit.Add(it.Amount)
			}
		case ItemAP:
			ap.Credit = ap.Credit.Add(it.Amount)
			if thisYear {
				ap.YTDCredit = ap.YTDCredit.Add(it.Amount)
			}
		}
	}
	var out []OpeningBalance
	for _, b := range []OpeningBalance{ar, ap} {
		if !b.Debit.IsZero() || !b.Credit.IsZero() {
			out = append(out, b)
		}
	}
	return out
}

// CodeOpeningItemsSettled: an opening item has been settled (核销), so the
// opening items can no longer be replaced.
const CodeOpeningItemsSettled = "opening_items_settled"

// CheckReplaceOpeningItems refuses replacing the opening items once a
// receipt, payment or credit has settled any of them: the settlement and
// its voucher point at the item.
func CheckReplaceOpeningItems(existing []OpenItem) error {
	for _, it := range existing {
		if !it.Open.Equal(it.Amount) {
			return Errorf(KindConflict, CodeOpeningItemsSettled, "期初往来 %s 已核销 %s，不能再修改期初往来", it.DocNumber,
				it.Amount.Sub(it.Open).StringFixed(2))
		}
	}
	return nil
}

// CheckItemsBeforeStart refuses a start period that an opening item is not
// dated before (moving the start period earlier would leave the item
// inside the books it opens).
func CheckItemsBeforeStart(start string, items []OpenItem) error {
	for _, it := range items {
		if PeriodOf(it.Date) >= start {
			return Invalid("start_period", "期初往来 %s 的单据日期 %s 不早于启用期间 %s", it.DocNumber, it.Date, start)
		}
	}
	return nil
}

// OpeningRows checks the openings as entered: each line names a leaf
// account by id or, when the id is 0, by its code (codes[i]; imports and
// the console's code column), passes CheckOpening, and no account comes
// twice. It returns the lines with their account ids.
func OpeningRows(start string, lines []OpeningBalance, codes []string, leaves map[int64]Account) ([]OpeningBalance, error) {
	byCode := make(map[string]int64, len(leaves))
	for id, acc := range leaves {
		byCode[acc.Code] = id
	}
	rows := make([]OpeningBalance, 0, len(lines))
	seen := map[int64]bool{}
	for i, b := range lines {
		if b.AccountID == 0 && codes[i] != "" {
			if b.AccountID = byCode[codes[i]]; b.AccountID == 0 {
				return nil, Invalid(fmt.Sprintf("lines[%d].account_code", i), "科目 %s 不存在、已停用或有下级科目（请用明细科目）", codes[i])
			}
		}
		acc, ok := leaves[b.AccountID]
		if err := CheckOpening(i, start, acc, ok, b); err != nil {
			return nil, err
		}
		if seen[b.AccountID] {
			return nil, Invalid(fmt.Sprintf("lines[%d].account_id", i), "科目 %s 重复录入", acc.Code)
		}
		seen[b.AccountID] = true
		rows = append(rows, b)
	}
	return rows, nil
}
