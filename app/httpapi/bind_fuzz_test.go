package httpapi

import (
	"bytes"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/domain"
	"github.com/gin-gonic/gin"
)

// fieldPath is what an error may name: a JSON path into the body.
var fieldPath = regexp.MustCompile(`^[a-z_][a-z0-9_]*(\[\d+\])?(\.[a-z_][a-z0-9_]*(\[\d+\])?)*$`)

// FuzzBind: any body, into the inputs of orders, vouchers, transfers,
// users and money documents, decodes or is refused as a malformed request
// (400) or a refused text (a control character, 422), naming, when it
// names one, a field path; never a panic or a 5xx.
func FuzzBind(f *testing.F) {
	gin.SetMode(gin.ReleaseMode)
	for _, s := range []string{
		`{"partner_id":1,"warehouse_id":2,"lines":[{"product_id":3,"qty":"1.5","unit_price":"2"}]}`,
		`{"lines":[{"qty":"1,5"}]}`, `{"lines":[{"qty":""}]}`, `{"date":"2026-11-01","lines":[{"account_id":1,"debit":"1e10000"}]}`,
		`{"roles":["admin"],"id":1,"created_by":9}`, `{"username":"x","password":null}`, `[]`, `{`, `{"a":1}{"b":2}`,
		`{"amount":"12.5","allocations":[{"item_id":"x"}]}`, "\x00", `{"qty":"NaN"}`, `{"lines":{"0":{}}}`,
	} {
		f.Add([]byte(s))
	}
	inputs := []func() any{
		func() any { return &app.OrderInput{} }, func() any { return &app.VoucherInput{} }, func() any { return &app.TransferInput{} },
		func() any { return &app.UserInput{} }, func() any { return &app.MoneyInput{} }, func() any { return &app.StocktakeInput{} },
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, in := range inputs {
			for _, optional := range []bool{false, true} {
				c, _ := gin.CreateTestContext(httptest.NewRecorder())
				c.Request = httptest.NewRequest("POST", "/", bytes.NewReader(body))
				c.Request.Header.Set("Content-Type", "application/json")
				var err error
				if optional {
					err = bindOptional(c, in())
				} else {
					err = bind(c, in())
				}
				if err == nil {
					continue
				}
				de := domain.AsError(err)
				if de == nil || (de.Kind != domain.KindMalformed && !(de.Kind == domain.KindInvalid && de.Field != "")) {
					t.Fatalf("body %q: %v is neither a malformed-request error nor a refused text naming its field", body, err)
				}
				if de.Field != "" && !fieldPath.MatchString(de.Field) {
					t.Fatalf("body %q: field %q is not a path", body, de.Field)
				}
			}
		}
	})
}
