package store

import (
	"fmt"
	"strings"

	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// centsRemark names the adjustment the migration to 分 books for what
// rounding left between 1405 and the stock; it also marks the migration
// as done.
const centsRemark = "升级调整：金额取整到分的尾差（库存商品）"

// centsColumns are the money columns rounded to 分 one by one: document
// figures, sub-ledger items and their allocations. (Document money was
// already in 分 before, so nearly nothing changes here.)
var centsColumns = []struct {
	table string
	cols  []string
}{
	{"orders", []string{"amount", "tax_amount", "total"}},
	{"order_lines", []string{"amount", "tax_amount", "total"}},
	{"stock_docs", []string{"amount", "tax_amount", "total"}},
	{"stock_doc_lines", []string{"amount", "tax_amount", "total", "cost_amount"}},
	{"stock_opening_lines", []string{"amount"}},
	{"transfer_lines", []string{"amount"}},
	{"stocktake_lines", []string{"amount"}},
	{"approvals", []string{"amount"}},
	{"open_items", []string{"amount", "open_amount"}},
	{"allocations", []string{"amount"}},
	{"money_docs", []string{"amount"}},
	{"invoices", []string{"amount", "tax", "total"}},
	{"invoice_lines", []string{"amount", "tax"}},
}

// migrateToCents converts books kept to four places into 分, keeping every
// invariant: each balance's moves are re-expressed so that its running
// value is the old one rounded (domain.RunningCents), so a balance still
// equals the sum of its moves and a closed month's snapshot is recomputed
// from them; document and sub-ledger figures are rounded; each voucher's
// lines are rounded and a residue goes to its uncontrolled line
// (domain.RoundVoucherLines); the monthly totals are rebuilt from the lines;
// and what is left between 1405 and the stock is booked once against 5401
// (domain.StockResidueLines), dated today or in the first open month.
func migrateToCents(db *gorm.DB) error {
	if err := centsMoves(db); err != nil {
		return fmt.Errorf("store: moves in 分: %w", err)
	}
	for _, t := range centsColumns {
		for _, c := range t.cols {
			if err := roundColumn(db, t.table, c); err != nil {
				return fmt.Errorf("store: %s.%s in 分: %w", t.table, c, err)
			}
		}
	}
	// A document's cost is the sum of its lines'.
	if err := db.Exec(`UPDATE stock_docs SET cost_amount = (SELECT COALESCE(SUM(l.cost_amount), 0) FROM stock_doc_lines l
		WHERE l.doc_id = stock_docs.id)`).Error; err != nil {
		return err
	}
	if err := centsVouchers(db); err != nil {
		return fmt.Errorf("store: vouchers in 分: %w", err)
	}
	if err := RebuildPeriodTotals(db); err != nil {
		return err
	}
	return centsStockResidue(db)
}

// centsMoves rewrites every balance's moves in posting order, then its
// value and the month-end snapshots from them.
func centsMoves(db *gorm.DB) error {
	type moveRow struct {
		ID           int64
		ProductID    int64
		WarehouseID  int64
		Batch        string
		Amount       decimal.Decimal
		BalanceValue decimal.Decimal
	}
	var rows []moveRow
	if err := db.Table("stock_moves").Select("id, product_id, warehouse_id, batch, amount, balance_value").
		Order("product_id, warehouse_id, batch, id").Find(&rows).Error; err != nil {
		return err
	}
	flush := func(run []moveRow) error {
		old := make([]decimal.Decimal, len(run))
		for i, m := range run {
			old[i] = m.Amount
		}
		amounts, running := domain.RunningCents(old)
		// The balance's value is its moves' sum, added here in decimals (a
		// SUM on SQLite adds binary floating point).
		k := run[0]
		if err := db.Exec("UPDATE stock_balances SET value = ? WHERE product_id = ? AND warehouse_id = ? AND batch = ?",
			running[len(run)-1], k.ProductID, k.WarehouseID, k.Batch).Error; err != nil {
			return err
		}
		for i, m := range run {
			if m.Amount.Equal(amounts[i]) && m.BalanceValue.Equal(running[i]) {
				continue
			}
			if err := db.Exec("UPDATE stock_moves SET amount = ?, balance_value = ? WHERE id = ?", amounts[i], running[i], m.ID).Error; err != nil {
				return err
			}
		}
		return nil
	}
	start := 0
	for i := 1; i <= len(rows); i++ {
		if i < len(rows) && rows[i].ProductID == rows[start].ProductID && rows[i].WarehouseID == rows[start].WarehouseID && rows[i].Batch == rows[start].Batch {
			continue
		}
		if err := flush(rows[start:i]); err != nil {
			return err
		}
		start = i
	}
	// Month-end snapshots are recomputed the way closing takes them
	// (Tx.SnapshotStock); their readers round the sums.
	var periods []string
	if err := db.Table("period_stock").Distinct("period").Pluck("period", &periods).Error; err != nil {
		return err
	}
	for _, p := range periods {
		// By business date, as SnapshotStock now keeps them (the dates
		// migration, earlier, gave every move the day it was posted).
		_, lastDay := domain.PeriodEnd(p)
		if err := db.Exec(`UPDATE period_stock SET value = (SELECT COALESCE(SUM(m.amount), 0) FROM stock_moves m
			WHERE m.product_id = period_stock.product_id AND m.warehouse_id = period_stock.warehouse_id
			AND m.batch = period_stock.batch AND m.biz_date <= ?) WHERE period = ?`, lastDay, p).Error; err != nil {
			return err
		}
	}
	return nil
}

// roundColumn rounds one money column of a table with an id to 分. The
// filter only narrows the rows read (on SQLite ROUND works in binary
// floating point); the rounding itself is decimal.
func roundColumn(db *gorm.DB, table, col string) error {
	var rows []struct {
		ID int64
		V  decimal.Decimal
	}
	if err := db.Table(table).Select("id, " + col + " AS v").Where(col + " <> ROUND(" + col + ", 2)").Find(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		if v := domain.RoundAmount(r.V); !v.Equal(r.V) {
			if err := db.Exec("UPDATE "+table+" SET "+col+" = ? WHERE id = ?", v, r.ID).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// centsVouchers rounds the lines of every voucher that has a fraction of a
// cent, puts a residue on its uncontrolled line, and writes its totals.
func centsVouchers(db *gorm.DB) error {
	var accts []struct {
		ID   int64
		Code string
	}
	if err := db.Table("accounts").Select("id, code").Find(&accts).Error; err != nil {
		return err
	}
	controlled := map[int64]bool{}
	for _, a := range accts {
		for code := range domain.ControlledAccounts {
			if strings.HasPrefix(a.Code, code) {
				controlled[a.ID] = true
			}
		}
	}
	var ids []int64
	if err := db.Table("voucher_lines").Distinct("voucher_id").Where("debit <> ROUND(debit, 2) OR credit <> ROUND(credit, 2)").
		Order("voucher_id").Pluck("voucher_id", &ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		var rows []struct {
			ID            int64
			AccountID     int64
			Debit, Credit decimal.Decimal
		}
		if err := db.Table("voucher_lines").Select("id, account_id, debit, credit").Where("voucher_id = ?", id).Order("id").Find(&rows).Error; err != nil {
			return err
		}
		lines := make([]domain.VoucherLine, len(rows))
		for i, r := range rows {
			lines[i] = domain.VoucherLine{ID: r.ID, AccountID: r.AccountID, Debit: r.Debit, Credit: r.Credit}
		}
		changed, err := domain.RoundVoucherLines(lines, func(a int64) bool { return controlled[a] })
		if err != nil || !changed {
			return err
		}
		debit, credit := domain.Zero, domain.Zero
		for i, l := range lines {
			debit, credit = debit.Add(l.Debit), credit.Add(l.Credit)
			if l.Debit.Equal(rows[i].Debit) && l.Credit.Equal(rows[i].Credit) {
				continue
			}
			if err := db.Exec("UPDATE voucher_lines SET debit = ?, credit = ? WHERE id = ?", l.Debit, l.Credit, l.ID).Error; err != nil {
				return err
			}
		}
		if err := db.Exec("UPDATE vouchers SET debit = ?, credit = ? WHERE id = ?", debit, credit, id).Error; err != nil {
			return err
		}
	}
	return nil
}

// centsStockResidue books what rounding left between 1405 and the stock:
// each voucher line was rounded on its own, the moves by their running
// values, so the two can differ by a few cents.
func centsStockResidue(db *gorm.DB) error {
	var done int64
	if err := db.Table("vouchers").Where("source = ? AND remark = ?", domain.VoucherAdjust, centsRemark).Count(&done).Error; err != nil || done > 0 {
		return err
	}
	var stock struct{ V decimal.Decimal }
	if err := db.Table("stock_moves").Select("COALESCE(SUM(amount), 0) AS v").Scan(&stock).Error; err != nil {
		return err
	}
	var books struct{ V decimal.Decimal }
	if err := db.Table("voucher_lines l").Joins("JOIN accounts a ON a.id = l.account_id").
		Select("COALESCE(SUM(l.debit), 0) - COALESCE(SUM(l.credit), 0) AS v").Where("a.code LIKE ?", domain.AcctStock+"%").
		Scan(&books).Error; err != nil {
		return err
	}
	diff := domain.RoundAmount(stock.V).Sub(domain.RoundAmount(books.V))
	if diff.IsZero() {
		return nil
	}
	var accts []struct {
		ID   int64
		Code string
	}
	if err := db.Table("accounts").Select("id, code").Where("code IN ?", []string{domain.AcctStock, domain.AcctCostOfSales}).Find(&accts).Error; err != nil {
		return err
	}
	codes := map[string]int64{}
	for _, a := range accts {
		codes[a.Code] = a.ID
	}
	if codes[domain.AcctStock] == 0 || codes[domain.AcctCostOfSales] == 0 {
		return fmt.Errorf("store: the chart lacks %s or %s", domain.AcctStock, domain.AcctCostOfSales)
	}
	driver := DriverMySQL
	if db.Dialector.Name() == "sqlite" {
		driver = DriverSQLite
	}
	tx := &Tx{db: db, store: &Store{driver: driver, clock: db.NowFunc}, Now: db.NowFunc()}
	date := domain.LocalDate(tx.Now)
	var last struct{ Period *string }
	if err := db.Table("periods").Select("MAX(period) AS period").Where("status = ?", PeriodClosed).Scan(&last).Error; err != nil {
		return err
	}
	if last.Period != nil && *last.Period >= domain.PeriodOf(date) {
		date = domain.NextPeriod(*last.Period) + "-01"
	}
	v := &domain.Voucher{Date: date, Source: domain.VoucherAdjust, Remark: centsRemark,
		Lines: domain.StockResidueLines(diff, codes[domain.AcctStock], codes[domain.AcctCostOfSales], centsRemark)}
	if err := v.Check(domain.AmountScale); err != nil {
		return err
	}
	return tx.InsertVoucher(v)
}
