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
	"github.com/dingerp/erpd/store"
)

// BenchmarkBooksCost measures order → approve → ship with the books (a
// voucher and an open item per shipment) and without, in one run, at 1 and
// 16 clients on MariaDB: what the finance core costs the warehouse.
func BenchmarkBooksCost(b *testing.B) {
	for _, conc := range []int{1, 16} {
		for _, books := range []bool{true, false} {
			name := "with"
			if !books {
				name = "without"
			}
			b.Run(fmt.Sprintf("%s/conc=%d", name, conc), func(b *testing.B) {
				app.SetBooksOff(!books)
				defer app.SetBooksOff(false)
				e := newOrderBench(b)
				runParallel(b, conc, func(r *rand.Rand) error { return e.sell(e.products[r.IntN(len(e.products))]) })
			})
		}
	}
}

// BenchmarkLedgerReports times the trial balance and the balance sheet of
// the latest month on 100k and on 1M voucher lines spread over two years.
func BenchmarkLedgerReports(b *testing.B) {
	for _, size := range []int{100_000, 1_000_000} {
		e := newOrderBench(b)
		seedVouchers(b, e, size)
		for _, rep := range []string{"trial-balance", "balance-sheet"} {
			b.Run(fmt.Sprintf("lines=%dk/%s", size/1000, rep), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					r, err := e.app.Report(e.admin, rep, app.ReportParams{})
					if err != nil {
						b.Fatal(err)
					}
					if bal, ok := r.Summary["balanced"].(bool); !ok || !bal {
						b.Fatalf("%s does not balance: %v", rep, r.Summary)
					}
				}
			})
		}
	}
}

// seedVouchers writes n voucher lines (two per voucher, random leaf
// accounts, balanced) over the last 24 months with bulk SQL.
func seedVouchers(b *testing.B, e *orderBench, n int) {
	b.Helper()
	db, err := sql.Open("mysql", e.store.DSN())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	leaves, err := store.LeafAccounts(e.store.Read(context.Background()))
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	for id, a := range leaves {
		// The partner sub-ledger accounts move only with their open items.
		if a.Code != domain.AcctReceivable && a.Code != domain.AcctPayable {
			ids = append(ids, id)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	now := time.Now().In(domain.Shanghai)
	seq := map[string]int{}
	vid := int64(10_000_000)
	var vrows, lrows []string
	var vargs, largs []any
	flush := func() {
		if len(vrows) > 0 {
			if _, err := db.Exec("INSERT INTO vouchers (id, period, seq, number, date, source, source_id, source_no, remark, attachments, debit, credit, created_by, created_at) VALUES "+strings.Join(vrows, ","), vargs...); err != nil {
				b.Fatal(err)
			}
			if _, err := db.Exec("INSERT INTO voucher_lines (voucher_id, account_id, period, summary, debit, credit) VALUES "+strings.Join(lrows, ","), largs...); err != nil {
				b.Fatal(err)
			}
		}
		vrows, lrows, vargs, largs = vrows[:0], lrows[:0], vargs[:0], largs[:0]
	}
	for i := 0; i < n/2; i++ {
		day := now.AddDate(0, 0, -r.IntN(730))
		period, date := day.Format("2006-01"), day.Format("2006-01-02")
		if seq[period] == 0 {
			seq[period] = 100_000 // after the company's own vouchers
		}
		seq[period]++
		vid++
		amt := fmt.Sprintf("%d.%02d", r.IntN(10000), r.IntN(100))
		vrows = append(vrows, "(?, ?, ?, ?, ?, 'manual', 0, '', '压测', 0, ?, ?, 0, ?)")
		vargs = append(vargs, vid, period, seq[period], domain.VoucherNumber(seq[period]), date, amt, amt, now.UTC())
		lrows = append(lrows, "(?, ?, ?, '压测', ?, 0)", "(?, ?, ?, '压测', 0, ?)")
		largs = append(largs, vid, ids[r.IntN(len(ids))], period, amt, vid, ids[r.IntN(len(ids))], period, amt)
		if len(vrows) == 2000 {
			flush()
		}
	}
	flush()
	if err := store.RebuildPeriodTotals(e.store.DB()); err != nil {
		b.Fatal(err)
	}
}
