package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dingerp/erpd/store/storetest"
)

// The audit log reads in Chinese: actions and subjects by name, documents
// by number, products by SKU and name, and an update field by field.
func TestAuditLogInWords(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newAPI(t, driver)
		unit := id(t, e.do("admin", "POST", "/api/v1/units", `{"name":"件"}`, nil, 201))
		wh := id(t, e.do("admin", "POST", "/api/v1/warehouses", `{"code":"WH1","name":"一号仓"}`, nil, 201))
		prod := id(t, e.do("admin", "POST", "/api/v1/products", fmt.Sprintf(`{"sku":"TS01","name":"数据线","unit_id":%d}`, unit), nil, 201))
		e.do("admin", "PUT", fmt.Sprintf("/api/v1/products/%d", prod), fmt.Sprintf(`{"sku":"TS01","name":"快充数据线","unit_id":%d,"version":1}`, unit), nil, 200)
		sup := id(t, e.do("admin", "POST", "/api/v1/partners", `{"code":"S1","name":"华强电子","type":"supplier"}`, nil, 201))
		var po struct {
			ID      int64
			Number  string
			Version int
		}
		json.Unmarshal([]byte(e.do("admin", "POST", "/api/v1/purchase-orders", fmt.Sprintf(`{"partner_id":%d,"warehouse_id":%d,"lines":[{"product_id":%d,"qty":"10","unit_price":"8.5"}]}`, sup, wh, prod), nil, 201)), &po)
		e.do("admin", "PUT", fmt.Sprintf("/api/v1/purchase-orders/%d", po.ID), fmt.Sprintf(`{"partner_id":%d,"warehouse_id":%d,"version":%d,"lines":[{"product_id":%d,"qty":"12","unit_price":"8.5"}]}`, sup, wh, po.Version, prod), nil, 200)
		e.do("admin", "POST", fmt.Sprintf("/api/v1/purchase-orders/%d/submit", po.ID), "", nil, 200)

		type view struct {
			Action, ActionName, EntityName, Ref string
			Changes                             []struct{ Field, Label, Before, After string }
		}
		list := func(q string) []view {
			var l struct{ Items []view }
			body := e.do("admin", "GET", "/api/v1/audit-logs?"+q, "", nil, 200)
			var raw struct {
				Items []map[string]any
			}
			json.Unmarshal([]byte(body), &raw)
			for _, it := range raw.Items {
				b, _ := json.Marshal(it)
				var v view
				json.Unmarshal(b, &v)
				v.ActionName, _ = it["action_name"].(string)
				v.EntityName, _ = it["entity_name"].(string)
				l.Items = append(l.Items, v)
			}
			return l.Items
		}
		find := func(items []view, action string) view {
			for _, v := range items {
				if v.Action == action {
					return v
				}
			}
			t.Fatalf("no %s in %+v", action, items)
			return view{}
		}

		upd := find(list("entity=product"), "update")
		if upd.ActionName != "修改" || upd.EntityName != "商品" || upd.Ref != "TS01 快充数据线" {
			t.Errorf("product update: %+v", upd)
		}
		if len(upd.Changes) != 1 || upd.Changes[0].Label != "名称" || upd.Changes[0].Before != "数据线" || upd.Changes[0].After != "快充数据线" {
			t.Errorf("product diff: %+v", upd.Changes)
		}

		items := list(fmt.Sprintf("entity=purchase_order&entity_id=%d", po.ID))
		sub := find(items, "submit")
		if sub.ActionName != "提交审批" || sub.EntityName != "采购订单" || sub.Ref != po.Number || !strings.HasPrefix(po.Number, "PO") {
			t.Errorf("submit: %+v (number %s)", sub, po.Number)
		}
		var qty bool
		for _, c := range find(items, "update").Changes {
			if c.Field == "lines[0].qty" && c.Label == "明细第 1 行·数量" && c.Before == "10" && c.After == "12" {
				qty = true
			}
		}
		if !qty {
			t.Errorf("order update diff: %+v", find(items, "update").Changes)
		}

		names := e.do("admin", "GET", "/api/v1/audit-logs/names", "", nil, 200)
		for _, want := range []string{`{"code":"approve","name":"审批同意"}`, `{"code":"purchase_order","name":"采购订单"}`} {
			if !strings.Contains(names, want) {
				t.Errorf("names lack %s: %s", want, names)
			}
		}
		e.do("keeper", "GET", "/api/v1/audit-logs/names", "", nil, 403)
	})
}
