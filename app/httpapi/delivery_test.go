package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dingerp/erpd/store/storetest"
)

// dictID finds a seeded dictionary entry through the API.
func (e *apiEnv) dictID(typ, code string) int64 {
	e.t.Helper()
	var l struct {
		Items []struct {
			ID   int64
			Code string
		}
	}
	json.Unmarshal([]byte(e.do("admin", "GET", "/api/v1/dictionaries/"+typ+"/entries?page_size=100", "", nil, 200)), &l)
	for _, it := range l.Items {
		if it.Code == code {
			return it.ID
		}
	}
	e.t.Fatalf("no %s/%s", typ, code)
	return 0
}

// wantErr checks the JSON error body: its code and the field it names.
func wantErr(t *testing.T, body, code, field string) {
	t.Helper()
	var w struct {
		Error struct{ Code, Message, Field string }
	}
	b := w.Error
	if err := json.Unmarshal([]byte(body), &w); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	if b = w.Error; b.Code != code || b.Field != field || b.Message == "" {
		t.Fatalf("error body %s, want code %s on %q", body, code, field)
	}
}

// Over HTTP: dictionary references and delivery fields are 422s naming
// the field, an entry in use is a 409, addresses are master data (the
// keeper reads them, the read-only role cannot write them), and a partner
// that is not there is a 404.
func TestAPIDeliveryAndDictionary(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newAPI(t, driver)
		bank := e.dictID("payment_method", "bank")
		levelA := e.dictID("customer_level", "A")
		body := e.do("admin", "POST", "/api/v1/partners", fmt.Sprintf(`{"code":"C9","name":"客户九","type":"customer","level_id":%d}`, bank), nil, 422)
		wantErr(t, body, "validation_failed", "level_id")
		cus := id(t, e.do("admin", "POST", "/api/v1/partners", fmt.Sprintf(`{"code":"C9","name":"客户九","type":"customer","level_id":%d}`, levelA), nil, 201))

		base := fmt.Sprintf("/api/v1/partners/%d/addresses", cus)
		wantErr(t, e.do("admin", "POST", base, `{"address":"上海","phone":"12ab"}`, nil, 422), "validation_failed", "phone")
		wantErr(t, e.do("admin", "POST", base, `{"address":""}`, nil, 422), "validation_failed", "address")
		aid := id(t, e.do("admin", "POST", base, `{"address":"上海市张江路 1 号","contact":"王","phone":"13800138000"}`, nil, 201))
		e.do("viewer", "POST", base, `{"address":"x"}`, nil, 403)
		e.do("viewer", "DELETE", fmt.Sprintf("%s/%d", base, aid), "", nil, 403)
		var list []struct {
			ID        int64
			IsDefault bool `json:"is_default"`
		}
		json.Unmarshal([]byte(e.do("keeper", "GET", base, "", nil, 200)), &list)
		if len(list) != 1 || list[0].ID != aid || !list[0].IsDefault {
			t.Fatalf("addresses %+v", list)
		}
		e.do("admin", "GET", "/api/v1/partners/999999/addresses", "", nil, 404)
		e.do("admin", "PUT", fmt.Sprintf("%s/999999", base), `{"address":"x"}`, nil, 404)

		// A shipment's delivery fields are checked before anything else.
		wantErr(t, e.do("admin", "POST", "/api/v1/sales-shipments", `{"order_id":1,"ship_phone":"电话","lines":[]}`, nil, 422), "validation_failed", "ship_phone")
		wantErr(t, e.do("admin", "POST", "/api/v1/sales-shipments", `{"order_id":1,"waybill_no":"SF 12","lines":[]}`, nil, 422), "validation_failed", "waybill_no")

		// The shipment export carries the delivery columns; receipts' do not.
		if csv := e.do("admin", "GET", "/api/v1/sales-shipments?format=csv", "", nil, 200); !strings.Contains(csv, "运单号") || !strings.Contains(csv, "收货地址") {
			t.Fatalf("shipment export header: %s", csv)
		}
		if csv := e.do("admin", "GET", "/api/v1/purchase-receipts?format=csv", "", nil, 200); strings.Contains(csv, "运单号") {
			t.Fatalf("receipt export header: %s", csv)
		}

		// In use: 409; unused: deleted.
		wantErr(t, e.do("admin", "DELETE", fmt.Sprintf("/api/v1/dictionaries/customer_level/entries/%d", levelA), "", nil, 409), "referenced", "")
		e.do("admin", "DELETE", fmt.Sprintf("/api/v1/dictionaries/payment_method/entries/%d", bank), "", nil, 204)
	})
}
