package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/shopspring/decimal"
)

// orderBench adds a customer to the transfer benchmark's company.
type orderBench struct {
	*benchEnv
	customer int64
}

func newOrderBench(b *testing.B) *orderBench {
	e := newBenchEnv(b)
	c, err := e.app.Catalog().Partners.Create(e.admin, app.PartnerInput{Code: ptr("C1"), Name: ptr("压测客户"), Type: ptr(domain.PartnerCustomer)})
	if err != nil {
		b.Fatal(err)
	}
	return &orderBench{benchEnv: e, customer: c.ID}
}

// sell creates, submits (approved at once, stock reserved) and ships a
// one-line sales order through the use cases: three API calls' worth.
func (e *orderBench) sell(product int64) error {
	lines := []app.OrderLineInput{{ProductID: product, Qty: decimal.NewFromInt(1), UnitPrice: decimal.NewFromInt(9)}}
	o, err := e.app.CreateOrder(e.admin, domain.DocSalesOrder, app.OrderInput{PartnerID: &e.customer, WarehouseID: &e.from, Lines: &lines})
	if err != nil {
		return err
	}
	if _, err := e.app.SubmitOrder(e.admin, o.Type, o.ID, 0); err != nil {
		return err
	}
	_, err = e.app.PostShipment(e.admin, app.ShipmentInput{OrderID: o.ID, Lines: []domain.MoveLine{{LineID: o.Lines[0].ID, Qty: decimal.NewFromInt(1)}}})
	return err
}

// rawSell writes the same rows with hand-written SQL in the same three
// transactions, without erpd's validation reads, credit check or ORM.
func rawSell(ctx context.Context, db *sql.DB, wh, customer, product int64) error {
	now := time.Now().UTC().Truncate(time.Millisecond)
	num := func(tx *sql.Tx, prefix string) (string, error) {
		name := prefix + now.Format("20060102")
		res, err := tx.Exec("INSERT INTO sequences (name, value) VALUES (?, LAST_INSERT_ID(1)) ON DUPLICATE KEY UPDATE value = LAST_INSERT_ID(value + 1)", name)
		if err != nil {
			return "", err
		}
		n, _ := res.LastInsertId()
		return fmt.Sprintf("%s-%06d", name, n), nil
	}
	auditSQL := "INSERT INTO audit_logs (at, actor_id, actor_name, action, entity, entity_id, `before`, `after`, request_id) VALUES (?, 0, 'bench', ?, 'sales_order', ?, '', '{}', '')"
	// 1. The draft order.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	number, err := num(tx, "RS")
	if err != nil {
		return err
	}
	res, err := tx.Exec("INSERT INTO orders (type, number, status, partner_id, warehouse_id, order_date, remark, amount, tax_amount, total, created_by, created_at, updated_at, version) VALUES ('sales_order', ?, 'draft', ?, ?, ?, '', 9, 1.17, 10.17, 0, ?, ?, 1)",
		number, customer, wh, now.Format("2006-01-02"), now, now)
	if err != nil {
		return err
	}
	oid, _ := res.LastInsertId()
	res, err = tx.Exec("INSERT INTO order_lines (order_id, product_id, qty, unit_price, tax_rate, discount_rate, amount, tax_amount, total, remark, received_qty, shipped_qty, returned_qty) VALUES (?, ?, 1, 9, 0.13, 0, 9, 1.17, 10.17, '', 0, 0, 0)", oid, product)
	if err != nil {
		return err
	}
	lid, _ := res.LastInsertId()
	if _, err := tx.Exec(auditSQL, now, "create", oid); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// 2. Submit: approved at once, one unit reserved.
	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var status string
	if err := tx.QueryRow("SELECT status FROM orders WHERE id = ? FOR UPDATE", oid).Scan(&status); err != nil {
		return err
	}
	var bid int64
	var onHand, reserved, value decimal.Decimal
	if err := tx.QueryRow("SELECT id, on_hand, reserved, value FROM stock_balances WHERE product_id = ? AND warehouse_id = ? AND batch = '' FOR UPDATE", product, wh).Scan(&bid, &onHand, &reserved, &value); err != nil {
		return err
	}
	if onHand.Sub(reserved).LessThan(decimal.NewFromInt(1)) {
		return domain.ErrInsufficientStock
	}
	if _, err := tx.Exec("UPDATE stock_balances SET reserved = reserved + 1, updated_at = ? WHERE id = ?", now, bid); err != nil {
		return err
	}
	if _, err := tx.Exec("INSERT INTO reservations (order_id, order_line_id, product_id, warehouse_id, batch, qty) VALUES (?, ?, ?, ?, '', 1)", oid, lid, product, wh); err != nil {
		return err
	}
	if _, err := tx.Exec("UPDATE orders SET status = 'approved', version = 2, updated_at = ? WHERE id = ?", now, oid); err != nil {
		return err
	}
	if _, err := tx.Exec(auditSQL, now, "submit", oid); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// 3. Ship: consume the reservation, issue at the average, progress.
	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.QueryRow("SELECT status FROM orders WHERE id = ? FOR UPDATE", oid).Scan(&status); err != nil {
		return err
	}
	var rid int64
	if err := tx.QueryRow("SELECT id FROM reservations WHERE order_id = ? AND qty > 0", oid).Scan(&rid); err != nil {
		return err
	}
	gi, err := num(tx, "RG")
	if err != nil {
		return err
	}
	res, err = tx.Exec("INSERT INTO stock_docs (type, number, status, order_id, partner_id, warehouse_id, remark, amount, tax_amount, total, cost_amount, posted_at, created_by, created_at) VALUES ('sales_shipment', ?, 'posted', ?, ?, ?, '', 9, 1.17, 10.17, 0, ?, 0, ?)",
		gi, oid, customer, wh, now, now)
	if err != nil {
		return err
	}
	did, _ := res.LastInsertId()
	res, err = tx.Exec("INSERT INTO stock_doc_lines (doc_id, order_line_id, product_id, batch, qty, unit_price, tax_rate, amount, tax_amount, total, unit_cost, cost_amount, returned_qty) VALUES (?, ?, ?, '', 1, 9, 0.13, 9, 1.17, 10.17, 0, 0, 0)", did, lid, product)
	if err != nil {
		return err
	}
	dlid, _ := res.LastInsertId()
	if err := tx.QueryRow("SELECT on_hand, reserved, value FROM stock_balances WHERE id = ? FOR UPDATE", bid).Scan(&onHand, &reserved, &value); err != nil {
		return err
	}
	cost := value.Div(onHand).Round(4)
	onHand, value = onHand.Sub(decimal.NewFromInt(1)), value.Sub(cost)
	if _, err := tx.Exec("UPDATE stock_balances SET on_hand = ?, reserved = reserved - 1, value = ?, idle_since = ?, updated_at = ? WHERE id = ?", onHand, value, now, now, bid); err != nil {
		return err
	}
	if _, err := tx.Exec("INSERT INTO stock_moves (product_id, warehouse_id, batch, kind, qty, unit_cost, amount, balance_qty, balance_value, doc_type, doc_id, doc_number, line_id, posted_at, created_by) VALUES (?, ?, '', 'out', -1, ?, ?, ?, ?, 'sales_shipment', ?, ?, ?, ?, 0)",
		product, wh, cost, cost.Neg(), onHand, value, did, gi, dlid, now); err != nil {
		return err
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"UPDATE stock_doc_lines SET unit_cost = ?, cost_amount = ? WHERE id = ?", []any{cost, cost, dlid}},
		{"UPDATE stock_docs SET cost_amount = ? WHERE id = ?", []any{cost, did}},
		{"DELETE FROM reservations WHERE id = ?", []any{rid}},
		{"UPDATE order_lines SET shipped_qty = 1 WHERE id = ?", []any{lid}},
		{"UPDATE orders SET status = 'shipped', version = 3, updated_at = ? WHERE id = ?", []any{now, oid}},
		{auditSQL, []any{now, "ship", oid}},
	} {
		if _, err := tx.Exec(q.sql, q.args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// BenchmarkOrderToShipment measures create → approve (reserve) → ship of
// one-line sales orders on MariaDB, through erpd and through the raw-SQL
// baseline, at 1, 16 and 64 concurrent clients, in one run.
func BenchmarkOrderToShipment(b *testing.B) {
	for _, conc := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("erpd/conc=%d", conc), func(b *testing.B) {
			e := newOrderBench(b)
			runParallel(b, conc, func(r *rand.Rand) error { return e.sell(e.products[r.IntN(len(e.products))]) })
			if bad, err := e.store.LedgerCheck(e.store.Read(context.Background())); err != nil || len(bad) > 0 {
				b.Fatalf("ledger after benchmark: %v %v", bad, err)
			}
		})
		b.Run(fmt.Sprintf("rawsql/conc=%d", conc), func(b *testing.B) {
			e := newOrderBench(b)
			db, err := sql.Open("mysql", e.store.DSN())
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			db.SetMaxOpenConns(40)
			db.SetMaxIdleConns(40)
			runParallel(b, conc, func(r *rand.Rand) error {
				return rawSell(context.Background(), db, e.from, e.customer, e.products[r.IntN(len(e.products))])
			})
		})
	}
}

// BenchmarkReportLatency measures two reports on a history of 100k and of
// 1M stock moves with the same recent activity: the current inventory
// balance, the balance as of a week ago, and last month's gross profit.
// Their cost should follow the balances and the period, not the history.
func BenchmarkReportLatency(b *testing.B) {
	for _, size := range []int{100_000, 1_000_000} {
		e := newOrderBench(b)
		seedHistory(b, e, size)
		weekAgo := app.EndOfDay(time.Now().In(domain.Shanghai).AddDate(0, 0, -7))
		from := time.Now().In(domain.Shanghai).AddDate(0, 0, -30)
		for _, rc := range []struct {
			name   string
			report string
			params app.ReportParams
		}{
			{"inventory-balance", "inventory-balance", app.ReportParams{}},
			{"inventory-balance-as-of-week-ago", "inventory-balance", app.ReportParams{AsOf: &weekAgo}},
			{"gross-profit-last-30-days", "gross-profit", app.ReportParams{From: &from}},
		} {
			b.Run(fmt.Sprintf("moves=%dk/%s", size/1000, rc.name), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, err := e.app.Report(e.admin, rc.report, rc.params); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// seedHistory writes n stock moves (with matching shipment lines for one in
// ten) spread over two years, the recent 30 days holding the same 5,000
// moves whatever n is, straight into the tables: generating them through the
// use cases would take hours. Balances are then made to agree with them.
func seedHistory(b *testing.B, e *orderBench, n int) {
	b.Helper()
	db, err := sql.Open("mysql", e.store.DSN())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := time.Now().UTC()
	const recent, batch = 5000, 2000
	r := rand.New(rand.NewPCG(1, 2))
	var moves, docs, lines []string
	var margs, dargs, largs []any
	docID := int64(1_000_000)
	flush := func() {
		for _, q := range []struct {
			head string
			rows []string
			args []any
		}{
			{"INSERT INTO stock_moves (product_id, warehouse_id, batch, kind, qty, unit_cost, amount, balance_qty, balance_value, doc_type, doc_id, doc_number, line_id, posted_at, created_by) VALUES ", moves, margs},
			{"INSERT INTO stock_docs (id, type, number, status, order_id, partner_id, warehouse_id, remark, amount, tax_amount, total, cost_amount, posted_at, created_by, created_at) VALUES ", docs, dargs},
			{"INSERT INTO stock_doc_lines (doc_id, order_line_id, product_id, batch, qty, unit_price, tax_rate, amount, tax_amount, total, unit_cost, cost_amount, returned_qty) VALUES ", lines, largs},
		} {
			if len(q.rows) == 0 {
				continue
			}
			if _, err := db.Exec(q.head+strings.Join(q.rows, ","), q.args...); err != nil {
				b.Fatal(err)
			}
		}
		moves, docs, lines, margs, dargs, largs = moves[:0], docs[:0], lines[:0], margs[:0], dargs[:0], largs[:0]
	}
	for i := 0; i < n; i++ {
		var at time.Time
		if i < recent {
			at = now.Add(-time.Duration(r.IntN(30*24)) * time.Hour)
		} else {
			at = now.Add(-time.Duration(31*24+r.IntN(700*24)) * time.Hour)
		}
		p := e.products[r.IntN(len(e.products))]
		qty := int64(1 + r.IntN(5))
		if i%2 == 0 { // half in, half out, so balances stay positive
			qty = -qty
		}
		moves = append(moves, "(?, ?, '', ?, ?, 3, ?, 0, 0, 'history', 0, 'H', 0, ?, 0)")
		kind := "in"
		if qty < 0 {
			kind = "out"
		}
		margs = append(margs, p, e.from, kind, qty, qty*3, at)
		if qty < 0 && i%5 == 0 { // one shipment line per ten moves
			docID++
			docs = append(docs, "(?, 'sales_shipment', ?, 'posted', 0, ?, ?, '', ?, 0, ?, ?, ?, 0, ?)")
			dargs = append(dargs, docID, fmt.Sprintf("H%d", docID), e.customer, e.from, -qty*9, -qty*9, -qty*3, at, at)
			lines = append(lines, "(?, 0, ?, '', ?, 9, 0, ?, 0, ?, 3, ?, 0)")
			largs = append(largs, docID, p, -qty, -qty*9, -qty*9, -qty*3)
		}
		if len(moves) == batch {
			flush()
		}
	}
	flush()
	if _, err := db.Exec(`UPDATE stock_balances b SET
		on_hand = (SELECT COALESCE(SUM(qty), 0) FROM stock_moves m WHERE m.product_id = b.product_id AND m.warehouse_id = b.warehouse_id AND m.batch = b.batch),
		value = (SELECT COALESCE(SUM(amount), 0) FROM stock_moves m WHERE m.product_id = b.product_id AND m.warehouse_id = b.warehouse_id AND m.batch = b.batch)`); err != nil {
		b.Fatal(err)
	}
}
