package domain

import (
	"fmt"
	"strings"
)

// Imports (导入): a spreadsheet of one kind (products, partners, opening
// stock) is read against its template's columns; every bad cell is
// reported, and a file with any is refused whole. The rules of reading a
// sheet and reporting on it are here; app runs the rows through its use
// cases.

// MaxImportRows bounds one file.
const MaxImportRows = 20000

// Limits on what an import file may cost to read, checked while it is read
// (a 3.8 MB XLSX can hold 1.3 GB of sheet XML): the file as sent, the sum
// of its parts once unzipped, the size above which a sheet is streamed
// from a temporary file instead of held in memory, and the cells kept per
// row (the templates have at most nine columns; an XLSX row can claim
// 16,384).
const (
	MaxImportFileBytes     = 4 << 20
	MaxImportUnzippedBytes = 64 << 20
	MaxImportXMLBytes      = 16 << 20
	MaxImportColumns       = 64
	// MaxImportScannedRows bounds the rows read, blank ones included: a
	// sheet of millions of empty rows costs seconds of CPU per upload
	// (about a million rows a second), though no row of it is data.
	MaxImportScannedRows = 5 * MaxImportRows
)

// CodeImportTooLarge refuses a file over one of the import limits.
const CodeImportTooLarge = "import_too_large"

// importTooLarge is the refusal of a file over a limit: on the file, so an
// upload form can show it next to the file input.
func importTooLarge(msg string) error {
	return &Error{Kind: KindInvalid, Code: CodeImportTooLarge, Field: "file", Message: msg}
}

// CheckImportFileSize refuses a file of more than MaxImportFileBytes as
// sent.
func CheckImportFileSize(n int64) error {
	if n > MaxImportFileBytes {
		return importTooLarge(fmt.Sprintf("文件超过 %d MB", MaxImportFileBytes>>20))
	}
	return nil
}

// CheckImportUnzipped refuses an XLSX whose parts, as their zip headers
// declare them, add up to more than MaxImportUnzippedBytes. The zip reader
// refuses a part that inflates past its declared size, so the declared
// sizes bound what reading can cost.
func CheckImportUnzipped(declared []uint64) error {
	var total uint64
	for _, n := range declared {
		total += n
		if n > MaxImportUnzippedBytes || total > MaxImportUnzippedBytes {
			return importTooLarge(fmt.Sprintf("XLSX 文件解压后超过 %d MB，请只保留导入模板的数据", MaxImportUnzippedBytes>>20))
		}
	}
	return nil
}

// ImportTable collects a file's rows as they are read, so the row limit
// holds while reading, not after. Blank rows are only counted until a row
// with data follows them: trailing blank rows (formatting dragged down a
// sheet) cost nothing and are not rows, as in a spreadsheet's used range.
type ImportTable struct {
	Rows    [][]string
	blanks  int
	scanned int
}

// Add appends one row read from the file, keeping at most MaxImportColumns
// cells, and refuses the file once it has more than MaxImportRows data
// rows after the header or more than MaxImportScannedRows rows in all.
func (t *ImportTable) Add(row []string) error {
	if t.scanned++; t.scanned > MaxImportScannedRows {
		return importTooLarge(fmt.Sprintf("工作表超过 %d 行（含空行），请只保留有数据的行", MaxImportScannedRows))
	}
	if len(row) > MaxImportColumns {
		row = row[:MaxImportColumns]
	}
	blank := true
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			blank = false
			break
		}
	}
	if blank {
		t.blanks++
		return nil
	}
	if len(t.Rows)+t.blanks > MaxImportRows {
		return importTooLarge(fmt.Sprintf("一次最多导入 %d 行", MaxImportRows))
	}
	for ; t.blanks > 0; t.blanks-- {
		t.Rows = append(t.Rows, nil)
	}
	t.Rows = append(t.Rows, row)
	return nil
}

// ImportColumn is one column of an import template: its Chinese header, the
// input field it fills, whether it is required, and a hint for the template.
type ImportColumn struct {
	Header   string `json:"header"`
	Field    string `json:"field"`
	Required bool   `json:"required"`
	Hint     string `json:"hint"`
}

// ImportSheet is a file's data rows keyed by field.
type ImportSheet struct {
	// Rows are the non-blank data rows, each cell trimmed, by field.
	Rows []map[string]string
	// Lines are the spreadsheet row numbers of Rows (the header is row 1).
	Lines   []int
	headers map[string]string // field → Chinese header
}

func invalidFile(msg string) error {
	return &Error{Kind: KindInvalid, Code: CodeValidation, Field: "file", Message: msg}
}

// ReadImportSheet reads a table (the header row first) against a
// template's columns. A header matches a column by its Chinese header,
// with or without the * that marks it required, or by its field name in
// any case; unknown columns are ignored. It refuses, on the file, a table
// without data rows, with more than MaxImportRows, or missing a required
// column. Blank rows in a spreadsheet are not rows: they are skipped.
func ReadImportSheet(table [][]string, columns []ImportColumn) (*ImportSheet, error) {
	if len(table) < 2 {
		return nil, invalidFile("文件没有数据行（第 1 行是表头）")
	}
	if len(table)-1 > MaxImportRows {
		return nil, invalidFile(fmt.Sprintf("一次最多导入 %d 行", MaxImportRows))
	}
	colOf, err := matchImportHeader(table[0], columns)
	if err != nil {
		return nil, err
	}
	s := &ImportSheet{headers: map[string]string{}}
	for _, c := range columns {
		s.headers[c.Field] = c.Header
	}
	for i, line := range table[1:] {
		rec := map[string]string{}
		empty := true
		for j, cell := range line {
			if c, ok := colOf[j]; ok {
				rec[c.Field] = strings.TrimSpace(cell)
				empty = empty && rec[c.Field] == ""
			}
		}
		if !empty {
			s.Rows = append(s.Rows, rec)
			s.Lines = append(s.Lines, i+2)
		}
	}
	return s, nil
}

// matchImportHeader maps each header cell's index to its column, and
// refuses a header that lacks a required column.
func matchImportHeader(header []string, columns []ImportColumn) (map[int]ImportColumn, error) {
	colOf := map[int]ImportColumn{}
	present := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")), "*")
		for _, c := range columns {
			if h == c.Header || strings.EqualFold(h, c.Field) {
				colOf[i] = c
				present[c.Field] = true
			}
		}
	}
	for _, c := range columns {
		if c.Required && !present[c.Field] {
			return nil, invalidFile(fmt.Sprintf("缺少必填列“%s”，请使用导入模板", c.Header))
		}
	}
	return colOf, nil
}

// Column names a field's column in a report on the file: its Chinese
// header, or the field itself when the template has no such column.
func (s *ImportSheet) Column(field string) string {
	if col := s.headers[field]; col != "" {
		return col
	}
	return field
}

// ImportErrorCell says where a use case's error on an import row belongs:
// a validation error on its field's column (fieldMap renames input fields
// to template fields; of a nested field such as lines[0].qty only the
// last part counts), any other domain rule on the row with an empty or
// unmapped field. A fault (internal, unavailable, or not a domain error) is
// not the file's: fault is true and the import must abort with it.
func ImportErrorCell(err error, fieldMap map[string]string) (field, msg string, fault bool) {
	e := AsError(err)
	if e == nil || e.Kind == KindInternal || e.Kind == KindUnavailable {
		return "", "", true
	}
	field = e.Field
	if f, ok := fieldMap[field]; ok {
		field = f
	}
	if i := strings.LastIndex(field, "."); i >= 0 {
		field = field[i+1:]
	}
	return field, e.Message, false
}
