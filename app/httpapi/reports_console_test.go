package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/dingerp/erpd/store/storetest"
)

// consoleReport is one report as the console's Reports page offers it.
type consoleReport struct {
	name, title string
	required    []string // the filters the page waits for: product, partner, account
	groupings   []string // the group_by values its grouping select sends
}

// consoleReports reads the reports and their groupings from the console's
// Reports page, so a grouping added there that the API does not know
// fails here rather than as red toasts in front of a user.
func consoleReports(t *testing.T) []consoleReport {
	t.Helper()
	src, err := os.ReadFile("console/src/views/Reports.vue")
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`(?m)^\s*\{ name: '([a-z-]+)', title: '([^']+)'.*$`)
	pair := regexp.MustCompile(`\['([a-z_]+)', '[^']+'\]`)
	var out []consoleReport
	for _, m := range line.FindAllStringSubmatch(string(src), -1) {
		r := consoleReport{name: m[1], title: m[2]}
		for _, f := range []string{"product", "partner"} {
			if strings.Contains(m[0], f+": 'required'") {
				r.required = append(r.required, f)
			}
		}
		if strings.Contains(m[0], "account: true") {
			r.required = append(r.required, "account")
		}
		if i := strings.Index(m[0], "groupBy: ["); i >= 0 {
			for _, g := range pair.FindAllStringSubmatch(m[0][i:], -1) {
				r.groupings = append(r.groupings, g[1])
			}
		}
		out = append(out, r)
	}
	if len(out) < 15 {
		t.Fatalf("read %d reports from Reports.vue; has its list changed shape?", len(out))
	}
	return out
}

// Every report the console offers loads with its default filters (what
// the page sends before the user touches anything, plus the one filter it
// waits for) in every grouping its select offers.
func TestReportsLoadInEveryConsoleGrouping(t *testing.T) {
	reports := consoleReports(t)
	var grouped int
	for _, r := range reports {
		grouped += len(r.groupings)
	}
	if grouped < 4 {
		t.Fatalf("only %d groupings read from Reports.vue", grouped)
	}
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newAPI(t, driver)
		unit := id(t, e.do("admin", "POST", "/api/v1/units", `{"name":"件"}`, nil, 201))
		wh := id(t, e.do("admin", "POST", "/api/v1/warehouses", `{"code":"WH1","name":"一号仓"}`, nil, 201))
		prod := id(t, e.do("admin", "POST", "/api/v1/products", fmt.Sprintf(`{"sku":"TS01","name":"数据线","unit_id":%d}`, unit), nil, 201))
		sup := id(t, e.do("admin", "POST", "/api/v1/partners", `{"code":"S1","name":"华强电子","type":"supplier"}`, nil, 201))
		cus := id(t, e.do("admin", "POST", "/api/v1/partners", `{"code":"C1","name":"远东贸易","type":"customer"}`, nil, 201))
		var po struct {
			ID    int64
			Lines []struct{ ID int64 }
		}
		json.Unmarshal([]byte(e.do("admin", "POST", "/api/v1/purchase-orders", fmt.Sprintf(`{"partner_id":%d,"warehouse_id":%d,"lines":[{"product_id":%d,"qty":"10","unit_price":"8.5"}]}`, sup, wh, prod), nil, 201)), &po)
		e.do("admin", "POST", fmt.Sprintf("/api/v1/purchase-orders/%d/submit", po.ID), "", nil, 200)
		e.do("admin", "POST", "/api/v1/purchase-receipts", fmt.Sprintf(`{"order_id":%d,"warehouse_id":%d,"lines":[{"order_line_id":%d,"qty":10}]}`, po.ID, wh, po.Lines[0].ID), nil, 201)
		var so struct {
			ID    int64
			Lines []struct{ ID int64 }
		}
		json.Unmarshal([]byte(e.do("admin", "POST", "/api/v1/sales-orders", fmt.Sprintf(`{"partner_id":%d,"warehouse_id":%d,"lines":[{"product_id":%d,"qty":"4","unit_price":"20"}]}`, cus, wh, prod), nil, 201)), &so)
		e.do("admin", "POST", fmt.Sprintf("/api/v1/sales-orders/%d/submit", so.ID), "", nil, 200)
		e.do("admin", "POST", "/api/v1/sales-shipments", fmt.Sprintf(`{"order_id":%d,"warehouse_id":%d,"lines":[{"order_line_id":%d,"qty":4}]}`, so.ID, wh, so.Lines[0].ID), nil, 201)
		var accounts struct{ Items []struct{ ID int64 } }
		json.Unmarshal([]byte(e.do("admin", "GET", "/api/v1/accounts", "", nil, 200)), &accounts)
		if len(accounts.Items) == 0 {
			t.Fatal("no accounts")
		}
		ids := map[string]int64{"product": prod, "partner": sup, "account": accounts.Items[0].ID}

		for _, r := range reports {
			groupings := r.groupings
			if len(groupings) == 0 {
				groupings = []string{""}
			}
			for _, g := range groupings {
				v := url.Values{"page": {"1"}, "page_size": {"50"}}
				if g != "" {
					v.Set("group_by", g)
				}
				for _, f := range r.required {
					v.Set(f+"_id", fmt.Sprint(ids[f]))
				}
				path := "/api/v1/reports/" + r.name + "?" + v.Encode()
				status, body, _ := e.raw("admin", "GET", path, "", nil)
				if status != 200 {
					t.Errorf("%s (%s) 分组 %q: %d %s", r.title, r.name, g, status, body)
				}
			}
		}
		// The partner grouping groups by partner, under the names the
		// console once sent as well.
		for _, g := range []string{"partner", "supplier"} {
			if got := e.do("admin", "GET", "/api/v1/reports/purchase-summary?group_by="+g, "", nil, 200); !strings.Contains(got, "华强电子") {
				t.Errorf("采购汇总表 by %s: %s", g, got)
			}
		}
		for _, g := range []string{"partner", "customer"} {
			if got := e.do("admin", "GET", "/api/v1/reports/gross-profit?group_by="+g, "", nil, 200); !strings.Contains(got, "远东贸易") {
				t.Errorf("毛利分析表 by %s: %s", g, got)
			}
		}
		if got := e.do("admin", "GET", "/api/v1/reports/purchase-summary?group_by=warehouse", "", nil, 422); !strings.Contains(got, `"field":"group_by"`) {
			t.Errorf("unknown grouping: %s", got)
		}
	})
}
