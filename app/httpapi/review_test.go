package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dingerp/erpd/domain"
	"github.com/dingerp/erpd/store/storetest"
)

// Voucher review over HTTP: the preparer is refused (403
// reviewer_is_preparer), a second finance user reviews, the reviewed
// voucher cannot be reversed (409 voucher_reviewed), the list filters by
// review, and un-review frees it again.
func TestVoucherReviewAPI(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newAPI(t, driver)
		e.do("admin", "POST", "/api/v1/users", `{"username":"acct","name":"审核会计","password":"Rv9-Kq4-Lm2x","roles":["finance"]}`, nil, 201)
		e.tokens["acct"] = e.login("acct", "Rv9-Kq4-Lm2x")
		var chart struct {
			Items []struct {
				ID   int64
				Code string
			}
		}
		if err := json.Unmarshal([]byte(e.do("admin", "GET", "/api/v1/accounts?page_size=200", "", nil, 200)), &chart); err != nil {
			t.Fatal(err)
		}
		id := map[string]int64{}
		for _, a := range chart.Items {
			id[a.Code] = a.ID
		}
		today := e.now().In(domain.Shanghai).Format("2006-01-02")
		var v struct{ ID int64 }
		json.Unmarshal([]byte(e.do("admin", "POST", "/api/v1/vouchers", fmt.Sprintf(
			`{"date":%q,"remark":"提现","attachments":1,"lines":[{"account_id":%d,"debit":"1000000"},{"account_id":%d,"credit":"1000000"}]}`,
			today, id["1001"], id["1002"]), nil, 201)), &v)
		path := fmt.Sprintf("/api/v1/vouchers/%d/", v.ID)

		got := e.do("admin", "POST", path+"review", "", nil, 403)
		if !strings.Contains(got, `"code":"reviewer_is_preparer"`) || !strings.Contains(got, "制单人") {
			t.Fatal(got)
		}
		e.do("viewer", "POST", path+"review", "", nil, 403)
		e.do("acct", "POST", "/api/v1/vouchers/999999/review", "", nil, 404)
		got = e.do("acct", "POST", path+"review", "", nil, 200)
		if !strings.Contains(got, `"reviewed_by_name":"审核会计"`) || !strings.Contains(got, `"reviewed_at":"20`) {
			t.Fatal(got)
		}
		got = e.do("acct", "GET", strings.TrimSuffix(path, "/"), "", nil, 200)
		if !strings.Contains(got, `"amount_in_words":"壹佰万元整"`) || !strings.Contains(got, `"reviewed_by_name":"审核会计"`) {
			t.Fatal(got)
		}
		got = e.do("admin", "POST", path+"reverse", "", nil, 409)
		if !strings.Contains(got, `"code":"voucher_reviewed"`) {
			t.Fatal(got)
		}
		e.do("acct", "POST", path+"review", "", nil, 409)
		if got = e.do("acct", "GET", "/api/v1/vouchers?review=reviewed", "", nil, 200); !strings.Contains(got, `"total":1`) {
			t.Fatal(got)
		}
		if got = e.do("acct", "GET", "/api/v1/vouchers?review=unreviewed", "", nil, 200); !strings.Contains(got, `"total":0`) {
			t.Fatal(got)
		}
		if got = e.do("acct", "GET", "/api/v1/vouchers?review=maybe", "", nil, 422); !strings.Contains(got, `"field":"review"`) {
			t.Fatal(got)
		}
		e.do("admin", "POST", path+"unreview", "", nil, 403)
		got = e.do("acct", "POST", path+"unreview", "", nil, 200)
		if !strings.Contains(got, `"reviewed_by":null`) {
			t.Fatal(got)
		}
		got = e.do("acct", "POST", path+"unreview", "", nil, 409)
		if !strings.Contains(got, `"code":"voucher_not_reviewed"`) {
			t.Fatal(got)
		}
		e.do("admin", "POST", path+"reverse", "", nil, 201)

		if got = e.do("acct", "GET", "/api/v1/finance-settings", "", nil, 200); !strings.Contains(got, `"review_required":false`) {
			t.Fatal(got)
		}
		e.do("keeper", "GET", "/api/v1/finance-settings", "", nil, 403)
		e.do("keeper", "PUT", "/api/v1/finance-settings", `{"review_required":true}`, nil, 403)
		if got = e.do("acct", "PUT", "/api/v1/finance-settings", `{"company_name":"华东\n商贸"}`, nil, 422); !strings.Contains(got, `"field":"company_name"`) {
			t.Fatal(got)
		}
		if got = e.do("acct", "PUT", "/api/v1/finance-settings", `{"company_name":"华东商贸","review_required":true,"version":0}`, nil, 200); !strings.Contains(got, `"version":1`) {
			t.Fatal(got)
		}
		if got = e.do("acct", "PUT", "/api/v1/finance-settings", `{"review_required":false,"version":7}`, nil, 409); !strings.Contains(got, `"code":"version_conflict"`) {
			t.Fatal(got)
		}
		if got = e.do("keeper", "GET", "/api/v1/finance-settings", "", nil, 403); strings.Contains(got, "华东") {
			t.Fatal(got)
		}
		if got = e.do("acct", "GET", "/api/v1/finance-settings", "", nil, 200); !strings.Contains(got, `"company_name":"华东商贸","review_required":true,"version":1`) {
			t.Fatal(got)
		}
	})
}
