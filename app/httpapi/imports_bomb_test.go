package httpapi_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/store/storetest"
)

// deflated is s compressed on its own and sync-flushed, so copies of it can
// be concatenated into one raw deflate stream (no back-reference crosses a
// copy, and no copy ends the stream).
func deflated(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write([]byte(s))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombXLSX builds an XLSX whose first sheet is rowXML repeated about
// sheetBytes bytes' worth, without ever holding or deflating the sheet:
// one chunk is deflated and its compressed bytes repeated. A 1.3 GB sheet
// is about 1.3 MB of zip. The sheet's header declares its real size, or
// lie when lie > 0 (the zip reader must then stop at lie bytes).
func bombXLSX(t *testing.T, rowXML string, sheetBytes int64, lie uint64) []byte {
	t.Helper()
	chunk := strings.Repeat(rowXML, (1<<20)/len(rowXML))
	n := sheetBytes / int64(len(chunk))
	head := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>商品编码*</t></is></c><c r="B1" t="inlineStr"><is><t>商品名称*</t></is></c><c r="C1" t="inlineStr"><is><t>单位*</t></is></c></row>`
	tail := `</sheetData></worksheet>`
	var raw bytes.Buffer
	raw.Write(deflated(t, head))
	c := deflated(t, chunk)
	crc := crc32.Update(0, crc32.IEEETable, []byte(head))
	for i := int64(0); i < n; i++ {
		raw.Write(c)
		crc = crc32.Update(crc, crc32.IEEETable, []byte(chunk))
	}
	raw.Write(deflated(t, tail))
	crc = crc32.Update(crc, crc32.IEEETable, []byte(tail))
	var end bytes.Buffer
	w, _ := flate.NewWriter(&end, flate.BestCompression)
	w.Close() // the final, empty block
	raw.Write(end.Bytes())
	size := uint64(len(head)) + uint64(n)*uint64(len(chunk)) + uint64(len(tail))
	if lie > 0 {
		size = lie
	}

	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, p := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
	} {
		f, _ := zw.Create(p[0])
		f.Write([]byte(p[1]))
	}
	f, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CRC32: crc, CompressedSize64: uint64(raw.Len()), UncompressedSize64: size})
	if err != nil {
		t.Fatal(err)
	}
	f.Write(raw.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// peakHeap runs f and returns how far the heap in use rose above where it
// was, sampled every 10 ms, and how long f took.
func peakHeap(f func()) (rise uint64, took time.Duration) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base, peak := m.HeapInuse, m.HeapInuse
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	f()
	took = time.Since(start)
	close(done)
	<-stopped
	runtime.ReadMemStats(&m)
	peak = max(peak, m.HeapInuse)
	return peak - base, took
}

// TestImportZipBomb: the security test of issue 21: an XLSX of a few MB
// whose sheet is over a gigabyte of XML, sent by a purchaser, is refused
// within seconds with the heap bounded, whether its zip header says how
// big the sheet is or lies; a sheet of more rows than allowed is refused
// while it is read.
func TestImportZipBomb(t *testing.T) {
	row := `<row><c t="inlineStr"><is><t>A</t></is></c><c t="inlineStr"><is><t>甲</t></is></c><c t="inlineStr"><is><t>个</t></is></c></row>`
	short := `<row><c><v>1</v></c></row>` // deflates 400:1, so 1.3 GB fits in a request
	honest := bombXLSX(t, short, 1300<<20, 0)
	lying := bombXLSX(t, short, 1300<<20, 1<<20)
	many := bombXLSX(t, row, 4<<20, 0) // about 32,000 rows, 4 MB of XML
	// 40 MB of blank rows (7 million): within the size limits, streamed
	// from a temporary file (over 16 MB), but reading them all took 6-9 s.
	blank := bombXLSX(t, `<row/>`, 40<<20, 0)
	if len(honest) > 4<<20 || len(lying) > 4<<20 {
		t.Fatalf("bombs of %d and %d bytes do not fit in a request", len(honest), len(lying))
	}
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		e := newAPI(t, driver)
		e.do("admin", "POST", "/api/v1/users", `{"username":"buyer","name":"采购","password":"Pass-no-5-x1","roles":["purchaser"]}`, nil, 201)
		e.tokens["buyer"] = e.login("buyer", "Pass-no-5-x1")
		e.do("admin", "POST", "/api/v1/units", `{"name":"个"}`, nil, 201)
		for _, c := range []struct {
			name string
			file []byte
			want string
		}{
			{"declared 1.3 GB", honest, `"code":"import_too_large"`},
			{"lying header", lying, `"field":"file"`},
			{"32,000 rows", many, `一次最多导入 20000 行`},
			{"40 MB of blank rows", blank, `含空行`},
		} {
			var status int
			var body string
			rise, took := peakHeap(func() {
				status, body = e.upload("buyer", "/api/v1/imports/products", "商品.xlsx", c.file)
			})
			if status != 422 || !strings.Contains(body, c.want) {
				t.Errorf("%s: %d %s", c.name, status, body)
			}
			if took > 5*time.Second {
				t.Errorf("%s: refused after %s", c.name, took)
			}
			if rise > 200<<20 {
				t.Errorf("%s: the heap rose by %d MB", c.name, rise>>20)
			}
			t.Logf("%s (%d KB): %d in %s, heap +%d MB", c.name, len(c.file)>>10, status, took, rise>>20)
		}
		if list := e.do("viewer", "GET", "/api/v1/products", "", nil, 200); !strings.Contains(list, `"total":0`) {
			t.Fatalf("a refused import wrote: %s", list)
		}
	})
}
