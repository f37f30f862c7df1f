package httpapi_test

import (
	"strings"
	"testing"

	"github.com/dingerp/erpd/store/storetest"
)

// TestJSONBodyContentType: issue 21 found text/plain, form and XML bodies
// read as JSON. A JSON endpoint answers them 415 unsupported_media_type and
// writes nothing; JSON (with a charset, or a +json type) is read; requests
// without a body and the multipart import are not affected.
func TestJSONBodyContentType(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newAPI(t, driver)
		for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "application/xml", "text/xml", "multipart/form-data; boundary=x"} {
			status, body, _ := e.raw("admin", "POST", "/api/v1/units", `{"name":"个"}`, map[string]string{"Content-Type": ct})
			if status != 415 || !strings.Contains(body, `"code":"unsupported_media_type"`) || !strings.Contains(body, `"field":"Content-Type"`) {
				t.Errorf("%s: %d %s", ct, status, body)
			}
		}
		if list := e.do("viewer", "GET", "/api/v1/units", "", nil, 200); strings.Contains(list, `"个"`) {
			t.Fatalf("a refused body wrote: %s", list)
		}
		e.do("admin", "POST", "/api/v1/units", `{"name":"个"}`, map[string]string{"Content-Type": "application/json; charset=utf-8"}, 201)
		e.do("admin", "POST", "/api/v1/units", `{"name":"箱"}`, map[string]string{"Content-Type": "application/merge-patch+json"}, 201)
		e.do("viewer", "GET", "/api/v1/units", "", map[string]string{"Content-Type": "text/plain"}, 200)
	})
}
