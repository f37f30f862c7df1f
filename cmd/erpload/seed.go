package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// parallel runs fn(i) for i in [0, n) on conc goroutines and returns the
// first error.
func parallel(n, conc int, fn func(i int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// seed makes the company through the API, as a firm's data would arrive:
// a warehouse, the SKUs and customers, opening stock, then the past
// orders, each created, approved and shipped.
func seed(ctx context.Context, t *target, cfg Config) (*company, error) {
	var id struct{ ID int64 }
	if err := t.call(ctx, "POST", "/api/v1/units", map[string]any{"name": "个"}, &id); err != nil {
		return nil, fmt.Errorf("unit: %w", err)
	}
	unit := id.ID
	if err := t.call(ctx, "POST", "/api/v1/warehouses", map[string]any{"code": "W1", "name": "总仓"}, &id); err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	c := &company{warehouse: id.ID, products: make([]int64, cfg.SKUs), skus: make([]string, cfg.SKUs), customers: make([]int64, cfg.Customers)}
	err := parallel(cfg.SKUs, 16, func(i int) error {
		sku := fmt.Sprintf("L%05d", i+1)
		var p struct{ ID int64 }
		if err := t.call(ctx, "POST", "/api/v1/products", map[string]any{"sku": sku, "name": fmt.Sprintf("压测商品 %05d", i+1), "unit_id": unit}, &p); err != nil {
			return fmt.Errorf("product %s: %w", sku, err)
		}
		c.products[i], c.skus[i] = p.ID, sku
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = parallel(cfg.Customers, 16, func(i int) error {
		var p struct{ ID int64 }
		if err := t.call(ctx, "POST", "/api/v1/partners", map[string]any{"code": fmt.Sprintf("C%04d", i+1), "name": fmt.Sprintf("压测客户 %04d", i+1), "type": "customer"}, &p); err != nil {
			return fmt.Errorf("customer %d: %w", i+1, err)
		}
		c.customers[i] = p.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Opening stock: plenty for every run of W3 on the hot SKU, and for
	// the others a stock that the random runs cannot exhaust either.
	const chunk = 100
	for from := 0; from < len(c.products); from += chunk {
		var lines []map[string]any
		for i := from; i < min(from+chunk, len(c.products)); i++ {
			qty := "100000"
			if i == 0 {
				qty = "10000000"
			}
			lines = append(lines, map[string]any{"product_id": c.products[i], "qty": qty, "unit_cost": "2.5"})
		}
		if err := t.call(ctx, "POST", "/api/v1/stock/opening", map[string]any{"warehouse_id": c.warehouse, "lines": lines}, nil); err != nil {
			return nil, fmt.Errorf("opening stock: %w", err)
		}
	}
	tl := newTally("past")
	err = parallel(cfg.PastOrders, 16, func(i int) error {
		r := rand.New(rand.NewPCG(uint64(i), 7))
		return t.sell(ctx, c, c.customers[r.IntN(len(c.customers))], c.products[r.IntN(len(c.products))], tl)
	})
	if err != nil {
		return nil, fmt.Errorf("past orders: %w", err)
	}
	return c, nil
}
