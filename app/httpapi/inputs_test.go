package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dingerp/erpd/store/storetest"
)

// TestInputsThatCannotHurt: the reproductions of issue 21 part 4, each a
// 422 naming the field and nothing written: a negative tax rate (was
// silently replaced by the product's), dates in year 0 and 9999 and an
// expected date before the order date (were accepted), NUL and bidi
// controls in text (were stored).
func TestInputsThatCannotHurt(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newAPI(t, driver)
		unit := id(t, e.do("admin", "POST", "/api/v1/units", `{"name":"件"}`, nil, 201))
		wh := id(t, e.do("admin", "POST", "/api/v1/warehouses", `{"code":"WH1","name":"一号仓"}`, nil, 201))
		prod := id(t, e.do("admin", "POST", "/api/v1/products", fmt.Sprintf(`{"sku":"TS01","name":"螺丝","unit_id":%d,"tax_rate":"0.13"}`, unit), nil, 201))
		sup := id(t, e.do("admin", "POST", "/api/v1/partners", `{"code":"S1","name":"供应商一","type":"supplier"}`, nil, 201))
		order := func(extra, line string) string {
			return fmt.Sprintf(`{"partner_id":%d,"warehouse_id":%d%s,"lines":[{"product_id":%d,"qty":"1","unit_price":"10"%s}]}`, sup, wh, extra, prod, line)
		}
		refused := func(name, method, path, body, field string) {
			t.Helper()
			status, out, _ := e.raw("admin", method, path, body, nil)
			if status != 422 || !strings.Contains(out, `"field":"`+field+`"`) {
				t.Errorf("%s: %d %s, want 422 on %s", name, status, out, field)
			}
		}
		for _, c := range []struct{ name, method, path, body, field string }{
			{"negative tax rate", "POST", "/api/v1/purchase-orders", order("", `,"tax_rate":"-0.05"`), "lines[0].tax_rate"},
			{"tax rate of 13 (per cent as a number)", "POST", "/api/v1/purchase-orders", order("", `,"tax_rate":"13"`), "lines[0].tax_rate"},
			{"negative discount", "POST", "/api/v1/purchase-orders", order("", `,"discount_rate":"-0.1"`), "lines[0].discount_rate"},
			{"negative product tax rate", "POST", "/api/v1/products", fmt.Sprintf(`{"sku":"TS02","name":"垫片","unit_id":%d,"tax_rate":"-0.13"}`, unit), "tax_rate"},
			{"order in year 0", "POST", "/api/v1/purchase-orders", order(`,"order_date":"0000-01-01"`, ""), "order_date"},
			{"order in 9999", "POST", "/api/v1/purchase-orders", order(`,"order_date":"9999-12-31"`, ""), "order_date"},
			{"expected before ordered", "POST", "/api/v1/purchase-orders", order(`,"order_date":"2026-12-01","expected_date":"2026-11-30"`, ""), "expected_date"},
			{"opening in year 0", "POST", "/api/v1/stock/opening", fmt.Sprintf(`{"warehouse_id":%d,"biz_date":"0000-01-01","lines":[{"product_id":%d,"qty":"1","unit_cost":"1"}]}`, wh, prod), "biz_date"},
			{"NUL in a search", "GET", "/api/v1/products?q=%00", "", "q"},
			{"report from 9999", "GET", "/api/v1/reports/gross-profit?from=9999-01-01", "", "from"},
			{"NUL in a unit name", "POST", "/api/v1/units", `{"name":"箱\u0000"}`, "name"},
			{"RLO in a partner name", "POST", "/api/v1/partners", `{"code":"S2","name":"供应商\u202e二","type":"supplier"}`, "name"},
			{"LRI in a product spec", "POST", "/api/v1/products", fmt.Sprintf(`{"sku":"TS03","name":"垫片","unit_id":%d,"spec":"M4\u2066"}`, unit), "spec"},
			{"newline in a partner name", "POST", "/api/v1/partners", `{"code":"S3","name":"供应商\n三","type":"supplier"}`, "name"},
			{"NUL in an order remark", "POST", "/api/v1/purchase-orders", order(`,"remark":"急\u0000"`, ""), "remark"},
			{"C1 in a line remark", "POST", "/api/v1/purchase-orders", order("", `,"remark":"a\u0085"`), "lines[0].remark"},
			{"DEL in a warehouse address", "POST", "/api/v1/warehouses", `{"code":"WH2","name":"二号仓","address":"路\u007f"}`, "address"},
		} {
			refused(c.name, c.method, c.path, c.body, c.field)
		}
		// An import's cells reach the same rules.
		out := e.do("admin", "POST", "/api/v1/imports/products", "商品编码,商品名称,单位\nX1,甲\u202e乙,件\nX2,丙\x00,件\n", map[string]string{"Content-Type": "text/csv"}, 422)
		if !strings.Contains(out, `{"row":2,"column":"商品名称"`) || !strings.Contains(out, `{"row":3,"column":"商品名称"`) {
			t.Errorf("import of bidi and NUL names: %s", out)
		}
		if list := e.do("viewer", "GET", "/api/v1/purchase-orders", "", nil, 200); !strings.Contains(list, `"total":0`) {
			t.Fatalf("a refused order was written: %s", list)
		}
		// What stays legal: a line break in a remark, a rate left out (the
		// product's), the first and last days of the range.
		body := e.do("admin", "POST", "/api/v1/purchase-orders", order(`,"order_date":"2026-12-01","expected_date":"2026-12-01","remark":"第一行\n第二行"`, ""), nil, 201)
		if !strings.Contains(body, `"tax_rate":"0.13"`) || !strings.Contains(body, `第一行\n第二行`) {
			t.Fatalf("order without a rate: %s", body)
		}
		e.do("admin", "GET", "/api/v1/reports/gross-profit?from=2000-01-01&to=2100-12-31", "", nil, 200)
	})
}
