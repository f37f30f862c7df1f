package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/dingerp/erpd/domain"
)

// growHistory adds stock moves straight into the tables until there are n,
// spread over two years with the last 30 days holding the same 5,000 moves
// whatever n is; one pair in five also gets a shipment line, which gross
// profit reads. Generating a million moves through the API would take
// hours. The moves come in pairs that cancel (the same quantity and value
// in and out at the same moment), so every balance still equals the sum of
// its moves without rewriting it.
func growHistory(ctx context.Context, t *target, c *company, n int) error {
	var have int
	if err := t.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM stock_moves").Scan(&have); err != nil {
		return err
	}
	var recent int
	if err := t.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM stock_moves WHERE doc_type = 'history' AND posted_at > ?", time.Now().UTC().AddDate(0, 0, -30)).Scan(&recent); err != nil {
		return err
	}
	var docBase int64
	if err := t.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM stock_docs").Scan(&docBase); err != nil {
		return err
	}
	docBase += 1_000_000
	now := time.Now().UTC()
	r := rand.New(rand.NewPCG(uint64(have), 11))
	const batch = 1000 // pairs per statement
	var moves, docs, lines []string
	var margs, dargs, largs []any
	flush := func() error {
		for _, q := range []struct {
			head string
			rows []string
			args []any
		}{
			{"INSERT INTO stock_moves (product_id, warehouse_id, batch, kind, qty, unit_cost, amount, balance_qty, balance_value, doc_type, doc_id, doc_number, line_id, posted_at, created_by) VALUES ", moves, margs},
			{"INSERT INTO stock_docs (id, type, number, status, order_id, partner_id, warehouse_id, remark, amount, tax_amount, total, cost_amount, invoice_status, posted_at, created_by, created_at) VALUES ", docs, dargs},
			{"INSERT INTO stock_doc_lines (doc_id, order_line_id, product_id, batch, qty, unit_price, tax_rate, amount, tax_amount, total, unit_cost, cost_amount, returned_qty) VALUES ", lines, largs},
		} {
			if len(q.rows) == 0 {
				continue
			}
			if _, err := t.db.ExecContext(ctx, q.head+strings.Join(q.rows, ","), q.args...); err != nil {
				return fmt.Errorf("history: %w", err)
			}
		}
		moves, docs, lines, margs, dargs, largs = moves[:0], docs[:0], lines[:0], margs[:0], dargs[:0], largs[:0]
		return nil
	}
	for i := have; i+1 < n; i += 2 {
		var at time.Time
		if recent < 5000 {
			at = now.Add(-time.Duration(r.IntN(29*24*3600)) * time.Second)
			recent += 2
		} else {
			at = now.Add(-time.Duration(31*24*3600+r.IntN(700*24*3600)) * time.Second)
		}
		p := c.products[r.IntN(len(c.products))]
		qty := int64(1 + r.IntN(5))
		moves = append(moves, "(?, ?, '', 'in', ?, 2.5, ?, 0, 0, 'history', 0, 'H', 0, ?, 0)", "(?, ?, '', 'out', ?, 2.5, ?, 0, 0, 'history', 0, 'H', 0, ?, 0)")
		margs = append(margs, p, c.warehouse, qty, float64(qty)*2.5, at, p, c.warehouse, -qty, -float64(qty)*2.5, at)
		if i%10 == 0 {
			docBase++
			customer := c.customers[r.IntN(len(c.customers))]
			docs = append(docs, "(?, 'sales_shipment', ?, 'posted', 0, ?, ?, 'history', ?, 0, ?, ?, '', ?, 0, ?)")
			dargs = append(dargs, docBase, fmt.Sprintf("H%d", docBase), customer, c.warehouse, qty*9, qty*9, float64(qty)*2.5, at, at)
			lines = append(lines, "(?, 0, ?, '', ?, 9, 0, ?, 0, ?, 2.5, ?, 0)")
			largs = append(largs, docBase, p, qty, qty*9, qty*9, float64(qty)*2.5)
		}
		if len(moves) >= 2*batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	_, err := t.db.ExecContext(ctx, "ANALYZE TABLE stock_moves, stock_docs, stock_doc_lines")
	return err
}

// reportCase is one report call timed at each history size.
type reportCase struct{ name, path string }

func reportCases() []reportCase {
	today := time.Now().In(domain.Shanghai)
	return []reportCase{
		{"inventory balance, today", "/api/v1/reports/inventory-balance"},
		{"inventory balance as of a week ago", "/api/v1/reports/inventory-balance?as_of=" + today.AddDate(0, 0, -7).Format("2006-01-02")},
		{"gross profit, last 30 days", "/api/v1/reports/gross-profit?from=" + today.AddDate(0, 0, -30).Format("2006-01-02") + "&to=" + today.Format("2006-01-02")},
	}
}

// timeReport calls a report n times after a warm-up, one at a time, and
// returns its p50 and p99 in milliseconds.
func timeReport(ctx context.Context, t *target, path string, n int) (p50, p99 float64, err error) {
	for i := 0; i < 3; i++ {
		if err := t.call(ctx, "GET", path, nil, nil); err != nil {
			return 0, 0, fmt.Errorf("%s: %w", path, err)
		}
	}
	lat := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		t0 := time.Now()
		if err := t.call(ctx, "GET", path, nil, nil); err != nil {
			return 0, 0, fmt.Errorf("%s: %w", path, err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	return ms(percentile(lat, 0.5)), ms(percentile(lat, 0.99)), nil
}
