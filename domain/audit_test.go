package domain

import (
	"reflect"
	"testing"
)

func TestAuditNames(t *testing.T) {
	for _, c := range []struct{ code, action, entity string }{
		{"approve", "审批同意", "approve"},
		{"purchase_order", "purchase_order", "采购订单"},
		{"product", "product", "商品"},
		{"update", "修改", "update"},
		{"something_new", "something_new", "something_new"},
	} {
		if got := AuditActionName(c.code); got != c.action {
			t.Errorf("AuditActionName(%q) = %q, want %q", c.code, got, c.action)
		}
		if got := AuditEntityName(c.code); got != c.entity {
			t.Errorf("AuditEntityName(%q) = %q, want %q", c.code, got, c.entity)
		}
	}
	if got := AuditActionNameFor("period", "close"); got != "结账" {
		t.Errorf("closing a period: %q", got)
	}
	if got := AuditActionNameFor("sales_order", "close"); got != "关闭" {
		t.Errorf("closing an order: %q", got)
	}
	// Every code the filter offers has a Chinese name, not its code.
	for _, l := range [][]CodeName{AuditActions(), AuditEntities()} {
		for _, cn := range l {
			if cn.Name == "" || cn.Name == cn.Code {
				t.Errorf("%q has no name", cn.Code)
			}
		}
	}
}

func TestAuditFieldLabel(t *testing.T) {
	for in, want := range map[string]string{
		"name":                 "名称",
		"lines[0].qty":         "明细第 1 行·数量",
		"lines[11].unit_price": "明细第 12 行·单价",
		"odd_field":            "odd_field",
	} {
		if got := AuditFieldLabel(in); got != want {
			t.Errorf("AuditFieldLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAuditDiff(t *testing.T) {
	for _, c := range []struct {
		name          string
		before, after string
		want          []AuditChange
	}{
		{"creation has nothing to compare", "", `{"name":"可乐"}`, nil},
		{"deletion has nothing to compare", `{"name":"可乐"}`, "", nil},
		{"not objects", `[1]`, `[2]`, nil},
		{"bad json", `{"name":`, `{"name":"x"}`, nil},
		{"unchanged", `{"name":"可乐","version":1}`, `{"name":"可乐","version":2}`, nil},
		{"bookkeeping fields are left out", `{"updated_at":"2026-12-01T00:00:00Z","id":3}`, `{"updated_at":"2026-12-08T00:00:00Z","id":3}`, nil},
		{"a field changed", `{"name":"可乐","phone":"1"}`, `{"name":"百事","phone":"1"}`,
			[]AuditChange{{"name", "名称", "可乐", "百事"}}},
		{"decimals as written, not floats", `{"credit_limit":"10000.10"}`, `{"credit_limit":"10000.2"}`,
			[]AuditChange{{"credit_limit", "信用额度", "10000.10", "10000.2"}}},
		{"numbers keep their digits", `{"tax_rate":0.13}`, `{"tax_rate":0.09}`,
			[]AuditChange{{"tax_rate", "税率", "0.13", "0.09"}}},
		{"booleans in words", `{"allow_negative":false}`, `{"allow_negative":true}`,
			[]AuditChange{{"allow_negative", "允许负库存", "否", "是"}}},
		{"status in words", `{"status":"draft"}`, `{"status":"cancelled"}`,
			[]AuditChange{{"status", "状态", "草稿", "已作废"}}},
		{"added and removed fields", `{"remark":"急"}`, `{"phone":"138"}`,
			[]AuditChange{{"phone", "电话", "", "138"}, {"remark", "备注", "急", ""}}},
		{"null is empty", `{"category_id":null}`, `{"category_id":4}`,
			[]AuditChange{{"category_id", "分类", "", "4"}}},
		{"lists of values are one field", `{"roles":["sales"]}`, `{"roles":["sales","viewer"]}`,
			[]AuditChange{{"roles", "角色", "sales", "sales、viewer"}}},
		{"lines field by field", `{"lines":[{"id":1,"product_id":5,"qty":"10","unit_price":"2.5"}]}`,
			`{"lines":[{"id":9,"product_id":5,"qty":"12","unit_price":"2.5"},{"id":10,"product_id":6,"qty":"1","unit_price":"3"}]}`,
			[]AuditChange{
				{"lines[0].qty", "明细第 1 行·数量", "10", "12"},
				{"lines[1].product_id", "明细第 2 行·商品", "", "6"},
				{"lines[1].qty", "明细第 2 行·数量", "", "1"},
				{"lines[1].unit_price", "明细第 2 行·单价", "", "3"},
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := AuditDiff(c.before, c.after); !reflect.DeepEqual(got, c.want) {
				t.Errorf("AuditDiff = %#v\nwant %#v", got, c.want)
			}
		})
	}
}
