package httpapi_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/dingerp/erpd/store/storetest"
	"github.com/xuri/excelize/v2"
)

func xlsxFile(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (e *apiEnv) upload(user, path, filename string, data []byte) (int, string) {
	e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("file", filename)
	part.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func TestImportUpload(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newAPI(t, driver)
		e.do("admin", "POST", "/api/v1/units", `{"name":"个"}`, nil, 201)
		status, tpl, h := e.raw("viewer", "GET", "/api/v1/imports/products/template", "", nil)
		if status != 200 || !strings.Contains(h.Get("Content-Disposition"), "UTF-8''") {
			t.Fatalf("template: %d", status)
		}
		if f, err := excelize.OpenReader(strings.NewReader(tpl)); err != nil {
			t.Fatal(err)
		} else if rows, _ := f.GetRows("数据"); len(rows) != 1 || rows[0][0] != "商品编码*" {
			t.Fatalf("template header = %v", rows)
		}
		bad := xlsxFile(t, [][]any{{"商品编码*", "商品名称*", "单位*"}, {"A1", "甲", "个"}, {"A2", "乙", "箱"}})
		status, body := e.upload("admin", "/api/v1/imports/products", "商品.xlsx", bad)
		if status != 422 || !strings.Contains(body, `"code":"import_invalid"`) || !strings.Contains(body, `{"row":3,"column":"单位"`) {
			t.Fatalf("bad upload: %d %s", status, body)
		}
		if list := e.do("viewer", "GET", "/api/v1/products", "", nil, 200); !strings.Contains(list, `"total":0`) {
			t.Fatalf("a refused import wrote: %s", list)
		}
		good := xlsxFile(t, [][]any{{"商品编码*", "商品名称*", "单位*"}, {"A1", "甲", "个"}, {"A2", "乙", "个"}})
		if status, body := e.upload("viewer", "/api/v1/imports/products", "商品.xlsx", good); status != 403 {
			t.Fatalf("a viewer imports: %d %s", status, body)
		}
		if status, body := e.upload("admin", "/api/v1/imports/products", "商品.xlsx", good); status != 201 || !strings.Contains(body, `"created":2`) {
			t.Fatalf("good upload: %d %s", status, body)
		}
		e.do("admin", "POST", "/api/v1/imports/nothing", "a,b\n1,2\n", map[string]string{"Content-Type": "text/csv"}, 404)
	})
}
