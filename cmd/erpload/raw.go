package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/go-sql-driver/mysql"
	"github.com/shopspring/decimal"
)

// rawBaseline writes what erpd writes for W3, row for row, in the same
// three transactions, with hand-written SQL on database/sql and erpd's
// session settings: the order, its line and audit entry; the reservation;
// the shipment, its line, the stock move, the open item, the voucher with
// its five lines, and the per-month account and partner totals. What it
// leaves out is what erpd adds: authentication, validation reads, the
// approval-rule lookup, JSON, HTTP and the ORM.
type rawBaseline struct {
	db                                   *sql.DB
	warehouse                            int64
	receivable, revenue, outputVAT, cogs int64
	inventory                            int64
}

func newRawBaseline(ctx context.Context, db *sql.DB, warehouse int64) (*rawBaseline, error) {
	rb := &rawBaseline{db: db, warehouse: warehouse}
	for code, id := range map[string]*int64{"1122": &rb.receivable, "5001": &rb.revenue, "22210107": &rb.outputVAT, "5401": &rb.cogs, "1405": &rb.inventory} {
		if err := db.QueryRowContext(ctx, "SELECT id FROM accounts WHERE code = ?", code).Scan(id); err != nil {
			return nil, fmt.Errorf("account %s: %w", code, err)
		}
	}
	return rb, nil
}

const rawAudit = "INSERT INTO audit_logs (at, actor_id, actor_name, action, entity, entity_id, `before`, `after`, request_id) VALUES (?, 1, 'bench', ?, ?, ?, '', '{}', '')"

func rawNumber(tx *sql.Tx, prefix string, day string) (string, error) {
	name := prefix + day
	res, err := tx.Exec("INSERT INTO sequences (name, value) VALUES (?, LAST_INSERT_ID(1)) ON DUPLICATE KEY UPDATE value = LAST_INSERT_ID(value + 1)", name)
	if err != nil {
		return "", err
	}
	n, _ := res.LastInsertId()
	return fmt.Sprintf("%s-%04d", name, n), nil
}

// inTx runs fn in a transaction and retries it on a deadlock, as erpd does.
func (rb *rawBaseline) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	for attempt := 0; ; attempt++ {
		tx, err := rb.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		err = fn(tx)
		if err == nil {
			err = tx.Commit()
		} else {
			tx.Rollback()
		}
		if err != nil && attempt < 5 && isDeadlock(err) {
			continue
		}
		return err
	}
}

func isDeadlock(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205)
}

var (
	price    = decimal.NewFromInt(9)
	tax      = decimal.RequireFromString("1.17")
	gross    = decimal.RequireFromString("10.17")
	errStock = &apiError{Status: 422, Code: "insufficient_stock"}
)

// sell is the baseline's W3: create, submit with the unit reserved, ship
// with the books.
func (rb *rawBaseline) sell(ctx context.Context, customer, product int64, tl *tally) error {
	now := time.Now().UTC().Truncate(time.Millisecond)
	local := now.In(domain.Shanghai)
	day, date, period := local.Format("20060102"), local.Format("2006-01-02"), local.Format("2006-01")
	var oid, lid int64
	var number string
	// 1. The draft order.
	err := rb.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if number, err = rawNumber(tx, "RS", day); err != nil {
			return err
		}
		res, err := tx.Exec("INSERT INTO orders (type, number, status, partner_id, warehouse_id, order_date, remark, amount, tax_amount, total, created_by, created_at, updated_at, version) VALUES ('sales_order', ?, 'draft', ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, 1)",
			number, customer, rb.warehouse, date, tl.tag, price, tax, gross, now, now)
		if err != nil {
			return err
		}
		oid, _ = res.LastInsertId()
		res, err = tx.Exec("INSERT INTO order_lines (order_id, product_id, qty, unit_price, tax_rate, discount_rate, amount, tax_amount, total, remark, received_qty, shipped_qty, returned_qty) VALUES (?, ?, 1, ?, 0.13, 0, ?, ?, ?, '', 0, 0, 0)",
			oid, product, price, price, tax, gross)
		if err != nil {
			return err
		}
		lid, _ = res.LastInsertId()
		_, err = tx.Exec(rawAudit, now, "create", "sales_order", oid)
		return err
	})
	if err != nil {
		return err
	}
	tl.created()
	// 2. Submit: approved at once, one unit reserved.
	var bid int64
	err = rb.inTx(ctx, func(tx *sql.Tx) error {
		var status string
		if err := tx.QueryRow("SELECT status FROM orders WHERE id = ? FOR UPDATE", oid).Scan(&status); err != nil {
			return err
		}
		var onHand, reserved decimal.Decimal
		if err := tx.QueryRow("SELECT id, on_hand, reserved FROM stock_balances WHERE product_id = ? AND warehouse_id = ? AND batch = '' FOR UPDATE", product, rb.warehouse).Scan(&bid, &onHand, &reserved); err != nil {
			return err
		}
		if onHand.Sub(reserved).LessThan(one) {
			return errStock
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"UPDATE stock_balances SET reserved = reserved + 1, updated_at = ? WHERE id = ?", []any{now, bid}},
			{"INSERT INTO reservations (order_id, order_line_id, product_id, warehouse_id, batch, qty) VALUES (?, ?, ?, ?, '', 1)", []any{oid, lid, product, rb.warehouse}},
			{"UPDATE orders SET status = 'approved', version = 2, updated_at = ? WHERE id = ?", []any{now, oid}},
			{rawAudit, []any{now, "submit", "sales_order", oid}},
		} {
			if _, err := tx.Exec(q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// 3. Ship: consume the reservation, issue at the average cost, book.
	err = rb.inTx(ctx, func(tx *sql.Tx) error {
		var status string
		if err := tx.QueryRow("SELECT status FROM orders WHERE id = ? FOR UPDATE", oid).Scan(&status); err != nil {
			return err
		}
		var rid int64
		if err := tx.QueryRow("SELECT id FROM reservations WHERE order_id = ? AND qty > 0", oid).Scan(&rid); err != nil {
			return err
		}
		gi, err := rawNumber(tx, "RG", day)
		if err != nil {
			return err
		}
		res, err := tx.Exec("INSERT INTO stock_docs (type, number, status, order_id, partner_id, warehouse_id, remark, amount, tax_amount, total, cost_amount, invoice_status, posted_at, created_by, created_at) VALUES ('sales_shipment', ?, 'posted', ?, ?, ?, '', ?, ?, ?, 0, '', ?, 1, ?)",
			gi, oid, customer, rb.warehouse, price, tax, gross, now, now)
		if err != nil {
			return err
		}
		did, _ := res.LastInsertId()
		res, err = tx.Exec("INSERT INTO stock_doc_lines (doc_id, order_line_id, product_id, batch, qty, unit_price, tax_rate, amount, tax_amount, total, unit_cost, cost_amount, returned_qty) VALUES (?, ?, ?, '', 1, ?, 0.13, ?, ?, ?, 0, 0, 0)",
			did, lid, product, price, price, tax, gross)
		if err != nil {
			return err
		}
		dlid, _ := res.LastInsertId()
		var onHand, value, avg decimal.Decimal
		if err := tx.QueryRow("SELECT on_hand, value, avg_cost FROM stock_balances WHERE id = ? FOR UPDATE", bid).Scan(&onHand, &value, &avg); err != nil {
			return err
		}
		cost := avg.Round(2)
		if onHand.Equal(one) {
			cost = value
		}
		onHand, value = onHand.Sub(one), value.Sub(cost)
		var vseq int64
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"UPDATE stock_balances SET on_hand = ?, reserved = reserved - 1, value = ?, idle_since = ?, updated_at = ? WHERE id = ?", []any{onHand, value, now, now, bid}},
			{"INSERT INTO stock_moves (product_id, warehouse_id, batch, kind, qty, unit_cost, amount, balance_qty, balance_value, doc_type, doc_id, doc_number, line_id, posted_at, created_by) VALUES (?, ?, '', 'out', -1, ?, ?, ?, ?, 'sales_shipment', ?, ?, ?, ?, 1)",
				[]any{product, rb.warehouse, cost, cost.Neg(), onHand, value, did, gi, dlid, now}},
			{"INSERT INTO open_items (partner_id, kind, doc_type, doc_id, doc_number, date, due_date, amount, open_amount, created_at) VALUES (?, 'ar', 'sales_shipment', ?, ?, ?, ?, ?, ?, ?)",
				[]any{customer, did, gi, date, date, gross, gross, now}},
			{"UPDATE stock_doc_lines SET unit_cost = ?, cost_amount = ? WHERE id = ?", []any{cost, cost, dlid}},
			{"UPDATE stock_docs SET cost_amount = ? WHERE id = ?", []any{cost, did}},
			{"DELETE FROM reservations WHERE id = ?", []any{rid}},
			{"UPDATE order_lines SET shipped_qty = 1 WHERE id = ?", []any{lid}},
			{"UPDATE orders SET status = 'shipped', version = 3, updated_at = ? WHERE id = ?", []any{now, oid}},
			{rawAudit, []any{now, "post", "sales_shipment", did}},
		} {
			if _, err := tx.Exec(q.sql, q.args...); err != nil {
				return err
			}
		}
		// The books, last, while the period's row is held: as erpd does.
		if _, err := tx.Exec("SELECT status FROM periods WHERE period = ? FOR UPDATE", period); err != nil {
			return err
		}
		res, err = tx.Exec("INSERT INTO sequences (name, value) VALUES (?, LAST_INSERT_ID(1)) ON DUPLICATE KEY UPDATE value = LAST_INSERT_ID(value + 1)", "voucher:"+period)
		if err != nil {
			return err
		}
		vseq, _ = res.LastInsertId()
		debit := gross.Add(cost)
		summary := "销售出库单 " + gi
		res, err = tx.Exec("INSERT INTO vouchers (period, seq, number, date, source, source_id, source_no, remark, attachments, debit, credit, created_by, created_at) VALUES (?, ?, ?, ?, 'sales_shipment', ?, ?, ?, 1, ?, ?, 1, ?)",
			period, vseq, fmt.Sprintf("记-%04d", vseq), date, did, gi, summary, debit, debit, now)
		if err != nil {
			return err
		}
		vid, _ := res.LastInsertId()
		zero := decimal.Zero
		if _, err := tx.Exec("INSERT INTO voucher_lines (voucher_id, account_id, period, summary, debit, credit, partner_id, product_id) VALUES (?, ?, ?, ?, ?, ?, ?, NULL), (?, ?, ?, ?, ?, ?, ?, NULL), (?, ?, ?, ?, ?, ?, ?, NULL), (?, ?, ?, ?, ?, ?, NULL, NULL), (?, ?, ?, ?, ?, ?, NULL, NULL)",
			vid, rb.receivable, period, summary+" 应收账款", gross, zero, customer,
			vid, rb.revenue, period, summary+" 主营业务收入", zero, price, customer,
			vid, rb.outputVAT, period, summary+" 销项税额", zero, tax, customer,
			vid, rb.cogs, period, summary+" 结转成本", cost, zero,
			vid, rb.inventory, period, summary+" 结转成本", zero, cost); err != nil {
			return err
		}
		if _, err := tx.Exec("INSERT INTO account_period_totals (account_id, period, debit, credit, closing_debit, closing_credit) VALUES (?, ?, ?, 0, 0, 0), (?, ?, 0, ?, 0, 0), (?, ?, 0, ?, 0, 0), (?, ?, 0, ?, 0, 0), (?, ?, ?, 0, 0, 0) ON DUPLICATE KEY UPDATE debit = debit + VALUES(debit), credit = credit + VALUES(credit)",
			rb.receivable, period, gross, rb.inventory, period, cost, rb.outputVAT, period, tax, rb.revenue, period, price, rb.cogs, period, cost); err != nil {
			return err
		}
		_, err = tx.Exec("INSERT INTO account_partner_totals (account_id, partner_id, period, debit, credit) VALUES (?, ?, ?, ?, 0), (?, ?, ?, 0, ?), (?, ?, ?, 0, ?) ON DUPLICATE KEY UPDATE debit = debit + VALUES(debit), credit = credit + VALUES(credit)",
			rb.receivable, customer, period, gross, rb.outputVAT, customer, period, tax, rb.revenue, customer, period, price)
		return err
	})
	if err != nil {
		return err
	}
	tl.ship(product)
	return nil
}
