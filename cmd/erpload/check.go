package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"

	"github.com/shopspring/decimal"
)

// onHand is the stock per product, summed over batches and warehouses.
func (t *target) onHand(ctx context.Context) (map[int64]decimal.Decimal, error) {
	rows, err := t.db.QueryContext(ctx, "SELECT product_id, SUM(on_hand) FROM stock_balances GROUP BY product_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64]decimal.Decimal{}
	for rows.Next() {
		var p int64
		var q decimal.Decimal
		if err := rows.Scan(&p, &q); err != nil {
			return nil, err
		}
		m[p] = q
	}
	return m, rows.Err()
}

// checkRun verifies a write run from the database: stock fell by exactly
// what was shipped, the rows are the successes, numbers are unique,
// vouchers balance and the stock ledger agrees with its moves. Each
// failure is a sentence; none means the run is sound.
func (t *target) checkRun(ctx context.Context, before map[int64]decimal.Decimal, tl *tally) ([]string, error) {
	var bad []string
	after, err := t.onHand(ctx)
	if err != nil {
		return nil, err
	}
	for p, was := range before {
		want := was.Sub(decimal.NewFromInt(tl.shipped[p]))
		if !after[p].Equal(want) {
			bad = append(bad, fmt.Sprintf("product %d: on hand %s, want %s (start) − %d (shipped) = %s", p, after[p], was, tl.shipped[p], want))
		}
	}
	count := func(q string, args ...any) (int64, error) {
		var n int64
		err := t.db.QueryRowContext(ctx, q, args...).Scan(&n)
		return n, err
	}
	for _, c := range []struct {
		what  string
		query string
		args  []any
		want  int64
	}{
		{"orders created", "SELECT COUNT(*) FROM orders WHERE remark = ?", []any{tl.tag}, int64(tl.creates)},
		{"shipments posted", "SELECT COUNT(*) FROM stock_docs d JOIN orders o ON o.id = d.order_id WHERE o.remark = ? AND d.type = 'sales_shipment'", []any{tl.tag}, int64(tl.ships)},
		{"vouchers of those shipments", "SELECT COUNT(*) FROM vouchers v JOIN stock_docs d ON d.id = v.source_id AND v.source = 'sales_shipment' JOIN orders o ON o.id = d.order_id WHERE o.remark = ?", []any{tl.tag}, int64(tl.ships)},
		{"orders shipped more than once", "SELECT COUNT(*) FROM (SELECT d.order_id FROM stock_docs d JOIN orders o ON o.id = d.order_id WHERE o.remark = ? AND d.type = 'sales_shipment' GROUP BY d.order_id HAVING COUNT(*) > 1) x", []any{tl.tag}, 0},
		{"order numbers used twice", "SELECT COUNT(*) FROM (SELECT number FROM orders GROUP BY number HAVING COUNT(*) > 1) x", nil, 0},
		{"document numbers used twice", "SELECT COUNT(*) FROM (SELECT number FROM stock_docs GROUP BY number HAVING COUNT(*) > 1) x", nil, 0},
		{"voucher numbers used twice in a month", "SELECT COUNT(*) FROM (SELECT period, number FROM vouchers GROUP BY period, number HAVING COUNT(*) > 1) x", nil, 0},
		{"vouchers whose lines do not balance", "SELECT COUNT(*) FROM (SELECT voucher_id FROM voucher_lines GROUP BY voucher_id HAVING SUM(debit) <> SUM(credit)) x", nil, 0},
		{"vouchers whose header disagrees with its lines", "SELECT COUNT(*) FROM vouchers v JOIN (SELECT voucher_id, SUM(debit) d FROM voucher_lines GROUP BY voucher_id) l ON l.voucher_id = v.id WHERE v.debit <> l.d OR v.credit <> l.d", nil, 0},
		{"balances that differ from the sum of their moves", "SELECT COUNT(*) FROM stock_balances b LEFT JOIN (SELECT product_id, warehouse_id, batch, SUM(qty) q, SUM(amount) a FROM stock_moves GROUP BY product_id, warehouse_id, batch) m ON m.product_id = b.product_id AND m.warehouse_id = b.warehouse_id AND m.batch = b.batch WHERE b.on_hand <> COALESCE(m.q, 0) OR b.value <> COALESCE(m.a, 0)", nil, 0},
		{"balances whose reserved differs from their reservations", "SELECT COUNT(*) FROM stock_balances b LEFT JOIN (SELECT product_id, warehouse_id, batch, SUM(qty) q FROM reservations GROUP BY product_id, warehouse_id, batch) r ON r.product_id = b.product_id AND r.warehouse_id = b.warehouse_id AND r.batch = b.batch WHERE b.reserved <> COALESCE(r.q, 0)", nil, 0},
	} {
		n, err := count(c.query, c.args...)
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", c.what, err)
		}
		if n != c.want {
			bad = append(bad, fmt.Sprintf("%s: %d, want %d", c.what, n, c.want))
		}
	}
	return bad, nil
}

// erpdCheck runs `erpd check` on the database: the stock ledger and the
// books (trial balance, 1405 against the stock, 1122 and 2202 against the
// open items), as an operator would after an incident.
func (t *target) erpdCheck() error {
	cmd := exec.Command(t.erpdBin, "check")
	cmd.Env = append(os.Environ(), t.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("erpd check: %v: %s", err, out)
	}
	return nil
}
