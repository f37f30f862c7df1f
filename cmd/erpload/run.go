package main

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Results is what a load run measured and found.
type Results struct {
	cfg      Config
	when     time.Time
	machine  string
	seedTime time.Duration
	cells    []cell
	titles   map[string]string
	checked  int      // write runs checked
	failures []string // broken invariants and unexpected errors
	reports  []*reportRow
	sizes    []int
}

type reportRow struct {
	name     string
	p50, p99 map[int]float64 // by history size
}

// Run seeds, loads, checks and times; the error names every failure. The
// results are returned even then, so a failing run still shows its table.
func Run(ctx context.Context, cfg Config) (*Results, error) {
	logf := func(format string, a ...any) { fmt.Fprintf(cfg.Log, format+"\n", a...) }
	t, err := startTarget(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer t.close(cfg.Keep)
	if cfg.Keep {
		logf("database %s is kept", t.dbName)
	}
	r := &Results{cfg: cfg, when: time.Now(), machine: machine(ctx, t), titles: map[string]string{}}
	start := time.Now()
	logf("seeding %d SKUs, %d customers, %d past orders through the API…", cfg.SKUs, cfg.Customers, cfg.PastOrders)
	c, err := seed(ctx, t, cfg)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	r.seedTime = time.Since(start)
	logf("seeded in %s", r.seedTime.Round(time.Second))
	rb, err := newRawBaseline(ctx, t.db, c.warehouse)
	if err != nil {
		return nil, err
	}
	for _, w := range workloads(t, c, rb) {
		if cfg.Only != nil && !cfg.Only[w.name] {
			continue
		}
		r.titles[w.name] = w.title
		for _, conc := range cfg.Conc {
			var runs []*runResult
			for rep := 1; rep <= cfg.Repeats; rep++ {
				if ctx.Err() != nil {
					return r, ctx.Err()
				}
				label := fmt.Sprintf("%s c%d r%d", w.name, conc, rep)
				tl := newTally("load " + label)
				stock, err := t.onHand(ctx)
				if err != nil {
					return r, err
				}
				t.resetPeak()
				rr := run(ctx, conc, cfg.Warmup, cfg.Measure, w.op, tl)
				rr.rssMB = t.peakRSS()
				runs = append(runs, rr)
				var line []string
				for _, k := range slices.Sorted(maps.Keys(rr.kinds)) {
					s := rr.kinds[k]
					slices.Sort(s.lat)
					line = append(line, fmt.Sprintf("%s %.1f/s p50 %.1f ms p99 %.1f ms errors %v", k, float64(s.n)/rr.window.Seconds(), ms(percentile(s.lat, .5)), ms(percentile(s.lat, .99)), s.errs))
					for code, n := range s.errs {
						if code != "insufficient_stock" {
							r.failures = append(r.failures, fmt.Sprintf("%s: %d %s answers to %s operations (first: %s)", label, n, code, k, s.samples[code]))
						}
					}
				}
				logf("%s: %s; erpd peak RSS %.0f MB", label, strings.Join(line, "; "), rr.rssMB)
				if w.writes {
					bad, err := t.checkRun(ctx, stock, tl)
					if err != nil {
						return r, err
					}
					r.checked++
					for _, b := range bad {
						r.failures = append(r.failures, label+": "+b)
					}
				}
			}
			r.cells = append(r.cells, summarize(w.name, conc, runs)...)
		}
	}
	if err := t.erpdCheck(); err != nil {
		r.failures = append(r.failures, err.Error())
	} else {
		logf("erpd check: the stock ledger and the books agree")
	}
	// The reports last: the history is written straight into the tables.
	r.sizes = slices.Sorted(slices.Values(cfg.Moves))
	rows := map[string]*reportRow{}
	for _, size := range r.sizes {
		if cfg.Only != nil && !cfg.Only["reports"] {
			break
		}
		logf("growing the stock history to %d moves…", size)
		if err := growHistory(ctx, t, c, size); err != nil {
			return r, err
		}
		for _, rc := range reportCases() {
			p50, p99, err := timeReport(ctx, t, rc.path, cfg.ReportCalls)
			if err != nil {
				r.failures = append(r.failures, err.Error())
				continue
			}
			row := rows[rc.name]
			if row == nil {
				row = &reportRow{name: rc.name, p50: map[int]float64{}, p99: map[int]float64{}}
				rows[rc.name] = row
				r.reports = append(r.reports, row)
			}
			row.p50[size], row.p99[size] = p50, p99
			logf("%s at %d moves: p50 %.1f ms, p99 %.1f ms", rc.name, size, p50, p99)
		}
	}
	if len(r.failures) > 0 {
		return r, fmt.Errorf("%d failures:\n  %s", len(r.failures), strings.Join(r.failures, "\n  "))
	}
	return r, nil
}

// machine describes where the run happened, for the record.
func machine(ctx context.Context, t *target) string {
	cpu, mem := "", ""
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
		f.Close()
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var kb int64
			if _, err := fmt.Sscanf(sc.Text(), "MemTotal: %d kB", &kb); err == nil {
				mem = fmt.Sprintf("%d GiB", kb/1024/1024)
				break
			}
		}
		f.Close()
	}
	var version string
	t.db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version)
	return fmt.Sprintf("%d cores, %s, %s; MariaDB %s and Redis on the same host", runtime.NumCPU(), mem, cpu, version)
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func sizeLabel(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return thousands(n)
}

// Markdown is both sections, for the terminal.
func (r *Results) Markdown() string { return r.loadSection() + "\n" + r.reportSection() }

func (r *Results) loadSection() string {
	var b strings.Builder
	cfg := r.cfg
	fmt.Fprintf(&b, "Measured %s on `go-svc` (%s) by `scripts/bench load` (`cmd/erpload`): erpd as its own process over HTTP on MariaDB + Redis, the load generator on the same cores. The company: %s SKUs, %s customers and %s past orders, each created, approved and shipped through the API (seeding took %s). Every figure is the median of %d runs of %s after %s of warm-up; an operation of W3, W4 and W5's writes is the whole create → approve (reserve) → ship, three requests.\n\n",
		r.when.In(time.UTC).Format("2006-01-02"), r.machine, thousands(cfg.SKUs), thousands(cfg.Customers), thousands(cfg.PastOrders), r.seedTime.Round(time.Second), cfg.Repeats, cfg.Measure, cfg.Warmup)
	b.WriteString("| workload | clients | ops/s | p50 | p99 | errors | erpd peak RSS |\n| --- | ---: | ---: | ---: | ---: | --- | ---: |\n")
	for _, c := range r.cells {
		name := c.workload + " " + r.titles[c.workload]
		if c.workload == "W5" {
			name = "W5 " + c.kind + "s (" + r.titles["W5"] + ")"
		}
		rss := fmt.Sprintf("%.0f MB", c.rssMB)
		if strings.HasSuffix(c.workload, "-raw") {
			rss = "—"
		}
		fmt.Fprintf(&b, "| %s | %d | %.1f | %.1f ms | %.1f ms | %s | %s |\n", name, c.conc, c.opsPerSec, c.p50, c.p99, errText(c), rss)
	}
	var raw, erp map[int]float64 = map[int]float64{}, map[int]float64{}
	for _, c := range r.cells {
		switch c.workload {
		case "W3":
			erp[c.conc] = c.opsPerSec
		case "W3-raw":
			raw[c.conc] = c.opsPerSec
		}
	}
	if len(raw) > 0 && len(erp) > 0 {
		b.WriteString("\nW3 against its raw-SQL baseline (the same rows in the same three transactions, no HTTP); target 0.6×:\n\n| clients | erpd over HTTP ops/s | raw SQL ops/s | erpd / raw |\n| ---: | ---: | ---: | ---: |\n")
		for _, conc := range cfg.Conc {
			if raw[conc] > 0 {
				ratio := erp[conc] / raw[conc]
				mark := ""
				if ratio < 0.6 {
					mark = " (below target)"
				}
				fmt.Fprintf(&b, "| %d | %.1f | %.1f | %.2f×%s |\n", conc, erp[conc], raw[conc], ratio, mark)
			}
		}
	}
	if len(r.failures) == 0 {
		fmt.Fprintf(&b, "\nAfter each of the %d write runs the database was checked: stock fell by exactly what shipped, orders, shipments and vouchers equal the successes, no order shipped twice, no number used twice, every voucher balances, every balance equals its moves and its reservations. All held, and `erpd check` (the books against the stock and the open items) passed at the end.\n", r.checked)
	} else {
		fmt.Fprintf(&b, "\n**%d failures** in this run:\n\n", len(r.failures))
		for _, f := range r.failures {
			fmt.Fprintf(&b, "- %s\n", f)
		}
	}
	return b.String()
}

func errText(c cell) string {
	if len(c.errs) == 0 {
		return "0"
	}
	var parts []string
	for _, code := range slices.Sorted(maps.Keys(c.errs)) {
		parts = append(parts, fmt.Sprintf("%s %d", code, c.errs[code]))
	}
	_, all := c.errorRate()
	return fmt.Sprintf("%.2f%% (%s)", all*100, strings.Join(parts, ", "))
}

func (r *Results) reportSection() string {
	if len(r.reports) == 0 {
		return "Not measured in this run.\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s, same run: each report called %d times over HTTP, one at a time, after the write runs, with the stock history grown to each size (moves spread over two years; the last 30 days hold the same 5,000 moves at every size).\n\n", r.when.In(time.UTC).Format("2006-01-02"), r.cfg.ReportCalls)
	b.WriteString("| report |")
	for _, s := range r.sizes {
		fmt.Fprintf(&b, " %s moves p50 / p99 |", sizeLabel(s))
	}
	if len(r.sizes) > 1 {
		fmt.Fprintf(&b, " p50 %s / %s |", sizeLabel(r.sizes[len(r.sizes)-1]), sizeLabel(r.sizes[0]))
	}
	b.WriteString("\n| --- |" + strings.Repeat(" ---: |", len(r.sizes)))
	if len(r.sizes) > 1 {
		b.WriteString(" ---: |")
	}
	b.WriteString("\n")
	for _, row := range r.reports {
		fmt.Fprintf(&b, "| %s |", row.name)
		for _, s := range r.sizes {
			fmt.Fprintf(&b, " %.1f / %.1f ms |", row.p50[s], row.p99[s])
		}
		if len(r.sizes) > 1 {
			first, last := row.p50[r.sizes[0]], row.p50[r.sizes[len(r.sizes)-1]]
			fmt.Fprintf(&b, " %.2f× |", last/first)
		}
		b.WriteString("\n")
	}
	return b.String()
}
