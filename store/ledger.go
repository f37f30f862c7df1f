package store

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// Accounts is the chart of accounts.
var Accounts = Table[domain.Account]{Name: "accounts", What: "科目", Text: []string{"code", "name"}}

// AccountsByCode returns every account keyed by code.
func AccountsByCode(q Q) (map[string]domain.Account, error) {
	var as []domain.Account
	if err := q.DB().Table("accounts").Find(&as).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[string]domain.Account, len(as))
	for _, a := range as {
		out[a.Code] = a
	}
	return out, nil
}

// AccountIDs maps the given codes to their accounts' ids; a code without
// an account is absent. Postings need a template's few accounts, not the
// whole chart.
func AccountIDs(q Q, codes []string) (map[string]int64, error) {
	key := slices.Clone(codes)
	slices.Sort(key)
	ids, err := cachedRead(q, "accounts:"+strings.Join(slices.Compact(key), ","), func() (map[string]int64, error) {
		return accountIDs(q, codes)
	})
	return maps.Clone(ids), err
}

func accountIDs(q Q, codes []string) (map[string]int64, error) {
	var rows []struct {
		ID   int64
		Code string
	}
	if err := q.DB().Table("accounts").Select("id, code").Where("code IN ?", codes).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Code] = r.ID
	}
	return out, nil
}

// LeafAccounts returns the active accounts without sub-accounts (the ones
// that take postings), keyed by id.
func LeafAccounts(q Q) (map[int64]domain.Account, error) {
	var as []domain.Account
	err := q.DB().Table("accounts a").Where("a.status = ? AND NOT EXISTS (SELECT 1 FROM accounts c WHERE c.parent_id = a.id)",
		domain.StatusActive).Find(&as).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]domain.Account, len(as))
	for _, a := range as {
		out[a.ID] = a
	}
	return out, nil
}

// AccountHasPostings reports whether any voucher line or opening (期初)
// uses the account: such an account is neither deleted nor given
// sub-accounts.
func AccountHasPostings(q Q, id int64) (bool, error) {
	if has, err := exists(q.DB().Table("opening_balances").Where("account_id = ?", id)); err != nil || has {
		return has, err
	}
	return exists(q.DB().Table("voucher_lines").Where("account_id = ?", id))
}

type voucherRow struct {
	ID          int64
	Period      string
	Seq         int
	Number      string
	Date        string
	Source      string
	SourceID    int64
	SourceNo    string
	ReversalOf  *int64
	ReversedBy  *int64
	Remark      string
	Attachments int
	Debit       decimal.Decimal
	Credit      decimal.Decimal
	CreatedBy   int64
	CreatedAt   time.Time
	ReviewedBy  *int64
	ReviewedAt  *time.Time
}

func (voucherRow) TableName() string { return "vouchers" }

func (r voucherRow) toDomain() domain.Voucher {
	return domain.Voucher{ID: r.ID, Period: r.Period, Seq: r.Seq, Number: r.Number, Date: r.Date, Source: r.Source,
		SourceID: r.SourceID, SourceNo: r.SourceNo, ReversalOf: r.ReversalOf, ReversedBy: r.ReversedBy, Remark: r.Remark,
		Attachments: r.Attachments, Debit: r.Debit, Credit: r.Credit, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt,
		ReviewedBy: r.ReviewedBy, ReviewedAt: r.ReviewedAt, Lines: []domain.VoucherLine{}}
}

type voucherLineRow struct {
	ID        int64
	VoucherID int64
	AccountID int64
	Period    string
	Summary   string
	Debit     decimal.Decimal
	Credit    decimal.Decimal
	PartnerID *int64
	ProductID *int64
}

func (voucherLineRow) TableName() string { return "voucher_lines" }

// voucherLineItemRow is a voucher line with its cash-flow item (现金流量项目,
// migration 202612070200). A voucher without a cash flow inserts plain
// voucherLineRows, so the migrations before that one, which book vouchers
// with no cash lines, never name the column before it exists.
type voucherLineItemRow struct {
	ID           int64
	VoucherID    int64
	AccountID    int64
	Period       string
	Summary      string
	Debit        decimal.Decimal
	Credit       decimal.Decimal
	PartnerID    *int64
	ProductID    *int64
	CashFlowItem int
}

func (voucherLineItemRow) TableName() string { return "voucher_lines" }

// InsertVoucher numbers a checked voucher in its period (记-0001, gapless:
// the number is drawn in tx, so a rollback gives it back) and saves it with
// its lines. A closed period refuses it (period_closed); the period row is
// locked, so a closing in progress and a posting never cross. Call it last
// in a transaction (BeforeCommit): the period's rows are the hottest locks
// of every posting.
func (tx *Tx) InsertVoucher(v *domain.Voucher) error {
	if err := tx.InsertVoucherAtCommit(v); err != nil {
		return err
	}
	return tx.AwaitIDs()
}

// InsertVoucherAtCommit is InsertVoucher for a voucher nothing reads before
// the commit (a posting's, in its BeforeCommit hook): on MySQL its rows go
// with the commit, and its ids are filled when that has run.
func (tx *Tx) InsertVoucherAtCommit(v *domain.Voucher) error {
	if err := tx.lockOpenPeriod(v.Period); err != nil {
		return err
	}
	seq, err := tx.nextSeq("voucher:" + v.Period)
	if err != nil {
		return err
	}
	v.Seq, v.Number, v.CreatedAt = int(seq), domain.VoucherNumber(int(seq)), tx.Now
	row := voucherRow{Period: v.Period, Seq: v.Seq, Number: v.Number, Date: v.Date, Source: v.Source, SourceID: v.SourceID,
		SourceNo: v.SourceNo, ReversalOf: v.ReversalOf, Remark: v.Remark, Attachments: v.Attachments, Debit: v.Debit,
		Credit: v.Credit, CreatedBy: v.CreatedBy, CreatedAt: v.CreatedAt}
	id, err := tx.laterInsert([]voucherRow{row}, nil, func(_ int, id int64) { v.ID = id })
	if err != nil {
		return err
	}
	rows := make([]voucherLineRow, len(v.Lines))
	flows := false
	for i, l := range v.Lines {
		rows[i] = voucherLineRow{AccountID: l.AccountID, Period: v.Period, Summary: l.Summary,
			Debit: l.Debit, Credit: l.Credit, PartnerID: l.PartnerID, ProductID: l.ProductID}
		flows = flows || l.CashFlowItem != 0
	}
	var lineRows any = rows
	if flows {
		withItems := make([]voucherLineItemRow, len(rows))
		for i, r := range rows {
			withItems[i] = voucherLineItemRow{AccountID: r.AccountID, Period: r.Period, Summary: r.Summary, Debit: r.Debit,
				Credit: r.Credit, PartnerID: r.PartnerID, ProductID: r.ProductID, CashFlowItem: v.Lines[i].CashFlowItem}
		}
		lineRows = withItems
	}
	_, err = tx.laterInsert(lineRows, map[string]string{"voucher_id": id}, func(i int, id int64) { v.Lines[i].ID = id })
	if err != nil {
		return err
	}
	return tx.addPeriodTotals(v, 1)
}

// addPeriodTotals adds (sign 1) or takes away (-1) a voucher's lines in
// the per-month account totals. Every posting already holds its period's
// row when it gets here, so these rows add no waiting of their own.
func (tx *Tx) addPeriodTotals(v *domain.Voucher, sign int64) error {
	accounts, partners := domain.VoucherTotals(v, sign)
	if tx.Driver() == DriverSQLite {
		// SQLite adds DECIMAL columns as floats: read, add in decimals,
		// write the exact sum back (the writer lock is held anyway).
		for _, d := range accounts {
			if err := tx.sqliteAddTotals("account_period_totals", "account_id = ? AND period = ?", []any{d.AccountID, v.Period},
				map[string]decimal.Decimal{"debit": d.Debit, "credit": d.Credit, "closing_debit": d.ClosingDebit, "closing_credit": d.ClosingCredit},
				map[string]any{"account_id": d.AccountID, "period": v.Period}); err != nil {
				return err
			}
		}
		for _, d := range partners {
			if err := tx.sqliteAddTotals("account_partner_totals", "account_id = ? AND partner_id = ? AND period = ?",
				[]any{d.AccountID, d.PartnerID, v.Period}, map[string]decimal.Decimal{"debit": d.Debit, "credit": d.Credit},
				map[string]any{"account_id": d.AccountID, "partner_id": d.PartnerID, "period": v.Period}); err != nil {
				return err
			}
		}
		return nil
	}
	// MySQL: one upsert per table for the whole voucher, rows in one key
	// order for every writer, so two postings lock them the same way and a
	// shipment costs two round trips here instead of one per line.
	var rows []string
	var args []any
	for _, d := range accounts {
		rows = append(rows, "(?, ?, ?, ?, ?, ?)")
		args = append(args, d.AccountID, v.Period, d.Debit, d.Credit, d.ClosingDebit, d.ClosingCredit)
	}
	if len(rows) > 0 {
		if err := tx.later("INSERT INTO account_period_totals (account_id, period, debit, credit, closing_debit, closing_credit) VALUES "+
			strings.Join(rows, ", ")+" ON DUPLICATE KEY UPDATE debit = debit + VALUES(debit), credit = credit + VALUES(credit), "+
			"closing_debit = closing_debit + VALUES(closing_debit), closing_credit = closing_credit + VALUES(closing_credit)", args...); err != nil {
			return err
		}
	}
	if len(partners) == 0 {
		return nil
	}
	rows, args = rows[:0], args[:0]
	for _, d := range partners {
		rows = append(rows, "(?, ?, ?, ?, ?)")
		args = append(args, d.AccountID, d.PartnerID, v.Period, d.Debit, d.Credit)
	}
	return tx.later("INSERT INTO account_partner_totals (account_id, partner_id, period, debit, credit) VALUES "+
		strings.Join(rows, ", ")+" ON DUPLICATE KEY UPDATE debit = debit + VALUES(debit), credit = credit + VALUES(credit)", args...)
}

// RebuildPeriodTotals recomputes the per-month account totals from the
// voucher lines (a migration's and a bulk load's step).
func RebuildPeriodTotals(db *gorm.DB) error {
	for _, t := range []string{"account_period_totals", "account_partner_totals"} {
		if err := db.Exec("DELETE FROM " + t).Error; err != nil {
			return err
		}
	}
	if err := db.Exec(`INSERT INTO account_partner_totals (account_id, partner_id, period, debit, credit)
		SELECT account_id, partner_id, period, SUM(debit), SUM(credit) FROM voucher_lines WHERE partner_id IS NOT NULL
		GROUP BY account_id, partner_id, period`).Error; err != nil {
		return err
	}
	return db.Exec(`INSERT INTO account_period_totals (account_id, period, debit, credit, closing_debit, closing_credit)
		SELECT l.account_id, l.period, SUM(l.debit), SUM(l.credit),
			SUM(CASE WHEN v.source = ? THEN l.debit ELSE 0 END), SUM(CASE WHEN v.source = ? THEN l.credit ELSE 0 END)
		FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id GROUP BY l.account_id, l.period`,
		domain.VoucherClosing, domain.VoucherClosing).Error
}

// Period states (see domain.PeriodOpen).
const (
	PeriodOpen   = domain.PeriodOpen
	PeriodClosed = domain.PeriodClosed
)

// lockOpenPeriod locks a period's row (creating it open) and refuses a
// closed one, or one before a closed month: anything dated there would
// change the closed month's balances.
//
// The later months' rows are locked too, in the same read. A closing holds
// its month's row until it commits, so a back-dated posting waits for it
// and then sees the month closed; a plain read would see it still open,
// while the closing, not seeing the posting's uncommitted voucher, would
// close over it. A posting in the newest month (nearly all of them) finds
// no later row, so this is still one row and one statement.
func (tx *Tx) lockOpenPeriod(period string) error {
	if tx.openPeriods[period] {
		return nil // locked and found open earlier in this transaction
	}
	read := func() (own bool, rows []domain.PeriodState, err error) {
		err = lockRow(tx.DB()).Table("periods").Select("period, status").
			Where("period >= ?", period).Order("period").Find(&rows).Error
		for _, r := range rows {
			own = own || r.Period == period
		}
		return own, rows, err
	}
	own, rows, err := read()
	if err == nil && !own {
		if err := tx.DB().Exec("INSERT INTO periods (period, status, version, updated_at) VALUES (?, ?, 1, ?)"+
			onConflictNothing(tx, "period"), period, PeriodOpen, tx.Now).Error; err != nil {
			return translate(err)
		}
		_, rows, err = read()
	}
	if err != nil {
		return translate(err)
	}
	if err := domain.CheckPostable(period, rows); err != nil {
		return err
	}
	if tx.openPeriods == nil {
		tx.openPeriods = map[string]bool{}
	}
	tx.openPeriods[period] = true
	return nil
}

// CheckPeriodOpen refuses a posting dated in a closed month (locking the
// month's row like a voucher would, so a closing in progress and the
// posting never cross). Postings that book no voucher (transfers, zero
// value) go through it too.
func (tx *Tx) CheckPeriodOpen(period string) error { return tx.lockOpenPeriod(period) }

func onConflictNothing(tx *Tx, key string) string {
	if tx.Driver() == DriverMySQL {
		return " ON DUPLICATE KEY UPDATE " + key + " = " + key
	}
	return " ON CONFLICT (" + key + ") DO NOTHING"
}

// GetVoucher loads a voucher with its lines.
func GetVoucher(q Q, id int64) (*domain.Voucher, error) {
	var row voucherRow
	err := q.DB().Where("id = ?", id).Take(&row).Error
	if err == gorm.ErrRecordNotFound {
		return nil, domain.NotFound("凭证", id)
	}
	if err != nil {
		return nil, translate(err)
	}
	v := row.toDomain()
	var lines []voucherLineItemRow
	if err := q.DB().Where("voucher_id = ?", id).Order("id").Find(&lines).Error; err != nil {
		return nil, translate(err)
	}
	for _, l := range lines {
		v.Lines = append(v.Lines, domain.VoucherLine{ID: l.ID, AccountID: l.AccountID, Summary: l.Summary, Debit: l.Debit,
			Credit: l.Credit, PartnerID: l.PartnerID, ProductID: l.ProductID, CashFlowItem: l.CashFlowItem})
	}
	return &v, nil
}

// VoucherFilter narrows a voucher list.
type VoucherFilter struct {
	Period    string
	Source    string
	SourceID  int64
	AccountID int64
	// Review is "reviewed" (已审核), "unreviewed" (未审核) or empty (all).
	Review string
}

// Voucher review filters.
const (
	ReviewFilterReviewed   = "reviewed"
	ReviewFilterUnreviewed = "unreviewed"
)

// ListVouchers lists vouchers (without lines), in number order.
func ListVouchers(q Q, f VoucherFilter, p Page) ([]domain.Voucher, int64, error) {
	db := q.DB().Model(&voucherRow{})
	if f.Period != "" {
		db = db.Where("period = ?", f.Period)
	}
	if f.Source != "" {
		db = db.Where("source = ?", f.Source)
	}
	if f.SourceID != 0 {
		db = db.Where("source_id = ?", f.SourceID)
	}
	switch f.Review {
	case ReviewFilterReviewed:
		db = db.Where("reviewed_by IS NOT NULL")
	case ReviewFilterUnreviewed:
		db = db.Where("reviewed_by IS NULL")
	}
	if f.AccountID != 0 {
		db = db.Where("id IN (?)", q.DB().Table("voucher_lines").Select("voucher_id").Where("account_id = ?", f.AccountID))
	}
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []voucherRow
	err := db.Order("period, seq").Offset((p.Page - 1) * p.PageSize).Limit(p.PageSize).Find(&rows).Error
	out := make([]domain.Voucher, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, total, translate(err)
}

// MarkReversed records the voucher that reverses id; a voucher is reversed
// once, and not while it is reviewed (a review that came in after the
// reversal's rule read the voucher refuses it here).
func (tx *Tx) MarkReversed(id, by int64) error {
	res := tx.DB().Table("vouchers").Where("id = ? AND reversed_by IS NULL AND reviewed_by IS NULL", id).Update("reversed_by", by)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.ErrInvalidState.WithMessage("凭证已被冲销或已被审核，请刷新后重试")
	}
	return nil
}

// SetVoucherReview writes a voucher's review as domain's Review or Unreview
// left it. wasReviewed is the state the rule saw: the row changes only if
// it still holds, so two reviewers at once give one review and one
// voucher_reviewed (or voucher_not_reviewed).
func (tx *Tx) SetVoucherReview(v *domain.Voucher, wasReviewed bool) error {
	db := tx.DB().Table("vouchers").Where("id = ?", v.ID)
	if wasReviewed {
		db = db.Where("reviewed_by IS NOT NULL")
	} else {
		db = db.Where("reviewed_by IS NULL")
	}
	res := db.Updates(map[string]any{"reviewed_by": v.ReviewedBy, "reviewed_at": v.ReviewedAt})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		if wasReviewed {
			return domain.Errorf(domain.KindConflict, domain.CodeVoucherNotReviewed, "%s 已被他人取消审核", v.Number)
		}
		return domain.Errorf(domain.KindConflict, domain.CodeVoucherReviewed, "%s 已被他人审核", v.Number)
	}
	return nil
}

// CountUnreviewedVouchers counts the vouchers of period (yyyy-mm) nobody
// has reviewed (未审核), for closing when review is required and for the
// closing checklist (结账检查).
func CountUnreviewedVouchers(q Q, period string) (int64, error) {
	var n int64
	err := q.DB().Table("vouchers").Where("period = ? AND reviewed_by IS NULL", period).Count(&n).Error
	return n, translate(err)
}

// Templates returns the voucher templates keyed by event.
func Templates(q Q) (map[string]domain.VoucherTemplate, error) { return templates(q, nil) }

// TemplatesFor returns the templates of the given events, keyed by event.
// Postings read them through the master cache.
func TemplatesFor(q Q, events ...string) (map[string]domain.VoucherTemplate, error) {
	ts, err := cachedRead(q, "voucher_templates:"+strings.Join(events, ","), func() (map[string]domain.VoucherTemplate, error) {
		return templates(q, events)
	})
	return maps.Clone(ts), err
}

func templates(q Q, events []string) (map[string]domain.VoucherTemplate, error) {
	var rows []struct {
		ID        int64
		Event     string
		Name      string
		Lines     string
		Version   int
		UpdatedAt time.Time
	}
	db := q.DB().Table("voucher_templates")
	if events != nil {
		db = db.Where("event IN ?", events)
	}
	if err := db.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := map[string]domain.VoucherTemplate{}
	for _, r := range rows {
		t := domain.VoucherTemplate{ID: r.ID, Event: r.Event, Name: r.Name, Version: r.Version, UpdatedAt: r.UpdatedAt.UTC()}
		if err := json.Unmarshal([]byte(r.Lines), &t.Lines); err != nil {
			return nil, fmt.Errorf("store: template %s: %w", r.Event, err)
		}
		out[r.Event] = t
	}
	return out, nil
}

// SaveTemplate writes a template's lines where its version is oldVersion.
// Its name says which event it books and is not the user's to change.
func (tx *Tx) SaveTemplate(t *domain.VoucherTemplate, oldVersion int) error {
	b, err := json.Marshal(t.Lines)
	if err != nil {
		return err
	}
	res := tx.DB().Table("voucher_templates").Where("event = ? AND version = ?", t.Event, oldVersion).
		Updates(map[string]any{"lines": string(b), "version": t.Version, "updated_at": tx.Now})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return errStale
	}
	t.UpdatedAt = tx.Now
	return nil
}

// AccountTotals sums voucher lines per account for periods from (yyyy-mm,
// inclusive; empty: the beginning) up to before (exclusive), with the
// openings of going live (期初) as totals of the months before the start
// period (domain.OpeningTotals).
func AccountTotals(q Q, from, before string) (map[int64]domain.Totals, error) {
	return accountTotals(q, from, before, false)
}

// AccountTotalsBeforeClosing is AccountTotals without the month-end closing
// vouchers: the activity the income statement reports.
func AccountTotalsBeforeClosing(q Q, from, before string) (map[int64]domain.Totals, error) {
	return accountTotals(q, from, before, true)
}

func accountTotals(q Q, from, before string, noClosing bool) (map[int64]domain.Totals, error) {
	sel := "account_id, SUM(debit) AS debit, SUM(credit) AS credit"
	if noClosing {
		sel = "account_id, SUM(debit - closing_debit) AS debit, SUM(credit - closing_credit) AS credit"
	}
	db := q.DB().Table("account_period_totals").Select(sel).Where("period < ?", before)
	if from != "" {
		db = db.Where("period >= ?", from)
	}
	var rows []struct {
		AccountID     int64
		Debit, Credit decimal.Decimal
	}
	if err := db.Group("account_id").Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]domain.Totals, len(rows))
	for _, r := range rows {
		// SQLite sums DECIMAL columns as floats: rounding to the stored scale
		// gives the exact sum back (13 significant digits are far inside
		// float64's).
		out[r.AccountID] = domain.Totals{Debit: domain.RoundAmount(r.Debit), Credit: domain.RoundAmount(r.Credit)}
	}
	// Going live: the openings count as totals before the start period.
	if err := addOpeningTotals(q, out, from, before, noClosing); err != nil {
		return nil, err
	}
	return out, nil
}

// AllAccounts returns the chart by code.
func AllAccounts(q Q) ([]domain.Account, error) {
	var as []domain.Account
	err := q.DB().Table("accounts").Order("code").Find(&as).Error
	return as, translate(err)
}

// StockValuation is the value of every stock balance (what account 1405
// must equal).
func StockValuation(q Q) (decimal.Decimal, error) {
	var v struct{ Value decimal.Decimal }
	err := q.DB().Table("stock_balances").Select("COALESCE(SUM(value), 0) AS value").Scan(&v).Error
	return domain.RoundAmount(v.Value), translate(err)
}

// LedgerLine is one voucher line of an account's detail ledger.
type LedgerLine struct {
	Date      string          `json:"date"`
	Period    string          `json:"period"`
	VoucherID int64           `json:"voucher_id"`
	Number    string          `json:"voucher_number"`
	Summary   string          `json:"summary"`
	Debit     decimal.Decimal `json:"debit"`
	Credit    decimal.Decimal `json:"credit"`
}

// AccountLines lists the voucher lines of account ids in a period, in
// voucher order.
func AccountLines(q Q, ids []int64, period string) ([]LedgerLine, error) {
	var out []LedgerLine
	err := q.DB().Table("voucher_lines l").Select("v.date, v.period, v.id AS voucher_id, v.number, l.summary, l.debit, l.credit").
		Joins("JOIN vouchers v ON v.id = l.voucher_id").Where("l.account_id IN ? AND l.period = ?", ids, period).
		Order("v.seq, l.id").Scan(&out).Error
	for i := range out {
		out[i].Debit, out[i].Credit = domain.RoundAmount(out[i].Debit), domain.RoundAmount(out[i].Credit)
	}
	return out, translate(err)
}

// sqliteAddTotals adds amounts to a totals row in decimals (creating it).
func (tx *Tx) sqliteAddTotals(table, where string, args []any, add map[string]decimal.Decimal, key map[string]any) error {
	cols := make([]string, 0, len(add))
	for c := range add {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	cur := map[string]any{}
	err := tx.DB().Table(table).Select(cols).Where(where, args...).Take(&cur).Error
	if err != nil && err != gorm.ErrRecordNotFound {
		return translate(err)
	}
	row := map[string]any{}
	for _, c := range cols {
		have := decimal.Zero
		if v, ok := cur[c]; ok && v != nil {
			have, _ = decimal.NewFromString(fmt.Sprint(v))
		}
		row[c] = domain.RoundAmount(have.Add(add[c])).String()
	}
	if err == gorm.ErrRecordNotFound {
		for k, v := range key {
			row[k] = v
		}
		return translate(tx.DB().Table(table).Create(row).Error)
	}
	return translate(tx.DB().Table(table).Where(where, args...).Updates(row).Error)
}
