package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// company is what the seed made and the workloads use.
type company struct {
	warehouse int64
	products  []int64 // products[0] is the hot SKU of W3
	skus      []string
	customers []int64
}

// tally counts what a write run did, for the checks after it: every order
// it created and shipped, and the units shipped per product.
type tally struct {
	mu      sync.Mutex
	tag     string // the orders' remark, which finds them again
	creates int
	ships   int
	shipped map[int64]int64
}

func newTally(tag string) *tally { return &tally{tag: tag, shipped: map[int64]int64{}} }

func (t *tally) created() { t.mu.Lock(); t.creates++; t.mu.Unlock() }

func (t *tally) ship(product int64) {
	t.mu.Lock()
	t.ships++
	t.shipped[product]++
	t.mu.Unlock()
}

// orderOut is the part of an order's answer the flow needs.
type orderOut struct {
	ID      int64
	Version int64
	Lines   []struct{ ID int64 }
}

// sell is W3's unit of work over HTTP, as a clerk does it: create a
// one-line sales order, submit it (no approval rule: approved at once, the
// unit reserved), ship it.
func (t *target) sell(ctx context.Context, c *company, customer, product int64, tl *tally) error {
	var o orderOut
	if err := t.call(ctx, "POST", "/api/v1/sales-orders", map[string]any{
		"partner_id": customer, "warehouse_id": c.warehouse, "remark": tl.tag,
		"lines": []map[string]any{{"product_id": product, "qty": "1", "unit_price": "9"}},
	}, &o); err != nil {
		return err
	}
	tl.created()
	if err := t.call(ctx, "POST", fmt.Sprintf("/api/v1/sales-orders/%d/submit", o.ID), map[string]any{"version": o.Version}, nil); err != nil {
		return err
	}
	if err := t.call(ctx, "POST", "/api/v1/sales-shipments", map[string]any{
		"order_id": o.ID, "lines": []map[string]any{{"order_line_id": o.Lines[0].ID, "qty": "1"}},
	}, nil); err != nil {
		return err
	}
	tl.ship(product)
	return nil
}

// op is one operation of a workload; kind labels it for the statistics
// ("read", "write").
type op func(ctx context.Context, r *rand.Rand, tl *tally) (kind string, err error)

// workload is one row group of the table.
type workload struct {
	name, title string
	writes      bool // checked after every run
	raw         bool // the raw-SQL baseline, not erpd
	op          op
}

func workloads(t *target, c *company, rb *rawBaseline) []workload {
	read := func(ctx context.Context, r *rand.Rand) error {
		return t.call(ctx, "GET", "/api/v1/stock?sku="+c.skus[r.IntN(len(c.skus))], nil, nil)
	}
	list := func(ctx context.Context) error {
		return t.call(ctx, "GET", "/api/v1/sales-orders?page=1&page_size=20", nil, nil)
	}
	customer := func(r *rand.Rand) int64 { return c.customers[r.IntN(len(c.customers))] }
	return []workload{
		{name: "W1", title: "read the stock of a random SKU", op: func(ctx context.Context, r *rand.Rand, _ *tally) (string, error) {
			return "read", read(ctx, r)
		}},
		{name: "W2", title: "list sales orders, page 1", op: func(ctx context.Context, _ *rand.Rand, _ *tally) (string, error) {
			return "read", list(ctx)
		}},
		{name: "W3", title: "create, approve and ship a one-line order of the hot SKU", writes: true, op: func(ctx context.Context, r *rand.Rand, tl *tally) (string, error) {
			return "write", t.sell(ctx, c, customer(r), c.products[0], tl)
		}},
		{name: "W3-raw", title: "W3's writes in hand-written SQL", writes: true, raw: true, op: func(ctx context.Context, r *rand.Rand, tl *tally) (string, error) {
			return "write", rb.sell(ctx, customer(r), c.products[0], tl)
		}},
		{name: "W4", title: "W3 on a random SKU", writes: true, op: func(ctx context.Context, r *rand.Rand, tl *tally) (string, error) {
			return "write", t.sell(ctx, c, customer(r), c.products[r.IntN(len(c.products))], tl)
		}},
		{name: "W5", title: "80% reads (W1, W2) and 20% writes (W4)", writes: true, op: func(ctx context.Context, r *rand.Rand, tl *tally) (string, error) {
			switch x := r.IntN(10); {
			case x < 4:
				return "read", read(ctx, r)
			case x < 8:
				return "read", list(ctx)
			default:
				return "write", t.sell(ctx, c, customer(r), c.products[r.IntN(len(c.products))], tl)
			}
		}},
	}
}

// stats are one kind of operation's outcomes in one run.
type stats struct {
	lat   []time.Duration // of successes completed in the measured window
	n     int             // operations completed in the measured window
	errs  map[string]int  // refusals by code, whole run
	total int             // operations, whole run
	// samples holds the first answer of each refusal, for the report.
	samples map[string]string
}

// runResult is one run of a workload at one concurrency.
type runResult struct {
	kinds  map[string]*stats
	window time.Duration
	rssMB  float64
}

// run drives op from conc clients for warmup+measure. Throughput and
// latency count the operations that complete inside the measured window;
// every client finishes the operation it is in when time is up, so the
// tally covers all of them and the checks can be exact.
func run(ctx context.Context, conc int, warmup, measure time.Duration, o op, tl *tally) *runResult {
	start := time.Now()
	from, until := start.Add(warmup), start.Add(warmup+measure)
	res := &runResult{kinds: map[string]*stats{}, window: measure}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(start.UnixNano())))
			local := map[string]*stats{}
			for time.Now().Before(until) {
				t0 := time.Now()
				kind, err := o(ctx, r, tl)
				t1 := time.Now()
				s := local[kind]
				if s == nil {
					s = &stats{errs: map[string]int{}, samples: map[string]string{}}
					local[kind] = s
				}
				s.total++
				if err != nil {
					code := errCode(err)
					s.errs[code]++
					if s.samples[code] == "" {
						s.samples[code] = err.Error()
					}
				}
				if t1.After(from) && !t1.After(until) {
					s.n++
					if err == nil {
						s.lat = append(s.lat, t1.Sub(t0))
					}
				}
			}
			mu.Lock()
			for k, s := range local {
				m := res.kinds[k]
				if m == nil {
					m = &stats{errs: map[string]int{}, samples: map[string]string{}}
					res.kinds[k] = m
				}
				m.lat = append(m.lat, s.lat...)
				m.n += s.n
				m.total += s.total
				for c, n := range s.errs {
					m.errs[c] += n
					if m.samples[c] == "" {
						m.samples[c] = s.samples[c]
					}
				}
			}
			mu.Unlock()
		}(uint64(w) + 1)
	}
	wg.Wait()
	return res
}

// percentile of sorted latencies, nearest rank.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// cell is the median of a workload's repeats at one concurrency, per kind.
type cell struct {
	workload, kind string
	conc           int
	opsPerSec      float64
	p50, p99       float64 // milliseconds
	errs           map[string]int
	attempts       int
	rssMB          float64
}

// errorRate counts every refusal but insufficient_stock, the one answer a
// shop wants when two clerks sell the last unit.
func (c cell) errorRate() (unexpected, all float64) {
	bad, total := 0, 0
	for code, n := range c.errs {
		total += n
		if code != "insufficient_stock" {
			bad += n
		}
	}
	if c.attempts == 0 {
		return 0, 0
	}
	return float64(bad) / float64(c.attempts), float64(total) / float64(c.attempts)
}

func summarize(name string, conc int, runs []*runResult) []cell {
	kinds := map[string]bool{}
	for _, r := range runs {
		for k := range r.kinds {
			kinds[k] = true
		}
	}
	var cells []cell
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range kinds {
			if !yield(k) {
				return
			}
		}
	}) {
		c := cell{workload: name, kind: k, conc: conc, errs: map[string]int{}}
		var thr, p50, p99, rss []float64
		for _, r := range runs {
			s := r.kinds[k]
			rss = append(rss, r.rssMB)
			if s == nil {
				continue
			}
			slices.Sort(s.lat)
			thr = append(thr, float64(s.n)/r.window.Seconds())
			p50 = append(p50, ms(percentile(s.lat, 0.50)))
			p99 = append(p99, ms(percentile(s.lat, 0.99)))
			c.attempts += s.total
			for code, n := range s.errs {
				c.errs[code] += n
			}
		}
		c.opsPerSec, c.p50, c.p99, c.rssMB = median(thr), median(p50), median(p99), slices.Max(rss)
		cells = append(cells, c)
	}
	return cells
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

var one = decimal.NewFromInt(1)
