package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// The books over HTTP: the chart, a manual voucher refused unbalanced
// (422 unbalanced_voucher on lines), booked, reversed, and the trial
// balance as JSON, CSV and XLSX; none of it for a viewer.
func TestLedgerAPI(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newAPI(t, driver)
		e.do("viewer", "GET", "/api/v1/accounts", "", nil, 403)
		var chart struct {
			Items []struct {
				ID   int64
				Code string
				Name string
			}
			Total int
		}
		if err := json.Unmarshal([]byte(e.do("admin", "GET", "/api/v1/accounts", "", nil, 200)), &chart); err != nil {
			t.Fatal(err)
		}
		id := map[string]int64{}
		for _, a := range chart.Items {
			id[a.Code] = a.ID
		}
		if chart.Total != len(chart.Items) || id["3103"] == 0 || id["22210107"] == 0 || id["4103"] != 0 {
			t.Fatalf("chart: %d accounts, 3103=%d", chart.Total, id["3103"])
		}
		today := e.now().In(domain.Shanghai)
		period := today.Format("2006-01")
		body := func(dr, cr string) string {
			return fmt.Sprintf(`{"date":"`+today.Format("2006-01-02")+`","remark":"提现","lines":[{"account_id":%d,"debit":%q},{"account_id":%d,"credit":%q}]}`,
				id["1001"], dr, id["1002"], cr)
		}
		got := e.do("admin", "POST", "/api/v1/vouchers", body("500", "499.99"), nil, 422)
		if !strings.Contains(got, `"code":"unbalanced_voucher"`) || !strings.Contains(got, `"field":"lines"`) {
			t.Fatal(got)
		}
		var v struct {
			ID     int64
			Number string
			Period string
		}
		if err := json.Unmarshal([]byte(e.do("admin", "POST", "/api/v1/vouchers", body("500", "500"), nil, 201)), &v); err != nil {
			t.Fatal(err)
		}
		if v.Number != "记-0001" || v.Period != period {
			t.Fatalf("voucher %+v", v)
		}
		e.do("viewer", "POST", "/api/v1/vouchers", body("1", "1"), nil, 403)
		rev := e.do("admin", "POST", fmt.Sprintf("/api/v1/vouchers/%d/reverse", v.ID), "", nil, 201)
		if !strings.Contains(rev, `"number":"记-0002"`) || !strings.Contains(rev, `"debit":"-500"`) {
			t.Fatal(rev)
		}
		e.do("admin", "POST", fmt.Sprintf("/api/v1/vouchers/%d/reverse", v.ID), "", nil, 409)
		e.do("admin", "GET", "/api/v1/vouchers/999999", "", nil, 404)
		list := e.do("admin", "GET", "/api/v1/vouchers?period="+period, "", nil, 200)
		if !strings.Contains(list, `"total":2`) || !strings.Contains(list, `"number":"记-0002"`) {
			t.Fatal(list)
		}
		e.do("admin", "GET", "/api/v1/vouchers?period=2026-1", "", nil, 422)

		// Reversed in the same month, the two net to nothing (red-letter
		// keeps 发生额 net); one more voucher gives the balance something.
		e.do("admin", "POST", "/api/v1/vouchers", body("200", "200"), nil, 201)
		tb := e.do("admin", "GET", "/api/v1/reports/trial-balance?period="+period, "", nil, 200)
		var r struct {
			Summary struct {
				Balanced bool
				Period   string
			}
			Items []json.RawMessage
		}
		if err := json.Unmarshal([]byte(tb), &r); err != nil || !r.Summary.Balanced || r.Summary.Period != period || len(r.Items) != 2 ||
			!strings.Contains(tb, `"period_debit":"200"`) || !strings.Contains(tb, `"footer":[{"account_id":0,"code":"","name":"合计"`) {
			t.Fatalf("trial balance %s", tb)
		}
		e.do("admin", "GET", "/api/v1/reports/trial-balance?period=2026-13", "", nil, 422)
		e.do("viewer", "GET", "/api/v1/reports/trial-balance", "", nil, 403)
		csv := e.do("admin", "GET", "/api/v1/reports/trial-balance?format=csv&period="+period, "", nil, 200)
		if !strings.HasPrefix(csv, "\uFEFF科目编码,科目名称,期初借方") || !strings.Contains(csv, "1001,库存现金,0.00,0.00,200.00,0.00,200.00,0.00") ||
			!strings.HasSuffix(csv, ",合计,0.00,0.00,200.00,200.00,200.00,200.00\n") {
			t.Fatalf("csv %q", csv)
		}
		status, xlsx, _ := e.raw("admin", "GET", "/api/v1/reports/trial-balance?format=xlsx&period="+period, "", nil)
		f, err := excelize.OpenReader(bytes.NewReader([]byte(xlsx)))
		if status != 200 || err != nil {
			t.Fatalf("xlsx %d %v", status, err)
		}
		// The 合计 row follows the accounts, in every format.
		if rows, err := f.GetRows("科目余额表"); err != nil || len(rows) != 4 || rows[1][0] != "1001" || rows[3][1] != "合计" || rows[3][4] != "200.00" || rows[3][5] != "200.00" {
			t.Fatalf("xlsx rows %v %v", rows, err)
		}
		// Money: a customer's receipt, refused for a supplier-only partner
		// or a bad amount, then listed and read with its allocation state.
		cus := e.do("admin", "POST", "/api/v1/partners", `{"code":"C9","name":"客户九","type":"customer"}`, nil, 201)
		var c struct{ ID int64 }
		if err := json.Unmarshal([]byte(cus), &c); err != nil {
			t.Fatal(err)
		}
		got = e.do("admin", "POST", "/api/v1/payments", fmt.Sprintf(`{"partner_id":%d,"amount":"10"}`, c.ID), nil, 422)
		if !strings.Contains(got, `"field":"partner_id"`) {
			t.Fatal(got)
		}
		e.do("admin", "POST", "/api/v1/receipts", fmt.Sprintf(`{"partner_id":%d,"amount":"-1"}`, c.ID), nil, 422)
		e.do("viewer", "POST", "/api/v1/receipts", fmt.Sprintf(`{"partner_id":%d,"amount":"1"}`, c.ID), nil, 403)
		rc := e.do("admin", "POST", "/api/v1/receipts", fmt.Sprintf(`{"partner_id":%d,"amount":"88.80","remark":"预收货款"}`, c.ID), nil, 201)
		if !strings.Contains(rc, `"number":"SK`) || !strings.Contains(rc, `"unallocated":"88.8"`) {
			t.Fatal(rc)
		}
		// By account code too (API.md's account_code); a code that is not
		// cash or bank is refused on its field.
		e.do("admin", "POST", "/api/v1/receipts", fmt.Sprintf(`{"partner_id":%d,"amount":"1","account_code":"1001"}`, c.ID), nil, 201)
		got = e.do("admin", "POST", "/api/v1/receipts", fmt.Sprintf(`{"partner_id":%d,"amount":"1","account_code":"9999"}`, c.ID), nil, 422)
		if !strings.Contains(got, `"field":"account_code"`) {
			t.Fatal(got)
		}
		got = e.do("admin", "GET", fmt.Sprintf("/api/v1/open-items?partner_id=%d&kind=ar", c.ID), "", nil, 200)
		if !strings.Contains(got, `"open":"-88.8"`) || !strings.Contains(got, `"doc_type":"money_receipt"`) {
			t.Fatal(got)
		}
		e.do("admin", "GET", "/api/v1/open-items?kind=xx", "", nil, 422)
		e.do("admin", "GET", "/api/v1/open-items?status=closed", "", nil, 422)
		// A list like the others: paged, with the total (two receipts'
		// credits are open for this customer), oldest first.
		got = e.do("admin", "GET", fmt.Sprintf("/api/v1/open-items?partner_id=%d&kind=ar&page_size=1", c.ID), "", nil, 200)
		var pg struct {
			Items    []map[string]any
			Total    int64
			PageSize int `json:"page_size"`
		}
		if err := json.Unmarshal([]byte(got), &pg); err != nil || len(pg.Items) != 1 || pg.Total != 2 || pg.PageSize != 1 || pg.Items[0]["open"] != "-88.8" {
			t.Fatalf("a page of 1: %s", got)
		}
		got = e.do("admin", "GET", fmt.Sprintf("/api/v1/open-items?partner_id=%d&kind=ar&page_size=1&page=2", c.ID), "", nil, 200)
		if json.Unmarshal([]byte(got), &pg) != nil || len(pg.Items) != 1 || pg.Items[0]["open"] != "-1" {
			t.Fatalf("page 2: %s", got)
		}
		e.do("admin", "GET", "/api/v1/open-items?page_size=201", "", nil, 422)
		// status=due is what a receipt can settle: the credits are not.
		got = e.do("admin", "GET", fmt.Sprintf("/api/v1/open-items?partner_id=%d&kind=ar&status=due", c.ID), "", nil, 200)
		if !strings.Contains(got, `"total":0`) {
			t.Fatalf("due items of a customer who only paid in advance: %s", got)
		}
		if got := e.do("admin", "GET", "/api/v1/receipts", "", nil, 200); !strings.Contains(got, `"total":2`) {
			t.Fatal(got)
		}
		if got := e.do("admin", "GET", "/api/v1/reports/ar-aging", "", nil, 200); !strings.Contains(got, `"unallocated":"-89.8"`) {
			t.Fatal(got)
		}
		// Invoices: nothing waits while goods are billed as they move; a
		// bad number or an empty selection is refused on its field.
		if got := e.do("admin", "GET", fmt.Sprintf("/api/v1/sales-invoices/pending?partner_id=%d", c.ID), "", nil, 200); got != `{"items":[]}` {
			t.Fatal(got)
		}
		got = e.do("admin", "POST", "/api/v1/sales-invoices", fmt.Sprintf(`{"partner_id":%d,"invoice_no":"","doc_ids":[1]}`, c.ID), nil, 422)
		if !strings.Contains(got, `"field":"invoice_no"`) {
			t.Fatal(got)
		}
		got = e.do("admin", "POST", "/api/v1/purchase-invoices", fmt.Sprintf(`{"partner_id":%d,"invoice_no":"0440001","doc_ids":[]}`, c.ID), nil, 422)
		if !strings.Contains(got, `"field":"doc_ids"`) {
			t.Fatal(got)
		}
		e.do("viewer", "POST", "/api/v1/sales-invoices", fmt.Sprintf(`{"partner_id":%d,"invoice_no":"1","doc_ids":[1]}`, c.ID), nil, 403)
		if got := e.do("admin", "GET", "/api/v1/sales-invoices", "", nil, 200); !strings.Contains(got, `"total":0`) {
			t.Fatal(got)
		}
		e.do("admin", "GET", "/api/v1/purchase-invoices/99", "", nil, 404)
		e.do("admin", "GET", fmt.Sprintf("/api/v1/reports/partner-statement?partner_id=%d&format=csv", c.ID), "", nil, 200)
		e.do("admin", "GET", "/api/v1/reports/partner-statement", "", nil, 422)
		// Month-end: closed, the month refuses vouchers (409 period_closed);
		// reopened, it takes them again.
		e.do("admin", "POST", "/api/v1/periods/2026-13/close", "", nil, 422)
		e.do("viewer", "POST", "/api/v1/periods/"+period+"/close", "", nil, 403)
		// The month has not ended: closing needs force and a reason.
		if got := e.do("admin", "POST", "/api/v1/periods/"+period+"/close", "", nil, 409); !strings.Contains(got, `"code":"period_not_ended"`) {
			t.Fatal(got)
		}
		if got := e.do("admin", "POST", "/api/v1/periods/"+period+"/close", `{"force":true}`, nil, 422); !strings.Contains(got, `"field":"reason"`) {
			t.Fatal(got)
		}
		if got := e.do("admin", "GET", "/api/v1/periods/"+period+"/checklist", "", nil, 200); !strings.Contains(got, `"code":"books"`) ||
			!strings.Contains(got, `"early":true`) || !strings.Contains(got, `"blocking":[]`) {
			t.Fatal(got)
		}
		e.do("admin", "GET", "/api/v1/periods/2026-13/checklist", "", nil, 422)
		if got := e.do("admin", "POST", "/api/v1/periods/"+period+"/close", `{"force":true,"reason":"月底前盘点完毕，提前结账"}`, nil, 200); !strings.Contains(got, `"status":"closed"`) {
			t.Fatal(got)
		}
		if got := e.do("admin", "POST", "/api/v1/vouchers", body("1", "1"), nil, 409); !strings.Contains(got, `"code":"period_closed"`) {
			t.Fatal(got)
		}
		if got := e.do("admin", "GET", "/api/v1/periods", "", nil, 200); !strings.Contains(got, `"status":"closed"`) {
			t.Fatal(got)
		}
		e.do("admin", "POST", "/api/v1/periods/"+period+"/reopen", "", nil, 200)
		e.do("admin", "GET", "/api/v1/reports/balance-sheet?format=xlsx", "", nil, 200)
		if got := e.do("admin", "GET", "/api/v1/reports/income-statement", "", nil, 200); !strings.Contains(got, `"item":"四、净利润"`) {
			t.Fatal(got)
		}
		tpl := e.do("admin", "GET", "/api/v1/voucher-templates", "", nil, 200)
		if !strings.Contains(tpl, `"event":"sales_shipment"`) || !strings.Contains(tpl, `"account":"22210107"`) {
			t.Fatal(tpl)
		}
		// 现金流量表: a bank payment of expenses needs its cash-flow item
		// (422 cash_flow_required on the line's field); with one it shows on
		// its line, and 现金净增加额 is the change in 货币资金.
		e.do("viewer", "GET", "/api/v1/cash-flow-items", "", nil, 403) // 只读 does not read the books
		if items := e.do("admin", "GET", "/api/v1/cash-flow-items", "", nil, 200); !strings.Contains(items, `{"line":4,"name":"支付的职工薪酬","activity":"经营","inflow":false}`) {
			t.Fatal(items)
		}
		expense := func(item int) string {
			return fmt.Sprintf(`{"date":%q,"remark":"付房租","lines":[{"account_id":%d,"debit":"300"},{"account_id":%d,"credit":"300","cash_flow_item":%d}]}`,
				today.Format("2006-01-02"), id["5602"], id["1002"], item)
		}
		got = e.do("admin", "POST", "/api/v1/vouchers", expense(0), nil, 422)
		if !strings.Contains(got, `"code":"cash_flow_required"`) || !strings.Contains(got, `"field":"lines[1].cash_flow_item"`) {
			t.Fatal(got)
		}
		got = e.do("admin", "POST", "/api/v1/vouchers", expense(7), nil, 422)
		if !strings.Contains(got, `"field":"lines[1].cash_flow_item"`) {
			t.Fatal(got)
		}
		if got = e.do("admin", "POST", "/api/v1/vouchers", expense(6), nil, 201); !strings.Contains(got, `"cash_flow_item":6`) {
			t.Fatal(got)
		}
		var cf struct {
			Items []struct {
				Line       *int
				Item       string
				Col1, Col2 *decimal.Decimal
				Heading    bool
			}
			Summary map[string]any
		}
		if err := json.Unmarshal([]byte(e.do("admin", "GET", "/api/v1/reports/cash-flow?period="+period, "", nil, 200)), &cf); err != nil {
			t.Fatal(err)
		}
		cfLine := map[int]decimal.Decimal{}
		for _, r := range cf.Items {
			if r.Heading != (r.Line == nil) {
				t.Fatalf("row %+v", r)
			}
			if r.Line != nil {
				cfLine[*r.Line] = *r.Col2
			}
		}
		if len(cf.Items) != 25 || cf.Summary["form"] != "会小企03表" || !cfLine[6].Equal(decimal.NewFromInt(300)) {
			t.Fatalf("cash flow: %+v", cf)
		}
		var bs struct {
			Items []struct {
				Line int
				Col1 decimal.Decimal
			}
		}
		json.Unmarshal([]byte(e.do("admin", "GET", "/api/v1/reports/balance-sheet?period="+period, "", nil, 200)), &bs)
		if !bs.Items[0].Col1.Equal(cfLine[22]) || !cfLine[20].Equal(cfLine[22].Sub(cfLine[21])) {
			t.Fatalf("货币资金 %s, 现金流量表 期末 %s 净增加 %s", bs.Items[0].Col1, cfLine[22], cfLine[20])
		}
		if csv := e.do("admin", "GET", "/api/v1/reports/cash-flow?format=csv&period="+period, "", nil, 200); !strings.Contains(csv, ",一、经营活动产生的现金流量：,,") ||
			!strings.Contains(csv, "6,支付其他与经营活动有关的现金,300.00,300.00") {
			t.Fatal(csv)
		}
		e.do("admin", "GET", "/api/v1/reports/cash-flow?format=xlsx", "", nil, 200)
		e.do("keeper", "GET", "/api/v1/reports/cash-flow", "", nil, 403)
		e.do("admin", "GET", "/api/v1/reports/cash-flow?period=2026-13", "", nil, 422)
	})
}

// Going live over HTTP: the openings are saved and read back with their
// 试算平衡; bad input is a 4xx naming its code and field; the read-only
// role does not write them, the warehouse keeper does not read them.
func TestOpeningBalancesAPI(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newAPI(t, driver)
		if got := e.do("admin", "GET", "/api/v1/opening-balances", "", nil, 200); !strings.Contains(got, `"start_period":""`) || !strings.Contains(got, `"lines":[]`) {
			t.Fatal(got)
		}
		put := `{"start_period":"2026-07","lines":[{"account_code":"1002","debit":"1000.50","ytd_debit":"300","ytd_credit":"100"},` +
			`{"account_code":"3001","credit":"1000.50"}]}`
		got := e.do("admin", "PUT", "/api/v1/opening-balances", put, nil, 200)
		// 1002's 年初 = 1000.50 − (300 − 100) = 800.50 against 3001's 1000.50.
		for _, want := range []string{`"start_period":"2026-07"`, `"code":"1002"`, `"year_debit":"800.5"`, `"debit":"1000.5","credit":"1000.5"`, `"balanced":false`} {
			if !strings.Contains(got, want) {
				t.Fatalf("%s not in %s", want, got)
			}
		}
		e.do("keeper", "GET", "/api/v1/opening-balances", "", nil, 403) // no ledger:read
		if got := e.do("admin", "GET", "/api/v1/opening-balances/check", "", nil, 200); !strings.Contains(got, `"year_credit":"1000.5"`) {
			t.Fatal(got)
		}
		e.do("viewer", "PUT", "/api/v1/opening-balances", put, nil, 403)
		// A save from a stale read is 409, the sheet's version in the body.
		if !strings.Contains(got, `"version":1`) {
			t.Fatal(got)
		}
		stale := strings.Replace(put, `{"start_period"`, `{"version":5,"start_period"`, 1)
		if got := e.do("admin", "PUT", "/api/v1/opening-balances", stale, nil, 409); !strings.Contains(got, `"code":"version_conflict"`) {
			t.Fatal(got)
		}
		for _, bad := range []struct{ body, code, field string }{
			{`{"start_period":"2026-7","lines":[]}`, "validation_failed", "start_period"},
			{`{"start_period":"2026-07","lines":[{"account_code":"1122","debit":"1"}]}`, "validation_failed", "lines[0].account_id"},
			{`{"start_period":"2026-07","lines":[{"account_code":"1002","debit":"1.001"}]}`, "validation_failed", "lines[0].debit"},
			{`{"start_period":"2026-07","lines":[{"account_code":"1002","debit":"1"},{"account_code":"1002","debit":"1"}]}`, "validation_failed", "lines[1].account_id"},
		} {
			got := e.do("admin", "PUT", "/api/v1/opening-balances", bad.body, nil, 422)
			if !strings.Contains(got, `"code":"`+bad.code+`"`) || !strings.Contains(got, `"field":"`+bad.field+`"`) {
				t.Fatalf("%s: %s", bad.body, got)
			}
		}
		// 期初往来: a customer's bill from May, then a bad date on its field.
		c := e.do("admin", "POST", "/api/v1/partners", `{"code":"KH1","name":"客户一","type":"customer"}`, nil, 201)
		var cus struct{ ID int64 }
		json.Unmarshal([]byte(c), &cus)
		items := fmt.Sprintf(`{"items":[{"partner_id":%d,"kind":"ar","doc_number":"XS-0520","date":"2026-05-20","due_date":"2026-06-19","amount":"11300"}]}`, cus.ID)
		if got := e.do("admin", "PUT", "/api/v1/opening-items", items, nil, 200); !strings.Contains(got, `"doc_type":"opening_item"`) || !strings.Contains(got, `"open":"11300"`) {
			t.Fatal(got)
		}
		if got := e.do("admin", "GET", "/api/v1/opening-items", "", nil, 200); !strings.Contains(got, `"doc_number":"XS-0520"`) || !strings.Contains(got, `"version":1`) {
			t.Fatal(got)
		}
		if got := e.do("admin", "PUT", "/api/v1/opening-items", strings.Replace(items, `{"items"`, `{"version":9,"items"`, 1), nil, 409); !strings.Contains(got, `"code":"version_conflict"`) {
			t.Fatal(got)
		}
		got = e.do("admin", "PUT", "/api/v1/opening-items", strings.Replace(items, "2026-05-20", "2026-07-02", 1), nil, 422)
		if !strings.Contains(got, `"field":"items[0].date"`) {
			t.Fatal(got)
		}
		e.do("viewer", "PUT", "/api/v1/opening-items", items, nil, 403)
		// 1122 now opens at 11,300 on the sheet.
		if got := e.do("admin", "GET", "/api/v1/opening-balances", "", nil, 200); !strings.Contains(got, `"code":"1122","name":"应收账款","debit":"11300"`) {
			t.Fatal(got)
		}
	})
}
