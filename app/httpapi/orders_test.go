package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/dingerp/erpd/store/storetest"
	"github.com/xuri/excelize/v2"
)

func TestOrderFlowAndExports(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newAPI(t, driver)
		unit := id(t, e.do("admin", "POST", "/api/v1/units", `{"name":"件"}`, nil, 201))
		wh := id(t, e.do("admin", "POST", "/api/v1/warehouses", `{"code":"WH1","name":"一号仓"}`, nil, 201))
		prod := id(t, e.do("admin", "POST", "/api/v1/products", fmt.Sprintf(`{"sku":"TS01","name":"=HYPERLINK(1)","unit_id":%d}`, unit), nil, 201))
		sup := id(t, e.do("admin", "POST", "/api/v1/partners", `{"code":"S1","name":"供应商一","type":"supplier"}`, nil, 201))

		body := e.do("admin", "POST", "/api/v1/purchase-orders", fmt.Sprintf(`{"partner_id":%d,"warehouse_id":%d,"lines":[{"product_id":%d,"qty":"10","unit_price":"8.5","discount_rate":0.1}]}`, sup, wh, prod), nil, 201)
		var po struct {
			ID     int64
			Status string
			Total  string
			Lines  []struct{ ID int64 }
		}
		json.Unmarshal([]byte(body), &po)
		if po.Status != "draft" || po.Total != "86.45" { // 10 × 8.5 × 0.9 = 76.5, VAT 9.945 → 9.95
			t.Fatalf("po = %s", body)
		}
		// A warehouse keeper may not create purchase orders.
		e.do("keeper", "POST", "/api/v1/purchase-orders", `{"partner_id":1}`, nil, 403)
		e.do("keeper", "POST", fmt.Sprintf("/api/v1/purchase-orders/%d/submit", po.ID), "", nil, 403)
		e.do("admin", "POST", fmt.Sprintf("/api/v1/purchase-orders/%d/submit", po.ID), "", nil, 200)
		// Receiving more than ordered is refused on the line's field.
		over := e.do("keeper", "POST", "/api/v1/purchase-receipts", fmt.Sprintf(`{"order_id":%d,"warehouse_id":%d,"lines":[{"order_line_id":%d,"qty":11}]}`, po.ID, wh, po.Lines[0].ID), nil, 422)
		if !strings.Contains(over, `"code":"exceeds_open_qty"`) || !strings.Contains(over, `"field":"lines[0].qty"`) {
			t.Fatal(over)
		}
		gr := e.do("keeper", "POST", "/api/v1/purchase-receipts", fmt.Sprintf(`{"order_id":%d,"warehouse_id":%d,"lines":[{"order_line_id":%d,"qty":10}]}`, po.ID, wh, po.Lines[0].ID), nil, 201)
		// The keeper has no cost:read: the receipt comes back without its cost.
		if !strings.Contains(gr, `"number":"GR`) || strings.Contains(gr, `"cost_amount"`) {
			t.Fatal(gr)
		}
		var grDoc struct{ ID int64 }
		json.Unmarshal([]byte(gr), &grDoc)
		if got := e.do("admin", "GET", fmt.Sprintf("/api/v1/purchase-receipts/%d", grDoc.ID), "", nil, 200); !strings.Contains(got, `"cost_amount":"76.5"`) {
			t.Fatal(got)
		}
		if got := e.do("viewer", "GET", fmt.Sprintf("/api/v1/purchase-orders/%d", po.ID), "", nil, 200); !strings.Contains(got, `"status":"received"`) || !strings.Contains(got, `"received_qty":"10"`) {
			t.Fatal(got)
		}
		e.do("admin", "POST", fmt.Sprintf("/api/v1/purchase-orders/%d/cancel", po.ID), "", nil, 409)

		// The inventory balance as CSV: BOM, Chinese headers, formula-like
		// text neutralized.
		csv := e.do("admin", "GET", "/api/v1/reports/inventory-balance?format=csv", "", nil, 200)
		if !strings.HasPrefix(csv, "\uFEFF商品编码,商品名称") || !strings.Contains(csv, "'=HYPERLINK(1)") || !strings.Contains(csv, ",76.50") {
			t.Fatalf("csv = %q", csv)
		}
		// Without cost:read the value column is not there at all.
		if csv := e.do("viewer", "GET", "/api/v1/reports/inventory-balance?format=csv", "", nil, 200); strings.Contains(csv, "76.5") || strings.Contains(csv, "结存金额") {
			t.Fatalf("viewer's csv = %q", csv)
		}
		status, xlsx, h := e.raw("viewer", "GET", "/api/v1/reports/inventory-balance?format=xlsx", "", nil)
		if status != 200 || !strings.Contains(h.Get("Content-Disposition"), "filename*=UTF-8''") {
			t.Fatalf("xlsx %d %v", status, h)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(xlsx)))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("库存余额表")
		if err != nil || len(rows) != 2 || rows[0][0] != "商品编码" || rows[1][6] != "10" {
			t.Fatalf("xlsx rows = %v (%v)", rows, err)
		}
		// Document lists export with names and states people read.
		if got := e.do("viewer", "GET", "/api/v1/purchase-orders?format=csv", "", nil, 200); !strings.Contains(got, "单号,日期,状态,往来单位") ||
			!strings.Contains(got, ",已入库,供应商一,一号仓,76.50,9.95,86.45") {
			t.Fatalf("order export = %q", got)
		}
		if got := e.do("viewer", "GET", "/api/v1/purchase-receipts", "", nil, 200); !strings.Contains(got, `"partner_name":"供应商一"`) {
			t.Fatal(got)
		}
		if status, _, _ := e.raw("viewer", "GET", "/api/v1/purchase-receipts?format=xlsx", "", nil); status != 200 {
			t.Fatalf("receipt export %d", status)
		}
		e.do("viewer", "GET", "/api/v1/sales-orders?format=doc", "", nil, 422)
		e.do("viewer", "GET", "/api/v1/reports/nothing", "", nil, 404)
		e.do("viewer", "GET", "/api/v1/reports/gross-profit?format=pdf", "", nil, 422)
		e.do("viewer", "GET", "/api/v1/reports/sales-detail?from=2026-11-30&to=2026-11-01", "", nil, 422)
		// Gross profit is about cost (cost:read): not the keeper's.
		e.do("keeper", "GET", "/api/v1/reports/gross-profit", "", nil, 403)
		e.do("admin", "GET", "/api/v1/reports/gross-profit", "", nil, 200)
		if got := e.do("admin", "GET", "/api/v1/reports/slow-moving?days=1", "", nil, 200); !strings.Contains(got, `"total":0`) {
			t.Fatalf("stock received today is not idle for a day: %s", got)
		}
		if got := e.do("admin", "GET", "/api/v1/approvals?status=pending", "", nil, 200); !strings.Contains(got, `"items":[]`) {
			t.Fatal(got)
		}
	})
}

// The oversell test over HTTP: 100 on hand, 200 clients each create,
// submit and ship a one-unit sales order at once. Exactly 100 ship, the rest
// are refused with insufficient_stock (422), nothing answers 5xx, and every
// document number is unique.
func TestOversellOverHTTP(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newAPI(t, driver)
		unit := id(t, e.do("admin", "POST", "/api/v1/units", `{"name":"个"}`, nil, 201))
		wh := id(t, e.do("admin", "POST", "/api/v1/warehouses", `{"code":"WH1","name":"一号仓"}`, nil, 201))
		prod := id(t, e.do("admin", "POST", "/api/v1/products", fmt.Sprintf(`{"sku":"HOT","name":"爆款","unit_id":%d}`, unit), nil, 201))
		cus := id(t, e.do("admin", "POST", "/api/v1/partners", `{"code":"C1","name":"客户","type":"customer"}`, nil, 201))
		e.do("admin", "POST", "/api/v1/stock/opening", fmt.Sprintf(`{"warehouse_id":%d,"lines":[{"product_id":%d,"qty":100,"unit_cost":3}]}`, wh, prod), nil, 201)

		var mu sync.Mutex
		numbers := map[string]bool{}
		counts := map[string]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < 200; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				record := func(outcome, number string) {
					mu.Lock()
					defer mu.Unlock()
					counts[outcome]++
					if number != "" {
						if numbers[number] {
							counts["duplicate number"]++
						}
						numbers[number] = true
					}
				}
				status, body, _ := e.raw("admin", "POST", "/api/v1/sales-orders", fmt.Sprintf(`{"partner_id":%d,"warehouse_id":%d,"lines":[{"product_id":%d,"qty":1,"unit_price":9}]}`, cus, wh, prod), nil)
				var so struct {
					ID     int64
					Number string
					Lines  []struct{ ID int64 }
				}
				if status != 201 || json.Unmarshal([]byte(body), &so) != nil {
					record(fmt.Sprintf("create %d", status), "")
					return
				}
				record("created", so.Number)
				status, body, _ = e.raw("admin", "POST", fmt.Sprintf("/api/v1/sales-orders/%d/submit", so.ID), "", nil)
				if status == 422 && strings.Contains(body, `"code":"insufficient_stock"`) {
					record("refused", "")
					return
				}
				if status != 200 {
					record(fmt.Sprintf("submit %d", status), "")
					return
				}
				status, body, _ = e.raw("admin", "POST", "/api/v1/sales-shipments", fmt.Sprintf(`{"order_id":%d,"lines":[{"order_line_id":%d,"qty":1}]}`, so.ID, so.Lines[0].ID), nil)
				var gi struct{ Number string }
				if status != 201 || json.Unmarshal([]byte(body), &gi) != nil {
					record(fmt.Sprintf("ship %d", status), "")
					return
				}
				record("shipped", gi.Number)
			}()
		}
		close(start)
		wg.Wait()
		if counts["created"] != 200 || counts["shipped"] != 100 || counts["refused"] != 100 || len(counts) != 3 {
			t.Fatalf("outcomes: %v", counts)
		}
		if got := e.do("viewer", "GET", fmt.Sprintf("/api/v1/stock?product_id=%d", prod), "", nil, 200); !strings.Contains(got, `"on_hand":"0"`) || !strings.Contains(got, `"reserved":"0"`) {
			t.Fatalf("stock after selling out: %s", got)
		}
	})
}
