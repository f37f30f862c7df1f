package store

import (
	"sort"
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// Reports read balances, document lines and moves through their indexes;
// none of them replays the whole ledger per request.

// ReportFilter holds every filter a report may use.
type ReportFilter struct {
	From, To    *time.Time // instants: [From, To)
	AsOf        *time.Time // the end of a day, for inventory balance
	WarehouseID int64
	CategoryID  int64
	ProductID   int64
	PartnerID   int64
	GroupBy     string
	IdleSince   *time.Time // slow-moving: no outbound movement since
	Period      string     // accounting period (yyyy-mm) of ledger reports
	AccountID   int64      // the account of ledger reports
	// Scope limits the reports made of documents (the stock ledger's
	// moves, sales detail, gross profit, purchase summary) to the
	// actor's data scope. Required: the zero Scope sees nothing.
	Scope Scope
}

// InventoryRow is one line of the inventory balance report.
type InventoryRow struct {
	ProductID   int64           `json:"product_id"`
	SKU         string          `json:"sku"`
	ProductName string          `json:"product_name"`
	Spec        string          `json:"spec"`
	Category    string          `json:"category"`
	WarehouseID int64           `json:"warehouse_id"`
	Warehouse   string          `json:"warehouse"`
	Batch       string          `json:"batch"`
	OnHand      decimal.Decimal `json:"on_hand"`
	Value       decimal.Decimal `json:"value"`
	AvgCost     decimal.Decimal `json:"avg_cost" gorm:"-"`
}

func (f ReportFilter) balances(db *gorm.DB) *gorm.DB {
	if f.WarehouseID != 0 {
		db = db.Where("b.warehouse_id = ?", f.WarehouseID)
	}
	if f.ProductID != 0 {
		db = db.Where("b.product_id = ?", f.ProductID)
	}
	if f.CategoryID != 0 {
		db = db.Where("p.category_id = ?", f.CategoryID)
	}
	return db
}

// InventoryBalance is stock by product, warehouse and batch, now or at the
// end of a day. A past date is reached by taking today's balances back by
// the moves dated (业务日期) after it (read through the biz_date index), so
// its cost follows the balances and the recent activity, never the whole
// history; by business date, so a month's end ties to 1405 of that month.
func InventoryBalance(q Q, f ReportFilter, p Page) ([]InventoryRow, int64, decimal.Decimal, error) {
	db := f.balances(q.DB().Table("stock_balances b").
		Joins("JOIN products p ON p.id = b.product_id").Joins("JOIN warehouses w ON w.id = b.warehouse_id").
		Joins("LEFT JOIN categories c ON c.id = p.category_id"))
	sel := db.Select("b.id, b.product_id, p.sku, p.name AS product_name, p.spec, COALESCE(c.name, '') AS category, b.warehouse_id, w.name AS warehouse, b.batch, b.on_hand, b.value")
	if f.AsOf == nil {
		db = db.Where("b.on_hand <> 0 OR b.value <> 0")
		var agg struct {
			N     int64
			Value decimal.Decimal
		}
		if err := db.Session(&gorm.Session{}).Select("COUNT(*) AS n, COALESCE(SUM(b.value), 0) AS value").Scan(&agg).Error; err != nil {
			return nil, 0, domain.Zero, translate(err)
		}
		var rows []InventoryRow
		if err := p.applyTie(sel.Where("b.on_hand <> 0 OR b.value <> 0"), "p.sku", "b.id").Find(&rows).Error; err != nil {
			return nil, 0, domain.Zero, translate(err)
		}
		return finishInventory(rows), agg.N, domain.RoundAmount(agg.Value), nil
	}
	// Two ways to the stock at AsOf: today's balances less the moves since,
	// or the snapshot of the last month closed before it plus the moves
	// after that month. The one that reads fewer days of moves wins, so a
	// report on a closed month long ago does not scan everything since.
	snap, snapEnd, err := lastSnapshot(q, *f.AsOf)
	if err != nil {
		return nil, 0, domain.Zero, err
	}
	useSnap := snap != nil && f.AsOf.Sub(snapEnd) < q.DB().NowFunc().Sub(*f.AsOf)
	var since map[domain.BalanceKey][2]decimal.Decimal
	if useSnap {
		since, err = movesBetween(q, domain.LocalDate(snapEnd), domain.LocalDate(*f.AsOf))
	} else {
		since, err = movesSince(q, domain.LocalDate(*f.AsOf))
	}
	if err != nil {
		return nil, 0, domain.Zero, err
	}
	var all []InventoryRow
	if err := sel.Order("p.sku, b.id").Find(&all).Error; err != nil {
		return nil, 0, domain.Zero, translate(err)
	}
	kept := all[:0]
	total := domain.Zero
	for _, r := range all {
		k := domain.BalanceKey{ProductID: r.ProductID, WarehouseID: r.WarehouseID, Batch: r.Batch}
		if useSnap {
			base, between := snap[k], since[k]
			r.OnHand, r.Value = base[0].Add(between[0]), base[1].Add(between[1])
		} else if m, ok := since[k]; ok {
			r.OnHand, r.Value = r.OnHand.Sub(m[0]), r.Value.Sub(m[1])
		}
		if !r.OnHand.IsZero() || !r.Value.IsZero() {
			kept = append(kept, r)
			total = total.Add(r.Value)
		}
	}
	sortInventory(kept, p.Sort)
	from := min(p.Offset(), len(kept))
	to := min(from+p.PageSize, len(kept))
	return finishInventory(kept[from:to]), int64(len(kept)), domain.RoundAmount(total), nil
}

// lastSnapshot returns the stock kept by the last closed month that ended at
// or before t, and that month's end; nil when there is none.
func lastSnapshot(q Q, t time.Time) (map[domain.BalanceKey][2]decimal.Decimal, time.Time, error) {
	var periods []string
	if err := q.DB().Table("period_stock").Distinct("period").Order("period DESC").Pluck("period", &periods).Error; err != nil {
		return nil, time.Time{}, translate(err)
	}
	for _, p := range periods {
		end, _ := domain.PeriodEnd(p)
		if end.After(t) {
			continue
		}
		var rows []struct {
			ProductID, WarehouseID int64
			Batch                  string
			Qty, Value             decimal.Decimal
		}
		if err := q.DB().Table("period_stock").Where("period = ?", p).Find(&rows).Error; err != nil {
			return nil, time.Time{}, translate(err)
		}
		out := make(map[domain.BalanceKey][2]decimal.Decimal, len(rows))
		for _, r := range rows {
			out[domain.BalanceKey{ProductID: r.ProductID, WarehouseID: r.WarehouseID, Batch: r.Batch}] =
				[2]decimal.Decimal{domain.RoundQty(r.Qty), domain.RoundAmount(r.Value)}
		}
		return out, end, nil
	}
	return nil, time.Time{}, nil
}

// movesBetween sums the moves dated (业务日期) in [from, to) per balance key.
func movesBetween(q Q, from, to string) (map[domain.BalanceKey][2]decimal.Decimal, error) {
	var rows []struct {
		ProductID, WarehouseID int64
		Batch                  string
		Qty, Amount            decimal.Decimal
	}
	err := q.DB().Table("stock_moves").Select("product_id, warehouse_id, batch, SUM(qty) AS qty, SUM(amount) AS amount").
		Where("biz_date >= ? AND biz_date < ?", from, to).Group("product_id, warehouse_id, batch").Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make(map[domain.BalanceKey][2]decimal.Decimal, len(rows))
	for _, r := range rows {
		out[domain.BalanceKey{ProductID: r.ProductID, WarehouseID: r.WarehouseID, Batch: r.Batch}] = [2]decimal.Decimal{r.Qty, r.Amount}
	}
	return out, nil
}

// movesSince sums the moves dated (业务日期) on or after day per balance key.
func movesSince(q Q, day string) (map[domain.BalanceKey][2]decimal.Decimal, error) {
	table := "stock_moves"
	if q.DB().Dialector.Name() == DriverMySQL {
		table = "stock_moves FORCE INDEX (idx_move_biz)"
	}
	var rows []struct {
		ProductID, WarehouseID int64
		Batch                  string
		Qty, Amount            decimal.Decimal
	}
	err := q.DB().Table(table).Select("product_id, warehouse_id, batch, SUM(qty) AS qty, SUM(amount) AS amount").
		Where("biz_date >= ?", day).Group("product_id, warehouse_id, batch").Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make(map[domain.BalanceKey][2]decimal.Decimal, len(rows))
	for _, r := range rows {
		out[domain.BalanceKey{ProductID: r.ProductID, WarehouseID: r.WarehouseID, Batch: r.Batch}] = [2]decimal.Decimal{r.Qty, r.Amount}
	}
	return out, nil
}

func sortInventory(rows []InventoryRow, by string) {
	less := func(i, j int) bool { return rows[i].SKU < rows[j].SKU }
	switch strings.TrimPrefix(by, "-") {
	case "on_hand":
		less = func(i, j int) bool { return rows[i].OnHand.LessThan(rows[j].OnHand) }
	case "value":
		less = func(i, j int) bool { return rows[i].Value.LessThan(rows[j].Value) }
	}
	if strings.HasPrefix(by, "-") {
		asc := less
		less = func(i, j int) bool { return asc(j, i) }
	}
	sort.SliceStable(rows, less)
}

func finishInventory(rows []InventoryRow) []InventoryRow {
	for i := range rows {
		r := &rows[i]
		r.OnHand, r.Value = domain.RoundQty(r.OnHand), domain.RoundAmount(r.Value)
		if r.OnHand.IsPositive() {
			r.AvgCost = domain.RoundCost(r.Value.Div(r.OnHand))
		}
	}
	if rows == nil {
		return []InventoryRow{}
	}
	return rows
}

// LedgerRow is one move in the stock ledger report, with the balance of its
// product, warehouse and batch after it.
type LedgerRow struct {
	PostedAt     time.Time       `json:"posted_at"`
	BizDate      string          `json:"biz_date"`
	DocType      string          `json:"doc_type"`
	DocNumber    string          `json:"doc_number"`
	SKU          string          `json:"sku"`
	ProductName  string          `json:"product_name"`
	Warehouse    string          `json:"warehouse"`
	Batch        string          `json:"batch"`
	InQty        decimal.Decimal `json:"in_qty"`
	OutQty       decimal.Decimal `json:"out_qty"`
	UnitCost     decimal.Decimal `json:"unit_cost"`
	Amount       decimal.Decimal `json:"amount"`
	BalanceQty   decimal.Decimal `json:"balance_qty"`
	BalanceValue decimal.Decimal `json:"balance_value"`
}

// StockLedger lists the moves of a product whose business dates fall in a
// period (收发明细), in posting order, each with the running balance stored
// when it was posted.
func StockLedger(q Q, f ReportFilter, p Page) ([]LedgerRow, int64, error) {
	db := q.DB().Table("stock_moves m").Joins("JOIN products p ON p.id = m.product_id").Joins("JOIN warehouses w ON w.id = m.warehouse_id").
		Where("m.product_id = ?", f.ProductID)
	db = scopedMoves(db, f.Scope, "m")
	if f.WarehouseID != 0 {
		db = db.Where("m.warehouse_id = ?", f.WarehouseID)
	}
	// The period is the moves' 业务日期, as the vouchers' and the other
	// reports'; posting order still orders them, so the running balance
	// reads down the page.
	db = bizDates(db, "m.biz_date", f.From, f.To)
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var raw []struct {
		LedgerRow
		Qty decimal.Decimal
	}
	sel := db.Select("m.posted_at, m.biz_date, m.doc_type, m.doc_number, p.sku, p.name AS product_name, w.name AS warehouse, m.batch, m.qty, m.unit_cost, m.amount, m.balance_qty, m.balance_value")
	if err := p.applyTie(sel, "m.posted_at", "m.id").Find(&raw).Error; err != nil {
		return nil, 0, translate(err)
	}
	out := make([]LedgerRow, len(raw))
	for i, r := range raw {
		out[i] = r.LedgerRow
		out[i].PostedAt = r.PostedAt.UTC()
		out[i].InQty, out[i].OutQty = domain.Zero, domain.Zero
		if r.Qty.IsPositive() {
			out[i].InQty = r.Qty
		} else {
			out[i].OutQty = r.Qty.Neg()
		}
	}
	return out, total, nil
}

// bizDates keeps the rows whose business date (业务日期, a Shanghai
// YYYY-MM-DD column) falls in [from, to), the Shanghai midnights a date
// filter gives; nil bounds are open.
func bizDates(db *gorm.DB, col string, from, to *time.Time) *gorm.DB {
	if from != nil {
		db = db.Where(col+" >= ?", domain.LocalDate(*from))
	}
	if to != nil {
		db = db.Where(col+" <= ?", domain.LocalDate(to.Add(-time.Millisecond)))
	}
	return db
}

// docLines joins documents to their lines, products, partners and
// warehouses in a fixed order: the database starts from the documents of
// the period (index on type, biz_date) and fetches their lines, instead of
// starting from the 50 products and reading every line each ever had.
// STRAIGHT_JOIN fixes the order on MySQL, CROSS JOIN on SQLite.
func docLines(driver string) string {
	j := " CROSS JOIN "
	if driver == DriverMySQL {
		j = " STRAIGHT_JOIN "
	}
	return "stock_docs d" + j + "stock_doc_lines l ON l.doc_id = d.id" + j + "products p ON p.id = l.product_id" +
		j + "partners pt ON pt.id = d.partner_id" + j + "warehouses w ON w.id = d.warehouse_id"
}

// docs filters joined document lines by type, period, partner, product and
// warehouse. The period is the documents' 业务日期 (From and To are the
// Shanghai midnights that bound it), the dates their vouchers carry, so
// the reports tie out to the statements of the same dates.
func (f ReportFilter) docs(db *gorm.DB, types ...string) *gorm.DB {
	db = scopedStockDocs(db.Where("d.type IN ?", types), f.Scope, "d")
	db = bizDates(db, "d.biz_date", f.From, f.To)
	if f.PartnerID != 0 {
		db = db.Where("d.partner_id = ?", f.PartnerID)
	}
	if f.ProductID != 0 {
		db = db.Where("l.product_id = ?", f.ProductID)
	}
	if f.WarehouseID != 0 {
		db = db.Where("d.warehouse_id = ?", f.WarehouseID)
	}
	return db
}

// SummaryRow is one group of a purchase summary or gross-profit report.
type SummaryRow struct {
	Key       string          `json:"key"`
	Name      string          `json:"name"`
	Qty       decimal.Decimal `json:"qty"`
	Amount    decimal.Decimal `json:"amount"`
	TaxAmount decimal.Decimal `json:"tax_amount"`
	Total     decimal.Decimal `json:"total"`
	Cost      decimal.Decimal `json:"cost"`
	Profit    decimal.Decimal `json:"profit"`
	Margin    decimal.Decimal `json:"margin"`
	ReturnQty decimal.Decimal `json:"return_qty"`
}

// docSummary groups document lines of a forward type (receipts, shipments)
// and its return type, returns counting negative.
func docSummary(q Q, driver, forward, backward string, f ReportFilter, p Page) ([]SummaryRow, int64, error) {
	db := f.docs(q.DB().Table(docLines(driver)), forward, backward)
	var key, name string
	switch f.GroupBy {
	case "partner":
		key, name = "pt.code", "pt.name"
	case "month":
		key = "SUBSTR(d.biz_date, 1, 7)"
		name = key
	default:
		key, name = "p.sku", "p.name"
	}
	sign := func(col string) string {
		return "SUM(CASE WHEN d.type = '" + backward + "' THEN -" + col + " ELSE " + col + " END)"
	}
	grouped := db.Group(key + ", " + name)
	// The number of groups comes with the page (a window over the grouped
	// rows), so the lines are joined and grouped once, not twice: a month
	// of a busy firm's shipments is tens of thousands of lines.
	sel := grouped.Session(&gorm.Session{}).Select(key + " AS `key`, " + name + " AS name, " + sign("l.qty") + " AS qty, " + sign("l.amount") + " AS amount, " +
		sign("l.tax_amount") + " AS tax_amount, " + sign("l.total") + " AS total, " + sign("l.cost_amount") + " AS cost, " +
		"SUM(CASE WHEN d.type = '" + backward + "' THEN l.qty ELSE 0 END) AS return_qty, COUNT(*) OVER () AS n_groups")
	var counted []struct {
		SummaryRow
		NGroups int64
	}
	def := "-amount" // largest first; months in calendar order
	if f.GroupBy == "month" {
		def = "`key`"
	}
	if err := p.applyTie(sel, def, "`key`").Find(&counted).Error; err != nil {
		return nil, 0, translate(err)
	}
	var total int64
	rows := make([]SummaryRow, len(counted))
	for i, c := range counted {
		rows[i], total = c.SummaryRow, c.NGroups
	}
	if len(counted) == 0 && p.Offset() > 0 {
		// A page past the end still reports how many groups there are.
		if err := q.DB().Table("(?) g", grouped.Session(&gorm.Session{}).Select(key+" AS k")).Count(&total).Error; err != nil {
			return nil, 0, translate(err)
		}
	}
	for i := range rows {
		r := &rows[i]
		r.Qty, r.ReturnQty = domain.RoundQty(r.Qty), domain.RoundQty(r.ReturnQty)
		r.Amount, r.TaxAmount, r.Total, r.Cost = domain.RoundMoney(r.Amount), domain.RoundMoney(r.TaxAmount), domain.RoundMoney(r.Total), domain.RoundAmount(r.Cost)
		r.Profit = r.Amount.Sub(r.Cost)
		if !r.Amount.IsZero() {
			r.Margin = r.Profit.Div(r.Amount).Round(4)
		}
	}
	return rows, total, nil
}

// PurchaseSummary groups receipts less returns to suppliers.
func PurchaseSummary(q Q, driver string, f ReportFilter, p Page) ([]SummaryRow, int64, error) {
	return docSummary(q, driver, domain.DocPurchaseReceipt, domain.DocPurchaseReturn, f, p)
}

// GrossProfit groups shipments less sales returns: revenue at the net price,
// cost of goods at the cost each line left or came back with.
func GrossProfit(q Q, driver string, f ReportFilter, p Page) ([]SummaryRow, int64, error) {
	return docSummary(q, driver, domain.DocSalesShipment, domain.DocSalesReturn, f, p)
}

// SalesDetailRow is one shipped or returned line.
type SalesDetailRow struct {
	Date      string          `json:"date"`
	Number    string          `json:"number"`
	Type      string          `json:"type"`
	Customer  string          `json:"customer"`
	SKU       string          `json:"sku"`
	Product   string          `json:"product_name"`
	Warehouse string          `json:"warehouse"`
	Qty       decimal.Decimal `json:"qty"`
	UnitPrice decimal.Decimal `json:"unit_price"`
	Amount    decimal.Decimal `json:"amount"`
	TaxAmount decimal.Decimal `json:"tax_amount"`
	Total     decimal.Decimal `json:"total"`
	Cost      decimal.Decimal `json:"cost"`
	Profit    decimal.Decimal `json:"profit"`
}

// SalesDetail lists shipment and sales-return lines of a period, returns
// negative.
func SalesDetail(q Q, driver string, f ReportFilter, p Page) ([]SalesDetailRow, int64, error) {
	db := f.docs(q.DB().Table(docLines(driver)), domain.DocSalesShipment, domain.DocSalesReturn)
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []SalesDetailRow
	sel := db.Select("d.biz_date AS date, d.number, d.type, pt.name AS customer, p.sku, p.name AS product, w.name AS warehouse, " +
		"l.qty, l.unit_price, l.amount, l.tax_amount, l.total, l.cost_amount AS cost")
	if err := p.applyTie(sel, "d.biz_date", "l.id").Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	for i := range rows {
		r := &rows[i]
		if r.Type == domain.DocSalesReturn {
			r.Qty, r.Amount, r.TaxAmount, r.Total, r.Cost = r.Qty.Neg(), r.Amount.Neg(), r.TaxAmount.Neg(), r.Total.Neg(), r.Cost.Neg()
		}
		r.Profit = r.Amount.Sub(r.Cost)
	}
	return rows, total, nil
}

// SlowRow is one balance that has not moved out for a while (呆滞).
type SlowRow struct {
	SKU         string          `json:"sku"`
	ProductName string          `json:"product_name"`
	Warehouse   string          `json:"warehouse"`
	Batch       string          `json:"batch"`
	OnHand      decimal.Decimal `json:"on_hand"`
	Value       decimal.Decimal `json:"value"`
	IdleSince   *time.Time      `json:"idle_since"`
}

// SlowMoving lists stock on hand that has been idle since before a time,
// from the balances alone (each keeps when its idle period began).
func SlowMoving(q Q, f ReportFilter, p Page) ([]SlowRow, int64, error) {
	db := f.balances(q.DB().Table("stock_balances b").Joins("JOIN products p ON p.id = b.product_id").
		Joins("JOIN warehouses w ON w.id = b.warehouse_id")).
		Where("b.on_hand > 0 AND b.idle_since < ?", *f.IdleSince)
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []SlowRow
	sel := db.Select("p.sku, p.name AS product_name, w.name AS warehouse, b.batch, b.on_hand, b.value, b.idle_since")
	if err := p.applyTie(sel, "-b.value", "b.id").Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	return rows, total, nil
}
